/**
 * 单位信息变更, the reviewed half (Art. 17 para 1): a change of the employer's name, USCC or bank account, requested
 * with the supporting documents, is applied only after the agency reviewed them. One workflow per request; its ID is
 * the case number (DWB-…); the requested values stay in the read model, never in this history.
 *
 *   1. request    recorded by the API with the items, the new values and the documents supplied; its step here
 *   2. review     审核 by a reviewer of the employer's agency, due per policy (`task.employerChangeReview`)
 *   3. decided    approved: applied to the register with its history row and audit entry (conflict if the new USCC
 *                 was registered by another meanwhile), then told to the pension registration (Art. 15); rejected:
 *                 the reasons recorded, the register unchanged
 */
import { CancellationScope, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EmployerChangeStatus } from '../activities/register';
import type { EmployerChangeInput } from '../contracts/register';
import { CASE_ACTIVITY } from './activity-options';
import { createTaskBoard } from './tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export async function employerChange(input: EmployerChangeInput): Promise<EmployerChangeStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'employer_change' });
  const iso = () => new Date().toISOString();
  try {
    // 1. The request.
    await acts.recordEmployerChangeStep({
      caseNumber,
      status: 'awaiting_review',
      event: 'employer_change_requested',
      at: iso(),
    });

    // 2. Art. 17 para 1: the agency reviews the documents.
    const review = await tasks.humanTask({
      type: 'employer_change_review',
      form: 'approval',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.employerChangeReview',
    });
    const by = { userId: review.by.userId, username: review.by.username };

    // 3. Decided.
    if (review.decision.decision === 'reject') {
      await acts.recordEmployerChangeStep({
        caseNumber,
        status: 'rejected',
        event: 'employer_change_rejected',
        by,
        reasons: review.decision.reasons,
        at: iso(),
      });
      return 'rejected';
    }
    const status = await acts.applyEmployerChange({ caseNumber, by, at: iso() });
    // Art. 15: the pension registration told of the change.
    if (status === 'applied') await acts.informPensionOfChange({ caseNumber });
    return status;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await acts.recordEmployerChangeStep({
          caseNumber,
          status: 'cancelled',
          event: 'employer_change_cancelled',
          at: iso(),
        });
      });
    }
    throw err;
  }
}
