/**
 * 复核 (Art. 13): a person or employer objects to a decision of the agency — a refusal to accept, a review result, a
 * determination (Art. 38 para 2), a stop decision (Art. 42) or the withdrawal of a grant (Art. 49, 50, 80) — of any case
 * type, with evidence. One workflow per objection; its ID is the objection's case number (FHJ-…, no personal data).
 *
 *   1. received     the objection and its evidence are recorded on its own case and on the case objected to
 *   2. review       the agency that decided concludes within 5 workdays (art13.reviewConclusion): a task of the task
 *                   primitive, with its escalation when overdue (Art. 78); the correction must fit what was objected to
 *   3. correction   every conclusion carries itself out (确定存在问题的，及时进行更正):
 *                   - reopen: the case objected to is reopened at the step named, under the facts found (signal
 *                     `carryOutCorrection` to the case, which owns its life: contracts/objection.ts); a
 *                     claim at its acceptance or determination, another case at its review
 *                   - contribution record: a record correction, confirmed by a second reviewer and an approver, three
 *                     people in all (Art. 28: 初审、复核、审批); confirmed, the case is determined again and its benefit
 *                     period pays the corrected months, end date and amount
 *                   - resume: a stop found wrong, the period pays again from a month (Art. 42 para 2: started
 *                     again as this objection's child, which closes after it); a withdrawal found wrong, the case
 *                     pays its grant (signal, as a reopening)
 *   4. notice       the objector is told the conclusion with the remedies and their dates, from receipt of the notice:
 *                   administrative reconsideration within 60 days, litigation within 6 months (Art. 13); a person by
 *                   SMS, an employer as employers are told (its contact mobile, else the online service platform)
 */
import {
  allHandlersFinished,
  type ChildWorkflowHandle,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { correctionMisfit, type ObjectionForm } from '../domain/objection-forms';
import type { Actor } from '../domain/tasks';
import {
  carryOutCorrection,
  objectionReceipt,
  objectionStatus,
  type AppliedCorrection,
  type CorrectionToCarryOut,
} from '../contracts/objection';
import type { ObjectionInput, ObjectionStatus } from '../contracts/recovery';
import { benefitPeriod } from './benefit-period';
import { CASE_STATUS } from '../contracts/search-attributes';
import { startChildCase } from './child-case';
import { createTaskBoard, throughLevels } from './tasks';
import { shanghaiDate } from '../domain/business-time';

export type { AppliedCorrection };

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export { objectionReceipt, objectionStatus };

type Correct = Extract<ObjectionForm, { decision: 'correct' }>;

export async function objectionReview(input: ObjectionInput): Promise<ObjectionStatus> {
  const { caseNumber, originalCaseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'objection_review' });
  let status: ObjectionStatus = 'received';
  let due: { dueDate: string; dueInstant: string; provisional?: boolean } | null = null;
  const iso = () => new Date().toISOString();
  /** The benefit period this objection paid again (Art. 42 para 2), its child. */
  const resumed: { period?: ChildWorkflowHandle<typeof benefitPeriod> } = {};

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
    // The correction must fit the case type and the decision objected to (domain/objection-forms.ts).
    check: (f) => (f.decision === 'correct' ? correctionMisfit(input.caseType, input.subject, f.correction) : null),
  });
  let d: ObjectionForm = review.decision;
  let by: Actor = review.by;

  // 3. The correction carries itself out.
  let applied: AppliedCorrection | null = null;
  if (d.decision === 'correct') {
    const correction = d.correction;
    if (correction.kind === 'contribution_record') {
      const confirmed = await confirmRecordCorrection(d);
      if (confirmed.decision === 'reject') {
        // Not confirmed on the second or third level: the decision objected to stands, for the reasons given there.
        d = { decision: 'uphold', reasons: confirmed.reasons };
        by = confirmed.by;
      } else {
        by = confirmed.by;
        applied = await carryOut(originalCaseNumber, { ...correctionOf(d, correction), by: actorOf(by) });
      }
    } else if (correction.kind === 'reopen' || (input.caseType ?? 'benefit_claim') !== 'benefit_claim') {
      // A refusal reopened; a withdrawn grant paid (the case objected to carries both out).
      applied = await carryOut(originalCaseNumber, { ...correctionOf(d, correction), by: actorOf(by) });
    } else {
      // Art. 13, 42 para 2: the stop was wrong: the benefit period pays again from the first month not paid or queued.
      applied = await resumePeriod(input, correction.fromMonth, by.username, resumed);
    }
  }

  // 4. The notice, with the remedies' dates counted from its receipt (Art. 13).
  status = d.decision === 'uphold' ? 'upheld' : 'corrected';
  await tellConclusion(input, { status, conclusion: d, applied, by: by.username });
  await condition(allHandlersFinished);
  // The period this objection paid again runs as its child: the objection closes after it (no parent closes under a
  // running child).
  await resumed.period?.result().catch(() => undefined);
  return status;

  /**
   * Art. 28: a correction of the entitlement record (here: deemed contribution months, Art. 35) is confirmed on three
   * levels by three people: the reviewer's conclusion is the first (初审), then a second reviewer (复核) and an approver
   * (审批), each refusing the one who did an earlier level (岗位不相容). The objection holds meanwhile.
   */
  async function confirmRecordCorrection(
    c: Correct,
  ): Promise<{ decision: 'approve'; by: Actor } | { decision: 'reject'; reasons: string[]; by: Actor }> {
    status = 'in_correction';
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await acts.recordObjectionReferred({
      caseNumber,
      originalCaseNumber,
      correction: c.correction,
      reasons: c.reasons,
      by: review.by.username,
      at: iso(),
    });
    // The first level is the reviewer's conclusion; the other two go through the task primitive's levels.
    return throughLevels(tasks, [
      {
        type: 'record_correction_second_review',
        step: 'second_review',
        role: 'second_reviewer',
        agencyCode,
        dueKey: 'task.claimSecondReview',
      },
      {
        type: 'record_correction_approve',
        step: 'approve',
        role: 'approver',
        agencyCode,
        dueKey: 'task.claimApproval',
      },
    ]);
  }

  function correctionOf(c: Correct, correction: CorrectionToCarryOut['correction']) {
    return { objectionNumber: caseNumber, correction, reasons: c.reasons, at: iso() };
  }
}

/**
 * 4. The conclusion recorded, and the objector told it with the remedies and their last days, counted from the notice
 * (Art. 13): a person by SMS, an employer as employers are told.
 */
async function tellConclusion(
  input: ObjectionInput,
  c: { status: 'upheld' | 'corrected'; conclusion: ObjectionForm; applied: AppliedCorrection | null; by: string },
): Promise<void> {
  const { caseNumber, originalCaseNumber } = input;
  const iso = () => new Date().toISOString();
  const today = shanghaiDate(Date.now());
  const [reconsideration, litigation] = await Promise.all([
    acts.computeDeadline({ key: 'art13.administrativeReconsideration', start: today }),
    acts.computeDeadline({ key: 'art13.administrativeLitigation', start: today }),
  ]);
  await acts.recordObjectionConcluded({
    caseNumber,
    originalCaseNumber,
    status: c.status,
    conclusion: { ...c.conclusion, ...(c.applied ? { applied: c.applied } : {}) },
    by: c.by,
    at: iso(),
    reconsiderationUntil: reconsideration.dueDate,
    litigationUntil: litigation.dueDate,
  });
  upsertSearchAttributes([{ key: CASE_STATUS, value: c.status }]);
  const notice = {
    caseNumber: originalCaseNumber,
    messageId: `${caseNumber}.conclusion`,
    kind: 'objection_concluded' as const,
    params: {
      caseNumber: originalCaseNumber,
      objectionNumber: caseNumber,
      outcome: c.status,
      reasons: c.conclusion.reasons,
      reconsiderationUntil: reconsideration.dueDate,
      litigationUntil: litigation.dueDate,
    },
    at: iso(),
  };
  if (input.objector === 'employer') {
    await acts.informEmployer({
      ...notice,
      params: { ...notice.params, objector: 'employer' },
      alsoOn: caseNumber,
    });
  } else {
    await acts.notifyApplicant(notice);
  }
}

/**
 * Art. 13, 42 para 2: a stop found wrong is corrected at once (及时进行更正): the stopped benefit period is started
 * again under its own ID, as this objection's child, from the facts the ledger and the source give
 * (activities/objections.ts `resumableStop`); the period builds its state from them. A period still settling its last months
 * (its workflow running) is left as it is.
 */
async function resumePeriod(
  input: ObjectionInput,
  fromMonth: string | undefined,
  username: string,
  resumed: { period?: ChildWorkflowHandle<typeof benefitPeriod> },
): Promise<AppliedCorrection> {
  const r = await acts.resumableStop({ caseNumber: input.originalCaseNumber, ...(fromMonth ? { fromMonth } : {}) });
  if ('refused' in r) return { kind: 'not_applied', note: r.refused };
  // Under its own ID again once its earlier run has closed; a run still settling its last months is left as it is.
  const period = await startChildCase(benefitPeriod, {
    workflowId: r.period.periodId,
    caseType: 'benefit_period',
    agencyCode: r.period.agencyCode,
    status: 'in_payment',
    args: [{ ...r.period, resume: r.resume }],
    reuse: 'ALLOW_DUPLICATE',
  });
  if (!period) return { kind: 'not_applied', note: 'the period is still settling its last months: retry later' };
  resumed.period = period;
  await acts.recordPaymentsResumed({
    periodId: r.period.periodId,
    caseNumber: input.originalCaseNumber,
    objectionNumber: input.caseNumber,
    fromMonth: r.resume.fromMonth,
    stop: r.stop,
    by: username,
    at: new Date().toISOString(),
  });
  return { kind: 'resumed', resumedFrom: r.resume.fromMonth };
}

/**
 * The case objected to carries the correction out (it owns its life): a signal to its workflow, which records what
 * it did on this objection. A case whose workflow has ended (its time for objections passed, its period ended)
 * cannot: recorded as not applied.
 */
async function carryOut(originalCaseNumber: string, c: CorrectionToCarryOut): Promise<AppliedCorrection> {
  try {
    await getExternalWorkflowHandle(originalCaseNumber).signal(carryOutCorrection, c);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { kind: 'not_applied', note: 'the case objected to is closed: it cannot be reopened or changed now' };
  }
  return c.correction.kind === 'reopen'
    ? { kind: 'reopened', step: c.correction.step }
    : c.correction.kind === 'resume'
      ? { kind: 'resumed', resumedFrom: null }
      : { kind: 'referred', levels: ['review', 'second_review', 'approve'] };
}

const actorOf = (a: Actor) => ({ userId: a.userId, username: a.username });
