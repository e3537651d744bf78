/**
 * Deadlines for workflows. The calendar and the deadline table can change (an administrator adds a year, a new
 * dated parameter), so workflows never compute them themselves: they call these activities and the result is
 * recorded in their history, which keeps replays deterministic.
 */
import { deadlineFor, onCalendar, type Deadline } from '../domain/deadlines';
import { CalendarNotCoveredError, deadlineInstantIso, dueDate, type Period } from '../domain/calendar';
import { ApplicationFailure } from '@temporalio/activity';
import type { PolicyStore } from '../lib/policy-store';
import type { CalendarStore } from '../lib/calendar-store';
import { calendarStatus, yearState } from '../domain/calendar-status';
import { calendarYearCaseNumber } from '../lib/calendar-year';
import { recordCaseEvent } from '../lib/case-events';
import type { Db } from '../lib/db';
import { openCase } from '../lib/case-store';

export interface CalendarActivityDeps {
  db: Db;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
  calendar: CalendarStore;
}

export function calendarActivities({ db, policy: policies, calendar }: CalendarActivityDeps) {
  return {
    /**
     * A deadline of the 规程 by its key in policy/deadline.json (e.g. `art13.reviewConclusion`). `fresh`: read the
     * calendar's table now rather than trust this worker's cache (a recomputation right after a year was entered).
     */
    async computeDeadline(input: {
      key: string;
      start: string;
      determinationDate?: string;
      fresh?: boolean;
    }): Promise<Deadline> {
      return deadlineFor(
        await policies.current(),
        input.key,
        input.start,
        await calendar.current({ fresh: input.fresh === true }),
        input.determinationDate ?? input.start,
      );
    },

    /**
     * The calendar years whose case the daily check opens or tells (workflows/calendar-year.ts): from 1 November next
     * year while it has no notice, the current year while it has none, and any entered year whose provisional
     * deadlines were not recomputed yet.
     */
    async calendarYearsToCheck(input: {
      today: string;
    }): Promise<{ years: { year: number; caseNumber: string; entered: boolean; source: string | null }[] }> {
      const cal = await calendar.current({ fresh: true });
      const status = calendarStatus(cal, input.today);
      const years = new Set<number>();
      if (status.yearState !== 'entered') years.add(status.year);
      if (status.warning && status.nextYearState !== 'entered') years.add(status.nextYear);
      const pending = await db.provisionalDeadline.findMany({
        where: { recomputedAt: null },
        distinct: ['year'],
        select: { year: true },
      });
      for (const { year } of pending) if (yearState(cal, year) === 'entered') years.add(year);
      return {
        years: [...years].sort().map((year) => ({
          year,
          caseNumber: calendarYearCaseNumber(year),
          entered: yearState(cal, year) === 'entered',
          source: cal.covers(year) ? cal.sourceOf(year) : null,
        })),
      };
    },

    /** The case of a calendar year (idempotent), and whether the year's notice is entered. */
    async openCalendarYearCase(input: { caseNumber: string; year: number; at: string }): Promise<{ entered: boolean }> {
      const entered = yearState(await calendar.current({ fresh: true }), input.year) === 'entered';
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber: input.caseNumber,
          caseType: 'calendar_year',
          status: entered ? 'entered' : 'awaiting_notice',
          agencyCode: '210000',
          at,
          // Art. 94: a year whose notice is not entered yet waits for it.
          ...(entered
            ? {}
            : {
                event: {
                  type: 'calendar_notice_awaited',
                  key: `${input.caseNumber}/notice_awaited`,
                  actor: 'system',
                  data: { year: input.year, article: 'Art. 94' },
                },
              }),
        });
      });
      return { entered };
    },

    /** Running cases with a deadline on `year`'s provisional calendar not recomputed yet, by workflow ID, a page. */
    async casesWithProvisionalDeadlines(input: { year: number; after: string; limit: number }): Promise<string[]> {
      const rows = await db.provisionalDeadline.findMany({
        where: { year: input.year, recomputedAt: null, workflowId: { gt: input.after } },
        distinct: ['workflowId'],
        select: { workflowId: true },
        orderBy: { workflowId: 'asc' },
        take: input.limit,
      });
      return rows.map((r) => r.workflowId);
    },

    /** These cases were told to recompute their deadlines of `year`: the next check does not find them again. */
    async markProvisionalDeadlinesTold(input: { year: number; workflowIds: string[]; at: string }): Promise<void> {
      await db.provisionalDeadline.updateMany({
        where: { year: input.year, workflowId: { in: input.workflowIds }, recomputedAt: null },
        data: { recomputedAt: new Date(input.at) },
      });
    },

    /** The notice is in and the cases were told: the year's case says so. */
    async recordCalendarYearEntered(input: {
      caseNumber: string;
      year: number;
      by: string;
      source: string | null;
      signalled: number;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: 'entered', updatedAt: at },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/entered/${input.at}`,
          type: 'calendar_notice_entered',
          at,
          actor: input.by,
          data: { year: input.year, source: input.source, casesRecomputed: input.signalled },
        });
      });
    },

    /** A due date `amount` workdays, days or months after `start`, and the instant its timer fires. */
    async computeDueDate(input: {
      start: string;
      period: Period;
      /**
       * A person asked for this date (a supervisor's extension, Art. 78): a year the calendar does not cover is refused
       * at once (`CalendarNotCovered`, not retried) rather than waited for, as a deadline the procedure sets is.
       */
      refuseUncovered?: boolean;
    }): Promise<{ dueDate: string; dueInstant: string; provisional: boolean }> {
      const cal = await calendar.current();
      let due: string;
      try {
        due = dueDate(input.start, input.period, cal);
      } catch (err) {
        if (input.refuseUncovered && err instanceof CalendarNotCoveredError) {
          throw ApplicationFailure.create({ type: 'CalendarNotCovered', message: err.message, nonRetryable: true });
        }
        throw err;
      }
      return {
        dueDate: due,
        dueInstant: deadlineInstantIso(due),
        provisional: onCalendar(input.period) && cal.spansProvisional(input.start, due),
      };
    },
  };
}
