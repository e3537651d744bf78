/**
 * The one way the API starts a case it has just written (the case row, the type's own row, its first event): the
 * workflow under the case number, with the search attributes the lists and the stuck view read. If Temporal does not
 * take it, `takeBack` removes what the request wrote (nothing half-written) and the caller is answered 503 with
 * Retry-After (api/errors.ts dependencyOutage), so that a retry with the same Idempotency-Key starts afresh.
 */
import type { Client } from '@temporalio/client';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { dependencyOutage } from './errors';

export interface CaseStart {
  workflowType: string;
  caseNumber: string;
  taskQueue: string;
  args: unknown[];
  caseType: string;
  agencyCode: string;
  /** The status the case shows until its workflow sets its own. */
  status: string;
}

export async function startCaseOrTakeBack(
  temporal: Client,
  s: CaseStart,
  takeBack: () => Promise<unknown>,
): Promise<void> {
  try {
    await temporal.workflow.start(s.workflowType, {
      workflowId: s.caseNumber,
      taskQueue: s.taskQueue,
      args: s.args,
      typedSearchAttributes: [
        { key: CASE_TYPE, value: s.caseType },
        { key: AGENCY_CODE, value: s.agencyCode },
        { key: CASE_STATUS, value: s.status },
      ],
    });
  } catch (err) {
    await takeBack();
    throw dependencyOutage(err) ?? err;
  }
}
