import { dayOfWeek } from '../../domain/calendar';
import type { TestDatabase } from './db';

/**
 * Calendar years the packaged data does not cover yet (2027 to 2040), as weekends plus New Year's Day and National Day,
 * marked as test data. The time-skipping server's clock starts at the real time and only moves forward, so timer tests
 * run near the end of a year must be able to count workdays into the next one.
 */
export async function seedFutureCalendarYears(
  tdb: TestDatabase,
  years = Array.from({ length: 14 }, (_, i) => 2027 + i),
): Promise<void> {
  for (const year of years) {
    const holidays = [`${year}-01-01`, `${year}-10-01`, `${year}-10-02`, `${year}-10-03`].filter((d) => {
      const dow = dayOfWeek(d);
      return dow !== 0 && dow !== 6;
    });
    await tdb.sql(
      `INSERT INTO calendar_year (year, holidays, adjusted_workdays, source, updated_by, created_at, updated_at)
       VALUES ($1, $2::date[], '{}'::date[], 'test data', 'test', now(), now()) ON CONFLICT (year) DO NOTHING`,
      [year, holidays],
    );
  }
}
