/**
 * Faults (issue 12; Art. 39, 63): the worker process is killed with SIGKILL at 3 random points of a 300-beneficiary
 * payment run (test/support/payment-chaos.ts) and restarted each time: the run completes, the bank paid every
 * beneficiary exactly once, every ledger row is settled. The long run (1,000 beneficiaries, 10 kills) is
 * test/chaos/payments.test.ts (`npm run test:chaos`); CHAOS_SEED changes the kill points.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { chaoticPaymentRun } from '../support/payment-chaos';
import { devServerEnv, uniqueTaskQueue } from '../support/temporal';
import { startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
});
afterAll(async () => {
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

it('pays each of 300 beneficiaries exactly once though the worker is killed 3 times (Art. 39, 63)', async () => {
  const result = await chaoticPaymentRun({
    env,
    tdb,
    sim,
    taskQueue: uniqueTaskQueue('payments-chaos'),
    agencyCode: '210300',
    month: '2026-12',
    beneficiaries: 300,
    kills: 3,
    seed: Number(process.env.CHAOS_SEED ?? 12),
  });
  console.log(JSON.stringify(result));
  expect(result.kills.length).toBe(3);
  expect(result.totals).toMatchObject({ status: 'completed', items: 300, paid: 300, failed: 0 });
  expect(result.doublePayments).toBe(0);
  expect(result.lostPayments).toBe(0);
  expect(result.unsettled).toBe(0);
}, 900_000);
