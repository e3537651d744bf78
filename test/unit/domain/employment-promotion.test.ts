import { describe, expect, it } from 'vitest';
import { calculateJobRetentionRefund, calculateSkillSubsidy } from '../../../domain/calculators';
import { ParameterNotInForceError } from '../../../domain/policy';
import { retentionCase, skillCase } from './fixtures';
import { policy } from './helpers';

describe('skill-upgrade subsidy (Art. 50)', () => {
  it.each([
    ['junior', 100000],
    ['intermediate', 150000],
    ['senior', 200000],
  ] as const)('pays a %s certificate %i fen (Art. 50)', (level, fen) => {
    const r = calculateSkillSubsidy(
      { ...skillCase, certificate: { ...skillCase.certificate, level } },
      policy,
      '2024-06-03',
    );
    expect(r.result).toMatchObject({ status: 'eligible', amountFen: fen });
  });

  it('requires one year insured including deemed time (Art. 50)', () => {
    const r = calculateSkillSubsidy({ ...skillCase, cumulativeContributionMonths: 11 }, policy, '2024-06-03').result;
    expect(r).toMatchObject({ status: 'ineligible', amountFen: 0, reasons: ['insufficient_insured_time'] });
    expect(calculateSkillSubsidy({ ...skillCase, insuredActive: false }, policy, '2024-06-03').result.reasons).toEqual([
      'not_insured',
    ]);
  });

  it('allows at most 3 claims a year and one per occupation and level (Art. 50)', () => {
    const claims = [
      { occupation: 'A', level: 'junior' as const, claimDate: '2024-01-10' },
      { occupation: 'B', level: 'junior' as const, claimDate: '2024-02-10' },
    ];
    expect(calculateSkillSubsidy({ ...skillCase, previousClaims: claims }, policy, '2024-06-03').result.status).toBe(
      'eligible',
    );
    const third = [...claims, { occupation: 'C', level: 'senior' as const, claimDate: '2024-03-10' }];
    expect(calculateSkillSubsidy({ ...skillCase, previousClaims: third }, policy, '2024-06-03').result.reasons).toEqual(
      ['yearly_claim_limit_reached'],
    );
    const lastYear = third.map((c) => ({ ...c, claimDate: c.claimDate.replace('2024', '2023') }));
    expect(calculateSkillSubsidy({ ...skillCase, previousClaims: lastYear }, policy, '2024-06-03').result.status).toBe(
      'eligible',
    );
    const same = [{ occupation: skillCase.certificate.occupation, level: 'junior' as const, claimDate: '2022-05-01' }];
    expect(calculateSkillSubsidy({ ...skillCase, previousClaims: same }, policy, '2024-06-03').result.reasons).toEqual([
      'already_claimed_for_occupation_and_level',
    ]);
  });

  it('refuses an unverified certificate and sends a level without an amount to review (Art. 50)', () => {
    const unverified = { ...skillCase, certificate: { ...skillCase.certificate, verified: false } };
    expect(calculateSkillSubsidy(unverified, policy, '2024-06-03').result.status).toBe('ineligible');
    const technician = { ...skillCase, certificate: { ...skillCase.certificate, level: 'technician' as const } };
    expect(calculateSkillSubsidy(technician, policy, '2024-06-03').result).toMatchObject({
      status: 'needs_review',
      reasons: ['no_amount_for_level'],
      amountFen: 0,
    });
  });

  it('refuses claims decided after the policy lapsed on 2024-12-31 until a new entry extends it (Art. 50)', () => {
    expect(() => calculateSkillSubsidy(skillCase, policy, '2025-01-02')).toThrow(ParameterNotInForceError);
  });
});

describe('job-retention refund (Art. 49)', () => {
  it('refunds 60 % of last year’s contributions to a small or medium employer in 2024 (Art. 49)', () => {
    const r = calculateJobRetentionRefund(retentionCase, policy, '2024-06-03').result;
    expect(r).toMatchObject({ status: 'eligible', ratioBp: 6000, refundFen: 740740, layoffRateBp: 550 }); // 7407.402 → 7407.40
  });

  it('refunds 30 % to a large employer and 90 % to an SME in 2022 (Art. 49)', () => {
    expect(
      calculateJobRetentionRefund({ ...retentionCase, size: 'large' }, policy, '2024-06-03').result.refundFen,
    ).toBe(370370);
    // 2022 has a ratio but no eligibility thresholds in the data
    expect(() => calculateJobRetentionRefund(retentionCase, policy, '2022-06-01')).toThrow(ParameterNotInForceError);
  });

  it('allows a layoff rate of exactly 5.5 % and refuses one person more (Art. 49)', () => {
    expect(
      calculateJobRetentionRefund({ ...retentionCase, layoffCount: 12 }, policy, '2024-06-03').result,
    ).toMatchObject({ status: 'ineligible', reasons: ['layoff_rate_too_high'], refundFen: 0 });
    const excluded = { ...retentionCase, layoffCount: 14, excludedFromLayoffRate: 3 };
    expect(calculateJobRetentionRefund(excluded, policy, '2024-06-03').result).toMatchObject({
      status: 'eligible',
      countedLayoffs: 11,
    });
  });

  it('lets employers with at most 30 insured lay off up to 20 % (Art. 49)', () => {
    const small = { ...retentionCase, insuredCount: 30, layoffCount: 6 };
    expect(calculateJobRetentionRefund(small, policy, '2024-06-03').result.status).toBe('eligible');
    expect(calculateJobRetentionRefund({ ...small, layoffCount: 7 }, policy, '2024-06-03').result.status).toBe(
      'ineligible',
    );
    expect(
      calculateJobRetentionRefund({ ...small, insuredCount: 31, layoffCount: 6 }, policy, '2024-06-03').result.status,
    ).toBe('ineligible');
  });

  it('requires 12 months paid in full and a clean credit record (Art. 49)', () => {
    expect(
      calculateJobRetentionRefund({ ...retentionCase, monthsPaidInFull: 11 }, policy, '2024-06-03').result.reasons,
    ).toEqual(['insufficient_contribution_months']);
    expect(
      calculateJobRetentionRefund({ ...retentionCase, onSeriousDishonestyList: true }, policy, '2024-06-03').result
        .reasons,
    ).toEqual(['serious_dishonesty']);
  });
});
