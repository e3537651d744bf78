/**
 * 失业保险金领取期: one workflow per beneficiary and spell, started when a claim is approved. Month by month:
 *
 *   1st, 09:00   the month's check against the shared data (Art. 42: new employment, pension, death); a stop
 *                condition stops payment at once and the person is told by SMS; else the month's benefit goes into
 *                the ledger for the city's payment run (Art. 39, 62)
 *   16th, 09:00  after the city's run (the 10th; all paid by the 15th, Art. 63): paid, or failed — re-sent with the
 *                next run (Art. 62); failing again, the person is asked to correct the account, and the corrected
 *                account is paid once (Art. 39)
 *
 * Medical insurance from the first day to the last (Art. 44). The expiry SMS one calendar month before the period
 * ends, at 09:00 (Art. 38). Every stop is recorded with who found it; one found after months were paid (a self-reported
 * stop, Art. 42 last paragraph, a late finding, a revocation) asks the claim for the recovery of that stop (Art. 43:
 * workflow overpaymentRecovery, the claim's child, workflows/recovery-request.ts). A
 * corrected determination (Art. 38 para 2, through an objection, Art. 13) changes the amount of the months not yet
 * queued (`changeMonthlyAmount`). History stays bounded: continue-as-new every 12 months or when suggested.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
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
import { requestRecovery } from './recovery-request';
import type { StopFoundBy } from '../contracts/recovery';
import { unreadableSource } from './source-failure';
import { CASE_STATUS } from '../contracts/search-attributes';
import { addCalendarMonths, addToMonth, monthOfDate, shanghaiDate, shanghaiInstant } from '../domain/business-time';
import { SETTLE_DAY } from '../contracts/pay-day';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export interface BenefitPeriodInput {
  periodId: string;
  caseNumber: string;
  agencyCode: string;
  startDate: string;
  endDate: string;
  months: number;
  monthlyAmountFen: number;
  /** The claim's determination version the period pays: an eligible, unrevoked one (Art. 38; a database trigger). */
  determinationVersion?: number;
  /** Carried across continue-as-new. */
  state?: PeriodState;
}

export interface PeriodState {
  opened: boolean;
  /** Index of the next month to check and put in the ledger. */
  nextIndex: number;
  paid: { month: string; amountFen: number }[];
  /** Months in the ledger not paid yet; `asked` once the person was asked to correct the account. */
  outstanding: { month: string; asked: boolean }[];
  expirySent: boolean;
  stopped: { reason: string; date: string } | null;
  /** Stops an objection found wrong (Art. 13, 42): the same finding does not stop the period again. */
  dismissedStops?: { reason: string; began: string }[];
  /** Art. 38 para 2: corrected amounts, each from a month on (absent: the input's amount throughout). */
  amounts?: { fromMonth: string; amountFen: number }[];
  /**
   * Art. 13, 38 para 2: the months and end date of a determination corrected on objection (absent: the input's). The
   * expiry SMS sent for an earlier end date is sent again for the new one (`expiryFor`).
   */
  entitlement?: { version: number; months: number; endDate: string };
  /** The end date the expiry SMS was sent for (absent with `expirySent`: the input's). */
  expiryFor?: string;
  /**
   * Art. 42: the months from this one on are checked and queued by the city's monthly comparison (workflow
   * `monthlyCheck`), those before it by the period itself; absent: the period checks every month (begun before).
   */
  cityFrom?: string;
}

export type PeriodStatus = 'active' | 'stopped' | 'completed';

export const periodState = defineQuery<PeriodState & { status: PeriodStatus }>('periodState');

/** Art. 42 last paragraph: the person (or a clerk for them) reports a stop condition. */
export const reportStop = defineUpdate<PeriodState, [{ by: string; date: string; reason: string }]>('reportStop');

/**
 * Art. 42 立即停止: a stop condition found for `month` by the city's monthly comparison (activities/monthly-check.ts) or
 * by another case (workflows/period-stop.ts: a survivors' claim confirming the death, a rectification on an audit
 * finding, Art. 80): the period stops at once.
 */
export interface StopFinding {
  month: string;
  found: { reason: 'reemployed' | 'pension' | 'death' | 'audit_finding'; date: string; began: string };
  /** Who found it (the city's comparison, the case that found it); absent in signals sent before it was told. */
  foundBy?: StopFoundBy;
}
export const stopFound = defineSignal<[StopFinding]>('stopFound');

/**
 * Art. 42, 43: the determination the period pays was revoked (workflow determinationRevocation): payment stops from
 * `date`, the months from its month on are not paid; the revocation tells the person and recovers what was paid.
 */
export const revokePeriod = defineSignal<[{ date: string; revocationNumber: string; by?: string }]>('revokePeriod');

/**
 * Art. 13, 38 para 2: the claim's determination was corrected (a new eligible version, after the record correction's
 * three levels): the period pays its months, to its end date, at its amount from the first month not yet queued. Sent
 * by the claim workflow, which owns the period.
 */
export interface EntitlementChange {
  version: number;
  months: number;
  endDate: string;
  monthlyAmountFen: number;
  reason: string;
  by: string;
}
export const changeEntitlement = defineSignal<[EntitlementChange]>('changeEntitlement');

/** Art. 39: a corrected account (every case type's, contracts/case.ts); its checks are the kernel's. */
export { correctBankAccount } from '../contracts/case';

/**
 * Art. 38 para 2, Art. 13: a corrected determination's monthly amount, for the months from `fromMonth` not yet queued
 * for payment (months already queued or paid keep their amount). Answers the month it takes effect from.
 */
export const changeMonthlyAmount = defineUpdate<
  { effectiveFrom: string; unchangedMonths: string[] },
  [{ fromMonth: string; amountFen: number; reason: string; by: string }]
>('changeMonthlyAmount');

const CHECK_HOUR = 9;
/**
 * Opening and each month's check-and-queue as one activity each (activities/periods.ts): 4 activities for a first
 * month instead of 10, 3 for a later one instead of 7 (issue 11, measure 2). Runs begun before it replay the old steps.
 */
const ONE_ACTIVITY_A_STEP = 'benefit-period-one-activity-a-step';
/**
 * The months after those due when the period begins are checked by the city, in bulk (issue 11, measure 2: a period
 * no longer wakes up for a month that pays as it should). Runs begun before go on checking their months themselves.
 */
const CITY_MONTHLY_CHECK = 'benefit-period-city-monthly-check';
/**
 * Art. 43: one recovery per stop, asked of the claim once the stop is recorded (workflows/recovery-request.ts), a
 * revoked determination's too. Runs stopped before started the claim's one recovery by an activity, before the SMS.
 */
const RECOVERY_PER_STOP = 'benefit-period-recovery-per-stop';

export async function benefitPeriod(input: BenefitPeriodInput): Promise<PeriodStatus> {
  const { periodId, caseNumber } = input;
  const kind = 'unemployment_benefit' as const;
  const state: PeriodState = input.state ?? {
    opened: false,
    nextIndex: 0,
    paid: [],
    outstanding: [],
    expirySent: false,
    stopped: null,
  };
  /** A stop to take: reported by the person (Art. 42 last paragraph) or a revocation (Art. 42, 43). */
  type Reported = { date: string; reason: string; foundBy?: StopFoundBy; by?: string };
  let reported: Reported | null = null;
  /** Set once a stop is fully recorded (ledger, SMS, medical, read model), for the reportStop Update to answer. */
  let stopRecorded = false;
  let corrected = false;
  const monthAt = (i: number) => addToMonth(monthOfDate(input.startDate), i);
  /** The months and end date the period pays: the determination's, or as corrected on objection (Art. 13, 38). */
  const ent = () =>
    state.entitlement ?? { version: input.determinationVersion ?? 0, months: input.months, endDate: input.endDate };
  const entitlementChanges: EntitlementChange[] = [];
  /** The amount of a month: the latest correction in force from it, else the determination's. */
  const amountFor = (month: string) => amountOfMonth(state.amounts ?? [], input.monthlyAmountFen, month);
  const now = () => Date.now();
  const iso = () => new Date(now()).toISOString();
  /** The months after `state.cityFrom` are the city's to check (decided once per run, replay-safe). */
  const city = state.cityFrom !== undefined || (!state.stopped && patched(CITY_MONTHLY_CHECK));
  /** Stop conditions the city's comparison or another case found (signal stopFound), in the order they came. */
  const cityFindings: StopFinding[] = [];
  /** City regime: set once every month is settled, or the period stopped and its months are settled. */
  let closed = false;

  setHandler(periodState, () => ({ ...state, status: status() }));
  setHandler(stopFound, (f) => {
    cityFindings.push(f);
  });
  setHandler(changeEntitlement, (c) => {
    entitlementChanges.push(c);
  });
  setHandler(revokePeriod, ({ date, revocationNumber, by }) => {
    if (!state.stopped)
      reported = {
        date,
        reason: 'revoked',
        foundBy: { kind: 'revocation', ref: revocationNumber },
        ...(by ? { by } : {}),
      };
  });
  setHandler(
    reportStop,
    async ({ date, reason, by }) => {
      reported = { date, reason, foundBy: { kind: 'report', ref: by } };
      await condition(() => stopRecorded);
      return { ...state };
    },
    {
      validator: ({ date }) => {
        if (state.stopped) throw ApplicationFailure.nonRetryable('The benefit has stopped already', 'PeriodStopped');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < input.startDate || date > ent().endDate) {
          throw ApplicationFailure.nonRetryable(
            `The stop date must fall within the period ${input.startDate}..${ent().endDate}`,
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
        caseNumber,
        method: c.method,
        bankName: c.bankName,
        accountNumber: c.accountNumber,
        actor: c.by,
        reason: c.reason,
        at: iso(),
      });
      const requeued: string[] = [];
      if (city) {
        // The ledger knows the failed months (the city's settlement re-sent or asked about them, Art. 39, 62).
        requeued.push(...(await acts.requeueFailedMonths({ periodId })));
      } else {
        for (const o of state.outstanding) {
          const r = await acts.requeuePayable({ periodId, kind, month: o.month });
          if (r.status === 'pending') requeued.push(o.month);
        }
      }
      corrected = true;
      return { requeued };
    },
    {
      validator: validateAccountCorrection,
    },
  );

  setHandler(
    changeMonthlyAmount,
    async ({ fromMonth, amountFen, reason, by }) => {
      if (city) {
        // The months not yet in the ledger are the city's to queue: the amounts are kept on the period's row.
        const r = await acts.changePeriodAmount({ periodId, caseNumber, fromMonth, amountFen, reason, by, at: iso() });
        if ('refused' in r) throw ApplicationFailure.nonRetryable(r.refused, 'PeriodComplete');
        state.amounts = [
          ...(state.amounts ?? []).filter((a) => a.fromMonth < r.effectiveFrom),
          { fromMonth: r.effectiveFrom, amountFen },
        ];
        return r;
      }
      const next = monthAt(state.nextIndex);
      const effectiveFrom = fromMonth > next ? fromMonth : next;
      state.amounts = [
        ...(state.amounts ?? []).filter((a) => a.fromMonth < effectiveFrom),
        {
          fromMonth: effectiveFrom,
          amountFen,
        },
      ];
      await acts.recordPeriodAmountChanged({
        periodId,
        caseNumber,
        fromMonth: effectiveFrom,
        amountFen,
        reason,
        by,
        at: iso(),
      });
      return {
        effectiveFrom,
        unchangedMonths: Array.from({ length: state.nextIndex }, (_, i) => monthAt(i)).filter((m) => m >= fromMonth),
      };
    },
    {
      validator: ({ fromMonth, amountFen }) => {
        if (state.stopped) throw ApplicationFailure.nonRetryable('The benefit has stopped', 'PeriodStopped');
        if (state.nextIndex >= ent().months)
          throw ApplicationFailure.nonRetryable('Every month of the period is queued already', 'PeriodComplete');
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(fromMonth))
          throw ApplicationFailure.nonRetryable('fromMonth must be a month YYYY-MM', 'InvalidMonth');
        if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
          throw ApplicationFailure.nonRetryable('amountFen must be a positive integer (fen)', 'InvalidAmount');
      },
    },
  );

  function status(): PeriodStatus {
    if (state.stopped) return 'stopped';
    if (city) return closed ? 'completed' : 'active';
    if (state.nextIndex >= ent().months && state.outstanding.length === 0) return 'completed';
    return 'active';
  }

  async function progress(s: PeriodStatus, paidMonths = state.paid.length, foundBy?: StopFoundBy) {
    upsertSearchAttributes([
      { key: CASE_STATUS, value: s === 'active' ? 'in_payment' : s === 'stopped' ? 'stopped' : 'completed' },
    ]);
    return acts.recordPeriodProgress({
      periodId,
      status: s,
      paidMonths,
      ...(state.stopped ? { stop: { ...state.stopped, ...(foundBy ? { foundBy } : {}) } } : {}),
      at: iso(),
    });
  }

  /**
   * Art. 42: stop at once; months after the stop month are not paid; what was paid after it is overpaid (Art. 43). A
   * revoked determination (Art. 42, 43) stops from its own month and is recovered from it; the revocation tells the
   * person. The stop is recorded with who found it, and its recovery asked of the claim (one per stop).
   */
  async function stop(found: { reason: string; date: string; foundBy?: StopFoundBy; by?: string }) {
    state.stopped = { reason: found.reason, date: found.date };
    const revoked = found.reason === 'revoked';
    const stopMonth = monthOfDate(found.date);
    const lastDue = revoked ? addToMonth(stopMonth, -1) : stopMonth;
    await acts.cancelPayables({ periodId, fromMonth: addToMonth(lastDue, 1) }); // both kinds: benefit and premium
    state.outstanding = state.outstanding.filter((o) => o.month <= lastDue);
    state.nextIndex = ent().months;
    // City regime: what was paid is in the ledger, not in the workflow's state.
    const paidMonths = city ? (await acts.periodLedger({ periodId })).paid : state.paid.map((p) => p.month);
    const overpaid = paidMonths.filter((m) => (revoked ? m >= stopMonth : m > stopMonth));
    const perStop = patched(RECOVERY_PER_STOP);
    if (!perStop && overpaid.length && !revoked) {
      // Art. 43: the claim's one recovery, from the ledger; its own workflow, which lives on after this period.
      await acts.startRecovery({
        recoveryId: `${caseNumber}.R`,
        caseNumber,
        agencyCode: input.agencyCode,
        periodId,
        stopDate: found.date,
        origin: 'benefit_period',
        startedBy: 'system',
      });
    }
    if (!revoked) {
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
    const recorded = await progress('stopped', paidMonths.length, found.foundBy);
    if (perStop && recorded && overpaid.length) {
      // Art. 43: the recovery of this stop, the claim's child (each payment recovered once, from the ledger).
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
    stopRecorded = true;
  }

  /** After the city's run: paid, re-sent with the next run, or the person asked to correct the account (Art. 39). */
  async function settle() {
    for (const o of [...state.outstanding]) {
      const r = await acts.payableOutcome({ periodId, kind, month: o.month });
      if (r?.status === 'paid') {
        state.paid.push({ month: o.month, amountFen: amountFor(o.month) });
        state.outstanding = state.outstanding.filter((x) => x.month !== o.month);
      } else if (r?.status === 'failed' && r.attempt === 1) {
        await acts.requeuePayable({ periodId, kind, month: o.month });
      } else if (r?.status === 'failed' && !o.asked) {
        o.asked = true;
        await acts.notifyApplicant({
          caseNumber,
          messageId: `${caseNumber}.account.${o.month}`,
          kind: 'account_correction',
          params: { caseNumber, month: o.month },
          at: iso(),
        });
      }
    }
    await progress(status());
  }

  /** Art. 38: one month before the period ends, by SMS, dated at its scheduled instant (09:00 Shanghai). */
  async function remindExpiry(expiryAt: number): Promise<void> {
    const { endDate, version } = ent();
    await acts.notifyApplicant({
      caseNumber,
      // A reminder for a corrected end date is a message of its own (Art. 38: 提前一个月通过短信通知).
      messageId: state.entitlement ? `${caseNumber}.expiry.v${version}` : `${caseNumber}.expiry`,
      kind: 'expiry_reminder',
      params: { caseNumber, endDate },
      at: new Date(expiryAt).toISOString(),
    });
    state.expirySent = true;
    state.expiryFor = endDate;
  }

  /**
   * Art. 13, 38 para 2: a corrected determination: its amount from the first month not yet queued, its months and end
   * date in the read model and for the months the city still checks; medical insurance to the new end; the expiry SMS
   * again for a later end date. A period that stopped, or whose months are all queued, keeps what it has (recorded).
   */
  async function applyEntitlement(c: EntitlementChange): Promise<void> {
    const r = await acts.changePeriodEntitlement({
      periodId,
      caseNumber,
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

  /** A month to check and queue (activities/periods.ts checkAndQueueMonth), from `since` (Art. 42, 44). */
  const monthOf = (month: string, since: string) => ({
    periodId,
    caseNumber,
    agencyCode: input.agencyCode,
    month,
    since,
    amountFen: amountFor(month),
    // The city regime keeps no paid months in the workflow: its settlement counts them in the read model.
    ...(city ? {} : { paidMonths: state.paid.length }),
    dismissedStops: state.dismissedStops ?? [],
    at: iso(),
  });

  /**
   * An answer that cannot be read decides nothing (Art. 7, 42): the month is not paid unchecked and the period is not
   * stopped on garbage. The case records it, the agency's supervisors are told, and the month is checked again the
   * day after `checkedAt` at 09:00 (the instant answered) until a source answers properly. Any other error is thrown.
   */
  async function unreadableCheck(err: unknown, month: string, checkedAt = now()): Promise<number> {
    const unreadable = unreadableSource(err);
    if (!unreadable) throw err;
    await acts.recordMonthlyCheckUnreadable({
      caseNumber,
      agencyCode: input.agencyCode,
      month,
      error: unreadable,
      at: iso(),
    });
    return shanghaiInstant(shanghaiDate(checkedAt + 86_400_000), CHECK_HOUR); // Shanghai has no DST
  }

  /**
   * The city regime (Art. 42, 39, 62): the period checks and queues the months due when it begins (the first; after a
   * stop lifted on objection, the months since), the city's monthly comparison every later one, and the city's
   * settlement re-sends failures and asks for a corrected account. The period waits for what only it can do: a stop
   * (reported, or found by the city), a corrected account, a changed amount, the expiry SMS, and its close once every
   * month is settled. A month that pays as it should costs it nothing.
   */
  async function cityChecked(): Promise<PeriodStatus> {
    const today = monthOfDate(shanghaiDate(now()));
    const firstOwn = monthAt(state.nextIndex);
    state.cityFrom ??= addToMonth(firstOwn > today ? firstOwn : today, 1);
    const cityFrom = state.cityFrom;
    let expiryAt = shanghaiInstant(addCalendarMonths(ent().endDate, -1), CHECK_HOUR);
    let lastMonth = monthAt(ent().months - 1);
    /** After the run that pays the last month (the 10th), settled by the 16th: then, monthly, until all is settled. */
    let closeAt = shanghaiInstant(`${addToMonth(lastMonth, 1)}-${SETTLE_DAY}`, CHECK_HOUR);
    let checkRetryAt: number | null = null;
    let closingAfterStop = false;
    const dismissedStop = (f: { reason: string; began: string }) =>
      (state.dismissedStops ?? []).some((d) => d.reason === f.reason && d.began === f.began);

    /** A month the period checks itself: queued, stopped, or (an unreadable answer) tried again the next day. */
    async function checkOwn(month: string): Promise<void> {
      const since = month === monthAt(0) ? input.startDate : `${month}-01`;
      let f: Awaited<ReturnType<typeof acts.checkAndQueueMonth>>['found'];
      try {
        ({ found: f } = await acts.checkAndQueueMonth(monthOf(month, since)));
      } catch (err) {
        checkRetryAt = await unreadableCheck(err, month);
        return;
      }
      checkRetryAt = null;
      if (f && !dismissedStop(f)) return stop({ ...f, foundBy: { kind: 'monthly_check' } });
      if (month < cityFrom) state.nextIndex = Math.max(state.nextIndex, monthIndex(month) + 1);
      upsertSearchAttributes([{ key: CASE_STATUS, value: 'in_payment' }]);
    }
    const monthIndex = (month: string) => Array.from({ length: ent().months }, (_, i) => monthAt(i)).indexOf(month);

    /** The next settle day (the 16th, 09:00, after the city's run on the 10th) after `t`. */
    const settleDayAfter = (t: number) => {
      const thisMonth = shanghaiInstant(`${monthOfDate(shanghaiDate(t))}-${SETTLE_DAY}`, CHECK_HOUR);
      return thisMonth > t
        ? thisMonth
        : shanghaiInstant(`${addToMonth(monthOfDate(shanghaiDate(t)), 1)}-${SETTLE_DAY}`, CHECK_HOUR);
    };
    for (;;) {
      // Stopped: closed at once if nothing up to the stop is still on its way, else after the next run settles it.
      if (state.stopped && !closingAfterStop) {
        closingAfterStop = true;
        closeAt = now();
      }
      const own = !state.stopped && state.nextIndex < ent().months && monthAt(state.nextIndex) < cityFrom;
      const ownAt = own
        ? Math.max(shanghaiInstant(`${monthAt(state.nextIndex)}-01`, CHECK_HOUR), checkRetryAt ?? 0)
        : Infinity;
      const remindAt = !state.stopped && !state.expirySent ? expiryAt : Infinity;
      const next = Math.min(ownAt, remindAt, closeAt);
      corrected = false;
      const woken = await condition(
        () => reported !== null || corrected || cityFindings.length > 0 || entitlementChanges.length > 0,
        Math.max(0, next - now()),
      );
      if (entitlementChanges.length) {
        // Art. 13, 38 para 2: the corrected determination's months, end date and amount; the timers follow them.
        await applyEntitlement(entitlementChanges.shift()!);
        expiryAt = shanghaiInstant(addCalendarMonths(ent().endDate, -1), CHECK_HOUR);
        lastMonth = monthAt(ent().months - 1);
        if (!state.stopped) closeAt = shanghaiInstant(`${addToMonth(lastMonth, 1)}-${SETTLE_DAY}`, CHECK_HOUR);
        continue;
      }
      if (reported) {
        const r: Reported = reported;
        reported = null;
        await stop(r);
        continue;
      }
      if (cityFindings.length) {
        const f = cityFindings.shift()!;
        if (state.stopped) continue; // stopped already (a repeated signal, a batch retried)
        // A stop an objection found wrong (Art. 13, 42): the month is checked and queued here, past that finding.
        if (dismissedStop(f.found)) await checkOwn(f.month);
        else await stop({ ...f.found, foundBy: f.foundBy ?? { kind: 'monthly_check' } });
        continue;
      }
      if (woken) continue; // a corrected account: the city's next run pays the months it re-queued

      const t = now();
      if (t >= remindAt) await remindExpiry(expiryAt);
      if (t >= ownAt) await checkOwn(monthAt(state.nextIndex));
      if (t >= closeAt) {
        const ledger = await acts.periodLedger({ periodId });
        const settled = state.stopped ? ledger.outstanding.length === 0 : ledger.paid.length >= ent().months;
        if (settled) {
          closed = !state.stopped;
          if (!state.stopped) {
            await acts.leaveMedical({ caseNumber, endDate: ent().endDate, reason: 'benefit_ended' });
          }
          await progress(status(), ledger.paid.length);
          break;
        }
        // Not all paid yet (re-sent, or waiting for a corrected account): look again after the next run.
        closeAt = settleDayAfter(t);
      }
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof benefitPeriod>({ ...input, state });
      }
    }
    await condition(allHandlersFinished);
    return status();
  }

  if (!state.opened) {
    const opening = {
      periodId,
      caseNumber,
      agencyCode: input.agencyCode,
      startDate: input.startDate,
      endDate: input.endDate,
      months: input.months,
      monthlyAmountFen: input.monthlyAmountFen,
      ...(input.determinationVersion === undefined ? {} : { determinationVersion: input.determinationVersion }),
      at: iso(),
    };
    // Art. 44: opened, and in medical insurance from the first day of the period, no waiting time.
    if (patched(ONE_ACTIVITY_A_STEP)) {
      await acts.beginBenefitPeriod(city ? { ...opening, monthlyCheck: 'city' } : opening);
      upsertSearchAttributes([{ key: CASE_STATUS, value: 'in_payment' }]);
    } else {
      await acts.openBenefitPeriod(opening);
      await acts.enrolMedical({ caseNumber, startDate: input.startDate, endDate: input.endDate });
      await progress('active');
    }
    state.opened = true;
  } else if (city && state.cityFrom === undefined) {
    // A period begun before the city's comparison, continued as new, or resumed on objection: it joins it.
    await acts.joinCityMonthlyCheck({ periodId, at: iso() });
  }
  if (city) return await cityChecked();

  const expiryAt = shanghaiInstant(addCalendarMonths(ent().endDate, -1), CHECK_HOUR);
  let monthsThisRun = 0;
  /** After an answer that could not be read, the month's check is tried again from this instant (the next day). */
  let checkRetryAt: number | null = null;
  let settleAt: number | null = state.outstanding.length
    ? shanghaiInstant(`${state.outstanding[0]!.month}-${SETTLE_DAY}`, CHECK_HOUR)
    : null;

  for (;;) {
    // The first month is checked at once (the period may start mid-month); later ones on the 1st at 09:00.
    const checkAt =
      !state.stopped && state.nextIndex < ent().months
        ? Math.max(shanghaiInstant(`${monthAt(state.nextIndex)}-01`, CHECK_HOUR), checkRetryAt ?? 0)
        : Infinity;
    const remindAt = !state.stopped && !state.expirySent ? expiryAt : Infinity;
    const settleNext = settleAt ?? (state.outstanding.length ? now() : Infinity);
    const next = Math.min(checkAt, remindAt, settleNext);
    if (next === Infinity && !state.outstanding.length) break;

    corrected = false;
    const woken =
      next === Infinity
        ? await condition(() => reported !== null || corrected || cityFindings.length > 0)
        : await condition(() => reported !== null || corrected || cityFindings.length > 0, Math.max(0, next - now()));
    if (reported) {
      const r: Reported = reported;
      reported = null;
      await stop(r);
      continue;
    }
    if (cityFindings.length) {
      // Art. 42: a stop another case found (only periods the city checks get the city's own findings).
      const f = cityFindings.shift()!;
      const dismissed = (state.dismissedStops ?? []).some(
        (d) => d.reason === f.found.reason && d.began === f.found.began,
      );
      if (!state.stopped && !dismissed) await stop({ ...f.found, foundBy: f.foundBy ?? { kind: 'monthly_check' } });
      continue;
    }
    if (woken) continue; // a corrected account: the requeued months are settled after the next run

    const t = now();
    if (t >= remindAt) await remindExpiry(expiryAt);
    if (t >= checkAt) {
      const month = monthAt(state.nextIndex);
      // Art. 42: checked before paying.
      const since = state.nextIndex === 0 ? input.startDate : `${month}-01`;
      const oneActivity = patched(ONE_ACTIVITY_A_STEP);
      let found: Awaited<ReturnType<typeof acts.checkStopConditions>>;
      try {
        found = oneActivity
          ? // The check and, unless it finds a stop, the benefit and premium into the ledger and the progress.
            (await acts.checkAndQueueMonth(monthOf(month, since))).found
          : await acts.checkStopConditions({ caseNumber, month, since });
      } catch (err) {
        checkRetryAt = await unreadableCheck(err, month, t);
        continue;
      }
      checkRetryAt = null;
      const dismissed = (state.dismissedStops ?? []).some(
        (d) => d.reason === found?.reason && d.began === found?.began,
      );
      if (found && !dismissed) {
        await stop({ ...found, foundBy: { kind: 'monthly_check' } });
        continue;
      }
      if (!oneActivity) {
        await acts.queuePayable({
          periodId,
          caseNumber,
          agencyCode: input.agencyCode,
          kind,
          month,
          amountFen: amountFor(month),
        });
        // Art. 44, 63: the fund pays the month's medical-insurance premium with the city's run.
        const premium = await acts.medicalPremiumFor({ agencyCode: input.agencyCode, month });
        await acts.queuePayable({
          periodId,
          caseNumber,
          agencyCode: input.agencyCode,
          kind: 'medical_premium',
          month,
          amountFen: premium,
        });
      }
      state.outstanding.push({ month, asked: false });
      state.nextIndex += 1;
      monthsThisRun += 1;
      settleAt = Math.max(shanghaiInstant(`${month}-${SETTLE_DAY}`, CHECK_HOUR), t);
      if (oneActivity) upsertSearchAttributes([{ key: CASE_STATUS, value: 'in_payment' }]);
      else await progress('active');
    }
    if (settleAt !== null && t >= settleAt) {
      await settle();
      // Not all paid (not in this month's run, or failed): look again after the next month's run.
      settleAt = state.outstanding.length
        ? shanghaiInstant(`${addToMonth(monthOfDate(shanghaiDate(t)), 1)}-${SETTLE_DAY}`, CHECK_HOUR)
        : null;
    }
    if ((monthsThisRun >= 12 || workflowInfo().continueAsNewSuggested) && status() === 'active') {
      await condition(allHandlersFinished);
      await continueAsNew<typeof benefitPeriod>({ ...input, state });
    }
  }

  if (!state.stopped) {
    await acts.leaveMedical({ caseNumber, endDate: ent().endDate, reason: 'benefit_ended' });
  }
  await progress(status());
  // Updates still answering (a stop report, an account correction) finish before the workflow does.
  await condition(allHandlersFinished);
  return status();
}
