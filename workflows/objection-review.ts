/**
 * 复核 (Art. 13): a person or employer objects to a decision of the agency — a refusal to accept, a review result, a
 * determination (Art. 38 para 2) or a stop decision (Art. 42) — with evidence. One workflow per objection; its ID is
 * the objection's case number (FHJ-…, no personal data).
 *
 *   1. received     the objection and its evidence are recorded on its own case and on the case objected to
 *   2. review       the agency that decided concludes within 5 workdays (art13.reviewConclusion): a task of the task
 *                   primitive, with its escalation when overdue (Art. 78)
 *   3. conclusion   upheld, or corrected: a corrected determination is recalculated by the claim's correction path
 *                   (determineClaim, a new version) and the benefit period pays its remaining months at the new
 *                   amount (Update changeMonthlyAmount on `<case>.P`)
 *   4. notice       the person is told the conclusion by SMS with the remedies and their dates, from receipt of the
 *                   notice: administrative reconsideration within 60 days, litigation within 6 months (Art. 13)
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ObjectionForm } from '../domain/forms';
import type { ObjectionInput, ObjectionStatus } from './recovery-types';
import { CASE_STATUS } from './search-attributes';
import { createTaskBoard } from './tasks';
import { monthOfDate, shanghaiDate } from './time';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

/** Sent by the API after the start: answers once the objection is recorded, with its statutory due date. */
export const objectionReceipt = defineUpdate<
  { caseNumber: string; dueDate: string; dueAt: string; provisional: boolean },
  []
>('objectionReceipt');
export const objectionStatus = defineQuery<ObjectionStatus>('objectionStatus');

/** What the conclusion changed in the original case. */
export interface AppliedCorrection {
  kind: 'recalculated' | 'resumed' | 'not_applied';
  /** A stop lifted: payment resumes from this month. */
  resumedFrom?: string | null;
  determinationVersion?: number;
  monthlyAmountFen?: number;
  period?: { applied: boolean; effectiveFrom: string | null; unchangedMonths: string[]; note?: string };
  note?: string;
}

export async function objectionReview(input: ObjectionInput): Promise<ObjectionStatus> {
  const { caseNumber, originalCaseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'objection_review' });
  let status: ObjectionStatus = 'received';
  let due: { dueDate: string; dueInstant: string; provisional?: boolean } | null = null;

  setHandler(objectionStatus, () => status);
  setHandler(objectionReceipt, async () => {
    await condition(() => status !== 'received');
    // The review task's due date is the statutory one; recomputed when the year's notice is entered, it moves with it.
    return { caseNumber, dueDate: due!.dueDate, dueAt: due!.dueInstant, provisional: due!.provisional === true };
  });

  // 1. Received: Art. 13 counts the 5 workdays from the day the agency received it.
  const filedOn = shanghaiDate(Date.parse(input.filedAt));
  due = await acts.computeDeadline({ key: 'art13.reviewConclusion', start: filedOn });
  await acts.recordObjectionFiled({
    ...input,
    dueDate: due.dueDate,
    ...(due.provisional ? { dueProvisional: true } : {}),
  });
  status = 'under_review';
  upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);

  // 2. The agency that decided concludes within 5 workdays; overdue: supervisors told, reminders, then the province.
  const review = await tasks.humanTask({
    type: 'objection_review',
    form: 'objection',
    step: 'review',
    role: 'reviewer',
    agencyCode,
    dueKey: 'art13.reviewConclusion',
  });
  const d: ObjectionForm = review.decision;
  const today = shanghaiDate(Date.now());

  // 3. A correction reaches the original case.
  let applied: AppliedCorrection | null = null;
  if (d.decision === 'correct') {
    if (input.subject === 'determination' && d.correction.deemedContributionMonths !== undefined) {
      // Art. 38 para 2: recalculated as a reviewer's correction is, a new version of the determination.
      const latest = await acts.latestDetermination({ caseNumber: originalCaseNumber });
      const determination = await acts.determineClaim({
        caseNumber: originalCaseNumber,
        reason: 'objection',
        determinationDate: today,
        inputs: { ...latest.inputs, deemedContributionMonths: d.correction.deemedContributionMonths },
        manualCorrection: true,
        createdBy: review.by.username,
      });
      if (determination.verdict === 'eligible') {
        const amountFen = determination.figures.monthlyAmountFen;
        const period = await acts.changeBenefitAmount({
          periodId: `${originalCaseNumber}.P`,
          fromMonth: monthOfDate(today),
          amountFen,
          reason: `objection ${caseNumber}`,
          by: review.by.username,
        });
        applied = {
          kind: 'recalculated',
          determinationVersion: determination.version,
          monthlyAmountFen: amountFen,
          period,
        };
      } else {
        applied = {
          kind: 'not_applied',
          determinationVersion: determination.version,
          note: `the corrected determination is ${determination.verdict}: the agency decides on the original case`,
        };
      }
    } else if (input.subject === 'stop_decision') {
      // Art. 13, 42: the stop was wrong: the benefit period pays again from the first month not paid or queued.
      const r = await acts.resumeBenefitPeriod({
        caseNumber: originalCaseNumber,
        objectionNumber: caseNumber,
        ...(d.correction.resumeFromMonth ? { fromMonth: d.correction.resumeFromMonth } : {}),
        by: review.by.username,
        at: new Date().toISOString(),
      });
      applied = r.applied
        ? { kind: 'resumed', resumedFrom: r.fromMonth }
        : { kind: 'not_applied', note: r.note ?? 'the benefit period could not be resumed' };
    } else {
      // Not automated: reopening a refused claim (the agency takes a new application with the corrected facts).
      applied = {
        kind: 'not_applied',
        note: `a corrected ${input.subject} is carried out by the agency on the original case`,
      };
    }
  }

  // 4. The notice, with the remedies' dates counted from its receipt (Art. 13).
  const [reconsideration, litigation] = await Promise.all([
    acts.computeDeadline({ key: 'art13.administrativeReconsideration', start: today }),
    acts.computeDeadline({ key: 'art13.administrativeLitigation', start: today }),
  ]);
  status = d.decision === 'uphold' ? 'upheld' : 'corrected';
  await acts.recordObjectionConcluded({
    caseNumber,
    originalCaseNumber,
    status,
    conclusion: { ...d, ...(applied ? { applied } : {}) },
    by: review.by.username,
    at: new Date().toISOString(),
    reconsiderationUntil: reconsideration.dueDate,
    litigationUntil: litigation.dueDate,
  });
  upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
  await acts.notifyApplicant({
    caseNumber: originalCaseNumber,
    messageId: `${caseNumber}.conclusion`,
    kind: 'objection_concluded',
    params: {
      caseNumber: originalCaseNumber,
      objectionNumber: caseNumber,
      outcome: status,
      reasons: d.reasons,
      reconsiderationUntil: reconsideration.dueDate,
      litigationUntil: litigation.dueDate,
    },
    at: new Date().toISOString(),
  });
  await condition(allHandlersFinished);
  return status;
}
