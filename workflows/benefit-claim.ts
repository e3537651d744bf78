/**
 * 失业保险金申领: one workflow per application; its ID is the case number (no personal data in it).
 *
 *   1. received       the paying locality's agency receives the application; the case opens (Art. 35-36)
 *   2. acceptance     checked automatically from the shared data (Art. 7, 37): refused with every reason; missing
 *                     materials asked all at once, with a deadline, closed if not supplied; arrears: the person is told
 *                     and the case waits for the back payment or a signed waiver (Art. 41). At a window, the intake
 *                     clerk also confirms the originals (Art. 14). A source whose answer cannot be read (malformed)
 *                     or that refuses the request decides nothing: the case waits on a clerk's task (source_check)
 *                     who checks by hand and has the check run again, or refuses with the reasons (Art. 7, 37).
 *   3. determination  period and amount by the calculators, the explanation kept on the case (Art. 38)
 *   4. review         by risk: none, one review, or three levels (Art. 11, 28, 65), each by a different person
 *                     (岗位不相容); a reviewer may correct the determination, which is recalculated and reviewed again
 *                     on three levels (Art. 38 para 2)
 *   5. approved       the person is told; unemployment registration (Art. 40); the benefit period starts
 *
 * Every human step is a task of the task primitive (workflows/tasks.ts).
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AcceptanceAssessment, DeterminationResult } from '../activities/benefits';
import type { StaffRole } from '../domain/access';
import { claimReviewSteps, type TaskStep } from '../domain/tasks';
import { benefitPeriod } from './benefit-period';
import { unreadableSource } from './source-failure';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from './search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from './time';
import type { ClaimApplication } from './types';

export interface BenefitClaimInput {
  caseNumber: string;
  /** When the agency received the application (ISO instant): the API's clock, recorded once in history. */
  receivedAt: string;
  application: ClaimApplication;
  /** Identifies this submission: a retried POST with the same idempotency key carries the same fingerprint. */
  submissionFingerprint: string;
  /** Who filed it: the applicant on our pages, a channel's service account, or a clerk at the window (no personal data). */
  filedBy?: FiledBy;
}

export type FiledBy = { kind: 'applicant' } | { kind: 'channel' | 'clerk'; username: string };

export type ClaimStatus =
  | 'received'
  | 'awaiting_acceptance'
  | 'awaiting_materials'
  | 'awaiting_arrears'
  | 'awaiting_review'
  | 'awaiting_second_review'
  | 'awaiting_approval'
  | 'approved'
  | 'refused'
  | 'closed'
  | 'cancelled';

export interface SubmissionReceipt {
  caseNumber: string;
  status: ClaimStatus;
  /** True when this confirmation repeats an earlier one (a retried request). */
  replayed: boolean;
}

/**
 * Sent by POST /claims to a case number already started (a retried Idempotency-Key; update-with-start): completes
 * once the case is in the read model. A new case is started without it (the API writes the row itself).
 */
export const confirmSubmission = defineUpdate<SubmissionReceipt, [{ fingerprint: string }]>('confirmSubmission');
export const claimStatus = defineQuery<ClaimStatus>('claimStatus');
/** Art. 37: the materials asked for, supplied (a clerk received them, or the applicant uploaded them). */
export const supplyMaterials = defineUpdate<{ stillMissing: string[] }, [{ kinds: string[]; by: string }]>(
  'supplyMaterials',
);
/** Art. 41: 《个人放弃补缴失业保险欠费承诺书》 signed: the months in arrears will not count. */
export const waiveArrears = defineUpdate<{ waivedMonths: string[] }, [{ by: string }]>('waiveArrears');

const ACTIVITY_OPTIONS = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
} as const;
const acts = proxyActivities<Activities>(ACTIVITY_OPTIONS);
/**
 * The case row is written inside the workflow task that starts the case (a local activity, same timeout and retries):
 * an activity task would cost two more round trips through Temporal and a second workflow task (issue 11, measure 1).
 * POST /claims writes the same row itself right after the start; this step writes it again, idempotently, and is
 * what opens the case in the read model when the API's write failed (api/claims/router.ts).
 */
const local = proxyLocalActivities<Activities>(ACTIVITY_OPTIONS);
/** Histories from before the local activity replay with the activity task they recorded. */
const LOCAL_INTAKE_PATCH = 'claim-received-local-activity';

/** Who does each review step, and its time limit (policy/deadline.json). */
const REVIEW_STEPS: Record<
  'review' | 'second_review' | 'approve',
  { role: StaffRole; dueKey: string; status: ClaimStatus }
> = {
  review: { role: 'reviewer', dueKey: 'task.claimReview', status: 'awaiting_review' },
  second_review: { role: 'second_reviewer', dueKey: 'task.claimSecondReview', status: 'awaiting_second_review' },
  approve: { role: 'approver', dueKey: 'task.claimApproval', status: 'awaiting_approval' },
};

/** How often a case waiting for a back payment looks at the tax data again. */
const ARREARS_RECHECK = '1 day';

export async function benefitClaim(input: BenefitClaimInput): Promise<ClaimStatus> {
  const { caseNumber, application } = input;
  const agencyCode = application.payingLocality.agencyCode;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'benefit_claim' });
  const receivedOn = shanghaiDate(Date.parse(input.receivedAt));
  let status: ClaimStatus = 'received';
  let recorded = false;
  let confirmations = 0;
  const supplied = new Set<string>();
  let requested: string[] = [];
  let arrearsMonths: string[] = [];
  const waived: string[] = [];

  setHandler(claimStatus, () => status);
  setHandler(
    confirmSubmission,
    async () => {
      confirmations += 1;
      await condition(() => recorded);
      return { caseNumber, status, replayed: confirmations > 1 };
    },
    {
      validator: ({ fingerprint }) => {
        if (fingerprint !== input.submissionFingerprint) {
          throw ApplicationFailure.create({
            type: 'SubmissionMismatch',
            message: 'this case number belongs to another submission',
            nonRetryable: true,
          });
        }
      },
    },
  );
  setHandler(
    supplyMaterials,
    async ({ kinds, by }) => {
      await acts.recordMaterialsSupplied({ caseNumber, kinds, by, at: new Date().toISOString() });
      kinds.forEach((k) => supplied.add(k));
      return { stillMissing: requested.filter((k) => !supplied.has(k)) };
    },
    {
      validator: ({ kinds }: { kinds: string[] }) => {
        if (status !== 'awaiting_materials')
          throw ApplicationFailure.nonRetryable('No materials are being asked for', 'NotWaitingForMaterials');
        const unknown = kinds.filter((k) => !requested.includes(k));
        if (!kinds.length || unknown.length)
          throw ApplicationFailure.nonRetryable(
            `Not asked for: ${unknown.join(', ') || '(none given)'}`,
            'UnknownMaterial',
          );
      },
    },
  );
  setHandler(
    waiveArrears,
    async (_signed) => {
      waived.push(...arrearsMonths.filter((m) => !waived.includes(m)));
      return { waivedMonths: [...waived] };
    },
    {
      validator: (_signed) => {
        if (status !== 'awaiting_arrears')
          throw ApplicationFailure.nonRetryable('The case is not waiting on arrears', 'NotWaitingForArrears');
      },
    },
  );

  async function moveTo(next: ClaimStatus, event: string, data?: Record<string, unknown>, actor?: string) {
    status = next;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await acts.recordCaseStatus({
      caseNumber,
      status,
      event,
      ...(actor ? { actor } : {}),
      ...(data ? { data } : {}),
      at: new Date().toISOString(),
    });
  }
  const tell = (
    kind: Parameters<Activities['notifyApplicant']>[0]['kind'],
    params: Record<string, unknown>,
    suffix: string = kind,
  ) =>
    acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.${suffix}`,
      kind,
      params: { caseNumber, ...params } as never,
      at: new Date().toISOString(),
    });

  async function refuse(reasons: { message: string; article: string }[], actor?: string) {
    await moveTo('refused', 'claim_refused', { reasons }, actor);
    await tell('claim_refused', { reasons: reasons.map((r) => `${r.message}（${r.article}）`) });
    return finish();
  }
  /** Updates still answering finish before the workflow does. */
  async function finish(): Promise<ClaimStatus> {
    await condition(allHandlersFinished);
    return status;
  }

  const record = () =>
    (patched(LOCAL_INTAKE_PATCH) ? local : acts).recordClaimReceived({
      caseNumber,
      receivedAt: input.receivedAt,
      application,
      status: 'awaiting_acceptance',
      ...(input.filedBy ? { filedBy: input.filedBy } : {}),
    });

  try {
    // Art. 36: the paying locality's agency receives the application; the case opens in the read model.
    await record();
    status = 'awaiting_acceptance';
    recorded = true;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);

    // Art. 37: the automatic acceptance check, repeated after materials or arrears change the picture.
    let assessment!: AcceptanceAssessment;
    for (let round = 1; ; round++) {
      let unreadable: string | undefined;
      try {
        assessment = await acts.assessAcceptance({
          caseNumber,
          asOf: shanghaiDate(Date.now()),
          waivedMonths: [...waived],
          suppliedMaterials: [...supplied],
        });
      } catch (err) {
        unreadable = unreadableSource(err);
        if (!unreadable) throw err;
      }
      if (unreadable !== undefined) {
        // Art. 7, 37: the shared data could not be read (a garbled or refused answer, not an outage, which the
        // activity retries): nothing is decided on it. An intake clerk checks by hand, then has the check run again
        // (accept) or refuses with the reasons. The message names the source and the field, never the person.
        await acts.recordCaseStatus({
          caseNumber,
          status,
          event: `acceptance_source_unreadable_${round}`,
          data: { error: unreadable, article: 'Art. 37' },
          at: new Date().toISOString(),
        });
        const check = await tasks.humanTask({
          type: 'source_check',
          form: 'acceptance',
          step: 'accept',
          role: 'intake',
          agencyCode,
          dueKey: 'task.claimAcceptance',
        });
        if (check.decision.decision === 'refuse') {
          return await refuse(
            check.decision.reasons.map((r) => ({ message: r, article: 'Art. 37' })),
            check.by.username,
          );
        }
        continue;
      }
      await acts.recordCaseStatus({
        caseNumber,
        status,
        event: `acceptance_checked_${round}`,
        data: {
          outcome: assessment.outcome,
          reasons: assessment.reasons,
          contributionMonths: assessment.contributionMonths,
        },
        at: new Date().toISOString(),
      });
      if (assessment.outcome === 'refused') return await refuse(assessment.reasons);
      if (assessment.outcome === 'acceptable') break;

      if (assessment.outcome === 'materials_needed') {
        // 一次性告知: every missing material in one notice, with the deadline; closed if they do not come.
        requested = assessment.materials.map((m) => m.kind);
        const due = await acts.computeDeadline({ key: 'claim.materials', start: shanghaiDate(Date.now()) });
        await acts.recordMaterialsRequested({
          caseNumber,
          materials: assessment.materials,
          dueDate: due.dueDate,
          at: new Date().toISOString(),
        });
        await tell(
          'materials_requested',
          { materials: assessment.materials.map((m) => m.label), dueDate: due.dueDate },
          `materials.${round}`,
        );
        await moveTo('awaiting_materials', `materials_requested_${round}`, {
          materials: requested,
          dueDate: due.dueDate,
          ...(due.provisional ? { provisional: true } : {}),
        });
        // The person is told the date: recomputed on an entered calendar year, it never becomes earlier.
        const complete = await tasks.waitWithDeadline(`materials.${round}`, due, 'person', () =>
          requested.every((k) => supplied.has(k)),
        );
        if (!complete) {
          await moveTo('closed', 'materials_not_supplied', { missing: requested.filter((k) => !supplied.has(k)) });
          await tell('materials_not_supplied', {});
          return await finish();
        }
        await moveTo('awaiting_acceptance', `materials_supplied_${round}`);
        continue;
      }

      // Art. 41: told once; then wait for the back payment (seen in the tax data) or the signed waiver.
      arrearsMonths = assessment.arrearsMonths;
      if ((status as ClaimStatus) !== 'awaiting_arrears') {
        await tell('arrears_notice', { months: arrearsMonths.length }, 'arrears');
        await moveTo('awaiting_arrears', 'arrears_notified', { months: arrearsMonths });
      }
      await condition(() => arrearsMonths.every((m) => waived.includes(m)), ARREARS_RECHECK);
      if (arrearsMonths.every((m) => waived.includes(m))) {
        await acts.recordCaseStatus({
          caseNumber,
          status,
          event: 'arrears_waived',
          data: { months: [...waived], article: 'Art. 41' },
          at: new Date().toISOString(),
        });
      }
    }
    if ((status as ClaimStatus) !== 'awaiting_acceptance') await moveTo('awaiting_acceptance', 'acceptance_resumed');

    // Art. 14, 37: at a window, the intake clerk checks the originals and accepts (or refuses with the reasons).
    let accepter: string | undefined;
    if (application.channel === 'window') {
      const acceptance = await tasks.humanTask({
        type: 'claim_acceptance',
        form: 'acceptance',
        step: 'accept',
        role: 'intake',
        agencyCode,
        dueKey: 'task.claimAcceptance',
      });
      if (acceptance.decision.decision === 'refuse') {
        return await refuse(
          acceptance.decision.reasons.map((r) => ({ message: r, article: 'Art. 37' })),
          acceptance.by.username,
        );
      }
      accepter = acceptance.by.username;
    }

    // Art. 38: the determination by the calculators; Art. 38 para 3: a self-declared reason is flagged for audit.
    let version = 1;
    let determination: DeterminationResult = await acts.determineClaim({
      caseNumber,
      version,
      reason: 'initial',
      determinationDate: shanghaiDate(Date.now()),
      startDate: receivedOn,
      waivedMonths: [...waived],
      selfDeclared: assessment.selfDeclaredSeparation,
      createdBy: 'system',
    });
    let manualCorrection = false;
    review: for (;;) {
      const steps = claimReviewSteps({
        selfDeclaredSeparation: assessment.reviewSeparation,
        manualCorrection,
        largePayment: determination.largePayment,
      }) as Array<Extract<TaskStep, keyof typeof REVIEW_STEPS>>;
      await moveTo(
        steps.length ? REVIEW_STEPS[steps[0]!].status : 'approved',
        version === 1 ? 'claim_accepted' : `claim_recalculated_${version}`,
        {
          reviewSteps: steps,
          determination: {
            version,
            months: determination.months,
            monthlyAmountFen: determination.monthlyAmountFen,
            totalFen: determination.totalFen,
          },
          selfDeclaredSeparation: determination.selfDeclared,
          ...(determination.selfDeclared ? { auditFlag: 'self_declared_separation (Art. 38)' } : {}),
        },
        accepter,
      );
      for (const [i, step] of steps.entries()) {
        const { role, dueKey } = REVIEW_STEPS[step];
        const review = await tasks.humanTask({ type: `claim_${step}`, form: 'review', step, role, agencyCode, dueKey });
        const d = review.decision;
        if (d.decision === 'reject') {
          return await refuse(
            d.reasons.map((r) => ({ message: r, article: 'Art. 38' })),
            review.by.username,
          );
        }
        if (d.decision === 'correct') {
          // Art. 38 para 2: recalculated with the corrected information, then reviewed again on three levels.
          version += 1;
          manualCorrection = true;
          determination = await acts.determineClaim({
            caseNumber,
            version,
            reason: 'correction',
            determinationDate: shanghaiDate(Date.now()),
            startDate: receivedOn,
            waivedMonths: [...waived],
            selfDeclared: determination.selfDeclared,
            ...(d.corrections.deemedContributionMonths !== undefined
              ? { deemedContributionMonths: d.corrections.deemedContributionMonths }
              : {}),
            createdBy: review.by.username,
          });
          continue review;
        }
        const next = steps[i + 1];
        await moveTo(next ? REVIEW_STEPS[next].status : 'approved', `claim_${step}_passed`, {}, review.by.username);
      }
      break;
    }

    // Approved: the person is told; Art. 40 registration; the benefit period starts and lives on after this case.
    await tell('claim_approved', {
      months: determination.months,
      monthlyAmountFen: determination.monthlyAmountFen,
      startDate: determination.startDate,
      endDate: determination.endDate,
    });
    await acts.registerUnemployment({ caseNumber, startDate: determination.startDate, endDate: determination.endDate });
    await startChild(benefitPeriod, {
      workflowId: `${caseNumber}.P`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'benefit_period' },
        { key: AGENCY_CODE, value: agencyCode },
        { key: CASE_STATUS, value: 'in_payment' },
      ],
      args: [
        {
          periodId: `${caseNumber}.P`,
          caseNumber,
          agencyCode,
          startDate: determination.startDate,
          endDate: determination.endDate,
          months: determination.months,
          monthlyAmountFen: determination.monthlyAmountFen,
        },
      ],
    });
    return await finish();
  } catch (err) {
    if (isCancellation(err)) {
      // A supervisor or the applicant cancelled the case: record it, whatever happens to the cancelled scope.
      await CancellationScope.nonCancellable(async () => {
        // Every case Temporal knows is in the read model, even one cancelled before it was recorded.
        if (!recorded) await record();
        await tasks.cancelOpen();
        await moveTo('cancelled', 'case_cancelled');
      });
    }
    throw err;
  }
}
