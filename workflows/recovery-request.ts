/**
 * 待遇退回 (Art. 43): the recovery of a stop is a case of the claim it concerns. Whoever stops the period (the period
 * itself, a revocation, another case) asks the claim's workflow for it (signal `recoveryNeeded` to the claim's case
 * number); the claim starts it as its child and stays open until every recovery of its period is settled, so the
 * recovery's parent runs as long as it does. A claim no longer running (ended before a period resumed on objection
 * stopped again, or a stop found after its period ended) cannot be asked: the workflow that found the stop starts the
 * recovery as its own child and stays open until it is settled (`ownRecoveriesSettled`, awaited after every workflow's
 * main function by workflows/interceptors.ts). Its parent close policy is ABANDON all the same (a parent terminated by
 * an operator does not cut a recovery off), but no parent closes under a running recovery: a child left running by a
 * closed parent stops Temporal's time-skipping test server (temporalio/sdk-java#1618, seen in
 * test/timers/other-benefits.test.ts). One recovery per stop: its ID is the stop's (`<case>.R<seq>`), and an ID used
 * before is never started again from here (REJECT_DUPLICATE; only an auditor's earlier stop date restarts a closed one,
 * api/recovery/router.ts). Workflow code (deterministic).
 */
import { getExternalWorkflowHandle, isCancellation, type ChildWorkflowHandle } from '@temporalio/workflow';
import { startChildCase } from './child-case';
import { overpaymentRecovery } from './overpayment-recovery';
import { recoveryNeeded, type RecoveryInput } from '../contracts/recovery';

export { recoveryNeeded };

/** The recovery as a child of the running workflow; null when it was started before (by anyone). */
export async function startRecoveryChild(
  input: RecoveryInput,
): Promise<ChildWorkflowHandle<typeof overpaymentRecovery> | null> {
  return startChildCase(overpaymentRecovery, {
    workflowId: input.recoveryId,
    caseType: 'overpayment_recovery',
    agencyCode: input.agencyCode,
    status: 'opening',
    args: [input],
    reuse: 'REJECT_DUPLICATE',
  });
}

/** The recoveries this workflow started itself, each settled (completed or failed) or not. */
const ownRecoveries: Promise<unknown>[] = [];

/**
 * Resolves once every recovery this workflow started as its own child is settled (workflows/interceptors.ts awaits it
 * after each workflow's main function; the period before it continues as new). Module state is per workflow run.
 */
export async function ownRecoveriesSettled(): Promise<void> {
  while (ownRecoveries.length) await ownRecoveries.shift();
}

/** Asks the claim for the recovery of a stop; a claim not running: started here, as a child. Answers who started it. */
export async function requestRecovery(input: RecoveryInput): Promise<'claim' | 'own'> {
  try {
    await getExternalWorkflowHandle(input.caseNumber).signal(recoveryNeeded, input);
    return 'claim';
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
  const recovery = await startRecoveryChild(input);
  if (recovery) ownRecoveries.push(recovery.result().catch(() => undefined));
  return 'own';
}
