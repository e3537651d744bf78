/**
 * Cases are written to PostgreSQL before their workflows start (Art. 15, 36: the claim, the employer's registration).
 * When a start failed and the request was not sent again, the system starts what was written: the one mechanism for
 * every such kind (lib/claim-starts.ts, lib/employer-registration-starts.ts), run by the API process every minute
 * (api/server.ts). Each workflow is started once: its ID is the record's, and one already there, running or ended, is
 * left as it is.
 */
import { WorkflowExecutionAlreadyStartedError, type TypedSearchAttributes } from '@temporalio/common';
import type { Client } from '@temporalio/client';

/** A workflow to start for a record written before it. */
export interface WrittenStart {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  typedSearchAttributes?: ConstructorParameters<typeof TypedSearchAttributes>[0];
}

/** Starts each workflow not yet there; answers the IDs it started. */
export async function startWritten(temporal: Client, taskQueue: string, starts: WrittenStart[]): Promise<string[]> {
  const started: string[] = [];
  for (const s of starts) {
    try {
      await temporal.workflow.start(s.workflowType, {
        workflowId: s.workflowId,
        taskQueue,
        args: s.args,
        // Running already, or run and ended: nothing to start.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        ...(s.typedSearchAttributes ? { typedSearchAttributes: s.typedSearchAttributes } : {}),
      });
      started.push(s.workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return started;
}
