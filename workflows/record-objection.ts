/**
 * 权益记录核查 (Art. 31 para 2): a person's or an employer's written objection to the entitlement record. One workflow
 * per objection; its ID is the case number (QYH-…).
 *
 *   1. objection  recorded by the API with the parts objected to, the statement and the materials (status 核查中)
 *   2. check      复核确认 by a reviewer of the agency where the person or employer is insured, due on the working-day
 *                 calendar per policy (`task.recordObjectionCheck`)
 *   3. outcome    corrected (what was corrected) or explained (the record stands, with the explanation), recorded
 *                 with the audit entry; the person or employer told by SMS
 *
 * A contribution month found wrong ends here by opening the record correction of Art. 28 (the check names the
 * change): its case (JFX-…) is opened with the dispute's materials as evidence and runs as this case's child, decided
 * on its three levels; the dispute is corrected once it is opened (its timeline says which correction), and closes
 * after it. Other parts of the record: the outcome the clerk states.
 */
import { CancellationScope, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RecordObjectionInput, RecordObjectionOutcome } from '../contracts/record-objection';
import { CASE_ACTIVITY } from './activity-options';
import { caseLife } from './kernel/case';
import { createTaskBoard } from './tasks';
import { startChildCase } from './child-case';
import { recordCorrection } from './record-correction';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

type Status = 'awaiting_check' | RecordObjectionOutcome | 'cancelled';

export async function recordObjection(input: RecordObjectionInput): Promise<Status> {
  const { caseNumber, agencyCode } = input;
  const life = caseLife<Status>({ caseNumber, initial: 'awaiting_check' });
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'record_objection' });
  try {
    // 2. Art. 31: the agency checks the record (复核确认).
    const check = await tasks.humanTask({
      type: 'record_objection_check',
      form: 'recordCheck',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.recordObjectionCheck',
    });
    const d = check.decision;
    const outcome = d.decision === 'corrected' ? d.corrected : d.explanation;

    // 3. The outcome recorded, then told.
    await acts.recordRecordObjectionOutcome({
      caseNumber,
      outcome: d.decision,
      text: outcome,
      by: { userId: check.by.userId, username: check.by.username },
      at: check.at,
    });
    await life.moveTo(
      d.decision,
      d.decision === 'corrected' ? 'record_objection_corrected' : 'record_objection_explained',
      {},
      check.by.username,
    );
    await acts.notifyRecordObjector({ caseNumber, messageId: `${caseNumber}.outcome`, at: new Date().toISOString() });
    // Art. 28: the month found wrong is corrected by its own case, this one's child (it closes after it).
    if (d.decision === 'corrected' && d.contribution) {
      const opened = await acts.openCorrectionFromObjection({
        objectionNumber: caseNumber,
        change: d.contribution,
        reason: d.corrected,
        by: { userId: check.by.userId, username: check.by.username },
        at: check.at,
      });
      if ('caseNumber' in opened) {
        const child = await startChildCase(recordCorrection, {
          workflowId: opened.caseNumber,
          caseType: 'contribution_correction',
          agencyCode: opened.agencyCode,
          status: 'awaiting_review',
          args: [{ caseNumber: opened.caseNumber, agencyCode: opened.agencyCode }],
          reuse: 'REJECT_DUPLICATE',
        });
        await child?.result().catch(() => undefined);
      }
    }
    return await life.finish();
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await life.moveTo('cancelled', 'record_objection_cancelled');
      });
    }
    throw err;
  }
}
