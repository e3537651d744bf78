/**
 * Activities against the simulators over real HTTP, run by a real worker on the Temporal dev server: a source outage
 * is retried until it succeeds, a refusal or a malformed answer fails at once with an error naming the source and
 * the field, a source that never answers times out and is retried (Art. 7, 35, 37; issue 4).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { writeClaimReceived } from '../../lib/claim-received';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { claimBody } from '../support/fixtures';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { BANK_KEY, BANK_KEY_ID, startSimulator, type PersonSummary, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let person: PersonSummary;
const caseNumber = 'SYJ-2026-210100-SRC0000001';
const taskQueue = uniqueTaskQueue('sources');

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = createSourceClients(
    parseSourceConfig({
      SIMULATOR_URL: sim.url,
      SOURCE_TIMEOUT_MS: '700',
      BANK_SIGNING_KEY_ID: BANK_KEY_ID,
      BANK_SIGNING_KEY: BANK_KEY,
    }),
  );
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources });
  [person] = (await sim.admin<{ items: PersonSummary[] }>('GET', '/persons?limit=1&filter=eligible')).items as [
    PersonSummary,
  ];
  const claim = claimBody();
  await writeClaimReceived(tdb.db, {
    caseNumber,
    receivedAt: new Date().toISOString(),
    status: 'awaiting_acceptance',
    application: { ...claim, applicant: { ...claim.applicant, idNumber: person.idNumber, name: person.name } },
    submissionFingerprint: 'test',
  });
});
afterAll(async () => {
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});
beforeEach(async () => {
  await sim.admin('DELETE', '/faults');
});

const run = (workflow: 'identityProbe' | 'contributionsProbe') =>
  env.client.workflow.execute(workflow, { taskQueue, workflowId: `${workflow}-${Date.now()}`, args: [{ caseNumber }] });

async function failureOf(workflow: 'identityProbe' | 'contributionsProbe'): Promise<ApplicationFailure> {
  const err = await run(workflow).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activity = (err as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  expect((activity as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
  return (activity as ActivityFailure).cause as ApplicationFailure;
}

const faultHits = async () =>
  (await sim.admin<{ faults: { hits: number }[] }>('GET', '/faults')).faults.reduce((n, f) => n + f.hits, 0);

describe('source activities on a real worker (issue 4)', () => {
  it('checks the applicant against household registration without the ID number entering history (Art. 35, 37)', async () => {
    const handle = await env.client.workflow.start('identityProbe', {
      taskQueue,
      workflowId: `identity-${Date.now()}`,
      args: [{ caseNumber }],
    });
    expect(await handle.result()).toEqual({ result: 'match', hukouDivisionCode: person.hukouDivisionCode });
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain(person.idNumber);
  });

  it('retries a source outage (503) until it answers, then succeeds', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/tax', status: 503, count: 2 });
    const handle = await env.client.workflow.start('contributionsProbe', {
      taskQueue,
      workflowId: `outage-${Date.now()}`,
      args: [{ caseNumber }],
    });
    const result = (await handle.result()) as { records: { month: string }[] };
    expect(result.records.length).toBeGreaterThanOrEqual(12);
    // The attempt that succeeded was the third: two 503s were retried by Temporal.
    const started = (await handle.fetchHistory()).events!.find((e) => e.activityTaskStartedEventAttributes);
    expect(started!.activityTaskStartedEventAttributes!.attempt).toBe(3);
    expect((await sim.admin<{ faults: unknown[] }>('GET', '/faults')).faults).toEqual([]);
  });

  it('fails at once, without retrying, when the source refuses the request (4xx)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/hukou', status: 400 });
    const failure = await failureOf('identityProbe');
    expect(failure.type).toBe('SourceRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(await faultHits()).toBe(1);
  });

  it('refuses a malformed answer with an error naming the source and the field, without retrying', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/tax', malformed: 'shape', field: 'records' });
    const failure = await failureOf('contributionsProbe');
    expect(failure.type).toBe('SourceMalformed');
    expect(failure.message).toContain('tax.getPersonContributions');
    expect(failure.message).toContain('records');
    expect(await faultHits()).toBe(1);
    expect(failure.message).not.toContain(person.idNumber);
  });

  it('times out a source that does not answer, and retries', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/hukou', timeout: true, count: 1 });
    const started = Date.now();
    expect(await run('identityProbe')).toMatchObject({ result: 'match' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});
