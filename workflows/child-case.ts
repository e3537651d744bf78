/**
 * A case started by a workflow as its child (Art. 43 recoveries, Art. 80 verifications, Art. 42 para 2 a period resumed
 * on objection): its case type, agency and first status as search attributes, ABANDON (a parent terminated by an
 * operator does not cut the case off; the parent itself stays open until the child has closed, since a child left
 * running by a closed parent stops Temporal's time-skipping test server, temporalio/sdk-java#1618). An ID in use is
 * left as it is: answers null. Workflow code (deterministic).
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  startChild,
  type ChildWorkflowHandle,
  type ChildWorkflowOptions,
  type Workflow,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';

export async function startChildCase<W extends Workflow>(
  workflow: W,
  o: {
    workflowId: string;
    caseType: string;
    agencyCode: string;
    status: string;
    args: Parameters<W>;
    /** REJECT_DUPLICATE: never again once used (a recovery, an item); ALLOW_DUPLICATE: again once closed (a period). */
    reuse: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE';
  },
): Promise<ChildWorkflowHandle<W> | null> {
  // The options are those of startChild; `args` is typed by W above.
  const start = startChild as (
    w: W,
    options: ChildWorkflowOptions & { args: Parameters<W> },
  ) => Promise<ChildWorkflowHandle<W>>;
  try {
    return await start(workflow, {
      workflowId: o.workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy[o.reuse],
      typedSearchAttributes: [
        { key: CASE_TYPE, value: o.caseType },
        { key: AGENCY_CODE, value: o.agencyCode },
        { key: CASE_STATUS, value: o.status },
      ],
      args: o.args,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
    throw err;
  }
}
