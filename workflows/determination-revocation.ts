/**
 * 撤销核定 (Art. 42, 43; Art. 5, 77 岗位不相容): a determination found wrong after the claim was approved — an objection
 * upheld against the agency, an audit finding, a record that came late — is revoked by two people. One workflow per
 * revocation; its ID is its case number (CXH-…, no personal data).
 *
 *   1. proposed    a reviewer or an auditor proposes it with the grounds, the reference and the reasons (the API)
 *   2. approval    an approver who did not propose it approves or rejects (a task; 岗位不相容)
 *   3. revoked     the determination version is marked revoked and the claim's status is `revoked` (read model);
 *                  the benefit period stops from the month the determination was wrong (Art. 42: 立即停止发放), a
 *                  stop of its own kind; what was paid on it goes to the recovery of that stop (Art. 43: asked of the
 *                  claim, workflows/recovery-request.ts); the person is told with the remedies and their dates
 *                  (Art. 13). Everything audited.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { revokePeriod } from '../contracts/benefit-period';
import { requestRecovery } from './recovery-request';
import { CASE_STATUS } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';
import type { RevocationInput, RevocationStatus } from '../contracts/revocation';
import { monthOfDate, shanghaiDate } from '../domain/business-time';
import { REVOCATION_PROPOSAL_STEP } from '../domain/tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export async function determinationRevocation(input: RevocationInput): Promise<RevocationStatus> {
  const { caseNumber, claimCaseNumber, agencyCode } = input;
  const tasks = createTaskBoard({
    caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'determination_revocation',
  });
  const iso = () => new Date().toISOString();

  // 1. Proposed: the case and its proposal in the read model, audited; the proposer's step for 岗位不相容.
  await acts.recordRevocationProposed({ ...input, at: iso() });
  tasks.recordStep(REVOCATION_PROPOSAL_STEP, input.proposedBy.userId);

  // 2. An approver who did not propose it decides.
  const decision = await tasks.humanTask({
    type: 'revocation_approval',
    form: 'approval',
    step: 'approve',
    role: 'approver',
    agencyCode,
    dueKey: 'task.claimApproval',
  });
  const by = { id: decision.by.userId, username: decision.by.username };
  if (decision.decision.decision === 'reject') {
    await acts.recordRevocationDecided({
      caseNumber,
      claimCaseNumber,
      version: input.version,
      revoked: false,
      reasons: decision.decision.reasons,
      by,
      at: iso(),
    });
    upsertSearchAttributes([{ key: CASE_STATUS, value: 'not_revoked' }]);
    await condition(allHandlersFinished);
    return 'not_revoked';
  }

  // 3. Revoked: the read model first (the version can approve nothing any more), then the period, the recovery, the
  // notice.
  const revoked = await acts.recordRevocationDecided({
    caseNumber,
    claimCaseNumber,
    version: input.version,
    revoked: true,
    reasons: input.reasons,
    by,
    at: iso(),
  });
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'revoked' }]);
  if (revoked.periodId && revoked.periodRunning) {
    // Art. 42: the period stops at once, from the month the determination was wrong (a period that ended meanwhile
    // cannot be signalled, and has nothing left to stop); its months in the ledger are settled before the recovery.
    const signalled = await getExternalWorkflowHandle(revoked.periodId)
      .signal(revokePeriod, { date: input.effectiveFrom, revocationNumber: caseNumber, by: by.username })
      .then(() => true)
      .catch(() => false);
    if (signalled) await acts.awaitPeriodStopped({ periodId: revoked.periodId });
  }
  // Art. 43: what was paid on the revoked determination, from its first wrong month, is recovered.
  if (revoked.periodId) {
    // The revocation is a stop of its own kind (Art. 42): a period that took it recorded it and asked its claim for
    // its recovery; a period stopped before or ended has it recorded here, and its recovery asked for here.
    const stop = await acts.recordPeriodStop({
      periodId: revoked.periodId,
      caseNumber: claimCaseNumber,
      reason: 'revoked',
      date: input.effectiveFrom,
      foundBy: { kind: 'revocation', ref: caseNumber },
      overpaidFromMonth: monthOfDate(input.effectiveFrom),
      at: iso(),
    });
    if (stop?.created && stop.overpaid) {
      await requestRecovery({
        recoveryId: stop.recoveryId,
        caseNumber: claimCaseNumber,
        agencyCode,
        periodId: revoked.periodId,
        stopId: stop.stopId,
        stopDate: stop.stopDate,
        overpaidFromMonth: monthOfDate(stop.stopDate),
        origin: 'revocation',
        startedBy: by.username,
      });
    }
  }
  const today = shanghaiDate(Date.now());
  const [reconsideration, litigation] = await Promise.all([
    acts.computeDeadline({ key: 'art13.administrativeReconsideration', start: today }),
    acts.computeDeadline({ key: 'art13.administrativeLitigation', start: today }),
  ]);
  await acts.notifyApplicant({
    caseNumber: claimCaseNumber,
    messageId: `${caseNumber}.revoked`,
    kind: 'determination_revoked',
    params: {
      caseNumber: claimCaseNumber,
      revocationNumber: caseNumber,
      reasons: input.reasons,
      from: input.effectiveFrom,
      reconsiderationUntil: reconsideration.dueDate,
      litigationUntil: litigation.dueDate,
    },
    at: iso(),
  });
  await condition(allHandlersFinished);
  return 'revoked';
}
