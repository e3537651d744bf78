/**
 * The objection and recovery API (issue 7; Art. 13, 43) on the Temporal dev server, real PostgreSQL and the simulated
 * sources: zod validation with 4xx naming the field and the rule, roles (finance confirms repayments, auditors start
 * recoveries), the conclusion through the task API, and the recovery's exportable case file.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays } from '../../domain/calendar';
import { addToMonth, shanghaiDate } from '../../domain/business-time';
import { startApi, type RunningApi } from '../support/api';
import { findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { userWithToken } from '../support/users';
import { seedEligibleDetermination } from '../support/seed';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
let api: RunningApi;
let sim: RunningSimulator;
let person: Person;
const taskQueue = uniqueTaskQueue('recovery-api');
type User = { id: string; headers: Record<string, string> };
const u: Record<string, User> = {};
const CASE = 'SYJ-2026-210100-RAPX000001';
const MONTHLY = 189_550;
const today = shanghaiDate(Date.now());
const first = addToMonth(today.slice(0, 7), -3);

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources });
  [person] = (await findPeople(sim, 'eligible,!has_arrears', 1)) as [Person];
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  const mk = async (username: string, agencyCode: string, roles: string[]) =>
    (u[username] = await userWithToken(tdb.db, api.url, { username, agencyCode, roles: roles as never }));
  await mk('intake.sy', '210100', ['intake']);
  await mk('reviewer.sy', '210100', ['reviewer']);
  await mk('auditor.sy', '210100', ['auditor']);
  await mk('finance.sy', '210100', ['finance']);
  // A claim paid for three months (months 0-2), its period in the read model.
  await seedEligibleDetermination(tdb, CASE);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [CASE],
  );
  await tdb.sql(
    `INSERT INTO benefit_claim VALUES ($1, 'online', 'resident_id_card', $2, $3, $4, '91210100MA0XYP12AD', '某公司',
     '2026-01-31', 'contract_expired', 'last_insured', 'social_security_card', NULL, $5, now())`,
    [CASE, person.idNumber, person.name, person.mobile, person.bankAccount.accountNumber],
  );
  await tdb.sql(
    `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months, monthly_amount_fen, determination_version,
     paid_months, created_at, updated_at) VALUES ($1, $2, '210100', 'active', $3, $4, 6, $5, 1, 3, now(), now())`,
    [`${CASE}.P`, CASE, `${first}-01`, addDays(`${addToMonth(first, 6)}-01`, -1), MONTHLY],
  );
  for (const i of [0, 1, 2]) {
    const month = addToMonth(first, i);
    await tdb.sql(
      `INSERT INTO payable (payment_id, period_id, case_number, agency_code, kind, month, attempt, amount_fen, payee_name,
       account_number, status, created_at, updated_at, sent_at, paid_at)
       VALUES ($1, $2, $3, '210100', 'unemployment_benefit', $4, 1, $5, '领金人', '6214830012345678', 'paid', now(), now(), now(), now())`,
      [`${CASE}.P.UB.${month.replace('-', '')}.1`, `${CASE}.P`, CASE, month, MONTHLY],
    );
  }
});
afterAll(async () => {
  for (const id of [`${CASE}.R1`, ...objections]) {
    await env?.client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  }
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});
const objections: string[] = [];

async function call(method: string, path: string, user: User | null, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: user ? user.headers : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

const evidence = [{ kind: 'employer_certificate', title: '原单位工作年限证明', pages: 2 }];

describe('objections over the API (Art. 13)', () => {
  it('refuses an objection without evidence or with an unknown subject, naming the field and the rule', async () => {
    const r = await call('POST', `/cases/${CASE}/objections`, u['intake.sy']!, {
      subject: 'verdict',
      grounds: '核定有误',
      evidence: [],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    const paths = r.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['subject', 'evidence']));
    expect(r.body.error.fields.find((f: { path: string }) => f.path === 'evidence').message).toContain(
      '提交相关证据材料',
    );
  });

  it('refuses an objection to a decision the case does not have (409 naming subject)', async () => {
    const r = await call('POST', `/cases/${CASE}/objections`, u['intake.sy']!, {
      subject: 'stop_decision',
      grounds: '本人未重新就业',
      evidence,
    });
    expect(r.status).toBe(409);
    expect(r.body.error.fields).toEqual([{ path: 'subject', message: '失业保险金未停止发放' }]);
  });

  it('files an objection due in 5 workdays, concluded through the task API with its form validated (Art. 13)', async () => {
    const r = await call('POST', `/cases/${CASE}/objections`, u['intake.sy']!, {
      subject: 'review_result',
      objector: 'person',
      grounds: '审核结果有误，证据见附件',
      evidence,
    });
    expect(r.status).toBe(201);
    expect(r.body.caseNumber).toMatch(/^FHJ-\d{4}-210100-/);
    objections.push(r.body.caseNumber);
    const [task] = await eventually(
      () =>
        tdb.sql<{ id: string; due_date: string }>(
          "SELECT id, due_date::text FROM task WHERE case_number = $1 AND type = 'objection_review'",
          [r.body.caseNumber],
        ),
      (x) => x.length === 1,
    );
    expect(task!.due_date).toBe(r.body.dueDate);

    const bad = await call('POST', `/tasks/${task!.id}/complete`, u['reviewer.sy']!, {
      form: { decision: 'correct', reasons: ['有误'] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toContain('form.correction');

    const ok = await call('POST', `/tasks/${task!.id}/complete`, u['reviewer.sy']!, {
      form: { decision: 'uphold', reasons: ['审核结果符合规定'] },
    });
    expect(ok.status).toBe(200);
    const view = await eventually(
      () => call('GET', `/objections/${r.body.caseNumber}`, u['reviewer.sy']!),
      (x) => x.body?.status === 'upheld',
    );
    expect(view.body).toMatchObject({
      status: 'upheld',
      reconsiderationUntil: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      litigationUntil: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const sms = await eventually(
      () => tdb.sql<{ text: string }>('SELECT text FROM message WHERE id = $1', [`${r.body.caseNumber}.conclusion`]),
      (x) => x.length === 1,
    );
    expect(sms[0]!.text).toContain(`可于${view.body.reconsiderationUntil}前申请行政复议`);
  });
});

describe('recoveries over the API (Art. 43)', () => {
  it('lets only auditors start a recovery, with the stop date inside the period, and only for a stop (Art. 43)', async () => {
    const body = { caseNumber: CASE, stopDate: `${first}-20`, reason: '稽核比对发现重新就业' };
    expect((await call('POST', '/recoveries', u['finance.sy']!, body)).status).toBe(403);
    const outside = await call('POST', '/recoveries', u['auditor.sy']!, { ...body, stopDate: '2020-01-01' });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields[0].path).toBe('stopDate');
    const missing = await call('POST', '/recoveries', u['auditor.sy']!, { caseNumber: CASE });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['stopDate', 'reason']),
    );
    // Art. 43: a recovery needs a stop (领金人员符合停发条件): a period never stopped is refused, nothing written.
    const unstopped = await call('POST', '/recoveries', u['auditor.sy']!, body);
    expect(unstopped.status).toBe(409);
    expect(unstopped.body.error).toMatchObject({ code: 'no_stop', fields: [{ path: 'caseNumber' }] });
    expect(await tdb.sql('SELECT 1 FROM recovery WHERE case_number = $1', [CASE])).toEqual([]);

    // The person reported re-employment from the 25th of month 0 (the stop, without a recovery: nothing paid after
    // it yet when it was recorded); the auditor finds it began on the 20th: the recovery of that stop, re-dated.
    await tdb.sql(
      "UPDATE benefit_period SET status = 'stopped', stop_reason = 'reemployed', stop_date = $2 WHERE id = $1",
      [`${CASE}.P`, `${first}-25`],
    );
    await tdb.sql(
      `INSERT INTO period_stop (id, period_id, case_number, seq, reason, found_date, stop_date, found_by, found_ref, found_at)
       VALUES ($1, $2, $3, 1, 'reemployed', $4, $4, 'report', 'intake.sy', now())`,
      [`${CASE}.S1`, `${CASE}.P`, CASE, `${first}-25`],
    );
    const started = await call('POST', '/recoveries', u['auditor.sy']!, body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ recoveryId: `${CASE}.R1`, stopId: `${CASE}.S1`, stopDate: `${first}-20` });
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM recovery WHERE id = $1', [`${CASE}.R1`]),
      (r) => r[0]?.status === 'awaiting_delivery',
    );
    const [stop] = await tdb.sql<{ stop_date: string; found_date: string }>(
      'SELECT stop_date::text, found_date::text FROM period_stop WHERE id = $1',
      [`${CASE}.S1`],
    );
    expect(stop).toEqual({ stop_date: `${first}-20`, found_date: `${first}-25` });
    // The same stop and date again: its recovery exists (409 naming it); a later date is not the auditor's to set.
    const again = await call('POST', '/recoveries', u['auditor.sy']!, body);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('recovery_exists');
    const later = await call('POST', '/recoveries', u['auditor.sy']!, { ...body, stopDate: `${first}-28` });
    expect(later.status).toBe(409);
    expect(later.body.error).toMatchObject({ code: 'stop_date_later', fields: [{ path: 'stopDate' }] });
  });

  it('records the delivery with its proof, confirms repayments by finance only, and exports the case file', async () => {
    const noProof = await call('POST', `/recoveries/${CASE}/delivery`, u['intake.sy']!, {
      method: 'post',
      deliveredOn: today,
      proof: {},
    });
    expect(noProof.status).toBe(400);
    expect(noProof.body.error.fields).toEqual([{ path: 'proof.reference', message: '邮寄送达时必填（回执编号）' }]);
    const badMethod = await call('POST', `/recoveries/${CASE}/delivery`, u['intake.sy']!, {
      method: 'fax',
      deliveredOn: today,
      proof: {},
    });
    expect(badMethod.body.error.fields[0].path).toBe('method');
    const delivered = await call('POST', `/recoveries/${CASE}/delivery`, u['intake.sy']!, {
      method: 'post',
      deliveredOn: today,
      proof: { reference: 'EMS1234567890' },
    });
    expect(delivered.status).toBe(200);
    expect(delivered.body).toMatchObject({ status: 'awaiting_repayment', dueDate: addDays(today, 30) });

    const repay = { amountFen: 50_000, receivedOn: today, reference: 'SLIP-1' };
    expect((await call('POST', `/recoveries/${CASE}/repayments`, u['intake.sy']!, repay)).status).toBe(403);
    const zero = await call('POST', `/recoveries/${CASE}/repayments`, u['finance.sy']!, { ...repay, amountFen: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error.fields[0]).toEqual({ path: 'amountFen', message: '须大于0' });
    const tooMuch = await call('POST', `/recoveries/${CASE}/repayments`, u['finance.sy']!, {
      ...repay,
      amountFen: 10 * MONTHLY,
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.fields[0].path).toBe('amountFen');
    const partial = await call('POST', `/recoveries/${CASE}/repayments`, u['finance.sy']!, repay);
    expect(partial.status).toBe(200);
    expect(partial.body.balanceFen).toBe(2 * MONTHLY - 50_000);
    const again = await call('POST', `/recoveries/${CASE}/repayments`, u['finance.sy']!, repay);
    expect(again.status).toBe(409);
    expect(again.body.error.fields[0].path).toBe('reference');

    expect((await call('GET', `/recoveries/${CASE}/case-file`, u['intake.sy']!)).status).toBe(403);
    const file = await call('GET', `/recoveries/${CASE}/case-file`, u['auditor.sy']!);
    expect(file.status).toBe(200);
    expect(file.body.amounts).toMatchObject({
      amountFen: 2 * MONTHLY,
      repaidFen: 50_000,
      balanceFen: 2 * MONTHLY - 50_000,
    });
    expect(file.body.payments.map((p: { month: string }) => p.month)).toEqual([
      addToMonth(first, 1),
      addToMonth(first, 2),
    ]);
    expect(file.body.notices).toHaveLength(1);
    expect(file.body.notices[0].kind).toBe('recovery_notice');
    expect(file.body.delivery).toMatchObject({
      method: 'post',
      deliveredOn: today,
      proof: { reference: 'EMS1234567890' },
    });
    expect(file.body.repayments).toEqual([expect.objectContaining({ reference: 'SLIP-1', amountFen: 50_000 })]);
  });
});
