import { addMonthsToMonth, createCalendar, type IsoMonth } from '../../../domain/calendar';
import { calendarYearsFromChineseDays } from '../../../domain/calendar-chinese-days';
import type { ContributionRecord } from '../../../domain/calculators';
import { generateUscc } from '../../../domain/identity';
import { loadPolicyData } from '../../../policy/load';

/**
 * The policy data as the documents published it (../shared/docs/POLICY.md): the skill-upgrade subsidy ran to
 * 2024-12-31, the job-retention refund to 2025-12-31. The data files also carry those values forward, unconfirmed, so
 * that cases after the lapse can be decided until the agency enters the current notices (`carriedForward` below);
 * the rules about lapses are tested on the data without those entries.
 */
export const carriedForward = loadPolicyData();
export const policy = Object.fromEntries(
  Object.entries(carriedForward).map(([family, entries]) => [
    family,
    (entries as { note?: string }[]).filter((e) => !/carried forward/.test(e.note ?? '')),
  ]),
) as typeof carriedForward;
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
