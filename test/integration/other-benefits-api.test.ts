/**
 * Applying for the other benefits of a benefit period through the API (issue 6; Art. 46, 47, 30) on the Temporal dev
 * server and real PostgreSQL: bad input is refused naming the field and the rule with nothing written; a survivors'
 * claim opens its own case, written before its workflow starts, with no personal data in the workflow's history; an
 * Idempotency-Key returns the same case; the case's next deadline (an open task's due time) is searchable
 * (visibility query on NextDeadline).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApi, type RunningApi } from '../support/api';
import { findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { seedEligibleDetermination } from '../support/seed';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
let clerk: Record<string, string> = {};
let otherCity: Record<string, string> = {};
let deceased: Person;
let survivor: Person;
const taskQueue = uniqueTaskQueue('otherapi');
const benefitCase = 'SYJ-2026-210100-APXTHER001';

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue, sms: sources.sms });
  clerk = (await userWithToken(tdb.db, api.url, { username: 'intake.sy', agencyCode: '210100', roles: ['intake'] }))
    .headers;
  otherCity = (await userWithToken(tdb.db, api.url, { username: 'intake.dl', agencyCode: '210200', roles: ['intake'] }))
    .headers;
  [deceased, survivor] = (await findPeople(sim, 'eligible,!deceased,!funeral_grant_paid', 2)) as [Person, Person];
  // A claim in payment in Shenyang: its case, claim and benefit period rows (this year, 12 months).
  await seedEligibleDetermination(tdb, benefitCase);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [benefitCase],
  );
  await tdb.sql(
    `INSERT INTO benefit_claim VALUES ($1, 'online', 'resident_id_card', $2, $3, $4, '91210100MA0XXXXXX0', '某公司',
       '2026-01-15', 'contract_expired', 'last_insured', 'social_security_card', NULL, $5, now())`,
    [benefitCase, deceased.idNumber, deceased.name, deceased.mobile, deceased.bankAccount.accountNumber],
  );
  await tdb.sql(
    `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months, monthly_amount_fen, determination_version,
       created_at, updated_at)
     VALUES ($1, $2, '210100', 'stopped', '2026-02-01', '2027-01-31', 12, 189550, 1, now(), now())`,
    [`${benefitCase}.P`, benefitCase],
  );
});
afterAll(async () => {
  const open = await tdb.sql<{ case_number: string }>('SELECT case_number FROM other_benefit_claim');
  for (const r of open)
    await env.client.workflow
      .getHandle(r.case_number)
      .terminate('test done')
      .catch(() => undefined);
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

const survivorBody = () => ({
  channel: 'window',
  survivor: { idType: 'resident_id_card', idNumber: survivor.idNumber, name: survivor.name, phone: survivor.mobile },
  relationship: 'spouse',
  dateOfDeath: '2026-06-02',
  chosenScheme: 'unemployment',
  materials: { survivorIdentity: true, deathCertificate: true, relationshipProof: true },
  payment: { method: 'social_security_card', accountNumber: survivor.bankAccount.accountNumber },
});
/** Every payload's bytes in a history, as text (payload data is binary, so a JSON dump would hide it). */
function payloadText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(payloadText).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(payloadText).join('\n');
  return typeof value === 'string' ? value : '';
}
const post = (path: string, body: unknown, headers: Record<string, string> = clerk) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

describe('POST /cases/:caseNumber/survivor-benefits (Art. 47)', () => {
  it('refuses bad input naming each field and its rule, and writes nothing', async () => {
    const bad = survivorBody();
    bad.survivor.idNumber = `${survivor.idNumber.slice(0, 17)}${survivor.idNumber[17] === '1' ? '2' : '1'}`;
    const res = await post(`/cases/${benefitCase}/survivor-benefits`, {
      ...bad,
      dateOfDeath: '2026-02-30',
      payment: { method: 'bank_account', accountNumber: '123' },
    });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path);
    expect(fields).toEqual(
      expect.arrayContaining(['survivor.idNumber', 'dateOfDeath', 'payment.accountNumber', 'payment.bankName']),
    );
    const future = await post(`/cases/${benefitCase}/survivor-benefits`, {
      ...survivorBody(),
      dateOfDeath: '2099-01-01',
    });
    expect(future.status).toBe(422);
    expect(await future.json()).toMatchObject({
      error: { code: 'date_in_future', fields: [{ path: 'dateOfDeath', message: '不能晚于今天' }] },
    });
    expect(await tdb.sql('SELECT 1 FROM other_benefit_claim')).toHaveLength(0);
    expect(await tdb.sql(`SELECT 1 FROM "case" WHERE case_type = 'survivor_benefits'`)).toHaveLength(0);
  });

  it('is not found for a clerk of another city', async () => {
    const res = await post(`/cases/${benefitCase}/survivor-benefits`, survivorBody(), otherCity);
    expect(res.status).toBe(404);
  });

  it('opens a case once per Idempotency-Key, with no personal data in its workflow, and a searchable next deadline', async () => {
    const headers = { ...clerk, 'idempotency-key': 'survivor-claim-0001' };
    const first = await post(`/cases/${benefitCase}/survivor-benefits`, survivorBody(), headers);
    expect(first.status).toBe(201);
    const { caseNumber } = (await first.json()) as { caseNumber: string };
    expect(caseNumber).toMatch(/^SZF-2026-210100-[0-9A-Z]{10}$/);
    const again = await post(`/cases/${benefitCase}/survivor-benefits`, survivorBody(), headers);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { caseNumber: string }).caseNumber).toBe(caseNumber);
    const changed = await post(
      `/cases/${benefitCase}/survivor-benefits`,
      { ...survivorBody(), relationship: 'child' },
      headers,
    );
    expect(changed.status).toBe(409);
    expect(await tdb.sql('SELECT 1 FROM other_benefit_claim')).toHaveLength(1);

    // The standard is unknown: a reviewer's task to set the amounts, due in 5 workdays (an assumption, policy data).
    const [task] = await eventually(
      () =>
        tdb.sql<{ due_at: Date }>("SELECT due_at FROM task WHERE case_number = $1 AND type = 'survivor_amounts'", [
          caseNumber,
        ]),
      (r) => r.length === 1,
      300,
    );
    expect(task).toBeDefined();
    // Due within the minute around the task's due time, and not due before it.
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const dueMs = task!.due_at.getTime();
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of env.client.workflow.list({
          query: `CaseType = 'survivor_benefits' AND NextDeadline > "${at(dueMs - 60_000)}" AND NextDeadline < "${at(dueMs + 60_000)}"`,
        }))
          ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.includes(caseNumber),
      100,
    );
    expect(found).toEqual([caseNumber]);

    // Art. 30: the survivor's and the deceased's identifiers are in PostgreSQL only, never in the history.
    const history = payloadText(await env.client.workflow.getHandle(caseNumber).fetchHistory());
    expect(history).toContain(caseNumber); // the payloads were read
    for (const secret of [survivor.idNumber, survivor.name, survivor.mobile, deceased.idNumber, deceased.name]) {
      expect(history).not.toContain(secret);
    }
    const listed = await fetch(`${api.url}/cases/${benefitCase}/other-benefits`, { headers: clerk });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { items: { caseNumber: string; kind: string }[] }).items).toEqual([
      expect.objectContaining({ caseNumber, kind: 'survivor_benefits', status: 'awaiting_review' }),
    ]);
  });
});
