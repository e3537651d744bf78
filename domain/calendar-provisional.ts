/**
 * The provisional working-day calendar of a year whose State Council notice (国务院办公厅关于部分节假日安排的通知) is
 * not entered yet, built from the statutory holiday law 《全国年节及纪念日放假办法》 (policy/statutory-holiday.json):
 *
 * | rule                                   | how                                                                      |
 * | -------------------------------------- | ------------------------------------------------------------------------ |
 * | 第二条 the holidays of all citizens     | solar dates as written; 春节, 端午, 中秋 from the lunar calendar; 清明 the day of the solar term (npm `lunar-typescript`) |
 * | 第六条 a holiday on Saturday or Sunday  | made up on the first weekday after its holiday that is not itself a holiday (as the notices do); a day on which two holidays fall is made up the same way |
 * | 第七条 调休 (weekend days worked)        | none: only the notice says which weekend days are worked                 |
 * | weekends                               | rest days                                                                |
 *
 * So a provisional year can only be wrong where the notice adds 调休 rest days (more days off: provisional dates are
 * earlier than the notice's) or worked weekend days (fewer: later). Entering the notice recomputes the running timers
 * (workflows/tasks.ts). Which years are provisional is the calendar store's choice (lib/calendar-store.ts): only the
 * one year after the last year with a notice. Pure: the lunar library computes, it reads nothing.
 */
import { Lunar } from 'lunar-typescript';
import { addDays, dayOfWeek, type CalendarYearData, type IsoDate } from './calendar';
import type { FamilyValue } from './policy/schemas';

export type StatutoryHolidayLaw = FamilyValue<'statutoryHoliday'>;

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (s: { getYear(): number; getMonth(): number; getDay(): number }) =>
  `${s.getYear()}-${pad(s.getMonth())}-${pad(s.getDay())}`;

/** The Gregorian date of a holiday's dated day in `year`. */
function datedDay(year: number, date: StatutoryHolidayLaw['holidays'][number]['date']): IsoDate {
  switch (date.calendar) {
    case 'solar':
      return `${year}-${pad(date.month)}-${pad(date.day)}`;
    case 'lunar':
      // The lunar year that begins in `year` (its 正月 falls in late January or February of `year`).
      return ymd(Lunar.fromYmd(year, date.month, date.day).getSolar());
    case 'solarTerm':
      return ymd(Lunar.fromYmd(year, 1, 1).getJieQiTable()[date.term]!);
  }
}

/** One holiday of the law in `year`: its days, in order. */
export interface StatutoryHolidayDays {
  name: string;
  days: IsoDate[];
  /** 第六条: the workdays it is made up on. */
  madeUpOn: IsoDate[];
}

const isWeekend = (d: IsoDate) => dayOfWeek(d) === 0 || dayOfWeek(d) === 6;

/** The law's holidays of `year` with their make-up days, in date order. */
export function statutoryHolidaysOf(year: number, law: StatutoryHolidayLaw): StatutoryHolidayDays[] {
  const dated = law.holidays
    .map((h) => {
      const first = addDays(datedDay(year, h.date), h.startOffset);
      return { name: h.name, days: Array.from({ length: h.days }, (_, i) => addDays(first, i)) };
    })
    .sort((a, b) => (a.days[0]! < b.days[0]! ? -1 : 1));
  const off = new Set<IsoDate>();
  const out: StatutoryHolidayDays[] = [];
  for (const h of dated) {
    // A day that is a weekend day or already another holiday's is owed (第六条).
    let owed = 0;
    for (const d of h.days) {
      if ((law.makeUpWeekendDays && isWeekend(d)) || off.has(d)) owed++;
      off.add(d);
    }
    const madeUpOn: IsoDate[] = [];
    for (let d = addDays(h.days[h.days.length - 1]!, 1); madeUpOn.length < owed; d = addDays(d, 1)) {
      if (!isWeekend(d) && !off.has(d)) {
        madeUpOn.push(d);
        off.add(d);
      }
    }
    out.push({ name: h.name, days: h.days, madeUpOn });
  }
  return out;
}

/**
 * The provisional calendar data of `year`: the law's holidays and their make-up days as rest days, no adjusted
 * workdays. `citation` names the law's version (it goes into the year's source).
 */
export function provisionalCalendarYear(year: number, law: StatutoryHolidayLaw, citation: string): CalendarYearData {
  const holidays = statutoryHolidaysOf(year, law)
    .flatMap((h) => [...h.days, ...h.madeUpOn])
    .filter((d) => d.startsWith(`${year}-`));
  return {
    year,
    holidays: [...new Set(holidays)].sort(),
    adjustedWorkdays: [],
    source: `暂定：按${citation}推算的法定节假日（未含调休），待录入国务院办公厅${year}年部分节假日安排的通知`,
    provisional: true,
  };
}
