/**
 * Art. 94 工作日历: the daily calendar check at 07:00 Asia/Shanghai, as a Temporal Schedule (ID `calendar-check-daily`),
 * created once however often the system starts, and run once when it is created (a system first started after
 * 1 November warns at once). From 1 November it opens next year's calendar-year case while the year's State Council
 * notice is not entered: the administrators' task (workflows/calendar-year.ts). Overlapping runs are skipped; a missed
 * run is caught up within a day.
 */
import type { Client } from '@temporalio/client';
import { ensureDailySchedule } from './daily-schedule';
import { withTemporalClient, type TemporalTarget } from './temporal';

export const CALENDAR_SCHEDULE_ID = 'calendar-check-daily';

export async function ensureCalendarSchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? CALENDAR_SCHEDULE_ID;
  return ensureDailySchedule({
    client: opts.client,
    taskQueue: opts.taskQueue,
    scheduleId,
    hour: 7,
    workflowType: 'calendarCheck',
    args: [{ trigger: 'schedule' }],
    // The schedule appends the start time: calendar-check-calendar-check-daily-2026-12-07T07:00:00Z.
    workflowIdPrefix: `calendar-check-${scheduleId}`,
    caseType: 'calendar_check',
    overlap: 'SKIP',
    triggerOnCreate: true,
  });
}

/** For the start command: connects, ensures the schedule, disconnects. */
export async function ensureCalendarScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }> {
  return withTemporalClient(target, (client) => ensureCalendarSchedule({ client, taskQueue }));
}
