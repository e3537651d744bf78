import { describe, expect, it } from 'vitest';
import {
  calculateChildbirthSubsidy,
  calculateOverpayment,
  calculatePriceSubsidy,
  calculateSurvivorBenefits,
} from '../../../domain/calculators';
import { addParameterEntry } from '../../../domain/policy';
import { childbirthCase, MONTHLY, survivorCase } from './fixtures';
import { calendar, policy } from './helpers';

describe('childbirth medical subsidy (Art. 46)', () => {
  it.each([
    [3, MONTHLY * 1.5], // 50 % of 3 months
    [6, MONTHLY * 3],
    [12, MONTHLY * 6], // 50 % of 12 months = the cap
    [24, MONTHLY * 6], // 50 % of 24 months capped at 6 months
  ])('pays for an entitlement of %i months %i fen (Art. 46)', (months, fen) => {
    const r = calculateChildbirthSubsidy({ ...childbirthCase, entitledMonths: months }, policy, '2026-03-20').result;
    expect(r.status).toBe('eligible');
    expect(r.amountFen).toBe(fen);
    expect(r.capFen).toBe(MONTHLY * 6);
  });

  it('pays nothing to a man, for a birth outside the benefit period or outside family planning (Art. 46)', () => {
    const date = '2026-03-20';
    expect(calculateChildbirthSubsidy({ ...childbirthCase, sex: 'male' }, policy, date).result).toMatchObject({
      status: 'ineligible',
      amountFen: 0,
      reasons: ['not_female'],
    });
    expect(
      calculateChildbirthSubsidy({ ...childbirthCase, birthDate: '2027-01-02' }, policy, date).result.reasons,
    ).toEqual(['birth_outside_benefit_period']);
    expect(
      calculateChildbirthSubsidy({ ...childbirthCase, compliesWithFamilyPlanning: false }, policy, date).result.status,
    ).toBe('ineligible');
  });

  it('asks for missing materials (Art. 46)', () => {
    const r = calculateChildbirthSubsidy(
      { ...childbirthCase, materials: { ...childbirthCase.materials, hospitalBills: false } },
      policy,
      '2026-03-20',
    ).result;
    expect(r).toMatchObject({ status: 'materials_missing', missingMaterials: ['住院费用票据'] });
  });

  it('applies a later reading of the base (remaining entitlement) only from its effective date (Art. 46)', () => {
    const remaining = addParameterEntry(policy, 'childbirthSubsidy', {
      key: '210000',
      effectiveFrom: '2026-06-01',
      value: { shareBp: 5000, base: 'remainingEntitlement', capMonths: 6 },
      source: { document: 'test', article: '第四十六条' },
      confirmed: false,
    });
    expect(calculateChildbirthSubsidy(childbirthCase, remaining, '2026-05-31').result.amountFen).toBe(MONTHLY * 6);
    expect(calculateChildbirthSubsidy(childbirthCase, remaining, '2026-06-01').result.amountFen).toBe(MONTHLY * 5);
  });
});

describe('survivor benefits (Art. 47)', () => {
  it('pays the unpaid benefit of the month of death and leaves unknown grants to a clerk (Art. 47)', () => {
    const r = calculateSurvivorBenefits(survivorCase, policy, '2026-05-06').result;
    expect(r).toMatchObject({
      status: 'needs_review',
      reasons: ['amount_parameter_unknown'],
      funeralGrantFen: null,
      survivorPensionFen: null,
      unpaidDeathMonthBenefitFen: MONTHLY,
      knownTotalFen: MONTHLY,
    });
  });

  it('computes grants as months of benefit once the months are set by a dated entry (Art. 47)', () => {
    let data = addParameterEntry(policy, 'survivorBenefit', {
      key: 'funeralGrant',
      effectiveFrom: '2026-05-01',
      value: { formula: 'monthsOfMonthlyBenefit', months: 3 },
      source: { document: 'test', article: '—' },
      confirmed: false,
    });
    data = addParameterEntry(data, 'survivorBenefit', {
      key: 'survivorPension',
      effectiveFrom: '2026-05-01',
      value: { formula: 'monthsOfMonthlyBenefit', months: 6 },
      source: { document: 'test', article: '—' },
      confirmed: false,
    });
    const r = calculateSurvivorBenefits(survivorCase, data, '2026-05-06').result;
    expect(r).toMatchObject({
      status: 'eligible',
      funeralGrantFen: MONTHLY * 3,
      survivorPensionFen: MONTHLY * 6,
      knownTotalFen: MONTHLY * 10,
    });
    expect(calculateSurvivorBenefits(survivorCase, data, '2026-04-30').result.funeralGrantFen).toBeNull();
  });

  it('pays no grants when the survivors chose another scheme or it already paid, nor after the period (Art. 47)', () => {
    const other = calculateSurvivorBenefits({ ...survivorCase, chosenScheme: 'pension' }, policy, '2026-05-06').result;
    expect(other).toMatchObject({ funeralGrantFen: 0, survivorPensionFen: 0, unpaidDeathMonthBenefitFen: MONTHLY });
    expect(other.reasons).toContain('other_scheme_chosen');
    const dup = calculateSurvivorBenefits({ ...survivorCase, paidByOtherScheme: true }, policy, '2026-05-06').result;
    expect(dup.reasons).toContain('paid_by_other_scheme');
    expect(dup.funeralGrantFen).toBe(0);
    const late = calculateSurvivorBenefits({ ...survivorCase, dateOfDeath: '2027-02-01' }, policy, '2027-02-10').result;
    expect(late).toMatchObject({ status: 'ineligible', knownTotalFen: 0 });
    const paid = calculateSurvivorBenefits({ ...survivorCase, deathMonthBenefitPaid: true }, policy, '2026-05-06');
    expect(paid.result.unpaidDeathMonthBenefitFen).toBe(0);
  });
});

describe('temporary price subsidy (Art. 45)', () => {
  const base = { cpiYoyBp: 310, foodCpiYoyBp: 200, scpiYoyBp: 370, urbanMinimumLivingStandardFen: 80000 };

  it('triggers at CPI 3.1 % in 2022-10 (3.0 % threshold) but not in 2023-05 (3.5 %) (Art. 45)', () => {
    const oct = calculatePriceSubsidy({ ...base, month: '2022-10' }, policy, '2022-10-01').result;
    expect(oct).toMatchObject({ triggered: true, triggeredBy: ['cpi'], amountPerBeneficiaryFen: 2960 }); // 800 × 3.7 %
    const may = calculatePriceSubsidy({ ...base, month: '2023-05' }, policy, '2023-05-01').result;
    expect(may).toMatchObject({ triggered: false, amountPerBeneficiaryFen: 0 });
  });

  it('triggers on food prices up 6 % (Art. 45)', () => {
    const r = calculatePriceSubsidy(
      { ...base, month: '2024-02', cpiYoyBp: 100, foodCpiYoyBp: 600 },
      policy,
      '2024-02-01',
    );
    expect(r.result).toMatchObject({ triggered: true, triggeredBy: ['food_cpi'], amountPerBeneficiaryFen: 2960 });
  });
});

describe('overpayment after a stop found late (Art. 43)', () => {
  const payments = ['2024-04', '2024-05', '2024-06', '2024-07', '2024-08'].flatMap((month) => [
    { kind: 'unemployment_benefit' as const, month, amountFen: MONTHLY },
    { kind: 'medical_insurance_premium' as const, month, amountFen: 21000 },
  ]);

  it('recovers payments for the months after the stop month, due 30 days after the notice (Art. 43)', () => {
    const r = calculateOverpayment(
      {
        stopDate: '2024-05-10',
        payments: [...payments, { kind: 'price_subsidy', month: '2024-07', amountFen: 2960 }],
        noticeServedOn: '2024-09-02',
      },
      policy,
      '2024-09-02',
      calendar,
    ).result;
    expect(r.overpaidFromMonth).toBe('2024-06');
    expect(r.items).toHaveLength(7);
    expect(r.byKind).toEqual({
      unemployment_benefit: MONTHLY * 3,
      medical_insurance_premium: 63000,
      price_subsidy: 2960,
    });
    expect(r.totalFen).toBe(MONTHLY * 3 + 63000 + 2960);
    expect(r.repaymentDueDate).toBe('2024-10-02');
  });

  it('finds nothing overpaid when the stop is in the last paid month (Art. 43)', () => {
    const r = calculateOverpayment({ stopDate: '2024-08-31', payments }, policy, '2024-09-02').result;
    expect(r).toMatchObject({ totalFen: 0, items: [], overpaidFromMonth: '2024-09', repaymentDueDate: null });
  });
});
