/** Civil affairs (民政): deaths, checked before each monthly payment (Art. 42) and for survivors' claims (Art. 47). */
import { z } from 'zod';
import type { CallOptions, SourceHttpClient } from './http';
import { dateSchema } from './schemas';

export const deathRecordSchema = z.object({ deceased: z.boolean(), dateOfDeath: dateSchema.nullable() });
export type DeathRecord = z.infer<typeof deathRecordSchema>;

export class CivilAffairsClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 42, 47: the date of death, or `{ deceased: false, dateOfDeath: null }`. */
  getDeath(idNumber: string, options?: CallOptions): Promise<DeathRecord> {
    return this.http.call({
      operation: 'getDeath',
      method: 'POST',
      path: '/deaths/query',
      body: { idNumber },
      response: deathRecordSchema,
      options,
    });
  }
}
