/**
 * Monitoring rules (issue 9 item 4; Art. 78-80) on the Temporal dev server and real PostgreSQL, with rows seeded
 * directly: the rules stay silent on clean data, fire once per rule and subject on the seeded patterns, open a
 * verification task for the auditors, and record the outcome; the daily run is a Temporal Schedule.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { ensureMonitoringSchedule } from '../../lib/monitoring-schedule';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { seedEligibleDetermination } from '../support/seed';
import { eventually } from '../support/wait';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
let api: RunningApi;
let auditor: { id: string; headers: Record<string, string> };
let clerk: Record<string, string>;
const taskQueue = uniqueTaskQueue('monitoring');
const scheduleId = `monitoring-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  auditor = await userWithToken(tdb.db, api.url, { username: 'auditor.m', agencyCode: '210000', roles: ['auditor'] });
  clerk = (await userWithToken(tdb.db, api.url, { username: 'clerk.m', agencyCode: '210000', roles: ['reviewer'] }))
    .headers;
});
afterAll(async () => {
  // The verification cases wait for people: end them with the test.
  const items = tdb ? await tdb.sql<{ case_number: string }>('SELECT case_number FROM monitoring_item') : [];
  for (const i of items)
    await env?.client.workflow
      .getHandle(i.case_number)
      .terminate('test over')
      .catch(() => {});
  await env?.client.schedule
    .getHandle(scheduleId)
    .delete()
    .catch(() => {});
  await api?.close();
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

// ---- seeding ----
const serial = () => serialFromBytes(randomBytes(8));
const claimNumber = () => formatCaseNumber('benefit_claim', 2026, '210100', serial());
const account = () => `62148300${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
const idNumber = () => `2101021985${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

async function seedClaim(opts: { person?: string; account?: string; agency?: string } = {}) {
  const caseNumber = claimNumber();
  const acct = opts.account ?? account();
  await seedEligibleDetermination(tdb, caseNumber);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', $2, $1, now(), now())`,
    [caseNumber, opts.agency ?? '210100'],
  );
  await tdb.sql(
    `INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
       separation_date, separation_reason, paying_locality_basis, payment_method, bank_name, account_number, submitted_at)
     VALUES ($1, 'online', 'resident_id_card', $2, '张三', '13812345678', '91210100MA0XYP12AD', '沈阳某机械有限公司',
       '2026-09-30', 'contract_expired', 'last_insured', 'bank_account', '工商银行', $3, now())`,
    [caseNumber, opts.person ?? idNumber(), acct],
  );
  return { caseNumber, account: acct };
}
/** The claim's determination (seeded with its approval) rests on a self-declared separation reason, or not. */
async function seedDetermination(caseNumber: string, selfDeclared: boolean) {
  await tdb.sql(
    `UPDATE determination SET self_declared = $2, determined_on = '2026-10-10', months = 9, total_fen = 1705950,
       start_date = '2026-10-01', end_date = '2027-06-30' WHERE case_number = $1`,
    [caseNumber, selfDeclared],
  );
}
async function seedPayable(caseNumber: string, acct: string, status: 'pending' | 'paid', agency = '210100') {
  await tdb.sql(
    `INSERT INTO payable (payment_id, period_id, case_number, agency_code, kind, month, attempt, amount_fen, payee_name,
       account_number, bank_name, status, created_at, updated_at)
     VALUES ($1, $2, $2, $3, 'unemployment_benefit', '2026-10', 1, 189550, '张三', $4, '工商银行', $5, now(), now())`,
    [`PAY-${randomUUID()}`, caseNumber, agency, acct, status],
  );
}
/** `n` approval decisions by one person, `spacingMin` minutes apart, ending now. */
async function seedDecisions(userId: string, username: string, n: number, spacingMin: number, step = 'approve') {
  for (let i = 0; i < n; i++) {
    await tdb.sql(
      `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, status, due_date,
         due_at, created_at, updated_at, completed_at, completed_by_id, completed_by_name)
       VALUES ($1, $2, $2, 'benefit_claim', 'claim_approval', 'review', $3, 'approver', '210100', 'completed',
         CURRENT_DATE, now(), now(), now(), now() - make_interval(mins => $4::int), $5, $6)`,
      [randomUUID(), claimNumber(), step, 1 + i * spacingMin, userId, username],
    );
  }
}
async function seedCorrection(status: 'applied' | 'rejected') {
  const { caseNumber: target } = await seedClaim();
  const caseNumber = formatCaseNumber('data_correction', 2026, '210100', serial());
  await tdb.sql(
    `INSERT INTO data_correction (case_number, target_entity, target_case_number, field, old_value, new_value, reason,
       agency_code, approval_agency_code, status, requested_by_id, requested_by, requested_at, reviewed_by,
       approved_by, applied_at)
     VALUES ($1, 'benefit_claim', $2, 'phone', '13812345678', '13912345678', '申请人手机号录入错误', '210100', '210100',
       $3::varchar, $4, 'clerk.x', now(), 'reviewer.x', 'approver.x', CASE WHEN $3::varchar = 'applied' THEN now() END)`,
    [caseNumber, target, status, randomUUID()],
  );
  return caseNumber;
}

// ---- running ----
async function run(): Promise<{ runId: string; found: number; opened: number; status: string }> {
  const res = await fetch(`${api.url}/monitoring/runs`, { method: 'POST', headers: auditor.headers });
  expect(res.status).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${api.url}/monitoring/runs/${runId}`, { headers: auditor.headers });
    if (r.status === 200) {
      const body = (await r.json()) as { runId: string; found: number; opened: number; status: string };
      if (body.status === 'completed') return body;
    }
    await new Promise((s) => setTimeout(s, 100));
  }
  throw new Error(`run ${runId} did not complete`);
}
async function items(query = '') {
  const res = await fetch(`${api.url}/monitoring/items${query}`, { headers: auditor.headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: any[] }).items;
}
async function verificationTasks(): Promise<{ id: string; case_number: string; role: string; status: string }[]> {
  return tdb.sql(
    "SELECT id, case_number, role, status FROM task WHERE type = 'monitoring_verification' ORDER BY case_number",
  );
}
async function waitForTasks(n: number) {
  let rows = await verificationTasks();
  for (let i = 0; i < 200 && rows.length < n; i++) {
    await new Promise((s) => setTimeout(s, 100));
    rows = await verificationTasks();
  }
  return rows;
}

const heavy = { id: randomUUID(), name: 'approver.fast' };
let shared: { account: string; cases: string[] };
let selfPaid: string;
let correction: string;

describe('monitoring rules (Art. 78-80)', () => {
  it('stay silent on clean data (thresholds not exceeded, own accounts, self-declared but unpaid, corrections not applied)', async () => {
    // 20 decisions in one hour: at the threshold (maxPerHour 20), not over it.
    await seedDecisions(randomUUID(), 'approver.steady', 20, 2);
    // 30 decisions spread over 5 hours.
    await seedDecisions(randomUUID(), 'approver.slow', 30, 10);
    // 30 acceptances in 30 minutes: not a review or approval step.
    await seedDecisions(randomUUID(), 'intake.busy', 30, 1, 'accept');
    // One person, two claims, the same account: their own account.
    const person = idNumber();
    const own = await seedClaim({ person });
    await seedClaim({ person, account: own.account });
    await seedPayable(own.caseNumber, own.account, 'paid');
    // Self-declared, not paid yet; paid, not self-declared.
    const unpaid = await seedClaim();
    await seedDetermination(unpaid.caseNumber, true);
    await seedPayable(unpaid.caseNumber, unpaid.account, 'pending');
    const plain = await seedClaim();
    await seedDetermination(plain.caseNumber, false);
    await seedPayable(plain.caseNumber, plain.account, 'paid');
    await seedCorrection('rejected');

    const r = await run();
    expect(r).toMatchObject({ found: 0, opened: 0, status: 'completed' });
    expect(await items()).toEqual([]);
    expect(await tdb.sql('SELECT 1 FROM monitoring_item')).toEqual([]);
  });

  it('fire once per rule and subject on the seeded patterns, each with a verification task for the auditors (Art. 79, 80)', async () => {
    await seedDecisions(heavy.id, heavy.name, 21, 2); // 21 within 41 minutes
    const a = await seedClaim({ agency: '210200' });
    const b = await seedClaim({ account: a.account, agency: '210200' }); // another person, the same account
    await seedPayable(b.caseNumber, a.account, 'paid', '210200');
    shared = { account: a.account, cases: [a.caseNumber, b.caseNumber].sort() };
    const s = await seedClaim();
    await seedDetermination(s.caseNumber, true);
    await seedPayable(s.caseNumber, s.account, 'paid');
    selfPaid = s.caseNumber;
    correction = await seedCorrection('applied');

    const r = await run();
    expect(r).toMatchObject({ found: 4, opened: 4 });
    const found = await items();
    expect(found.map((i) => i.rule).sort()).toEqual([
      'approvalsPerHour',
      'manualDataCorrection',
      'selfDeclaredPaid',
      'sharedBankAccount',
    ]);
    const by = Object.fromEntries(found.map((i) => [i.rule, i]));
    expect(by.approvalsPerHour.details).toMatchObject({ userId: heavy.id, username: heavy.name, count: 21 });
    expect(by.approvalsPerHour.details.taskIds).toHaveLength(21);
    expect(by.sharedBankAccount).toMatchObject({
      agencyCode: '210200',
      details: { persons: 2, caseNumbers: shared.cases, accountMasked: `${'*'.repeat(14)}${shared.account.slice(-4)}` },
    });
    expect(by.selfDeclaredPaid.details).toMatchObject({ caseNumber: selfPaid, payments: 1, paidFen: 189550 });
    expect(by.manualDataCorrection.details).toMatchObject({ correctionCaseNumber: correction });
    for (const i of found) {
      expect(i.status).toBe('open');
      // No personal data in the case number (= workflow ID): the account number is not in it.
      expect(i.caseNumber).toMatch(/^YDH-\d{4}-\d{6}-[0-9A-Z]{10}$/);
    }
    const tasks = await waitForTasks(4);
    expect(tasks.map((t) => t.case_number)).toEqual(found.map((i) => i.caseNumber).sort());
    expect(tasks.every((t) => t.role === 'auditor' && t.status === 'open')).toBe(true);
  });

  it('opens nothing twice when the run is repeated (one item per rule and subject)', async () => {
    const r = await run();
    expect(r).toMatchObject({ found: 4, opened: 0 });
    expect(await items()).toHaveLength(4);
    await new Promise((s) => setTimeout(s, 500));
    expect(await verificationTasks()).toHaveLength(4);
  });

  it('records the audit team’s outcome: confirmed with the rectification opinion, or dismissed, with reasons (Art. 80)', async () => {
    const found = await items();
    const tasks = await verificationTasks();
    const taskOf = (rule: string) =>
      tasks.find((t) => t.case_number === found.find((i) => i.rule === rule)!.caseNumber)!;
    const complete = (taskId: string, form: unknown, headers = auditor.headers) =>
      fetch(`${api.url}/tasks/${taskId}/complete`, { method: 'POST', headers, body: JSON.stringify({ form }) });

    const incomplete = await complete(taskOf('sharedBankAccount').id, {
      decision: 'confirmed',
      reasons: ['两人共用账户'],
    });
    expect(incomplete.status).toBe(422);
    expect(((await incomplete.json()) as any).error.fields.map((f: any) => f.path)).toContain('form.rectification');
    expect(
      (await complete(taskOf('sharedBankAccount').id, { decision: 'dismissed', reasons: ['x1'] }, clerk)).status,
    ).toBe(403); // in the agency's scope without the post: refused with the rule (missing_role), not hidden

    const confirmed = await complete(taskOf('sharedBankAccount').id, {
      decision: 'confirmed',
      reasons: ['两名领金人员使用同一银行账户，经查阅原始档案属实'],
      rectification: '暂停向该账户发放，通知两人变更为本人社会保障卡',
    });
    expect(confirmed.status).toBe(200);
    const dismissed = await complete(taskOf('manualDataCorrection').id, {
      decision: 'dismissed',
      reasons: ['更正经审核、审批两级，有申请人书面材料'],
    });
    expect(dismissed.status).toBe(200);

    let after: any[] = [];
    for (let i = 0; i < 100; i++) {
      after = await items('?status=confirmed');
      if (after.length && (await items('?status=dismissed')).length) break;
      await new Promise((s) => setTimeout(s, 100));
    }
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      rule: 'sharedBankAccount',
      decidedBy: 'auditor.m',
      outcome: { decision: 'confirmed', rectification: '暂停向该账户发放，通知两人变更为本人社会保障卡' },
    });
    expect((await items('?status=dismissed')).map((i) => i.rule)).toEqual(['manualDataCorrection']);
    expect((await items('?status=open')).map((i) => i.rule).sort()).toEqual(['approvalsPerHour', 'selfDeclaredPaid']);
    const audited = await eventually(
      () =>
        tdb.sql<{ action: string; actor_name: string }>(
          "SELECT action, actor_name FROM audit_log WHERE entity = 'monitoring_item' ORDER BY action",
        ),
      (r) => r.length === 3,
    );
    // Confirmed, the item holds the payments of the two claims it names (Art. 80), until an approver decides. The hold
    // is written by the item's workflow after the confirmation, so it may come after the second item's dismissal: the
    // entries are compared by action, not by the order they were written in.
    expect(audited).toEqual([
      { action: 'monitoring_item_confirmed', actor_name: 'auditor.m' },
      { action: 'monitoring_item_dismissed', actor_name: 'auditor.m' },
      { action: 'payments_held', actor_name: 'auditor.m' },
    ]);
    expect((await items('?status=confirmed'))[0].holds).toEqual(
      shared.cases.map((caseNumber) => ({ caseNumber, status: 'held', decidedBy: null })),
    );
    const rectification = await eventually(
      () =>
        tdb.sql<{ role: string; step: string }>(
          "SELECT role, step FROM task WHERE type = 'monitoring_rectification' AND case_number = $1",
          [after[0].caseNumber],
        ),
      (r) => r.length === 1,
    );
    expect(rectification).toEqual([{ role: 'approver', step: 'decide' }]);
    const [c] = await tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [
      after[0].caseNumber,
    ]);
    expect(c!.status).toBe('confirmed');
  });

  it('lists items for auditors and supervisors only, and names a bad filter', async () => {
    expect((await fetch(`${api.url}/monitoring/items`, { headers: clerk })).status).toBe(403);
    const bad = await fetch(`${api.url}/monitoring/items?rule=everything`, { headers: auditor.headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fields[0].path).toBe('query.rule');
    const rules = (await (await fetch(`${api.url}/monitoring/rules`, { headers: auditor.headers })).json()) as any;
    expect(rules.rules.map((r: any) => r.params.rule)).toEqual([
      'approvalsPerHour',
      'sharedBankAccount',
      'selfDeclaredPaid',
      'manualDataCorrection',
    ]);
    expect(rules.rules[0].citation.article).toMatch(/第七十八条/);
  });
});

describe('the daily run (Art. 78 监控时点或周期)', () => {
  it('is a Temporal Schedule at 06:00 Asia/Shanghai, created once; triggered, it runs the rules', async () => {
    expect(await ensureMonitoringSchedule({ client: env.client, taskQueue, scheduleId })).toEqual({
      scheduleId,
      created: true,
    });
    expect(await ensureMonitoringSchedule({ client: env.client, taskQueue, scheduleId })).toEqual({
      scheduleId,
      created: false,
    });
    const handle = env.client.schedule.getHandle(scheduleId);
    const d = await handle.describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }] });
    await handle.trigger();
    let runs: { trigger: string; status: string; found: number }[] = [];
    for (let i = 0; i < 200; i++) {
      runs = await tdb.sql("SELECT trigger, status, found FROM monitoring_run WHERE trigger = 'schedule'");
      if (runs[0]?.status === 'completed') break;
      await new Promise((s) => setTimeout(s, 100));
    }
    expect(runs).toEqual([{ trigger: 'schedule', status: 'completed', found: 4 }]);
  });
});
