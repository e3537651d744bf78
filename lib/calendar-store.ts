/**
 * The working-day calendar in force: the packaged State Council arrangements (npm chinese-days, years it really
 * covers) overridden and extended by the years administrators entered (table calendar_year). Every process caches it
 * and reloads when the table changes (checked at most every `ttlMs`), so a year added through the API reaches the
 * API's and the workers' deadlines within seconds, without a restart.
 */
import { createCalendar, type CalendarYearData, type WorkdayCalendar } from '../domain/calendar';
import { calendarYearsFromChineseDays } from '../domain/calendar-chinese-days';
import type { Db } from './db';

export interface CalendarStore {
  current(): Promise<WorkdayCalendar>;
  /** Forget the cache (after this process changed a year). */
  invalidate(): void;
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export function storedYearData(row: {
  year: number;
  holidays: Date[];
  adjustedWorkdays: Date[];
  source: string;
}): CalendarYearData {
  return {
    year: row.year,
    holidays: row.holidays.map(isoDate).sort(),
    adjustedWorkdays: row.adjustedWorkdays.map(isoDate).sort(),
    source: row.source,
  };
}

export function createCalendarStore(db: Db, opts: { ttlMs?: number } = {}): CalendarStore {
  const ttlMs = opts.ttlMs ?? 5_000;
  const packaged = calendarYearsFromChineseDays();
  let cached: { checkedAt: number; version: string; calendar: WorkdayCalendar } | undefined;

  return {
    async current() {
      if (cached && Date.now() - cached.checkedAt < ttlMs) return cached.calendar;
      const [row] = await db.$queryRaw<{ version: string }[]>`
        SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS version FROM calendar_year`;
      const version = row!.version;
      if (cached && cached.version === version) {
        cached.checkedAt = Date.now();
        return cached.calendar;
      }
      const rows = await db.calendarYear.findMany({ orderBy: { year: 'asc' } });
      // Later entries for the same year replace earlier ones: the administrators' years win over the package.
      const calendar = createCalendar([...packaged, ...rows.map(storedYearData)]);
      cached = { checkedAt: Date.now(), version, calendar };
      return calendar;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
