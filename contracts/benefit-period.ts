/**
 * The benefit period's contract (Art. 38, 39, 42, 43, 44): its input, the state it answers to a query and carries
 * across continue-as-new, and its messages: a stop reported by the person, found by the city's comparison or another
 * case, a revocation, a corrected entitlement or amount. workflows/benefit-period.ts answers them; the API, the city's
 * monthly check, the claim, the revocation and period-stop workflows send them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BenefitPeriodTerms, PeriodResume, StopFoundBy } from './recovery';

export interface BenefitPeriodInput extends BenefitPeriodTerms {
  /** A stopped period paid again on objection (Art. 13, 42 para 2): the period builds its state from it. */
  resume?: PeriodResume;
  /** Carried across continue-as-new. */
  state?: PeriodState;
}

export interface PeriodState {
  opened: boolean;
  /** Index of the next month the period checks and queues itself (those before `cityFrom`). */
  nextIndex: number;
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
   * `monthlyCheck`), those before it by the period itself. Set when the period begins (or resumes).
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

/**
 * Art. 38 para 2, Art. 13: a corrected determination's monthly amount, for the months from `fromMonth` not yet queued
 * for payment (months already queued or paid keep their amount). Answers the month it takes effect from.
 */
export const changeMonthlyAmount = defineUpdate<
  { effectiveFrom: string; unchangedMonths: string[] },
  [{ fromMonth: string; amountFen: number; reason: string; by: string }]
>('changeMonthlyAmount');
