/**
 * 缴费信息记录 (Art. 23, 24): the agency's contribution records pulled from the tax platform's feed, on a Temporal
 * Schedule (lib/contribution-sync-schedule.ts) and on demand (POST /contributions/sync/runs). Its ID carries no
 * personal data (`contribution-sync-…`); its history holds cursors and counts, never a record.
 *
 *   1. begin        the run from the cursor stored in PostgreSQL
 *   2. garbled      rows listed by earlier runs are fetched again; stored when readable now
 *   3. pages        page after page from the cursor: each page's records and the cursor are stored in one transaction
 *                   (activities/contributions.ts), so a retried page or an overlapping run stores nothing twice; a
 *                   platform that stays away, or answers what cannot be read, interrupts the run, and the next run
 *                   resumes from the stored cursor
 *   4. reconcile    once the feed is read to its end: each employer-month brought against the platform's totals
 *                   (Art. 25 单位缴费信息); the differences and the garbled rows are listed for a clerk
 *   5. clerk        a run with differences or unreadable rows opens a reconciliation case (JFD-…) with a task for a
 *                   reviewer of the province, and closes once it is done
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { continueAsNew, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY, FEED_ACTIVITY } from './activity-options';
import { startChildCase } from './child-case';
import { createTaskBoard } from './tasks';
import { CASE_STATUS } from '../contracts/search-attributes';

/** The reconciliation case's own steps (a clerk's task, the outcome recorded): retried until they succeed. */
const caseActs = proxyActivities<Activities>(CASE_ACTIVITY);

/** The feed's reads (retried a while, then the run stops: the next resumes from the stored cursor). */
const acts = proxyActivities<Activities>(FEED_ACTIVITY);

export interface ContributionSyncInput {
  trigger: 'schedule' | 'manual';
  /** Records per page (default 5,000, the platform's largest). */
  pageSize?: number;
  /** Stop after this many pages (a bounded run); the next run goes on from the cursor. */
  maxPages?: number;
  /** Set when the run continues as new: its first ID and what it counted so far. */
  runId?: string;
  pagesDone?: number;
  garbledSeen?: boolean;
}

/** The province agency keeps the records (省级数据共享平台, Art. 23) and its clerks look into the differences. */
const RECORDS_AGENCY = '210000';

export interface ContributionSyncResult {
  runId: string;
  status: 'completed' | 'interrupted' | 'paused';
  pages: number;
  cursor: number;
  differences: number;
  openProblems: number;
  openDifferences: number;
}

export async function contributionSync(input: ContributionSyncInput): Promise<ContributionSyncResult> {
  const runId = input.runId ?? workflowInfo().workflowId;
  const at = () => new Date().toISOString();
  let pages = input.pagesDone ?? 0;
  let cursor = 0;
  let garbledSeen = input.garbledSeen ?? false;
  try {
    if (input.runId === undefined) {
      // 1. Begin (Art. 24), 2. the garbled rows of earlier runs fetched again.
      cursor = (await acts.beginContributionSync({ runId, trigger: input.trigger, at: at() })).cursor;
      await acts.retryGarbledContributionRows({ runId });
    }
    // 3. Pages from the stored cursor (Art. 23 信息实时交互).
    for (;;) {
      if (input.maxPages !== undefined && pages >= input.maxPages) {
        const end = await acts.finishContributionSync({ runId, status: 'completed', reason: 'paused', at: at() });
        return { runId, status: 'paused', pages, cursor, differences: 0, ...end };
      }
      const p = await acts.syncContributionPage({ runId, limit: input.pageSize ?? 5000 });
      pages++;
      cursor = p.cursor;
      if (p.garbled > 0) garbledSeen = true;
      if (!p.hasMore) break;
      if (workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof contributionSync>({ ...input, runId, pagesDone: pages, garbledSeen });
      }
    }
    // 4. Reconciliation against the platform's totals (Art. 24, 25).
    const r = await acts.reconcileContributions({ runId, at: at() });
    const end = await acts.finishContributionSync({ runId, status: 'completed', at: at() });
    // 5. Differences or unreadable rows: a case with a task for the clerks (the run closes once it is done: no
    // parent closes under a running child).
    if (r.differences > 0 || garbledSeen) {
      const { caseNumber } = await caseActs.openContributionReconciliationCase({ runId, at: at() });
      const child = await startChildCase(contributionReconciliation, {
        workflowId: caseNumber,
        caseType: 'contribution_reconciliation',
        agencyCode: RECORDS_AGENCY,
        status: 'awaiting_review',
        args: [{ caseNumber, runId }],
        reuse: 'REJECT_DUPLICATE',
      });
      if (child) await child.result();
    }
    return { runId, status: 'completed', pages, cursor, differences: r.differences, ...end };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The platform stayed away or answered what cannot be read: the run stops; the cursor keeps what was stored.
    const cause = err.cause instanceof ApplicationFailure ? (err.cause.type ?? 'failure') : 'failure';
    const end = await acts.finishContributionSync({ runId, status: 'interrupted', reason: cause, at: at() });
    return { runId, status: 'interrupted', pages, cursor, differences: 0, ...end };
  }
}

/**
 * 缴费对账 (Art. 24, 25): one per sync run with differences or unreadable rows, ID its case number (JFD-…). A reviewer
 * of the province looks into them with tax and records the outcome; the run's differences close with it.
 */
export async function contributionReconciliation(input: { caseNumber: string; runId: string }): Promise<string> {
  const tasks = createTaskBoard({
    caseNumber: input.caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'contribution_reconciliation',
  });
  const t = await tasks.humanTask({
    type: 'contribution_reconciliation',
    form: 'contributionReconciliation',
    step: 'review',
    role: 'reviewer',
    agencyCode: RECORDS_AGENCY,
    dueKey: 'task.contributionReconciliation',
  });
  await caseActs.recordContributionReconciliation({
    caseNumber: input.caseNumber,
    runId: input.runId,
    decision: t.decision,
    by: { userId: t.by.userId, username: t.by.username },
    at: new Date().toISOString(),
  });
  upsertSearchAttributes([{ key: CASE_STATUS, value: t.decision.decision }]);
  return t.decision.decision;
}
