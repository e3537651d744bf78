/**
 * Business dates and the working-day calendar (规程 Art. 13, 49, 50, 52, 53, 61, 64 count 工作日; Art. 17, 18, 19, 21,
 * 43 count calendar days; Art. 13, 38, 56 count months; Art. 62, 63 name days of the month).
 *
 * Pure: every function takes its dates and calendar data as arguments. No clock, no I/O.
 *
 * Conventions
 * - A business date is an ISO local date 'YYYY-MM-DD' in Asia/Shanghai; a month is 'YYYY-MM'.
 * - "Within N workdays" (N 个工作日内) counts from the next day: the 1st workday is the first workday after the start
 *   date, whatever the start date is. `addWorkdays(start, N)` is the last day of the period.
 * - "Within N days" (N 日内) counts calendar days from the next day: the last day is `addDays(start, N)`.
 * - "Within N months" (N 个月内) ends on the same day of the month N months later; when that month is shorter, on its
 *   last day (2024-01-31 + 1 month = 2024-02-29): domain/business-time.ts, the one month arithmetic of the project.
 * - A deadline date ends at the start of the next day in Asia/Shanghai: `deadlineInstant(date)` is that exclusive upper
 *   bound (an action is on time when its instant is strictly before it), so a timer set to it fires exactly when the
 *   period has run out.
 * - Working days come only from year data (statutory holidays and adjusted workdays of each year). A date in a year the
 *   data does not cover is refused with `CalendarNotCoveredError`, never guessed from weekends. A year's data may be
 *   provisional (built from the statutory holiday law while the State Council notice is not entered:
 *   domain/calendar-provisional.ts): its dates are answered, and `isProvisional` says so, so that every due date
 *   reaching into it is shown as provisional.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { z } from 'zod';
import { addCalendarMonths, addToMonth, shanghaiDate } from './business-time';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The time zone business dates are in. */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

/** ISO local date 'YYYY-MM-DD'. */
export type IsoDate = string;
/** ISO month 'YYYY-MM' (e.g. a contribution month, 费款所属期). */
export type IsoMonth = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A string that is not a real 'YYYY-MM-DD' date (or 'YYYY-MM' month). */
export class InvalidDateError extends RangeError {
  override readonly name = 'InvalidDateError';
  constructor(readonly value: string) {
    super(`not a valid ISO date: ${JSON.stringify(value)}`);
  }
}

/** The working-day calendar has no data for this year: refused, never guessed (RUNTIME.md, working-day calendar). */
export class CalendarNotCoveredError extends Error {
  override readonly name = 'CalendarNotCoveredError';
  constructor(
    readonly year: number,
    readonly date: IsoDate,
  ) {
    super(`the working-day calendar does not cover ${year} (date ${date}); add the year's calendar data`);
  }
}

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** True for 'YYYY-MM' with a month 01–12. */
export function isIsoMonth(value: string): boolean {
  const m = ISO_MONTH.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** Throws InvalidDateError unless `value` is a real 'YYYY-MM-DD' date. */
export function assertIsoDate(value: string): void {
  if (!isIsoDate(value)) throw new InvalidDateError(value);
}

/** Throws InvalidDateError unless `value` is 'YYYY-MM'. */
export function assertIsoMonth(value: string): void {
  if (!isIsoMonth(value)) throw new InvalidDateError(value);
}

/** zod schema of an ISO local date. */
export const isoDateSchema = z.string().refine(isIsoDate, { message: '须为真实的日期，格式 YYYY-MM-DD' });
/** zod schema of an ISO month. */
export const isoMonthSchema = z.string().refine(isIsoMonth, { message: '须为月份，格式 YYYY-MM' });

/** Days since 1970-01-01 of a valid ISO date. */
function toDayNumber(date: IsoDate): number {
  assertIsoDate(date);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
}

function fromDayNumber(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Year of an ISO date. */
export function yearOf(date: IsoDate): number {
  assertIsoDate(date);
  return Number(date.slice(0, 4));
}

/** Month 'YYYY-MM' of an ISO date. */
export function monthOf(date: IsoDate): IsoMonth {
  assertIsoDate(date);
  return date.slice(0, 7);
}

/** Calendar-day arithmetic: `date` plus `n` days (n may be negative). "Within 30 days" ends on addDays(start, 30). */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return fromDayNumber(toDayNumber(date) + n);
}

/** Signed number of calendar days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/**
 * Month arithmetic: the same day of the month `n` months later (n may be negative). When the target month is shorter
 * the result is clamped to its last day: 2024-01-31 + 1 = 2024-02-29, 2024-03-31 − 1 = 2024-02-29.
 */
export function addMonths(date: IsoDate, n: number): IsoDate {
  assertIsoDate(date);
  if (!Number.isSafeInteger(n)) throw new RangeError(`addMonths: n must be an integer, got ${n}`);
  return addCalendarMonths(date, n);
}

/** Month arithmetic on 'YYYY-MM'. */
export function addMonthsToMonth(month: IsoMonth, n: number): IsoMonth {
  assertIsoMonth(month);
  if (!Number.isSafeInteger(n)) throw new RangeError(`addMonthsToMonth: n must be an integer, got ${n}`);
  return addToMonth(month, n);
}

/** Signed number of months from month `a` to month `b` (b − a). */
export function monthsBetween(a: IsoMonth, b: IsoMonth): number {
  assertIsoMonth(a);
  assertIsoMonth(b);
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

/** Last day of the month of `date` (or of a 'YYYY-MM' month). */
export function endOfMonth(dateOrMonth: IsoDate | IsoMonth): IsoDate {
  const month = isIsoMonth(dateOrMonth) ? dateOrMonth : monthOf(dateOrMonth);
  return addDays(addMonths(`${month}-01`, 1), -1);
}

/**
 * The deadline instant of a business date: the start of the next day in Asia/Shanghai, as a UTC Date. It is an
 * EXCLUSIVE bound: something done at instant t meets the deadline `date` iff t < deadlineInstant(date). Timers are set
 * to it. (2024-10-10 → 2024-10-10T16:00:00.000Z.)
 */
export function deadlineInstant(date: IsoDate): Date {
  return dayjs.tz(addDays(date, 1), BUSINESS_TIME_ZONE).toDate();
}

/** deadlineInstant as an ISO 8601 UTC string. */
export function deadlineInstantIso(date: IsoDate): string {
  return deadlineInstant(date).toISOString();
}

/** Start of a business date in Asia/Shanghai, as a UTC Date (inclusive lower bound of the day). */
export function startOfBusinessDay(date: IsoDate): Date {
  assertIsoDate(date);
  return dayjs.tz(date, BUSINESS_TIME_ZONE).toDate();
}

/**
 * Asia/Shanghai has been UTC+8 all year since China's last daylight saving time ended in September 1991; from 1992 to
 * the year 9999 the business date of an instant is plain arithmetic (under 2 µs a call, against about 75 µs for dayjs's
 * time zone formatting, which the stuck view called twice per row: issue 11, measure 5). Earlier instants keep dayjs.
 */
const FIXED_OFFSET_FROM = Date.UTC(1992, 0, 1);
const FIXED_OFFSET_UNTIL = Date.UTC(9999, 11, 31);

/** The business date (Asia/Shanghai) an instant falls on. The instant is an argument: this module reads no clock. */
export function businessDateOf(instant: Date): IsoDate {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('businessDateOf: invalid Date');
  if (t >= FIXED_OFFSET_FROM && t < FIXED_OFFSET_UNTIL) {
    return shanghaiDate(t);
  }
  return dayjs(instant).tz(BUSINESS_TIME_ZONE).format('YYYY-MM-DD');
}

// ---------------------------------------------------------------------------------------------------------------------
// Working-day calendar

/** One year of calendar data: the State Council's arrangement for the year (国务院办公厅 节假日安排). */
export interface CalendarYearData {
  year: number;
  /** Days off that would otherwise be workdays or are statutory holidays (法定节假日 and 调休 rest days). */
  holidays: IsoDate[];
  /** Weekend days that are workdays (调休上班). */
  adjustedWorkdays: IsoDate[];
  /** Where the data comes from (package and version, or the notice and who entered it). */
  source: string;
  /** Built from the statutory holiday law, not from the year's notice (domain/calendar-provisional.ts). */
  provisional?: boolean;
}

export const calendarYearDataSchema = z
  .object({
    year: z.number().int().min(1949).max(9999),
    holidays: z.array(isoDateSchema),
    adjustedWorkdays: z.array(isoDateSchema),
    source: z.string().min(1),
    provisional: z.boolean().optional(),
  })
  .superRefine((data, ctx) => {
    for (const key of ['holidays', 'adjustedWorkdays'] as const) {
      data[key].forEach((d, i) => {
        if (Number(d.slice(0, 4)) !== data.year) {
          ctx.addIssue({ code: 'custom', path: [key, i], message: `${d} 不在 ${data.year} 年内` });
        }
      });
    }
    const holidays = new Set(data.holidays);
    data.adjustedWorkdays.forEach((d, i) => {
      if (holidays.has(d)) {
        ctx.addIssue({ code: 'custom', path: ['adjustedWorkdays', i], message: `${d} 同时被列为放假日` });
      }
    });
  });

/** A period as written in the 规程: "N 个工作日内", "N 日内", "N 个月内"; `before` counts backwards (Art. 38 reminder). */
export interface Period {
  amount: number;
  unit: 'workdays' | 'days' | 'months';
  direction?: 'after' | 'before';
}

/** A monthly due day (Art. 62, 63): "每月3日(节假日为8日)前". */
export interface MonthlyDueDay {
  day: number;
  dayWhenHolidays?: number;
}

interface YearEntry {
  holidays: ReadonlySet<string>;
  adjustedWorkdays: ReadonlySet<string>;
  source: string;
  provisional: boolean;
}

/**
 * Working-day calendar built from year data. Later datasets for the same year replace earlier ones, so the
 * package data can be passed first and the years an administrator entered (PostgreSQL) after it.
 */
export class WorkdayCalendar {
  private readonly years = new Map<number, YearEntry>();

  constructor(yearData: readonly CalendarYearData[]) {
    for (const raw of yearData) {
      const data = calendarYearDataSchema.parse(raw);
      this.years.set(data.year, {
        holidays: new Set(data.holidays),
        adjustedWorkdays: new Set(data.adjustedWorkdays),
        source: data.source,
        provisional: data.provisional === true,
      });
    }
  }

  /** Years with data, ascending. */
  get coveredYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  /** True for a covered year whose data is provisional (no State Council notice entered). */
  isProvisional(year: number): boolean {
    return this.years.get(year)?.provisional === true;
  }

  /** Covered years whose data is provisional, ascending. */
  get provisionalYears(): number[] {
    return this.coveredYears.filter((y) => this.isProvisional(y));
  }

  /** Whether a count from `a` to `b` (either order) passes through a provisional year. */
  spansProvisional(a: IsoDate, b: IsoDate): boolean {
    const [lo, hi] = [yearOf(a), yearOf(b)].sort((x, y) => x - y);
    for (let y = lo!; y <= hi!; y++) if (this.isProvisional(y)) return true;
    return false;
  }

  /** Source of a year's data (for explanations). */
  sourceOf(year: number): string {
    const entry = this.years.get(year);
    if (!entry) throw new CalendarNotCoveredError(year, `${year}-01-01`);
    return entry.source;
  }

  /** A covered year's data as it was given (sorted). */
  yearData(year: number): CalendarYearData {
    const entry = this.years.get(year);
    if (!entry) throw new CalendarNotCoveredError(year, `${year}-01-01`);
    return {
      year,
      holidays: [...entry.holidays].sort(),
      adjustedWorkdays: [...entry.adjustedWorkdays].sort(),
      source: entry.source,
      ...(entry.provisional ? { provisional: true } : {}),
    };
  }

  private entryFor(date: IsoDate): YearEntry {
    const year = yearOf(date);
    const entry = this.years.get(year);
    if (!entry) throw new CalendarNotCoveredError(year, date);
    return entry;
  }

  /** Workday (工作日): an adjusted workday, or Monday–Friday that is not a holiday. Uncovered year → error. */
  isWorkday(date: IsoDate): boolean {
    const entry = this.entryFor(date);
    if (entry.adjustedWorkdays.has(date)) return true;
    const dow = dayOfWeek(date);
    return dow >= 1 && dow <= 5 && !entry.holidays.has(date);
  }

  /** Statutory holiday or rest day of the year's arrangement (not an ordinary weekend). */
  isHoliday(date: IsoDate): boolean {
    return this.entryFor(date).holidays.has(date);
  }

  /**
   * The n-th workday after `date` (n > 0), counted from the next day: "within 5 workdays" of 2024-09-27 ends on
   * 2024-10-10. n < 0: the |n|-th workday before `date`. n = 0: `date` itself. Walking into a year the data does not
   * cover throws CalendarNotCoveredError, as does a start date in such a year.
   */
  addWorkdays(date: IsoDate, n: number): IsoDate {
    if (!Number.isSafeInteger(n)) throw new RangeError(`addWorkdays: n must be an integer, got ${n}`);
    this.entryFor(date);
    const step = n < 0 ? -1 : 1;
    let day = toDayNumber(date);
    let remaining = Math.abs(n);
    while (remaining > 0) {
      day += step;
      if (this.isWorkday(fromDayNumber(day))) remaining--;
    }
    return fromDayNumber(day);
  }

  /**
   * Inverse of addWorkdays: for a ≤ b the number of workdays d with a < d ≤ b; for a > b minus the number of workdays
   * d with b ≤ d < a. So workdaysBetween(a, addWorkdays(a, n)) = n for every n.
   */
  workdaysBetween(a: IsoDate, b: IsoDate): number {
    this.entryFor(a);
    this.entryFor(b);
    const start = toDayNumber(a);
    const end = toDayNumber(b);
    if (start === end) return 0;
    const [lo, hi, sign] = start < end ? [start + 1, end, 1] : [end, start - 1, -1];
    let count = 0;
    for (let d = lo; d <= hi; d++) if (this.isWorkday(fromDayNumber(d))) count++;
    return sign * count;
  }

  /** The next workday on or after `date`. */
  nextWorkdayOnOrAfter(date: IsoDate): IsoDate {
    return this.isWorkday(date) ? date : this.addWorkdays(date, 1);
  }

  /** Last day of a period from `start`: workdays via addWorkdays, days via addDays, months via addMonths. */
  dueDate(start: IsoDate, period: Period): IsoDate {
    return dueDate(start, period, this);
  }

  /**
   * Due date of a monthly deadline (Art. 62, 63: "于每月3日(节假日为8日)前"). Read here as: the `dayWhenHolidays`
   * applies when a statutory holiday of the year's arrangement falls between the 1st of the month and the ordinary due
   * day (inclusive); otherwise `day`. This reading is an assumption: the 规程 does not define "节假日为".
   */
  monthlyDueDate(month: IsoMonth, rule: MonthlyDueDay): IsoDate {
    assertIsoMonth(month);
    const ordinary = `${month}-${String(rule.day).padStart(2, '0')}`;
    assertIsoDate(ordinary);
    if (rule.dayWhenHolidays === undefined) return ordinary;
    for (let d = `${month}-01`; d <= ordinary; d = addDays(d, 1)) {
      if (this.isHoliday(d)) return `${month}-${String(rule.dayWhenHolidays).padStart(2, '0')}`;
    }
    return ordinary;
  }
}

/** Build a calendar from year datasets (later datasets for the same year replace earlier ones). */
export function createCalendar(yearData: readonly CalendarYearData[]): WorkdayCalendar {
  return new WorkdayCalendar(yearData);
}

/**
 * Last day of a period from `start`. Workday periods need a calendar; day and month periods do not.
 * `direction: 'before'` counts backwards (Art. 38: remind one month before the benefit period ends).
 */
export function dueDate(start: IsoDate, period: Period, calendar?: WorkdayCalendar): IsoDate {
  if (!Number.isSafeInteger(period.amount) || period.amount < 0) {
    throw new RangeError(`period amount must be a non-negative integer, got ${period.amount}`);
  }
  const n = period.direction === 'before' ? -period.amount : period.amount;
  switch (period.unit) {
    case 'days':
      return addDays(start, n);
    case 'months':
      return addMonths(start, n);
    case 'workdays':
      if (!calendar) throw new Error('a workday period needs the working-day calendar');
      return calendar.addWorkdays(start, n);
  }
}
