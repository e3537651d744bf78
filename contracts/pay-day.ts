/**
 * The cities' pay day and the names of payment runs: pure and deterministic, shared by the payment workflows, the
 * activities, the finance API and the start command. Asia/Shanghai is UTC+8 with no daylight saving.
 *
 * Art. 63: the province funds the cities' expenditure accounts by the 10th (the 12th over holidays) and every payment
 * of the month is made by the 15th. The city's monthly run goes to the disbursing bank on the 10th at 09:00, which
 * leaves the days to the 15th to check failed items and re-send them corrected (Art. 39).
 */

import { addToMonth, shanghaiDate, shanghaiInstant } from '../domain/business-time';
import { amountOfMonth, type AmountChange } from '../domain/period-amounts';

export const PAY_DAY = 10;
export const PAY_HOUR = 9;

/** After the city's run on the 10th (all paid by the 15th, Art. 63), the results are read on the 16th at 09:00. */
export const SETTLE_DAY = 16;

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Idempotency keys of the bank interface: 1-64 of [A-Za-z0-9_.:-] (integrations/schemas.ts). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

/** 'YYYY-MM' moved by `n` months. */
export const addMonths = addToMonth;

/** The month (Asia/Shanghai) of an instant. */
export function shanghaiMonth(ms: number): string {
  return shanghaiDate(ms).slice(0, 7);
}

/** The pay day of `month`: the 10th at 09:00 Asia/Shanghai, as epoch ms. */
export function payDayOf(month: string): number {
  return shanghaiInstant(`${month}-${String(PAY_DAY).padStart(2, '0')}`, PAY_HOUR);
}

/** The next pay day strictly after `nowMs`: this month's if it is still ahead, else next month's. */
export function nextPayDay(nowMs: number): { month: string; at: number } {
  let month = shanghaiMonth(nowMs);
  if (payDayOf(month) <= nowMs) month = addMonths(month, 1);
  return { month, at: payDayOf(month) };
}

/** Workflow ID of a city's monthly run on the pay day (one per city and month). */
export function monthlyRunId(agencyCode: string, month: string): string {
  return `payment-run-${agencyCode}-${month}`;
}

/** Workflow ID of a city's monthly comparison (Art. 42), one per city and month. */
export function monthlyCheckId(agencyCode: string, month: string): string {
  return `monthly-check-${agencyCode}-${month}`;
}

/** Workflow ID of the long-running pay-day loop of a city. */
export function paymentCycleId(agencyCode: string): string {
  return `payment-cycle-${agencyCode}`;
}

/** The city's pay-day loop (workflows/payments.ts) as clients start it by name (`cityPaymentCycle`). */
export interface CityPaymentCycleInput {
  agencyCode: string;
}
export type CityPaymentCycleWorkflow = (input: CityPaymentCycleInput) => Promise<never>;

/**
 * The month of the city's run that pays `month` (Art. 42, 63): its own run, or, when that pay day has passed, the next
 * run (a month queued late, or failed, goes out with it).
 */
export function payingRunMonth(month: string, nowMs: number): string {
  const next = nextPayDay(nowMs).month;
  return month > next ? month : next;
}

/** What the next pay day brings a benefit period (Art. 39, 63): its date, the months it pays and their amount. */
export interface NextPayment {
  /** The pay day (Asia/Shanghai date): the city's run that pays these months. */
  date: string;
  months: string[];
  amountFen: number;
}

/**
 * The next payment of an active benefit period as the ledger stands: the months of the period not yet paid whose
 * month has come by the next pay day (a month is checked on the 1st and paid on the 10th, Art. 42, 63; a month that
 * failed goes out again with the next run, Art. 39), at their amounts (Art. 38 para 2: corrected from a month on).
 * Null when every month is paid.
 */
export function nextPaymentOf(
  period: { startMonth: string; months: number; monthlyAmountFen: number; amountChanges: readonly AmountChange[] },
  paidMonths: ReadonlySet<string>,
  nowMs: number,
): NextPayment | null {
  const all = Array.from({ length: period.months }, (_, i) => addToMonth(period.startMonth, i));
  const unpaid = all.filter((m) => !paidMonths.has(m));
  if (unpaid.length === 0) return null;
  const run = payingRunMonth(unpaid[0]!, nowMs);
  const months = unpaid.filter((m) => m <= run);
  return {
    date: shanghaiDate(payDayOf(run)),
    months,
    amountFen: months.reduce((sum, m) => sum + amountOfMonth(period.amountChanges, period.monthlyAmountFen, m), 0),
  };
}
