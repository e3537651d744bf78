/**
 * Malformed source answers end to end (issue 12; Art. 7, 37): a simulated source answers a claim's acceptance check
 * with a garbled body (a field of the wrong type, or HTML instead of JSON). The activity refuses it at once, naming
 * the source and the field (SourceMalformed, not retried: the same garbage would come back), and the case decides
 * nothing on it: it records the failure, stays awaiting acceptance, and waits on an intake clerk's `source_check`
 * task. The clerk has the check run again once the source is right (the case then goes on), or refuses with reasons.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApi, type RunningApi } from '../support/api';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { onlineChannel, userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
let channel: Record<string, string> = {};
let clerk: Record<string, string> = {};
let people: Person[] = [];
const taskQueue = uniqueTaskQueue('malformed');

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue, sms: sources.sms });
  channel = (await onlineChannel(tdb.db, api.url)).headers;
  clerk = (await userWithToken(tdb.db, api.url, { username: 'intake.all', agencyCode: '210000', roles: ['intake'] }))
    .headers;
  people = await findPeople(sim, 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 4);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

/** Files an online claim while `fault` garbles a source's answers; answers the case number and the person. */
async function fileWhileGarbled(fault: Record<string, unknown>) {
  const person = people.shift()!;
  const body = await claimOf(sim, person);
  await sim.admin('PUT', '/faults', fault);
  const res = await fetch(`${api.url}/claims`, { method: 'POST', headers: channel, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return { caseNumber: ((await res.json()) as { caseNumber: string }).caseNumber, person };
}

const eventsOf = async (caseNumber: string) =>
  (
    await tdb.sql<{ type: string; data: any }>(
      'SELECT type, data FROM case_event WHERE case_number = $1 ORDER BY at, id',
      [caseNumber],
    )
  ).map((e) => ({ type: e.type, data: e.data }));

async function openSourceCheck(caseNumber: string): Promise<string> {
  const rows = await eventually(
    () =>
      tdb.sql<{ id: string }>(
        "SELECT id FROM task WHERE case_number = $1 AND type = 'source_check' AND status = 'open'",
        [caseNumber],
      ),
    (r) => r.length === 1,
    300,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

async function complete(taskId: string, form: unknown) {
  const res = await fetch(`${api.url}/tasks/${taskId}/complete`, {
    method: 'POST',
    headers: clerk,
    body: JSON.stringify({ form }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

it('a garbled contributions answer decides nothing: the case waits on a clerk, then goes on once the source is right', async () => {
  const { caseNumber, person } = await fileWhileGarbled({ prefix: '/tax', malformed: 'shape', field: 'records' });
  const taskId = await openSourceCheck(caseNumber);

  // Waiting, not decided: still awaiting acceptance, no check outcome, no determination.
  const [row] = await tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]);
  expect(row!.status).toBe('awaiting_acceptance');
  const events = await eventsOf(caseNumber);
  expect(events.map((e) => e.type)).toEqual(['claim_received', 'acceptance_source_unreadable_1', 'task_opened']);
  const error = events[1]!.data.error as string;
  expect(error).toMatch(/^SourceMalformed: /);
  expect(error).toContain('tax.getPersonContributions');
  expect(error).toContain('records');
  expect(error).not.toContain(person.idNumber);
  expect(await tdb.sql('SELECT 1 FROM determination WHERE case_number = $1', [caseNumber])).toEqual([]);

  // The source is right again; the clerk has the check run again: the case goes on from the real data.
  await sim.admin('DELETE', '/faults');
  await complete(taskId, { decision: 'accept' });
  const after = await eventually(
    () => eventsOf(caseNumber),
    (ev) => ev.some((e) => e.type === 'claim_determined_1'),
    300,
  );
  // The first verdict, on the real data (Art. 37, 38): nothing was determined on the garbled answer.
  expect(after.map((e) => e.type)).toContain('claim_determined_1');
  expect(after.find((e) => e.type === 'claim_determined_1')!.data.verdict).toBe('eligible');
  const determination = await eventually(
    () => tdb.sql('SELECT 1 FROM determination WHERE case_number = $1', [caseNumber]),
    (r) => r.length > 0,
    300,
  );
  expect(determination).toHaveLength(1);
}, 180_000);

it('an HTML page instead of the household registration answer: the clerk refuses with reasons, the case is refused', async () => {
  const { caseNumber } = await fileWhileGarbled({ prefix: '/hukou', malformed: 'not_json' });
  const taskId = await openSourceCheck(caseNumber);
  const events = await eventsOf(caseNumber);
  expect(events[1]!.type).toBe('acceptance_source_unreadable_1');
  expect(events[1]!.data.error).toMatch(/^SourceMalformed: hukou\./);
  await sim.admin('DELETE', '/faults');
  await complete(taskId, { decision: 'refuse', reasons: ['户籍信息无法核验，本人未到窗口出示证件'] });
  const [row] = await eventually(
    () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
    (r) => r[0]?.status === 'refused',
    300,
  );
  expect(row!.status).toBe('refused');
  expect((await eventsOf(caseNumber)).map((e) => e.type)).not.toContain('claim_determined_1');
}, 180_000);
