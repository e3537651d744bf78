/**
 * Art. 36: a claim is written before its workflow starts (lib/claim-received.ts). If the start failed and the claim
 * could not be taken back, or its outcome was unknown (POST /claims answered 202), the system starts it here: every
 * claim written and still untouched after a while gets its workflow, once (the workflow ID is the case number, and a
 * workflow already there is left as it is). The API process runs it every minute (api/server.ts).
 */
import type { Client } from '@temporalio/client';
import { claimSearchAttributes, type BenefitClaimInput, type ClaimChannel } from '../contracts/claim';
import { claimsNotStarted } from './claim-received';
import type { Db } from './db';
import { startWritten } from './written-starts';

/** Starts the claims written at least `olderThanMs` ago that have no workflow; answers the case numbers it started. */
export async function startClaimsNotStarted(
  db: Db,
  temporal: Client,
  taskQueue: string,
  olderThanMs = 120_000,
): Promise<string[]> {
  const claims = await claimsNotStarted(db, olderThanMs);
  return startWritten(
    temporal,
    taskQueue,
    claims.map((c) => {
      const input: BenefitClaimInput = {
        caseNumber: c.caseNumber,
        receivedAt: c.receivedAt,
        agencyCode: c.agencyCode,
        channel: c.channel as ClaimChannel,
      };
      return {
        workflowType: 'benefitClaim',
        workflowId: c.caseNumber,
        args: [input],
        typedSearchAttributes: [...claimSearchAttributes(c.agencyCode)],
      };
    }),
  );
}
