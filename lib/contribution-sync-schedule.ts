/**
 * The exchanges with the tax platform on Temporal Schedules, each created once however often the system starts:
 *
 * | schedule | what | every |
 * | --- | --- | --- |
 * | `contribution-sync-hourly` | Art. 23, 24: contribution records pulled (`contributionSync`) | hour, at :07 |
 * | `tax-register-push` | Art. 23: the register's changes passed to tax from the outbox (`taxRegisterPush`) | minute |
 *
 * Runs do not overlap (SKIP: the next one resumes from the stored cursor or the outbox anyway; an overlapping run would
 * store or send nothing twice); a missed run is caught up within a day.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
import { withTemporalClient, type TemporalTarget } from './temporal';

export const CONTRIBUTION_SYNC_SCHEDULE_ID = 'contribution-sync-hourly';
export const TAX_REGISTER_PUSH_SCHEDULE_ID = 'tax-register-push';

/** A schedule starting `workflowType` every `every`, its runs never overlapping, for the province (210000). */
async function ensureIntervalSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId: string;
  every: string;
  offset?: string;
  workflowType: string;
  args: unknown[];
  caseType: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const { scheduleId } = opts;
  try {
    await opts.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: opts.every, ...(opts.offset ? { offset: opts.offset } : {}) }] },
      action: {
        type: 'startWorkflow',
        workflowType: opts.workflowType,
        args: opts.args,
        taskQueue: opts.taskQueue,
        // The schedule appends the start time: contribution-sync-hourly-2026-12-10T01:07:00Z.
        workflowId: scheduleId,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: opts.caseType },
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

export async function ensureContributionSyncSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  return ensureIntervalSchedule({
    client: opts.client,
    taskQueue: opts.taskQueue,
    scheduleId: opts.scheduleId ?? CONTRIBUTION_SYNC_SCHEDULE_ID,
    every: '1 hour',
    offset: '7 minutes',
    workflowType: 'contributionSync',
    args: [{ trigger: 'schedule' }],
    caseType: 'contribution_sync',
  });
}

/** Art. 23 信息实时交互: the register's changes reach tax within a minute of their commit. */
export async function ensureTaxRegisterPushSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  return ensureIntervalSchedule({
    client: opts.client,
    taskQueue: opts.taskQueue,
    scheduleId: opts.scheduleId ?? TAX_REGISTER_PUSH_SCHEDULE_ID,
    every: '1 minute',
    workflowType: 'taxRegisterPush',
    args: [{}],
    caseType: 'tax_register_push',
  });
}

/** For the start command: connects, ensures both schedules, disconnects. */
export async function ensureContributionSyncScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }[]> {
  return withTemporalClient(target, async (client) => [
    await ensureContributionSyncSchedule({ client, taskQueue }),
    await ensureTaxRegisterPushSchedule({ client, taskQueue }),
  ]);
}
