/**
 * A text field whose rule is "at least N characters written" (the value is trimmed before it is kept): stated in the
 * OpenAPI document as a pattern, so that what the document calls valid the API accepts. `minLength` alone would let
 * "y " or "\n" through the document and have the API refuse them after trimming.
 *
 * The whitespace is spelled out (what String.prototype.trim removes) rather than `\s`: the document's readers
 * (schemathesis's Python, any client's engine) disagree on `\s` at the edges (U+FEFF).
 */
const WS = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** A pattern (unanchored) matched by a string that has at least `n` characters left once trimmed. */
export function writtenAtLeast(n: number): RegExp {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  return n === 1 ? new RegExp(`[^${WS}]`) : new RegExp(`[^${WS}][\\s\\S]{${n - 2},}[^${WS}]`);
}
