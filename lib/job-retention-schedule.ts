/**
 * Art. 49 免申即享: each city agency's job-retention screening runs once a year as a Temporal Schedule (ID
 * `job-retention-screening-<code>`), on 1 March at 09:00 Asia/Shanghai, when last year's contributions have all been
 * received. Created once however often the system starts; overlapping runs are skipped; a missed run is caught up
 * within a week. A supervisor can also screen on demand (POST /job-retention/screenings) or trigger the schedule.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { cityAgencyCodes } from './agencies';
import { withTemporalClient, type TemporalTarget } from './temporal';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';

export const jobRetentionScheduleId = (agencyCode: string) => `job-retention-screening-${agencyCode}`;

export async function ensureJobRetentionSchedule(opts: {
  client: Client;
  taskQueue: string;
  agencyCode: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? jobRetentionScheduleId(opts.agencyCode);
  try {
    await opts.client.schedule.create({
      scheduleId,
      spec: { calendars: [{ month: 'MARCH', dayOfMonth: 1, hour: 9, minute: 0 }], timezone: 'Asia/Shanghai' },
      action: {
        type: 'startWorkflow',
        workflowType: 'jobRetentionScreening',
        args: [{ agencyCode: opts.agencyCode }],
        taskQueue: opts.taskQueue,
        // The schedule appends the start time, so each year's screening has its own ID (no personal data).
        workflowId: scheduleId,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'job_retention_screening' },
          { key: AGENCY_CODE, value: opts.agencyCode },
        ],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}

/**
 * For the start command: the yearly screening of every city agency (`agency.level = 'city'`, the agencies that pay,
 * Art. 39), created once however often the system starts. Connects, ensures each schedule, disconnects.
 */
export async function ensureJobRetentionSchedulesAt(opts: {
  databaseUrl: string;
  target: TemporalTarget;
  taskQueue: string;
}): Promise<{ scheduleId: string; created: boolean }[]> {
  const cities = await cityAgencyCodes(opts.databaseUrl);
  return withTemporalClient(opts.target, async (client) => {
    const out: { scheduleId: string; created: boolean }[] = [];
    for (const agencyCode of cities) {
      out.push(await ensureJobRetentionSchedule({ client, taskQueue: opts.taskQueue, agencyCode }));
    }
    return out;
  });
}
