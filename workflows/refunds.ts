/**
 * 退收退款 (Art. 27), waiting for the fund's refund flow (Art. 64).
 *
 * `refundRequestSync` (Schedule `refund-requests-hourly`, lib/contribution-sync-schedule.ts, or started by hand): tax's whole-month
 * refund requests after the stored cursor, page by page; each opens its case (TFK-…, number derived from the request
 * ID) in the transaction that moves the cursor, then the cases not yet checked are started (by ID: once each).
 *
 * `refundCase` (ID = case number; no personal data in its history):
 *   1. check     the one verdict on the agency's records (domain/refunds.ts): benefits received, transferred out
 *   2. answer    whole month (按月整体退费, 由税务部门受理): the verdict sent to tax, accepted or refused naming the
 *                persons and the reason (及时反馈税务部门)
 *      review    individual persons (个别人员退费, 由经办机构受理): refused by the verdict, or 审核 by a reviewer of the
 *                employer's agency (`task.refundReview`) before it is accepted
 *   3. waits     accepted: `awaiting_fund`, listed with its amount for the fund's refund flow (Art. 64: 5 + 5 workdays),
 *                which the fund finance chapter builds
 */
import { ActivityFailure } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RefundStatus } from '../activities/refunds';
import { CASE_ACTIVITY, FEED_ACTIVITY } from './activity-options';
import { startChildCase } from './child-case';
import { caseLife, untilCancelled } from './kernel/case';
import { createTaskBoard } from './tasks';

const caseActs = proxyActivities<Activities>(CASE_ACTIVITY);

/** Tax may be late (retried a while); a run that cannot reach it stops, and the next resumes from the cursor. */
const feedActs = proxyActivities<Activities>(FEED_ACTIVITY);

export interface RefundCaseInput {
  caseNumber: string;
  agencyCode: string;
  kind: 'whole_month' | 'individual';
}

export interface RefundRequestSyncResult {
  received: number;
  opened: number;
  garbled: number;
  started: number;
  /** Tax stayed away: the run stopped paging (the next resumes from the stored cursor). */
  interrupted: boolean;
}

export async function refundRequestSync(
  input: { trigger: 'schedule' | 'manual'; pageSize?: number } = { trigger: 'schedule' },
): Promise<RefundRequestSyncResult> {
  const runId = workflowInfo().workflowId;
  let received = 0;
  let opened = 0;
  let garbled = 0;
  let interrupted = false;
  // 1. Art. 27 依据税务部门传递的退费申请: the requests after the cursor, each a case, page by page. Tax away for
  // longer than the retries wait: the pages stop (the next run resumes from the cursor); the cases stored go on.
  try {
    for (;;) {
      const p = await feedActs.pullRefundRequests({ runId, limit: input.pageSize ?? 100 });
      received += p.received;
      opened += p.opened;
      garbled += p.garbled;
      if (!p.hasMore) break;
    }
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    interrupted = true;
  }
  // 2. Every case stored and not checked yet (this run's, or one a stopped run left) started once, by its number.
  const todo = await caseActs.refundCasesToStart();
  const children = [];
  for (const c of todo) {
    const child = await startChildCase(refundCase, {
      workflowId: c.caseNumber,
      caseType: 'refund',
      agencyCode: c.agencyCode,
      status: 'checking',
      args: [{ caseNumber: c.caseNumber, agencyCode: c.agencyCode, kind: 'whole_month' }],
      reuse: 'REJECT_DUPLICATE',
    });
    if (child) children.push(child);
  }
  // No parent closes under a running child (workflows/child-case.ts); a whole-month case has no human step.
  for (const child of children) await child.result();
  return { received, opened, garbled, started: children.length, interrupted };
}

export async function refundCase(input: RefundCaseInput): Promise<RefundStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'refund' });
  const life = caseLife<RefundStatus>({
    caseNumber,
    initial: 'checking',
    record: ({ status, event, data, actor, at }) =>
      caseActs.recordRefundStep({
        caseNumber,
        status,
        event,
        at,
        ...(data ? { data } : {}),
        ...(actor ? { actor } : {}),
      }),
  });
  return untilCancelled(life, tasks, async () => {
    // 1. Art. 27 核实退费业务是否可受理: the one verdict, kept.
    const check = await caseActs.checkRefund({ caseNumber, at: new Date().toISOString() });

    // 2. A whole month: tax is answered (及时反馈税务部门), accepted or refused naming the persons.
    if (input.kind === 'whole_month') {
      await caseActs.answerTaxRefund({ caseNumber, at: new Date().toISOString() });
      if (check.verdict === 'refused') {
        await life.moveTo('refused', 'refund_refused_answered');
        return life.finish();
      }
      await life.moveTo('awaiting_fund', 'refund_accepted_answered');
      return life.finish();
    }

    // 2. Individual persons: refused by the verdict, else reviewed (审核通过后按照退费流程办理).
    if (check.verdict === 'refused') {
      await life.moveTo('refused', 'refund_refused');
      return life.finish();
    }
    await life.moveTo('awaiting_review', 'refund_review_requested');
    const review = await tasks.humanTask({
      type: 'refund_review',
      form: 'approval',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.refundReview',
    });
    const by = { userId: review.by.userId, username: review.by.username };
    if (review.decision.decision === 'reject') {
      await life.moveTo('rejected', 'refund_review_rejected', { by, reasons: review.decision.reasons });
      return life.finish();
    }
    // 3. Art. 64: accepted, it waits for the fund's refund flow.
    await life.moveTo('awaiting_fund', 'refund_review_approved', { by });
    return life.finish();
  });
}
