/**
 * The working-day calendar (Art. 13, 49-53, 61, 64 count workdays).
 *   GET /calendar/years                 covered years and where their data comes from
 *   GET /calendar/years/:year           a year's holidays and adjusted workdays
 *   PUT /calendar/years/:year           an administrator adds or corrects a year (audited, with the reason)
 *   GET /calendar/due-date?start=&amount=&unit=   the due date and the instant a deadline's timer fires
 *   GET /calendar/status                the years' state and the administrators' warning (the staff pages' banner)
 * The year after the last State Council notice is answered from its provisional calendar (the statutory holiday law,
 * lib/calendar-store.ts) and every answer counted on it says `provisional: true`; later years are refused (422), never
 * guessed. Entering a year tells its calendar-year case (workflows/calendar-year.ts), which closes the administrators'
 * task and has the running cases recompute their provisional deadlines.
 */
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { dbDate, type Db } from '../../lib/db';
import { audit } from '../../lib/audit';
import { storedYearData, type CalendarStore } from '../../lib/calendar-store';
import { businessDateOf, CalendarNotCoveredError, dayOfWeek, deadlineInstantIso, dueDate } from '../../domain/calendar';
import { calendarStatus } from '../../domain/calendar-status';
import { onCalendar } from '../../domain/deadlines';
import { calendarYearCaseNumber } from '../../lib/calendar-year';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../contracts/search-attributes';
import {
  CALENDAR_AGENCY,
  calendarYearEntered,
  type CalendarYearWorkflow,
  type CalendarYearEntry,
} from '../../contracts/calendar-year';
import { actorOf } from '../tasks/router';
import { STAFF_ROLES } from '../../domain/access';
import { ApiError, parseOr400 } from '../errors';
import { currentUser, requireRole } from '../auth/middleware';
import { writtenText } from '../../domain/written-text';

// A pattern that admits only existing dates, so the OpenAPI document says what is enforced (issue 21).
const realDate = z.iso.date({ message: '须为存在的日期，格式 YYYY-MM-DD' });
export const YearParam = z.object({ year: z.coerce.number({ error: '须为年份' }).int().min(2000).max(2100) });

export const CalendarYearBodySchema = z
  .strictObject({
    holidays: z.array(realDate).max(60),
    adjustedWorkdays: z.array(realDate).max(20),
    source: writtenText(4, 200, '须写明国务院办公厅的通知'),
    reason: writtenText(2, 500, '须说明理由'),
  })
  .meta({
    id: 'CalendarYearInput',
    description: 'A year of the State Council holiday arrangement (国务院办公厅关于…部分节假日安排的通知)',
  });

export const CalendarYearSchema = z
  .object({
    year: z.number(),
    holidays: z.array(z.string()),
    adjustedWorkdays: z.array(z.string()),
    source: z.string(),
    origin: z.enum(['package', 'administrator', 'provisional']),
    /** Counted from the statutory holiday law while the year's notice is not entered (no 调休). */
    provisional: z.boolean(),
    /** After PUT: whether the year's case was told (closes the administrators' task, recomputes running timers). */
    recomputation: z.enum(['started', 'not_started']).optional(),
  })
  .meta({ id: 'CalendarYear' });

export const CalendarStatusSchema = z
  .object({
    today: z.string(),
    year: z.number(),
    yearState: z.enum(['entered', 'provisional', 'refused']),
    nextYear: z.number(),
    nextYearState: z.enum(['entered', 'provisional', 'refused']),
    warnFrom: z.string(),
    warning: z.boolean(),
    message: z.string().nullable(),
  })
  .meta({ id: 'CalendarStatus', description: '工作日历 state of this year and the next, and the banner (Art. 94)' });

export const DueDateQuerySchema = z.strictObject({
  start: realDate,
  // A required whole number from 0 to 3650, written as the query string carries it: a pattern, so the document says
  // what is enforced (a coerced number would be documented as optional and nullable; issue 21).
  amount: z
    .string({ error: '须为0至3650的整数' })
    .regex(/^(?:0|[1-9]\d{0,2}|[12]\d{3}|3[0-5]\d{2}|36[0-4]\d|3650)$/, '须为0至3650的整数')
    .transform(Number)
    .meta({ description: 'Whole number of units, 0 to 3650' }),
  unit: z.enum(['workdays', 'days', 'months']),
});

function notCovered(err: CalendarNotCoveredError): ApiError {
  return new ApiError(422, 'calendar_not_covered', `工作日历尚无${err.year}年数据，请系统管理员录入`, [
    { path: 'calendar', message: `工作日历尚无${err.year}年数据，请系统管理员录入` },
  ]);
}

/**
 * Tells the year's case that its notice is entered: a signal to the running case, or a new one started with the entry.
 * (Not signal-with-start: Temporal's time-skipping test server then stops skipping time.)
 */
async function tellCalendarYear(
  deps: { temporal: Client; taskQueue: string },
  caseNumber: string,
  entry: CalendarYearEntry,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.temporal.workflow.getHandle(caseNumber).signal(calendarYearEntered, entry);
      return;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || attempt > 0) throw err;
    }
    try {
      await deps.temporal.workflow.start<CalendarYearWorkflow>('calendarYear', {
        taskQueue: deps.taskQueue,
        workflowId: caseNumber,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'calendar_year' },
          { key: AGENCY_CODE, value: CALENDAR_AGENCY },
          { key: CASE_STATUS, value: 'entered' },
        ],
        args: [{ year: entry.year, caseNumber, entry }],
      });
      return;
    } catch (err) {
      // Started meanwhile by the daily check: signal it.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}

export function calendarRouter(deps: {
  db: Db;
  calendar: CalendarStore;
  temporal: Client;
  taskQueue: string;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  router.use('/calendar', requireRole(...STAFF_ROLES));

  router.get('/calendar/years', async (_req, res) => {
    const calendar = await deps.calendar.current();
    const stored = new Set((await db.calendarYear.findMany({ select: { year: true } })).map((r) => r.year));
    res.json({
      years: calendar.coveredYears.map((year) => ({
        year,
        source: calendar.sourceOf(year),
        origin: calendar.isProvisional(year) ? 'provisional' : stored.has(year) ? 'administrator' : 'package',
        provisional: calendar.isProvisional(year),
      })),
    });
  });

  router.get('/calendar/years/:year', async (req, res) => {
    const { year } = parseOr400(YearParam, req.params, 'params');
    const row = await db.calendarYear.findUnique({ where: { year } });
    if (row) return void res.json({ ...storedYearData(row), origin: 'administrator', provisional: false });
    const calendar = await deps.calendar.current();
    if (!calendar.covers(year)) throw new ApiError(404, 'calendar_year_not_found', `没有${year}年的工作日历数据`);
    const provisional = calendar.isProvisional(year);
    res.json({ ...calendar.yearData(year), origin: provisional ? 'provisional' : 'package', provisional });
  });

  router.get('/calendar/status', async (_req, res) => {
    res.json(calendarStatus(await deps.calendar.current(), businessDateOf(now())));
  });

  router.put('/calendar/years/:year', requireRole('administrator'), async (req, res) => {
    const user = currentUser(req);
    const { year } = parseOr400(YearParam, req.params, 'params');
    const body = parseOr400(CalendarYearBodySchema, req.body);
    const fields = [
      ...body.holidays.flatMap((d, i) =>
        d.startsWith(`${year}-`) ? [] : [{ path: `holidays.${i}`, message: `须在${year}年内` }],
      ),
      ...body.adjustedWorkdays.flatMap((d, i) => {
        if (!d.startsWith(`${year}-`)) return [{ path: `adjustedWorkdays.${i}`, message: `须在${year}年内` }];
        const dow = dayOfWeek(d);
        if (dow !== 0 && dow !== 6) return [{ path: `adjustedWorkdays.${i}`, message: '调休上班日须为星期六或星期日' }];
        if (body.holidays.includes(d)) return [{ path: `adjustedWorkdays.${i}`, message: '同时列为了放假日' }];
        return [];
      }),
    ];
    // 422: each date is a real date (the schema's 400); whether the dates fit this year — in the year, adjusted
    // workdays on a weekend and not also holidays — is a rule between the path and the body the schema cannot state.
    if (fields.length) throw new ApiError(422, 'calendar_dates_inconsistent', '日历年份无效', fields);

    const at = now();
    const holidays = [...new Set(body.holidays)].sort();
    const adjustedWorkdays = [...new Set(body.adjustedWorkdays)].sort();
    const saved = await db.$transaction(async (tx) => {
      const before = await tx.calendarYear.findUnique({ where: { year } });
      const data = {
        holidays: holidays.map(dbDate),
        adjustedWorkdays: adjustedWorkdays.map(dbDate),
        source: body.source,
        updatedBy: user.username,
        updatedAt: at,
      };
      const row = await tx.calendarYear.upsert({
        where: { year },
        create: { year, ...data, createdAt: at },
        update: data,
      });
      await audit(tx, {
        actor: user,
        action: before ? 'calendar_year_corrected' : 'calendar_year_added',
        entity: 'calendar_year',
        entityId: String(year),
        before: before ? storedYearData(before) : undefined,
        after: storedYearData(row),
        reason: body.reason,
        requestId: String(req.id),
        at,
      });
      return row;
    });
    deps.calendar.invalidate();
    // The year's case: its administrators' task is done, and the cases counted on its provisional calendar recompute.
    // Should Temporal be away, the year is saved all the same and the daily calendar check tells the case later.
    const caseNumber = calendarYearCaseNumber(year);
    let recomputation: 'started' | 'not_started' = 'started';
    const entry: CalendarYearEntry = { year, by: actorOf(user), source: body.source, at: at.toISOString() };
    try {
      await tellCalendarYear(deps, caseNumber, entry);
    } catch (err) {
      recomputation = 'not_started';
      req.log.warn({ err, year }, 'calendar year saved; its case could not be told');
    }
    res.json({ ...storedYearData(saved), origin: 'administrator', provisional: false, recomputation });
  });

  router.get('/calendar/due-date', async (req, res) => {
    const q = parseOr400(DueDateQuerySchema, req.query, 'query');
    const calendar = await deps.calendar.current();
    try {
      const due = dueDate(q.start, { amount: q.amount, unit: q.unit }, calendar);
      res.json({
        start: q.start,
        amount: q.amount,
        unit: q.unit,
        dueDate: due,
        dueInstant: deadlineInstantIso(due),
        provisional: onCalendar(q) && calendar.spansProvisional(q.start, due),
      });
    } catch (err) {
      if (err instanceof CalendarNotCoveredError) throw notCovered(err);
      throw err;
    }
  });

  return router;
}
