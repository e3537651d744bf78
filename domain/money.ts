/**
 * Money: integer fen (分) in JavaScript numbers, always safe integers. No floating-point amounts anywhere.
 *
 * Rates are integers in basis points (1 bp = 0.01 %; 85 % = 8500 bp), so a product amount × rate is an exact integer
 * and only the division by 10 000 needs rounding.
 *
 * ONE rounding rule, declared here and named in every explanation that rounds: ROUND_HALF_UP_FEN — a product or
 * quotient is rounded to the fen, halves away from zero (四舍五入到分). That is how amounts of 失业保险金 and the other
 * benefits are stated (元, two decimals) in agencies' notices; the 规程 itself names no rule. Every calculation rounds
 * once, at the step that produces an amount; sums of rounded amounts are exact.
 */

/** Integer amount in fen. */
export type Fen = number;

/** The rounding rule, as named in explanations. */
export const ROUNDING_RULE = {
  id: 'ROUND_HALF_UP_FEN',
  text: '四舍五入到分 (round half away from zero to the fen)',
} as const;

/** Basis points in one whole (100 %). */
export const BASIS_POINTS = 10_000;

/** Throws unless `value` is a safe integer amount of fen. */
export function assertFen(value: number, what = 'amount'): asserts value is Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer of fen, got ${value}`);
}

/**
 * amount × multiplier ÷ divisor rounded per ROUNDING_RULE, exact for all safe-integer inputs (BigInt inside when
 * the product would leave the safe range).
 */
export function mulDiv(amount: Fen, multiplier: number, divisor: number): Fen {
  assertFen(amount);
  if (!Number.isSafeInteger(multiplier)) throw new RangeError(`multiplier must be an integer, got ${multiplier}`);
  if (!Number.isSafeInteger(divisor) || divisor <= 0) throw new RangeError(`divisor must be a positive integer`);
  const product = BigInt(amount) * BigInt(multiplier);
  const d = BigInt(divisor);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  let q = abs / d;
  if ((abs % d) * 2n >= d) q += 1n; // half away from zero
  const result = Number(negative ? -q : q);
  assertFen(result, 'result');
  return result;
}

/** amount × rate (basis points), rounded per ROUNDING_RULE. 223000 fen × 8500 bp = 189550 fen. */
export function applyRate(amount: Fen, rateBp: number): Fen {
  return mulDiv(amount, rateBp, BASIS_POINTS);
}

/** amount × an integer count (months, persons): exact, no rounding. */
export function times(amount: Fen, count: number): Fen {
  assertFen(amount);
  if (!Number.isSafeInteger(count)) throw new RangeError(`count must be an integer, got ${count}`);
  const result = amount * count;
  assertFen(result, 'result');
  return result;
}

/** Sum of amounts: exact. */
export function sumFen(amounts: readonly Fen[]): Fen {
  let total = 0;
  for (const a of amounts) {
    assertFen(a);
    total += a;
  }
  assertFen(total, 'sum');
  return total;
}

/** Whole yuan to fen. */
export function yuan(amount: number): Fen {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`yuan(): whole yuan expected, got ${amount}`);
  return times(100, amount);
}

/** Parse a yuan amount written as a decimal string ('1895.5', '-3', '2,230.00') to fen; more than 2 decimals refused. */
export function parseYuan(text: string): Fen {
  const m = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a yuan amount: ${JSON.stringify(text)}`);
  const whole = Number(m[2]!.replaceAll(',', ''));
  const cents = Number((m[3] ?? '').padEnd(2, '0'));
  const value = whole * 100 + cents;
  assertFen(value);
  return m[1] ? -value : value;
}

/** Fen as a yuan string with two decimals and thousands separators: 189550 → '1,895.50'. */
export function formatYuan(amount: Fen, options: { grouping?: boolean } = {}): string {
  assertFen(amount);
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const wholeText = options.grouping === false ? String(whole) : whole.toLocaleString('en-US');
  return `${amount < 0 ? '-' : ''}${wholeText}.${cents}`;
}

/** Fen for display to people: 189550 → '1,895.50元'. */
export function formatYuanCn(amount: Fen): string {
  return `${formatYuan(amount)}元`;
}

/** A rate in basis points as a percentage string: 8500 → '85%', 350 → '3.5%'. */
export function formatRate(rateBp: number): string {
  if (!Number.isSafeInteger(rateBp)) throw new RangeError(`rate must be integer basis points, got ${rateBp}`);
  const sign = rateBp < 0 ? '-' : '';
  const abs = Math.abs(rateBp);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}%`;
}
