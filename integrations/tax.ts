/**
 * Tax data platform (省级数据共享平台, Art. 23-26): employers, their insured staff, the monthly contribution records
 * the tax authority passes on (contribution base, amount paid, contribution month, receipt date: Art. 24, 25), arrears
 * (Art. 41) and back payments, which appear later as records with a late receipt date (Art. 26).
 */
import { z } from 'zod';
import { separationReasonSchema } from '../domain/separation';
import type { CallOptions, SourceHttpClient } from './http';
import { segment } from './http';
import { EMPLOYER_TYPES, type EmployerType } from '../domain/employer';
import { dateSchema, divisionCodeSchema, fenSchema, monthSchema, residentIdNumberSchema, usccSchema } from './schemas';

export const employerTypeSchema = z.enum(EMPLOYER_TYPES);
export type { EmployerType };

export const employerSizeSchema = z.enum(['micro', 'small', 'medium', 'large']);
export type EmployerSize = z.infer<typeof employerSizeSchema>;

/**
 * Separation reasons (失业原因, Art. 21) use the domain's names (domain/separation.ts); which of them count as "not by
 * the person's own will" (Art. 34) is policy data, not the source's business.
 */
export { SEPARATION_REASON_LABELS, separationReasonSchema } from '../domain/separation';
export type { SeparationReason } from '../domain/separation';

export const bankAccountSchema = z.object({
  bankName: z.string(),
  accountName: z.string(),
  accountNumber: z.string(),
});
export type BankAccount = z.infer<typeof bankAccountSchema>;

/** Art. 16 registration items the platform shares, with the staff count (参保职工数量, Art. 49). */
export const taxEmployerSchema = z.object({
  uscc: z.string(),
  name: z.string(),
  type: employerTypeSchema,
  size: employerSizeSchema,
  agencyDivisionCode: divisionCodeSchema,
  registeredDate: dateSchema,
  insuredCount: z.number().int().nonnegative(),
  bankAccount: bankAccountSchema,
});
export type TaxEmployer = z.infer<typeof taxEmployerSchema>;

/** Art. 49: a page of the employers insured with a city agency, for the job-retention screening (免申即享). */
export const employerListSchema = z.object({
  items: z.array(z.object({ uscc: z.string(), name: z.string(), type: employerTypeSchema, size: employerSizeSchema })),
  nextOffset: z.number().int().nonnegative().nullable(),
});
export type EmployerList = z.infer<typeof employerListSchema>;

export const staffMemberSchema = z.object({
  idNumber: z.string(),
  name: z.string(),
  startDate: dateSchema,
  endDate: dateSchema.nullable(),
  separationReason: separationReasonSchema.nullable(),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const employerStaffSchema = z.object({ uscc: z.string(), staff: z.array(staffMemberSchema) });
export type EmployerStaff = z.infer<typeof employerStaffSchema>;

/** Art. 25 单位缴费信息: one row per contribution month. */
export const employerContributionMonthSchema = z.object({
  month: monthSchema,
  insuredCount: z.number().int().nonnegative(),
  contributionBaseTotalFen: fenSchema,
  amountPaidTotalFen: fenSchema,
  receiptDate: dateSchema,
});
export const employerContributionsSchema = z.object({
  uscc: z.string(),
  months: z.array(employerContributionMonthSchema),
});
export type EmployerContributions = z.infer<typeof employerContributionsSchema>;

export const employerArrearsMonthSchema = z.object({
  month: monthSchema,
  insuredCount: z.number().int().nonnegative(),
  amountDueFen: fenSchema,
});
export const employerArrearsSchema = z.object({ uscc: z.string(), months: z.array(employerArrearsMonthSchema) });
export type EmployerArrears = z.infer<typeof employerArrearsSchema>;

/** Art. 25 个人缴费信息. `backPayment` marks a record paid after its due date (补缴, Art. 26). */
export const contributionRecordSchema = z.object({
  employerUscc: z.string(),
  employerName: z.string(),
  month: monthSchema,
  contributionBaseFen: fenSchema,
  amountPaidFen: fenSchema,
  receiptDate: dateSchema,
  backPayment: z.boolean(),
});
export type ContributionRecord = z.infer<typeof contributionRecordSchema>;

export const personContributionsSchema = z.object({
  idNumber: z.string(),
  records: z.array(contributionRecordSchema),
});
export type PersonContributions = z.infer<typeof personContributionsSchema>;

export const arrearsRecordSchema = z.object({
  employerUscc: z.string(),
  employerName: z.string(),
  month: monthSchema,
  contributionBaseFen: fenSchema,
  amountDueFen: fenSchema,
});
export type ArrearsRecord = z.infer<typeof arrearsRecordSchema>;

export const personArrearsSchema = z.object({ idNumber: z.string(), records: z.array(arrearsRecordSchema) });
export type PersonArrears = z.infer<typeof personArrearsSchema>;

export const employmentSpellSchema = z.object({
  employerUscc: z.string(),
  employerName: z.string(),
  startDate: dateSchema,
  endDate: dateSchema.nullable(),
  separationReason: separationReasonSchema.nullable(),
});
export type EmploymentSpell = z.infer<typeof employmentSpellSchema>;

export const personEmploymentsSchema = z.object({ idNumber: z.string(), employments: z.array(employmentSpellSchema) });
export type PersonEmployments = z.infer<typeof personEmploymentsSchema>;

// Requests
export const monthRangeSchema = z.object({ from: monthSchema.optional(), to: monthSchema.optional() });
export type MonthRange = z.infer<typeof monthRangeSchema>;
export const personContributionsQuerySchema = z.object({
  idNumber: residentIdNumberSchema,
  from: monthSchema.optional(),
  to: monthSchema.optional(),
});
export type PersonContributionsQuery = z.infer<typeof personContributionsQuerySchema>;
export const usccParamSchema = usccSchema;

/**
 * Art. 23, 24: the platform's feed of contribution records for every person, in the order it received them: each item
 * carries its sequence number `seq` (increasing); `after` is the last sequence number the agency stored. An item may
 * come again (a record changed since, or a page asked twice); the agency keeps one record per person, employer and
 * month. Items are validated one by one by the reader (a garbled row is listed, not the page refused).
 */
export const CONTRIBUTION_CHANGES_MAX = 5000;
export const contributionChangesQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(CONTRIBUTION_CHANGES_MAX).default(1000),
});
export const contributionChangeSchema = contributionRecordSchema.extend({
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  idNumber: residentIdNumberSchema,
  employerUscc: usccSchema,
});
export type ContributionChange = z.infer<typeof contributionChangeSchema>;
/** The page as sent: the envelope is checked, the items one by one (contributionChangeSchema). */
export const contributionChangesPageSchema = z.object({
  items: z.array(z.unknown()),
  nextCursor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hasMore: z.boolean(),
});
export type ContributionChangesPage = z.infer<typeof contributionChangesPageSchema>;

/** Art. 25 单位缴费信息 for reconciliation: the platform's totals of employer-months, up to 500 at once. */
export const CONTRIBUTION_TOTALS_MAX = 500;
export const contributionTotalsQuerySchema = z.object({
  employerMonths: z
    .array(z.object({ uscc: z.string(), month: monthSchema }))
    .min(1)
    .max(CONTRIBUTION_TOTALS_MAX),
});
export const contributionTotalsSchema = z.object({
  items: z.array(
    z.object({
      uscc: z.string(),
      month: monthSchema,
      insuredCount: z.number().int().nonnegative(),
      contributionBaseTotalFen: fenSchema,
      amountPaidTotalFen: fenSchema,
    }),
  ),
});
export type ContributionTotals = z.infer<typeof contributionTotalsSchema>;

/**
 * Art. 26 补收信息: the assessment of a back payment the agency sends to tax through the platform, one per case
 * number (a repeat of the same assessment is answered `duplicate: true`; another under the same number, 409). What
 * the employer owes per month and person, and the late fee; tax collects it in full and at once.
 */
export const backPaymentAssessmentSchema = z.object({
  caseNumber: z.string().min(1).max(40),
  uscc: usccSchema,
  contributionsFen: fenSchema,
  lateFeeFen: fenSchema,
  totalFen: fenSchema,
  lateFeeThrough: dateSchema,
  payBy: dateSchema,
  months: z
    .array(
      z.object({
        month: monthSchema,
        insuredCount: z.number().int().nonnegative(),
        amountFen: fenSchema,
        lateFeeFen: fenSchema,
      }),
    )
    .min(1),
  persons: z.array(z.object({ idNumber: residentIdNumberSchema, month: monthSchema, amountFen: fenSchema })),
});
export type BackPaymentAssessment = z.infer<typeof backPaymentAssessmentSchema>;
export const backPaymentAssessmentAnswerSchema = z.object({
  caseNumber: z.string(),
  status: z.enum(['assessed', 'partial', 'paid', 'withdrawn']),
  duplicate: z.boolean().optional(),
});
/** Art. 26: what tax says of an assessment: paid in full (with the receipt date), in part, not yet, withdrawn. */
export const backPaymentStatusSchema = z.object({
  caseNumber: z.string(),
  status: z.enum(['assessed', 'partial', 'paid', 'withdrawn']),
  totalFen: fenSchema,
  amountPaidFen: fenSchema,
  receiptDate: dateSchema.nullable(),
});
export type BackPaymentStatus = z.infer<typeof backPaymentStatusSchema>;

/**
 * Art. 23: the register's information passed to the platform (参保单位和参保单位缴费人员信息) as it changes: one message
 * per change of the register, once per `messageId` (a repeat answers `duplicate: true`). `subject` employer: its
 * registration, change, deregistration; person: the person's registration, change, termination; relation: a person's
 * relation with an employer suspended, terminated or cancelled. `fields`: the items the change concerned.
 */
export const registerMessageSchema = z.object({
  messageId: z.string().min(1).max(64),
  subject: z.enum(['employer', 'person', 'relation']),
  kind: z.string().regex(/^(employer|person|relation)\.[a-z_]+$/),
  occurredAt: z.string(),
  fields: z.array(z.string()),
  employer: z
    .object({
      registerNumber: z.string(),
      codeType: z.string(),
      code: z.string(),
      name: z.string(),
      agencyCode: divisionCodeSchema,
      status: z.string(),
      insuredSince: dateSchema,
      endedOn: dateSchema.nullable(),
    })
    .optional(),
  person: z
    .object({
      personNumber: z.string(),
      idType: z.string(),
      idNumber: z.string(),
      name: z.string(),
      agencyCode: divisionCodeSchema,
      status: z.string(),
      insuredSince: dateSchema,
    })
    .optional(),
  relation: z
    .object({ registerNumber: z.string(), hiredOn: dateSchema, status: z.string(), endedOn: dateSchema.nullable() })
    .optional(),
});
export type RegisterMessage = z.infer<typeof registerMessageSchema>;
export const registerMessageAnswerSchema = z.object({ messageId: z.string(), duplicate: z.boolean() });
export type RegisterMessageAnswer = z.infer<typeof registerMessageAnswerSchema>;

/**
 * Art. 27 按月整体退费: the refund requests tax accepted from employers (a whole employer-month), passed on to the
 * agency in the order received (`seq`, increasing; `after` is the last one the agency stored), each with the persons
 * and the amounts paid for the month. The agency answers each once: accepted, or refused naming the persons and why.
 */
export const REFUND_REQUESTS_MAX = 500;
export const refundRequestsQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(REFUND_REQUESTS_MAX).default(100),
});
export const refundRequestSchema = z.object({
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  uscc: usccSchema,
  employerName: z.string().min(1).max(200),
  month: monthSchema,
  reason: z.string().max(500),
  receivedAt: z.string(),
  persons: z
    .array(z.object({ idNumber: residentIdNumberSchema, name: z.string().max(100), amountPaidFen: fenSchema }))
    .min(1),
  totalFen: fenSchema,
});
export type RefundRequest = z.infer<typeof refundRequestSchema>;
export const refundRequestsPageSchema = z.object({
  items: z.array(refundRequestSchema),
  nextCursor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hasMore: z.boolean(),
});
export type RefundRequestsPage = z.infer<typeof refundRequestsPageSchema>;
/** The agency's answer (反馈税务部门): accepted, or refused with each person refused and the reason. */
export const refundAnswerSchema = z.object({
  caseNumber: z.string().min(1).max(32),
  decision: z.enum(['accepted', 'refused']),
  refusals: z.array(z.object({ idNumber: residentIdNumberSchema, reason: z.string().min(1).max(200) })),
  message: z.string().min(1).max(2000),
});
export type RefundAnswer = z.infer<typeof refundAnswerSchema>;
export const refundAnswerReceiptSchema = refundAnswerSchema.extend({
  requestId: z.string(),
  answeredAt: z.string(),
  duplicate: z.boolean(),
});
export type RefundAnswerReceipt = z.infer<typeof refundAnswerReceiptSchema>;

export class TaxClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 16, 49: the employer's registration and staff count; null when the platform does not know the code. */
  getEmployer(uscc: string, options?: CallOptions): Promise<TaxEmployer | null> {
    return this.http.find({
      operation: 'getEmployer',
      method: 'GET',
      path: `/employers/${segment(uscc)}`,
      response: taxEmployerSchema,
      options,
    });
  }

  /** Art. 49: the employers insured with the agency of `agencyDivisionCode`, a page from `offset`. */
  listEmployers(
    query: { agencyDivisionCode: string; offset?: number; limit?: number },
    options?: CallOptions,
  ): Promise<EmployerList> {
    return this.http.call({
      operation: 'listEmployers',
      method: 'GET',
      path: '/employers',
      query: {
        agencyDivisionCode: query.agencyDivisionCode,
        offset: query.offset === undefined ? undefined : String(query.offset),
        limit: query.limit === undefined ? undefined : String(query.limit),
      },
      response: employerListSchema,
      options,
    });
  }

  /** Art. 23: insured staff of the employer, with separations (Art. 21); null for an unknown employer. */
  getEmployerStaff(uscc: string, options?: CallOptions): Promise<EmployerStaff | null> {
    return this.http.find({
      operation: 'getEmployerStaff',
      method: 'GET',
      path: `/employers/${segment(uscc)}/staff`,
      response: employerStaffSchema,
      options,
    });
  }

  /** Art. 25 单位缴费信息 per month in the range (both ends optional, inclusive). */
  getEmployerContributions(
    uscc: string,
    range: MonthRange = {},
    options?: CallOptions,
  ): Promise<EmployerContributions | null> {
    return this.http.find({
      operation: 'getEmployerContributions',
      method: 'GET',
      path: `/employers/${segment(uscc)}/contributions`,
      query: { from: range.from, to: range.to },
      response: employerContributionsSchema,
      options,
    });
  }

  /** Art. 23, 24: the next page of the platform's contribution feed after sequence number `after`. */
  getContributionChanges(
    query: { after: number; limit: number },
    options?: CallOptions,
  ): Promise<ContributionChangesPage> {
    return this.http.call({
      operation: 'getContributionChanges',
      method: 'GET',
      path: '/contributions/changes',
      query: { after: String(query.after), limit: String(query.limit) },
      response: contributionChangesPageSchema,
      options,
    });
  }

  /** Art. 23: a change of the register passed to the platform, once per message ID (a repeat: `duplicate`). */
  sendRegisterMessage(message: RegisterMessage, options?: CallOptions): Promise<RegisterMessageAnswer> {
    return this.http.call({
      operation: 'sendRegisterMessage',
      method: 'POST',
      path: '/register-messages',
      body: message,
      response: registerMessageAnswerSchema,
      options,
    });
  }

  /** Art. 24, 25: the platform's totals per employer-month (count, bases, amounts paid), for reconciliation. */
  getContributionTotals(
    employerMonths: { uscc: string; month: string }[],
    options?: CallOptions,
  ): Promise<ContributionTotals> {
    return this.http.call({
      operation: 'getContributionTotals',
      method: 'POST',
      path: '/contributions/totals/query',
      body: { employerMonths },
      response: contributionTotalsSchema,
      options,
    });
  }

  /** Art. 27: the next page of whole-month refund requests after sequence number `after`. */
  getRefundRequests(query: { after: number; limit: number }, options?: CallOptions): Promise<RefundRequestsPage> {
    return this.http.call({
      operation: 'getRefundRequests',
      method: 'GET',
      path: '/refund-requests',
      query: { after: String(query.after), limit: String(query.limit) },
      response: refundRequestsPageSchema,
      options,
    });
  }

  /** Art. 27 及时反馈税务部门: the agency's answer to a refund request; the same answer again is taken once. */
  answerRefundRequest(requestId: string, answer: RefundAnswer, options?: CallOptions): Promise<RefundAnswerReceipt> {
    return this.http.call({
      operation: 'answerRefundRequest',
      method: 'POST',
      path: `/refund-requests/${segment(requestId)}/answer`,
      body: answer,
      response: refundAnswerReceiptSchema,
      options,
    });
  }

  /** Art. 18, 26: the months the employer owes. */
  getEmployerArrears(uscc: string, options?: CallOptions): Promise<EmployerArrears | null> {
    return this.http.find({
      operation: 'getEmployerArrears',
      method: 'GET',
      path: `/employers/${segment(uscc)}/arrears`,
      response: employerArrearsSchema,
      options,
    });
  }

  /** Art. 24, 25: the person's paid contribution records, all employers (no records: an empty list). */
  getPersonContributions(
    idNumber: string,
    range: MonthRange = {},
    options?: CallOptions,
  ): Promise<PersonContributions> {
    return this.http.call({
      operation: 'getPersonContributions',
      method: 'POST',
      path: '/persons/contributions/query',
      body: { idNumber, ...range },
      response: personContributionsSchema,
      options,
    });
  }

  /** Art. 41: months owed for the person (unpaid by the employer). */
  getPersonArrears(idNumber: string, options?: CallOptions): Promise<PersonArrears> {
    return this.http.call({
      operation: 'getPersonArrears',
      method: 'POST',
      path: '/persons/arrears/query',
      body: { idNumber },
      response: personArrearsSchema,
      options,
    });
  }

  /** Art. 26: the assessment sent to tax (补收信息), idempotent by its case number. */
  sendBackPaymentAssessment(assessment: BackPaymentAssessment, options?: CallOptions) {
    return this.http.call({
      operation: 'sendBackPaymentAssessment',
      method: 'POST',
      path: '/back-payment-assessments',
      body: assessment,
      response: backPaymentAssessmentAnswerSchema,
      options,
    });
  }

  /** Art. 26: whether the assessment was paid (in full, with its receipt date), null when tax does not know it. */
  getBackPaymentStatus(caseNumber: string, options?: CallOptions): Promise<BackPaymentStatus | null> {
    return this.http.find({
      operation: 'getBackPaymentStatus',
      method: 'GET',
      path: `/back-payment-assessments/${segment(caseNumber)}`,
      response: backPaymentStatusSchema,
      options,
    });
  }

  /** Art. 26: an assessment not paid by its date is withdrawn at tax (a new application assesses again). */
  withdrawBackPaymentAssessment(caseNumber: string, options?: CallOptions) {
    return this.http.call({
      operation: 'withdrawBackPaymentAssessment',
      method: 'POST',
      path: `/back-payment-assessments/${segment(caseNumber)}/withdrawal`,
      body: {},
      response: backPaymentStatusSchema,
      options,
    });
  }

  /** Art. 21, 38: employment spells with separation date and reason. */
  getPersonEmployments(idNumber: string, options?: CallOptions): Promise<PersonEmployments> {
    return this.http.call({
      operation: 'getPersonEmployments',
      method: 'POST',
      path: '/persons/employments/query',
      body: { idNumber },
      response: personEmploymentsSchema,
      options,
    });
  }
}
