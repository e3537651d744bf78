/** Credit information (信用信息): the employer's credit status, one of the job-retention checks (Art. 49). */
import { z } from 'zod';
import type { CallOptions, SourceHttpClient } from './http';
import { segment } from './http';
import { dateSchema } from './schemas';

/** good; abnormal: 经营异常名录; seriously_dishonest: 严重失信主体名单. */
export const creditStatusSchema = z.enum(['good', 'abnormal', 'seriously_dishonest']);
export type CreditStatus = z.infer<typeof creditStatusSchema>;

export const employerCreditSchema = z.object({
  uscc: z.string(),
  status: creditStatusSchema,
  listedDate: dateSchema.nullable(),
});
export type EmployerCredit = z.infer<typeof employerCreditSchema>;

export class CreditClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 49 单位信用状况; null when the registry does not know the code. */
  getEmployerCredit(uscc: string, options?: CallOptions): Promise<EmployerCredit | null> {
    return this.http.find({
      operation: 'getEmployerCredit',
      method: 'GET',
      path: `/employers/${segment(uscc)}`,
      response: employerCreditSchema,
      options,
    });
  }
}
