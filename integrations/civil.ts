/** Civil affairs (民政): deaths, checked before each monthly payment (Art. 42) and for survivors' claims (Art. 47). */
import { z } from 'zod';
import { resultsByPerson } from './batch';
import type { CallOptions, SourceHttpClient } from './http';
import { dateSchema } from './schemas';

export const deathRecordSchema = z.object({ deceased: z.boolean(), dateOfDeath: dateSchema.nullable() });
export type DeathRecord = z.infer<typeof deathRecordSchema>;
export const deathRecordsSchema = z.object({ results: z.array(deathRecordSchema.extend({ idNumber: z.string() })) });
export type DeathRecords = z.infer<typeof deathRecordsSchema>;

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

  /** Art. 42: deaths for a comparison list of up to 500 people (比对查询), one result each. */
  async getDeaths(idNumbers: string[], options?: CallOptions): Promise<Map<string, DeathRecord>> {
    const answer = await this.http.call({
      operation: 'getDeaths',
      method: 'POST',
      path: '/deaths/batch-query',
      body: { idNumbers },
      response: deathRecordsSchema,
      options,
    });
    return resultsByPerson(this.http, 'getDeaths', idNumbers, answer.results);
  }
}
