/**
 * Data maintenance (issue 9 item 6; Art. 93) on the Temporal dev server and real PostgreSQL: a manual correction is a
 * case of its own, reviewed and approved by two different people (岗位不相容, Art. 77), then applied and audited; a
 * field outside the whitelist is refused naming the field, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { verifyAuditChain } from '../../lib/audit';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { seedEligibleDetermination } from '../support/seed';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
let api: RunningApi;
let clerk: Record<string, string>;
/** Holds both roles: may review, may approve, but not both on one case. */
let both: Record<string, string>;
let approver: Record<string, string>;
const taskQueue = uniqueTaskQueue('datafix');
const target = formatCaseNumber('benefit_claim', 2026, '210100', serialFromBytes(randomBytes(8)));
const started: string[] = [];

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  clerk = (await userWithToken(tdb.db, api.url, { username: 'intake.d', agencyCode: '210100', roles: ['intake'] }))
    .headers;
  both = (
    await userWithToken(tdb.db, api.url, {
      username: 'reviewer.d',
      agencyCode: '210100',
      roles: ['reviewer', 'approver'],
    })
  ).headers;
  approver = (
    await userWithToken(tdb.db, api.url, { username: 'approver.d', agencyCode: '210100', roles: ['approver'] })
  ).headers;
  await seedEligibleDetermination(tdb, target);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [target],
  );
  await tdb.sql(
    `INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
       separation_date, separation_reason, paying_locality_basis, payment_method, bank_name, account_number, submitted_at)
     VALUES ($1, 'window', 'resident_id_card', '210102198503151235', '张三', '13812345678', '91210100MA0XYP12AD',
       '沈阳某机械有限公司', '2026-09-30', 'contract_expired', 'last_insured', 'bank_account', '工商银行',
       '6214830012345678', now())`,
    [target],
  );
});
afterAll(async () => {
  for (const id of started)
    await env?.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => {});
  await api?.close();
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

const request = (body: Record<string, unknown>, headers = clerk) =>
  fetch(`${api.url}/data-corrections`, { method: 'POST', headers, body: JSON.stringify(body) });
const phoneFix = {
  entity: 'benefit_claim',
  caseNumber: target,
  field: 'phone',
  oldValue: '13812345678',
  newValue: '13912345678',
  reason: '窗口录入时手机号错一位，申请人持身份证到场更正',
};
async function openTask(caseNumber: string, type: string) {
  for (let i = 0; i < 200; i++) {
    const [t] = await tdb.sql<{ id: string }>(
      "SELECT id FROM task WHERE case_number = $1 AND type = $2 AND status = 'open'",
      [caseNumber, type],
    );
    if (t) return t.id;
    await new Promise((s) => setTimeout(s, 100));
  }
  throw new Error(`no open ${type} task on ${caseNumber}`);
}
const complete = (taskId: string, headers: Record<string, string>, form: unknown) =>
  fetch(`${api.url}/tasks/${taskId}/complete`, { method: 'POST', headers, body: JSON.stringify({ form }) });
async function statusOf(caseNumber: string, want: string) {
  let s = '';
  for (let i = 0; i < 200 && s !== want; i++) {
    s = (
      await tdb.sql<{ status: string }>('SELECT status FROM data_correction WHERE case_number = $1', [caseNumber])
    )[0]!.status;
    if (s !== want) await new Promise((r) => setTimeout(r, 100));
  }
  return s;
}

describe('data maintenance (Art. 93)', () => {
  it('refuses a field outside the whitelist with a 400 naming the field, and writes nothing', async () => {
    const res = await request({
      ...phoneFix,
      field: 'idNumber',
      oldValue: '210102198503151235',
      newValue: '210102198503151236',
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as any;
    expect(error.fields).toEqual([
      {
        path: 'field',
        message: expect.stringMatching(
          /benefit_claim\.idNumber 不属于数据维护可更正的项目.*第九十三条.*accountNumber、bankName、name、phone/,
        ),
      },
    ]);
    const bad = await request({ ...phoneFix, newValue: '12345' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fields[0].path).toBe('newValue');
    const stale = await request({ ...phoneFix, oldValue: '13800000000' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).error.fields[0].path).toBe('oldValue');
    expect((await request(phoneFix, approver)).status).toBe(403);
    expect(await tdb.sql('SELECT 1 FROM data_correction')).toEqual([]);
    expect(await tdb.sql('SELECT 1 FROM "case" WHERE case_type = \'data_correction\'')).toEqual([]);
  });

  it('is reviewed and approved by two different people, then applied and audited; the reviewer cannot approve (岗位不相容)', async () => {
    const res = await request(phoneFix);
    expect(res.status).toBe(201);
    const { caseNumber, approvalAgencyCode } = (await res.json()) as { caseNumber: string; approvalAgencyCode: string };
    started.push(caseNumber);
    expect(caseNumber).toMatch(/^SJW-2026-210100-/);
    expect(approvalAgencyCode).toBe('210100'); // a phone number: the city approves (policy/data-correction-field.json)
    expect(await statusOf(caseNumber, 'awaiting_review')).toBe('awaiting_review');

    const review = await openTask(caseNumber, 'data_correction_review');
    expect((await complete(review, both, { decision: 'approve', comment: '核对身份证原件' })).status).toBe(200);
    expect(await statusOf(caseNumber, 'awaiting_approval')).toBe('awaiting_approval');

    const approval = await openTask(caseNumber, 'data_correction_approval');
    const same = await complete(approval, both, { decision: 'approve' });
    expect(same.status).toBe(403);
    expect(((await same.json()) as any).error.code).toBe('separation_of_duties');
    const [unchanged] = await tdb.sql<{ phone: string }>('SELECT phone FROM benefit_claim WHERE case_number = $1', [
      target,
    ]);
    expect(unchanged!.phone).toBe('13812345678');

    expect((await complete(approval, approver, { decision: 'approve' })).status).toBe(200);
    expect(await statusOf(caseNumber, 'applied')).toBe('applied');
    const [claim] = await tdb.sql<{ phone: string }>('SELECT phone FROM benefit_claim WHERE case_number = $1', [
      target,
    ]);
    expect(claim!.phone).toBe('13912345678');
    const [row] = await tdb.sql(
      'SELECT reviewed_by, approved_by, requested_by FROM data_correction WHERE case_number = $1',
      [caseNumber],
    );
    expect(row).toEqual({ reviewed_by: 'reviewer.d', approved_by: 'approver.d', requested_by: 'intake.d' });

    const trail = await tdb.sql<{ action: string; actor_name: string; entity: string; before: any; after: any }>(
      'SELECT action, actor_name, entity, before, after FROM audit_log WHERE case_number = $1 ORDER BY id',
      [caseNumber],
    );
    expect(trail.map((t) => [t.action, t.actor_name])).toEqual([
      ['data_correction_requested', 'intake.d'],
      ['task_completed', 'reviewer.d'],
      ['data_correction_reviewed', 'reviewer.d'],
      ['task_completed', 'approver.d'],
      ['data_correction_applied', 'approver.d'],
    ]);
    expect(trail.at(-1)).toMatchObject({
      entity: 'benefit_claim',
      before: { phone: '13812345678' },
      after: { phone: '13912345678' },
    });
    expect((await verifyAuditChain(tdb.db)).ok).toBe(true);

    const view = (await (
      await fetch(`${api.url}/data-corrections/${caseNumber}`, { headers: approver })
    ).json()) as any;
    expect(view).toMatchObject({ status: 'applied', reviewedBy: 'reviewer.d', approvedBy: 'approver.d' });
  });

  it('a rejection in review ends the case with the reasons and changes nothing', async () => {
    const res = await request({ ...phoneFix, oldValue: '13912345678', newValue: '13712345678' });
    expect(res.status).toBe(201);
    const { caseNumber } = (await res.json()) as { caseNumber: string };
    started.push(caseNumber);
    const review = await openTask(caseNumber, 'data_correction_review');
    expect((await complete(review, both, { decision: 'reject', reasons: ['无申请人书面材料'] })).status).toBe(200);
    expect(await statusOf(caseNumber, 'rejected')).toBe('rejected');
    const [claim] = await tdb.sql<{ phone: string }>('SELECT phone FROM benefit_claim WHERE case_number = $1', [
      target,
    ]);
    expect(claim!.phone).toBe('13912345678');
  });
});
