/**
 * 数据维护 (Art. 93): a manual correction of data that the normal steps of a case cannot put right is a case of its
 * own, on a whitelist of fields (policy/data-correction-field.json). One workflow per correction; its ID is the case
 * number (SJW-…, no personal data); the field's old and new values stay in the read model, never in this history.
 *
 *   1. request    recorded with the field, old and new value and the reason (by the API), and audited
 *   2. review     审核 by a reviewer of the case's agency
 *   3. approval   审批 by an approver of the level the province set for the field (Art. 93 省、市分级数据维护权限);
 *                 never the reviewer (岗位不相容, Art. 5, 77: the task primitive refuses them)
 *   4. applied    the record is changed in one transaction with its audit entry (在系统内留痕), if it still holds
 *                 the old value; otherwise nothing changes and the case ends in conflict
 */
import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { DataCorrectionStatus } from '../activities/data-correction';
import { CASE_STATUS } from '../contracts/search-attributes';
import { createTaskBoard, throughLevels } from './tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export interface DataCorrectionInput {
  caseNumber: string;
  /** The agency of the corrected record's case: its reviewers review. */
  agencyCode: string;
  /** The agency whose approvers approve (the city or the province, by field). */
  approvalAgencyCode: string;
}

export async function dataCorrection(input: DataCorrectionInput): Promise<DataCorrectionStatus> {
  const { caseNumber, agencyCode, approvalAgencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'data_correction' });
  const iso = () => new Date().toISOString();
  const show = (status: DataCorrectionStatus) => upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
  try {
    // 1. The request, audited.
    await acts.recordDataCorrectionStep({
      caseNumber,
      status: 'awaiting_review',
      event: 'data_correction_requested',
      at: iso(),
    });
    show('awaiting_review');

    // 2-3. Review, then approval by another person (the task primitive's levels refuse the reviewer: step approve
    // after review); the review recorded before the approval opens.
    const outcome = await throughLevels(
      tasks,
      [
        {
          type: 'data_correction_review',
          step: 'review',
          role: 'reviewer',
          agencyCode,
          dueKey: 'task.dataCorrectionReview',
        },
        {
          type: 'data_correction_approval',
          step: 'approve',
          role: 'approver',
          agencyCode: approvalAgencyCode,
          dueKey: 'task.dataCorrectionApproval',
        },
      ],
      async (level, by) => {
        if (level.step !== 'review') return;
        await acts.recordDataCorrectionStep({
          caseNumber,
          status: 'awaiting_approval',
          event: 'data_correction_reviewed',
          by: { userId: by.userId, username: by.username },
          step: 'review',
          at: iso(),
        });
        show('awaiting_approval');
      },
    );
    const approver = { userId: outcome.by.userId, username: outcome.by.username };
    if (outcome.decision === 'reject') {
      const inReview = outcome.step === 'review';
      await acts.recordDataCorrectionStep({
        caseNumber,
        status: 'rejected',
        event: inReview ? 'data_correction_rejected_in_review' : 'data_correction_rejected_in_approval',
        by: approver,
        step: inReview ? 'review' : 'approve',
        reasons: outcome.reasons,
        at: iso(),
      });
      show('rejected');
      return 'rejected';
    }

    // 4. Applied, with its audit entry.
    const { status } = await acts.applyDataCorrection({ caseNumber, by: approver, at: iso() });
    show(status);
    return status;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await acts.recordDataCorrectionStep({
          caseNumber,
          status: 'cancelled',
          event: 'data_correction_cancelled',
          at: iso(),
        });
      });
      show('cancelled');
    }
    throw err;
  }
}
