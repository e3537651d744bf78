/**
 * The human-task primitive through the worklist API, on the Temporal dev server, real PostgreSQL and the simulated
 * data sources (issue 5): a claim filed at a window is checked automatically, accepted by an intake clerk (Art. 14,
 * 37) and reviewed by risk (Art. 11, 65); separation of duties (岗位不相容, Art. 5, 28, 65, 77), agency scope (Art. 5),
 * concurrent completion, supervisors' reassign and extend with reasons, the worklist's pagination.
 */
import { eventually } from '../support/wait';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { onlineChannel, userWithToken } from '../support/users';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
let api: RunningApi;
let sim: RunningSimulator;
/** Seeded people who can claim, in Shenyang (210100): ordinary ones and ones with 10+ years of contributions. */
let ordinary: Person[] = [];
let longServing: Person[] = [];
const taskQueue = uniqueTaskQueue('tasks');
type User = { id: string; headers: Record<string, string> };
const u: Record<string, User> = {};

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources });
  const inShenyang = async (people: Person[]) => {
    const out: Person[] = [];
    for (const p of people)
      if ((await claimOf(sim, p).catch(() => null))?.payingLocality.agencyCode === '210100') out.push(p);
    return out;
  };
  const clean = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed';
  ordinary = await inShenyang(await findPeople(sim, `${clean},!long_history`, 60));
  longServing = await inShenyang(await findPeople(sim, `${clean},long_history`, 120));
  expect(longServing.length).toBeGreaterThanOrEqual(12);
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  const mk = async (username: string, agencyCode: string, roles: string[]) =>
    (u[username] = await userWithToken(tdb.db, api.url, { username, agencyCode, roles: roles as never }));
  await mk('intake.sy', '210100', ['intake']);
  await mk('both.sy', '210100', ['intake', 'reviewer']);
  await mk('reviewer.sy', '210100', ['reviewer']);
  await mk('reviewer2.sy', '210100', ['reviewer']);
  await mk('sup.sy', '210100', ['supervisor']);
  await mk('intake.dl', '210200', ['intake']);
  u['channel'] = await onlineChannel(tdb.db, api.url);
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

async function call(method: string, path: string, user: User | null, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: user ? user.headers : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/**
 * A new claim filed at a Shenyang window by an intake clerk, and its open acceptance task. `long`: 10+ years of
 * contributions, so a large payment (Art. 65): review, second review and approval follow the acceptance.
 */
async function newClaim(kind: 'ordinary' | 'long' = 'long'): Promise<{ caseNumber: string; taskId: string }> {
  const person = (kind === 'long' ? longServing : ordinary).shift();
  if (!person) throw new Error('no more seeded claimants');
  const created = await call('POST', '/claims', u['intake.sy']!, await claimOf(sim, person, 'window'));
  expect(created.status).toBe(201);
  const caseNumber = created.body.caseNumber as string;
  return { caseNumber, taskId: await openTaskOf(caseNumber, 'claim_acceptance') };
}

async function openTaskOf(caseNumber: string, type: string): Promise<string> {
  for (let i = 0; i < 80; i++) {
    const rows = await tdb.sql<{ id: string }>(
      "SELECT id FROM task WHERE case_number = $1 AND type = $2 AND status = 'open'",
      [caseNumber, type],
    );
    if (rows[0]) return rows[0].id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no open ${type} task for ${caseNumber}`);
}

const accept = { form: { decision: 'accept' } };
const approve = { form: { decision: 'approve', comment: '材料齐全' } };

describe('tasks of a claim (Art. 37, 11, 65)', () => {
  it('opens an acceptance task for the paying agency, due on the working-day calendar, listed for its intake clerks', async () => {
    const { caseNumber, taskId } = await newClaim();
    const list = await call('GET', '/tasks?view=available&type=claim_acceptance', u['intake.sy']!);
    expect(list.status).toBe(200);
    const item = list.body.items.find((t: { id: string }) => t.id === taskId);
    expect(item).toMatchObject({
      caseNumber,
      role: 'intake',
      step: 'accept',
      agencyCode: '210100',
      status: 'open',
      overdue: false,
    });
    // 1 workday (policy task.claimAcceptance) after the day it opened, ending at midnight in Shanghai.
    expect(item.dueAt).toBe(new Date(`${item.dueDate}T16:00:00.000Z`).toISOString());
    expect(list.body.counts.available).toBeGreaterThanOrEqual(1);

    const detail = await call('GET', `/tasks/${taskId}`, u['intake.sy']!);
    expect(detail.status).toBe(200);
    // The intake clerk who does the task sees the applicant's data whole.
    expect(detail.body.case.claim.applicant.idNumber).toMatch(/^\d{17}[\dX]$/);
    expect(detail.body.form.name).toBe('acceptance');
    // Checked automatically from the shared data first (Art. 37), then the clerk's task (Art. 14).
    expect(detail.body.case.timeline.map((e: { type: string }) => e.type)).toEqual([
      'claim_received',
      'claim_determined_1',
      'task_opened',
    ]);
  });

  it('hides a task from a clerk of another city: not listed, 404 to read or act (Art. 5)', async () => {
    const { taskId } = await newClaim();
    const list = await call('GET', '/tasks?view=all', u['intake.dl']!);
    expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(taskId);
    expect((await call('GET', `/tasks/${taskId}`, u['intake.dl']!)).status).toBe(404);
    expect((await call('POST', `/tasks/${taskId}/complete`, u['intake.dl']!, accept)).status).toBe(404);
    expect(await tdb.sql('SELECT status FROM task WHERE id = $1', [taskId])).toEqual([{ status: 'open' }]);
  });

  it('refuses the review to the clerk who accepted the claim, with the reason and no history event (岗位不相容)', async () => {
    const { caseNumber, taskId } = await newClaim();
    expect((await call('POST', `/tasks/${taskId}/complete`, u['both.sy']!, accept)).status).toBe(200);
    const reviewId = await openTaskOf(caseNumber, 'claim_review');
    const handle = env.client.workflow.getHandle(caseNumber);
    const updatesBefore = (await handle.fetchHistory()).events!.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
    ).length;

    const refused = await call('POST', `/tasks/${reviewId}/complete`, u['both.sy']!, approve);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('separation_of_duties');
    expect(refused.body.error.message).toContain('岗位不相容');
    const updatesAfter = (await handle.fetchHistory()).events!.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
    ).length;
    expect(updatesAfter).toBe(updatesBefore);

    // Another reviewer may; a large payment then goes to the second review (Art. 65).
    expect((await call('POST', `/tasks/${reviewId}/complete`, u['reviewer.sy']!, approve)).status).toBe(200);
    await openTaskOf(caseNumber, 'claim_second_review');
    const [row] = await tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]);
    expect(row!.status).toBe('awaiting_second_review');
  });

  it('lets exactly one of two clerks completing the same task at once succeed; the other gets 409', async () => {
    const { caseNumber, taskId } = await newClaim();
    expect((await call('POST', `/tasks/${taskId}/complete`, u['intake.sy']!, accept)).status).toBe(200);
    const reviewId = await openTaskOf(caseNumber, 'claim_review');
    const [a, b] = await Promise.all([
      call('POST', `/tasks/${reviewId}/complete`, u['reviewer.sy']!, approve),
      call('POST', `/tasks/${reviewId}/complete`, u['reviewer2.sy']!, approve),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe('task_not_open');
    const audits = await tdb.sql(
      "SELECT actor_name FROM audit_log WHERE action = 'task_completed' AND entity_id = $1",
      [reviewId],
    );
    expect(audits).toHaveLength(1);
  });

  it('refuses a form that does not match, naming the fields, and a refusal without reasons (Art. 11)', async () => {
    const { taskId } = await newClaim();
    const bad = await call('POST', `/tasks/${taskId}/complete`, u['intake.sy']!, {
      form: { decision: 'refuse', reasons: [] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_form');
    expect(bad.body.error.fields).toEqual([
      { path: 'form.reasons', message: expect.stringContaining('至少写明一条原因') },
    ]);
    const unknown = await call('POST', `/tasks/${taskId}/complete`, u['intake.sy']!, { form: { decision: 'maybe' } });
    expect(unknown.status).toBe(422);
    expect(await tdb.sql('SELECT status FROM task WHERE id = $1', [taskId])).toEqual([{ status: 'open' }]);
  });

  it('refuses a claim at acceptance with every reason, recorded on the case (Art. 37)', async () => {
    const { caseNumber, taskId } = await newClaim();
    const reasons = ['累计缴费不满1年', '非本人意愿中断就业的证明缺失'];
    expect(
      (await call('POST', `/tasks/${taskId}/complete`, u['intake.sy']!, { form: { decision: 'refuse', reasons } }))
        .status,
    ).toBe(200);
    // Refused; the claim waits for an objection until the last remedy date (Art. 13), so its workflow stays open.
    const refused = await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
      (r) => r[0]?.status === 'refused',
    );
    expect(refused).toEqual([{ status: 'refused' }]);
    const events = await tdb.sql<{ type: string; data: any }>(
      "SELECT type, data FROM case_event WHERE case_number = $1 AND type = 'claim_refused'",
      [caseNumber],
    );
    expect(events[0]!.data.reasons).toEqual(reasons.map((message) => ({ message, article: 'Art. 37' })));
  });

  it('approves without a review step when the case shows no risk (Art. 11: automatic review first)', async () => {
    const { caseNumber, taskId } = await newClaim('ordinary');
    expect((await call('POST', `/tasks/${taskId}/complete`, u['intake.sy']!, accept)).status).toBe(200);
    // Approved on its eligible verdict; the claim stays open while its benefit period pays.
    const approved = await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
      (r) => r[0]?.status === 'approved',
    );
    expect(approved).toEqual([{ status: 'approved' }]);
    expect(await tdb.sql('SELECT type FROM task WHERE case_number = $1', [caseNumber])).toEqual([
      { type: 'claim_acceptance' },
    ]);
  });
});

describe('claiming, reassigning and extending', () => {
  it('keeps a claimed task for its assignee: another clerk gets 409 until it is released', async () => {
    const { taskId } = await newClaim();
    const claimed = await call('POST', `/tasks/${taskId}/claim`, u['intake.sy']!);
    expect(claimed.status).toBe(200);
    expect(claimed.body.assignee).toBe('intake.sy');
    const mine = await call('GET', '/tasks?view=mine', u['intake.sy']!);
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(taskId);
    const other = await call('POST', `/tasks/${taskId}/complete`, u['both.sy']!, accept);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('assigned_to_other');
    expect((await call('POST', `/tasks/${taskId}/release`, u['intake.sy']!)).status).toBe(200);
    expect((await call('POST', `/tasks/${taskId}/complete`, u['both.sy']!, accept)).status).toBe(200);
  });

  it('lets a supervisor reassign and extend with a reason, audited; clerks may not (Art. 76, 78)', async () => {
    const { taskId } = await newClaim();
    const clerkTry = await call('POST', `/tasks/${taskId}/extend`, u['intake.sy']!, {
      amount: 2,
      unit: 'workdays',
      reason: '材料待核',
    });
    expect(clerkTry.status).toBe(403);

    const before = (await call('GET', `/tasks/${taskId}`, u['sup.sy']!)).body.task;
    expect(before.assignee).toBeNull();
    // Supervisors see the applicant masked; the clerks who do the task see it whole.
    const shown = (await call('GET', `/tasks/${taskId}`, u['sup.sy']!)).body.case.claim.applicant;
    expect(shown.name).toMatch(/^.\*+$/u);
    expect(shown.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);

    const reassigned = await call('POST', `/tasks/${taskId}/reassign`, u['sup.sy']!, {
      assigneeId: u['intake.sy']!.id,
      reason: '均衡工作量',
    });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.assignee).toBe('intake.sy');
    const toWrongRole = await call('POST', `/tasks/${taskId}/reassign`, u['sup.sy']!, {
      assigneeId: u['reviewer.sy']!.id,
      reason: 'x试',
    });
    expect(toWrongRole.status).toBe(403);
    expect(toWrongRole.body.error.code).toBe('missing_role');

    const extended = await call('POST', `/tasks/${taskId}/extend`, u['sup.sy']!, {
      amount: 2,
      unit: 'workdays',
      reason: '系统故障',
    });
    expect(extended.status).toBe(200);
    const after = (await call('GET', `/tasks/${taskId}`, u['sup.sy']!)).body.task;
    expect(after.dueDate > before.dueDate).toBe(true);
    expect(after.extensions).toBe(1);
    const audits = await tdb.sql<{ action: string; reason: string }>(
      'SELECT action, reason FROM audit_log WHERE entity_id = $1 ORDER BY id',
      [taskId],
    );
    expect(audits).toEqual([
      { action: 'task_reassigned', reason: '均衡工作量' },
      { action: 'task_extended', reason: '系统故障' },
    ]);

    // Art. 78, 94: an extension into a year the calendar does not cover yet is refused at once, nothing changed, and
    // the task still answers (before, the step retried for ever and the task's next request timed out with 503).
    let far: Awaited<ReturnType<typeof call>> | undefined;
    let extensions = 1;
    for (let i = 0; i < 12; i++) {
      far = await call('POST', `/tasks/${taskId}/extend`, u['sup.sy']!, {
        amount: 60,
        unit: 'workdays',
        reason: `等待司法鉴定（第${i + 1}次）`,
      });
      if (far.status !== 200) break;
      extensions += 1;
    }
    expect(far!.status, JSON.stringify(far!.body)).toBe(422);
    expect(far!.body.error.code).toBe('calendar_not_covered');
    expect(far!.body.error.message).toMatch(/工作日历/);
    const still = await call('GET', `/tasks/${taskId}`, u['sup.sy']!);
    expect(still.status).toBe(200);
    expect(still.body.task.extensions).toBe(extensions);
  });

  it('pages the worklist by due time with a keyset cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 3; i++) await newClaim();
    const all = await call('GET', '/tasks?view=all&limit=200', u['intake.sy']!);
    const ids: string[] = all.body.items.map((t: { id: string }) => t.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(
        'GET',
        `/tasks?view=all&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        u['intake.sy']!,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.items.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ids);
    const dues = all.body.items.map((t: { dueAt: string }) => t.dueAt);
    expect([...dues].sort()).toEqual(dues);
    expect((await call('GET', '/tasks?cursor=garbage', u['intake.sy']!)).status).toBe(422);
    expect((await call('GET', '/tasks?agencyCode=210200', u['intake.sy']!)).status).toBe(403);
  });
});
