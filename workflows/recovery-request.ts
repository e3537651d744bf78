/**
 * 待遇退回 (Art. 43): the recovery of a stop is a case of the claim it concerns. Whoever stops the period (the period
 * itself, a revocation, another case) asks the claim's workflow for it (signal `recoveryNeeded` to the claim's case
 * number); the claim starts it as its child and stays open until every recovery of its period is settled, so the
 * recovery's parent runs as long as it does. A claim no longer running (approved before it waited for its period, ended
 * before a period resumed on objection stopped again, or a stop found after its period ended) cannot be asked: the
 * recovery is then started on its own (activity `startRecovery`, as every recovery was before), not as the child of the
 * case that found the stop, which closes long before 30 days of repayment do (a child of a closed parent also stops
 * Temporal's time-skipping test server, temporalio/sdk-java#1618: seen in test/timers/other-benefits.test.ts). One
 * recovery per stop: its ID is the stop's (`<case>.R<seq>`), and an ID used before is never started again from here
 * (only an auditor's earlier stop date restarts a closed one, api/recovery/router.ts). Workflow code (deterministic).
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  defineSignal,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { overpaymentRecovery } from './overpayment-recovery';
import type { RecoveryInput } from '../contracts/recovery';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

/** Art. 43: start the recovery of a stop (sent to the claim's workflow, whose child it becomes). */
export const recoveryNeeded = defineSignal<[RecoveryInput]>('recoveryNeeded');

/** The recovery as a child of the running workflow; null when it was started before (by anyone). */
export async function startRecoveryChild(
  input: RecoveryInput,
): Promise<ChildWorkflowHandle<typeof overpaymentRecovery> | null> {
  try {
    return await startChild(overpaymentRecovery, {
      workflowId: input.recoveryId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'overpayment_recovery' },
        { key: AGENCY_CODE, value: input.agencyCode },
        { key: CASE_STATUS, value: 'opening' },
      ],
      args: [input],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
    throw err;
  }
}

/** Asks the claim for the recovery of a stop; a claim not running: started on its own. Answers who started it. */
export async function requestRecovery(input: RecoveryInput): Promise<'claim' | 'own'> {
  try {
    await getExternalWorkflowHandle(input.caseNumber).signal(recoveryNeeded, input);
    return 'claim';
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
  // Not a child of the case that found the stop: that case closes long before 30 days of repayment do.
  await acts.startRecovery(input);
  return 'own';
}
