/**
 * Dated policy parameters (Art. 12: amounts and standards follow 辽人社〔2021〕26号 "and the documents adjusting it").
 *
 * Every value is an entry with the date it takes effect, its source (document and article) and whether we have
 * confirmed it against the source (POLICY.md). History is never edited: a change is a new entry with a later
 * `effectiveFrom`; a policy that lapses carries `effectiveUntil`. A case resolves parameters on its determination date
 * and keeps them.
 *
 * Units: money in fen, rates and shares in basis points (1 bp = 0.01 %), periods in months / days / workdays.
 */
import { z } from 'zod';
import { isoDateSchema } from '../calendar';
import { separationReasonSchema } from '../separation';

const fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const basisPoints = z.number().int().nonnegative().max(1_000_000);
const share = z.number().int().nonnegative().max(10_000); // ≤ 100 %
const months = z.number().int().nonnegative().max(1200);

export const minimumWageTierSchema = z.enum(['tier1', 'tier2', 'tier3']);
export type MinimumWageTier = z.infer<typeof minimumWageTierSchema>;

export const certificateLevelSchema = z.enum(['junior', 'intermediate', 'senior', 'technician', 'senior_technician']);
export type CertificateLevel = z.infer<typeof certificateLevelSchema>;

/** Value schema of each family. The family name is the file name in camelCase (policy/benefit-level.json …). */
export const familyValueSchemas = {
  /** Art. 34: ≥ 12 months of contributions; involuntary separation. Key: 'national'. */
  eligibility: z.object({
    minContributionMonths: z.number().int().positive(),
    involuntaryReasons: z.array(separationReasonSchema).min(1),
    voluntaryReasons: z.array(separationReasonSchema),
  }),
  /** Art. 38: monthly benefit = share of the paying locality's minimum wage, by whole years. Key: '210000'. */
  benefitLevel: z.object({
    basis: z.literal('minimumWageOfPayingLocality'),
    brackets: z.array(z.object({ minYears: z.number().int().nonnegative(), shareBp: share })).min(1),
  }),
  /** Art. 38: benefit months by whole years of contributions (the highest row with minYears ≤ years). Key: '210000'. */
  benefitPeriod: z.object({
    rows: z.array(z.object({ minYears: z.number().int().positive(), months })).min(1),
  }),
  /** National duration caps by years of contributions, and the overall cap with carried-over months. Key: 'national'. */
  durationCap: z.object({
    brackets: z.array(z.object({ minYears: z.number().int().nonnegative(), maxMonths: months })).min(1),
    overallMaxMonths: months,
  }),
  /** Monthly minimum wage of a tier (最低工资标准 档次). Keys: 'tier1', 'tier2', 'tier3'. */
  minimumWage: z.object({ monthlyFen: fen }),
  /** Which tier applies to a city. Keys: division codes '210100' … '211400'. */
  minimumWageTier: z.object({ cityName: z.string().min(1), tier: minimumWageTierSchema }),
  /** Contribution rates. Keys: 'employer', 'person'. */
  contributionRate: z.object({ rateBp: basisPoints }),
  /**
   * Art. 26 补收补缴. Key 'lateFee': 社会保险法 Art. 86 滞纳金, a share of the amount owed per calendar day from the
   * day after the due date. Key 'dueDate': when a contribution month falls due (the last day of the month
   * `monthsAfter` it).
   */
  backPayment: z.union([
    z.strictObject({ dailyRateBp: basisPoints, from: z.literal('dayAfterDue') }),
    z.strictObject({ monthsAfter: z.number().int().min(0).max(12), day: z.literal('last') }),
  ]),
  /** Art. 46 childbirth medical subsidy. Key: '210000'. */
  childbirthSubsidy: z.object({
    shareBp: share,
    /** What the share applies to: the whole entitlement (monthly × period months), what remained at the birth, or one month. */
    base: z.enum(['entitledTotal', 'remainingEntitlement', 'monthlyAmount']),
    capMonths: months,
  }),
  /** Art. 47 funeral grant and survivor pension. Keys: 'funeralGrant', 'survivorPension'. months null = not known. */
  survivorBenefit: z.object({
    formula: z.literal('monthsOfMonthlyBenefit'),
    months: months.nullable(),
  }),
  /** Art. 50 skill-upgrade subsidy amount by certificate level. Keys: CertificateLevel. */
  skillSubsidyAmount: z.object({ amountFen: fen }),
  /** Art. 50 skill-upgrade subsidy conditions. Key: '210000'. */
  skillSubsidyRule: z.object({
    minInsuredMonths: months,
    maxClaimsPerYear: z.number().int().positive(),
    onePerOccupationAndLevel: z.boolean(),
  }),
  /** Art. 49 job-retention refund ratio of last year's contributions, by employer size. Keys: 'large', 'sme'. */
  jobRetentionRatio: z.object({ ratioBp: share }),
  /** Art. 49 job-retention eligibility thresholds. Key: '210000'. */
  jobRetentionRule: z.object({
    minMonthsPaidInFull: months,
    maxLayoffRateBp: share,
    smallEmployerMaxInsured: z.number().int().nonnegative(),
    smallEmployerMaxLayoffShareBp: share,
    excludeSeriousDishonesty: z.boolean(),
  }),
  /** Art. 45 price subsidy trigger (CPI or food CPI, month on same month last year). Key: 'national'. */
  priceSubsidyTrigger: z.object({ cpiYoyBp: basisPoints, foodCpiYoyBp: basisPoints }),
  /** Art. 45 price subsidy amount formula. Key: 'national'. */
  priceSubsidyAmount: z.object({ formula: z.literal('urbanMinimumLivingStandardTimesScpiRise') }),
  /** Art. 44: the monthly employee medical-insurance premium the fund pays for a beneficiary. Key: a city's code. */
  medicalPremium: z.object({ monthlyFen: z.number().int().positive() }),
  /** Art. 65 大额基金支付实行双复核: a payment at or above this total takes review, second review and approval. Key: '210000'. */
  reviewThreshold: z.object({ largePaymentFen: z.number().int().positive() }),
  /**
   * Art. 78-80 监控规则 (规则库): what the daily screening looks for and its thresholds (异常阈值). Keys: the rule names
   * (approvalsPerHour, sharedBankAccount, selfDeclaredPaid, manualDataCorrection); `rule` repeats the key.
   */
  monitoringRule: z.discriminatedUnion('rule', [
    z.object({
      rule: z.literal('approvalsPerHour'),
      enabled: z.boolean(),
      /** More than this many completed tasks of `steps` by one person within 60 minutes is suspicious. */
      maxPerHour: z.number().int().positive(),
      steps: z.array(z.enum(['accept', 'review', 'second_review', 'approve', 'verify', 'decide'])).min(1),
      /** How far back each run looks (runs overlap; an item is opened once per person and day). */
      lookbackDays: z.number().int().positive().max(31),
    }),
    z.object({
      rule: z.literal('sharedBankAccount'),
      enabled: z.boolean(),
      /** More different persons than this receiving benefits into one account is suspicious. */
      maxPersonsPerAccount: z.number().int().positive(),
    }),
    z.object({ rule: z.literal('selfDeclaredPaid'), enabled: z.boolean() }),
    z.object({ rule: z.literal('manualDataCorrection'), enabled: z.boolean() }),
  ]),
  /**
   * Art. 93 数据维护: the fields that may be corrected by hand (anything else is refused) and the level whose approver
   * approves (省、市分级数据维护权限). Keys: 'table.field', e.g. 'benefit_claim.phone'.
   */
  dataCorrectionField: z.object({ approvalLevel: z.enum(['city', 'province']), description: z.string().min(1) }),
  /**
   * 《全国年节及纪念日放假办法》 第二条: the holidays of all citizens, by the calendar each is dated in (a solar date,
   * a lunar date, or the day of a solar term), with `startOffset` days before that date (春节 from 除夕: -1); 第六条:
   * one falling on a Saturday or Sunday is made up on a workday. The provisional calendar of a year without a State
   * Council notice is built from it (domain/calendar-provisional.ts). Key: 'national'.
   */
  statutoryHoliday: z.object({
    holidays: z
      .array(
        z.object({
          name: z.string().min(1),
          date: z.discriminatedUnion('calendar', [
            z.object({
              calendar: z.literal('solar'),
              month: z.number().int().min(1).max(12),
              day: z.number().int().min(1).max(31),
            }),
            z.object({
              calendar: z.literal('lunar'),
              month: z.number().int().min(1).max(12),
              day: z.number().int().min(1).max(30),
            }),
            z.object({ calendar: z.literal('solarTerm'), term: z.enum(['清明']) }),
          ]),
          startOffset: z.number().int().min(-3).max(0),
          days: z.number().int().min(1).max(7),
        }),
      )
      .min(1),
    makeUpWeekendDays: z.boolean(),
  }),
  /**
   * Art. 85 业务资料简化: how long a document held in the system stays valid for the same person's later cases (it is
   * not asked for again while valid). Keys: the material kinds (domain/documents.ts). `validityMonths` 0: valid only
   * for the case it was supplied to (it concerns one event); null: it does not expire.
   */
  documentValidity: z.object({ validityMonths: months.nullable(), description: z.string().min(1) }),
  /** The 规程's own deadlines. Keys: 'art13.reviewConclusion' …. */
  deadline: z.union([
    z.object({
      unit: z.enum(['workdays', 'days', 'months']),
      amount: z.number().int().nonnegative(),
      direction: z.enum(['after', 'before']).optional(),
      description: z.string().min(1),
    }),
    z.object({
      unit: z.literal('dayOfMonth'),
      day: z.number().int().min(1).max(28),
      dayWhenHolidays: z.number().int().min(1).max(28).optional(),
      description: z.string().min(1),
    }),
  ]),
} as const;

export type Family = keyof typeof familyValueSchemas;
export const FAMILIES = Object.keys(familyValueSchemas) as Family[];
export type FamilyValue<F extends Family> = z.infer<(typeof familyValueSchemas)[F]>;

/** Where a value comes from. */
export const sourceSchema = z.object({
  document: z.string().min(1),
  article: z.string().min(1),
  url: z.string().url().optional(),
});
export type ParameterSource = z.infer<typeof sourceSchema>;

function entrySchema<V extends z.ZodType>(value: V) {
  return z
    .object({
      key: z.string().min(1),
      effectiveFrom: isoDateSchema,
      effectiveUntil: isoDateSchema.optional(),
      value,
      source: sourceSchema,
      confirmed: z.boolean(),
      note: z.string().optional(),
    })
    .refine((e) => e.effectiveUntil === undefined || e.effectiveUntil >= e.effectiveFrom, {
      message: '失效日期（effectiveUntil）早于生效日期（effectiveFrom）',
      path: ['effectiveUntil'],
    });
}

export interface PolicyEntry<V> {
  key: string;
  effectiveFrom: string;
  effectiveUntil?: string | undefined;
  value: V;
  source: ParameterSource;
  confirmed: boolean;
  note?: string | undefined;
}

/** Schema of one entry of `family` (as in the files; the API validates an added entry with it too). */
export function policyEntrySchema<F extends Family>(family: F) {
  return entrySchema(familyValueSchemas[family]);
}

/** Schema of one policy file: a family and its entries. */
export function policyFileSchema<F extends Family>(family: F) {
  return z
    .object({
      $comment: z.string().optional(),
      family: z.literal(family),
      description: z.string().min(1),
      entries: z.array(entrySchema(familyValueSchemas[family])),
    })
    .superRefine((file, ctx) => {
      const seen = new Map<string, number>();
      file.entries.forEach((e, i) => {
        const id = `${e.key}@${e.effectiveFrom}`;
        const first = seen.get(id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['entries', i, 'effectiveFrom'],
            message: `参数 ${e.key} 自 ${e.effectiveFrom} 生效的条目重复（另见 entries[${first}]）：请新增一条带日期的条目`,
          });
        } else seen.set(id, i);
      });
    });
}

/** All parameters: every family's entries, in any order. */
export type PolicyData = { [F in Family]: PolicyEntry<FamilyValue<F>>[] };

/** Policy data that failed validation: names the file and the path inside it. */
export class PolicyDataError extends Error {
  override readonly name = 'PolicyDataError';
  constructor(
    readonly file: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `invalid policy data in ${file}:\n${issues.map((i) => `  at ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/** Validate one family's file content (already parsed JSON). Pure. */
export function parsePolicyFile<F extends Family>(family: F, fileName: string, content: unknown) {
  const parsed = policyFileSchema(family).safeParse(content);
  if (!parsed.success) {
    throw new PolicyDataError(
      fileName,
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return parsed.data.entries as PolicyEntry<FamilyValue<F>>[];
}

/** File name of a family: benefitLevel → benefit-level.json. */
export function familyFileName(family: Family): string {
  return `${family.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.json`;
}

/**
 * Validate the contents of all policy files (file name → parsed JSON). Every family must have its file; a file
 * that names no known family is refused. Pure: the reading happens in policy/load.ts.
 */
export function parsePolicyData(files: Readonly<Record<string, unknown>>): PolicyData {
  const known = new Map(FAMILIES.map((f) => [familyFileName(f), f]));
  for (const name of Object.keys(files)) {
    if (!known.has(name)) {
      throw new PolicyDataError(name, [{ path: '', message: `没有以此文件名保存的参数类别` }]);
    }
  }
  const data = {} as Record<Family, unknown>;
  for (const [name, family] of known) {
    if (!(name in files)) throw new PolicyDataError(name, [{ path: '', message: `缺少参数类别 ${family} 的文件` }]);
    data[family] = parsePolicyFile(family, name, files[name]);
  }
  return data as PolicyData;
}
