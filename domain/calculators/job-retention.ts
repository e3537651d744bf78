/**
 * Job-retention refund (稳岗返还, 规程 Art. 49): the agency reviews the employer's size, insured staff, contribution
 * period and amount, the persons left out of the layoff rate and the credit status, and computes the refund "按照信息系统
 * 设定的返还比例". Ratios and thresholds are parameters (policy/job-retention-*.json).
 *
 * Layoff rate = (layoffs − persons not counted in the layoff rate) ÷ insured staff, compared exactly in integers
 * (no rounding decides eligibility).
 */
import type { IsoDate } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { applyRate, assertFen, BASIS_POINTS, mulDiv, ROUNDING_RULE, type Fen } from '../money';
import { resolveParameter } from '../policy/resolve';
import type { PolicyData } from '../policy/schemas';
import { PROVINCE_KEY } from './benefit';

export interface JobRetentionInput {
  /** Size class (大型 / 中小微) per the enterprise classification standard. */
  size: 'large' | 'sme';
  /** Insured staff (参保职工数). */
  insuredCount: number;
  /** Persons laid off (裁员人数) in the period. */
  layoffCount: number;
  /** Of them, persons not counted in the layoff rate (不纳入裁员率计算人数). */
  excludedFromLayoffRate: number;
  /** Months of contributions paid in full (足额缴纳). */
  monthsPaidInFull: number;
  /** Contributions the employer actually paid last year. */
  contributionsPaidLastYearFen: Fen;
  /** On the serious-dishonesty list (严重失信主体名单). */
  onSeriousDishonestyList: boolean;
}

export type JobRetentionReason = 'insufficient_contribution_months' | 'layoff_rate_too_high' | 'serious_dishonesty';

export interface JobRetentionResult {
  status: 'eligible' | 'ineligible';
  reasons: JobRetentionReason[];
  countedLayoffs: number;
  /** Layoff rate in basis points, rounded, for display only. */
  layoffRateBp: number;
  ratioBp: number;
  refundFen: Fen;
}

function nonNegativeInt(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} 须为非负整数`);
}

/** Art. 49 job-retention refund on `determinationDate`. */
export function calculateJobRetentionRefund(
  input: JobRetentionInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<JobRetentionResult> {
  nonNegativeInt(input.insuredCount, 'insuredCount');
  nonNegativeInt(input.layoffCount, 'layoffCount');
  nonNegativeInt(input.excludedFromLayoffRate, 'excludedFromLayoffRate');
  nonNegativeInt(input.monthsPaidInFull, 'monthsPaidInFull');
  assertFen(input.contributionsPaidLastYearFen);
  const x = new ExplanationBuilder();
  const reasons: JobRetentionReason[] = [];
  const rule = resolveParameter(policy, 'jobRetentionRule', PROVINCE_KEY, determinationDate);
  const r = rule.value;

  const monthsOk = input.monthsPaidInFull >= r.minMonthsPaidInFull;
  if (!monthsOk) reasons.push('insufficient_contribution_months');
  x.step(
    'Art. 49',
    `审核失业保险缴费期限：足额缴纳失业保险费满${r.minMonthsPaidInFull}个月`,
    { monthsPaidInFull: input.monthsPaidInFull, minMonthsPaidInFull: r.minMonthsPaidInFull },
    monthsOk,
    { parameters: [rule] },
  );

  const counted = Math.max(0, input.layoffCount - input.excludedFromLayoffRate);
  const insured = input.insuredCount;
  const layoffRateBp = insured === 0 ? 0 : mulDiv(counted, BASIS_POINTS, insured);
  const rateOk = insured > 0 && counted * BASIS_POINTS <= r.maxLayoffRateBp * insured;
  const smallOk =
    insured > 0 &&
    insured <= r.smallEmployerMaxInsured &&
    counted * BASIS_POINTS <= r.smallEmployerMaxLayoffShareBp * insured;
  if (!rateOk && !smallOk) reasons.push('layoff_rate_too_high');
  x.step(
    'Art. 49',
    `裁员率 = (裁员人数 − 不纳入裁员率计算人数) ÷ 参保职工数，不高于${r.maxLayoffRateBp / 100}%；参保职工${r.smallEmployerMaxInsured}人及以下的，裁员人数不超过参保职工总数的${r.smallEmployerMaxLayoffShareBp / 100}%`,
    {
      layoffCount: input.layoffCount,
      excludedFromLayoffRate: input.excludedFromLayoffRate,
      insuredCount: insured,
      layoffRateBp,
    },
    { rateOk, smallEmployerOk: smallOk },
    { parameters: [rule] },
  );

  const dishonest = r.excludeSeriousDishonesty && input.onSeriousDishonestyList;
  if (dishonest) reasons.push('serious_dishonesty');
  x.step(
    'Art. 49',
    '审核单位信用状况：列入严重失信主体名单的不予返还',
    { onSeriousDishonestyList: input.onSeriousDishonestyList },
    !dishonest,
    { parameters: [rule] },
  );

  const ratio = resolveParameter(policy, 'jobRetentionRatio', input.size, determinationDate);
  const eligible = reasons.length === 0;
  const refundFen = eligible ? applyRate(input.contributionsPaidLastYearFen, ratio.value.ratioBp) : 0;
  x.step(
    'Art. 49',
    '按照信息系统设定的返还比例生成稳岗返还金额 = 上年度实际缴纳失业保险费 × 返还比例',
    {
      size: input.size,
      contributionsPaidLastYearFen: input.contributionsPaidLastYearFen,
      ratioBp: ratio.value.ratioBp,
    },
    refundFen,
    { parameters: [ratio], rounding: ROUNDING_RULE.text },
  );

  return x.done({
    status: eligible ? 'eligible' : 'ineligible',
    reasons,
    countedLayoffs: counted,
    layoffRateBp,
    ratioBp: ratio.value.ratioBp,
    refundFen,
  });
}
