/** Work-injury insurance (工伤保险): funeral grants and survivor pensions already paid (Art. 47). */
import type { CallOptions, SourceHttpClient } from './http';
import { funeralGrantsSchema } from './pension';
import type { FuneralGrants } from './pension';

export class InjuryClient {
  constructor(private readonly http: SourceHttpClient) {}

  /** Art. 47: funeral grants and survivor pensions work-injury insurance paid for the person. */
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
}
