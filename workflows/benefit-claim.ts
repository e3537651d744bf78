/**
 * 失业保险金申领: one workflow per application; its ID is the case number (no personal data in it).
 *
 * This is the spine of the procedure: the application is received and recorded with the paying locality's agency
 * (Art. 35-36), then the case waits for acceptance (Art. 37). The acceptance checks, determination (Art. 38) and the
 * benefit period come with the benefit-claim issue; they extend this workflow step by step.
 */
import {
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  ApplicationFailure,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_STATUS } from './search-attributes';
import type { ClaimApplication } from './types';

export interface BenefitClaimInput {
  caseNumber: string;
  /** When the agency received the application (ISO instant): the API's clock, recorded once in history. */
  receivedAt: string;
  application: ClaimApplication;
  /** Identifies this submission: a retried POST with the same idempotency key carries the same fingerprint. */
  submissionFingerprint: string;
}

export type ClaimStatus = 'received' | 'awaiting_acceptance' | 'cancelled';

export interface SubmissionReceipt {
  caseNumber: string;
  status: ClaimStatus;
  /** True when this confirmation repeats an earlier one (a retried request). */
  replayed: boolean;
}

/** Sent with the start (update-with-start): completes once the case is in the read model. */
export const confirmSubmission = defineUpdate<SubmissionReceipt, [{ fingerprint: string }]>('confirmSubmission');
export const claimStatus = defineQuery<ClaimStatus>('claimStatus');

const { recordClaimReceived, recordCaseClosed } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function benefitClaim(input: BenefitClaimInput): Promise<ClaimStatus> {
  const { caseNumber } = input;
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

  const record = () =>
    recordClaimReceived({
      caseNumber,
      receivedAt: input.receivedAt,
      application: input.application,
      status: 'awaiting_acceptance',
    });

  try {
    // Art. 36: the paying locality's agency receives the application; the case opens in the read model.
    await record();
    status = 'awaiting_acceptance';
    recorded = true;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);

    // Art. 37: acceptance. The case waits for the intake decision (the task primitive comes with a later issue).
    await condition(() => false);
    return status;
  } catch (err) {
    if (isCancellation(err)) {
      // A supervisor or the applicant cancelled the case: record it, whatever happens to the cancelled scope.
      await CancellationScope.nonCancellable(async () => {
        // Every case Temporal knows is in the read model, even one cancelled before it was recorded.
        if (!recorded) await record();
        status = 'cancelled';
        upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
        await recordCaseClosed({ caseNumber, status, at: new Date().toISOString() });
      });
    }
    throw err;
  }
}
