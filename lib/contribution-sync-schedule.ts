/**
 * Art. 23, 24: the contribution records pulled from the tax platform every hour (a Temporal Schedule, ID
 * `contribution-sync-hourly`), created once however often the system starts. Runs do not overlap (SKIP: the next one
 * resumes from the stored cursor anyway; an overlapping run would store nothing twice, activities/contributions.ts);
 * a missed run is caught up within a day.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
import { withTemporalClient, type TemporalTarget } from './temporal';

export const CONTRIBUTION_SYNC_SCHEDULE_ID = 'contribution-sync-hourly';

export async function ensureContributionSyncSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  return ensureHourlySchedule({
    ...opts,
    scheduleId: opts.scheduleId ?? CONTRIBUTION_SYNC_SCHEDULE_ID,
    workflowType: 'contributionSync',
    caseType: 'contribution_sync',
    offset: '7 minutes',
  });
}

/**
 * An hourly exchange with the tax platform (the contribution feed, Art. 23, 24; the refund requests, Art. 27): one
 * Schedule started as `workflowType` with `{ trigger: 'schedule' }`, runs never overlapping, missed runs caught up
 * within a day; created once however often the system starts.
 */
export async function ensureHourlySchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId: string;
  workflowType: string;
  caseType: string;
  offset: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const { scheduleId } = opts;
  try {
    await opts.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 hour', offset: opts.offset }] },
      action: {
        type: 'startWorkflow',
        workflowType: opts.workflowType,
        args: [{ trigger: 'schedule' }],
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

/** For the start command: connects, ensures the schedule, disconnects. */
export async function ensureContributionSyncScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }> {
  return withTemporalClient(target, (client) => ensureContributionSyncSchedule({ client, taskQueue }));
}
