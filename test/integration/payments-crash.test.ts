/**
 * Crash safety of the payment run (issue 6; Art. 39, 63): the worker runs as its own process and is killed with
 * SIGKILL in the worst moment — the bank has paid the second batch, the ledger does not know yet. A new worker
 * process finishes the run: the batch goes to the bank again under the same payment IDs, the bank answers with its
 * first results, and nobody is paid twice; the ledger ends consistent.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { paymentActivities, paymentIdFor } from '../../activities/payments';
import { accountOutcome } from '../../simulators/simulator';
import { paymentRun } from '../../workflows/payments';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  accountsWithOutcome,
  bankLedger,
  insertBeneficiaries,
  premiumLedger,
  syntheticBeneficiaries,
} from '../support/payments';
import { devServerEnv, uniqueTaskQueue } from '../support/temporal';
import { BANK_KEY, BANK_KEY_ID, startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
const workers: ChildProcess[] = [];
const taskQueue = uniqueTaskQueue('payments-crash');
const FUSHUN = '210400';
const MONTH = '2026-12';
const RUN_ID = `payment-run-${FUSHUN}-${MONTH}-crash`;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

/** A worker process on this test's queue; resolves once it polls. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'payment-worker.ts')],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('devServerAddress'),
        TASK_QUEUE: taskQueue,
        DATABASE_URL: tdb.url,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        SIMULATOR_URL: sim.url,
        BANK_SIGNING_KEY_ID: BANK_KEY_ID,
        BANK_SIGNING_KEY: BANK_KEY,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  workers.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal})`)));
  });
  return child;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('killing the worker in the middle of a payment run pays nobody twice (Art. 39, 63)', async () => {
  // 290 beneficiaries' December benefits (5 accounts the bank refuses) and 10 medical premiums (Art. 44): 2 batches.
  const failing = accountsWithOutcome('frozen_card', 3).concat(accountsWithOutcome('account_closed', 2));
  const people = syntheticBeneficiaries(FUSHUN, [...accountsWithOutcome('paid', 285), ...failing], 'CRASH');
  await insertBeneficiaries(tdb, people);
  const acts = paymentActivities({ db: tdb.db, bank: sim.clients.bank, medical: sim.clients.medical });
  const period = (i: number) => `${people[i]!.caseNumber}.P1`;
  for (const [i, b] of people.entries()) {
    await acts.queuePayable({
      periodId: period(i),
      caseNumber: b.caseNumber,
      agencyCode: FUSHUN,
      kind: 'unemployment_benefit',
      month: MONTH,
      amountFen: 180_000 + i,
    });
  }
  for (let i = 0; i < 10; i++) {
    await sim.clients.medical.enrol({
      idNumber: people[i]!.idNumber,
      name: people[i]!.name,
      agencyDivisionCode: FUSHUN,
      startDate: '2026-12-01',
    });
    await acts.queuePayable({
      periodId: period(i),
      caseNumber: people[i]!.caseNumber,
      agencyCode: FUSHUN,
      kind: 'medical_premium',
      month: MONTH,
      amountFen: 40_000,
    });
  }
  // A batch's premium list goes with its bank call: slowed down, it holds the worker right after the bank has paid.
  await sim.admin('PUT', '/faults', { route: '/medical/premium-payments/batch', latencyMs: 2_000 });

  const first = await startWorkerProcess();
  const handle = await env.client.workflow.start(paymentRun, {
    taskQueue,
    workflowId: RUN_ID,
    args: [{ agencyCode: FUSHUN, month: MONTH }],
  });
  const recorded = async () =>
    (
      await tdb.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM payable WHERE run_id = $1 AND status IN ('paid', 'failed')",
        [RUN_ID],
      )
    )[0]!.n;
  // The first batch recorded, and the bank has paid the second one's 90 benefits too: now the machine dies.
  await until('the first batch recorded and the second paid by the bank', async () => {
    return (await recorded()) >= 200 && (await bankLedger(sim)).length === 290;
  });
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));

  // At that moment: batch 2 is `sent` in the ledger without results, though the bank paid its benefits.
  expect(await recorded()).toBe(200);
  expect(
    await tdb.sql(
      'SELECT batch_no, status, count(*)::int AS n FROM payable WHERE run_id = $1 GROUP BY 1, 2 ORDER BY 1, 2',
      [RUN_ID],
    ),
  ).toEqual([
    { batch_no: 1, status: 'paid', n: 200 },
    { batch_no: 2, status: 'sent', n: 100 },
  ]);

  await startWorkerProcess();
  const totals = await handle.result();
  expect(totals).toMatchObject({ status: 'completed', batches: 2, items: 300, paid: 295, failed: 5 });

  // The bank: one entry per benefit payment ID, each beneficiary paid once; batch 2 was received twice and paid once.
  const bank = await bankLedger(sim);
  const expectedIds = people.map((_, i) => paymentIdFor(period(i), 'unemployment_benefit', MONTH, 1));
  expect(bank.map((r) => r.paymentId).sort()).toEqual([...expectedIds].sort());
  expect(new Set(bank.map((r) => r.payeeAccount)).size).toBe(290);
  for (const r of bank) expect(r.result).toBe(accountOutcome(r.payeeAccount));
  expect(bank.filter((r) => r.result === 'paid').length).toBe(285);
  const resent = bank.filter((r) => r.timesReceived === 2);
  expect(resent.length).toBe(90);
  expect(new Set(resent.map((r) => r.firstBatchId))).toEqual(new Set([`${RUN_ID}.b2`]));
  expect(bank.filter((r) => r.timesReceived === 1).every((r) => r.firstBatchId === `${RUN_ID}.b1`)).toBe(true);
  // The medical insurance agency: each premium recorded once, whatever was received twice.
  const premiums = await premiumLedger(sim);
  expect(premiums.map((p) => p.idNumber).sort()).toEqual(
    people
      .slice(0, 10)
      .map((p) => p.idNumber)
      .sort(),
  );

  // The ledger agrees: paid for every good account, the bank's code for the others; one attempt each.
  const rows = await tdb.sql<{ kind: string; status: string; result_code: string | null; n: number }>(
    `SELECT kind, status, result_code, count(*)::int AS n FROM payable GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  expect(rows).toEqual([
    { kind: 'medical_premium', status: 'paid', result_code: null, n: 10 },
    { kind: 'unemployment_benefit', status: 'failed', result_code: 'account_closed', n: 2 },
    { kind: 'unemployment_benefit', status: 'failed', result_code: 'frozen_card', n: 3 },
    { kind: 'unemployment_benefit', status: 'paid', result_code: null, n: 285 },
  ]);
  expect(await tdb.sql('SELECT status, item_count, paid_count, failed_count FROM payment_run')).toEqual([
    { status: 'completed', item_count: 300, paid_count: 295, failed_count: 5 },
  ]);
  // Two worker starts, a kill and 300 payments: minutes on a loaded 2-core machine (it timed out at 90 s in CI).
}, 240_000);
