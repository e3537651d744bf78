/**
 * The supervisor's stuck view at province scale (issue 24; Art. 76-78): its overdue tasks are counted from
 * task_due_tally, kept by statement-level triggers on task (prisma/migrations/20261212000100_stuck_view), and its idle
 * cases up to one instant computed from the calendar (idleBefore). Both must answer what counting every task and
 * testing every case's age on the calendar answers: the tally equals a count of the open tasks after every kind of
 * write, a task is overdue the instant it falls due, and the idle cases are exactly those of the per-case rule.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';
import { businessDateOf } from '../../domain/calendar';
import { createCalendarStore } from '../../lib/calendar-store';

let tdb: TestDatabase;
let api: RunningApi;
let pool: pg.Pool;
/** The API's clock: the test moves it. */
let clock = new Date();
let supervisor: Record<string, string>;
let province: Record<string, string>;
const FINAL = ['approved', 'refused', 'closed', 'cancelled', 'completed', 'paid', 'stopped'];

beforeAll(async () => {
  tdb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: tdb.url, max: 20 });
  pool.on('error', () => undefined);
  // Overdue tasks and idle cases are read from PostgreSQL only; the Temporal client connects lazily and is not used.
  api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue: 'stuck-view-unused',
    now: () => clock,
  });
  supervisor = (
    await userWithToken(tdb.db, api.url, { username: 'sup.sy', agencyCode: '210100', roles: ['supervisor'] })
  ).headers;
  province = (await userWithToken(tdb.db, api.url, { username: 'sup.ln', agencyCode: '210000', roles: ['supervisor'] }))
    .headers;
});
afterAll(async () => {
  await api?.close();
  await pool?.end();
  await tdb?.drop();
});

interface NewTask {
  agency: string;
  caseType?: string;
  status?: 'open' | 'completed' | 'cancelled';
  escalatedTo?: string | null;
  /** Due this many milliseconds from the clock. */
  dueInMs: number;
}

async function insertTasks(ts: NewTask[], client: pg.Pool | pg.PoolClient = pool): Promise<string[]> {
  const ids = ts.map(() => randomUUID());
  // One statement for all of them: the trigger sees them as one transition table.
  await client.query(
    `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, escalated_to,
       status, due_date, due_at, created_at, updated_at)
     SELECT id, 'SYJ-2026-' || agency || '-K' || left(id::text, 8), 'SYJ-2026-' || agency || '-K' || left(id::text, 8),
            case_type, 'claim_review', 'review', 'review', 'reviewer', agency, escalated_to, status,
            (due_at AT TIME ZONE 'Asia/Shanghai')::date, due_at, now(), now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
            AS x(id, agency, case_type, escalated_to, status, due_at)`,
    [
      ids,
      ts.map((t) => t.agency),
      ts.map((t) => t.caseType ?? 'benefit_claim'),
      ts.map((t) => t.escalatedTo ?? null),
      ts.map((t) => t.status ?? 'open'),
      ts.map((t) => new Date(clock.getTime() + t.dueInMs)),
    ],
  );
  return ids;
}

type Row = { agency_code: string; escalated_to: string; case_type: string; due_at: Date; open: number };
/** The tally as kept (rows whose count reached zero are deleted: none may be left). */
const kept = () =>
  tdb.sql<Row>('SELECT agency_code, escalated_to, case_type, due_at, open FROM task_due_tally ORDER BY 1, 2, 3, 4');
/** The same, counted from the tasks. */
const counted = () =>
  tdb.sql<Row>(
    `SELECT agency_code, coalesce(escalated_to, '') AS escalated_to, case_type, due_at, count(*)::int AS open
       FROM task WHERE status = 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
async function expectTallyIsACount(): Promise<Row[]> {
  const [k, c] = await Promise.all([kept(), counted()]);
  expect(k).toEqual(c);
  return k;
}

/** The overdue counts as the view counted them before the tally: every open task due before the clock, grouped. */
async function overdueOnDemand(prefix: string) {
  const rows = await tdb.sql<{ agency_code: string; case_type: string; n: number }>(
    `SELECT agency_code, case_type, count(*)::int AS n FROM task
      WHERE status = 'open' AND due_at < $1 AND (agency_code LIKE $2 OR escalated_to LIKE $2) GROUP BY 1, 2`,
    [clock, `${prefix}%`],
  );
  const byAgency: Record<string, number> = {};
  const byType: Record<string, number> = {};
  for (const r of rows) {
    byAgency[r.agency_code] = (byAgency[r.agency_code] ?? 0) + r.n;
    byType[r.case_type] = (byType[r.case_type] ?? 0) + r.n;
  }
  const total = rows.reduce((n, r) => n + r.n, 0);
  return { total, byAgency, byType, byReason: total ? { task_overdue: total } : {} };
}

type Stuck = {
  total: number;
  counts: { byReason: Record<string, number>; byAgency: Record<string, number>; byType: Record<string, number> };
  items: { caseNumber: string; reason: string; since: string; ageWorkdays: number | null }[];
  truncated: boolean;
};
async function stuck(headers: Record<string, string>, query: string): Promise<Stuck> {
  const res = await fetch(`${api.url}/supervision/stuck?${query}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Stuck;
}
const countsOf = (s: Stuck) => ({ total: s.total, ...s.counts });

describe('task_due_tally kept by triggers (issue 24; Art. 78)', () => {
  it('counts open tasks per due instant through insert, escalation, extension, completion, deletion and TRUNCATE', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    expect(await expectTallyIsACount()).toEqual([]);
    const day = 86_400_000;
    const ids = await insertTasks([
      { agency: '210100', dueInMs: -3 * day },
      { agency: '210100', dueInMs: -3 * day },
      { agency: '210100', dueInMs: -1 * day, caseType: 'objection' },
      { agency: '210102', dueInMs: 2 * day },
      { agency: '210200', dueInMs: -2 * day, escalatedTo: '210100' },
      { agency: '210200', dueInMs: -2 * day, status: 'completed' },
    ]);
    expect((await expectTallyIsACount()).map((r) => r.open)).toEqual([2, 1, 1, 1]);
    // Extended: the task moves to a later due instant (the one it left is deleted, being empty).
    await tdb.sql(`UPDATE task SET due_at = due_at + interval '5 days' WHERE id = $1`, [ids[2]]);
    await expectTallyIsACount();
    // Escalated to the province, completed, reopened, a field no count depends on, moved to another agency.
    await tdb.sql(`UPDATE task SET escalated_to = '210000' WHERE id = $1`, [ids[0]]);
    await tdb.sql(`UPDATE task SET status = 'completed' WHERE id = $1`, [ids[1]]);
    await tdb.sql(`UPDATE task SET status = 'open' WHERE id = $1`, [ids[5]]);
    await tdb.sql(`UPDATE task SET reminders = reminders + 1`);
    await tdb.sql(`UPDATE task SET agency_code = '210102' WHERE id = $1`, [ids[3]]);
    await expectTallyIsACount();
    await tdb.sql('DELETE FROM task WHERE id = ANY($1::uuid[])', [ids.slice(0, 3)]);
    await expectTallyIsACount();
    // A bulk INSERT ... SELECT of many tasks over few due instants: one upsert per group.
    await pool.query(
      `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, status,
         due_date, due_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'SYJ-2026-210100-B' || g, 'SYJ-2026-210100-B' || g, 'benefit_claim', 'claim_review',
              'review', 'review', 'reviewer', (ARRAY['210100', '210102', '210200'])[1 + g % 3],
              CASE WHEN g % 4 = 0 THEN 'completed' ELSE 'open' END, current_date,
              $1::timestamptz + (g % 7 - 3) * interval '1 day', now(), now()
         FROM generate_series(1, 3000) g`,
      [clock],
    );
    const rows = await expectTallyIsACount();
    expect(rows.reduce((n, r) => n + r.open, 0)).toBe(2250 + 3);
    await tdb.sql('DELETE FROM task');
    expect(await expectTallyIsACount()).toEqual([]);
    await insertTasks([{ agency: '210100', dueInMs: -day }]);
    await tdb.sql('TRUNCATE task CASCADE');
    expect(await kept()).toEqual([]);
  });

  it('stays a count under concurrent transactions writing the same groups', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    const ids = await insertTasks(Array.from({ length: 40 }, () => ({ agency: '210100', dueInMs: -1000 })));
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        const client = await pool.connect();
        try {
          // Every transaction writes the groups in the same order (due -1 s, then 0 s, then a new one at +1 s), as
          // the tasks of one agency do; some roll back.
          await client.query('BEGIN');
          await client.query(`UPDATE task SET status = 'completed' WHERE id = $1`, [ids[2 * w]]);
          await client.query(`UPDATE task SET due_at = due_at + interval '1 second' WHERE id = $1`, [ids[2 * w + 1]]);
          await insertTasks([{ agency: '210100', dueInMs: 1000 }], client);
          await client.query('SELECT pg_sleep(0.005)');
          await client.query(w % 5 === 4 ? 'ROLLBACK' : 'COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    expect((await expectTallyIsACount()).map((r) => r.open)).toEqual([8, 16, 16]);
    await tdb.sql('TRUNCATE task CASCADE');
  });

  it('gives the overdue counts of every open task due before now, a task the instant it falls due (Art. 78)', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    const day = 86_400_000;
    await insertTasks([
      ...[5, 4, 3, 2, 1].map((d) => ({ agency: '210100', dueInMs: -d * day })),
      { agency: '210102', dueInMs: -day, caseType: 'objection' },
      { agency: '210200', dueInMs: -2 * day, escalatedTo: '210100' },
      { agency: '210200', dueInMs: -2 * day },
      { agency: '210300', dueInMs: -2 * day, status: 'cancelled' },
      { agency: '210100', dueInMs: 1000 },
    ]);
    for (const [headers, prefix] of [
      [supervisor, '2101'],
      [province, '21'],
    ] as const) {
      const s = await stuck(headers, 'reason=task_overdue&limit=3');
      expect(countsOf(s)).toEqual(await overdueOnDemand(prefix));
      expect(s.items).toHaveLength(3);
    }
    expect((await stuck(supervisor, 'reason=task_overdue')).total).toBe(7);
    expect((await stuck(supervisor, 'reason=task_overdue&caseType=objection')).counts.byAgency).toEqual({
      '210102': 1,
    });
    // One second later the last task is overdue: counted at once, nothing to refresh.
    clock = new Date(clock.getTime() + 1001);
    const later = await stuck(supervisor, 'reason=task_overdue');
    expect(later.total).toBe(8);
    expect(countsOf(later)).toEqual(await overdueOnDemand('2101'));
    await tdb.sql('TRUNCATE task CASCADE');
  });
});

describe('idle cases (issue 9, 24; Art. 76-78)', () => {
  it('lists exactly the cases without an event for the given workdays, as testing each on the calendar does', async () => {
    await tdb.sql('TRUNCATE task CASCADE');
    const hour = 3_600_000;
    // Every 5 hours 17 minutes back over 40 days (so every hour of the day, weekends and holidays), a case of
    // 沈阳 in progress; some final, some of another city or type; and one last touched in 2001, a year the calendar
    // does not cover (its age unknown, so shown).
    const cases: { caseNumber: string; agency: string; caseType: string; status: string; updatedAt: Date }[] = [];
    for (let i = 0; i < 182; i++) {
      cases.push({
        caseNumber: `SYJ-2026-210100-I${String(i).padStart(7, '0')}`,
        agency: i % 7 === 3 ? '210200' : i % 5 === 1 ? '210102' : '210100',
        caseType: i % 3 === 2 ? 'objection' : 'benefit_claim',
        status: i % 11 === 4 ? (i % 2 ? 'closed' : 'cancelled') : 'awaiting_review',
        updatedAt: new Date(clock.getTime() - i * (5 * hour + 17 * 60_000)),
      });
    }
    cases.push({
      caseNumber: 'SYJ-2001-210100-I0000000',
      agency: '210100',
      caseType: 'benefit_claim',
      status: 'awaiting_review',
      updatedAt: new Date('2001-06-01T02:00:00Z'),
    });
    await tdb.sql(
      `INSERT INTO agency (code, name, level, parent_code) VALUES ('210102', '和平区', 'county', '210100')
       ON CONFLICT DO NOTHING`,
    );
    await pool.query(
      `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
       SELECT c, t, s, a, c, u, u FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
         AS x(c, t, s, a, u)`,
      [
        cases.map((c) => c.caseNumber),
        cases.map((c) => c.caseType),
        cases.map((c) => c.status),
        cases.map((c) => c.agency),
        cases.map((c) => c.updatedAt),
      ],
    );
    const calendar = await createCalendarStore(tdb.db).current();
    const today = businessDateOf(clock);
    /** The rule as the view applied it case by case before issue 24. */
    const ageOf = (at: Date) => {
      try {
        return calendar.workdaysBetween(businessDateOf(at), today);
      } catch {
        return null;
      }
    };
    for (const n of [1, 3, 10, 20]) {
      const expected = cases
        .filter((c) => c.agency.startsWith('2101') && !FINAL.includes(c.status))
        .filter((c) => c.updatedAt.getTime() < clock.getTime() - n * 86_400_000)
        .filter((c) => {
          const age = ageOf(c.updatedAt);
          return age === null || age >= n;
        });
      expect(expected.length).toBeGreaterThan(0);
      const s = await stuck(supervisor, `reason=idle&idleWorkdays=${n}&limit=500`);
      expect(s.total).toBe(expected.length);
      expect(s.counts.byReason).toEqual({ idle: expected.length });
      const byAgency: Record<string, number> = {};
      for (const c of expected) byAgency[c.agency] = (byAgency[c.agency] ?? 0) + 1;
      expect(s.counts.byAgency).toEqual(byAgency);
      expect(s.items.map((i) => i.caseNumber).sort()).toEqual(expected.map((c) => c.caseNumber).sort());
      for (const i of s.items) {
        const c = cases.find((x) => x.caseNumber === i.caseNumber)!;
        expect(i.since).toBe(c.updatedAt.toISOString());
        expect(i.ageWorkdays).toBe(ageOf(c.updatedAt));
      }
      // A page of them: the longest idle first.
      const page = await stuck(supervisor, `reason=idle&idleWorkdays=${n}&limit=2`);
      expect(page.total).toBe(expected.length);
      expect(page.items.map((i) => i.caseNumber)).toEqual(
        [...expected]
          .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
          .slice(0, 2)
          .map((c) => c.caseNumber),
      );
      const objections = await stuck(supervisor, `reason=idle&idleWorkdays=${n}&caseType=objection&limit=500`);
      expect(objections.total).toBe(expected.filter((c) => c.caseType === 'objection').length);
    }
    await tdb.sql(`DELETE FROM "case" WHERE case_number LIKE 'SYJ-%-I%'`);
  });
});
