/** A comparison list's answer (integrations/batch.ts, Art. 42 比对查询): one result for each person asked, no one else. */
import { describe, expect, it } from 'vitest';
import { resultsByPerson } from '../../integrations/batch';
import { SourceError } from '../../integrations/errors';
import type { SourceHttpClient } from '../../integrations/http';

const http = {
  error: (operation: string, init: { kind: 'malformed'; code: string; detail?: string }) =>
    new SourceError({ source: 'pension', operation, ...init }),
} as unknown as SourceHttpClient;
const A = '210102198503151235';
const B = '210102199001011234';

describe('a comparison list answer (Art. 42)', () => {
  it('maps each person asked to their result, in any order', () => {
    const m = resultsByPerson(
      http,
      'getPensionReceipts',
      [A, B],
      [
        { idNumber: B, receivesPension: false },
        { idNumber: A, receivesPension: true },
      ],
    );
    expect(m.get(A)).toEqual({ idNumber: A, receivesPension: true });
    expect(m.get(B)?.receivesPension).toBe(false);
  });

  it('reads an answer that leaves someone out, names someone not asked, or answers twice as malformed', () => {
    const cases: [string[], { idNumber: string }[], string][] = [
      [[A, B], [{ idNumber: A }], 'missing_result'],
      [[A], [{ idNumber: A }, { idNumber: B }], 'unexpected_result'],
      [[A], [{ idNumber: A }, { idNumber: A }], 'unexpected_result'],
    ];
    for (const [asked, results, code] of cases) {
      let caught: unknown;
      try {
        resultsByPerson(http, 'getPensionReceipts', asked, results);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SourceError);
      expect(caught).toMatchObject({ kind: 'malformed', code });
    }
  });
});
