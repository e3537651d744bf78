/**
 * Medical insurance (医疗保险经办机构), Art. 44: approved beneficiaries join the beneficiaries' medical-insurance
 * account at once and leave it when the benefit period ends; the fund pays their premium every month (Art. 63
 * 完成领金人员医疗保险费代缴). Enrolment is idempotent per person and start date; premiums per payment ID.
 */
import { z } from 'zod';
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
