/**
 * National transfer platform (全国失业保险转移接续信息平台), Art. 52-56: cross-province transfer letters
 * (联系函) travel electronically. Outbound: the agency sends a letter (idempotent by letter ID) and later records the
 * funds transfer (Art. 56: within one month). Inbound: letters from other provinces addressed to a Liaoning agency,
 * which it accepts or rejects (Art. 52, 53: transfer in within 5 workdays).
 */
import { z } from 'zod';
import type { CallOptions, SourceHttpClient } from './http';
import { segment } from './http';
import {
  dateSchema,
  divisionCodeSchema,
  fenSchema,
  idempotencyKeySchema,
  monthSchema,
  personNameSchema,
  residentIdNumberSchema,
  timestampSchema,
} from './schemas';

/** employee: 参保职工 (Art. 52, 55); unemployed_person: 失业人员 (Art. 53, 54). */
export const transferKindSchema = z.enum(['employee', 'unemployed_person']);
export type TransferKind = z.infer<typeof transferKindSchema>;

export const letterStatusSchema = z.enum(['sent', 'accepted', 'rejected', 'funds_transferred']);
export type LetterStatus = z.infer<typeof letterStatusSchema>;

export const contributionPeriodSchema = z.object({ from: monthSchema, to: monthSchema });

export const sendLetterRequestSchema = z.object({
  letterId: idempotencyKeySchema,
  kind: transferKindSchema,
  idNumber: residentIdNumberSchema,
  name: personNameSchema,
  fromAgencyCode: divisionCodeSchema,
  toAgencyCode: divisionCodeSchema,
  issuedDate: dateSchema,
  contributionMonths: z.number().int().nonnegative(),
  contributionPeriods: z.array(contributionPeriodSchema),
  /** Unemployed persons: months of benefit left to be paid by the receiving province. */
  benefitMonthsRemaining: z.number().int().nonnegative().nullable().default(null),
});
export type SendLetterRequest = z.input<typeof sendLetterRequestSchema>;

export const transferLetterSchema = z.object({
  letterId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  kind: transferKindSchema,
  idNumber: z.string(),
  name: z.string(),
  fromAgencyCode: divisionCodeSchema,
  toAgencyCode: divisionCodeSchema,
  issuedDate: dateSchema,
  contributionMonths: z.number().int().nonnegative(),
  contributionPeriods: z.array(contributionPeriodSchema),
  benefitMonthsRemaining: z.number().int().nonnegative().nullable(),
  status: letterStatusSchema,
  statusReason: z.string().nullable(),
  fundAmountFen: fenSchema.nullable(),
  fundTransferDate: dateSchema.nullable(),
  updatedAt: timestampSchema,
  /** True when this call changed nothing (the same letter ID was sent before). */
  duplicate: z.boolean(),
});
export type TransferLetter = z.infer<typeof transferLetterSchema>;

export const transferLettersSchema = z.object({ letters: z.array(transferLetterSchema) });

export const acknowledgeRequestSchema = z.object({
  status: z.enum(['accepted', 'rejected']),
  reason: z.string().max(200).optional(),
});
export type AcknowledgeRequest = z.infer<typeof acknowledgeRequestSchema>;

export const fundsTransferRequestSchema = z.object({ amountFen: fenSchema, transferDate: dateSchema });
export type FundsTransferRequest = z.infer<typeof fundsTransferRequestSchema>;

export const inboundQuerySchema = z.object({
  toAgencyCode: divisionCodeSchema,
  status: letterStatusSchema.optional(),
});
export type InboundQuery = z.infer<typeof inboundQuerySchema>;

export class TransferClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 52, 54, 56: send a transfer letter to another province; the same letter ID twice is sent once. */
  sendLetter(request: SendLetterRequest, options?: CallOptions): Promise<TransferLetter> {
    return this.http.call({
      operation: 'sendLetter',
      method: 'POST',
      path: '/letters',
      body: request,
      response: transferLetterSchema,
      options,
    });
  }

  /** A letter and its status; null for an unknown letter ID. */
  getLetter(letterId: string, options?: CallOptions): Promise<TransferLetter | null> {
    return this.http.find({
      operation: 'getLetter',
      method: 'GET',
      path: `/letters/${segment(letterId)}`,
      response: transferLetterSchema,
      options,
    });
  }

  /** Art. 52, 53: letters from other provinces addressed to an agency. */
  listInbound(query: InboundQuery, options?: CallOptions): Promise<TransferLetter[]> {
    return this.http
      .call({
        operation: 'listInbound',
        method: 'GET',
        path: '/letters',
        query: { direction: 'inbound', toAgencyCode: query.toAgencyCode, status: query.status },
        response: transferLettersSchema,
        options,
      })
      .then((body) => body.letters);
  }

  /** Art. 52, 53: accept (transfer in) or reject an inbound letter. */
  acknowledge(letterId: string, request: AcknowledgeRequest, options?: CallOptions): Promise<TransferLetter> {
    return this.http.call({
      operation: 'acknowledge',
      method: 'POST',
      path: `/letters/${segment(letterId)}/acknowledgement`,
      body: request,
      response: transferLetterSchema,
      options,
    });
  }

  /** Art. 56: the funds of an accepted outbound transfer were sent. */
  recordFundsTransfer(letterId: string, request: FundsTransferRequest, options?: CallOptions): Promise<TransferLetter> {
    return this.http.call({
      operation: 'recordFundsTransfer',
      method: 'POST',
      path: `/letters/${segment(letterId)}/funds-transfer`,
      body: request,
      response: transferLetterSchema,
      options,
    });
  }
}
