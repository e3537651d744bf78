/**
 * A benefit period's steps as one activity each (Art. 42, 44, 39): what the period workflow did in three to five
 * activities, one after another, composed here from the same activities. Each call to Temporal is a workflow task and
 * an activity task; at a province's scale (a monthly cycle of 100,000 beneficiaries, issue 11 measure 2) the number of
 * them per beneficiary-month is what the cycle costs. Every part is idempotent, so a retry of the whole is safe.
 */
import type { benefitActivities, StopFinding } from './benefits';
import type { paymentActivities } from './payments';

/** Composed of the benefit and payment activities `createActivities` built. */
export function periodActivities({
  benefits,
  payments,
}: {
  benefits: ReturnType<typeof benefitActivities>;
  payments: ReturnType<typeof paymentActivities>;
}) {
  return {
    /** Art. 44: the period in the read model, medical insurance from its first day, and its status `active`. */
    async beginBenefitPeriod(
      input: Parameters<typeof benefits.openBenefitPeriod>[0] & { monthlyCheck?: 'city' },
    ): Promise<void> {
      await benefits.openBenefitPeriod(input);
      await benefits.enrolMedical({ caseNumber: input.caseNumber, startDate: input.startDate, endDate: input.endDate });
      // A new row counts 0 paid months; a period resumed on objection (Art. 13) keeps the count its row has.
      await benefits.recordPeriodProgress({ periodId: input.periodId, status: 'active', at: input.at });
    },

    /**
     * Art. 42, 44, 39: a month of the period. Checked against the sources (new employment, pension, death) unless a
     * first attempt of this call queued it already; a stop condition found (and not one an objection dismissed) is
     * answered and nothing is queued; else the month's benefit and medical premium go into the ledger for the city's
     * run and the read model records the progress. A source answer that cannot be read throws as the check does.
     */
    async checkAndQueueMonth(input: {
      periodId: string;
      caseNumber: string;
      agencyCode: string;
      month: string;
      /** The first day the check looks from: the period's start in its first month, else the 1st. */
      since: string;
      amountFen: number;
      /** Absent in the city regime, whose settlement counts the paid months (activities/monthly-check.ts). */
      paidMonths?: number;
      dismissedStops: { reason: string; began: string }[];
      at: string;
    }): Promise<{ found: StopFinding | null }> {
      const { periodId, caseNumber, agencyCode, month } = input;
      const queued = await payments.payableOutcome({ periodId, kind: 'unemployment_benefit', month });
      if (!queued || queued.status === 'cancelled') {
        const found = await benefits.checkStopConditions({ caseNumber, month, since: input.since });
        const dismissed = input.dismissedStops.some((d) => d.reason === found?.reason && d.began === found?.began);
        if (found && !dismissed) return { found };
      }
      await payments.queuePayable({
        periodId,
        caseNumber,
        agencyCode,
        kind: 'unemployment_benefit',
        month,
        amountFen: input.amountFen,
      });
      const premium = await benefits.medicalPremiumFor({ agencyCode, month });
      await payments.queuePayable({
        periodId,
        caseNumber,
        agencyCode,
        kind: 'medical_premium',
        month,
        amountFen: premium,
      });
      await benefits.recordPeriodProgress({
        periodId,
        status: 'active',
        ...(input.paidMonths === undefined ? {} : { paidMonths: input.paidMonths }),
        at: input.at,
      });
      return { found: null };
    },
  };
}
