/**
 * The working-day calendar in force: the packaged State Council arrangements (npm chinese-days, years it really
 * covers) overridden and extended by the years administrators entered (table calendar_year), and after them one
 * provisional year built from the statutory holiday law in force on its 1 January
 * (policy/statutory-holiday.json, domain/calendar-provisional.ts). Years after that are refused, not guessed: a
 * notice is published for one year at a time, in the last months of the year before, so only the year after the last
 * notice can be needed before its notice is out; administrators are warned from 1 November (workflows/calendar-year.ts).
 *
 * Every process caches it and reloads when the table or the policy changes (checked at most every `ttlMs`), so a year
 * added through the API reaches the API's and the workers' deadlines within seconds, without a restart.
 */
import { createCalendar, type CalendarYearData, type WorkdayCalendar } from '../domain/calendar';
import { calendarYearsFromChineseDays } from '../domain/calendar-chinese-days';
import { provisionalCalendarYear } from '../domain/calendar-provisional';
import { findParameter, type PolicyData } from '../domain/policy';
import { loadPolicyData } from '../policy/load';
import type { Db } from './db';
import { staticPolicyStore, type PolicyStore } from './policy-store';

export interface CalendarStore {
  /** `fresh`: check the table now, whatever the cache's age (a recomputation right after a year was entered). */
  current(opts?: { fresh?: boolean }): Promise<WorkdayCalendar>;
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

/**
 * The year data with the provisional year: the first year without a notice after the years that have one (the years
 * from the earliest on, without a gap), when the statutory holiday law is in force on its 1 January (otherwise none:
 * the year is refused). A year entered further ahead does not move it: with 2027 missing and 2030 entered, 2027 is
 * the provisional one and 2028, 2029 and 2031 are refused.
 */
export function withProvisionalYear(years: readonly CalendarYearData[], policy: PolicyData): CalendarYearData[] {
  const covered = new Set(years.map((y) => y.year));
  if (!covered.size) return [...years];
  let year = Math.min(...covered);
  while (covered.has(year)) year++;
  const law = findParameter(policy, 'statutoryHoliday', 'national', `${year}-01-01`);
  if (!law) return [...years];
  return [...years, provisionalCalendarYear(year, law.value, law.source.document)];
}

export function createCalendarStore(db: Db, opts: { ttlMs?: number; policy?: PolicyStore } = {}): CalendarStore {
  const ttlMs = opts.ttlMs ?? 5_000;
  const policies = opts.policy ?? staticPolicyStore(loadPolicyData());
  const packaged = calendarYearsFromChineseDays();
  let cached: { checkedAt: number; version: string; policy: PolicyData; calendar: WorkdayCalendar } | undefined;

  return {
    async current({ fresh = false } = {}) {
      if (!fresh && cached && Date.now() - cached.checkedAt < ttlMs) return cached.calendar;
      const policy = await policies.current();
      const [row] = await db.$queryRaw<{ version: string }[]>`
        SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS version FROM calendar_year`;
      const version = row!.version;
      if (cached && cached.version === version && cached.policy === policy) {
        cached.checkedAt = Date.now();
        return cached.calendar;
      }
      const rows = await db.calendarYear.findMany({ orderBy: { year: 'asc' } });
      // Later entries for the same year replace earlier ones: the administrators' years win over the package.
      const calendar = createCalendar(withProvisionalYear([...packaged, ...rows.map(storedYearData)], policy));
      cached = { checkedAt: Date.now(), version, policy, calendar };
      return calendar;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
