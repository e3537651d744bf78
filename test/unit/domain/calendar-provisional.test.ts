/**
 * The provisional working-day calendar (《全国年节及纪念日放假办法》第二条, 第六条): checked against the State Council
 * notices the package holds, and the years it answers or refuses.
 */
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../domain/calendar';
import { calendarYearsFromChineseDays } from '../../../domain/calendar-chinese-days';
import { provisionalCalendarYear, statutoryHolidaysOf } from '../../../domain/calendar-provisional';
import { deadlineFor } from '../../../domain/deadlines';
import { findParameter } from '../../../domain/policy';
import { calendarStatus } from '../../../domain/calendar-status';
import { withProvisionalYear } from '../../../lib/calendar-store';
import { loadPolicyData } from '../../../policy/load';

const policy = loadPolicyData();
const lawOf = (year: number) => findParameter(policy, 'statutoryHoliday', 'national', `${year}-01-01`)!;
const packaged = calendarYearsFromChineseDays();
const notice = (year: number) => packaged.find((y) => y.year === year)!;

describe('provisional calendar from the statutory holiday law', () => {
  it('the law of 2025 gives 除夕 to 初三, 5/1-5/2 and the lunar and solar-term days of the notices of 2025 and 2026', () => {
    const days = (y: number) => Object.fromEntries(statutoryHolidaysOf(y, lawOf(y).value).map((h) => [h.name, h.days]));
    expect(days(2026)).toEqual({
      元旦: ['2026-01-01'],
      春节: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19'],
      清明节: ['2026-04-05'],
      劳动节: ['2026-05-01', '2026-05-02'],
      端午节: ['2026-06-19'],
      中秋节: ['2026-09-25'],
      国庆节: ['2026-10-01', '2026-10-02', '2026-10-03'],
    });
    expect(days(2027).春节).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
  });

  // The notice of 2015 gave 中秋 (Sunday 27 September) no make-up day: the one year the provisional calendar rests a day
  // more than the notice did (its dates would have been a day later, moved back when the notice was entered).
  const extra: Record<number, string[]> = { 2015: ['2015-09-28'] };
  it.each([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026])(
    'every statutory day and make-up day of %i is a rest day of that year’s State Council notice',
    (year) => {
      const provisional = provisionalCalendarYear(year, lawOf(year).value, 'law');
      const rest = new Set(notice(year).holidays);
      expect(provisional.holidays.filter((d) => !rest.has(d))).toEqual(extra[year] ?? []);
    },
  );

  it('a holiday on a weekend is made up on the next weekday (第六条); no adjusted workdays; marked provisional', () => {
    // 2027: 春节 falls Fri 5 Feb to Mon 8 Feb, two weekend days: made up on Tue 9 and Wed 10 Feb.
    const y = provisionalCalendarYear(2027, lawOf(2027).value, '《全国年节及纪念日放假办法》');
    expect(y.holidays).toEqual(expect.arrayContaining(['2027-02-09', '2027-02-10']));
    expect(y.holidays).not.toContain('2027-02-11');
    expect(y.adjustedWorkdays).toEqual([]);
    expect(y.provisional).toBe(true);
    expect(y.source).toContain('暂定');
  });

  it('only the year after the last notice is provisional; the one after it is refused, not guessed', () => {
    const calendar = createCalendar(withProvisionalYear(packaged, policy));
    expect(calendar.isProvisional(2026)).toBe(false);
    expect(calendar.isProvisional(2027)).toBe(true);
    expect(calendar.covers(2028)).toBe(false);
    expect(() => calendar.addWorkdays('2027-12-28', 5)).toThrow(/2028/);
    // A year entered further ahead leaves the gap: the first missing year is the provisional one.
    const ahead = createCalendar(
      withProvisionalYear([...packaged, { year: 2030, holidays: [], adjustedWorkdays: [], source: 'notice' }], policy),
    );
    expect(ahead.provisionalYears).toEqual([2027]);
    expect(ahead.covers(2028)).toBe(false);
    expect(ahead.covers(2031)).toBe(false);
  });

  it('a deadline counted into the provisional year is provisional; within a noticed year it is not (Art. 13)', () => {
    const calendar = createCalendar(withProvisionalYear(packaged, policy));
    const d = deadlineFor(policy, 'art13.reviewConclusion', '2026-12-28', calendar);
    expect(d).toMatchObject({ dueDate: '2027-01-05', provisional: true });
    expect(deadlineFor(policy, 'art13.reviewConclusion', '2026-12-07', calendar).provisional).toBe(false);
    // Calendar days are not counted on the working-day calendar: never provisional.
    expect(deadlineFor(policy, 'art13.administrativeReconsideration', '2026-12-28', calendar).provisional).toBe(false);
    // Entered, the notice replaces the provisional year, and 2028 becomes the provisional one.
    const entered = createCalendar(
      withProvisionalYear(
        [...packaged, { year: 2027, holidays: ['2027-01-01', '2027-01-04'], adjustedWorkdays: [], source: 'notice' }],
        policy,
      ),
    );
    expect(deadlineFor(policy, 'art13.reviewConclusion', '2026-12-28', entered)).toMatchObject({
      dueDate: '2027-01-06',
      provisional: false,
    });
    expect(entered.provisionalYears).toEqual([2028]);
  });

  it('administrators are warned from 1 November while next year has no notice (Art. 94)', () => {
    const calendar = createCalendar(withProvisionalYear(packaged, policy));
    expect(calendarStatus(calendar, '2026-10-31')).toMatchObject({ nextYear: 2027, warning: false });
    const warned = calendarStatus(calendar, '2026-11-01');
    expect(warned).toMatchObject({ nextYear: 2027, nextYearState: 'provisional', warning: true });
    expect(warned.message).toContain('2027');
    const entered = createCalendar(
      withProvisionalYear([...packaged, { year: 2027, holidays: [], adjustedWorkdays: [], source: 'notice' }], policy),
    );
    expect(calendarStatus(entered, '2026-12-20')).toMatchObject({ nextYearState: 'entered', warning: false });
    // A year running on its provisional calendar is warned of all year.
    expect(calendarStatus(calendar, '2027-03-01')).toMatchObject({ yearState: 'provisional', warning: true });
  });
});
