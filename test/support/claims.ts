/**
 * A claim as POST /claims opens it (Art. 36): the application written to the read model, then its workflow started
 * with the case number alone. For tests that start a claim's workflow on a server of their own.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ClaimRequest } from '../../api/claims/schema';
import { writeClaimReceived } from '../../lib/claim-received';
import type { Db } from '../../lib/db';
import { benefitClaim } from '../../workflows/benefit-claim';

export async function openClaim(
  env: TestWorkflowEnvironment,
  db: Db,
  taskQueue: string,
  caseNumber: string,
  application: ClaimRequest,
) {
  const receivedAt = new Date(await env.currentTimeMs()).toISOString();
  await writeClaimReceived(db, {
    caseNumber,
    receivedAt,
    application,
    status: 'awaiting_acceptance',
    submissionFingerprint: `test-${caseNumber}`,
  });
  return env.client.workflow.start(benefitClaim, {
    workflowId: caseNumber,
    taskQueue,
    args: [
      {
        caseNumber,
        receivedAt,
        agencyCode: application.payingLocality.agencyCode,
        channel: application.channel,
      },
    ],
  });
}
