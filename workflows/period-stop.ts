/**
 * Art. 42 立即停止: a stop condition any case finds reaches the beneficiary's benefit period at once, from the workflow
 * of the case that found it (signal `stopFound` to `<claim case number>.P`), not at the city's next monthly
 * comparison. The period does what it does for every stop: the months after the stop's month are withdrawn from the
 * ledger, what was paid for them goes to recovery (Art. 43), the person is told by SMS, medical insurance ends, the read
 * model and the case's timeline show it. A period that stopped already ignores it; a period not running has the stop
 * recorded and what was paid after it recovered all the same. Workflow code (deterministic).
 */
import { getExternalWorkflowHandle, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { stopFound, type StopFinding } from '../contracts/benefit-period';
import { requestRecovery } from './recovery-request';
import { monthOfDate } from '../domain/business-time';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

/**
 * Tells the period to stop from `found.date`. Answers whether it was told: when its workflow is not running, the
 * finding is recorded on both cases and the supervisors are told (activities/period-stops.ts).
 */
export async function stopPeriod(p: {
  /** The period's workflow ID (`<claim case number>.P`) and its benefit claim. */
  periodId: string;
  claimCaseNumber: string;
  /** The case that found it (its case number, for the record). */
  foundBy: string;
  found: StopFinding['found'];
}): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(p.periodId).signal(stopFound, {
      month: monthOfDate(p.found.date),
      found: p.found,
      foundBy: { kind: 'case', ref: p.foundBy },
    });
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    await acts.recordStopNotReached({
      caseNumber: p.claimCaseNumber,
      foundBy: p.foundBy,
      found: { reason: p.found.reason, date: p.found.date },
      at: new Date().toISOString(),
    });
    // Art. 43: paid after the stop, though the period had ended or stopped for another reason: recovered.
    const stop = await acts.recordPeriodStop({
      periodId: p.periodId,
      caseNumber: p.claimCaseNumber,
      reason: p.found.reason,
      date: p.found.date,
      foundBy: { kind: 'case', ref: p.foundBy },
      at: new Date().toISOString(),
    });
    if (stop?.created && stop.overpaid) {
      await requestRecovery({
        recoveryId: stop.recoveryId,
        caseNumber: p.claimCaseNumber,
        agencyCode: stop.agencyCode,
        periodId: p.periodId,
        stopId: stop.stopId,
        stopDate: stop.stopDate,
        origin: 'benefit_period',
        startedBy: p.foundBy,
      });
    }
    return false;
  }
}
