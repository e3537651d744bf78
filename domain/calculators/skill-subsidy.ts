/**
 * Skill-upgrade subsidy (技能提升补贴, 规程 Art. 50): automatic review of the insured status and cumulative contribution
 * time (including deemed time and time already used for a benefit determination), of earlier subsidies (no repeated
 * or irregular claims) and of the certificate (name, level, issue date, checked against the national certificate
 * site). Amount by certificate level; limits per person and year and per occupation and level are parameters.
 */
import { assertIsoDate, yearOf, type IsoDate } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import type { Fen } from '../money';
import { findParameter, resolveParameter } from '../policy/resolve';
import type { CertificateLevel, PolicyData } from '../policy/schemas';
import { PROVINCE_KEY } from './benefit';

export interface SkillCertificate {
  /** Occupation (职业/工种) code or name as on the certificate. */
  occupation: string;
  level: CertificateLevel;
  issueDate: IsoDate;
  /** Found on the national vocational certificate site with the same name, level and issue date. */
  verified: boolean;
}

export interface SkillSubsidyInput {
  /** 参保状态: currently insured. */
  insuredActive: boolean;
  /** Cumulative contribution months, including deemed months and months used for a benefit determination. */
  cumulativeContributionMonths: number;
  certificate: SkillCertificate;
  /** Subsidies granted before (approved claims). */
  previousClaims: readonly { occupation: string; level: CertificateLevel; claimDate: IsoDate }[];
}

export type SkillSubsidyReason =
  | 'not_insured'
  | 'insufficient_insured_time'
  | 'certificate_not_verified'
  | 'yearly_claim_limit_reached'
  | 'already_claimed_for_occupation_and_level'
  | 'no_amount_for_level';

export interface SkillSubsidyResult {
  status: 'eligible' | 'ineligible' | 'needs_review';
  reasons: SkillSubsidyReason[];
  claimsThisYear: number;
  amountFen: Fen;
}

/** Art. 50 skill-upgrade subsidy, claimed and decided on `determinationDate`. */
export function calculateSkillSubsidy(
  input: SkillSubsidyInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<SkillSubsidyResult> {
  assertIsoDate(input.certificate.issueDate);
  const x = new ExplanationBuilder();
  const reasons: SkillSubsidyReason[] = [];
  const rule = resolveParameter(policy, 'skillSubsidyRule', PROVINCE_KEY, determinationDate);

  if (!input.insuredActive) reasons.push('not_insured');
  const enough = input.cumulativeContributionMonths >= rule.value.minInsuredMonths;
  if (!enough) reasons.push('insufficient_insured_time');
  x.step(
    'Art. 50',
    `审核申领职工参保状态及累计缴费时间（含视同缴费、已核定失业保险待遇的缴费时间）满${rule.value.minInsuredMonths}个月`,
    {
      insuredActive: input.insuredActive,
      cumulativeContributionMonths: input.cumulativeContributionMonths,
      minInsuredMonths: rule.value.minInsuredMonths,
    },
    input.insuredActive && enough,
    { parameters: [rule] },
  );

  if (!input.certificate.verified) reasons.push('certificate_not_verified');
  x.step(
    'Art. 50',
    '调取国家职业资格证书网查询证书信息，核实职业资格名称、技能等级、证书核发时间',
    { ...input.certificate },
    input.certificate.verified,
  );

  const year = yearOf(determinationDate);
  const claimsThisYear = input.previousClaims.filter((c) => yearOf(c.claimDate) === year).length;
  const yearlyOk = claimsThisYear < rule.value.maxClaimsPerYear;
  if (!yearlyOk) reasons.push('yearly_claim_limit_reached');
  const repeated =
    rule.value.onePerOccupationAndLevel &&
    input.previousClaims.some(
      (c) => c.occupation === input.certificate.occupation && c.level === input.certificate.level,
    );
  if (repeated) reasons.push('already_claimed_for_occupation_and_level');
  x.step(
    'Art. 50',
    `核查已享受技能提升补贴信息，防止重复申领：每人每年最多${rule.value.maxClaimsPerYear}次，同一职业同一等级只能申领一次`,
    { year, claimsThisYear, occupation: input.certificate.occupation, level: input.certificate.level },
    { yearlyOk, repeated },
    { parameters: [rule] },
  );

  const amountParam = findParameter(policy, 'skillSubsidyAmount', input.certificate.level, determinationDate);
  if (!amountParam) reasons.push('no_amount_for_level');
  const eligible = reasons.length === 0;
  const amountFen = eligible && amountParam ? amountParam.value.amountFen : 0;
  x.step(
    'Art. 50',
    '符合条件的，按照规定的标准核定补贴金额（按证书等级）',
    { level: input.certificate.level },
    amountFen,
    amountParam ? { parameters: [amountParam] } : {},
  );

  const hard = reasons.filter((r) => r !== 'no_amount_for_level');
  const status = hard.length > 0 ? 'ineligible' : reasons.length > 0 ? 'needs_review' : 'eligible';
  return x.done({ status, reasons, claimsThisYear, amountFen });
}
