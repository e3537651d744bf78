/**
 * Art. 27: tax's whole-month refund requests fetched every hour (a Temporal Schedule, ID `refund-requests-hourly`,
 * workflows/refunds.ts), created once however often the system starts. Its own Schedule, not a step of the
 * contribution sync: a request is answered within the hour even while a long contribution run pages through its feed
 * or stopped because tax stayed away, and a refund never waits behind a reconciliation clerk. Runs do not overlap
 * (SKIP); a repeated or overlapping run opens no case twice (the cursor, and the case number derived from the request
 * ID: activities/refunds.ts).
 */
import type { Client } from '@temporalio/client';
import { ensureHourlySchedule } from './contribution-sync-schedule';
import { withTemporalClient, type TemporalTarget } from './temporal';

export const REFUND_REQUESTS_SCHEDULE_ID = 'refund-requests-hourly';

export function ensureRefundRequestsSchedule(opts: {
  client: Client;
  taskQueue: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  return ensureHourlySchedule({
    ...opts,
    scheduleId: REFUND_REQUESTS_SCHEDULE_ID,
    workflowType: 'refundRequestSync',
    caseType: 'refund_request_sync',
    offset: '37 minutes',
  });
}

/** For the start command: connects, ensures the schedule, disconnects. */
export function ensureRefundRequestsScheduleAt(
  target: TemporalTarget,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }> {
  return withTemporalClient(target, (client) => ensureRefundRequestsSchedule({ client, taskQueue }));
}
