/**
 * Business time, the one month arithmetic and Shanghai-date rule of the project (issue 20): dates are Asia/Shanghai
 * (UTC+8, no daylight saving since 1991), months 'YYYY-MM'. Pure and deterministic, without libraries, so that
 * workflows, activities and domain/calendar.ts all use the same functions. Workday counting is not here: it depends on
 * calendar data (domain/calendar.ts, read by activities).
 */

/** Calendar date in Asia/Shanghai of an instant (epoch ms). */
export function shanghaiDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The instant of `hour`:00 on `date` in Asia/Shanghai (epoch ms). */
export function shanghaiInstant(date: string, hour: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, hour - 8);
}

export function monthOfDate(date: string): string {
  return date.slice(0, 7);
}

export function addToMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** `date` moved by `n` calendar months, the day clamped to the month's length (2026-03-31 − 1 month = 2026-02-28). */
export function addCalendarMonths(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const month = addToMonth(`${y}-${String(m).padStart(2, '0')}`, n);
  const [ny, nm] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${month}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
