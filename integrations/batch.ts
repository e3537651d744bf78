/**
 * Comparison lists (比对查询, Art. 42): a source answers many people in one call, one result each. The answer must
 * hold exactly one result for every person asked and no one else: anything else is an answer that cannot be read.
 */
import type { SourceHttpClient } from './http';

/** The results of a list answer, one per person asked, by identity number. */
export function resultsByPerson<T extends { idNumber: string }>(
  http: SourceHttpClient,
  operation: string,
  asked: readonly string[],
  results: T[],
): Map<string, T> {
  const byPerson = new Map<string, T>();
  const wanted = new Set(asked);
  for (const r of results) {
    if (!wanted.has(r.idNumber) || byPerson.has(r.idNumber)) {
      throw http.error(operation, {
        kind: 'malformed',
        code: 'unexpected_result',
        detail: 'a result for a person not asked, or twice',
      });
    }
    byPerson.set(r.idNumber, r);
  }
  if (byPerson.size !== wanted.size) {
    throw http.error(operation, {
      kind: 'malformed',
      code: 'missing_result',
      detail: `${wanted.size - byPerson.size} of ${wanted.size} people not answered`,
    });
  }
  return byPerson;
}
