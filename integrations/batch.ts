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
  return resultsByKey(http, operation, asked, results, (r) => r.idNumber);
}

/** The results of a list answer, one per item asked (a person, a payment ID), by `keyOf`. */
export function resultsByKey<T>(
  http: SourceHttpClient,
  operation: string,
  asked: readonly string[],
  results: T[],
  keyOf: (result: T) => string,
): Map<string, T> {
  const byPerson = new Map<string, T>();
  const wanted = new Set(asked);
  for (const result of results) {
    const key = keyOf(result);
    if (!wanted.has(key) || byPerson.has(key)) {
      throw http.error(operation, {
        kind: 'malformed',
        code: 'unexpected_result',
        detail: 'a result for an item not asked, or twice',
      });
    }
    byPerson.set(key, result);
  }
  if (byPerson.size !== wanted.size) {
    throw http.error(operation, {
      kind: 'malformed',
      code: 'missing_result',
      detail: `${wanted.size - byPerson.size} of ${wanted.size} items not answered`,
    });
  }
  return byPerson;
}
