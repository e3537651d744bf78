/**
 * Bank disbursement interface (社银接口), Art. 39, 63: signed payment batches to the disbursing bank, one result per
 * item. Idempotent by payment ID: an ID the bank has seen is not paid again and its first result comes back with
 * `duplicate: true` (a batch may mix new and repeated IDs). A failed payment is therefore re-sent under a new
 * payment ID once the account is corrected (Art. 39 重新发放). An ID reused for a different payee or amount is not
 * paid: `payment_id_conflict`.
 */
import { z } from 'zod';
import { BANK_KEY_ID_HEADER, BANK_SIGNATURE_HEADER, signBankBody } from './bank-signature';
import type { CallOptions, SourceHttpClient } from './http';
import { segment } from './http';
import { idempotencyKeySchema, personNameSchema, positiveFenSchema, timestampSchema } from './schemas';

export const paymentPurposeSchema = z.enum([
  'unemployment_benefit',
  'price_subsidy',
  'childbirth_medical_subsidy',
  'funeral_grant',
  'survivor_pension',
  'unemployment_subsidy',
  'job_retention_refund',
  'skill_upgrade_subsidy',
  'contribution_refund',
]);
export type PaymentPurpose = z.infer<typeof paymentPurposeSchema>;

export const paymentItemSchema = z.object({
  paymentId: idempotencyKeySchema,
  /** Social security card or bank account number (Art. 39 优先通过社会保障卡发放). */
  payeeAccount: z.string().regex(/^\d{12,21}$/, 'expected 12-21 digits'),
  payeeName: personNameSchema,
  amountFen: positiveFenSchema,
  purpose: paymentPurposeSchema,
});
export type PaymentItem = z.infer<typeof paymentItemSchema>;

export const paymentBatchSchema = z.object({
  batchId: idempotencyKeySchema,
  items: z.array(paymentItemSchema).min(1).max(1000),
});
export type PaymentBatch = z.infer<typeof paymentBatchSchema>;

/** `paid`, or why not: the agency checks and corrects failures (Art. 39, 63). */
export const paymentResultSchema = z.enum([
  'paid',
  'invalid_account',
  'frozen_card',
  'account_closed',
  'name_mismatch',
  'payment_id_conflict',
]);
export type PaymentResult = z.infer<typeof paymentResultSchema>;

export const paymentItemResultSchema = z.object({
  paymentId: z.string(),
  result: paymentResultSchema,
  /** The ID had been received before: nothing was paid now, the first result is repeated. */
  duplicate: z.boolean(),
  firstBatchId: z.string(),
  processedAt: timestampSchema,
});
export type PaymentItemResult = z.infer<typeof paymentItemResultSchema>;

export const batchResultSchema = z.object({ batchId: z.string(), results: z.array(paymentItemResultSchema) });
export type BatchResult = z.infer<typeof batchResultSchema>;

export const paymentStatusSchema = z.object({
  paymentId: z.string(),
  result: paymentResultSchema,
  amountFen: positiveFenSchema,
  purpose: paymentPurposeSchema,
  firstBatchId: z.string(),
  processedAt: timestampSchema,
  timesReceived: z.number().int().positive(),
});
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

export interface BankSigningKey {
  keyId: string;
  /** Undefined when not configured: calls are then refused before anything is sent. */
  key: string | undefined;
}

export class BankClient {
  constructor(
    private readonly http: SourceHttpClient,
    private readonly signing: BankSigningKey,
  ) {}

  /** Art. 39, 63: send a signed batch; one result per item, in the order sent. */
  sendBatch(batch: PaymentBatch, options?: CallOptions): Promise<BatchResult> {
    return this.http.call({
      operation: 'sendBatch',
      method: 'POST',
      path: '/batches',
      body: batch,
      sign: this.signer('sendBatch'),
      response: batchResultSchema,
      options,
    });
  }

  /** Result of a payment already sent (after a timeout: was it paid?); null if the bank never received it. */
  getPayment(paymentId: string, options?: CallOptions): Promise<PaymentStatus | null> {
    return this.http.find({
      operation: 'getPayment',
      method: 'GET',
      path: `/payments/${segment(paymentId)}`,
      sign: this.signer('getPayment'),
      response: paymentStatusSchema,
      options,
    });
  }

  private signer(operation: string) {
    return (rawBody: string): Record<string, string> => {
      const { key, keyId } = this.signing;
      if (key === undefined) {
        throw this.http.error(operation, {
          kind: 'rejected',
          code: 'signing_key_not_configured',
          detail: 'BANK_SIGNING_KEY is not set',
        });
      }
      return { [BANK_KEY_ID_HEADER]: keyId, [BANK_SIGNATURE_HEADER]: signBankBody(key, rawBody) };
    };
  }
}
