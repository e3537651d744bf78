/**
 * Eligibility for unemployment benefit (规程 Art. 34): contributions by employer and person, across employers,
 * cumulatively ≥ 12 months before the job loss, and the job lost not by the person's own will.
 *
 * Counting (all from the contribution records, month by month):
 * - Art. 32: a month paid by two employers (多重失业保险关系) counts once.
 * - Art. 34: only months up to the month of separation count (失业前).
 * - Art. 38 with 条例第十七条: after an earlier benefit spell the count restarts; months already counted for the earlier
 *   determination do not count again (the months left unused from that spell are added to the period, see benefit.ts).
 * - Art. 41: months in arrears are not contributions. If the person waived back payment (承诺书) they are left out;
 *   if not, the determination waits (needs review) because a back payment would count.
 * - Art. 35: deemed contribution months (视同缴费) are added — unless an earlier spell already used them.
 */
import { assertIsoDate, assertIsoMonth, isoMonthSchema, monthOf, type IsoDate, type IsoMonth } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { resolveParameter } from '../policy/resolve';
import type { PolicyData } from '../policy/schemas';
import { SEPARATION_REASON_LABELS, type SeparationReason } from '../separation';

/** One month of contributions of one person with one employer (Art. 24, 25). */
export interface ContributionRecord {
  employerUscc: string;
  /** 费款所属期 */
  month: IsoMonth;
  /** paid = contribution received (also a back payment, Art. 26); arrears = 欠费, not paid. */
  status: 'paid' | 'arrears';
  baseFen?: number;
  amountFen?: number;
  receiptDate?: IsoDate;
}

export interface EligibilityInput {
  contributions: readonly ContributionRecord[];
  /** Art. 35: deemed contribution months (视同缴费年限 in months). */
  deemedContributionMonths?: number;
  /** Art. 41: arrears months the person waived back payment for (《个人放弃补缴失业保险欠费承诺书》). */
  waivedArrearsMonths?: readonly IsoMonth[];
  separationReason: SeparationReason;
  /** 失业时间 */
  separationDate: IsoDate;
  /** An earlier benefit spell: months up to countedThroughMonth were counted for it. */
  previousSpell?: { countedThroughMonth: IsoMonth; unusedMonths: number };
  /** Art. 38: receives basic pension (基本养老保险待遇) — not eligible (条例第十五条). */
  receivesBasicPension?: boolean;
}

export type EligibilityReason =
  | 'insufficient_contributions'
  | 'voluntary_separation'
  | 'separation_reason_needs_review'
  | 'unresolved_arrears'
  | 'receives_basic_pension';

export interface EligibilityResult {
  status: 'eligible' | 'ineligible' | 'needs_review';
  reasons: EligibilityReason[];
  separation: 'involuntary' | 'voluntary' | 'needs_review';
  /** Distinct paid months counted. */
  paidMonths: number;
  deemedMonths: number;
  /** paidMonths + deemedMonths: the cumulative contribution months for Art. 34 and Art. 38. */
  totalMonths: number;
  /** Whole years of contributions: floor(totalMonths / 12). */
  wholeYears: number;
  minContributionMonths: number;
  countedMonths: IsoMonth[];
  duplicateMonths: IsoMonth[];
  excludedAfterSeparation: IsoMonth[];
  excludedEarlierSpell: IsoMonth[];
  waivedArrearsMonths: IsoMonth[];
  unresolvedArrearsMonths: IsoMonth[];
  /** Months left unused from the earlier spell (added to the benefit period, Art. 38). */
  carriedOverMonths: number;
}

/** The count of contribution months (Art. 32, 34, 35, 38, 41) and the Art. 34 minimum, with its steps. */
export interface ContributionCount {
  paidMonths: number;
  deemedMonths: number;
  totalMonths: number;
  wholeYears: number;
  minContributionMonths: number;
  enough: boolean;
  countedMonths: IsoMonth[];
  duplicateMonths: IsoMonth[];
  excludedAfterSeparation: IsoMonth[];
  excludedEarlierSpell: IsoMonth[];
  waivedArrearsMonths: IsoMonth[];
  unresolvedArrearsMonths: IsoMonth[];
}

/**
 * Art. 32, 34, 35, 38, 41: the contribution months before the separation, each month once, and whether they reach the
 * minimum. The separation reason plays no part: the verdict (domain/claim-verdict.ts) judges it with the record.
 */
export function countContributions(
  input: Omit<EligibilityInput, 'separationReason' | 'receivesBasicPension'>,
  policy: PolicyData,
  determinationDate: IsoDate,
  x: ExplanationBuilder = new ExplanationBuilder(),
): Calculation<ContributionCount> {
  assertIsoDate(input.separationDate);
  const deemed = input.deemedContributionMonths ?? 0;
  if (!Number.isSafeInteger(deemed) || deemed < 0)
    throw new RangeError('视同缴费月数（deemedContributionMonths）不得为负数');
  for (const r of input.contributions) assertIsoMonth(r.month);

  // Art. 32: one month, counted once however many employers paid it.
  const paidBy = new Map<IsoMonth, Set<string>>();
  const arrears = new Set<IsoMonth>();
  for (const r of input.contributions) {
    if (r.status === 'paid') {
      const set = paidBy.get(r.month) ?? new Set<string>();
      set.add(r.employerUscc);
      paidBy.set(r.month, set);
    } else arrears.add(r.month);
  }
  const duplicateMonths = [...paidBy].filter(([, s]) => s.size > 1).map(([m]) => m);
  let paid = [...paidBy.keys()].sort();
  x.step(
    'Art. 32',
    '同一所属期存在多重失业保险关系的，缴费月数不重复计算',
    { records: input.contributions.length, paidRecords: input.contributions.filter((r) => r.status === 'paid').length },
    { distinctPaidMonths: paid.length, duplicateMonths },
  );

  // Art. 34: months before the job loss (up to and including the month of separation).
  const separationMonth = monthOf(input.separationDate);
  const excludedAfterSeparation = paid.filter((m) => m > separationMonth);
  paid = paid.filter((m) => m <= separationMonth);
  x.step(
    'Art. 34',
    '失业前累计缴费：只计失业当月及以前的缴费月份',
    { separationDate: input.separationDate },
    { excludedAfterSeparation, remaining: paid.length },
  );

  // Art. 38 (条例第十七条): after re-employment the count restarts.
  let excludedEarlierSpell: IsoMonth[] = [];
  let deemedMonths = deemed;
  if (input.previousSpell) {
    const through = isoMonthSchema.parse(input.previousSpell.countedThroughMonth);
    excludedEarlierSpell = paid.filter((m) => m <= through);
    paid = paid.filter((m) => m > through);
    deemedMonths = 0;
    x.step(
      'Art. 38',
      '重新就业后再次失业的，缴费时间重新计算（条例第十七条）；上次已核定待遇的缴费月份和视同缴费不再计算',
      { countedThroughMonth: through, deemedContributionMonths: deemed },
      { excludedEarlierSpell: excludedEarlierSpell.length, remaining: paid.length, deemedMonths },
    );
  }

  // Art. 41: arrears are not contributions; waived ones are left out, others wait for back payment.
  const counted = new Set(paid);
  const arrearsOnly = [...arrears]
    .filter((m) => !paidBy.has(m) && m <= separationMonth)
    .filter((m) => !input.previousSpell || m > input.previousSpell.countedThroughMonth)
    .sort();
  const waived = new Set(input.waivedArrearsMonths ?? []);
  const waivedArrearsMonths = arrearsOnly.filter((m) => waived.has(m));
  const unresolvedArrearsMonths = arrearsOnly.filter((m) => !waived.has(m));
  x.step(
    'Art. 41',
    '存在欠费的，提示补缴；本人签署放弃补缴承诺书的，欠费期限不计入缴费期限',
    { arrearsMonths: arrearsOnly, waivedMonths: [...waived].sort() },
    { waivedArrearsMonths, unresolvedArrearsMonths },
  );

  // Art. 35: deemed contribution months.
  const paidMonths = counted.size;
  const totalMonths = paidMonths + deemedMonths;
  const wholeYears = Math.floor(totalMonths / 12);
  x.step('Art. 35', '视同缴费年限计入累计缴费时间', { paidMonths, deemedMonths }, { totalMonths, wholeYears });

  const rule = resolveParameter(policy, 'eligibility', 'national', determinationDate);
  const min = rule.value.minContributionMonths;
  const enough = totalMonths >= min;
  x.step(
    'Art. 34',
    `失业前用人单位和本人累计缴纳失业保险费（含在不同用人单位）满${min}个月`,
    { totalMonths, minContributionMonths: min },
    enough,
    { parameters: [rule] },
  );
  return x.done({
    paidMonths,
    deemedMonths,
    totalMonths,
    wholeYears,
    minContributionMonths: min,
    enough,
    countedMonths: [...counted].sort(),
    duplicateMonths,
    excludedAfterSeparation,
    excludedEarlierSpell,
    waivedArrearsMonths,
    unresolvedArrearsMonths,
  });
}

/** Art. 34 eligibility on `determinationDate`, with the parameters in force on that date. */
export function assessEligibility(
  input: EligibilityInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<EligibilityResult> {
  const x = new ExplanationBuilder();
  const count = countContributions(input, policy, determinationDate, x).result;
  const { totalMonths, unresolvedArrearsMonths, enough } = count;
  const rule = resolveParameter(policy, 'eligibility', 'national', determinationDate);
  const min = rule.value.minContributionMonths;
  const reasons: EligibilityReason[] = [];
  if (!enough) reasons.push('insufficient_contributions');

  // Art. 34: involuntary separation.
  const reason = input.separationReason;
  const separation = rule.value.involuntaryReasons.includes(reason)
    ? 'involuntary'
    : rule.value.voluntaryReasons.includes(reason)
      ? 'voluntary'
      : 'needs_review';
  if (separation === 'voluntary') reasons.push('voluntary_separation');
  if (separation === 'needs_review') reasons.push('separation_reason_needs_review');
  x.step(
    'Art. 34',
    '非因本人意愿中断就业',
    { separationReason: reason, label: SEPARATION_REASON_LABELS[reason] },
    separation,
    { parameters: [rule] },
  );

  if (input.receivesBasicPension) reasons.push('receives_basic_pension');
  x.step(
    'Art. 38',
    '核查基本养老保险待遇领取情况：已领取基本养老金的不得领取失业保险金（条例第十五条）',
    { receivesBasicPension: input.receivesBasicPension ?? false },
    !input.receivesBasicPension,
  );

  if (unresolvedArrearsMonths.length > 0) reasons.push('unresolved_arrears');
  const couldReachMinimum = totalMonths + unresolvedArrearsMonths.length >= min;
  const hardNo = separation === 'voluntary' || input.receivesBasicPension === true || (!enough && !couldReachMinimum);
  const status: EligibilityResult['status'] = hardNo ? 'ineligible' : reasons.length > 0 ? 'needs_review' : 'eligible';
  x.step(
    'Art. 34',
    '申领资格结论：符合条件的予以核定；欠费未处理或失业原因无法判定的，转人工审核',
    { reasons },
    status,
  );

  const { enough: _enough, ...counts } = count;
  return x.done({
    status,
    reasons,
    separation,
    ...counts,
    carriedOverMonths: input.previousSpell?.unusedMonths ?? 0,
  });
}
