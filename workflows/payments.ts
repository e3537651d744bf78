/**
 * The cities' payments through the disbursing bank (Art. 39, 62, 63).
 *
 *   paymentRun        one run of a city for a month: claims the city's pending payments of the month and earlier
 *                     (Art. 62: last month's unsuccessful ones, re-queued, go out with this month's), sends them to
 *                     the bank in signed batches, several at once, with a result per person (Art. 39 社银接口),
 *                     closes with the totals, and settles the benefit periods' months: a failure re-sent with the next
 *                     run, a second failure asked about (Art. 39, 62). Its workflow ID is the run's ID (chosen by the
 *                     caller); a crash anywhere resumes the same run, and nobody is paid twice (activities/payments.ts).
 *   monthlyCheck      a city's monthly comparison (Art. 42: 每月发放失业保险金前核对领金人员领取资格, 通过信息比对): every
 *                     benefit period the city checks, one activity per 200 beneficiaries against the employment
 *                     service, the pension agency and civil affairs; stops signalled to the periods, the other months'
 *                     benefits and premiums into the ledger (activities/monthly-check.ts). Answers that could not be
 *                     read are tried again the next day at 09:00 until the pay day.
 *   cityPaymentCycle  a city's loop: the monthly comparison on the 1st at 09:00 (Art. 42, 62: 每月月初), then sleeps
 *                     until the pay day (the 10th at 09:00 Asia/Shanghai, Art. 63: funds reach
 *                     the city by the 10th, everything is paid by the 15th), runs that month's paymentRun as a child,
 *                     and continues as new, so its history stays bounded. One per city agency (Art. 39: 由市级失业保险
 *                     经办机构统一发放), started by the start command with the ID `payment-cycle-<code>`.
 *
 * Inputs carry only agency codes and months: payees are read by the activities (Art. 30).
 */
import {
  ApplicationFailure,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { RETRY } from './activity-options';
import type { PaymentRunTotals } from '../activities/payments';
import type { MonthlyCheckBatchOutcome, MonthlyCheckFinding } from '../activities/monthly-check';
import { stopFound } from '../contracts/benefit-period';
import { mapLimited } from '../domain/concurrency';
import { RUN_ID_PATTERN, isMonth, monthlyCheckId, monthlyRunId, nextPayDay } from '../contracts/pay-day';
import type { CityPaymentCycleInput } from '../contracts/pay-day';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
import { shanghaiDate, shanghaiInstant } from '../domain/business-time';

/** Claiming and closing: quick database work, retried until PostgreSQL answers. */
const ledger = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

/**
 * A batch: the bank call and the premiums. The activity heartbeats every second, so a batch whose worker died is
 * retried after 10 seconds, not after the whole start-to-close timeout. Retried without limit: a batch is never
 * given up half-known (the bank is idempotent by payment ID, so re-sending is always safe).
 */
const sender = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: RETRY,
});

/**
 * A range of the monthly comparison: 200 people's three answers each. Retried without limit like a batch; an outage of
 * a source is retried, an answer that cannot be read is recorded for its person and does not fail the range.
 */
const checker = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: RETRY,
});

/** Batches of a run at the bank at once (a worker's capacity, not policy: the bank takes any number). */
export const BATCHES_IN_FLIGHT = 4;

export interface PaymentRunInput {
  /** The paying city agency (Art. 39). */
  agencyCode: string;
  /** 'YYYY-MM': pays pending attempts of this month and earlier. */
  month: string;
}

export async function paymentRun(input: PaymentRunInput): Promise<PaymentRunTotals> {
  const runId = workflowInfo().workflowId;
  if (!/^\d{6}$/.test(input.agencyCode) || !isMonth(input.month)) {
    throw ApplicationFailure.nonRetryable(
      'paymentRun needs { agencyCode: 6 digits, month: YYYY-MM }',
      'InvalidPaymentRun',
    );
  }
  if (!RUN_ID_PATTERN.test(runId)) {
    throw ApplicationFailure.nonRetryable('a payment run ID is 1-64 of [A-Za-z0-9_.:-]', 'InvalidPaymentRun');
  }
  const at = () => new Date().toISOString();
  // Art. 62, 63: this month's payments and the re-queued failures of earlier months.
  const claim = await ledger.claimPaymentRun({ runId, agencyCode: input.agencyCode, month: input.month, at: at() });
  // Art. 39: in batches through the bank interface, a result per person, recorded as each batch comes back.
  // Several batches at the bank at once: each is its own rows, its own batch ID and payment IDs (the bank is idempotent
  // by both), so their order does not matter.
  const batches = Array.from({ length: claim.batches }, (_, i) => i + 1);
  await mapLimited(batches, BATCHES_IN_FLIGHT, (batch) => sender.sendPaymentBatch({ runId, batch, at: at() }));
  const totals = await ledger.completePaymentRun({ runId, at: at() });
  // Art. 39, 62: the failures of the benefit periods, re-sent with the next run or asked about, in bulk.
  await ledger.settleCityRun({ runId, at: at() });
  return totals;
}

/** Ranges of a city's periods checked at once (a worker's capacity, not policy). */
export const CHECK_BATCHES_IN_FLIGHT = 4;

export interface MonthlyCheckInput {
  agencyCode: string;
  /** 'YYYY-MM': the month checked (and the months before it not yet queued). */
  month: string;
  /** Epoch ms: answers that could not be read are tried again each day at 09:00 before this instant (the pay day). */
  retryUntil?: number;
}

export interface MonthlyCheckTotals extends MonthlyCheckBatchOutcome {
  periods: number;
  passes: number;
}

/** A stop found by the comparison, signalled to its period; false when the period is running, true when it is not. */
async function tellPeriod(agencyCode: string, f: MonthlyCheckFinding): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(f.periodId).signal(stopFound, {
      month: f.month,
      found: f.found,
      foundBy: { kind: 'monthly_check' },
    });
    return false;
  } catch (err) {
    if (isCancellation(err)) throw err; // otherwise the period is not running (ended, or never started)
    await ledger.recordMonthlyCheckStopUnhandled({ ...f, agencyCode, at: new Date().toISOString() });
    return true;
  }
}

export async function monthlyCheck(input: MonthlyCheckInput): Promise<MonthlyCheckTotals> {
  if (!/^\d{6}$/.test(input.agencyCode) || !isMonth(input.month)) {
    throw ApplicationFailure.nonRetryable(
      'monthlyCheck needs { agencyCode: 6 digits, month: YYYY-MM }',
      'InvalidMonthlyCheck',
    );
  }
  const totals: MonthlyCheckTotals = {
    periods: 0,
    passes: 0,
    checked: 0,
    queued: 0,
    stops: 0,
    unreadable: 0,
    unhandled: 0,
  };
  for (;;) {
    const plan = await ledger.planMonthlyCheck({ agencyCode: input.agencyCode, month: input.month });
    const outcomes = await mapLimited(plan.ranges, CHECK_BATCHES_IN_FLIGHT, (r) =>
      checker.checkMonthBatch({ ...r, agencyCode: input.agencyCode, month: input.month, at: new Date().toISOString() }),
    );
    // Art. 42, 43: each stop found goes to its period, which stops its benefit, tells the person and settles what was
    // paid; a period not running is told to the supervisors.
    const findings = outcomes.flatMap((o) => o.findings);
    const unhandled = await mapLimited(findings, CHECK_BATCHES_IN_FLIGHT, (f) => tellPeriod(input.agencyCode, f));
    totals.passes += 1;
    totals.periods = Math.max(totals.periods, plan.periods);
    const unreadable = outcomes.reduce((n, o) => n + o.unreadable, 0);
    for (const o of outcomes) {
      totals.checked += o.checked;
      totals.queued += o.queued;
      totals.stops += o.stops;
    }
    totals.unhandled += unhandled.filter(Boolean).length;
    totals.unreadable = unreadable; // those still waiting after the last pass
    const nextDay = shanghaiInstant(shanghaiDate(Date.now() + 86_400_000), 9); // Shanghai has no DST
    if (unreadable === 0 || input.retryUntil === undefined || nextDay >= input.retryUntil) return totals;
    await sleep(nextDay - Date.now());
  }
}

export async function cityPaymentCycle(input: CityPaymentCycleInput): Promise<never> {
  if (!/^\d{6}$/.test(input.agencyCode)) {
    throw ApplicationFailure.nonRetryable('cityPaymentCycle needs { agencyCode: 6 digits }', 'InvalidPaymentCycle');
  }
  // Art. 63: the 10th at 09:00 Shanghai; started after this month's, the next month's. Workflow time, replay-safe.
  const { month, at } = nextPayDay(Date.now());
  /**
   * The month's city work as a child: once per city and month (REJECT_DUPLICATE: a cycle restarted after it does not
   * do it again), finished even if the cycle is stopped or reset meanwhile (ABANDON: a run is never cut off
   * mid-batch). A child that failed or exists already is logged and the cycle goes on.
   */
  async function cityChild<W extends typeof monthlyCheck | typeof paymentRun>(
    workflow: W,
    workflowId: string,
    args: Parameters<W>,
    caseType: 'monthly_check' | 'payment_run',
  ): Promise<void> {
    try {
      await executeChild(workflow, {
        workflowId,
        args,
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: CASE_TYPE, value: caseType },
          { key: AGENCY_CODE, value: input.agencyCode },
        ],
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn(`${caseType} did not complete`, {
        agencyCode: input.agencyCode,
        month,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  // Art. 42, 62: the month's comparison on the 1st at 09:00 (at once when the cycle starts later in the month).
  // Months it could not queue are checked with the next month's.
  await sleep(Math.max(0, shanghaiInstant(`${month}-01`, 9) - Date.now()));
  await cityChild(
    monthlyCheck,
    monthlyCheckId(input.agencyCode, month),
    [{ agencyCode: input.agencyCode, month, retryUntil: at }],
    'monthly_check',
  );
  await sleep(Math.max(0, at - Date.now()));
  // What a run did not pay stays pending for the next run (month ≤ run month), or finance starts an ad-hoc run
  // (POST /finance/payment-runs).
  await cityChild(
    paymentRun,
    monthlyRunId(input.agencyCode, month),
    [{ agencyCode: input.agencyCode, month }],
    'payment_run',
  );
  return continueAsNew<typeof cityPaymentCycle>({ agencyCode: input.agencyCode });
}
