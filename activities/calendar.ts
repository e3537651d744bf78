/**
 * Deadlines for workflows. The calendar and the deadline table can change (an administrator adds a year, a new
 * dated parameter), so workflows never compute them themselves: they call these activities and the result is
 * recorded in their history, which keeps replays deterministic.
 */
import { deadlineFor, onCalendar, type Deadline } from '../domain/deadlines';
import { deadlineInstantIso, dueDate, type Period } from '../domain/calendar';
import type { PolicyStore } from '../lib/policy-store';
import type { CalendarStore } from '../lib/calendar-store';

export interface CalendarActivityDeps {
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
  calendar: CalendarStore;
}

export function calendarActivities({ policy: policies, calendar }: CalendarActivityDeps) {
  return {
    /** A deadline of the 规程 by its key in policy/deadline.json (e.g. `art13.reviewConclusion`). */
    async computeDeadline(input: { key: string; start: string; determinationDate?: string }): Promise<Deadline> {
      return deadlineFor(
        await policies.current(),
        input.key,
        input.start,
        await calendar.current(),
        input.determinationDate ?? input.start,
      );
    },

    /** A due date `amount` workdays, days or months after `start`, and the instant its timer fires. */
    async computeDueDate(input: {
      start: string;
      period: Period;
    }): Promise<{ dueDate: string; dueInstant: string; provisional: boolean }> {
      const cal = await calendar.current();
      const due = dueDate(input.start, input.period, cal);
      return {
        dueDate: due,
        dueInstant: deadlineInstantIso(due),
        provisional: onCalendar(input.period) && cal.spansProvisional(input.start, due),
      };
    },
  };
}
