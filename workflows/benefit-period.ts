/**
 * 失业保险金领取期: one workflow per beneficiary and spell, started by its claim when the claim is approved (Art. 38),
 * or again by an objection that lifts its stop (Art. 42 para 2, input `resume`). Its steps are the paragraphs of the
 * articles it carries out:
 *
 *   Art. 44 para 2  opened: in the read model and in medical insurance from its first day, no waiting time
 *                   (`openPeriod`)
 *   Art. 42 para 1  each month checked against the shared data (new employment, pension, death) before it is paid:
 *                   the months due when the period begins by the period itself (`checkOwnMonth`), every later one by
 *                   the city's monthly comparison (workflows/payments.ts `monthlyCheck`), which puts the month's
 *                   benefit and premium in the ledger for the city's run (Art. 39, 62, 63) and signals a stop it finds
 *                   (`stopFound`); a stop condition stops payment at once, and the person is told by SMS
 *                   (`stopPayment`)
 *   Art. 42 para 2  a stop an objection found wrong does not stop the period again (`dismissedStop`)
 *   Art. 42 para 3  a stop the person reports (Update `reportStop`), taken like one found
 *   Art. 43 para 1  what was paid for the months after a stop is recovered: one recovery per stop, asked of the claim
 *                   (workflows/recovery-request.ts)
 *   Art. 44 para 3  medical insurance as long as the benefit: it ends with the stop or the last month (`closePeriod`)
 *   Art. 38         the expiry SMS one calendar month before the period ends, at 09:00 (`remindExpiry`); a corrected
 *                   determination (Art. 38 para 2, through an objection, Art. 13) changes the months, end date and
 *                   amount not yet queued (`applyEntitlement`, `changeMonthlyAmount`)
 *   Art. 39         a corrected account: the months that failed are queued again and paid once (`correctBankAccount`)
 *
 * The city's settlement after each run (the 10th; all paid by the 15th, Art. 63) re-sends failures and asks for a
 * corrected account (activities/monthly-check.ts); the period closes once every month is settled (checked from the
 * 16th at 09:00). A month that pays as it should costs the period nothing. History stays bounded: continue-as-new when
 * suggested. Workflow code (deterministic).
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  allHandlersFinished,
  workflowInfo,
} from '@temporalio/workflow';
import { correctBankAccount } from '../contracts/case';
import { validateAccountCorrection } from './kernel/case';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { STOP_REASON_LABELS } from '../domain/messages';
import { amountOfMonth } from '../domain/period-amounts';
import { ownRecoveriesSettled, requestRecovery } from './recovery-request';
import type { StopFoundBy } from '../contracts/recovery';
import { unreadableSource } from './source-failure';
import { CASE_STATUS } from '../contracts/search-attributes';
import { addCalendarMonths, addToMonth, monthOfDate, shanghaiDate, shanghaiInstant } from '../domain/business-time';
import { SETTLE_DAY } from '../contracts/pay-day';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

import {
  changeEntitlement,
  changeMonthlyAmount,
  periodState,
  reportStop,
  revokePeriod,
  stopFound,
  type BenefitPeriodInput,
  type EntitlementChange,
  type PeriodState,
  type PeriodStatus,
  type StopFinding,
} from '../contracts/benefit-period';

/** The contract this workflow answers (see the module it comes from). */
export * from '../contracts/benefit-period';

/** Art. 39: a corrected account (every case type's, contracts/case.ts); its checks are the kernel's. */
export { correctBankAccount } from '../contracts/case';

const CHECK_HOUR = 9;

/** A stop to take: reported by the person (Art. 42 para 3) or a revocation (Art. 42, 43). */
type Reported = { date: string; reason: string; foundBy?: StopFoundBy; by?: string };

/** A running period: its input, its state, and what its handlers received and the loop has not taken yet. */
interface Period {
  input: BenefitPeriodInput;
  state: PeriodState;
  reported: Reported | null;
  /** Set once a stop is fully recorded (ledger, SMS, medical, read model), for the reportStop Update to answer. */
  stopRecorded: boolean;
  corrected: boolean;
  /** Stop conditions the city's comparison or another case found (signal stopFound), in the order they came. */
  findings: StopFinding[];
  entitlementChanges: EntitlementChange[];
  /** Set once every month is settled. */
  closed: boolean;
}

const iso = () => new Date(Date.now()).toISOString();
const monthAt = (p: Period, i: number) => addToMonth(monthOfDate(p.input.startDate), i);
/** The months and end date the period pays: the determination's, or as corrected on objection (Art. 13, 38). */
const ent = (p: Period) =>
  p.state.entitlement ?? {
    version: p.input.determinationVersion ?? 0,
    months: p.input.months,
    endDate: p.input.endDate,
  };
/** The amount of a month: the latest correction in force from it, else the determination's. */
const amountFor = (p: Period, month: string) => amountOfMonth(p.state.amounts ?? [], p.input.monthlyAmountFen, month);
const status = (p: Period): PeriodStatus => (p.state.stopped ? 'stopped' : p.closed ? 'completed' : 'active');
/** Art. 42 para 2: a finding an objection dismissed (same reason, condition begun the same day). */
const dismissedStop = (p: Period, f: { reason: string; began: string }) =>
  (p.state.dismissedStops ?? []).some((d) => d.reason === f.reason && d.began === f.began);
/** 09:00 Shanghai on a day (`YYYY-MM-DD`). */
const at9 = (day: string) => shanghaiInstant(day, CHECK_HOUR);

/** A new period's state, a resumed one's (Art. 13, 42 para 2), or the one carried across continue-as-new. */
function initialState(input: BenefitPeriodInput): PeriodState {
  if (input.state) return input.state;
  const fresh: PeriodState = { opened: false, nextIndex: 0, expirySent: false, stopped: null };
  if (!input.resume) return fresh;
  const first = monthOfDate(input.startDate);
  const nextIndex = Array.from({ length: input.months }, (_, i) => addToMonth(first, i)).indexOf(
    input.resume.fromMonth,
  );
  // Enrolled in medical insurance again (the period's row is kept); the expiry SMS is sent once per message ID.
  return { ...fresh, nextIndex: Math.max(0, nextIndex), dismissedStops: [input.resume.lifted] };
}

export async function benefitPeriod(input: BenefitPeriodInput): Promise<PeriodStatus> {
  const p: Period = {
    input,
    state: initialState(input),
    reported: null,
    stopRecorded: false,
    corrected: false,
    findings: [],
    entitlementChanges: [],
    closed: false,
  };
  registerHandlers(p);
  if (!p.state.opened) await openPeriod(p);
  await payMonths(p);
  // Updates still answering (a stop report, an account correction) finish before the workflow does.
  await condition(allHandlersFinished);
  return status(p);
}

/** Art. 44 para 2: opened, and in medical insurance from the first day of the period, no waiting time. */
async function openPeriod(p: Period): Promise<void> {
  const { input } = p;
  await acts.beginBenefitPeriod({
    periodId: input.periodId,
    caseNumber: input.caseNumber,
    agencyCode: input.agencyCode,
    startDate: input.startDate,
    endDate: input.endDate,
    months: input.months,
    monthlyAmountFen: input.monthlyAmountFen,
    ...(input.determinationVersion === undefined ? {} : { determinationVersion: input.determinationVersion }),
    at: iso(),
    monthlyCheck: 'city',
  });
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'in_payment' }]);
  p.state.opened = true;
}

/**
 * The period's life after it opened (Art. 42, 39, 62): it checks and queues the months due when it begins (the first;
 * after a stop lifted on objection, the months since), the city's monthly comparison every later one, and the city's
 * settlement re-sends failures and asks for a corrected account. The period waits for what only it can do: a stop
 * (reported, or found by the city), a corrected account, a changed entitlement, the expiry SMS, and its close once
 * every month is settled.
 */
async function payMonths(p: Period): Promise<void> {
  const { state } = p;
  const today = monthOfDate(shanghaiDate(Date.now()));
  const firstOwn = monthAt(p, state.nextIndex);
  state.cityFrom ??= addToMonth(firstOwn > today ? firstOwn : today, 1);
  const cityFrom = state.cityFrom;
  /** After the run that pays the last month (the 10th), settled by the 16th: then, monthly, until all is settled. */
  const closeAfterLastMonth = () => at9(`${addToMonth(monthAt(p, ent(p).months - 1), 1)}-${SETTLE_DAY}`);
  let expiryAt = at9(addCalendarMonths(ent(p).endDate, -1));
  let closeAt = closeAfterLastMonth();
  /** After an answer that could not be read, the month's check is tried again from this instant (the next day). */
  let checkRetryAt: number | null = null;
  let closingAfterStop = false;

  for (;;) {
    // Stopped: closed at once if nothing up to the stop is still on its way, else after the next run settles it.
    if (state.stopped && !closingAfterStop) {
      closingAfterStop = true;
      closeAt = Date.now();
    }
    const own = !state.stopped && state.nextIndex < ent(p).months && monthAt(p, state.nextIndex) < cityFrom;
    const ownAt = own ? Math.max(at9(`${monthAt(p, state.nextIndex)}-01`), checkRetryAt ?? 0) : Infinity;
    const remindAt = !state.stopped && !state.expirySent ? expiryAt : Infinity;
    const next = Math.min(ownAt, remindAt, closeAt);
    p.corrected = false;
    const woken = await condition(
      () => p.reported !== null || p.corrected || p.findings.length > 0 || p.entitlementChanges.length > 0,
      Math.max(0, next - Date.now()),
    );
    if (p.entitlementChanges.length) {
      // Art. 13, 38 para 2: the corrected determination's months, end date and amount; the timers follow them.
      await applyEntitlement(p, p.entitlementChanges.shift()!);
      expiryAt = at9(addCalendarMonths(ent(p).endDate, -1));
      if (!state.stopped) closeAt = closeAfterLastMonth();
      continue;
    }
    if (p.reported) {
      // Art. 42 para 3: a stop the person reported (or a revocation).
      const r: Reported = p.reported;
      p.reported = null;
      await stopPayment(p, r);
      continue;
    }
    if (p.findings.length) {
      const f = p.findings.shift()!;
      if (state.stopped) continue; // stopped already (a repeated signal, a batch retried)
      // A stop an objection found wrong (Art. 13, 42 para 2): the month is checked and queued here, past that finding.
      if (dismissedStop(p, f.found)) checkRetryAt = await checkOwnMonth(p, f.month, cityFrom);
      else await stopPayment(p, { ...f.found, foundBy: f.foundBy ?? { kind: 'monthly_check' } });
      continue;
    }
    if (woken) continue; // a corrected account: the city's next run pays the months it re-queued

    const t = Date.now();
    if (t >= remindAt) await remindExpiry(p, expiryAt);
    if (t >= ownAt) checkRetryAt = await checkOwnMonth(p, monthAt(p, state.nextIndex), cityFrom);
    if (t >= closeAt) {
      if (await closePeriod(p)) return;
      // Not all paid yet (re-sent, or waiting for a corrected account): look again after the next run.
      closeAt = settleDayAfter(t);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await ownRecoveriesSettled();
      await continueAsNew<typeof benefitPeriod>({ ...p.input, state });
    }
  }
}

/** The next settle day (the 16th, 09:00, after the city's run on the 10th) after `t`. */
function settleDayAfter(t: number): number {
  const month = monthOfDate(shanghaiDate(t));
  const thisMonth = at9(`${month}-${SETTLE_DAY}`);
  return thisMonth > t ? thisMonth : at9(`${addToMonth(month, 1)}-${SETTLE_DAY}`);
}

/**
 * Art. 42 para 1: a month the period checks itself before it is paid (activities/periods.ts checkAndQueueMonth):
 * queued, or stopped on a condition found. Answers when to try again: null, or (an answer that could not be read) the
 * next day at 09:00.
 */
async function checkOwnMonth(p: Period, month: string, cityFrom: string): Promise<number | null> {
  const { input, state } = p;
  const since = month === monthAt(p, 0) ? input.startDate : `${month}-01`;
  let f: Awaited<ReturnType<typeof acts.checkAndQueueMonth>>['found'];
  try {
    ({ found: f } = await acts.checkAndQueueMonth({
      periodId: input.periodId,
      caseNumber: input.caseNumber,
      agencyCode: input.agencyCode,
      month,
      since,
      amountFen: amountFor(p, month),
      dismissedStops: state.dismissedStops ?? [],
      at: iso(),
    }));
  } catch (err) {
    return unreadableCheck(p, err, month);
  }
  if (f && !dismissedStop(p, f)) {
    await stopPayment(p, { ...f, foundBy: { kind: 'monthly_check' } });
    return null;
  }
  if (month < cityFrom) {
    const index = Array.from({ length: ent(p).months }, (_, i) => monthAt(p, i)).indexOf(month);
    state.nextIndex = Math.max(state.nextIndex, index + 1);
  }
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'in_payment' }]);
  return null;
}

/**
 * Art. 7, 42: an answer that cannot be read decides nothing: the month is not paid unchecked and the period is not
 * stopped on garbage. The case records it, the agency's supervisors are told, and the month is checked again the day
 * after at 09:00 until a source answers properly. Any other error is thrown.
 */
async function unreadableCheck(p: Period, err: unknown, month: string): Promise<number> {
  const unreadable = unreadableSource(err);
  if (!unreadable) throw err;
  await acts.recordMonthlyCheckUnreadable({
    caseNumber: p.input.caseNumber,
    agencyCode: p.input.agencyCode,
    month,
    error: unreadable,
    at: iso(),
  });
  return at9(shanghaiDate(Date.now() + 86_400_000)); // Shanghai has no DST
}

/**
 * Art. 42 para 1 立即停止 and Art. 43 para 1: stop at once; months after the stop month are not paid; what was paid
 * after it is overpaid. A revoked determination (Art. 42, 43) stops from its own month and is recovered from it; the
 * revocation tells the person. Medical insurance ends with the benefit (Art. 44 para 3). The stop is recorded with who
 * found it, and its recovery asked of the claim (one per stop).
 */
async function stopPayment(p: Period, found: Reported): Promise<void> {
  const { input, state } = p;
  const { periodId, caseNumber } = input;
  state.stopped = { reason: found.reason, date: found.date };
  const revoked = found.reason === 'revoked';
  const stopMonth = monthOfDate(found.date);
  const lastDue = revoked ? addToMonth(stopMonth, -1) : stopMonth;
  await acts.cancelPayables({ periodId, fromMonth: addToMonth(lastDue, 1) }); // both kinds: benefit and premium
  state.nextIndex = ent(p).months;
  const paidMonths = (await acts.periodLedger({ periodId })).paid;
  const overpaid = paidMonths.filter((m) => (revoked ? m >= stopMonth : m > stopMonth));
  if (!revoked) {
    // Art. 42 para 1: 通过短信通知方式告知领金人员.
    await acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.stopped`,
      kind: 'payment_stopped',
      params: { caseNumber, reason: STOP_REASON_LABELS[found.reason] ?? found.reason, date: found.date },
      at: iso(),
    });
  }
  await acts.leaveMedical({
    caseNumber,
    endDate: found.date,
    reason: found.reason === 'death' ? 'deceased' : 'benefit_stopped',
  });
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'stopped' }]);
  const recorded = await acts.recordPeriodProgress({
    periodId,
    status: 'stopped',
    paidMonths: paidMonths.length,
    stop: { ...state.stopped, ...(found.foundBy ? { foundBy: found.foundBy } : {}) },
    at: iso(),
  });
  if (recorded && overpaid.length) {
    // Art. 43 para 1: the recovery of this stop, the claim's child (each payment recovered once, from the ledger).
    await requestRecovery({
      recoveryId: recorded.recoveryId,
      caseNumber,
      agencyCode: input.agencyCode,
      periodId,
      stopId: recorded.stopId,
      stopDate: recorded.stopDate,
      ...(revoked ? { overpaidFromMonth: stopMonth } : {}),
      origin: revoked ? 'revocation' : 'benefit_period',
      startedBy: found.by ?? 'system',
    });
  }
  p.stopRecorded = true;
}

/**
 * Art. 39, 62, 44 para 3: the period closes once the ledger has every month paid (stopped: nothing up to the stop still
 * on its way), leaving medical insurance at its end. Answers whether it closed.
 */
async function closePeriod(p: Period): Promise<boolean> {
  const { input, state } = p;
  const ledger = await acts.periodLedger({ periodId: input.periodId });
  const settled = state.stopped ? ledger.outstanding.length === 0 : ledger.paid.length >= ent(p).months;
  if (!settled) return false;
  p.closed = !state.stopped;
  if (!state.stopped) {
    await acts.leaveMedical({ caseNumber: input.caseNumber, endDate: ent(p).endDate, reason: 'benefit_ended' });
  }
  const s = status(p);
  upsertSearchAttributes([
    { key: CASE_STATUS, value: s === 'active' ? 'in_payment' : s === 'stopped' ? 'stopped' : 'completed' },
  ]);
  await acts.recordPeriodProgress({
    periodId: input.periodId,
    status: s,
    paidMonths: ledger.paid.length,
    ...(state.stopped ? { stop: state.stopped } : {}),
    at: iso(),
  });
  return true;
}

/** Art. 38: one month before the period ends, by SMS, dated at its scheduled instant (09:00 Shanghai). */
async function remindExpiry(p: Period, expiryAt: number): Promise<void> {
  const { caseNumber } = p.input;
  const { endDate, version } = ent(p);
  await acts.notifyApplicant({
    caseNumber,
    // A reminder for a corrected end date is a message of its own (Art. 38: 提前一个月通过短信通知).
    messageId: p.state.entitlement ? `${caseNumber}.expiry.v${version}` : `${caseNumber}.expiry`,
    kind: 'expiry_reminder',
    params: { caseNumber, endDate },
    at: new Date(expiryAt).toISOString(),
  });
  p.state.expirySent = true;
  p.state.expiryFor = endDate;
}

/**
 * Art. 13, 38 para 2: a corrected determination: its amount from the first month not yet queued, its months and end
 * date in the read model and for the months the city still checks; medical insurance to the new end; the expiry SMS
 * again for a later end date. A period that stopped, or whose months are all queued, keeps what it has (recorded).
 */
async function applyEntitlement(p: Period, c: EntitlementChange): Promise<void> {
  const { state } = p;
  const r = await acts.changePeriodEntitlement({
    periodId: p.input.periodId,
    caseNumber: p.input.caseNumber,
    version: c.version,
    months: c.months,
    endDate: c.endDate,
    amountFen: c.monthlyAmountFen,
    stopped: state.stopped !== null,
    reason: c.reason,
    by: c.by,
    at: iso(),
  });
  if (!r.applied) return;
  state.amounts = [
    ...(state.amounts ?? []).filter((a) => a.fromMonth < r.effectiveFrom),
    { fromMonth: r.effectiveFrom, amountFen: c.monthlyAmountFen },
  ];
  state.entitlement = { version: c.version, months: c.months, endDate: c.endDate };
  if (state.expirySent && state.expiryFor !== c.endDate) state.expirySent = false;
}

/** What the period answers and takes while it runs: queries, signals and Updates (each taken by `payMonths`). */
function registerHandlers(p: Period): void {
  const { input, state } = p;
  setHandler(periodState, () => ({ ...state, status: status(p) }));
  setHandler(stopFound, (f) => {
    p.findings.push(f);
  });
  setHandler(changeEntitlement, (c) => {
    p.entitlementChanges.push(c);
  });
  setHandler(revokePeriod, ({ date, revocationNumber, by }) => {
    if (!state.stopped)
      p.reported = {
        date,
        reason: 'revoked',
        foundBy: { kind: 'revocation', ref: revocationNumber },
        ...(by ? { by } : {}),
      };
  });
  setHandler(
    reportStop,
    async ({ date, reason, by }) => {
      p.reported = { date, reason, foundBy: { kind: 'report', ref: by } };
      await condition(() => p.stopRecorded);
      return { ...state };
    },
    {
      validator: ({ date }) => {
        if (state.stopped) throw ApplicationFailure.nonRetryable('The benefit has stopped already', 'PeriodStopped');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < input.startDate || date > ent(p).endDate) {
          throw ApplicationFailure.nonRetryable(
            `The stop date must fall within the period ${input.startDate}..${ent(p).endDate}`,
            'InvalidStopDate',
          );
        }
      },
    },
  );
  setHandler(
    correctBankAccount,
    async (c) => {
      await acts.updateBankAccount({
        caseNumber: input.caseNumber,
        method: c.method,
        bankName: c.bankName,
        accountNumber: c.accountNumber,
        actor: c.by,
        reason: c.reason,
        at: iso(),
      });
      // The ledger knows the failed months (the city's settlement re-sent or asked about them, Art. 39, 62).
      const requeued = await acts.requeueFailedMonths({ periodId: input.periodId });
      p.corrected = true;
      return { requeued };
    },
    { validator: validateAccountCorrection },
  );
  setHandler(
    changeMonthlyAmount,
    async ({ fromMonth, amountFen, reason, by }) => {
      // The months not yet in the ledger are the city's to queue: the amounts are kept on the period's row.
      const r = await acts.changePeriodAmount({
        periodId: input.periodId,
        caseNumber: input.caseNumber,
        fromMonth,
        amountFen,
        reason,
        by,
        at: iso(),
      });
      if ('refused' in r) throw ApplicationFailure.nonRetryable(r.refused, 'PeriodComplete');
      state.amounts = [
        ...(state.amounts ?? []).filter((a) => a.fromMonth < r.effectiveFrom),
        { fromMonth: r.effectiveFrom, amountFen },
      ];
      return r;
    },
    {
      validator: ({ fromMonth, amountFen }) => {
        if (state.stopped) throw ApplicationFailure.nonRetryable('The benefit has stopped', 'PeriodStopped');
        if (state.nextIndex >= ent(p).months)
          throw ApplicationFailure.nonRetryable('Every month of the period is queued already', 'PeriodComplete');
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(fromMonth))
          throw ApplicationFailure.nonRetryable('fromMonth must be a month YYYY-MM', 'InvalidMonth');
        if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
          throw ApplicationFailure.nonRetryable('amountFen must be a positive integer (fen)', 'InvalidAmount');
      },
    },
  );
}
