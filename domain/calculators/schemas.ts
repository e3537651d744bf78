/**
 * zod schemas of the calculators' inputs, and the registry of calculation kinds (used by POST /calculations/:kind so a
 * clerk can run one calculator without opening a case).
 *
 * Each schema is the runtime validation and the OpenAPI document of one calculator's input type; type tests at the
 * end of each block make a schema that drifts from its TypeScript type a compile error. Objects are strict: an unknown
 * field is refused. Units as in the rules layer: money in integer fen, rates in basis points, periods in months.
 */
import { z } from 'zod';
import { isIsoMonth, type IsoDate, type WorkdayCalendar } from '../calendar';
import type { ArticleRef, Calculation } from '../explanation';
import { certificateLevelSchema, type PolicyData } from '../policy/schemas';
import { separationReasonSchema } from '../separation';
import { determineBenefit, type BenefitInput } from './benefit';
import { calculateChildbirthSubsidy, type ChildbirthSubsidyInput } from './childbirth-subsidy';
import { assessEligibility, type EligibilityInput } from './eligibility';
import { calculateJobRetentionRefund, type JobRetentionInput } from './job-retention';
import { calculateOverpayment, PAYMENT_KINDS, type OverpaymentInput } from './overpayment';
import { calculatePriceSubsidy, type PriceSubsidyInput } from './price-subsidy';
import { calculateSkillSubsidy, type SkillSubsidyInput } from './skill-subsidy';
import { calculateSurvivorBenefits, type SurvivorBenefitInput } from './survivor-benefits';
import { writtenAtLeast } from '../written-text';

// ---------------------------------------------------------------------------------------------------------------------
// Type tests: the inferred type of a schema must be exactly the calculator's input type (arrays made mutable, since
// zod infers T[] where the input types take readonly T[]).

type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** True when the schema's output is exactly `Input` (up to readonly arrays). */
type Matches<S extends z.ZodType, Input> = Equals<z.infer<S>, DeepMutable<Input>>;

// ---------------------------------------------------------------------------------------------------------------------
// Field schemas with the messages a clerk reads.

const DATE_MESSAGE = '须为存在的日期，格式 YYYY-MM-DD';
const MONTH_MESSAGE = '须为月份，格式 YYYY-MM';
const FEN_MESSAGE = 'must be an amount in fen: a non-negative safe integer (1895.50 yuan = 189550)';
const COUNT_MESSAGE = 'must be a non-negative integer';
const MONTHS_MESSAGE = 'must be a whole number of months from 0 to 1200';
const BP_MESSAGE = '须为以基点计的整数（上涨3.5%记为350）';

const isoDate = z.iso
  .date({ error: DATE_MESSAGE })
  .meta({ description: 'Date YYYY-MM-DD (Asia/Shanghai)', example: '2026-01-05' });

const isoMonth = z
  .string({ error: MONTH_MESSAGE })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, MONTH_MESSAGE)
  .meta({ description: 'Month YYYY-MM', example: '2025-06' });

const fen = z
  .number({ error: FEN_MESSAGE })
  .int(FEN_MESSAGE)
  .nonnegative(FEN_MESSAGE)
  .max(Number.MAX_SAFE_INTEGER, FEN_MESSAGE)
  .meta({ description: 'Amount in fen (分), integer', example: 189550 });

// The bound `.int()` enforces (a safe integer), stated so the OpenAPI document says it.
const count = z
  .number({ error: COUNT_MESSAGE })
  .int(COUNT_MESSAGE)
  .nonnegative(COUNT_MESSAGE)
  .max(Number.MAX_SAFE_INTEGER, COUNT_MESSAGE);

const months = z.number({ error: MONTHS_MESSAGE }).int(MONTHS_MESSAGE).min(0, MONTHS_MESSAGE).max(1200, MONTHS_MESSAGE);

const basisPoints = z.number({ error: BP_MESSAGE }).int(BP_MESSAGE);

const flag = z.boolean({ error: '须为 true 或 false' });

const text = (max: number) =>
  z
    .string({ error: '须为文本' })
    .regex(writtenAtLeast(1), { error: '不能为空', abort: true })
    .trim()
    .min(1, '不能为空')
    .max(max, `不得超过${max}个字符`);

const SIX_DIGITS = /^\d{6}$/;
const divisionCode = z
  .string({ error: '须为6位行政区划代码' })
  .regex(SIX_DIGITS, '须为6位行政区划代码')
  // A pattern, not a refinement (a six-digit code outside Liaoning is a 400 of the schema): the document says ^21\d{4}$.
  .regex(/^(?:21|(?!\d{6}$))/, '须为辽宁省行政区划代码（21xxxx）')
  .meta({
    description: 'Administrative division code (6 digits) of a Liaoning city or county',
    example: '210100',
    pattern: '^21\\d{4}$',
  });

function monthRange<T extends { benefitFirstMonth: string; benefitLastMonth: string }>(v: T, ctx: z.RefinementCtx) {
  if (isIsoMonth(v.benefitFirstMonth) && isIsoMonth(v.benefitLastMonth) && v.benefitFirstMonth > v.benefitLastMonth) {
    ctx.addIssue({
      code: 'custom',
      path: ['benefitLastMonth'],
      message: '不得早于领取失业保险金的首月（benefitFirstMonth）',
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Art. 34 eligibility

export const ContributionRecordSchema = z
  .strictObject({
    employerUscc: text(32).meta({ description: 'Unified social credit code (统一社会信用代码) of the employer' }),
    month: isoMonth.meta({ description: '费款所属期 (contribution month)' }),
    status: z
      .enum(['paid', 'arrears'], { error: "must be 'paid' or 'arrears'" })
      .meta({ description: 'paid = received (also a back payment, Art. 26); arrears = 欠费, not paid' }),
    baseFen: fen.optional(),
    amountFen: fen.optional(),
    receiptDate: isoDate.optional().meta({ description: '到账日期' }),
  })
  .meta({ id: 'ContributionRecord', description: 'One month of contributions with one employer (Art. 24, 25)' });

export const EligibilityInputSchema = z
  .strictObject({
    contributions: z.array(ContributionRecordSchema, { error: 'must be a list of contribution records' }).max(2400),
    deemedContributionMonths: months.optional().meta({ description: 'Art. 35: deemed contribution months (视同缴费)' }),
    waivedArrearsMonths: z
      .array(isoMonth)
      .max(1200)
      .optional()
      .meta({ description: 'Art. 41: arrears months waived by 《个人放弃补缴失业保险欠费承诺书》' }),
    separationReason: separationReasonSchema.meta({ description: 'Art. 34: why employment ended' }),
    separationDate: isoDate.meta({ description: '失业时间' }),
    previousSpell: z
      .strictObject({
        countedThroughMonth: isoMonth,
        unusedMonths: months,
      })
      .optional()
      .meta({
        description: 'An earlier benefit spell: months up to countedThroughMonth were counted for it (Art. 38)',
      }),
    receivesBasicPension: flag.optional().meta({ description: 'Receives basic pension (条例第十五条): not eligible' }),
  })
  .meta({
    id: 'EligibilityInput',
    description: 'Art. 34 申领条件: ≥ 12 months of contributions (Art. 32, 35, 41 counting) and involuntary separation',
  });

const _eligibilityExact: Matches<typeof EligibilityInputSchema, EligibilityInput> = true;
const _eligibilityAssignable: z.infer<typeof EligibilityInputSchema> extends EligibilityInput ? true : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 38 benefit determination

export const BenefitInputSchema = z
  .strictObject({
    contributionMonths: months.meta({ description: 'Cumulative contribution months (eligibility totalMonths)' }),
    payingLocality: divisionCode.meta({
      description: 'Paying locality (Art. 35): city (210100) or a county of it (210102)',
    }),
    carriedOverMonths: months
      .optional()
      .meta({ description: 'Months left unused from an earlier spell (条例第十七条)' }),
    minimumLivingStandardFen: fen
      .optional()
      .meta({ description: 'Monthly urban minimum living standard of the paying locality: the floor of the amount' }),
  })
  .meta({ id: 'BenefitInput', description: 'Art. 38 待遇核定: benefit period and monthly amount' });

const _benefitExact: Matches<typeof BenefitInputSchema, BenefitInput> = true;
const _benefitAssignable: z.infer<typeof BenefitInputSchema> extends BenefitInput ? true : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 46 childbirth medical subsidy

export const ChildbirthSubsidyInputSchema = z
  .strictObject({
    sex: z.enum(['female', 'male'], { error: "must be 'female' or 'male'" }),
    birthDate: isoDate,
    benefitFirstMonth: isoMonth.meta({ description: 'First month of the benefit period' }),
    benefitLastMonth: isoMonth.meta({ description: 'Last month of the benefit period' }),
    compliesWithFamilyPlanning: flag.meta({ description: 'Birth within the family-planning policy (生育登记单)' }),
    materials: z.strictObject({
      birthRegistration: flag.meta({ description: '生育登记单' }),
      medicalBirthCertificate: flag.meta({ description: '医学出生证明' }),
      hospitalBills: flag.meta({ description: '住院费用票据' }),
    }),
    monthlyBenefitInBirthMonthFen: fen.meta({ description: '生育当月失业保险金额度' }),
    entitledMonths: months.meta({ description: 'Benefit period in months (her entitlement)' }),
    monthsPaidBeforeBirth: months.optional().meta({ description: 'Months of benefit paid before the month of birth' }),
  })
  .superRefine(monthRange)
  .meta({ id: 'ChildbirthSubsidyInput', description: 'Art. 46 医疗补助金 (childbirth medical subsidy)' });

const _childbirthExact: Matches<typeof ChildbirthSubsidyInputSchema, ChildbirthSubsidyInput> = true;
const _childbirthAssignable: z.infer<typeof ChildbirthSubsidyInputSchema> extends ChildbirthSubsidyInput
  ? true
  : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 47 funeral grant and survivor pension

export const SurvivorBenefitInputSchema = z
  .strictObject({
    dateOfDeath: isoDate,
    benefitFirstMonth: isoMonth,
    benefitLastMonth: isoMonth,
    monthlyBenefitFen: fen.meta({ description: 'Monthly benefit of the month of death' }),
    deathMonthBenefitPaid: flag.meta({ description: 'The benefit of the month of death was already paid' }),
    chosenScheme: z
      .enum(['unemployment', 'pension', 'work_injury'], {
        error: "must be 'unemployment', 'pension' or 'work_injury'",
      })
      .meta({ description: 'The scheme the survivors chose when they qualify under more than one' }),
    paidByOtherScheme: flag.meta({ description: 'Pension or work-injury insurance already paid for this death' }),
    materials: z.strictObject({
      survivorIdentity: flag.meta({ description: '遗属身份证件' }),
      deathCertificate: flag.meta({ description: '失业人员死亡证明' }),
      relationshipProof: flag.meta({ description: '遗属与失业人员关系证明' }),
    }),
  })
  .superRefine(monthRange)
  .meta({ id: 'SurvivorBenefitInput', description: 'Art. 47 丧葬补助金和抚恤金 (funeral grant and survivor pension)' });

const _survivorExact: Matches<typeof SurvivorBenefitInputSchema, SurvivorBenefitInput> = true;
const _survivorAssignable: z.infer<typeof SurvivorBenefitInputSchema> extends SurvivorBenefitInput ? true : never =
  true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 50 skill-upgrade subsidy

const certificateLevel = certificateLevelSchema.meta({ description: '职业资格证书 / 技能等级' });

export const SkillSubsidyInputSchema = z
  .strictObject({
    insuredActive: flag.meta({ description: '参保状态: currently insured' }),
    cumulativeContributionMonths: months.meta({
      description: 'Cumulative contribution months, including deemed months and months used for a determination',
    }),
    certificate: z.strictObject({
      occupation: text(128).meta({ description: 'Occupation (职业/工种) code or name as on the certificate' }),
      level: certificateLevel,
      issueDate: isoDate,
      verified: flag.meta({ description: 'Found on the national vocational certificate site' }),
    }),
    previousClaims: z
      .array(z.strictObject({ occupation: text(128), level: certificateLevel, claimDate: isoDate }))
      .max(200)
      .meta({ description: 'Skill-upgrade subsidies granted before' }),
  })
  .meta({ id: 'SkillSubsidyInput', description: 'Art. 50 技能提升补贴 (skill-upgrade subsidy)' });

const _skillExact: Matches<typeof SkillSubsidyInputSchema, SkillSubsidyInput> = true;
const _skillAssignable: z.infer<typeof SkillSubsidyInputSchema> extends SkillSubsidyInput ? true : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 49 job-retention refund

export const JobRetentionInputSchema = z
  .strictObject({
    size: z
      .enum(['large', 'sme'], { error: "must be 'large' or 'sme'" })
      .meta({ description: 'Size class: 大型 (large) or 中小微 (sme)' }),
    insuredCount: count.meta({ description: '参保职工数' }),
    layoffCount: count.meta({ description: '裁员人数' }),
    excludedFromLayoffRate: count.meta({ description: '不纳入裁员率计算人数' }),
    monthsPaidInFull: months.meta({ description: 'Months of contributions paid in full (足额缴纳)' }),
    contributionsPaidLastYearFen: fen.meta({ description: 'Contributions the employer actually paid last year' }),
    onSeriousDishonestyList: flag.meta({ description: '列入严重失信主体名单' }),
  })
  .superRefine((v, ctx) => {
    if (Number.isInteger(v.layoffCount) && v.excludedFromLayoffRate > v.layoffCount) {
      ctx.addIssue({ code: 'custom', path: ['excludedFromLayoffRate'], message: '不得超过裁员人数（layoffCount）' });
    }
  })
  .meta({ id: 'JobRetentionInput', description: 'Art. 49 稳岗返还 (job-retention refund)' });

const _retentionExact: Matches<typeof JobRetentionInputSchema, JobRetentionInput> = true;
const _retentionAssignable: z.infer<typeof JobRetentionInputSchema> extends JobRetentionInput ? true : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 45 temporary price subsidy

export const PriceSubsidyInputSchema = z
  .strictObject({
    month: isoMonth.meta({ description: 'The month the price data and the subsidy are for' }),
    cpiYoyBp: basisPoints.meta({ description: 'CPI rise on the same month last year, basis points (may be negative)' }),
    foodCpiYoyBp: basisPoints.meta({ description: 'Food CPI rise, basis points' }),
    scpiYoyBp: basisPoints.meta({ description: 'SCPI (城镇低收入居民基本生活费用价格指数) rise, basis points' }),
    urbanMinimumLivingStandardFen: fen.meta({ description: '同期月均城市低保标准 of the paying locality' }),
  })
  .meta({
    id: 'PriceSubsidyInput',
    description:
      'Art. 45 价格临时补贴 (temporary price subsidy). Without a determinationDate the parameters in force on the first day of `month` apply.',
  });

const _priceExact: Matches<typeof PriceSubsidyInputSchema, PriceSubsidyInput> = true;
const _priceAssignable: z.infer<typeof PriceSubsidyInputSchema> extends PriceSubsidyInput ? true : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Art. 43 overpayment

export const BenefitPaymentSchema = z
  .strictObject({
    kind: z.enum(PAYMENT_KINDS, { error: `须为以下之一：${PAYMENT_KINDS.join('、')}` }),
    month: isoMonth.meta({ description: 'Month the payment is for' }),
    amountFen: fen,
    reference: text(64).optional(),
  })
  .meta({ id: 'BenefitPayment', description: 'One payment made to a beneficiary' });

export const OverpaymentInputSchema = z
  .strictObject({
    stopDate: isoDate.meta({ description: 'Date the stop condition occurred (Art. 42), e.g. re-employment' }),
    payments: z.array(BenefitPaymentSchema, { error: 'must be a list of payments' }).max(2400),
    noticeServedOn: isoDate.optional().meta({ description: 'Date the recovery notice was served, if it has been' }),
    overpaidFromMonth: isoMonth
      .optional()
      .meta({ description: 'A revoked determination: the first month paid without entitlement (Art. 42, 43)' }),
  })
  .meta({ id: 'OverpaymentInput', description: 'Art. 43 待遇退回 (overpayment after a stop found late)' });

const _overpaymentExact: Matches<typeof OverpaymentInputSchema, OverpaymentInput> = true;
const _overpaymentAssignable: z.infer<typeof OverpaymentInputSchema> extends OverpaymentInput ? true : never = true;

// ---------------------------------------------------------------------------------------------------------------------
// Registry

/** One calculation kind: its input schema, the 规程 article it implements, and how to run it. */
export interface CalculationKind<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  article: ArticleRef;
  /** Short title (Chinese term of the 规程 and English). */
  title: string;
  /** Runs the calculator with the parameters in force on `date`. */
  run(input: z.infer<S>, policy: PolicyData, date: IsoDate, calendar?: WorkdayCalendar): Calculation<R>;
  /** The determination date to use when the caller gives none (default: today). */
  defaultDate?(input: z.infer<S>): IsoDate;
}

function defineKind<S extends z.ZodType, R>(kind: CalculationKind<S, R>): CalculationKind<S, R> {
  return kind;
}

/** The calculators a clerk can run by URL-safe name (POST /calculations/:kind). */
export const CALCULATION_KINDS = {
  eligibility: defineKind({
    schema: EligibilityInputSchema,
    article: 'Art. 34',
    title: '申领条件 (eligibility for unemployment benefit)',
    run: (input, policy, date) => assessEligibility(input, policy, date),
  }),
  benefit: defineKind({
    schema: BenefitInputSchema,
    article: 'Art. 38',
    title: '待遇核定 (benefit period and monthly amount)',
    run: (input, policy, date) => determineBenefit(input, policy, date),
  }),
  'childbirth-subsidy': defineKind({
    schema: ChildbirthSubsidyInputSchema,
    article: 'Art. 46',
    title: '医疗补助金 (childbirth medical subsidy)',
    run: (input, policy, date) => calculateChildbirthSubsidy(input, policy, date),
  }),
  'survivor-benefits': defineKind({
    schema: SurvivorBenefitInputSchema,
    article: 'Art. 47',
    title: '丧葬补助金和抚恤金 (funeral grant and survivor pension)',
    run: (input, policy, date) => calculateSurvivorBenefits(input, policy, date),
  }),
  'skill-subsidy': defineKind({
    schema: SkillSubsidyInputSchema,
    article: 'Art. 50',
    title: '技能提升补贴 (skill-upgrade subsidy)',
    run: (input, policy, date) => calculateSkillSubsidy(input, policy, date),
  }),
  'job-retention-refund': defineKind({
    schema: JobRetentionInputSchema,
    article: 'Art. 49',
    title: '稳岗返还 (job-retention refund)',
    run: (input, policy, date) => calculateJobRetentionRefund(input, policy, date),
  }),
  'price-subsidy': defineKind({
    schema: PriceSubsidyInputSchema,
    article: 'Art. 45',
    title: '价格临时补贴 (temporary price subsidy)',
    run: (input, policy, date) => calculatePriceSubsidy(input, policy, date),
    // calculatePriceSubsidy: "pass the first day of the month the subsidy is for".
    defaultDate: (input) => `${input.month}-01`,
  }),
  overpayment: defineKind({
    schema: OverpaymentInputSchema,
    article: 'Art. 43',
    title: '待遇退回 (overpayment after a stop found late)',
    run: (input, policy, date, calendar) => calculateOverpayment(input, policy, date, calendar),
  }),
} as const satisfies Record<string, CalculationKind>;

export type CalculationKindName = keyof typeof CALCULATION_KINDS;

/** The kind names, in registry order. */
export const CALCULATION_KIND_NAMES = Object.keys(CALCULATION_KINDS) as CalculationKindName[];

/** True for a registered kind name (own keys only: '__proto__' or 'toString' are not kinds). */
export function isCalculationKindName(name: string): name is CalculationKindName {
  return Object.hasOwn(CALCULATION_KINDS, name);
}

/** The registry entry of a kind, with its input type erased (for callers that dispatch on a name). */
export function calculationKind(name: CalculationKindName): CalculationKind {
  return CALCULATION_KINDS[name];
}
