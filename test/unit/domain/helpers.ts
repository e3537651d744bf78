import { addMonthsToMonth, createCalendar, type IsoMonth } from '../../../domain/calendar';
import { calendarYearsFromChineseDays } from '../../../domain/calendar-chinese-days';
import type { ContributionRecord } from '../../../domain/calculators';
import { generateUscc } from '../../../domain/identity';
import { loadPolicyData } from '../../../policy/load';

export const policy = loadPolicyData();
export const calendar = createCalendar(calendarYearsFromChineseDays());

export const EMPLOYER_A = generateUscc({ serial: 1 });
export const EMPLOYER_B = generateUscc({ serial: 2 });

/** `count` consecutive months ending with `lastMonth`. */
export function monthsEndingAt(lastMonth: IsoMonth, count: number): IsoMonth[] {
  return Array.from({ length: count }, (_, i) => addMonthsToMonth(lastMonth, i - count + 1));
}

/** Paid contribution records of one employer for the given months. */
export function paid(months: readonly IsoMonth[], employerUscc = EMPLOYER_A): ContributionRecord[] {
  return months.map((month) => ({ employerUscc, month, status: 'paid' as const }));
}
