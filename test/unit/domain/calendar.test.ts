import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  businessDateOf,
  CalendarNotCoveredError,
  createCalendar,
  daysBetween,
  deadlineInstant,
  deadlineInstantIso,
  dueDate,
  endOfMonth,
  InvalidDateError,
  isIsoDate,
  startOfBusinessDay,
  type CalendarYearData,
} from '../../../domain/calendar';
import { calendarYearsFromChineseDays, chineseDaysCoveredYears } from '../../../domain/calendar-chinese-days';
import { deadlineFor } from '../../../domain/deadlines';

dayjs.extend(utc);
dayjs.extend(timezone);
import { calendar, policy } from './helpers';

const DAY0 = daysBetween('1970-01-01', '2004-01-01');
const DAY1 = daysBetween('1970-01-01', '2026-09-30');
/** Dates from 2004-01-01 to 2026-09-30 (a 60-workday walk stays inside 2026). */
const coveredDate = fc.integer({ min: DAY0, max: DAY1 }).map((d) => addDays('1970-01-01', d));

describe('working-day calendar (Art. 13, 49, 50, 52, 53, 61, 64)', () => {
  it('counts 5 workdays after 2024-09-27 to 2024-10-10 across National Day (Art. 13)', () => {
    expect(calendar.addWorkdays('2024-09-27', 5)).toBe('2024-10-10');
    expect(calendar.workdaysBetween('2024-09-27', '2024-10-10')).toBe(5);
  });

  it('treats the adjusted Sunday 2024-09-29 as a workday and National Day as holidays (Art. 13)', () => {
    expect(calendar.isWorkday('2024-09-29')).toBe(true); // Sunday, 调休上班
    expect(calendar.isWorkday('2024-10-12')).toBe(true); // Saturday, 调休上班
    for (const d of ['2024-10-01', '2024-10-04', '2024-10-07']) expect(calendar.isWorkday(d)).toBe(false);
    expect(calendar.isWorkday('2024-09-28')).toBe(false); // ordinary Saturday
    expect(calendar.isWorkday('2024-10-08')).toBe(true);
  });

  it.each([
    // [start, n, end]: 规程 periods across the arrangements of the State Council
    ['2025-01-24', 5, '2025-02-07'], // Spring Festival 2025: 01-26 (Sun) worked, 01-28..02-04 off (Art. 52)
    ['2024-04-30', 3, '2024-05-08'], // Labour Day 2024: 05-01..05-05 off, 05-11 (Sat) worked later (Art. 61)
    ['2024-05-10', 1, '2024-05-11'], // 2024-05-11 is an adjusted Saturday workday (Art. 64)
    ['2026-09-30', 5, '2026-10-13'], // National Day 2026: 10-01..10-07 off, 10-10 (Sat) worked (Art. 53)
    ['2024-10-10', 0, '2024-10-10'],
  ])('counts %s + %i workdays = %s (Art. 52, 53, 61, 64)', (start, n, end) => {
    expect(calendar.addWorkdays(start, n)).toBe(end);
    expect(calendar.workdaysBetween(start, end)).toBe(n);
  });

  it('counts workdays backwards for negative n (Art. 13)', () => {
    expect(calendar.addWorkdays('2024-10-10', -5)).toBe('2024-09-27');
    expect(calendar.workdaysBetween('2024-10-10', '2024-09-27')).toBe(-5);
  });

  it('refuses a date in an uncovered year, 2027-01-04, with CalendarNotCoveredError (Art. 13)', () => {
    expect(() => calendar.isWorkday('2027-01-04')).toThrow(CalendarNotCoveredError);
    try {
      calendar.isWorkday('2027-01-04');
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarNotCoveredError);
      expect((err as CalendarNotCoveredError).year).toBe(2027);
    }
    expect(() => calendar.isWorkday('2003-12-31')).toThrow(CalendarNotCoveredError);
  });

  it('refuses an addWorkdays walk from 2026-12-28 into 2027 instead of guessing weekends (Art. 13)', () => {
    expect(calendar.addWorkdays('2026-12-28', 3)).toBe('2026-12-31');
    let error: unknown;
    try {
      calendar.addWorkdays('2026-12-28', 4);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CalendarNotCoveredError);
    expect((error as CalendarNotCoveredError).year).toBe(2027);
    expect(() => calendar.workdaysBetween('2026-12-28', '2027-01-05')).toThrow(CalendarNotCoveredError);
  });

  it('takes from chinese-days only the years whose arrangement it contains: 2004–2026, not 2027', () => {
    const years = calendarYearsFromChineseDays();
    expect(years[0]!.year).toBe(2004);
    expect(years.at(-1)!.year).toBe(2026);
    expect(years.map((y) => y.year)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    const y2024 = years.find((y) => y.year === 2024)!;
    expect(y2024.adjustedWorkdays).toContain('2024-09-29');
    expect(y2024.holidays).toContain('2024-10-01');
    expect(y2024.source).toMatch(/chinese-days 1\.5\.7/);
  });

  it('does not take a year from stray dates: a year needs New Year, Spring Festival and National Day', () => {
    const data = {
      holidays: {
        '2030-01-01': "New Year's Day,元旦,1",
        '2030-02-03': 'Spring Festival,春节,7',
        '2030-10-01': 'National Day,国庆节,7',
        '2031-01-01': "New Year's Day,元旦,1", // only New Year's Day known: not covered
      },
      workdays: { '2030-02-09': 'Spring Festival,春节,7' },
    };
    expect(chineseDaysCoveredYears(data)).toEqual([2030]);
    const [y2030] = calendarYearsFromChineseDays(data, 'test');
    expect(y2030).toMatchObject({ year: 2030, adjustedWorkdays: ['2030-02-09'] });
  });

  it('lets an administrator add 2027 and replace a year: later datasets win (Art. 13)', () => {
    const y2027: CalendarYearData = {
      year: 2027,
      holidays: ['2027-01-01'],
      adjustedWorkdays: [],
      source: 'test: entered by an administrator',
    };
    const extended = createCalendar([...calendarYearsFromChineseDays(), y2027]);
    expect(extended.isWorkday('2027-01-01')).toBe(false);
    expect(extended.isWorkday('2027-01-04')).toBe(true);
    expect(extended.addWorkdays('2026-12-28', 4)).toBe('2027-01-04');

    const replaced = createCalendar([
      ...calendarYearsFromChineseDays(),
      { year: 2024, holidays: [], adjustedWorkdays: [], source: 'test: replacement' },
    ]);
    expect(replaced.isWorkday('2024-10-01')).toBe(true);
    expect(replaced.isWorkday('2024-09-29')).toBe(false);
    expect(replaced.sourceOf(2024)).toBe('test: replacement');
  });

  it('refuses year data whose dates are not in its year or are both holiday and workday', () => {
    expect(() => createCalendar([{ year: 2027, holidays: ['2026-12-31'], adjustedWorkdays: [], source: 's' }])).toThrow(
      /不在 2027 年内/,
    );
    expect(() =>
      createCalendar([{ year: 2027, holidays: ['2027-02-06'], adjustedWorkdays: ['2027-02-06'], source: 's' }]),
    ).toThrow(/同时被列为放假日/);
  });

  it('property: addWorkdays never lands on a non-workday and is monotone in n', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), (date, n, m) => {
        const a = calendar.addWorkdays(date, n);
        expect(calendar.isWorkday(a)).toBe(true);
        expect(a > date).toBe(true);
        const b = calendar.addWorkdays(date, m);
        if (n < m) expect(a < b).toBe(true);
        if (n === m) expect(a).toBe(b);
      }),
      { numRuns: 300 },
    );
  });

  it('property: workdaysBetween inverts addWorkdays in both directions', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: -60, max: 60 }), (date, n) => {
        fc.pre(date >= '2004-04-01');
        const end = calendar.addWorkdays(date, n);
        expect(calendar.workdaysBetween(date, end)).toBe(n);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 0, max: 80 }), (a, days) => {
        const b = addDays(a, days);
        fc.pre(calendar.isWorkday(b));
        expect(calendar.addWorkdays(a, calendar.workdaysBetween(a, b))).toBe(b);
      }),
      { numRuns: 300 },
    );
  });
});

describe('calendar days and months (Art. 13, 17, 38, 43, 56)', () => {
  it('counts "within 60 days" of 2024-01-15 to 2024-03-15 in a leap year (Art. 13)', () => {
    expect(addDays('2024-01-15', 60)).toBe('2024-03-15');
    expect(addDays('2024-03-15', -60)).toBe('2024-01-15');
    expect(daysBetween('2024-01-15', '2024-03-15')).toBe(60);
  });

  it('clamps month arithmetic to the end of the shorter month (Art. 13, 56)', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-08-31', 6)).toBe('2025-02-28');
    expect(addMonths('2024-05-15', 6)).toBe('2024-11-15');
    expect(endOfMonth('2024-02')).toBe('2024-02-29');
  });

  it('reminds one month before a benefit period ending 2024-12-31, on 2024-11-30 (Art. 38)', () => {
    expect(dueDate('2024-12-31', { amount: 1, unit: 'months', direction: 'before' })).toBe('2024-11-30');
  });

  it('refuses dates that are not real', () => {
    for (const bad of ['2024-02-30', '2023-02-29', '2024-13-01', '24-01-01', '2024-1-1']) {
      expect(isIsoDate(bad)).toBe(false);
      expect(() => addDays(bad, 1)).toThrow(InvalidDateError);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('ends a deadline date at the start of the next day in Asia/Shanghai, exclusive (Art. 13)', () => {
    expect(deadlineInstantIso('2024-10-10')).toBe('2024-10-10T16:00:00.000Z');
    expect(startOfBusinessDay('2024-10-11').getTime()).toBe(deadlineInstant('2024-10-10').getTime());
    expect(businessDateOf(new Date('2024-10-10T15:59:59.999Z'))).toBe('2024-10-10');
    expect(businessDateOf(deadlineInstant('2024-10-10'))).toBe('2024-10-11');
  });

  it('gives the business date of an instant by UTC+8 arithmetic exactly as the time zone database does', () => {
    const byTimeZone = (d: Date) => dayjs(d).tz('Asia/Shanghai').format('YYYY-MM-DD');
    // Either side of midnight in Shanghai, and the years of China's daylight saving time (1986-1991), which keep
    // the time zone database's answer.
    for (const iso of [
      '2024-10-10T15:59:59.999Z',
      '2024-10-10T16:00:00.000Z',
      '1991-09-14T15:30:00.000Z',
      '1988-06-01T15:30:00.000Z',
      '1991-12-31T15:59:59.999Z',
      '1991-12-31T16:00:00.000Z',
      '1992-01-01T00:00:00.000Z',
    ]) {
      expect(businessDateOf(new Date(iso)), iso).toBe(byTimeZone(new Date(iso)));
    }
    expect(businessDateOf(new Date('1988-06-01T15:30:00.000Z'))).toBe('1988-06-02');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), (t) => {
        expect(businessDateOf(new Date(t))).toBe(byTimeZone(new Date(t)));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('deadlines table (Art. 13, 43, 62, 63)', () => {
  it('gives the review conclusion deadline 5 workdays after 2024-09-27: 2024-10-10 (Art. 13)', () => {
    const d = deadlineFor(policy, 'art13.reviewConclusion', '2024-09-27', calendar);
    expect(d.dueDate).toBe('2024-10-10');
    expect(d.dueInstant).toBe('2024-10-10T16:00:00.000Z');
    expect(d.parameter).toMatchObject({ article: '第十三条', confirmed: true });
  });

  it('gives 30 calendar days to repay after a notice on 2024-09-02: 2024-10-02 (Art. 43)', () => {
    expect(deadlineFor(policy, 'art43.repayment', '2024-09-02', calendar).dueDate).toBe('2024-10-02');
  });

  it('moves the monthly funds request to the 8th when holidays intervene (Art. 62)', () => {
    expect(deadlineFor(policy, 'art62.cityFundsRequest', '2024-10-01', calendar).dueDate).toBe('2024-10-08');
    expect(deadlineFor(policy, 'art62.cityFundsRequest', '2025-01-01', calendar).dueDate).toBe('2025-01-08');
    expect(deadlineFor(policy, 'art62.cityFundsRequest', '2024-11-01', calendar).dueDate).toBe('2024-11-03');
    expect(deadlineFor(policy, 'art63.provinceToCity', '2024-10-01', calendar).dueDate).toBe('2024-10-12');
    expect(deadlineFor(policy, 'art63.allPaid', '2024-10-01', calendar).dueDate).toBe('2024-10-15');
  });
});
