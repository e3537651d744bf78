/**
 * The city's pay day on the time-skipping test server with real PostgreSQL and the simulated bank (issue 6; Art. 39,
 * 63): the cycle sleeps until the 10th at 09:00 Asia/Shanghai, runs the month's payments, and does it again the next
 * month (after continuing as new).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { paymentActivities } from '../../activities/payments';
import { cityPaymentCycle } from '../../workflows/payments';
import { addMonths, monthlyRunId, nextPayDay, payDayOf } from '../../contracts/pay-day';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/wait';
import { accountsWithOutcome, bankLedger, insertBeneficiaries, syntheticBeneficiaries } from '../support/payments';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
const taskQueue = uniqueTaskQueue('pay-day');
const HULUDAO = '211400';

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources: sim.clients });
});
afterAll(async () => {
  // Leave nothing waiting on the shared time-skipping server (see test/timers/benefit-period.test.ts).
  await env?.client.workflow
    .getHandle(`payment-cycle-${HULUDAO}-test`)
    .terminate('test file done')
    .catch(() => undefined);
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

const completedRun = (month: string) =>
  eventually(
    () =>
      tdb.sql<{ id: string; started_at: Date; completed_at: Date | null; paid_count: number; status: string }>(
        'SELECT id, started_at, completed_at, paid_count, status FROM payment_run WHERE agency_code = $1 AND month = $2',
        [HULUDAO, month],
      ),
    (rows) => rows[0]?.status === 'completed',
  );

it('pays the city on the 10th at 09:00 Shanghai, two months in a row (Art. 39, 63)', async () => {
  const people = syntheticBeneficiaries(HULUDAO, accountsWithOutcome('paid', 2), 'CYCLE');
  await insertBeneficiaries(tdb, people);
  const acts = paymentActivities({ db: tdb.db, bank: sim.clients.bank, medical: sim.clients.medical });
  const queue = (month: string) =>
    Promise.all(
      people.map((b) =>
        acts.queuePayable({
          periodId: `${b.caseNumber}.P1`,
          caseNumber: b.caseNumber,
          agencyCode: HULUDAO,
          kind: 'unemployment_benefit',
          month,
          amountFen: 190_000,
        }),
      ),
    );

  const first = nextPayDay(await env.currentTimeMs());
  const second = { month: addMonths(first.month, 1), at: payDayOf(addMonths(first.month, 1)) };
  // The 10th at 09:00 in Shanghai is 01:00 UTC.
  expect(new Date(first.at).toISOString()).toBe(`${first.month}-10T01:00:00.000Z`);
  await queue(first.month);

  const handle = await env.client.workflow.start(cityPaymentCycle, {
    taskQueue,
    workflowId: `payment-cycle-${HULUDAO}-test`,
    args: [{ agencyCode: HULUDAO }],
  });

  // A minute before the pay day: nothing has run.
  await env.sleep(first.at - 60_000 - (await env.currentTimeMs()));
  expect(await tdb.sql('SELECT id FROM payment_run')).toEqual([]);

  // The pay day: the month's run, its start the server's time at the run (the pay day, to the second), pays both.
  await env.sleep(120_000);
  const [run1] = await completedRun(first.month);
  expect(run1).toMatchObject({ id: monthlyRunId(HULUDAO, first.month), paid_count: 2, status: 'completed' });
  const child1 = await env.client.workflow.getHandle(run1!.id).describe();
  expect(run1!.started_at.getTime() - first.at).toBeGreaterThanOrEqual(0);
  expect(run1!.started_at.getTime() - first.at).toBeLessThan(5_000);
  expect(run1!.started_at.getTime() - child1.startTime.getTime()).toBeGreaterThanOrEqual(0);
  expect(run1!.started_at.getTime() - child1.startTime.getTime()).toBeLessThan(1_000);

  // The next month: queued after the first run, paid on the next 10th at 09:00 by the cycle continued as new.
  await queue(second.month);
  await env.sleep(second.at - 60_000 - (await env.currentTimeMs()));
  expect(await tdb.sql('SELECT month FROM payment_run ORDER BY month')).toEqual([{ month: first.month }]);
  await env.sleep(120_000);
  const [run2] = await completedRun(second.month);
  expect(run2).toMatchObject({ id: monthlyRunId(HULUDAO, second.month), paid_count: 2, status: 'completed' });
  const child2 = await env.client.workflow.getHandle(run2!.id).describe();
  expect(run2!.started_at.getTime() - second.at).toBeGreaterThanOrEqual(0);
  expect(run2!.started_at.getTime() - second.at).toBeLessThan(5_000);
  expect(run2!.started_at.getTime() - child2.startTime.getTime()).toBeGreaterThanOrEqual(0);
  expect(run2!.started_at.getTime() - child2.startTime.getTime()).toBeLessThan(1_000);

  // Each month's payment once per person at the bank; the cycle sleeps on towards the month after.
  const bank = await bankLedger(sim);
  expect(bank.map((r) => [r.payeeAccount, r.timesReceived, r.result]).sort()).toEqual(
    people
      .flatMap((p) => [
        [p.accountNumber, 1, 'paid'],
        [p.accountNumber, 1, 'paid'],
      ])
      .sort(),
  );
  const cycle = await handle.describe();
  expect(cycle.status.name).toBe('RUNNING');
  expect(cycle.runId).not.toBe(handle.firstExecutionRunId);
  await handle.terminate('test done');
});
