/**
 * Determination of the benefit period and monthly amount (待遇核定, 规程 Art. 38: "按照辽人社〔2021〕26号规定的核定办法…
 * 自动核定失业人员应领取的失业保险金期限和金额").
 *
 * - Period: by whole years of cumulative contributions from the benefitPeriod table, never above the national cap of
 *   the bracket (条例第十七条); months left unused from an earlier spell are added, total ≤ the overall cap (24).
 * - Amount: the benefitLevel share of the minimum wage of the paying locality (Art. 35: last insured locality or
 *   hukou locality) in force on the determination date; never above that minimum wage and, when the minimum living
 *   standard is given, not below it (社会保险法第四十七条).
 */
import type { IsoDate } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { applyRate, ROUNDING_RULE, times, type Fen } from '../money';
import { resolveParameter } from '../policy/resolve';
import type { MinimumWageTier, PolicyData } from '../policy/schemas';

/** Province key of the province-wide parameters (辽宁省, 省级统筹). */
export const PROVINCE_KEY = '210000';

export interface BenefitInput {
  /** Cumulative contribution months (EligibilityResult.totalMonths). */
  contributionMonths: number;
  /** Administrative division code of the paying locality (city '210100' or a county of it '210102'). */
  payingLocality: string;
  /** Months left unused from an earlier spell (条例第十七条). */
  carriedOverMonths?: number;
  /** Monthly urban minimum living standard of the paying locality, when known: the amount's floor. */
  minimumLivingStandardFen?: Fen;
}

export interface BenefitDetermination {
  wholeYears: number;
  tableMonths: number;
  bracketCapMonths: number;
  /** Months from this spell's contributions. */
  spellMonths: number;
  carriedOverMonths: number;
  /** Benefit period in months (spell + carried over, ≤ overall cap). */
  periodMonths: number;
  cityCode: string;
  minimumWageTier: MinimumWageTier;
  minimumWageFen: Fen;
  shareBp: number;
  monthlyAmountFen: Fen;
  totalAmountFen: Fen;
}

/** City division code of a Liaoning division code (county 210102 → city 210100). */
export function cityOf(divisionCode: string): string {
  if (!/^21\d{4}$/.test(divisionCode)) throw new RangeError(`不是辽宁省行政区划代码：${divisionCode}`);
  return `${divisionCode.slice(0, 4)}00`;
}

/** Benefit period in months for whole years of contributions and the carried-over months (steps Art. 38). */
function periodSteps(
  x: ExplanationBuilder,
  contributionMonths: number,
  carriedOver: number,
  policy: PolicyData,
  date: IsoDate,
) {
  const wholeYears = Math.floor(contributionMonths / 12);
  x.step('Art. 38', '累计缴费年限按满整年计算', { contributionMonths }, wholeYears);

  const table = resolveParameter(policy, 'benefitPeriod', PROVINCE_KEY, date);
  const row = table.value.rows.filter((r) => r.minYears <= wholeYears).sort((a, b) => b.minYears - a.minYears)[0];
  const tableMonths = row?.months ?? 0;
  x.step('Art. 38', '按累计缴费年限确定领取失业保险金期限', { wholeYears }, tableMonths, { parameters: [table] });

  const caps = resolveParameter(policy, 'durationCap', 'national', date);
  const bracket = caps.value.brackets
    .filter((b) => b.minYears <= wholeYears)
    .sort((a, b) => b.minYears - a.minYears)[0];
  const bracketCapMonths = bracket?.maxMonths ?? 0;
  const spellMonths = Math.min(tableMonths, bracketCapMonths);
  x.step(
    'Art. 38',
    '领取期限不超过国家规定的最长期限（满1年不足5年最长12个月，满5年不足10年最长18个月，10年以上最长24个月）',
    { wholeYears, tableMonths, bracketCapMonths },
    spellMonths,
    { parameters: [caps] },
  );

  const periodMonths = Math.min(spellMonths + carriedOver, caps.value.overallMaxMonths);
  x.step(
    'Art. 38',
    '重新就业后再次失业的，前次应领而尚未领取的期限与本次合并计算，最长不超过24个月',
    { spellMonths, carriedOverMonths: carriedOver, overallMaxMonths: caps.value.overallMaxMonths },
    periodMonths,
    { parameters: [caps] },
  );
  return { wholeYears, tableMonths, bracketCapMonths, spellMonths, periodMonths };
}

/** Minimum wage of the paying locality in force on `date`, with its steps (Art. 38). */
export function minimumWageOf(
  x: ExplanationBuilder,
  payingLocality: string,
  policy: PolicyData,
  date: IsoDate,
): { cityCode: string; tier: MinimumWageTier; minimumWageFen: Fen } {
  const cityCode = cityOf(payingLocality);
  const tier = resolveParameter(policy, 'minimumWageTier', cityCode, date);
  const wage = resolveParameter(policy, 'minimumWage', tier.value.tier, date);
  x.step(
    'Art. 38',
    '待遇领取地最低工资标准（核定之日执行的标准）',
    { payingLocality, cityCode, city: tier.value.cityName, tier: tier.value.tier, determinationDate: date },
    wage.value.monthlyFen,
    { parameters: [tier, wage] },
  );
  return { cityCode, tier: tier.value.tier, minimumWageFen: wage.value.monthlyFen };
}

/** Monthly benefit amount for whole years of contributions (steps Art. 38). */
export function monthlyAmountSteps(
  x: ExplanationBuilder,
  wholeYears: number,
  payingLocality: string,
  minimumLivingStandardFen: Fen | undefined,
  policy: PolicyData,
  date: IsoDate,
) {
  const wage = minimumWageOf(x, payingLocality, policy, date);
  const level = resolveParameter(policy, 'benefitLevel', PROVINCE_KEY, date);
  const bracket = level.value.brackets
    .filter((b) => b.minYears <= wholeYears)
    .sort((a, b) => b.minYears - a.minYears)[0];
  if (!bracket) throw new Error(`benefitLevel ${PROVINCE_KEY} has no bracket for ${wholeYears} years`);
  let monthly = applyRate(wage.minimumWageFen, bracket.shareBp);
  x.step(
    'Art. 38',
    '失业保险金月标准 = 待遇领取地最低工资标准 × 对应缴费年限的比例',
    { minimumWageFen: wage.minimumWageFen, wholeYears, shareBp: bracket.shareBp },
    monthly,
    { parameters: [level], rounding: ROUNDING_RULE.text },
  );

  const capped = Math.min(monthly, wage.minimumWageFen);
  const floor = minimumLivingStandardFen;
  const bounded = floor !== undefined ? Math.max(capped, Math.min(floor, wage.minimumWageFen)) : capped;
  x.step(
    'Art. 38',
    '失业保险金标准不得高于最低工资标准，不得低于城市居民最低生活保障标准（社会保险法第四十七条）',
    { monthlyAmountFen: monthly, minimumWageFen: wage.minimumWageFen, minimumLivingStandardFen: floor ?? null },
    bounded,
  );
  monthly = bounded;
  return { ...wage, shareBp: bracket.shareBp, monthlyAmountFen: monthly };
}

/** Art. 38: benefit period and monthly amount, with the parameters in force on `determinationDate`. */
export function determineBenefit(
  input: BenefitInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<BenefitDetermination> {
  if (!Number.isSafeInteger(input.contributionMonths) || input.contributionMonths < 0) {
    throw new RangeError('缴费月数（contributionMonths）须为非负整数');
  }
  const carriedOver = input.carriedOverMonths ?? 0;
  if (!Number.isSafeInteger(carriedOver) || carriedOver < 0)
    throw new RangeError('结转的领取月数（carriedOverMonths）不得为负数');
  const x = new ExplanationBuilder();
  const period = periodSteps(x, input.contributionMonths, carriedOver, policy, determinationDate);
  const amount = monthlyAmountSteps(
    x,
    period.wholeYears,
    input.payingLocality,
    input.minimumLivingStandardFen,
    policy,
    determinationDate,
  );
  const totalAmountFen = times(amount.monthlyAmountFen, period.periodMonths);
  x.step(
    'Art. 38',
    '应领取失业保险金总额 = 月标准 × 领取期限',
    { monthlyAmountFen: amount.monthlyAmountFen, periodMonths: period.periodMonths },
    totalAmountFen,
  );
  return x.done({
    wholeYears: period.wholeYears,
    tableMonths: period.tableMonths,
    bracketCapMonths: period.bracketCapMonths,
    spellMonths: period.spellMonths,
    carriedOverMonths: carriedOver,
    periodMonths: period.periodMonths,
    cityCode: amount.cityCode,
    minimumWageTier: amount.tier,
    minimumWageFen: amount.minimumWageFen,
    shareBp: amount.shareBp,
    monthlyAmountFen: amount.monthlyAmountFen,
    totalAmountFen,
  });
}
