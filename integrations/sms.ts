/**
 * SMS gateway: the notices the 规程 sends by text message (Art. 38: one month before the benefit period ends;
 * Art. 42: payment stopped). Idempotent by message ID: a retried send is delivered once.
 */
import { z } from 'zod';
import type { CallOptions, SourceHttpClient } from './http';
import { segment } from './http';
import { idempotencyKeySchema, mobileSchema, timestampSchema } from './schemas';

export const smsRequestSchema = z.object({
  messageId: idempotencyKeySchema,
  mobile: mobileSchema,
  text: z.string().min(1).max(500),
});
export type SmsRequest = z.infer<typeof smsRequestSchema>;

export const smsAcceptedSchema = z.object({
  messageId: z.string(),
  status: z.literal('accepted'),
  acceptedAt: timestampSchema,
  duplicate: z.boolean(),
});
export type SmsAccepted = z.infer<typeof smsAcceptedSchema>;

export const smsStatusSchema = z.object({
  messageId: z.string(),
  status: z.enum(['accepted', 'delivered', 'undeliverable']),
  acceptedAt: timestampSchema,
});
export type SmsStatus = z.infer<typeof smsStatusSchema>;

export class SmsClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 38, 42: send a notice; the same message ID twice is sent once. */
  send(request: SmsRequest, options?: CallOptions): Promise<SmsAccepted> {
    return this.http.call({
      operation: 'send',
      method: 'POST',
      path: '/messages',
      body: request,
      response: smsAcceptedSchema,
      options,
    });
  }

  /** Delivery status of a message; null for an unknown message ID. */
  getStatus(messageId: string, options?: CallOptions): Promise<SmsStatus | null> {
    return this.http.find({
      operation: 'getStatus',
      method: 'GET',
      path: `/messages/${segment(messageId)}`,
      response: smsStatusSchema,
      options,
    });
  }
}
