/**
 * The market registry (市场主体登记, 信用信息): the employer's credit status, one of the job-retention checks (Art. 49), and
 * the changes of its registration items (Art. 17).
 */
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

/**
 * Art. 17: a change of a registration item in the market registry (市场主体登记): name, address or legal representative,
 * the day it took effect and the new value. The daily comparison reminds an employer that has not declared it within
 * 30 days.
 */
export const marketChangeSchema = z.object({
  changeId: z.string(),
  item: z.enum(['name', 'address', 'legal_representative']),
  changedOn: dateSchema,
  after: z.string(),
});
export type MarketChange = z.infer<typeof marketChangeSchema>;
export const marketChangesSchema = z.object({ uscc: z.string(), changes: z.array(marketChangeSchema) });
export type MarketChanges = z.infer<typeof marketChangesSchema>;

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

  /** Art. 17: the market registry's changes of an employer's registration items; null when it does not know the code. */
  getMarketChanges(uscc: string, options?: CallOptions): Promise<MarketChanges | null> {
    return this.http.find({
      operation: 'getMarketChanges',
      method: 'GET',
      path: `/employers/${segment(uscc)}/changes`,
      response: marketChangesSchema,
      options,
    });
  }
}
