/**
 * Employment service (就业服务/失业登记): new employment, a stop condition (Art. 42), and the unemployment
 * registration the agency pushes for every beneficiary (Art. 40). Registration is idempotent by request ID.
 */
import { z } from 'zod';
import { resultsByPerson } from './batch';
import type { CallOptions, SourceHttpClient } from './http';
import {
  dateSchema,
  divisionCodeSchema,
  idempotencyKeySchema,
  personNameSchema,
  residentIdNumberSchema,
} from './schemas';

export const employmentStatusSchema = z.object({
  employed: z.boolean(),
  /** Start of the current employment (re-employment date after a separation); null when not employed. */
  startDate: dateSchema.nullable(),
  employerName: z.string().nullable(),
  employerUscc: z.string().nullable(),
});
export type EmploymentStatus = z.infer<typeof employmentStatusSchema>;
export const employmentStatusesSchema = z.object({
  results: z.array(employmentStatusSchema.extend({ idNumber: z.string() })),
});
export type EmploymentStatuses = z.infer<typeof employmentStatusesSchema>;

export const unemploymentRegistrationRequestSchema = z.object({
  requestId: idempotencyKeySchema,
  idNumber: residentIdNumberSchema,
  name: personNameSchema,
  agencyDivisionCode: divisionCodeSchema,
  benefitStartDate: dateSchema,
  benefitEndDate: dateSchema,
});
export type UnemploymentRegistrationRequest = z.infer<typeof unemploymentRegistrationRequestSchema>;

export const unemploymentRegistrationSchema = z.object({
  requestId: z.string(),
  registrationNumber: z.string(),
  status: z.literal('registered'),
  duplicate: z.boolean(),
});
export type UnemploymentRegistration = z.infer<typeof unemploymentRegistrationSchema>;

export class EmploymentClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 42: is the person employed again, and since when. */
  getEmploymentStatus(idNumber: string, options?: CallOptions): Promise<EmploymentStatus> {
    return this.http.call({
      operation: 'getEmploymentStatus',
      method: 'POST',
      path: '/employment-status/query',
      body: { idNumber },
      response: employmentStatusSchema,
      options,
    });
  }

  /** Art. 42: the same for a comparison list of up to 500 people (比对查询), one result each. */
  async getEmploymentStatuses(idNumbers: string[], options?: CallOptions): Promise<Map<string, EmploymentStatus>> {
    const answer = await this.http.call({
      operation: 'getEmploymentStatuses',
      method: 'POST',
      path: '/employment-status/batch-query',
      body: { idNumbers },
      response: employmentStatusesSchema,
      options,
    });
    return resultsByPerson(this.http, 'getEmploymentStatuses', idNumbers, answer.results);
  }

  /** Art. 40: push a beneficiary to the unemployment-registration office of the paying locality. */
  registerUnemployment(
    request: UnemploymentRegistrationRequest,
    options?: CallOptions,
  ): Promise<UnemploymentRegistration> {
    return this.http.call({
      operation: 'registerUnemployment',
      method: 'POST',
      path: '/unemployment-registrations',
      body: request,
      response: unemploymentRegistrationSchema,
      options,
    });
  }
}
