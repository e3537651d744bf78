/**
 * Survivor benefits (丧葬补助金和抚恤金, 规程 Art. 47): when a person dies while receiving unemployment benefit, the
 * survivors may claim a one-off funeral grant, a survivor pension and the benefit of the month of death not yet paid.
 * Who qualifies under pension, work-injury and unemployment insurance at once chooses one of them (for the funeral
 * grant and pension); what another scheme already paid is not paid again.
 *
 * The amounts of the funeral grant and pension are not known (policy/survivor-benefit.json): modelled as months of
 * the monthly benefit, with the number of months a parameter. While it is null the result has no amount for them and
 * the status is needs_review, so a clerk decides.
 */
import { assertIsoMonth, monthOf, type IsoDate, type IsoMonth } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { assertFen, sumFen, times, type Fen } from '../money';
import { resolveParameter } from '../policy/resolve';
import type { PolicyData } from '../policy/schemas';

export interface SurvivorBenefitInput {
  dateOfDeath: IsoDate;
  benefitFirstMonth: IsoMonth;
  benefitLastMonth: IsoMonth;
  /** Monthly benefit of the month of death. */
  monthlyBenefitFen: Fen;
  /** The benefit of the month of death was already paid. */
  deathMonthBenefitPaid: boolean;
  /** The scheme the survivors chose when they qualify under more than one. */
  chosenScheme: 'unemployment' | 'pension' | 'work_injury';
  /** Data comparison: pension or work-injury insurance already paid a funeral grant or pension for this death. */
  paidByOtherScheme: boolean;
  /** Materials: survivor's identity document; death certificate (by data comparison or provided); relationship proof. */
  materials: { survivorIdentity: boolean; deathCertificate: boolean; relationshipProof: boolean };
}

export type SurvivorBenefitReason =
  | 'death_outside_benefit_period'
  | 'other_scheme_chosen'
  | 'paid_by_other_scheme'
  | 'materials_missing'
  | 'amount_parameter_unknown';

export interface SurvivorBenefitResult {
  status: 'eligible' | 'ineligible' | 'needs_review';
  reasons: SurvivorBenefitReason[];
  missingMaterials: string[];
  /** null when the parameter is not known. */
  funeralGrantFen: Fen | null;
  survivorPensionFen: Fen | null;
  unpaidDeathMonthBenefitFen: Fen;
  /** Sum of the known amounts. */
  knownTotalFen: Fen;
}

const MATERIAL_LABELS = {
  survivorIdentity: '遗属身份证件',
  deathCertificate: '失业人员死亡证明',
  relationshipProof: '遗属与失业人员关系证明',
} as const;

/** Art. 47 survivor benefits on `determinationDate`. */
export function calculateSurvivorBenefits(
  input: SurvivorBenefitInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<SurvivorBenefitResult> {
  assertIsoMonth(input.benefitFirstMonth);
  assertIsoMonth(input.benefitLastMonth);
  assertFen(input.monthlyBenefitFen);
  const x = new ExplanationBuilder();
  const reasons: SurvivorBenefitReason[] = [];

  const deathMonth = monthOf(input.dateOfDeath);
  const during = deathMonth >= input.benefitFirstMonth && deathMonth <= input.benefitLastMonth;
  if (!during) reasons.push('death_outside_benefit_period');
  x.step(
    'Art. 47',
    '失业人员在领取失业保险金期间死亡的，其遗属可申领丧葬补助金、抚恤金和死亡当月未领取的失业保险金',
    { dateOfDeath: input.dateOfDeath, benefitPeriod: `${input.benefitFirstMonth}..${input.benefitLastMonth}` },
    during,
  );

  const missingMaterials = (Object.keys(MATERIAL_LABELS) as (keyof typeof MATERIAL_LABELS)[])
    .filter((k) => !input.materials[k])
    .map((k) => MATERIAL_LABELS[k]);
  x.step(
    'Art. 47',
    '核查材料：遗属身份证件、死亡证明（信息比对获取，无法获取时由申请人提供）、关系证明',
    { materials: input.materials },
    missingMaterials.length === 0 ? '齐全' : { missing: missingMaterials },
  );
  if (missingMaterials.length > 0) reasons.push('materials_missing');

  const otherChosen = input.chosenScheme !== 'unemployment';
  if (otherChosen) reasons.push('other_scheme_chosen');
  if (input.paidByOtherScheme) reasons.push('paid_by_other_scheme');
  const grantsDue = during && !otherChosen && !input.paidByOtherScheme;
  x.step(
    'Art. 47',
    '同时符合基本养老保险、工伤保险和失业保险丧葬补助、抚恤金条件的，遗属只能选择其中一项；数据比对避免重复发放',
    { chosenScheme: input.chosenScheme, paidByOtherScheme: input.paidByOtherScheme },
    grantsDue,
  );

  const amounts: Record<'funeralGrant' | 'survivorPension', Fen | null> = { funeralGrant: 0, survivorPension: 0 };
  for (const key of ['funeralGrant', 'survivorPension'] as const) {
    const p = resolveParameter(policy, 'survivorBenefit', key, determinationDate);
    const months = p.value.months;
    const amount = !grantsDue ? 0 : months === null ? null : times(input.monthlyBenefitFen, months);
    if (grantsDue && months === null && !reasons.includes('amount_parameter_unknown')) {
      reasons.push('amount_parameter_unknown');
    }
    amounts[key] = amount;
    x.step(
      'Art. 47',
      key === 'funeralGrant'
        ? '一次性丧葬补助金 = 月失业保险金 × 规定月数（标准未确认，月数为空时由人工核定）'
        : '抚恤金 = 月失业保险金 × 规定月数（标准未确认，月数为空时由人工核定）',
      { monthlyBenefitFen: input.monthlyBenefitFen, months, due: grantsDue },
      amount,
      { parameters: [p] },
    );
  }

  const unpaid = during && !input.deathMonthBenefitPaid ? input.monthlyBenefitFen : 0;
  x.step(
    'Art. 47',
    '失业人员死亡当月未领取的失业保险金',
    { monthlyBenefitFen: input.monthlyBenefitFen, deathMonthBenefitPaid: input.deathMonthBenefitPaid },
    unpaid,
  );

  const knownTotalFen = sumFen([amounts.funeralGrant ?? 0, amounts.survivorPension ?? 0, unpaid]);
  const status = !during
    ? 'ineligible'
    : reasons.some((r) => r === 'materials_missing' || r === 'amount_parameter_unknown')
      ? 'needs_review'
      : 'eligible';
  return x.done({
    status,
    reasons,
    missingMaterials,
    funeralGrantFen: amounts.funeralGrant,
    survivorPensionFen: amounts.survivorPension,
    unpaidDeathMonthBenefitFen: unpaid,
    knownTotalFen,
  });
}
