/**
 * Art. 17, 19, 22, 33: the register's daily comparison with the shared data at 05:00 Asia/Shanghai, as a Temporal
 * Schedule (ID `register-comparison-daily`), created once however often the system starts. A run stays open until the
 * follow-up cases it opened are concluded (workflows/register-daily.ts), so the next day's run does not wait for it
 * (overlap ALLOW_ALL; each run's ID carries its start time; each finding is reminded and followed up once); a missed run
 * is caught up within a day.
 */
import type { Client } from '@temporalio/client';
import { REGISTER_DAILY_SCHEDULE_ID, type RegisterDailyRunInput } from '../contracts/separations';
import { ensureDailySchedule } from './daily-schedule';
import { withTemporalClient, type TemporalTarget } from './temporal';

export async function ensureRegisterSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? REGISTER_DAILY_SCHEDULE_ID;
  const input: RegisterDailyRunInput = { trigger: 'schedule' };
  return ensureDailySchedule({
    client: opts.client,
    taskQueue: opts.taskQueue,
    scheduleId,
    hour: 5,
    workflowType: 'registerDailyRun',
    args: [input],
    // The schedule appends the start time: register-comparison-register-comparison-daily-2026-12-09T21:00:00Z.
    workflowIdPrefix: `register-comparison-${scheduleId}`,
    caseType: 'register_comparison',
    overlap: 'ALLOW_ALL',
  });
}

/** For the start command: connects, ensures the schedule, disconnects. */
export async function ensureRegisterScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }> {
  return withTemporalClient(target, (client) => ensureRegisterSchedule({ client, taskQueue }));
}
