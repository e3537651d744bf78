/** Date arithmetic of the simulators: 'YYYY-MM-DD' dates and 'YYYY-MM' months, as civil dates in Asia/Shanghai. */

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil: plain arithmetic, no Date objects). */
export function toDays(date: string): number {
  const d = Number(date.slice(8, 10));
  const m = Number(date.slice(5, 7));
  const y = Number(date.slice(0, 4)) - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day number (civil_from_days). */
export function fromDays(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export function addDays(date: string, days: number): string {
  return fromDays(toDays(date) + days);
}

/** Months counted from year 0: 'YYYY-MM' ↔ number, so ranges are plain integer loops. */
export function toMonthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

const monthStrings = new Map<number, string>();

export function fromMonthIndex(index: number): string {
  let text = monthStrings.get(index);
  if (text === undefined) {
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    monthStrings.set(index, text);
  }
  return text;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 1 && leap ? 29 : MONTH_DAYS[month]!;
}

/** A day of a month, clamped to the month's length. */
export function dayOfMonth(monthIndex: number, day: number): string {
  const d = Math.min(day, daysInMonth(monthIndex));
  return `${fromMonthIndex(monthIndex)}-${d < 10 ? '0' : ''}${d}`;
}

/** Today's civil date in Asia/Shanghai. */
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Whole years between two dates (age on a date). */
export function yearsBetween(from: string, to: string): number {
  let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  if (to.slice(5) < from.slice(5)) years--;
  return years;
}
