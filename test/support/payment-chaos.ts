/**
 * A payment run hit by faults again and again (issue 12): `beneficiaries` people's benefits are queued in one city, a
 * run starts, and at `kills` random points — a random time after each worker is ready, the bank answering each batch
 * slowly so the run spends time in every phase — a fault strikes: the worker process dies (SIGKILL) and a new one
 * starts, or the Temporal dev server (SQLite file) or PostgreSQL is stopped and started again while the worker keeps
 * running. Where each fault landed (payments at the bank, rows recorded) is reported.
 * The outcome is read from the simulated bank's ledger and the read model: who was paid, how often.
 */
import fc from 'fast-check';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Restartable } from '../../scripts/throwaway-servers';
import { paymentActivities, paymentIdFor } from '../../activities/payments';
import { paymentRun } from '../../workflows/payments';
import type { RunningSimulator } from '../sources/support';
import { BANK_KEY, BANK_KEY_ID } from '../sources/support';
import type { TestDatabase } from './db';
import { accountsWithOutcome, bankLedger, insertBeneficiaries, syntheticBeneficiaries } from './payments';

/** What strikes at a fault point: the worker process dies, or a server is stopped and started again. */
export type Fault = 'worker' | 'temporal' | 'postgres';

export interface KillPoint {
  fault: Fault;
  /** How long the worker (or, for a server, the run since the last fault) ran before the fault. */
  afterMs: number;
  /** For a server: how long it was down (stop, pause, start, until it answered). */
  downMs?: number;
  /** What had happened when the worker died. */
  atBank: number;
  recorded: number;
}

export interface ChaosResult {
  beneficiaries: number;
  kills: KillPoint[];
  totals: unknown;
  /** Payment IDs the bank paid more than once (a payment ID received twice but paid once is not one). */
  doublePayments: number;
  /** Payments the bank received more than once (re-sent after a kill) and paid once. */
  resentPaidOnce: number;
  /** Beneficiaries the bank never received. */
  lostPayments: number;
  /** Beneficiaries whose ledger row is not paid or failed at the end. */
  unsettled: number;
  seconds: number;
}

export async function chaoticPaymentRun(opts: {
  env: TestWorkflowEnvironment;
  tdb: TestDatabase;
  sim: RunningSimulator;
  taskQueue: string;
  agencyCode: string;
  month: string;
  beneficiaries: number;
  kills: number;
  seed: number;
  /** What strikes at each point, in turn (default: the worker, every time). */
  faults?: Fault[];
  /** The servers to restart, when `faults` names them; then the run uses this Temporal server, not the shared one. */
  servers?: { temporal?: { address: string } & Restartable; postgres?: Restartable };
  /** How long a server stays stopped before it is started again. */
  serverDownMs?: number;
  /**
   * Instead of random times: strike when the bank has paid at least this many (0: as soon as the run has claimed its
   * payments, before the first batch is back), one fault per entry — a fault then lands at a known phase of the run.
   */
  atBankCounts?: number[];
}): Promise<ChaosResult> {
  const { env, tdb, sim, taskQueue, agencyCode, month } = opts;
  const faults = opts.faults ?? ['worker'];
  const started = Date.now();
  const workers: ChildProcess[] = [];
  const people = syntheticBeneficiaries(agencyCode, accountsWithOutcome('paid', opts.beneficiaries), 'CH');
  await insertBeneficiaries(tdb, people);
  const acts = paymentActivities({ db: tdb.db, bank: sim.clients.bank, medical: sim.clients.medical });
  const period = (i: number) => `${people[i]!.caseNumber}.P1`;
  for (const [i, b] of people.entries()) {
    await acts.queuePayable({
      periodId: period(i),
      caseNumber: b.caseNumber,
      agencyCode,
      kind: 'unemployment_benefit',
      month,
      amountFen: 180_000 + i,
    });
  }
  // The bank answers slowly, so a worker can die while a batch is at the bank. A run's batches are at the bank at once
  // (up to BATCHES_IN_FLIGHT), so a run is about as long as one batch there: with kills at times after each worker is
  // ready (up to 6 s), a batch stays at the bank longer than that, or the first run ends before the first kill.
  await sim.admin('PUT', '/faults', { route: '/bank/batches', latencyMs: opts.atBankCounts ? 1_500 : 7_000 });

  const startWorker = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'payment-worker.ts')], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: opts.servers?.temporal?.address ?? inject('devServerAddress'),
        TASK_QUEUE: taskQueue,
        DATABASE_URL: tdb.url,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        SIMULATOR_URL: sim.url,
        BANK_SIGNING_KEY_ID: BANK_KEY_ID,
        BANK_SIGNING_KEY: BANK_KEY,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
  };
  const recorded = async () =>
    (
      await tdb.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM payable WHERE run_id = $1 AND status IN ('paid', 'failed')",
        [runId],
      )
    )[0]!.n;
  const atBank = async () => (await bankLedger(sim)).length;
  const claimed = async () =>
    (await tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM payable WHERE run_id = $1', [runId]))[0]!.n;
  /** Waits until the bank has paid `n` (0: the run has claimed its payments); answers how long that took. */
  const reached = async (n: number): Promise<number> => {
    const from = Date.now();
    while (!finished && !(n === 0 ? (await claimed()) > 0 : (await atBank()) >= n)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - from;
  };

  // How long each worker lives: long enough to get somewhere (a restarted batch waits for its heartbeat timeout).
  const plan =
    opts.atBankCounts ?? fc.sample(fc.integer({ min: 300, max: 6_000 }), { numRuns: opts.kills, seed: opts.seed });

  const runId = `payment-run-${agencyCode}-${month}-chaos`;
  let worker = await startWorker();
  const handle = await env.client.workflow.start(paymentRun, {
    taskQueue,
    workflowId: runId,
    args: [{ agencyCode, month }],
  });
  let finished = false;
  // The result is awaited through server restarts: a call cut by a stopped server is made again; a failed run is not.
  const awaitResult = async () => {
    for (;;) {
      try {
        return await handle.result();
      } catch (err) {
        if (err instanceof WorkflowFailedError) throw err;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };
  const result = awaitResult().finally(() => (finished = true));
  const kills: KillPoint[] = [];
  const server = (fault: Fault): Restartable => {
    const s = fault === 'temporal' ? opts.servers?.temporal : fault === 'postgres' ? opts.servers?.postgres : undefined;
    if (!s) throw new Error(`no ${fault} server to restart`);
    return s;
  };
  try {
    for (const [i, point] of plan.entries()) {
      let afterMs = point;
      if (opts.atBankCounts) afterMs = await reached(point);
      else await new Promise((r) => setTimeout(r, point));
      if (finished) break;
      const fault = faults[i % faults.length]!;
      if (fault === 'worker') {
        worker.kill('SIGKILL');
        await new Promise((r) => worker.once('exit', r));
        kills.push({ fault, afterMs, atBank: await atBank(), recorded: await recorded() });
        worker = await startWorker();
      } else {
        const down = Date.now();
        await server(fault).down();
        const bankAtStop = await atBank();
        await new Promise((r) => setTimeout(r, opts.serverDownMs ?? 3_000));
        await server(fault).up();
        kills.push({ fault, afterMs, downMs: Date.now() - down, atBank: bankAtStop, recorded: await recorded() });
      }
    }
    const totals = await result;
    const bank = await bankLedger(sim);
    const expected = new Set(people.map((_, i) => paymentIdFor(period(i), 'unemployment_benefit', month, 1)));
    const paidCount = new Map<string, number>();
    for (const row of bank) paidCount.set(row.paymentId, (paidCount.get(row.paymentId) ?? 0) + 1);
    const unsettled = (
      await tdb.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM payable WHERE agency_code = $1 AND month = $2 AND status NOT IN ('paid', 'failed')",
        [agencyCode, month],
      )
    )[0]!.n;
    return {
      beneficiaries: people.length,
      kills,
      totals,
      // The simulated bank keeps one ledger row per payment ID and counts receipts; a second row would be a second
      // payment, and so would a row the bank paid for an account twice.
      doublePayments:
        [...paidCount.values()].filter((n) => n > 1).length +
        (bank.length - new Set(bank.map((r) => r.payeeAccount)).size),
      resentPaidOnce: bank.filter((r) => r.timesReceived > 1).length,
      lostPayments: [...expected].filter((id) => !paidCount.has(id)).length,
      unsettled,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  }
}
