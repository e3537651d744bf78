/**
 * Art. 78 确定监控时点或周期: the monitoring run daily at 06:00 Asia/Shanghai, as a Temporal Schedule (ID
 * `monitoring-daily`), created once however often the system starts. A run stays open until the verification cases it
 * started are concluded (workflows/monitoring.ts), so the next day's run does not wait for it (overlap ALLOW_ALL; each
 * run's ID carries its start time, and an item is verified once); a missed run (server down) is caught up within a day.
 * The rules and thresholds themselves are policy data (policy/monitoring-rule.json), not part of the schedule.
 */
import type { Client } from '@temporalio/client';
import { ensureDailySchedule } from './daily-schedule';
import { withTemporalClient, type TemporalTarget } from './temporal';

export const MONITORING_SCHEDULE_ID = 'monitoring-daily';

export async function ensureMonitoringSchedule(opts: {
  client: Client;
  taskQueue: string;
  hour?: number;
  scheduleId?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? MONITORING_SCHEDULE_ID;
  return ensureDailySchedule({
    client: opts.client,
    taskQueue: opts.taskQueue,
    scheduleId,
    hour: opts.hour ?? 6,
    workflowType: 'monitoringRun',
    args: [{ trigger: 'schedule' }],
    // The schedule appends the start time: monitoring-run-daily-2026-11-28T06:00:00Z.
    workflowIdPrefix: `monitoring-run-${scheduleId}`,
    caseType: 'monitoring_run',
    overlap: 'ALLOW_ALL',
  });
}

/** For the start command: connects, ensures the schedule, disconnects. */
export async function ensureMonitoringScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }> {
  return withTemporalClient(target, (client) => ensureMonitoringSchedule({ client, taskQueue }));
}
