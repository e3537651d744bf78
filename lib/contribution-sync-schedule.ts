/**
 * The exchanges with the tax platform on Temporal Schedules, each created once however often the system starts:
 *
 * | schedule | what | every |
 * | --- | --- | --- |
 * | `contribution-sync-hourly` | Art. 23, 24: contribution records pulled (`contributionSync`) | hour, at :07 |
 * | `tax-register-push` | Art. 23: the register's changes passed to tax from the outbox (`taxRegisterPush`) | minute |
 * | `refund-requests-hourly` | Art. 27: tax's whole-month refund requests fetched (`refundRequestSync`) | hour, at :37 |
 *
 * Runs do not overlap (SKIP: the next one resumes from the stored cursor or the outbox anyway; an overlapping run would
 * store or send nothing twice); a missed run is caught up within a day. The refund requests have their own Schedule,
 * not a step of the contribution sync: a request is answered within the hour even while a long contribution run pages
 * through its feed or stopped because tax stayed away (a repeated run opens no case twice: activities/refunds.ts).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
import { withTemporalClient, type TemporalTarget } from './temporal';

export const CONTRIBUTION_SYNC_SCHEDULE_ID = 'contribution-sync-hourly';
export const TAX_REGISTER_PUSH_SCHEDULE_ID = 'tax-register-push';
export const REFUND_REQUESTS_SCHEDULE_ID = 'refund-requests-hourly';

/** The schedules, by the workflow each starts. */
const SCHEDULES = {
  contributionSync: {
    scheduleId: CONTRIBUTION_SYNC_SCHEDULE_ID,
    every: '1 hour',
    offset: '7 minutes',
    args: [{ trigger: 'schedule' }],
    caseType: 'contribution_sync',
  },
  // Art. 23 信息实时交互: the register's changes reach tax within a minute of their commit.
  taxRegisterPush: {
    scheduleId: TAX_REGISTER_PUSH_SCHEDULE_ID,
    every: '1 minute',
    args: [{}],
    caseType: 'tax_register_push',
  },
  refundRequestSync: {
    scheduleId: REFUND_REQUESTS_SCHEDULE_ID,
    every: '1 hour',
    offset: '37 minutes',
    args: [{ trigger: 'schedule' }],
    caseType: 'refund_request_sync',
  },
} as const;

/** The schedule starting `workflowType`, its runs never overlapping, for the province (210000). */
export async function ensureTaxSchedule(
  workflowType: keyof typeof SCHEDULES,
  opts: { client: Client; taskQueue: string; scheduleId?: string },
): Promise<{ scheduleId: string; created: boolean }> {
  const s: { scheduleId: string; every: string; offset?: string; args: readonly unknown[]; caseType: string } =
    SCHEDULES[workflowType];
  const scheduleId = opts.scheduleId ?? s.scheduleId;
  try {
    await opts.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: s.every, ...(s.offset ? { offset: s.offset } : {}) }] },
      action: {
        type: 'startWorkflow',
        workflowType,
        args: [...s.args],
        taskQueue: opts.taskQueue,
        // The schedule appends the start time: contribution-sync-hourly-2026-12-10T01:07:00Z.
        workflowId: scheduleId,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: s.caseType },
          { key: AGENCY_CODE, value: '210000' },
        ],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}

export const ensureContributionSyncSchedule = (opts: { client: Client; taskQueue: string; scheduleId?: string }) =>
  ensureTaxSchedule('contributionSync', opts);

export const ensureRefundRequestsSchedule = (opts: { client: Client; taskQueue: string; scheduleId?: string }) =>
  ensureTaxSchedule('refundRequestSync', opts);

/** For the start command: connects, ensures every schedule of the table, disconnects. */
export async function ensureTaxSchedulesAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<Record<keyof typeof SCHEDULES, { scheduleId: string; created: boolean }>> {
  return withTemporalClient(target, async (client) => ({
    contributionSync: await ensureTaxSchedule('contributionSync', { client, taskQueue }),
    taxRegisterPush: await ensureTaxSchedule('taxRegisterPush', { client, taskQueue }),
    refundRequestSync: await ensureTaxSchedule('refundRequestSync', { client, taskQueue }),
  }));
}
