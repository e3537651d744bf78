/**
 * Time-skipping test server: a claim waits for acceptance (Art. 37) however long it takes — nothing closes it by
 * itself — and what happens later is stamped with workflow time, the instant recorded in history.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { benefitClaim, claimStatus } from '../../workflows/benefit-claim';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { claimBody } from '../support/fixtures';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
const taskQueue = uniqueTaskQueue('timers');

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
});
afterAll(async () => {
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

it('keeps a claim open awaiting acceptance for 60 days, then records its cancellation at workflow time (Art. 37)', async () => {
  const caseNumber = 'SYJ-2026-210100-TS00000001';
  const receivedAt = new Date(await env.currentTimeMs()).toISOString();
  const handle = await env.client.workflow.start(benefitClaim, {
    workflowId: caseNumber,
    taskQueue,
    args: [{ caseNumber, receivedAt, application: claimBody(), submissionFingerprint: 'fp' }],
  });
  for (let i = 0; i < 100 && (await handle.query(claimStatus)) !== 'awaiting_acceptance'; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await handle.query(claimStatus)).toBe('awaiting_acceptance');

  const start = await env.currentTimeMs();
  await env.sleep('60 days');
  expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(start + 60 * 86_400_000);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(await tdb.sql('SELECT status FROM "case" WHERE case_number = $1', [caseNumber])).toEqual([
    { status: 'awaiting_acceptance' },
  ]);

  await handle.cancel();
  await expect(handle.result()).rejects.toThrow();
  const events = await tdb.sql<{ type: string; at: Date }>(
    'SELECT type, at FROM case_event WHERE case_number = $1 ORDER BY at',
    [caseNumber],
  );
  expect(events.map((e) => e.type)).toEqual(['claim_received', 'case_cancelled']);
  expect(events[0]!.at.toISOString()).toBe(receivedAt);
  expect(events[1]!.at.getTime()).toBeGreaterThanOrEqual(start + 60 * 86_400_000);
});
