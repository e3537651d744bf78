/**
 * Household registration (户籍): identity check and the hukou locality (Art. 35: a person may be paid where the
 * hukou is registered; Art. 7: shared data instead of certificates). `registrationStatus` is `cancelled` once the
 * hukou was cancelled because of death (因死亡注销户口, Art. 47).
 */
import { z } from 'zod';
import type { CallOptions, SourceHttpClient } from './http';
import { divisionCodeSchema, personNameSchema, residentIdNumberSchema } from './schemas';

export const identityCheckRequestSchema = z.object({ idNumber: residentIdNumberSchema, name: personNameSchema });
export type IdentityCheckRequest = z.infer<typeof identityCheckRequestSchema>;

export const identityCheckSchema = z.discriminatedUnion('result', [
  z.object({
    result: z.literal('match'),
    hukouDivisionCode: divisionCodeSchema,
    registrationStatus: z.enum(['active', 'cancelled']),
  }),
  z.object({ result: z.literal('name_mismatch') }),
  z.object({ result: z.literal('not_found') }),
]);
export type IdentityCheck = z.infer<typeof identityCheckSchema>;

export class HukouClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 35: does the name belong to the identity number, and where is the hukou registered. */
  checkIdentity(request: IdentityCheckRequest, options?: CallOptions): Promise<IdentityCheck> {
    return this.http.call({
      operation: 'checkIdentity',
      method: 'POST',
      path: '/identity-checks',
      body: request,
      response: identityCheckSchema,
      options,
    });
  }
}
