/**
 * Personal data (issue 12; Art. 30, 93): a claim is filed, checked, approved and paid by the city's payment run on
 * the Temporal dev server; then the API's logs, Temporal's visibility (workflow IDs, search attributes, memos of every
 * workflow the run started) and the public pages and answers are scanned for ID numbers (18 characters, GB 11643) and
 * mobile numbers, the claimant's own and any at all: none appears unmasked.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { paymentRun } from '../../workflows/payments';
import { startApi, type RunningApi } from '../support/api';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { bankLedger } from '../support/payments';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { onlineChannel } from '../support/users';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
const taskQueue = uniqueTaskQueue('pii');

/** An 18-character resident ID number (GB 11643: area, birth date, sequence, check character). */
const ID_NUMBER =
  /(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/;
/** A mainland mobile number. */
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue, sms: sources.sms });
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

function leaks(what: string, text: string, person: Person): string[] {
  const found: string[] = [];
  if (text.includes(person.idNumber)) found.push(`${what}: the claimant's ID number`);
  if (text.includes(person.mobile)) found.push(`${what}: the claimant's mobile`);
  const id = text.match(ID_NUMBER);
  if (id) found.push(`${what}: an ID number …${text.slice(Math.max(0, id.index! - 40), id.index! + 25)}…`);
  const mobile = text.match(MOBILE);
  if (mobile) found.push(`${what}: a mobile …${text.slice(Math.max(0, mobile.index! - 40), mobile.index! + 15)}…`);
  return found;
}

it('shows no ID number or mobile in logs, workflow IDs, search attributes or public pages after a claim is paid', async () => {
  const [person] = await findPeople(
    sim,
    'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid',
    1,
    (p) => p.paidMonths === 12,
  );
  const channel = await onlineChannel(tdb.db, api.url);
  const filed = await fetch(`${api.url}/claims`, {
    method: 'POST',
    headers: channel.headers,
    body: JSON.stringify(await claimOf(sim, person!)),
  });
  expect(filed.status).toBe(201);
  const { caseNumber } = (await filed.json()) as { caseNumber: string };
  // Approved, and its first month queued for the city's run (Art. 38, 39).
  const [payable] = await eventually(
    () =>
      tdb.sql<{ agency_code: string; month: string }>(
        "SELECT agency_code, month FROM payable WHERE case_number = $1 AND kind = 'unemployment_benefit'",
        [caseNumber],
      ),
    (rows) => rows.length > 0,
    300,
  );
  expect(payable).toBeDefined();
  const runId = `payment-run-${payable!.agency_code}-${payable!.month}-pii`;
  const totals = await env.client.workflow.execute(paymentRun, {
    taskQueue,
    workflowId: runId,
    args: [{ agencyCode: payable!.agency_code, month: payable!.month }],
  });
  expect(totals).toMatchObject({ status: 'completed' });
  expect((await bankLedger(sim)).filter((r) => r.payeeAccount === person!.bankAccount.accountNumber)).toHaveLength(1);

  const found: string[] = [];
  // The API's logs of the whole run.
  expect(api.logs.length).toBeGreaterThan(0);
  for (const line of api.logs) found.push(...leaks('API log', line, person!));
  // Temporal visibility: every workflow on this run's queue, with IDs, search attributes and memos.
  let workflows = 0;
  for await (const wf of env.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    workflows++;
    const described = JSON.stringify({
      id: wf.workflowId,
      type: wf.type,
      searchAttributes: wf.searchAttributes,
      memo: wf.memo,
    });
    found.push(...leaks(`workflow ${wf.workflowId}`, described, person!));
  }
  expect(workflows).toBeGreaterThanOrEqual(3); // the claim, its benefit period, the payment run
  // Public pages and answers: the web pages, the public status lookup, public notices.
  for (const path of ['/app/', '/app/public', '/app/public.js', '/public/notices', '/openapi.json']) {
    const res = await fetch(`${api.url}${path}`);
    expect(res.status, path).toBe(200);
    found.push(...leaks(path, await res.text(), person!));
  }
  const status = await fetch(`${api.url}/public/claim-status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ caseNumber, idNumber: person!.idNumber }),
  });
  expect(status.status).toBe(200);
  found.push(...leaks('/public/claim-status', await status.text(), person!));
  expect(found).toEqual([]);
});
