/**
 * 个人缴费记录修改 (Art. 28): a person's contribution record created (补建), added or amended (补记、更改) on an
 * application with its evidence. One workflow per correction; its ID is the case number (JFX-…, no personal data).
 *
 *   1. application  recorded by the API (or by the record dispute that found the month wrong, Art. 31) with the
 *                   change, the record as it stands and the evidence (labour contract, identity, proof of payment)
 *   2. levels       初审 (reviewer), 复核 (second reviewer), 审批 (approver), three people: the task primitive refuses one
 *                   who did an earlier level (岗位不相容); each level recorded and audited; a rejection ends the case
 *   3. applied      a NEW version of the record (source `correction`, the case number as its source run), the old
 *                   version kept and superseded; a record changed since the application writes nothing (conflict)
 *   4. Art. 38      each open claim of the person is told (signal `contributionsCorrected`): it determines itself
 *                   again from the corrected record, changes what its period pays and tells the person by SMS
 */
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { CASE_STATUS } from '../contracts/search-attributes';
import { contributionsCorrected, type RecordCorrectionInput } from '../contracts/record-correction';
import { CORRECTION_LEVELS, type ContributionCorrectionStatus } from '../domain/contribution-correction';
import { STEP_NAMES } from '../domain/tasks';
import { createTaskBoard, throughLevels } from './tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export async function recordCorrection(input: RecordCorrectionInput): Promise<ContributionCorrectionStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({
    caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'contribution_correction',
  });
  const iso = () => new Date().toISOString();
  const show = (status: ContributionCorrectionStatus) => upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
  try {
    // 2. 初审、复核、审批, each by another person (the primitive refuses the one who did an earlier level).
    const levels = CORRECTION_LEVELS.map((l) => ({
      type: `contribution_correction_${l.step}`,
      step: l.step,
      role: l.role,
      agencyCode,
      dueKey: l.dueKey,
    }));
    const outcome = await throughLevels(tasks, levels, async (level, by, i) => {
      const next = CORRECTION_LEVELS[i + 1];
      if (!next) return; // the last level's approval is recorded with the new version (step 3)
      await acts.recordContributionCorrectionStep({
        caseNumber,
        status: next.status,
        event: `contribution_correction_${level.step}_passed`,
        by: { userId: by.userId, username: by.username },
        step: level.step,
        at: iso(),
      });
      show(next.status);
    });
    if (outcome.decision === 'reject') {
      await acts.recordContributionCorrectionStep({
        caseNumber,
        status: 'rejected',
        event: `contribution_correction_rejected_${outcome.step}`,
        by: { userId: outcome.by.userId, username: outcome.by.username },
        step: outcome.step,
        reasons: [`${STEP_NAMES[outcome.step]}不通过`, ...outcome.reasons],
        at: iso(),
      });
      show('rejected');
      return 'rejected';
    }

    // 3. A new version of the record, the old one kept.
    const by = { userId: outcome.by.userId, username: outcome.by.username };
    const applied = await acts.applyContributionCorrection({ caseNumber, by, at: iso() });
    show(applied.status);

    // 4. Art. 38: each open claim of the person determines itself again (the claim owns its life: a signal).
    for (const claimNumber of applied.openClaims) {
      try {
        await getExternalWorkflowHandle(claimNumber).signal(contributionsCorrected, {
          correctionNumber: caseNumber,
          by,
          at: iso(),
        });
        await acts.recordClaimToldOfCorrection({ caseNumber, claimNumber, at: iso() });
      } catch (err) {
        if (isCancellation(err)) throw err;
        // A claim whose workflow has ended has nothing open to determine again.
      }
    }
    return applied.status;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await acts.recordContributionCorrectionStep({
          caseNumber,
          status: 'cancelled',
          event: 'contribution_correction_cancelled',
          at: iso(),
        });
      });
      show('cancelled');
    }
    throw err;
  }
}
