/**
 * 工作日历 at the year's end (Art. 94 系统管理; the working-day calendar of Art. 11, 13, 37, 49-53, 61, 64). A year
 * whose State Council notice (国务院办公厅关于部分节假日安排的通知) is not entered runs on its provisional calendar
 * (lib/calendar-store.ts); this is the case of that year, its ID `GZR-<year>-210000-…` (no personal data):
 *
 *   1. opened       by the daily calendar check from 1 November while next year has no notice, or by the entry itself
 *   2. warning      the administrators' task (role administrator, the task primitive): done when the notice is
 *                   entered (PUT /calendar/years/:year signals `calendarYearEntered`), by the administrator who did
 *   3. recompute    every running case with a deadline on the year's provisional calendar is signalled
 *                   (`recomputeDeadlines`) and counts it again (workflows/tasks.ts): the agency's due dates either
 *                   way, a person's told date never earlier
 *
 * `calendarCheck` is what the daily schedule runs (lib/calendar-schedule.ts).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { createTaskBoard, recomputeDeadlines } from './tasks';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

import {
  CALENDAR_AGENCY,
  calendarYearEntered,
  type CalendarYearEntry,
  type CalendarYearInput,
} from '../contracts/calendar-year';

export { CALENDAR_AGENCY, calendarYearEntered, type CalendarYearEntry, type CalendarYearInput };

/** How many cases one activity lists for the recomputation. */
const PAGE = 200;

export async function calendarYear(input: CalendarYearInput): Promise<{ signalled: number }> {
  const { year, caseNumber } = input;
  let entry: CalendarYearEntry | null = input.entry ?? null;
  setHandler(calendarYearEntered, (e) => {
    if (e.year === year) entry = e;
  });
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'calendar_year' });

  // 1. The year's case, and whether its notice is in already.
  const opened = await acts.openCalendarYearCase({ caseNumber, year, at: new Date().toISOString() });

  // 2. Art. 94: the administrators enter the notice; entering it is doing the task.
  if (!opened.entered && entry === null) {
    await tasks.humanTask({
      type: 'calendar_year_notice',
      form: 'calendarYearNotice',
      step: 'decide',
      role: 'administrator',
      agencyCode: CALENDAR_AGENCY,
      dueKey: 'task.calendarYearNotice',
      doneElsewhere: () => {
        const e = entry as CalendarYearEntry | null;
        return e ? { by: e.by, decision: { year, source: e.source } } : undefined;
      },
    });
  }

  // 3. Every running case with a deadline counted on the year's provisional calendar counts it again.
  let signalled = 0;
  let after = '';
  for (;;) {
    const ids = await acts.casesWithProvisionalDeadlines({ year, after, limit: PAGE });
    for (const id of ids) {
      if (id === workflowInfo().workflowId) continue; // its own task is done
      try {
        await getExternalWorkflowHandle(id).signal(recomputeDeadlines, { year });
        signalled += 1;
      } catch {
        // The case has ended meanwhile: nothing of it waits on the date any more.
      }
    }
    // Told: found no more by the next check (a case records what it recomputed itself).
    await acts.markProvisionalDeadlinesTold({ year, workflowIds: ids, at: new Date().toISOString() });
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1]!;
  }
  const e = entry as CalendarYearEntry | null;
  await acts.recordCalendarYearEntered({
    caseNumber,
    year,
    by: e?.by.username ?? 'system',
    source: e?.source ?? null,
    signalled,
    at: new Date().toISOString(),
  });
  await condition(allHandlersFinished);
  return { signalled };
}

/**
 * The daily check (schedule `calendar-check-daily`): from 1 November, the case of next year while its notice is not
 * entered (and of the current year while it runs on its provisional calendar); a year entered while its case could
 * not be told (Temporal was away) is told now, so that its task closes and its cases recompute.
 */
export async function calendarCheck(_input: { trigger: string }): Promise<{ opened: number[]; told: number[] }> {
  const r = await acts.calendarYearsToCheck({ today: shanghaiDate(Date.now()) });
  const opened: number[] = [];
  const told: number[] = [];
  for (const y of r.years) {
    try {
      await startChild(calendarYear, {
        workflowId: y.caseNumber,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'calendar_year' },
          { key: AGENCY_CODE, value: CALENDAR_AGENCY },
          { key: CASE_STATUS, value: y.entered ? 'entered' : 'awaiting_notice' },
        ],
        args: [{ year: y.year, caseNumber: y.caseNumber }],
      });
      opened.push(y.year);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      if (y.entered) {
        await getExternalWorkflowHandle(y.caseNumber).signal(calendarYearEntered, {
          year: y.year,
          by: { userId: SYSTEM_USER, username: 'system', roles: ['administrator'], agencyCode: CALENDAR_AGENCY },
          source: y.source ?? 'calendar check',
          at: new Date().toISOString(),
        });
        told.push(y.year);
      }
    }
  }
  return { opened, told };
}

/** The actor of what the system does by itself (a nil UUID: no user). */
const SYSTEM_USER = '00000000-0000-0000-0000-000000000000';
