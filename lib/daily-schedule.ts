/**
 * The one way a daily job becomes a Temporal Schedule (Art. 17, 19, 78, 94: the register's comparison, the monitoring
 * rules, the calendar check): at an hour Asia/Shanghai, created once however often the system starts (an existing
 * schedule is left as it is), a missed run caught up within a day; each run's workflow ID is the prefix with the start
 * time the schedule appends, and carries the case type and the province as search attributes.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';

export async function ensureDailySchedule(opts: {
  client: Client;
  taskQueue: string;
  scheduleId: string;
  hour: number;
  workflowType: string;
  args: unknown[];
  /** The run's workflow ID before the start time the schedule appends. */
  workflowIdPrefix: string;
  caseType: string;
  /** ALLOW_ALL: a run that waits for people does not hold the next day's; SKIP: one at a time. */
  overlap: 'ALLOW_ALL' | 'SKIP';
  /** Run once when created (a check the system needs at once on its first start). */
  triggerOnCreate?: boolean;
}): Promise<{ scheduleId: string; created: boolean }> {
  const { scheduleId } = opts;
  try {
    const handle = await opts.client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: opts.hour, minute: 0 }], timezone: 'Asia/Shanghai' },
      action: {
        type: 'startWorkflow',
        workflowType: opts.workflowType,
        args: opts.args,
        taskQueue: opts.taskQueue,
        workflowId: opts.workflowIdPrefix,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: opts.caseType },
          { key: AGENCY_CODE, value: '210000' },
        ],
      },
      policies: { overlap: ScheduleOverlapPolicy[opts.overlap], catchupWindow: '1 day' },
    });
    if (opts.triggerOnCreate) await handle.trigger();
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}
