/** The case of a calendar year (workflows/calendar-year.ts): its number, the same wherever it is computed. */
import { createHash } from 'node:crypto';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';

/** `GZR-<year>-210000-<serial>`: the serial from the year alone, so the check and the entry find the same case. */
export function calendarYearCaseNumber(year: number): string {
  const serial = serialFromBytes(createHash('sha256').update(`calendar_year/${year}`).digest());
  return formatCaseNumber('calendar_year', year, '210000', serial);
}
