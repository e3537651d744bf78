/**
 * The worklist's counts kept as tasks change (issue 11, measure 3): task_tally, kept by statement-level triggers on
 * task (prisma/migrations/20261128000100_task_tally), equals a count of the open tasks after every kind of write
 * (single rows, a bulk INSERT ... SELECT, concurrent transactions, TRUNCATE); GET /tasks answers `available` and
 * `overdue` from it exactly as the on-demand count does, for clerks, supervisors and a province seeing escalated tasks.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';
import { taskSummary } from '../../api/tasks/router';

let tdb: TestDatabase;
let api: RunningApi;
/** Up to 20 connections of its own, for the concurrent transactions. */
let pool: pg.Pool;
type User = { id: string; headers: Record<string, string> };
const u: Record<string, User> = {};

beforeAll(async () => {
  tdb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: tdb.url, max: 20 });
  // An idle connection the server closes (the database dropped or its backends ended) is the pool's 'error' event:
  // without a listener Node throws it as an uncaught exception (seen in CI under load, 57P01). test/support/db.ts too.
  pool.on('error', () => undefined);
  // GET /tasks reads PostgreSQL only; the Temporal client connects lazily and is not used here.
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue: 'task-tally-unused' });
  const mk = async (username: string, agencyCode: string, roles: string[]) =>
    (u[username] = await userWithToken(tdb.db, api.url, { username, agencyCode, roles: roles as never }));
  await mk('reviewer.sy', '210100', ['reviewer']);
  await mk('both.sy', '210100', ['intake', 'reviewer']);
  await mk('sup.sy', '210100', ['supervisor']);
  await mk('reviewer.dl', '210200', ['reviewer']);
  await mk('sup.ln', '210000', ['supervisor']);
  await mk('reviewer.ln', '210000', ['reviewer']);
  await mk('auditor.ln', '210000', ['auditor']);
});
afterAll(async () => {
  await api?.close();
  await pool?.end();
  await tdb?.drop();
});

interface NewTask {
  agency: string;
  role?: string;
  type?: string;
  status?: 'open' | 'completed' | 'cancelled';
  assigned?: boolean;
  overdue?: boolean;
  escalatedTo?: string | null;
}

async function insertTask(t: NewTask, client: pg.Pool | pg.PoolClient = pool): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, escalated_to,
       status, assignee_id, overdue_since, due_date, due_at, created_at, updated_at)
     VALUES ($1, $2, $2, 'benefit_claim', $3, 'review', 'review', $4, $5, $6, $7, $8, $9,
       current_date, now(), now(), now())`,
    [
      id,
      `SYJ-2026-${t.agency}-T${id.slice(0, 8)}`,
      t.type ?? 'claim_review',
      t.role ?? 'reviewer',
      t.agency,
      t.escalatedTo ?? null,
      t.status ?? 'open',
      t.assigned ? randomUUID() : null,
      t.overdue ? new Date() : null,
    ],
  );
  return id;
}

type TallyRow = {
  agency_code: string;
  escalated_to: string;
  role: string;
  type: string;
  open: number;
  unassigned: number;
  overdue: number;
};

/** The tally's rows with any count (rows whose counts reached zero may stay). */
const tally = () =>
  tdb.sql<TallyRow>(
    `SELECT agency_code, escalated_to, role, type, open, unassigned, overdue FROM task_tally
      WHERE open <> 0 OR unassigned <> 0 OR overdue <> 0 ORDER BY 1, 2, 3, 4`,
  );
/** The same, counted from the tasks. */
const direct = () =>
  tdb.sql<TallyRow>(
    `SELECT agency_code, coalesce(escalated_to, '') AS escalated_to, role, type, count(*)::int AS open,
            count(*) FILTER (WHERE assignee_id IS NULL)::int AS unassigned,
            count(*) FILTER (WHERE overdue_since IS NOT NULL)::int AS overdue
       FROM task WHERE status = 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
async function expectTallyIsACount(): Promise<TallyRow[]> {
  const [kept, counted] = await Promise.all([tally(), direct()]);
  expect(kept).toEqual(counted);
  return kept;
}

const group = (agency: string, escalatedTo: string, role: string, type: string, o: number, un: number, ov: number) => ({
  agency_code: agency,
  escalated_to: escalatedTo,
  role,
  type,
  open: o,
  unassigned: un,
  overdue: ov,
});

describe('task_tally kept by triggers (issue 11, measure 3)', () => {
  it('counts open tasks through insert, assignment, overdue, escalation, completion, cancellation and deletion', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    const a = await insertTask({ agency: '210100' });
    const b = await insertTask({ agency: '210100' });
    const c = await insertTask({ agency: '210100', role: 'intake', type: 'claim_acceptance', assigned: true });
    await insertTask({ agency: '210100', status: 'completed' });
    expect(await expectTallyIsACount()).toEqual([
      group('210100', '', 'intake', 'claim_acceptance', 1, 0, 0),
      group('210100', '', 'reviewer', 'claim_review', 2, 2, 0),
    ]);

    await tdb.sql('UPDATE task SET assignee_id = $2, assignee_name = $3 WHERE id = $1', [a, randomUUID(), 'clerk']);
    await tdb.sql('UPDATE task SET overdue_since = now() WHERE id = $1', [b]);
    expect(await expectTallyIsACount()).toEqual([
      group('210100', '', 'intake', 'claim_acceptance', 1, 0, 0),
      group('210100', '', 'reviewer', 'claim_review', 2, 1, 1),
    ]);

    // Escalated to the province (Art. 78): the task moves to the group of the agency it was escalated to.
    await tdb.sql("UPDATE task SET escalated_to = '210000' WHERE id = $1", [b]);
    expect(await expectTallyIsACount()).toEqual([
      group('210100', '', 'intake', 'claim_acceptance', 1, 0, 0),
      group('210100', '', 'reviewer', 'claim_review', 1, 0, 0),
      group('210100', '210000', 'reviewer', 'claim_review', 1, 1, 1),
    ]);

    // Released to the queue by an upsert (INSERT ... ON CONFLICT DO UPDATE fires the UPDATE trigger).
    await tdb.sql(
      `INSERT INTO task SELECT * FROM task WHERE id = $1
       ON CONFLICT (id) DO UPDATE SET assignee_id = NULL, assignee_name = NULL`,
      [a],
    );
    await tdb.sql("UPDATE task SET status = 'completed', completed_at = now() WHERE id = $1", [b]);
    await tdb.sql("UPDATE task SET status = 'cancelled' WHERE id = $1", [c]);
    expect(await expectTallyIsACount()).toEqual([group('210100', '', 'reviewer', 'claim_review', 1, 1, 0)]);

    // Reopened (not something the task board does, but the tally follows any change), then deleted.
    await tdb.sql("UPDATE task SET status = 'open' WHERE id = $1", [c]);
    await tdb.sql('DELETE FROM task WHERE id = $1', [a]);
    expect(await expectTallyIsACount()).toEqual([group('210100', '', 'intake', 'claim_acceptance', 1, 0, 0)]);
  });

  it('writes nothing for a statement that changes no count (a reminder), so it takes no lock on the tally', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    const id = await insertTask({ agency: '210200', overdue: true });
    const version = "SELECT xmin::text AS v FROM task_tally WHERE agency_code = '210200'";
    const [before] = await tdb.sql<{ v: string }>(version);
    await tdb.sql('UPDATE task SET reminders = reminders + 1, updated_at = now() WHERE id = $1', [id]);
    expect(await tdb.sql<{ v: string }>(version)).toEqual([before]);
    expect(await expectTallyIsACount()).toEqual([group('210200', '', 'reviewer', 'claim_review', 1, 1, 1)]);
  });

  it('keeps a bulk INSERT ... SELECT of 5,000 tasks, a bulk update and a bulk delete in step', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    await tdb.sql(
      `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, escalated_to,
         status, assignee_id, overdue_since, due_date, due_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'SYJ-2026-B' || g, 'SYJ-2026-B' || g, 'benefit_claim',
              (ARRAY['claim_review','claim_acceptance'])[1 + g / 4 % 2], 'review', 'review',
              (ARRAY['reviewer','intake','approver'])[1 + g % 3],
              (ARRAY['210100','210200','210300','210400'])[1 + g % 4],
              CASE WHEN g % 7 = 0 THEN '210000' END,
              CASE WHEN g % 5 = 0 THEN 'open' WHEN g % 5 = 1 THEN 'cancelled' WHEN g % 5 = 2 THEN 'completed' ELSE 'open' END,
              CASE WHEN g % 3 = 0 THEN gen_random_uuid() END,
              CASE WHEN g % 11 < 4 THEN now() END,
              current_date + g % 20 - 10, now() + (g % 20 - 10) * interval '1 day', now(), now()
         FROM generate_series(1, 5000) g`,
    );
    const rows = await expectTallyIsACount();
    const sum = (k: 'open' | 'unassigned' | 'overdue') => rows.reduce((n, r) => n + r[k], 0);
    // g % 5 in {0, 3, 4}: 3,000 open; of those, g % 3 <> 0 unassigned: 2,000.
    expect(sum('open')).toBe(3000);
    expect(sum('unassigned')).toBe(2000);
    expect(rows).toHaveLength(2 * 3 * 4 * 2);

    // The overdue marking of a whole day's tasks, and the completion of half of them, in single statements.
    await tdb.sql("UPDATE task SET overdue_since = now() WHERE due_at < now() AND status = 'open'");
    await tdb.sql("UPDATE task SET status = 'completed' WHERE status = 'open' AND due_date < current_date - 5");
    await tdb.sql("DELETE FROM task WHERE role = 'approver' AND agency_code = '210400'");
    const after = await expectTallyIsACount();
    expect(after.reduce((n, r) => n + r.open, 0)).toBe(
      Number((await tdb.sql<{ n: string }>("SELECT count(*) AS n FROM task WHERE status = 'open'"))[0]!.n),
    );
    expect(after.reduce((n, r) => n + r.open, 0)).toBeGreaterThan(1000);
  });

  it('stays exact under 20 concurrent transactions on the same groups, some of them rolled back', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await insertTask({ agency: '210300' }));
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('UPDATE task SET assignee_id = gen_random_uuid() WHERE id = $1', [ids[3 * i]]);
          await client.query("UPDATE task SET status = 'completed' WHERE id = $1", [ids[3 * i + 1]]);
          await client.query('UPDATE task SET overdue_since = now() WHERE id = $1', [ids[3 * i + 2]]);
          // A group none of them has seen yet: concurrent first inserts of the same tally row.
          await insertTask({ agency: '210300', type: 'claim_second_review', role: 'second_reviewer' }, client);
          await client.query('SELECT pg_sleep(0.005)');
          await client.query(i % 5 === 4 ? 'ROLLBACK' : 'COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    // 16 committed: 16 assigned, 16 completed, 16 overdue of the 60; 16 new second reviews.
    expect(await expectTallyIsACount()).toEqual([
      group('210300', '', 'reviewer', 'claim_review', 44, 28, 16),
      group('210300', '', 'second_reviewer', 'claim_second_review', 16, 16, 0),
    ]);
  });

  it('is emptied by TRUNCATE and counts again from there', async () => {
    await insertTask({ agency: '210100' });
    expect((await tally()).length).toBeGreaterThan(0);
    await tdb.sql('TRUNCATE task CASCADE');
    expect(await tdb.sql('SELECT * FROM task_tally')).toEqual([]);
    await insertTask({ agency: '210100', overdue: true });
    expect(await expectTallyIsACount()).toEqual([group('210100', '', 'reviewer', 'claim_review', 1, 1, 1)]);
  });
});

describe('GET /tasks counts from the tally (issue 11, measure 3)', () => {
  /**
   * The counts as the on-demand path defines them, written independently: open tasks of the user's scope (their
   * agencies' own, or escalated to one of them), for their roles unless supervisor or auditor; `available` for their
   * roles and unassigned.
   */
  async function counted(user: { agency: string; roles: string[] }, type?: string) {
    const prefix = user.agency.endsWith('0000')
      ? user.agency.slice(0, 2)
      : user.agency.endsWith('00')
        ? user.agency.slice(0, 4)
        : user.agency;
    const all = user.roles.includes('supervisor') || user.roles.includes('auditor');
    const [row] = await tdb.sql<{ available: number; overdue: number }>(
      `SELECT count(*) FILTER (WHERE assignee_id IS NULL AND role = ANY($2))::int AS available,
              count(*) FILTER (WHERE overdue_since IS NOT NULL AND ($3 OR role = ANY($2)))::int AS overdue
         FROM task
        WHERE status = 'open' AND ($4::text IS NULL OR type = $4)
          AND (agency_code LIKE $1::text || '%' OR escalated_to LIKE $1::text || '%')`,
      [prefix, user.roles, all, type ?? null],
    );
    return row!;
  }

  async function counts(user: User, query: string) {
    const res = await fetch(`${api.url}/tasks?${query}`, { headers: user.headers });
    expect(res.status).toBe(200);
    return ((await res.json()) as { counts: { mine: number; available: number; overdue: number } }).counts;
  }

  beforeAll(async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    // 3,000 tasks in four cities and a county of Shenyang, some escalated to the province, due around today.
    await tdb.sql(
      `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, escalated_to,
         status, assignee_id, overdue_since, due_date, due_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'SYJ-2026-A' || g, 'SYJ-2026-A' || g, 'benefit_claim',
              (ARRAY['claim_review','claim_acceptance'])[1 + g % 2], 'review', 'review',
              (ARRAY['reviewer','intake','supervisor'])[1 + g % 3],
              (ARRAY['210100','210102','210200','210300','210100'])[1 + g % 5],
              CASE WHEN g % 9 = 0 THEN '210000' END,
              CASE WHEN g % 4 = 0 THEN 'completed' ELSE 'open' END,
              CASE WHEN g % 7 < 3 THEN gen_random_uuid() END,
              CASE WHEN g % 13 < 5 THEN now() END,
              current_date + g % 20 - 10, now() + (g % 20 - 10) * interval '1 day', now(), now()
         FROM generate_series(1, 3000) g`,
    );
    // Tasks of agencies outside a viewer's scope escalated to one in it (a custom escalation; another province's
    // agency escalated to Liaoning): counted in the escalated part only.
    for (let i = 0; i < 3; i++) await insertTask({ agency: '210100', escalatedTo: '210200', overdue: i < 2 });
    for (let i = 0; i < 4; i++) {
      await insertTask({ agency: '150100', escalatedTo: '210000', overdue: i < 3, assigned: i === 0 });
    }
    await insertTask({ agency: '150100', escalatedTo: '210000', role: 'intake', type: 'claim_acceptance' });
  });

  const cases: [string, { agency: string; roles: string[] }][] = [
    ['reviewer.sy', { agency: '210100', roles: ['reviewer'] }],
    ['both.sy', { agency: '210100', roles: ['intake', 'reviewer'] }],
    ['sup.sy', { agency: '210100', roles: ['supervisor'] }],
    ['reviewer.dl', { agency: '210200', roles: ['reviewer'] }],
    ['sup.ln', { agency: '210000', roles: ['supervisor'] }],
    ['reviewer.ln', { agency: '210000', roles: ['reviewer'] }],
    ['auditor.ln', { agency: '210000', roles: ['auditor'] }],
  ];

  it.each(cases)('gives %s the counts of an on-demand count, with and without filters', async (name, who) => {
    const user = u[name]!;
    for (const type of [undefined, 'claim_review', 'claim_acceptance']) {
      const q = type ? `type=${type}&` : '';
      const expected = await counted(who, type);
      const fromTally = await counts(user, `${q}view=all`);
      expect({ available: fromTally.available, overdue: fromTally.overdue }).toEqual(expected);
      // Filters the tally cannot answer: counted on demand; these ones keep every task, so the figures are the same.
      const onDemand = await counts(user, `${q}view=available&dueFrom=2000-01-01&dueTo=2100-12-31`);
      expect({ available: onDemand.available, overdue: onDemand.overdue }).toEqual(expected);
    }
  });

  it('lists, page after page, the summaries Prisma gave of the same rows, and exactly the tasks in scope', async () => {
    // GET /tasks is one SQL statement with the dates formatted by PostgreSQL (api/tasks/worklist-sql.ts): the same
    // fields and values as taskSummary of the Prisma row, milliseconds and nulls included.
    await tdb.sql(
      `UPDATE task SET assignee_name = CASE WHEN assignee_id IS NOT NULL THEN 'clerk ' || left(id::text, 4) END,
              reminders = abs(hashtext(id::text)) % 3, extensions = abs(hashtext(id::text)) % 2,
              created_at = created_at - abs(hashtext(id::text)) % 1000 * interval '1 millisecond',
              due_at = due_at + abs(hashtext(id::text)) % 7 * interval '1 hour'
        WHERE agency_code LIKE '2101%' OR escalated_to IS NOT NULL`,
    );
    const queries: [string, string, string | null][] = [
      [
        'reviewer.sy',
        'view=all',
        `status = 'open' AND role = 'reviewer' AND (agency_code LIKE '2101%' OR escalated_to LIKE '2101%')`,
      ],
      ['sup.sy', 'view=overdue', `status = 'open' AND overdue_since IS NOT NULL AND agency_code LIKE '2101%'`],
      [
        'reviewer.ln',
        'view=available&type=claim_review',
        `status = 'open' AND role = 'reviewer' AND assignee_id IS NULL AND type = 'claim_review'
           AND (agency_code LIKE '21%' OR escalated_to LIKE '21%')`,
      ],
      ['sup.ln', 'status=completed&agencyCode=210102&dueFrom=2000-01-01', null],
      ['both.sy', 'view=mine', null],
    ];
    for (const [name, query, scope] of queries) {
      const items: { id: string }[] = [];
      let cursor: string | null = null;
      do {
        const res = await fetch(`${api.url}/tasks?${query}&limit=50${cursor ? `&cursor=${cursor}` : ''}`, {
          headers: u[name]!.headers,
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
        items.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      const rows = await tdb.db.task.findMany({
        where: { id: { in: items.map((t) => t.id) } },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      });
      // The list adds why the user may not do a task (blockedReason, Art. 5, 77), which a lone summary does not know.
      expect(
        items.map((t) => ({ ...t, blockedReason: undefined })),
        `${name} ${query}`,
      ).toEqual(rows.map(taskSummary));
      if (scope) {
        const ids = await tdb.sql<{ id: string }>(`SELECT id FROM task WHERE ${scope} ORDER BY due_at, id`);
        expect(ids.length, `${name} ${query}`).toBeGreaterThan(50);
        expect(items.map((t) => t.id)).toEqual(ids.map((r) => r.id));
      }
    }
  });

  it('counts the escalated part once: the province sees its cities whole plus the tasks escalated to it from elsewhere', async () => {
    // Of the 4 reviewer tasks of 150100 escalated to 210000: 3 unassigned, 3 overdue.
    const province = await counts(u['reviewer.ln']!, 'view=all');
    const own = await tdb.sql<{ available: number; overdue: number }>(
      `SELECT count(*) FILTER (WHERE assignee_id IS NULL)::int AS available,
              count(*) FILTER (WHERE overdue_since IS NOT NULL)::int AS overdue
         FROM task WHERE status = 'open' AND role = 'reviewer' AND agency_code LIKE '21%'`,
    );
    expect({ available: province.available, overdue: province.overdue }).toEqual({
      available: own[0]!.available + 3,
      overdue: own[0]!.overdue + 3,
    });
    // Dalian's reviewer: its own city plus the 3 Shenyang tasks escalated to Dalian (2 of them overdue).
    const dalian = await counts(u['reviewer.dl']!, 'view=all');
    const [dl] = await tdb.sql<{ available: number; overdue: number }>(
      `SELECT count(*) FILTER (WHERE assignee_id IS NULL)::int AS available,
              count(*) FILTER (WHERE overdue_since IS NOT NULL)::int AS overdue
         FROM task WHERE status = 'open' AND role = 'reviewer' AND agency_code LIKE '2102%'`,
    );
    expect({ available: dalian.available, overdue: dalian.overdue }).toEqual({
      available: dl!.available + 3,
      overdue: dl!.overdue + 2,
    });
  });

  it('follows a change at once: the next request sees a task claimed and one marked overdue', async () => {
    const before = await counts(u['reviewer.sy']!, 'type=claim_review');
    const [t] = await tdb.sql<{ id: string }>(
      `SELECT id FROM task WHERE status = 'open' AND agency_code = '210100' AND role = 'reviewer'
          AND type = 'claim_review' AND assignee_id IS NULL AND overdue_since IS NULL LIMIT 1`,
    );
    await tdb.sql('UPDATE task SET assignee_id = $2, overdue_since = now() WHERE id = $1', [
      t!.id,
      u['reviewer.sy']!.id,
    ]);
    const after = await counts(u['reviewer.sy']!, 'type=claim_review');
    expect(after).toEqual({
      mine: before.mine + 1,
      available: before.available - 1,
      overdue: before.overdue + 1,
    });
  });
});
