/**
 * Faults (issue 12; Art. 39, 63): the Temporal dev server, and separately PostgreSQL, are stopped and started again
 * in the middle of a payment run while the worker keeps running (test/support/payment-chaos.ts). The run resumes and
 * completes; the bank paid every beneficiary exactly once; every ledger row is settled.
 * These servers are the file's own (a dev server in a SQLite file, an embedded PostgreSQL), started on a fixed port
 * and data so they come back as they were; the run's shared servers are not touched. The long variant is
 * test/chaos/restarts.test.ts (`npm run test:chaos`).
 */
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startThrowawayPostgres, startThrowawayTemporal } from '../../scripts/throwaway-servers';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { chaoticPaymentRun } from '../support/payment-chaos';
import { uniqueTaskQueue } from '../support/temporal';
import { startSimulator, type RunningSimulator } from '../sources/support';

let temporal: Awaited<ReturnType<typeof startThrowawayTemporal>>;
let postgres: Awaited<ReturnType<typeof startThrowawayPostgres>>;
let env: TestWorkflowEnvironment;
let tdb: TestDatabase;

beforeAll(async () => {
  [temporal, postgres] = await Promise.all([
    startThrowawayTemporal('ui-restarts', { persistent: true }),
    startThrowawayPostgres('ui-restarts'),
  ]);
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: temporal.address, namespace: 'default' });
  tdb = await createTestDatabase({ adminUrl: postgres.adminUrl });
}, 240_000);
afterAll(async () => {
  await tdb?.drop().catch(() => undefined);
  await env?.teardown();
  await temporal?.stop();
  await postgres?.stop();
});

const BENEFICIARIES = 300; // two batches of the bank (200 and 100)

it.each([
  ['temporal', '210300', '2026-11'],
  ['postgres', '210200', '2026-11'],
] as const)(
  'a payment run resumes after the %s server is restarted twice in its middle; each beneficiary paid once (Art. 63)',
  async (fault, agencyCode, month) => {
    // A bank of its own per run: the ledger then holds this run's payments only.
    const sim: RunningSimulator = await startSimulator();
    onTestFinished(() => sim.close());
    const result = await chaoticPaymentRun({
      env,
      tdb,
      sim,
      taskQueue: uniqueTaskQueue(`restart-${fault}`),
      agencyCode,
      month,
      beneficiaries: BENEFICIARIES,
      kills: 2,
      seed: 0,
      // Once while the first batch is on its way to the bank, once when it is paid and the second is being prepared.
      atBankCounts: [0, 200],
      faults: [fault],
      servers: { temporal, postgres },
      serverDownMs: 1_000,
    });
    console.log(JSON.stringify({ restarts: fault, ...result }));
    expect(result.kills.map((k) => k.fault)).toEqual([fault, fault]);
    expect(result.totals).toMatchObject({ status: 'completed', items: BENEFICIARIES, paid: BENEFICIARIES, failed: 0 });
    expect(result.doublePayments).toBe(0);
    expect(result.lostPayments).toBe(0);
    expect(result.unsettled).toBe(0);
    const run = await tdb.sql<{ status: string }>(
      'SELECT status FROM payment_run WHERE agency_code = $1 AND month = $2',
      [agencyCode, month],
    );
    expect(run).toEqual([{ status: 'completed' }]);
  },
  600_000,
);
