/**
 * Calendar year data from npm `chinese-days` (statutory holidays and adjusted workdays of the State Council's yearly
 * arrangements). Kept apart from calendar.ts so that code which only needs date arithmetic does not load the package
 * data; the data is read from the package's published JSON (dist/chinese-days.json), a static import, not I/O.
 *
 * Covered years. The package answers every date, also for years it has no data for (it reports 2027-01-01, New Year's
 * Day, as a workday). So a year is taken from it only when its data contains that year's arrangement, recognised by
 * the holidays every arrangement has since 2000 (《全国年节及纪念日放假办法》): New Year's Day on YYYY-01-01, National
 * Day on YYYY-10-01, and at least one Spring Festival day in the year. A year missing any of them is left out, and the
 * calendar refuses its dates until an administrator adds the year.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import chineseDaysPackage from 'chinese-days/package.json' with { type: 'json' };
import { z } from 'zod';
import type { CalendarYearData } from './calendar';

/** Shape of dist/chinese-days.json: date → "English name,中文名,days". */
const chineseDaysSchema = z.object({
  holidays: z.record(z.string(), z.string()),
  workdays: z.record(z.string(), z.string()),
});

export type ChineseDaysData = z.infer<typeof chineseDaysSchema>;

/** Chinese name of a holiday entry ("Spring Festival,春节,4" → "春节"). */
function holidayName(entry: string): string {
  return entry.split(',')[1] ?? '';
}

/** Years whose arrangement the data contains (rule in the module comment). */
export function chineseDaysCoveredYears(data: ChineseDaysData): number[] {
  const years = new Set<number>();
  for (const date of Object.keys(data.holidays)) years.add(Number(date.slice(0, 4)));
  return [...years]
    .filter((year) => {
      const newYear = data.holidays[`${year}-01-01`];
      const nationalDay = data.holidays[`${year}-10-01`];
      const springFestival = Object.entries(data.holidays).some(
        ([date, entry]) => date.startsWith(`${year}-`) && holidayName(entry) === '春节',
      );
      return newYear !== undefined && nationalDay !== undefined && springFestival;
    })
    .sort((a, b) => a - b);
}

/**
 * Calendar year data for every covered year of the given chinese-days data (default: the installed package).
 * holidays = the package's `holidays` dates of that year; adjustedWorkdays = its `workdays` (调休上班) dates.
 */
export function calendarYearsFromChineseDays(
  raw: unknown = chineseDaysData,
  version: string = chineseDaysPackage.version,
): CalendarYearData[] {
  const data = chineseDaysSchema.parse(raw);
  return chineseDaysCoveredYears(data).map((year) => ({
    year,
    holidays: Object.keys(data.holidays)
      .filter((d) => d.startsWith(`${year}-`))
      .sort(),
    adjustedWorkdays: Object.keys(data.workdays)
      .filter((d) => d.startsWith(`${year}-`))
      .sort(),
    source: `npm chinese-days ${version} (国务院办公厅 ${year} 年部分节假日安排)`,
  }));
}
