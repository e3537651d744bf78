/**
 * Staff reduction (暂停参保, Art. 21) and the register's follow-ups (登记督办, Art. 17, 19, 21), two workflows:
 *
 * `staffReduction`: one per declared reduction; its ID is `staff-reduction-<relation ID>`, its input the relation ID.
 *   1. notice     the 《失业保险金申领告知书》 to the person by SMS (the printable notice on the employer's page)
 *   2. late       declared later than 15 days after the separation: recorded on the relation (by the API) and
 *                 flagged to a clerk as a follow-up case, this workflow's child
 *
 * `registerFollowUp`: one per follow-up case (DJC-…): a task for a reviewer of the employer's agency, due on the
 * working-day calendar (policy `task.registerFollowUp`), escalated when overdue; the outcome (handled or dismissed,
 * with what was done) resolves the case's findings.
 */
import { CancellationScope, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  RegisterFollowUpInput,
  RegisterFollowUpOutcome,
  StaffReductionInput,
  StaffReductionOutcome,
} from '../contracts/separations';
import { CASE_ACTIVITY } from './activity-options';
import { startChildCase } from './child-case';
import { createTaskBoard } from './tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export async function staffReduction(input: StaffReductionInput): Promise<StaffReductionOutcome> {
  // 1. Art. 21: the claim notice letter.
  const { late } = await acts.sendClaimNoticeLetter({ relationId: input.relationId });
  if (!late) return 'notified';
  // 2. Art. 21: declared late: a clerk follows it up.
  const followUp = await acts.openLateReductionFollowUp({ relationId: input.relationId, at: new Date().toISOString() });
  const child = await startChildCase(registerFollowUp, {
    workflowId: followUp.caseNumber,
    caseType: 'register_follow_up',
    agencyCode: followUp.agencyCode,
    status: 'opened',
    args: [followUp],
    reuse: 'REJECT_DUPLICATE',
  });
  if (child) await child.result();
  return 'flagged';
}

export async function registerFollowUp(input: RegisterFollowUpInput): Promise<RegisterFollowUpOutcome> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'register_follow_up' });
  try {
    await acts.markFollowUpAwaiting({ caseNumber, at: new Date().toISOString() });
    // Art. 17, 19, 21: a clerk of the employer's agency follows it up.
    const t = await tasks.humanTask({
      type: 'register_follow_up',
      form: 'registerFollowUp',
      step: 'verify',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.registerFollowUp',
    });
    await acts.recordFollowUpOutcome({
      caseNumber,
      decision: t.decision.decision,
      reasons: t.decision.reasons,
      by: { userId: t.by.userId, username: t.by.username },
      at: new Date().toISOString(),
    });
    return t.decision.decision;
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => tasks.cancelOpen());
    throw err;
  }
}
