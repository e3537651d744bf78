/**
 * Monitoring (Art. 78-80), two workflows:
 *
 * `monitoringRun`: one evaluation of the rules in force, daily on a Temporal Schedule (lib/monitoring-schedule.ts)
 * and on demand (POST /monitoring/runs). Its ID carries no personal data (`monitoring-run-…`).
 *   1. screening     the rules of policy/monitoring-rule.json against the read model (Art. 79 比对筛查); each finding
 *                    is a suspicious item, recorded once per rule and subject (疑点信息)
 *   2. warning       each new item's verification case is started for the audit team (Art. 80 发出异常业务预警), as the
 *                    run's child; the run is recorded completed, and its workflow closes once those cases have
 *                    concluded (no parent closes under a running child)
 *
 * `monitoringItemVerification`: one per item; its ID is the item's case number (YDH-…, derived from rule and
 * subject, no personal data).
 *   1. verification  a task for the auditors of the item's agency (Art. 79 para 2 逐人逐条核实), due on the working-day
 *                    calendar, escalated when overdue
 *   2. outcome       confirmed with the rectification opinion (Art. 80 整改意见), or dismissed; with the reasons;
 *                    recorded on the item and in the audit trail
 *   3. hold          confirmed: the payments of the cases it concerns (benefit claims, one-off benefits) are held out
 *                    of the cities' runs (Art. 80 纠错机制)
 *   4. rectification an approver, not the auditor (岗位不相容), decides (按程序报批): release, or stop from a date; a
 *                    stopped period is told from here (Art. 42 立即停止; it recovers what was paid after, Art. 43), a
 *                    withdrawn grant's applicant is told why
 */
import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { LONG_ACTIVITY } from './activity-options';
import type { ItemToVerify } from '../contracts/monitoring';
import { stopPeriod } from './period-stop';
import { CASE_STATUS } from '../contracts/search-attributes';
import { startChildCase } from './child-case';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>(LONG_ACTIVITY);

export interface MonitoringRunInput {
  trigger: 'schedule' | 'manual';
  /** The user who asked for an on-demand run (username). */
  requestedBy?: string;
}

export interface MonitoringRunResult {
  runId: string;
  found: number;
  opened: number;
  verificationsStarted: number;
}

export async function monitoringRun(input: MonitoringRunInput): Promise<MonitoringRunResult> {
  const runId = workflowInfo().workflowId;
  // 1. Screening (Art. 78, 79).
  const r = await acts.runMonitoringRules({
    runId,
    trigger: input.trigger,
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    asOf: shanghaiDate(Date.now()),
    at: new Date().toISOString(),
  });
  // 2. A verification case per item not yet under verification (Art. 80).
  const verifications: Promise<unknown>[] = [];
  for (const item of r.toVerify) {
    // Art. 80: the item's verification case, this run's child; once per item (an item started before is left as it is).
    const started = await startChildCase(monitoringItemVerification, {
      workflowId: item.caseNumber,
      caseType: 'monitoring_item',
      agencyCode: item.agencyCode,
      status: 'awaiting_verification',
      args: [item],
      reuse: 'REJECT_DUPLICATE',
    });
    if (started) verifications.push(started.result().catch(() => undefined));
    await acts.markVerificationStarted({ caseNumber: item.caseNumber });
  }
  await acts.completeMonitoringRun({ runId, at: new Date().toISOString() });
  // 3. The run closes once the warnings it gave are dealt with: no parent closes under a running child (the next day's
  // run does not wait for it: the schedule allows overlapping runs, lib/monitoring-schedule.ts).
  await Promise.all(verifications);
  return { runId, found: r.found, opened: r.opened, verificationsStarted: verifications.length };
}

export async function monitoringItemVerification(item: ItemToVerify): Promise<'confirmed' | 'dismissed' | 'cancelled'> {
  const { caseNumber, agencyCode } = item;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'monitoring_item' });
  try {
    // 1. Verification by the audit team (Art. 76 内控审计部门, Art. 79 para 2).
    const v = await tasks.humanTask({
      type: 'monitoring_verification',
      form: 'monitoringVerification',
      step: 'verify',
      role: 'auditor',
      agencyCode,
      dueKey: 'task.monitoringVerification',
    });
    // 2. The outcome, recorded and audited (Art. 78 监督检查记录和台账, Art. 80).
    await acts.recordMonitoringOutcome({
      caseNumber,
      decision: v.decision,
      by: { userId: v.by.userId, username: v.by.username },
      at: new Date().toISOString(),
    });
    upsertSearchAttributes([{ key: CASE_STATUS, value: v.decision.decision }]);
    if (v.decision.decision === 'confirmed') {
      // 3. Hold (Art. 80): nothing the item concerns is paid until its rectification is decided.
      const by = { userId: v.by.userId, username: v.by.username };
      const { held } = await acts.holdMonitoringItemPayments({ caseNumber, by, at: new Date().toISOString() });
      if (held.length) await rectify(caseNumber, agencyCode, tasks);
    }
    return v.decision.decision;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => tasks.cancelOpen());
      upsertSearchAttributes([{ key: CASE_STATUS, value: 'cancelled' }]);
    }
    throw err;
  }
}

/**
 * 4. Art. 80 整改意见按程序报批后送相关环节执行: an approver (not the auditor who confirmed it) decides on what the item
 * holds, and the decision is carried out: released to the next run, or stopped: each benefit period from the stop date
 * (Art. 42 立即停止, from here; the period recovers what was paid after, Art. 43), each one-off grant withdrawn with its
 * applicant told why.
 */
async function rectify(caseNumber: string, agencyCode: string, tasks: ReturnType<typeof createTaskBoard>) {
  const r = await tasks.humanTask({
    type: 'monitoring_rectification',
    form: 'monitoringRectification',
    step: 'decide',
    role: 'approver',
    agencyCode,
    dueKey: 'task.monitoringRectification',
  });
  const d = r.decision;
  const out = await acts.decideMonitoringRectification({
    caseNumber,
    decision: d,
    by: { userId: r.by.userId, username: r.by.username },
    at: new Date().toISOString(),
  });
  if (d.decision === 'stop') {
    for (const p of out.periods) {
      await stopPeriod({
        periodId: p.periodId,
        claimCaseNumber: p.caseNumber,
        foundBy: caseNumber,
        found: { reason: 'audit_finding', date: d.stopDate, began: d.stopDate },
      });
    }
    for (const w of out.withdrawn) {
      await acts.notifyApplicant({
        caseNumber: w.caseNumber,
        messageId: `${w.caseNumber}.withdrawn`,
        kind: 'other_benefit_withdrawn',
        params: { caseNumber: w.caseNumber, benefit: w.benefit, reasons: d.reasons },
        at: new Date().toISOString(),
      });
    }
  }
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'rectified' }]);
}
