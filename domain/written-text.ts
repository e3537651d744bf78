import { z } from 'zod';

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

/**
 * The usual such field: a string of `min` to `max` characters once trimmed, kept trimmed, refused with `error` (the
 * 规程's words) when fewer are written. The pattern comes first and aborts, so the message is the same however the
 * rule is missed.
 */
export function writtenText(min: number, max: number, error: string) {
  return z.string().regex(writtenAtLeast(min), { error, abort: true }).trim().min(min, error).max(max);
}
