/**
 * The one deadline function: the due date of a deadline of the 规程 (policy/deadline.json) from its start date, with
 * the instant its timer fires and the citation. Art. 13, 17, 18, 19, 21, 38, 43, 49, 50, 52, 53, 56, 61, 62, 63, 64.
 */
import {
  daysBetween,
  deadlineInstantIso,
  dueDate,
  monthOf,
  type IsoDate,
  type IsoMonth,
  type WorkdayCalendar,
} from './calendar';
import { citationOf, resolveParameter, type ParameterCitation } from './policy/resolve';
import type { PolicyData } from './policy/schemas';

export interface Deadline {
  key: string;
  description: string;
  start: IsoDate;
  /** Last day of the period (inclusive). */
  dueDate: IsoDate;
  /** Start of the day after dueDate in Asia/Shanghai (exclusive bound; when the timer fires). */
  dueInstant: string;
  /**
   * Counted on a provisional calendar year (no State Council notice entered yet): shown as 暂定, recomputed when the
   * notice is entered. Only workday and monthly-due-day deadlines can be; calendar days and months never are.
   */
  provisional: boolean;
  parameter: ParameterCitation;
}

/** Whether a period is counted on the working-day calendar (workdays, a monthly due day moved by holidays). */
export function onCalendar(period: { unit: string }): boolean {
  return period.unit === 'workdays' || period.unit === 'dayOfMonth';
}

/**
 * Due date of deadline `key` for something that started on `start` (for a monthly deadline: the month of `start`),
 * with the deadline table in force on `determinationDate` (default: `start`).
 */
export function deadlineFor(
  policy: PolicyData,
  key: string,
  start: IsoDate,
  calendar: WorkdayCalendar,
  determinationDate: IsoDate = start,
): Deadline {
  const p = resolveParameter(policy, 'deadline', key, determinationDate);
  const v = p.value;
  const due =
    v.unit === 'dayOfMonth' ? calendar.monthlyDueDate(monthOf(start) as IsoMonth, v) : dueDate(start, v, calendar);
  return {
    key,
    description: v.description,
    start,
    dueDate: due,
    dueInstant: deadlineInstantIso(due),
    provisional: onCalendar(v) && calendar.spansProvisional(start, due),
    parameter: citationOf(p),
  };
}

/**
 * How late a step done on `doneOn` is against deadline `key` counted from `start` (Art. 17, 18, 19, 21: a declaration
 * after its 30 or 15 days is taken and recorded as late): the due date and the days after it, 0 when in time.
 */
export function lateness(
  policy: PolicyData,
  key: string,
  start: IsoDate,
  calendar: WorkdayCalendar,
  doneOn: IsoDate,
): { dueDate: IsoDate; lateByDays: number } {
  const { dueDate: due } = deadlineFor(policy, key, start, calendar);
  return { dueDate: due, lateByDays: Math.max(0, daysBetween(due, doneOn)) };
}
