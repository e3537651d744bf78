import { describe, expect, it } from 'vitest';
import {
  assessEligibility,
  calculateChildbirthSubsidy,
  calculateJobRetentionRefund,
  calculateOverpayment,
  calculatePriceSubsidy,
  calculateSkillSubsidy,
  calculateSurvivorBenefits,
  determineBenefit,
} from '../../../domain/calculators';
import { unconfirmedParameters, type Calculation } from '../../../domain/explanation';
import { ROUNDING_RULE } from '../../../domain/money';
import { childbirthCase, retentionCase, skillCase, survivorCase } from './fixtures';
import { calendar, monthsEndingAt, paid, policy } from './helpers';

/** Every calculator on a representative case, with the articles its steps may cite. */
const runs: [string, Calculation<unknown>, string[]][] = [
  [
    'eligibility',
    assessEligibility(
      {
        contributions: paid(monthsEndingAt('2025-12', 30)),
        deemedContributionMonths: 3,
        separationReason: 'employer_terminated',
        separationDate: '2025-12-31',
        previousSpell: { countedThroughMonth: '2024-01', unusedMonths: 2 },
      },
      policy,
      '2026-01-05',
    ),
    ['Art. 32', 'Art. 34', 'Art. 35', 'Art. 38', 'Art. 41'],
  ],
  [
    'benefit',
    determineBenefit({ contributionMonths: 70, payingLocality: '210211', carriedOverMonths: 3 }, policy, '2026-01-05'),
    ['Art. 38'],
  ],
  ['childbirth subsidy', calculateChildbirthSubsidy(childbirthCase, policy, '2026-03-20'), ['Art. 46']],
  ['survivor benefits', calculateSurvivorBenefits(survivorCase, policy, '2026-05-06'), ['Art. 47']],
  ['skill subsidy', calculateSkillSubsidy(skillCase, policy, '2024-06-03'), ['Art. 50']],
  ['job retention', calculateJobRetentionRefund(retentionCase, policy, '2024-06-03'), ['Art. 49']],
  [
    'price subsidy',
    calculatePriceSubsidy(
      { month: '2022-10', cpiYoyBp: 310, foodCpiYoyBp: 0, scpiYoyBp: 370, urbanMinimumLivingStandardFen: 80000 },
      policy,
      '2022-10-01',
    ),
    ['Art. 45'],
  ],
  [
    'overpayment',
    calculateOverpayment(
      {
        stopDate: '2024-05-10',
        payments: [{ kind: 'unemployment_benefit', month: '2024-06', amountFen: 189550 }],
        noticeServedOn: '2024-09-02',
      },
      policy,
      '2024-09-02',
      calendar,
    ),
    ['Art. 43'],
  ],
];

describe('explanations cite the 规程 (Art. 11, 38)', () => {
  it.each(runs)('%s: every step cites its article, rule, inputs and output (Art. 11)', (_name, calc, articles) => {
    expect(calc.explanation.length).toBeGreaterThan(0);
    for (const step of calc.explanation) {
      expect(step.article).toMatch(/^Art\. \d+$/);
      expect(articles).toContain(step.article);
      expect(step.rule).toMatch(/[\u4e00-\u9fff]/);
      expect(step.inputs).toBeTypeOf('object');
      expect(step).toHaveProperty('output');
      for (const p of step.parameters ?? []) {
        expect(p.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(p.document.length).toBeGreaterThan(0);
        expect(p.article.length).toBeGreaterThan(0);
        expect(typeof p.confirmed).toBe('boolean');
      }
      if (step.rounding !== undefined) expect(step.rounding).toBe(ROUNDING_RULE.text);
    }
    // every article the calculator implements is cited by some step
    expect(new Set(calc.explanation.map((s) => s.article))).toEqual(new Set(articles));
  });

  it('names the rounding rule at every step that rounds an amount (Art. 38)', () => {
    const benefit = runs.find(([n]) => n === 'benefit')![1];
    const rounded = benefit.explanation.filter((s) => s.rounding);
    expect(rounded).toHaveLength(1);
    expect(rounded[0]!.rule).toContain('最低工资标准 ×');
  });

  it('lists the unconfirmed parameters a determination used (Art. 38)', () => {
    const benefit = runs.find(([n]) => n === 'benefit')![1];
    const families = unconfirmedParameters(benefit.explanation).map((p) => p.family);
    expect(families.sort()).toEqual(['benefitLevel', 'benefitPeriod', 'minimumWage', 'minimumWageTier']);
  });
});
