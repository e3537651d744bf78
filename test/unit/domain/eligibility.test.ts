import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessEligibility, type EligibilityInput } from '../../../domain/calculators';
import { SEPARATION_REASONS } from '../../../domain/separation';
import { EMPLOYER_A, EMPLOYER_B, monthsEndingAt, paid, policy } from './helpers';

const DATE = '2026-01-05';
const SEPARATION = '2025-12-20';

function assess(input: Partial<EligibilityInput>) {
  return assessEligibility(
    { contributions: [], separationReason: 'contract_expired', separationDate: SEPARATION, ...input },
    policy,
    DATE,
  );
}

describe('eligibility for unemployment benefit (Art. 34)', () => {
  it('grants 12 months of contributions and refuses 11 (Art. 34)', () => {
    expect(assess({ contributions: paid(monthsEndingAt('2025-12', 12)) }).result).toMatchObject({
      status: 'eligible',
      totalMonths: 12,
      wholeYears: 1,
      reasons: [],
    });
    expect(assess({ contributions: paid(monthsEndingAt('2025-12', 11)) }).result).toMatchObject({
      status: 'ineligible',
      totalMonths: 11,
      reasons: ['insufficient_contributions'],
    });
  });

  it('property: eligibility flips exactly between 11 and 12 months, across employers (Art. 34)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), (n, split) => {
        const months = monthsEndingAt('2025-12', n);
        const k = Math.min(split, n);
        const records = [...paid(months.slice(0, k), EMPLOYER_A), ...paid(months.slice(k), EMPLOYER_B)];
        const r = assess({ contributions: records }).result;
        expect(r.totalMonths).toBe(n);
        expect(r.status).toBe(n >= 12 ? 'eligible' : 'ineligible');
      }),
    );
  });

  it('counts a month paid by two employers once (Art. 32)', () => {
    const months = monthsEndingAt('2025-12', 8);
    const r = assess({ contributions: [...paid(months, EMPLOYER_A), ...paid(months.slice(0, 6), EMPLOYER_B)] }).result;
    expect(r.totalMonths).toBe(8);
    expect(r.duplicateMonths).toHaveLength(6);
    expect(r.status).toBe('ineligible');
  });

  it('adds deemed contribution months (Art. 35)', () => {
    const r = assess({ contributions: paid(monthsEndingAt('2025-12', 6)), deemedContributionMonths: 6 }).result;
    expect(r).toMatchObject({ paidMonths: 6, deemedMonths: 6, totalMonths: 12, status: 'eligible' });
  });

  it('leaves out waived arrears and waits for unresolved ones (Art. 41)', () => {
    const months = monthsEndingAt('2025-12', 12);
    const records = [
      ...paid(months.slice(0, 11)),
      { employerUscc: EMPLOYER_A, month: months[11]!, status: 'arrears' as const },
    ];
    const waived = assess({ contributions: records, waivedArrearsMonths: [months[11]!] }).result;
    expect(waived).toMatchObject({ status: 'ineligible', totalMonths: 11, waivedArrearsMonths: [months[11]] });
    const open = assess({ contributions: records }).result;
    expect(open).toMatchObject({ status: 'needs_review', unresolvedArrearsMonths: [months[11]] });
    expect(open.reasons).toEqual(['insufficient_contributions', 'unresolved_arrears']);
    // arrears of a month another employer paid do not matter
    const covered = assess({ contributions: [...records, ...paid([months[11]!], EMPLOYER_B)] }).result;
    expect(covered).toMatchObject({ status: 'eligible', totalMonths: 12, unresolvedArrearsMonths: [] });
  });

  it('counts only months up to the separation (Art. 34 失业前)', () => {
    const r = assess({ contributions: paid(monthsEndingAt('2026-01', 12)), separationDate: '2025-12-20' }).result;
    expect(r.excludedAfterSeparation).toEqual(['2026-01']);
    expect(r.totalMonths).toBe(11);
  });

  it('restarts the count after an earlier spell and carries its unused months (Art. 38)', () => {
    const r = assess({
      contributions: paid(monthsEndingAt('2025-12', 40)),
      deemedContributionMonths: 24,
      previousSpell: { countedThroughMonth: '2023-06', unusedMonths: 5 },
    }).result;
    expect(r).toMatchObject({ totalMonths: 30, deemedMonths: 0, carriedOverMonths: 5, status: 'eligible' });
    expect(r.excludedEarlierSpell).toHaveLength(10);
  });

  it.each(SEPARATION_REASONS.map((reason) => [reason]))('classifies separation reason %s (Art. 34)', (reason) => {
    const r = assess({ contributions: paid(monthsEndingAt('2025-12', 24)), separationReason: reason }).result;
    const expected =
      reason === 'voluntary_resignation' ? 'voluntary' : reason === 'other' ? 'needs_review' : 'involuntary';
    expect(r.separation).toBe(expected);
    expect(r.status).toBe(
      expected === 'involuntary' ? 'eligible' : expected === 'voluntary' ? 'ineligible' : 'needs_review',
    );
  });

  it('refuses a person who receives a basic pension (Art. 38)', () => {
    const r = assess({ contributions: paid(monthsEndingAt('2025-12', 24)), receivesBasicPension: true }).result;
    expect(r).toMatchObject({ status: 'ineligible', reasons: ['receives_basic_pension'] });
  });
});
