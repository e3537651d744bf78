/**
 * Childbirth medical subsidy (医疗补助金, 规程 Art. 46): a woman who gives birth within the family-planning policy while
 * receiving unemployment benefit may claim a one-off subsidy of 50 % of the unemployment benefit she is entitled to,
 * at most 6 times the monthly benefit of the month of birth. Materials: birth registration (生育登记单), medical birth
 * certificate (医学出生证明), hospital bills (住院费用票据).
 *
 * What the 50 % applies to is a parameter (`base`, see policy/childbirth-subsidy.json): by default the whole
 * entitlement (monthly amount × benefit months), which is the reading under which the 6-month cap can apply.
 */
import { assertIsoMonth, monthOf, type IsoDate, type IsoMonth } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { applyRate, assertFen, ROUNDING_RULE, times, type Fen } from '../money';
import { resolveParameter } from '../policy/resolve';
import type { PolicyData } from '../policy/schemas';
import { PROVINCE_KEY } from './benefit';

export interface ChildbirthSubsidyInput {
  sex: 'female' | 'male';
  birthDate: IsoDate;
  /** First and last month of the benefit period (months she receives benefit for). */
  benefitFirstMonth: IsoMonth;
  benefitLastMonth: IsoMonth;
  /** Birth within the national family-planning policy (生育登记单). */
  compliesWithFamilyPlanning: boolean;
  materials: { birthRegistration: boolean; medicalBirthCertificate: boolean; hospitalBills: boolean };
  /** Monthly benefit of the month of birth (生育当月失业保险金额度). */
  monthlyBenefitInBirthMonthFen: Fen;
  /** Benefit period in months (her entitlement). */
  entitledMonths: number;
  /** Months of benefit paid before the month of birth (used when base = remainingEntitlement). */
  monthsPaidBeforeBirth?: number;
}

export type ChildbirthSubsidyReason =
  'not_female' | 'birth_outside_benefit_period' | 'outside_family_planning_policy' | 'materials_missing';

export interface ChildbirthSubsidyResult {
  status: 'eligible' | 'ineligible' | 'materials_missing';
  reasons: ChildbirthSubsidyReason[];
  missingMaterials: string[];
  baseFen: Fen;
  capFen: Fen;
  amountFen: Fen;
}

const MATERIAL_LABELS = {
  birthRegistration: '生育登记单',
  medicalBirthCertificate: '医学出生证明',
  hospitalBills: '住院费用票据',
} as const;

/** Art. 46 childbirth medical subsidy on `determinationDate`. */
export function calculateChildbirthSubsidy(
  input: ChildbirthSubsidyInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<ChildbirthSubsidyResult> {
  assertIsoMonth(input.benefitFirstMonth);
  assertIsoMonth(input.benefitLastMonth);
  assertFen(input.monthlyBenefitInBirthMonthFen);
  const x = new ExplanationBuilder();
  const reasons: ChildbirthSubsidyReason[] = [];

  const birthMonth = monthOf(input.birthDate);
  const during = birthMonth >= input.benefitFirstMonth && birthMonth <= input.benefitLastMonth;
  if (input.sex !== 'female') reasons.push('not_female');
  if (!during) reasons.push('birth_outside_benefit_period');
  if (!input.compliesWithFamilyPlanning) reasons.push('outside_family_planning_policy');
  x.step(
    'Art. 46',
    '女失业人员在领取失业保险金期间符合国家计划生育政策生育的，可申领一次性医疗补助金',
    {
      sex: input.sex,
      birthDate: input.birthDate,
      benefitPeriod: `${input.benefitFirstMonth}..${input.benefitLastMonth}`,
      compliesWithFamilyPlanning: input.compliesWithFamilyPlanning,
    },
    reasons.length === 0,
  );

  const missingMaterials = (Object.keys(MATERIAL_LABELS) as (keyof typeof MATERIAL_LABELS)[])
    .filter((k) => !input.materials[k])
    .map((k) => MATERIAL_LABELS[k]);
  x.step(
    'Art. 46',
    '核查材料：生育登记单、医学出生证明、住院费用票据',
    { materials: input.materials },
    missingMaterials.length === 0 ? '齐全' : { missing: missingMaterials },
  );

  const rule = resolveParameter(policy, 'childbirthSubsidy', PROVINCE_KEY, determinationDate);
  const monthly = input.monthlyBenefitInBirthMonthFen;
  const remaining = Math.max(0, input.entitledMonths - (input.monthsPaidBeforeBirth ?? 0));
  const baseMonths =
    rule.value.base === 'entitledTotal'
      ? input.entitledMonths
      : rule.value.base === 'remainingEntitlement'
        ? remaining
        : 1;
  const baseFen = times(monthly, baseMonths);
  const share = applyRate(baseFen, rule.value.shareBp);
  const capFen = times(monthly, rule.value.capMonths);
  const eligible = reasons.length === 0;
  const amountFen = eligible ? Math.min(share, capFen) : 0;
  x.step(
    'Art. 46',
    `医疗补助金 = 应领取失业保险金的${rule.value.shareBp / 100}%，超过${rule.value.capMonths}个月生育当月失业保险金额度的，按${rule.value.capMonths}个月计发`,
    {
      monthlyBenefitInBirthMonthFen: monthly,
      base: rule.value.base,
      baseMonths,
      baseFen,
      shareBp: rule.value.shareBp,
      capFen,
    },
    amountFen,
    { parameters: [rule], rounding: ROUNDING_RULE.text },
  );

  if (missingMaterials.length > 0 && eligible) reasons.push('materials_missing');
  const status = !eligible ? 'ineligible' : missingMaterials.length > 0 ? 'materials_missing' : 'eligible';
  return x.done({ status, reasons, missingMaterials, baseFen, capFen, amountFen });
}
