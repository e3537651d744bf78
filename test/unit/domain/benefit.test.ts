import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cityOf, determineBenefit } from '../../../domain/calculators';
import { addParameterEntry, ParameterNotInForceError } from '../../../domain/policy';
import { policy } from './helpers';

const DATE = '2026-01-05';

describe('benefit period and monthly amount (Art. 38)', () => {
  it.each([
    [12, 3],
    [23, 3],
    [24, 6],
    [48, 12],
    [59, 12],
    [60, 13],
    [96, 16],
    [108, 18],
    [119, 18],
    [120, 24],
    [400, 24],
  ])('gives %i contribution months a period of %i months (Art. 38)', (months, period) => {
    expect(
      determineBenefit({ contributionMonths: months, payingLocality: '210100' }, policy, DATE).result.periodMonths,
    ).toBe(period);
  });

  it.each([
    ['210100', 60, 189550], // 沈阳 tier1 2230 × 85 % = 1895.50
    ['210102', 120, 200700], // 沈阳和平区 → 沈阳, 10 years: 2230 × 90 % = 2007.00
    ['210300', 60, 176800], // 鞍山 tier2 2080 × 85 % = 1768.00
    ['211300', 60, 164050], // 朝阳 tier3 1930 × 85 % = 1640.50
  ])('pays in %s after %i months %i fen a month (Art. 38)', (locality, months, fen) => {
    const r = determineBenefit({ contributionMonths: months, payingLocality: locality }, policy, DATE).result;
    expect(r.monthlyAmountFen).toBe(fen);
    expect(r.totalAmountFen).toBe(fen * r.periodMonths);
  });

  it('adds unused months of an earlier spell up to 24 in total (Art. 38)', () => {
    const r = determineBenefit(
      { contributionMonths: 48, payingLocality: '210100', carriedOverMonths: 15 },
      policy,
      DATE,
    );
    expect(r.result).toMatchObject({ spellMonths: 12, carriedOverMonths: 15, periodMonths: 24 });
    const small = determineBenefit(
      { contributionMonths: 24, payingLocality: '210100', carriedOverMonths: 4 },
      policy,
      DATE,
    );
    expect(small.result.periodMonths).toBe(10);
  });

  it('raises the amount to the minimum living standard when it is higher, never above the minimum wage (Art. 38)', () => {
    const r = determineBenefit(
      { contributionMonths: 24, payingLocality: '210100', minimumLivingStandardFen: 200000 },
      policy,
      DATE,
    );
    expect(r.result.monthlyAmountFen).toBe(200000);
    const over = determineBenefit(
      { contributionMonths: 24, payingLocality: '210100', minimumLivingStandardFen: 300000 },
      policy,
      DATE,
    );
    expect(over.result.monthlyAmountFen).toBe(223000);
  });

  it('refuses a determination before any minimum wage is in force (Art. 38)', () => {
    expect(() => determineBenefit({ contributionMonths: 24, payingLocality: '210100' }, policy, '2025-11-30')).toThrow(
      ParameterNotInForceError,
    );
    expect(() => cityOf('110100')).toThrow(RangeError);
  });

  it('property: the period never exceeds the national cap of its bracket, nor 24 in total (Art. 38)', () => {
    // a table entry above the caps must still be capped
    const generous = addParameterEntry(policy, 'benefitPeriod', {
      key: '210000',
      effectiveFrom: '2026-02-01',
      value: { rows: [{ minYears: 1, months: 36 }] },
      source: { document: 'test: an over-generous table', article: '—' },
      confirmed: false,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 12, max: 600 }),
        fc.integer({ min: 0, max: 24 }),
        fc.constantFrom(policy, generous),
        (months, carried, data) => {
          const r = determineBenefit(
            { contributionMonths: months, payingLocality: '210200', carriedOverMonths: carried },
            data,
            '2026-03-01',
          ).result;
          const years = Math.floor(months / 12);
          const cap = years >= 10 ? 24 : years >= 5 ? 18 : 12;
          expect(r.spellMonths).toBeLessThanOrEqual(cap);
          expect(r.periodMonths).toBeLessThanOrEqual(24);
          expect(r.periodMonths).toBe(Math.min(24, r.spellMonths + carried));
          if (data === generous) expect(r.spellMonths).toBe(cap);
        },
      ),
    );
  });
});
