/**
 * The benefit claim from application to approval on the Temporal dev server, real PostgreSQL and the simulated
 * sources (issue 6; Art. 34-41): the acceptance check from shared data refuses 11 months of contributions with the
 * reason and the article and accepts 12; arrears make the claim wait, a signed waiver lets it go on without the waived
 * months; approval notifies the person, registers the unemployment (Art. 40) and starts the benefit period.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApi, type RunningApi } from '../support/api';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { onlineChannel, userWithToken } from '../support/users';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
let channel: Record<string, string> = {};
let clerk: Record<string, string> = {};
const taskQueue = uniqueTaskQueue('claim');
const clean = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed';

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue, sms: sources.sms });
  channel = (await onlineChannel(tdb.db, api.url)).headers;
  clerk = (
    await userWithToken(tdb.db, api.url, {
      username: 'intake.all',
      agencyCode: '210000',
      roles: ['intake', 'reviewer'],
    })
  ).headers;
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

async function file(person: Person) {
  const res = await fetch(`${api.url}/claims`, {
    method: 'POST',
    headers: channel,
    body: JSON.stringify(await claimOf(sim, person)),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { caseNumber: string }).caseNumber;
}
async function statusOf(caseNumber: string, until: (s: string) => boolean): Promise<string> {
  let s = '';
  for (let i = 0; i < 150; i++) {
    const [row] = await tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]);
    s = row?.status ?? '';
    if (until(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  return s;
}
/** Rows of a query once there are any (the workflow writes them moments after the status it is polled by). */
async function rowsOf<T extends Record<string, unknown>>(sql: string, values: unknown[]): Promise<T[]> {
  let rows: T[] = [];
  for (let i = 0; i < 100 && !rows.length; i++) {
    rows = await tdb.sql<T>(sql, values);
    if (!rows.length) await new Promise((r) => setTimeout(r, 100));
  }
  return rows;
}
const done = (s: string) =>
  ['approved', 'refused', 'closed'].includes(s) || s.startsWith('awaiting_review') || s === 'awaiting_arrears';

describe('acceptance from shared data (Art. 34, 37)', () => {
  it('refuses 11 months of contributions with the reason and the article, and tells the person with their remedies', async () => {
    const [person] = await findPeople(
      sim,
      'short_history,involuntary_separation,!has_arrears,!pensioner,!deceased,!employed',
      1,
      (p) => p.paidMonths === 11,
    );
    const caseNumber = await file(person!);
    expect(await statusOf(caseNumber, done)).toBe('refused');
    const [event] = await tdb.sql<{ data: any }>(
      "SELECT data FROM case_event WHERE case_number = $1 AND type = 'claim_refused'",
      [caseNumber],
    );
    expect(event!.data.reasons).toContainEqual({
      code: 'insufficient_contributions',
      message: '累计缴费11个月，不满12个月',
      article: 'Art. 34',
    });
    const [sms] = await rowsOf<{ text: string }>(
      "SELECT text FROM message WHERE case_number = $1 AND kind = 'claim_refused'",
      [caseNumber],
    );
    expect(sms!.text).toContain('累计缴费11个月，不满12个月（第三十四条）');
    // Art. 13: the remedies with their last days.
    expect(sms!.text).toMatch(/于\d{4}-\d{2}-\d{2}前申请行政复议/);
    expect(await tdb.sql('SELECT 1 FROM benefit_period WHERE case_number = $1', [caseNumber])).toEqual([]);
  });

  it('accepts 12 months, determines the benefit with its explanation, tells the person and starts the benefit period (Art. 38, 40)', async () => {
    const [person] = await findPeople(sim, `${clean},bank_paid`, 1, (p) => p.paidMonths === 12);
    const caseNumber = await file(person!);
    expect(await statusOf(caseNumber, done)).toBe('approved');
    const [d] = await tdb.sql<{
      contribution_months: number;
      months: number;
      monthly_amount_fen: number;
      explanation: any[];
    }>(
      'SELECT contribution_months, months, monthly_amount_fen, explanation FROM determination WHERE case_number = $1',
      [caseNumber],
    );
    expect(d!.contribution_months).toBe(12);
    expect(d!.months).toBe(3); // 1 whole year → 3 months (policy benefitPeriod, Art. 38)
    expect(d!.monthly_amount_fen).toBeGreaterThan(0);
    expect(d!.explanation.every((step: { article: string }) => /^Art\. \d+/.test(step.article))).toBe(true);
    const [sms] = await rowsOf<{ text: string }>(
      "SELECT text FROM message WHERE case_number = $1 AND kind = 'claim_approved'",
      [caseNumber],
    );
    expect(sms!.text).toContain('领取期限3个月');
    // Art. 40: registered with the employment service; Art. 44: in the medical insurance.
    let registered: string[] = [];
    for (let i = 0; i < 100 && !registered.includes(`${caseNumber}.registration`); i++) {
      const { registrations } = await sim.admin<{ registrations: { requestId: string }[] }>(
        'GET',
        '/employment/registrations',
      );
      registered = registrations.map((r) => r.requestId);
      if (!registered.includes(`${caseNumber}.registration`)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(registered).toContain(`${caseNumber}.registration`);
    for (
      let i = 0;
      i < 100 && !(await tdb.sql('SELECT 1 FROM benefit_period WHERE case_number = $1', [caseNumber])).length;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await tdb.sql('SELECT status, months FROM benefit_period WHERE case_number = $1', [caseNumber])).toEqual([
      { status: 'active', months: 3 },
    ]);
    const period = await env.client.workflow.getHandle(`${caseNumber}.P`).describe();
    expect(period.type).toBe('benefitPeriod');
    // The determination with its explanation, for the applicant and the clerks.
    const res = await fetch(`${api.url}/cases/${caseNumber}/determination`, { headers: clerk });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).versions[0]).toMatchObject({ version: 1, months: 3, contributionMonths: 12 });
  });
});

describe('arrears (Art. 41)', () => {
  it('makes the claim wait for the back payment, and a signed waiver lets it go on without the waived months', async () => {
    const [person] = await findPeople(
      sim,
      'has_arrears,involuntary_separation,!pensioner,!deceased,!employed',
      1,
      (p) => p.paidMonths >= 30,
    );
    const caseNumber = await file(person!);
    expect(await statusOf(caseNumber, done)).toBe('awaiting_arrears');
    const [notice] = await rowsOf<{ text: string }>(
      "SELECT text FROM message WHERE case_number = $1 AND kind = 'arrears_notice'",
      [caseNumber],
    );
    expect(notice!.text).toContain('《个人放弃补缴失业保险欠费承诺书》');
    const [arrears] = await tdb.sql<{ data: any }>(
      "SELECT data FROM case_event WHERE case_number = $1 AND type = 'arrears_notified'",
      [caseNumber],
    );
    const owed: string[] = arrears!.data.months;
    expect(owed.length).toBeGreaterThan(0);

    const waiver = await fetch(`${api.url}/cases/${caseNumber}/arrears-waiver`, {
      method: 'POST',
      headers: clerk,
      body: JSON.stringify({ signed: true }),
    });
    expect(waiver.status).toBe(200);
    expect(await statusOf(caseNumber, (s) => s !== 'awaiting_arrears' && s !== 'awaiting_acceptance')).toMatch(
      /approved|awaiting_review|awaiting_second_review/,
    );
    const [d] = await tdb.sql<{ waived_months: string[]; contribution_months: number }>(
      'SELECT waived_months, contribution_months FROM determination WHERE case_number = $1 ORDER BY version DESC LIMIT 1',
      [caseNumber],
    );
    expect(d!.waived_months).toEqual(owed);
    const audit = await tdb.sql("SELECT 1 FROM audit_log WHERE action = 'arrears_waiver_signed' AND case_number = $1", [
      caseNumber,
    ]);
    expect(audit).toHaveLength(1);
  });
});

describe('corrections and stops (Art. 38 para 2, 42)', () => {
  it('recalculates when a reviewer corrects the determination, keeps both versions, and reviews again on three levels', async () => {
    const [person] = await findPeople(sim, `${clean},long_history`, 1);
    const caseNumber = await file(person!);
    expect(await statusOf(caseNumber, (s) => s === 'awaiting_review' || s === 'refused')).toBe('awaiting_review');
    let task: { id: string } | undefined;
    for (let i = 0; i < 50 && !task; i++) {
      [task] = await tdb.sql<{ id: string }>(
        "SELECT id FROM task WHERE case_number = $1 AND type = 'claim_review' AND status = 'open'",
        [caseNumber],
      );
      if (!task) await new Promise((r) => setTimeout(r, 100));
    }
    const corrected = await fetch(`${api.url}/tasks/${task!.id}/complete`, {
      method: 'POST',
      headers: clerk,
      body: JSON.stringify({
        form: { decision: 'correct', corrections: { deemedContributionMonths: 12 }, reasons: ['补充视同缴费年限证明'] },
      }),
    });
    expect(corrected.status).toBe(200);
    let versions: { version: number; contribution_months: number; reason: string }[] = [];
    for (let i = 0; i < 100 && versions.length < 2; i++) {
      versions = await tdb.sql(
        'SELECT version, contribution_months, reason FROM determination WHERE case_number = $1 ORDER BY version',
        [caseNumber],
      );
      if (versions.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(versions.map((v) => v.reason)).toEqual(['initial', 'correction']);
    expect(versions[1]!.contribution_months).toBe(versions[0]!.contribution_months + 12);
    const [event] = await rowsOf<{ data: any }>(
      "SELECT data FROM case_event WHERE case_number = $1 AND type = 'claim_accepted_2'",
      [caseNumber],
    );
    expect(event!.data.reviewSteps).toEqual(['review', 'second_review', 'approve']);
  });

  it('stops the benefit on a reported stop, at once, and tells the person why (Art. 42)', async () => {
    const person = (await findPeople(sim, `${clean},bank_paid,!long_history`, 5, (p) => p.paidMonths > 12)).at(-1)!;
    const caseNumber = await file(person);
    expect(await statusOf(caseNumber, done)).toBe('approved');
    for (
      let i = 0;
      i < 100 &&
      !(await tdb.sql("SELECT 1 FROM benefit_period WHERE case_number = $1 AND status = 'active'", [caseNumber]))
        .length;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const [{ start_date }] = (await tdb.sql<{ start_date: string }>(
      'SELECT start_date::text FROM benefit_period WHERE case_number = $1',
      [caseNumber],
    )) as [{ start_date: string }];
    const res = await fetch(`${api.url}/cases/${caseNumber}/stop-report`, {
      method: 'POST',
      headers: clerk,
      body: JSON.stringify({ date: start_date, reason: 'enlisted' }),
    });
    expect(res.status).toBe(200);
    expect(
      await tdb.sql('SELECT status, stop_reason FROM benefit_period WHERE case_number = $1', [caseNumber]),
    ).toEqual([{ status: 'stopped', stop_reason: 'enlisted' }]);
    const [sms] = await rowsOf<{ text: string }>(
      "SELECT text FROM message WHERE case_number = $1 AND kind = 'payment_stopped'",
      [caseNumber],
    );
    expect(sms!.text).toContain('停止发放，原因：应征服兵役');
    const again = await fetch(`${api.url}/cases/${caseNumber}/stop-report`, {
      method: 'POST',
      headers: clerk,
      body: JSON.stringify({ date: start_date, reason: 'enlisted' }),
    });
    expect(again.status).toBe(409);
  });
});
