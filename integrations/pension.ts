/**
 * Pension insurance (养老保险): pension receipt, a stop condition (Art. 38, 42), and funeral grants and survivor
 * pensions it already paid (Art. 47: survivors choose one scheme; check to avoid paying twice).
 */
import { z } from 'zod';
import { resultsByPerson } from './batch';
import type { CallOptions, SourceHttpClient } from './http';
import { dateSchema, fenSchema, monthSchema } from './schemas';
import { segment } from './http';
import {
  pensionEmployerRegistrationAnswerSchema,
  pensionEmployerRegistrationSchema,
  pensionEmployerUpdateAnswerSchema,
  type PensionEmployerRegistration,
  type PensionEmployerUpdateAnswer,
  type PensionEmployerUpdateRequest,
  type PensionEmployerRegistrationAnswer,
  type PensionEmployerRegistrationRequest,
} from './pension-registration';

export const pensionReceiptSchema = z.object({ receivesPension: z.boolean(), startDate: dateSchema.nullable() });
export type PensionReceipt = z.infer<typeof pensionReceiptSchema>;
export const pensionReceiptsSchema = z.object({
  results: z.array(pensionReceiptSchema.extend({ idNumber: z.string() })),
});
export type PensionReceipts = z.infer<typeof pensionReceiptsSchema>;

/** One funeral grant / survivor pension paid by another scheme (shared with work-injury insurance). */
export const funeralGrantSchema = z.object({
  grantDate: dateSchema,
  funeralGrantFen: fenSchema,
  survivorPensionFen: fenSchema,
});
export type FuneralGrant = z.infer<typeof funeralGrantSchema>;
export const funeralGrantsSchema = z.object({ grants: z.array(funeralGrantSchema) });
export type FuneralGrants = z.infer<typeof funeralGrantsSchema>;

/**
 * Art. 26: the pension insurance base (养老保险缴费基数) of an employer's staff in given months, person by person: the
 * base and headcount a back payment of unemployment insurance is assessed from.
 */
export const employerBasesQuerySchema = z.object({ months: z.array(monthSchema).min(1).max(120) });
export const employerBasesSchema = z.object({
  uscc: z.string(),
  months: z.array(
    z.object({
      month: monthSchema,
      persons: z.array(z.object({ idNumber: z.string(), baseFen: fenSchema })),
    }),
  ),
});
export type EmployerBases = z.infer<typeof employerBasesSchema>;

export class PensionClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 26: the pension bases of the employer's staff in the months (null when pension does not know it). */
  getEmployerBases(uscc: string, months: string[], options?: CallOptions): Promise<EmployerBases | null> {
    return this.http.find({
      operation: 'getEmployerBases',
      method: 'POST',
      path: `/employers/${segment(uscc)}/bases/query`,
      body: { months },
      response: employerBasesSchema,
      options,
    });
  }

  /** Art. 38, 42: whether the person receives a basic pension, and since when. */
  getPensionReceipt(idNumber: string, options?: CallOptions): Promise<PensionReceipt> {
    return this.http.call({
      operation: 'getPensionReceipt',
      method: 'POST',
      path: '/receipts/query',
      body: { idNumber },
      response: pensionReceiptSchema,
      options,
    });
  }

  /** Art. 42: the same for a comparison list of up to 500 people (比对查询), one result each. */
  async getPensionReceipts(idNumbers: string[], options?: CallOptions): Promise<Map<string, PensionReceipt>> {
    const answer = await this.http.call({
      operation: 'getPensionReceipts',
      method: 'POST',
      path: '/receipts/batch-query',
      body: { idNumbers },
      response: pensionReceiptsSchema,
      options,
    });
    return resultsByPerson(this.http, 'getPensionReceipts', idNumbers, answer.results);
  }

  /** Art. 47: funeral grants and survivor pensions pension insurance paid for the person. */
  getFuneralGrants(idNumber: string, options?: CallOptions): Promise<FuneralGrants> {
    return this.http.call({
      operation: 'getFuneralGrants',
      method: 'POST',
      path: '/funeral-grants/query',
      body: { idNumber },
      response: funeralGrantsSchema,
      options,
    });
  }

  /** Art. 15: the employer's pension registration; null when it is not registered there. */
  getEmployerRegistration(uscc: string, options?: CallOptions): Promise<PensionEmployerRegistration | null> {
    return this.http.find({
      operation: 'getEmployerRegistration',
      method: 'GET',
      path: `/employers/${segment(uscc)}/registration`,
      response: pensionEmployerRegistrationSchema,
      options,
    });
  }

  /** Art. 15: pushes the employer's registration (idempotent by USCC: a repeat answers `duplicate: true`). */
  registerEmployer(
    request: PensionEmployerRegistrationRequest,
    options?: CallOptions,
  ): Promise<PensionEmployerRegistrationAnswer> {
    return this.http.call({
      operation: 'registerEmployer',
      method: 'POST',
      path: '/employer-registrations',
      body: request,
      response: pensionEmployerRegistrationAnswerSchema,
      options,
    });
  }

  /** Art. 15: a reviewed change or a deregistration told to the pension registration (once per notice ID). */
  updateEmployer(request: PensionEmployerUpdateRequest, options?: CallOptions): Promise<PensionEmployerUpdateAnswer> {
    return this.http.call({
      operation: 'updateEmployer',
      method: 'POST',
      path: '/employer-updates',
      body: request,
      response: pensionEmployerUpdateAnswerSchema,
      options,
    });
  }
}
