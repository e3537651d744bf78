/**
 * The verdict on a claim for unemployment benefit (失业保险金申领资格与待遇核定, Art. 34-38, 41): one pure function of
 * one recorded set of facts. Acceptance (Art. 37), the determination (Art. 38), the SMS and the benefit period all read
 * this one verdict; nothing else judges eligibility. A verdict is
 *
 *   eligible    every fact settled, every condition met: the period and amount (Art. 38) and the review route
 *   ineligible  every reason, each with its article (Art. 11: 明确告知不通过原因)
 *   pending     a question only the person or a clerk can settle: materials (Art. 37 一次性告知), arrears (Art. 41),
 *               a separation reason the shared data leaves open (Art. 38 para 3)
 *
 * Facts: for every fact, what each source said and what the applicant declared. Where the declaration contradicts the
 * record (separation date, reason, employer), the record prevails (Art. 38: 通过信息系统和共享数据比对核查) and the
 * conflict is part of the verdict, shown on the case. Where the record leaves the question open, a clerk decides
 * (a ruling, recorded with the facts it was made on). Re-run years later from the recorded facts and inputs with the
 * parameters in force on its date, a verdict gives the same figures (`claimVerdict` is deterministic).
 */
import { addDays, addMonths, monthOf, type IsoDate, type IsoMonth } from './calendar';
import { countContributions, type ContributionRecord } from './calculators/eligibility';
import { cityOf, determineBenefit } from './calculators/benefit';
import { ExplanationBuilder, type ArticleRef, type Calculation, type ExplanationStep } from './explanation';
import { formatYuan } from './money';
import { citationOf, resolveParameter, type ParameterCitation } from './policy/resolve';
import type { PolicyData } from './policy/schemas';
import { SEPARATION_REASON_LABELS, type SeparationReason } from './separation';

/** What each source answered when the facts were gathered (Art. 7: shared data first). No names are kept. */
export interface ClaimFacts {
  /** The day the sources were asked (Asia/Shanghai). */
  gatheredOn: IsoDate;
  /** What the applicant declared (Art. 34, 35). */
  declared: {
    separationDate: IsoDate;
    separationReason: SeparationReason;
    employerUscc: string;
    payingLocality: { basis: 'last_insured' | 'hukou'; agencyCode: string };
  };
  /** Household registration (Art. 35, 96): identity check and hukou. */
  hukou: {
    result: 'match' | 'name_mismatch' | 'not_found';
    hukouDivisionCode: string | null;
    registrationStatus: 'active' | 'cancelled' | null;
  };
  /** The tax authority's records (Art. 21, 24, 25): employment spells, contributions, arrears. */
  tax: {
    employments: {
      employerUscc: string;
      startDate: IsoDate;
      endDate: IsoDate | null;
      separationReason: SeparationReason | null;
    }[];
    /** The division code of the employers looked up (the recorded and the declared employer of the separation). */
    employerDivisions: Record<string, string | null>;
    paid: { employerUscc: string; month: IsoMonth; amountFen: number }[];
    arrears: { employerUscc: string; month: IsoMonth }[];
  };
  /**
   * The register (Art. 21, 38): the staff reduction the employer declared for the person (the latest suspended
   * relation), with the separation date and reason from the termination certificate. Claims read it first; absent in
   * facts recorded before the register kept it.
   */
  register?: {
    reduction: {
      employerUscc: string;
      separationDate: IsoDate;
      separationReason: SeparationReason;
      declaredAt: string;
    } | null;
  };
  /** The pension agency (Art. 38): a basic pension and since when. */
  pension: { receivesPension: boolean; startDate: IsoDate | null };
  /** The employment service (Art. 38 失业状态): employed again, since when. */
  employment: { employed: boolean; startDate: IsoDate | null };
  /** Civil affairs: a death. */
  civil: { deceased: boolean; dateOfDeath: IsoDate | null };
  /** This system's own record (Art. 37): another case of the person with a benefit period being paid. */
  system: { activePeriodCaseNumber: string | null };
}

/** Art. 38 para 3: a clerk's decision on a separation reason the shared data leaves open. */
export interface SeparationRuling {
  fact: 'separation_reason';
  involuntary: boolean;
  /** What the decision rests on: the termination certificate the person brought, or their written commitment. */
  basis: 'termination_certificate' | 'written_commitment';
  by: string;
  at: string;
  note?: string;
}

/** What the case itself brought to the verdict: recorded with it, so a re-run needs nothing else. */
export interface ClaimInputs {
  /** The day the application was received: benefits start on it (Asia/Shanghai). */
  applicationDate: IsoDate;
  suppliedMaterials: string[];
  /** Art. 41: months in arrears the person waived back payment for (承诺书). */
  waivedMonths: IsoMonth[];
  rulings: SeparationRuling[];
  /** Art. 35, 38 para 2: deemed contribution months proven by materials (a correction). */
  deemedContributionMonths?: number;
}

export interface VerdictReason {
  code: string;
  /** Chinese, for the person and the clerk. */
  message: string;
  article: ArticleRef;
}

export interface MaterialRequest {
  kind: string;
  label: string;
  article: ArticleRef;
}

export type OpenQuestion =
  | { kind: 'materials'; materials: MaterialRequest[] }
  | { kind: 'arrears'; months: IsoMonth[] }
  | {
      kind: 'separation_reason';
      /** not_recorded: the source has no reason (Art. 38 para 3); left_to_clerk: a reason the rules leave open. */
      why: 'not_recorded' | 'left_to_clerk';
      message: string;
      article: ArticleRef;
    };

/** A declaration the record contradicts: the record prevails (Art. 38), and the case says so. */
export interface Conflict {
  fact: 'separation_date' | 'separation_reason' | 'employer';
  declared: string;
  recorded: string;
  /** The record that prevails: the employer's staff reduction (Art. 21) or the tax employment record. */
  source: 'register' | 'tax';
  resolution: 'record_prevails';
  message: string;
  article: ArticleRef;
}

/**
 * The separation the verdict rests on: the employer's staff reduction (register, Art. 21), else the tax employment
 * record (record), else the person's declaration; a ruling when the record has no reason.
 */
export interface EffectiveSeparation {
  date: IsoDate;
  reason: SeparationReason | null;
  employerUscc: string;
  basis: 'register' | 'record' | 'declaration' | 'ruling';
  /** Art. 38 para 3: the reason rests on the person's own written commitment (flagged for audit). */
  selfDeclared: boolean;
}

export interface BenefitFigures {
  contributionMonths: number;
  months: number;
  monthlyAmountFen: number;
  totalFen: number;
  startDate: IsoDate;
  endDate: IsoDate;
}

interface VerdictBase {
  conflicts: Conflict[];
  separation: EffectiveSeparation;
  contributionMonths: number;
}
export interface EligibleVerdict extends VerdictBase {
  verdict: 'eligible';
  figures: BenefitFigures;
}
export interface IneligibleVerdict extends VerdictBase {
  verdict: 'ineligible';
  reasons: [VerdictReason, ...VerdictReason[]];
}
export interface PendingVerdict extends VerdictBase {
  verdict: 'pending';
  open: [OpenQuestion, ...OpenQuestion[]];
}
export type ClaimVerdict = EligibleVerdict | IneligibleVerdict | PendingVerdict;

const MATERIAL_LABELS: Record<string, string> = {
  hukou_certificate: '户籍所在地证明材料',
  identity_verification: '本人有效身份证件（经办窗口核验）',
};

/** Art. 34-38, 41: the verdict on `facts` and `inputs`, with the parameters in force on `date`. */
export function claimVerdict(
  facts: ClaimFacts,
  inputs: ClaimInputs,
  policy: PolicyData,
  date: IsoDate,
): Calculation<ClaimVerdict> {
  const x = new ExplanationBuilder();
  const reasons: VerdictReason[] = [];
  const materials: MaterialRequest[] = [];
  const conflicts: Conflict[] = [];
  const ask = (kind: string, article: ArticleRef) => {
    if (!inputs.suppliedMaterials.includes(kind))
      materials.push({ kind, label: MATERIAL_LABELS[kind] ?? kind, article });
  };
  const agencyCity = cityOf(facts.declared.payingLocality.agencyCode);
  const separation = effectiveSeparation(facts, conflicts);

  // Identity and hukou (Art. 35, 37, 96). Until the identity is verified nothing else is judged on it.
  const { hukou } = facts;
  if (hukou.result === 'name_mismatch') {
    reasons.push({ code: 'identity_mismatch', message: '姓名与身份证件号码不符', article: 'Art. 37' });
  } else if (hukou.result === 'not_found') {
    ask('identity_verification', 'Art. 35');
    if (facts.declared.payingLocality.basis === 'hukou') ask('hukou_certificate', 'Art. 35');
  } else if (hukou.registrationStatus === 'cancelled') {
    reasons.push({ code: 'hukou_cancelled', message: '户籍已注销', article: 'Art. 37' });
  } else if (
    facts.declared.payingLocality.basis === 'hukou' &&
    hukou.hukouDivisionCode &&
    !sameCity(hukou.hukouDivisionCode, agencyCity)
  ) {
    reasons.push({ code: 'not_hukou_locality', message: '选择在户籍所在地领取，但户籍不在该市', article: 'Art. 35' });
  }
  x.step(
    'Art. 37',
    '核验身份信息及户籍（共享数据）',
    { result: hukou.result, registrationStatus: hukou.registrationStatus },
    materials.length ? '需补充材料' : hukou.result === 'name_mismatch' ? '不符' : '已核验',
  );
  if (materials.length) {
    return x.done(pending([{ kind: 'materials', materials }], { conflicts, separation, contributionMonths: 0 }));
  }

  // Art. 35: the last insured locality is the city of the employer the person last left (as recorded).
  if (facts.declared.payingLocality.basis === 'last_insured') {
    const division = facts.tax.employerDivisions[separation.employerUscc] ?? null;
    if (division && !sameCity(division, agencyCity)) {
      reasons.push({
        code: 'not_last_insured_locality',
        message: '选择在最后参保地领取，但最后参保地不在该市',
        article: 'Art. 35',
      });
    }
  }

  // Art. 38: the separation as the record has it (the employer's staff reduction first, Art. 21; else the tax
  // employment record); a contradicting declaration is shown, the record prevails.
  x.step(
    'Art. 38',
    separation.basis === 'register'
      ? '比对核查失业时间、失业原因和原参保单位：以参保单位减员申报记录（第二十一条）为准；申报与记录不一致的，以记录为准'
      : separation.basis === 'record'
        ? '比对核查失业时间、失业原因和原参保单位：无参保单位减员申报记录，以税务部门参保记录为准；申报与记录不一致的，以记录为准'
        : '比对核查失业时间、失业原因和原参保单位：无减员申报和参保记录，以本人申报为准',
    {
      declared: {
        date: facts.declared.separationDate,
        reason: facts.declared.separationReason,
        employerUscc: facts.declared.employerUscc,
      },
    },
    {
      date: separation.date,
      reason: separation.reason,
      employerUscc: separation.employerUscc,
      basis: separation.basis,
      conflicts: conflicts.map((c) => c.fact),
    },
  );
  // An open spell at the employer that declared the reduction is the tax record not yet updated: the reduction stands.
  const ongoing = facts.tax.employments.find(
    (e) =>
      e.endDate === null &&
      e.startDate <= facts.gatheredOn &&
      !(
        separation.basis === 'register' &&
        e.employerUscc === separation.employerUscc &&
        e.startDate <= separation.date
      ),
  );
  if (ongoing) {
    reasons.push({
      code: 'still_insured',
      message: `参保记录显示自${ongoing.startDate}起仍在参保单位就业缴费，不属于失业人员`,
      article: 'Art. 34',
    });
  }

  // Art. 34, 32, 35, 41: contributions before the separation, each month once; arrears wait or are waived.
  const records: ContributionRecord[] = [
    ...facts.tax.paid.map((r) => ({
      employerUscc: r.employerUscc,
      month: r.month,
      status: 'paid' as const,
      amountFen: r.amountFen,
    })),
    ...facts.tax.arrears.map((r) => ({ employerUscc: r.employerUscc, month: r.month, status: 'arrears' as const })),
  ];
  const e = countContributions(
    {
      contributions: records,
      waivedArrearsMonths: inputs.waivedMonths,
      separationDate: separation.date,
      ...(inputs.deemedContributionMonths ? { deemedContributionMonths: inputs.deemedContributionMonths } : {}),
    },
    policy,
    date,
    x,
  ).result;
  const insufficient = !e.enough;
  const couldReach = e.totalMonths + e.unresolvedArrearsMonths.length >= e.minContributionMonths;
  if (insufficient && !couldReach) {
    reasons.push({
      code: 'insufficient_contributions',
      message: `累计缴费${e.totalMonths}个月，不满${e.minContributionMonths}个月`,
      article: 'Art. 34',
    });
  }

  // Art. 34: 非因本人意愿中断就业. A reason the record does not give, or one the rules leave open, a clerk decides.
  const rule = resolveParameter(policy, 'eligibility', 'national', date);
  const ruling = latestRuling(inputs.rulings);
  let separationQuestion: OpenQuestion | null = null;
  let involuntary: boolean | null = null;
  if (ruling) {
    involuntary = ruling.involuntary;
  } else if (separation.reason && rule.value.involuntaryReasons.includes(separation.reason)) {
    involuntary = true;
  } else if (separation.reason && rule.value.voluntaryReasons.includes(separation.reason)) {
    involuntary = false;
  } else {
    separationQuestion = {
      kind: 'separation_reason',
      why: separation.reason === null ? 'not_recorded' : 'left_to_clerk',
      message:
        separation.reason === null
          ? '共享数据中无失业原因：需本人提供解除（终止）劳动关系证明，或自述失业原因并作出书面承诺，由经办人员认定'
          : `失业原因（${SEPARATION_REASON_LABELS[separation.reason]}）需经办人员认定是否属于非因本人意愿中断就业`,
      article: 'Art. 38',
    };
  }
  if (involuntary === false) {
    reasons.push({
      code: 'voluntary_separation',
      message: `因本人意愿中断就业（${separation.reason ? SEPARATION_REASON_LABELS[separation.reason] : '经认定'}）`,
      article: 'Art. 34',
    });
  }
  x.step(
    'Art. 34',
    '非因本人意愿中断就业',
    {
      separationReason: separation.reason,
      label: separation.reason ? SEPARATION_REASON_LABELS[separation.reason] : null,
      ruling: ruling ? { involuntary: ruling.involuntary, basis: ruling.basis, by: ruling.by } : null,
    },
    involuntary === null ? '待经办人员认定' : involuntary ? '非本人意愿' : '本人意愿',
    { parameters: [rule] },
  );

  // Art. 38: 基本养老保险待遇领取, 失业状态; death; benefits already being paid (Art. 37).
  if (facts.pension.receivesPension) {
    reasons.push({ code: 'receives_pension', message: '已领取基本养老保险待遇', article: 'Art. 38' });
  }
  if (facts.civil.deceased) {
    reasons.push({
      code: 'deceased',
      message: `民政部门记录本人已于${facts.civil.dateOfDeath ?? '（日期不详）'}死亡`,
      article: 'Art. 38',
    });
  }
  const reemployedSince =
    facts.employment.employed && facts.employment.startDate && facts.employment.startDate > separation.date
      ? facts.employment.startDate
      : null;
  if (reemployedSince && !ongoing) {
    reasons.push({
      code: 'reemployed',
      message: `就业服务机构记录本人已于${reemployedSince}重新就业，不处于失业状态`,
      article: 'Art. 38',
    });
  }
  if (facts.system.activePeriodCaseNumber) {
    reasons.push({
      code: 'already_receiving',
      message: `正在领取失业保险金（${facts.system.activePeriodCaseNumber}）`,
      article: 'Art. 37',
    });
  }
  x.step(
    'Art. 38',
    '比对核查失业状态、基本养老保险待遇领取情况及死亡信息',
    {
      receivesPension: facts.pension.receivesPension,
      deceased: facts.civil.deceased,
      employedSince: reemployedSince,
      activePeriod: facts.system.activePeriodCaseNumber,
    },
    reasons.map((r) => r.code),
  );

  const base: VerdictBase = {
    conflicts,
    separation: withRuling(separation, ruling),
    contributionMonths: e.totalMonths,
  };
  if (reasons.length) {
    x.step(
      'Art. 11',
      '申领资格结论：不符合申领条件，逐项告知原因',
      { reasons: reasons.map((r) => r.code) },
      'ineligible',
    );
    return x.done({ verdict: 'ineligible', reasons: reasons as IneligibleVerdict['reasons'], ...base });
  }
  const open: OpenQuestion[] = [];
  if (separationQuestion) open.push(separationQuestion);
  if (e.unresolvedArrearsMonths.length) open.push({ kind: 'arrears', months: e.unresolvedArrearsMonths });
  if (open.length) {
    x.step('Art. 41', '申领资格结论：待补缴欠费或经办人员认定后核定', { open: open.map((o) => o.kind) }, 'pending');
    return x.done(pending(open, base));
  }

  // Art. 38: period and amount by the calculators in force on the determination date.
  const benefit = determineBenefit(
    { contributionMonths: e.totalMonths, payingLocality: facts.declared.payingLocality.agencyCode },
    policy,
    date,
  );
  x.steps.push(...benefit.explanation);
  const months = benefit.result.periodMonths;
  const figures: BenefitFigures = {
    contributionMonths: e.totalMonths,
    months,
    monthlyAmountFen: benefit.result.monthlyAmountFen,
    totalFen: benefit.result.totalAmountFen,
    startDate: inputs.applicationDate,
    endDate: addDays(addMonths(inputs.applicationDate, months), -1),
  };
  x.step(
    'Art. 38',
    '申领资格结论：符合申领条件，自申领之日起按核定的期限和标准发放',
    { startDate: figures.startDate, months },
    'eligible',
  );
  return x.done({ verdict: 'eligible', figures, ...base });
}

function pending(open: OpenQuestion[], base: VerdictBase): PendingVerdict {
  return { verdict: 'pending', open: open as PendingVerdict['open'], ...base };
}

const sameCity = (division: string, city: string) => /^21\d{4}$/.test(division) && cityOf(division) === city;

function latestRuling(rulings: readonly SeparationRuling[]): SeparationRuling | null {
  return rulings.filter((r) => r.fact === 'separation_reason').at(-1) ?? null;
}

function withRuling(s: EffectiveSeparation, ruling: SeparationRuling | null): EffectiveSeparation {
  if (!ruling) return s;
  return { ...s, basis: 'ruling', selfDeclared: ruling.basis === 'written_commitment' };
}

/**
 * Art. 38: the separation as recorded, against the declaration: the employer's staff reduction first (the shared data
 * of Art. 21), else the last employment spell that ended in the tax record. The record prevails for the date, the
 * employer and, where it has one, the reason; each difference is a conflict shown on the case. With neither on record
 * the declaration stands (and the count of contributions decides).
 */
function effectiveSeparation(facts: ClaimFacts, conflicts: Conflict[]): EffectiveSeparation {
  const d = facts.declared;
  const ended = facts.tax.employments
    .filter((e): e is typeof e & { endDate: IsoDate } => e.endDate !== null && e.endDate <= facts.gatheredOn)
    .sort((a, b) => (a.endDate === b.endDate ? (a.startDate < b.startDate ? -1 : 1) : a.endDate < b.endDate ? -1 : 1));
  const last = ended.at(-1);
  // Art. 21, 38: the employer's staff reduction is read first, unless the tax record shows a later separation.
  const reduction = facts.register?.reduction ?? null;
  if (
    reduction &&
    reduction.separationDate <= facts.gatheredOn &&
    (!last || reduction.separationDate >= last.endDate)
  ) {
    return fromRecord(
      {
        employerUscc: reduction.employerUscc,
        endDate: reduction.separationDate,
        separationReason: reduction.separationReason,
      },
      d,
      'register',
      conflicts,
    );
  }
  if (!last) {
    return {
      date: d.separationDate,
      reason: d.separationReason,
      employerUscc: d.employerUscc,
      basis: 'declaration',
      selfDeclared: true,
    };
  }
  return fromRecord(last, d, 'record', conflicts);
}

/** The separation as a record has it, each difference from the declaration a conflict where the record prevails. */
function fromRecord(
  last: { employerUscc: string; endDate: IsoDate; separationReason: SeparationReason | null },
  d: ClaimFacts['declared'],
  source: 'register' | 'record',
  conflicts: Conflict[],
): EffectiveSeparation {
  const from = source === 'register' ? 'register' : 'tax';
  const recordName = source === 'register' ? '单位减员申报记录' : '参保记录';
  if (last.endDate !== d.separationDate) {
    const later = last.endDate > d.separationDate;
    conflicts.push({
      fact: 'separation_date',
      declared: d.separationDate,
      recorded: last.endDate,
      source: from,
      resolution: 'record_prevails',
      message:
        source === 'register'
          ? `申报失业时间${d.separationDate}，${recordName}中的失业时间为${last.endDate}，以记录为准`
          : later
            ? `申报失业时间${d.separationDate}，但参保缴费记录显示其后仍在职至${last.endDate}（${monthOf(d.separationDate)}以后仍有缴费），以记录为准`
            : `申报失业时间${d.separationDate}，参保记录显示劳动关系于${last.endDate}解除（终止），以记录为准`,
      article: 'Art. 38',
    });
  }
  if (last.employerUscc !== d.employerUscc) {
    conflicts.push({
      fact: 'employer',
      declared: d.employerUscc,
      recorded: last.employerUscc,
      source: from,
      resolution: 'record_prevails',
      message: `申报的原参保单位（${d.employerUscc}）与${recordName}中最后参保单位（${last.employerUscc}）不一致，以记录为准`,
      article: 'Art. 38',
    });
  }
  if (last.separationReason !== null && last.separationReason !== d.separationReason) {
    conflicts.push({
      fact: 'separation_reason',
      declared: d.separationReason,
      recorded: last.separationReason,
      source: from,
      resolution: 'record_prevails',
      message: `申报失业原因为“${SEPARATION_REASON_LABELS[d.separationReason]}”，单位减员记录为“${SEPARATION_REASON_LABELS[last.separationReason]}”，以记录为准`,
      article: 'Art. 38',
    });
  }
  return {
    date: last.endDate,
    reason: last.separationReason,
    employerUscc: last.employerUscc,
    basis: source,
    selfDeclared: false,
  };
}

/** The review steps of an eligible verdict (Art. 11, 28, 65), and the rule that chose them. */
export interface ReviewRoute {
  steps: ('review' | 'second_review' | 'approve')[];
  rule: {
    code: 'automatic' | 'declared_differs_from_record' | 'separation_ruled' | 'large_payment' | 'manual_correction';
    /** Chinese: why these steps, or why none (Art. 11 免复审). */
    text: string;
    article: ArticleRef;
    parameters: ParameterCitation[];
  };
}

/**
 * Art. 11: review by risk. Three levels for a manual correction (Art. 28) or a large payment (Art. 65, 大额基金支付
 * 实行双复核); one review where the declaration differs from the record; none otherwise (免复审), which the case states
 * with the parameter behind it. A separation a reviewer ruled on (Art. 38 para 3) counts as the first review.
 */
export function reviewRouteOf(
  verdict: EligibleVerdict,
  ctx: { manualCorrection: boolean; ruled: boolean },
  policy: PolicyData,
  date: IsoDate,
): ReviewRoute {
  const threshold = resolveParameter(policy, 'reviewThreshold', '210000', date);
  const cite = [citationOf(threshold)];
  const limit = formatYuan(threshold.value.largePaymentFen);
  const total = formatYuan(verdict.figures.totalFen);
  if (ctx.manualCorrection) {
    return {
      steps: ['review', 'second_review', 'approve'],
      rule: {
        code: 'manual_correction',
        text: '核定结果经人工更正，实行初审、复核、审批三级审核（第二十八条）',
        article: 'Art. 28',
        parameters: [],
      },
    };
  }
  if (verdict.figures.totalFen >= threshold.value.largePaymentFen) {
    return {
      steps: ctx.ruled ? ['second_review', 'approve'] : ['review', 'second_review', 'approve'],
      rule: {
        code: 'large_payment',
        text: `应领总额${total}元，达到大额支付标准${limit}元，实行双复核（第六十五条）`,
        article: 'Art. 65',
        parameters: cite,
      },
    };
  }
  if (ctx.ruled) {
    return {
      steps: [],
      rule: {
        code: 'separation_ruled',
        text: '失业原因已由审核人员认定（第三十八条第三款），其认定即为人工审核',
        article: 'Art. 38',
        parameters: cite,
      },
    };
  }
  if (verdict.conflicts.length) {
    return {
      steps: ['review'],
      rule: {
        code: 'declared_differs_from_record',
        text: `申报信息与共享数据记录不一致（${verdict.conflicts.map((c) => CONFLICT_LABELS[c.fact]).join('、')}），以记录为准核定，经人工审核（第十一条、第三十八条）`,
        article: 'Art. 38',
        parameters: [],
      },
    };
  }
  return {
    steps: [],
    rule: {
      code: 'automatic',
      text: `系统自动审核通过，免复审：申报与共享数据记录一致，应领总额${total}元低于大额支付复审标准${limit}元（第十一条）${threshold.confirmed ? '' : '；该标准尚未经核实（confirmed: false）'}`,
      article: 'Art. 11',
      parameters: cite,
    },
  };
}

/**
 * The verdict and review route of recorded facts and inputs on a date: what a determination is, and what a re-run
 * repeats (an auditor, years later, with the parameters in force on its date: Art. 12, 78).
 */
export function verdictOf(
  facts: ClaimFacts,
  inputs: ClaimInputs,
  manualCorrection: boolean,
  policy: PolicyData,
  date: IsoDate,
): { verdict: ClaimVerdict; route: ReviewRoute | null; explanation: ExplanationStep[] } {
  const calc = claimVerdict(facts, inputs, policy, date);
  const v = calc.result;
  const route =
    v.verdict === 'eligible'
      ? reviewRouteOf(v, { manualCorrection, ruled: inputs.rulings.length > 0 }, policy, date)
      : null;
  return { verdict: v, route, explanation: calc.explanation };
}

export const CONFLICT_LABELS: Record<Conflict['fact'], string> = {
  separation_date: '失业时间',
  separation_reason: '失业原因',
  employer: '原参保单位',
};
