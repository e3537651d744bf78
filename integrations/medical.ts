/**
 * Medical insurance (医疗保险经办机构), Art. 44: approved beneficiaries join the beneficiaries' medical-insurance
 * account at once and leave it when the benefit period ends; the fund pays their premium every month (Art. 63
 * 完成领金人员医疗保险费代缴). Enrolment is idempotent per person and start date; premiums per payment ID.
 */
import { z } from 'zod';
import { resultsByKey } from './batch';
import type { CallOptions, SourceHttpClient } from './http';
import {
  dateSchema,
  divisionCodeSchema,
  idempotencyKeySchema,
  monthSchema,
  personNameSchema,
  positiveFenSchema,
  residentIdNumberSchema,
  timestampSchema,
} from './schemas';

export const enrolmentRequestSchema = z.object({
  idNumber: residentIdNumberSchema,
  name: personNameSchema,
  /** The paying locality (待遇领取地), whose contribution base and rate apply. */
  agencyDivisionCode: divisionCodeSchema,
  startDate: dateSchema,
  expectedEndDate: dateSchema.optional(),
});
export type EnrolmentRequest = z.infer<typeof enrolmentRequestSchema>;

export const leaveReasonSchema = z.enum(['benefit_ended', 'benefit_stopped', 'deceased', 'transferred_out']);
export type LeaveReason = z.infer<typeof leaveReasonSchema>;

export const leaveRequestSchema = z.object({
  idNumber: residentIdNumberSchema,
  endDate: dateSchema,
  reason: leaveReasonSchema,
});
export type LeaveRequest = z.infer<typeof leaveRequestSchema>;

export const beneficiarySchema = z.object({
  idNumber: z.string(),
  status: z.enum(['enrolled', 'left']),
  agencyDivisionCode: divisionCodeSchema,
  startDate: dateSchema,
  endDate: dateSchema.nullable(),
  leaveReason: leaveReasonSchema.nullable(),
  /** True when this call changed nothing (the same enrolment or leave was already recorded). */
  duplicate: z.boolean(),
});
export type Beneficiary = z.infer<typeof beneficiarySchema>;

export const premiumPaymentRequestSchema = z.object({
  paymentId: idempotencyKeySchema,
  idNumber: residentIdNumberSchema,
  month: monthSchema,
  amountFen: positiveFenSchema,
  agencyDivisionCode: divisionCodeSchema,
});
export type PremiumPaymentRequest = z.infer<typeof premiumPaymentRequestSchema>;

export const premiumPaymentSchema = z.object({
  paymentId: z.string(),
  status: z.literal('accepted'),
  receivedAt: timestampSchema,
  duplicate: z.boolean(),
});
export type PremiumPayment = z.infer<typeof premiumPaymentSchema>;

/** Art. 44, 63: a run's premiums for up to 500 people at once (代缴), each idempotent by its payment ID. */
export const PREMIUM_BATCH_MAX = 500;
export const premiumBatchRequestSchema = z.object({
  items: z.array(premiumPaymentRequestSchema).min(1).max(PREMIUM_BATCH_MAX),
});
export type PremiumBatchRequest = z.infer<typeof premiumBatchRequestSchema>;
/** One result per item: accepted (as `payPremium` answers) or refused with the code `payPremium` would have given. */
export const premiumBatchResultSchema = z.discriminatedUnion('status', [
  premiumPaymentSchema,
  z.object({ paymentId: z.string(), status: z.literal('refused'), code: z.string().min(1) }),
]);
export type PremiumBatchResult = z.infer<typeof premiumBatchResultSchema>;
export const premiumBatchSchema = z.object({ results: z.array(premiumBatchResultSchema) });
export type PremiumBatch = z.infer<typeof premiumBatchSchema>;

export class MedicalClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 44: transfer an approved beneficiary into the beneficiaries' medical-insurance account. */
  enrol(request: EnrolmentRequest, options?: CallOptions): Promise<Beneficiary> {
    return this.http.call({
      operation: 'enrol',
      method: 'POST',
      path: '/beneficiaries',
      body: request,
      response: beneficiarySchema,
      options,
    });
  }

  /** Art. 44: medical cover ends with the benefit period (or a stop, Art. 42). 409 `not_enrolled` if never enrolled. */
  leave(request: LeaveRequest, options?: CallOptions): Promise<Beneficiary> {
    return this.http.call({
      operation: 'leave',
      method: 'POST',
      path: '/beneficiaries/leave',
      body: request,
      response: beneficiarySchema,
      options,
    });
  }

  /** The person's enrolment as the medical-insurance agency holds it; null if never enrolled. */
  getBeneficiary(idNumber: string, options?: CallOptions): Promise<Beneficiary | null> {
    return this.http.find({
      operation: 'getBeneficiary',
      method: 'POST',
      path: '/beneficiaries/query',
      body: { idNumber },
      response: beneficiarySchema,
      options,
    });
  }

  /**
   * Art. 44, 63: a batch of premiums, one result per payment ID (accepted, or refused with its code: `not_enrolled`,
   * `not_covered`, `payment_id_conflict`). The same payment ID twice is recorded once, as with `payPremium`.
   */
  async payPremiums(items: PremiumPaymentRequest[], options?: CallOptions): Promise<Map<string, PremiumBatchResult>> {
    const answer = await this.http.call({
      operation: 'payPremiums',
      method: 'POST',
      path: '/premium-payments/batch',
      body: { items },
      response: premiumBatchSchema,
      options,
    });
    return resultsByKey(
      this.http,
      'payPremiums',
      items.map((i) => i.paymentId),
      answer.results,
      (r) => r.paymentId,
    );
  }

  /** Art. 44, 63: the month's premium paid by the fund; the same payment ID twice is recorded once. */
  payPremium(request: PremiumPaymentRequest, options?: CallOptions): Promise<PremiumPayment> {
    return this.http.call({
      operation: 'payPremium',
      method: 'POST',
      path: '/premium-payments',
      body: request,
      response: premiumPaymentSchema,
      options,
    });
  }
}
