/**
 * 失业保险金申领: one workflow per application; its ID is the case number (no personal data in it).
 *
 *   1. received      the paying locality's agency receives the application; the case opens in the read model (Art. 35-36)
 *   2. acceptance    an intake clerk accepts it, or refuses it with every reason (Art. 37)
 *   3. review        by risk: none, one review, or review + second review + approval (Art. 11, 28, 65), each step by
 *                    a different person (岗位不相容, Art. 5, 77)
 *   4. approved      (the determination and the benefit period follow with the benefit-claim issue)
 *
 * Every human step is a task of the task primitive (workflows/tasks.ts): due on the working-day calendar, escalated
 * when overdue.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StaffRole } from '../domain/access';
import { claimReviewSteps, type TaskStep } from '../domain/tasks';
import { CASE_STATUS } from './search-attributes';
import { createTaskBoard } from './tasks';
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
  | 'awaiting_review'
  | 'awaiting_second_review'
  | 'awaiting_approval'
  | 'approved'
  | 'refused'
  | 'cancelled';

export interface SubmissionReceipt {
  caseNumber: string;
  status: ClaimStatus;
  /** True when this confirmation repeats an earlier one (a retried request). */
  replayed: boolean;
}

/** Sent with the start (update-with-start): completes once the case is in the read model. */
export const confirmSubmission = defineUpdate<SubmissionReceipt, [{ fingerprint: string }]>('confirmSubmission');
export const claimStatus = defineQuery<ClaimStatus>('claimStatus');

const { recordClaimReceived, recordCaseStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Who does each review step, and its time limit (policy/deadline.json). */
const REVIEW_STEPS: Record<
  'review' | 'second_review' | 'approve',
  { role: StaffRole; dueKey: string; status: ClaimStatus }
> = {
  review: { role: 'reviewer', dueKey: 'task.claimReview', status: 'awaiting_review' },
  second_review: { role: 'second_reviewer', dueKey: 'task.claimSecondReview', status: 'awaiting_second_review' },
  approve: { role: 'approver', dueKey: 'task.claimApproval', status: 'awaiting_approval' },
};

export async function benefitClaim(input: BenefitClaimInput): Promise<ClaimStatus> {
  const { caseNumber, application } = input;
  const agencyCode = application.payingLocality.agencyCode;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'benefit_claim' });
  let status: ClaimStatus = 'received';
  let recorded = false;
  let confirmations = 0;

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

  async function moveTo(next: ClaimStatus, event: string, data?: Record<string, unknown>, actor?: string) {
    status = next;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await recordCaseStatus({
      caseNumber,
      status,
      event,
      ...(actor ? { actor } : {}),
      ...(data ? { data } : {}),
      at: new Date().toISOString(),
    });
  }

  const record = () =>
    recordClaimReceived({
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

    // Art. 37: acceptance by an intake clerk of the paying agency; a refusal states every reason.
    const acceptance = await tasks.humanTask({
      type: 'claim_acceptance',
      form: 'acceptance',
      step: 'accept',
      role: 'intake',
      agencyCode,
      dueKey: 'task.claimAcceptance',
    });
    if (acceptance.decision.decision === 'refuse') {
      await moveTo(
        'refused',
        'claim_refused',
        { reasons: acceptance.decision.reasons, article: 'Art. 37' },
        acceptance.by.username,
      );
      return status;
    }

    // Art. 11, 28, 65: the review steps the case's risk calls for, each by a different person.
    const steps = claimReviewSteps({
      selfDeclaredSeparation: application.separation.reason === 'other',
      manualCorrection: false,
      largePayment: null,
    }) as Array<Extract<TaskStep, keyof typeof REVIEW_STEPS>>;
    await moveTo(
      steps.length ? REVIEW_STEPS[steps[0]!].status : 'approved',
      'claim_accepted',
      { reviewSteps: steps },
      acceptance.by.username,
    );
    for (const [i, step] of steps.entries()) {
      const { role, dueKey } = REVIEW_STEPS[step];
      const review = await tasks.humanTask({ type: `claim_${step}`, form: 'review', step, role, agencyCode, dueKey });
      if (review.decision.decision === 'reject') {
        await moveTo('refused', 'claim_refused', { reasons: review.decision.reasons, step }, review.by.username);
        return status;
      }
      const next = steps[i + 1];
      await moveTo(next ? REVIEW_STEPS[next].status : 'approved', `claim_${step}_passed`, {}, review.by.username);
    }
    return status;
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
