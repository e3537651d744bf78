/**
 * Art. 36: a claim is written before its workflow starts (lib/claim-received.ts). If the start failed and the claim
 * could not be taken back, or its outcome was unknown (POST /claims answered 202), the system starts it here: every
 * claim written and still untouched after a while gets its workflow, once (the workflow ID is the case number, and a
 * workflow already there is left as it is). The API process runs it every minute (api/server.ts).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { claimSearchAttributes, type BenefitClaimWorkflow, type ClaimChannel } from '../contracts/claim';
import { claimsNotStarted } from './claim-received';
import type { Db } from './db';

/** Starts the claims written at least `olderThanMs` ago that have no workflow; answers the case numbers it started. */
export async function startClaimsNotStarted(
  db: Db,
  temporal: Client,
  taskQueue: string,
  olderThanMs = 120_000,
): Promise<string[]> {
  const started: string[] = [];
  for (const c of await claimsNotStarted(db, olderThanMs)) {
    try {
      await temporal.workflow.start<BenefitClaimWorkflow>('benefitClaim', {
        workflowId: c.caseNumber,
        taskQueue,
        args: [
          {
            caseNumber: c.caseNumber,
            receivedAt: c.receivedAt,
            agencyCode: c.agencyCode,
            channel: c.channel as ClaimChannel,
          },
        ],
        // Running already, or run and ended: nothing to start (the case number is its workflow's ID).
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [...claimSearchAttributes(c.agencyCode)],
      });
      started.push(c.caseNumber);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return started;
}
