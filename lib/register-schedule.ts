/**
 * Art. 17, 19, 22, 33: the register's daily comparison with the shared data at 05:00 Asia/Shanghai, as a Temporal
 * Schedule (ID `register-comparison-daily`), created once however often the system starts. A run stays open until the
 * follow-up cases it opened are concluded (workflows/register-daily.ts), so the next day's run does not wait for it
 * (overlap ALLOW_ALL; each run's ID carries its start time; each finding is reminded and followed up once); a missed run
 * is caught up within a day.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
import { REGISTER_DAILY_SCHEDULE_ID, type RegisterDailyRunInput } from '../contracts/separations';
import { withTemporalClient, type TemporalTarget } from './temporal';

export async function ensureRegisterSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? REGISTER_DAILY_SCHEDULE_ID;
  const input: RegisterDailyRunInput = { trigger: 'schedule' };
  try {
    await opts.client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: 5, minute: 0 }], timezone: 'Asia/Shanghai' },
      action: {
        type: 'startWorkflow',
        workflowType: 'registerDailyRun',
        args: [input],
        taskQueue: opts.taskQueue,
        // The schedule appends the start time: register-comparison-register-comparison-daily-2026-12-09T21:00:00Z.
        workflowId: `register-comparison-${scheduleId}`,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'register_comparison' },
          { key: AGENCY_CODE, value: '210000' },
        ],
      },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1 day' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}

/** For the start command: connects, ensures the schedule, disconnects. */
export async function ensureRegisterScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }> {
  return withTemporalClient(target, (client) => ensureRegisterSchedule({ client, taskQueue }));
}
