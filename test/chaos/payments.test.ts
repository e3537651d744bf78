/**
 * Faults, the long run (issue 12; Art. 39, 63): the worker process is killed with SIGKILL at 10 random points of a
 * 1,000-beneficiary payment run (test/support/payment-chaos.ts) and restarted each time: the run completes, the bank
 * paid every beneficiary exactly once, every ledger row is settled. CHAOS_SEED, CHAOS_KILLS and CHAOS_BENEFICIARIES
 * change the run; the short variant is test/integration/payments-chaos.test.ts.
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

it('pays each of 1,000 beneficiaries exactly once though the worker is killed 10 times (Art. 39, 63)', async () => {
  const result = await chaoticPaymentRun({
    env,
    tdb,
    sim,
    taskQueue: uniqueTaskQueue('payments-chaos-long'),
    agencyCode: '210300',
    month: '2026-12',
    beneficiaries: Number(process.env.CHAOS_BENEFICIARIES ?? 1_000),
    kills: Number(process.env.CHAOS_KILLS ?? 10),
    seed: Number(process.env.CHAOS_SEED ?? 20261127),
  });
  console.log(JSON.stringify({ paymentChaos: result }));
  expect(result.kills.length).toBeGreaterThanOrEqual(10);
  expect(result.totals).toMatchObject({
    status: 'completed',
    items: result.beneficiaries,
    paid: result.beneficiaries,
    failed: 0,
  });
  expect(result.doublePayments).toBe(0);
  expect(result.lostPayments).toBe(0);
  expect(result.unsettled).toBe(0);
}, 900_000);
