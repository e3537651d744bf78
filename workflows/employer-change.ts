/**
 * 单位信息变更, the reviewed half (Art. 17 para 1): a change of the employer's name, USCC or bank account, requested
 * with the supporting documents, is applied only after the agency reviewed them. One workflow per request; its ID is
 * the case number (DWB-…); the requested values stay in the read model, never in this history. Its life is the case
 * kernel's (workflows/kernel/case.ts): the status on the search attribute and the request's row moved together, a
 * cancellation ending its open task and recording the case `cancelled`.
 *
 *   1. request    recorded by the API with the items, the new values and the documents supplied; its step here
 *   2. review     审核 by a reviewer of the employer's agency, due per policy (`task.employerChangeReview`)
 *   3. decided    approved: applied to the register with its history row and audit entry (conflict if the new USCC
 *                 was registered by another meanwhile), then told to the pension registration (Art. 15); rejected:
 *                 the reasons recorded, the register unchanged
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EmployerChangeStatus } from '../activities/register';
import type { EmployerChangeInput } from '../contracts/register';
import { CASE_ACTIVITY } from './activity-options';
import { caseLife, untilCancelled } from './kernel/case';
import { createTaskBoard } from './tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

type Step = Pick<Parameters<Activities['recordEmployerChangeStep']>[0], 'by' | 'reasons'>;

export async function employerChange(input: EmployerChangeInput): Promise<EmployerChangeStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'employer_change' });
  // The request's row is the case's read model: its writer records each status with who decided and why.
  const life = caseLife<EmployerChangeStatus>({
    caseNumber,
    initial: 'awaiting_review',
    record: ({ status, event, data, at }) =>
      acts.recordEmployerChangeStep({ caseNumber, status, event, at, ...((data ?? {}) as Step) }),
  });
  return untilCancelled(life, tasks, async () => {
    // 1. The request.
    await life.moveTo('awaiting_review', 'employer_change_requested');

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
      await life.moveTo('rejected', 'employer_change_rejected', { by, reasons: review.decision.reasons });
      return 'rejected';
    }
    const status = await acts.applyEmployerChange({ caseNumber, by, at: new Date().toISOString() });
    life.show(status);
    // Art. 15: the pension registration told of the change.
    if (status === 'applied') await acts.informPensionOfChange({ caseNumber });
    return status;
  });
}
