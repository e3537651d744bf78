import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyRate,
  formatRate,
  formatYuan,
  formatYuanCn,
  mulDiv,
  parseYuan,
  ROUNDING_RULE,
  sumFen,
  times,
  yuan,
} from '../../../domain/money';

describe('money in integer fen (Art. 38, 46, 49)', () => {
  it('computes 85% of 2230 yuan as 1895.50 yuan exactly (Art. 38)', () => {
    expect(applyRate(yuan(2230), 8500)).toBe(189550);
    expect(formatYuan(applyRate(yuan(2230), 8500))).toBe('1,895.50');
  });

  it('rounds half away from zero to the fen, the one declared rule (Art. 38)', () => {
    expect(ROUNDING_RULE.id).toBe('ROUND_HALF_UP_FEN');
    expect(applyRate(193001, 8500)).toBe(164051); // 164050.85
    expect(applyRate(1, 5000)).toBe(1); // 0.5 → 1
    expect(applyRate(3, 5000)).toBe(2); // 1.5 → 2
    expect(applyRate(1, 4999)).toBe(0); // 0.4999 → 0
    expect(applyRate(-3, 5000)).toBe(-2); // −1.5 → −2
    expect(mulDiv(10, 1, 3)).toBe(3);
    expect(mulDiv(20, 1, 3)).toBe(7);
  });

  it('stays exact beyond 2^53 intermediate products', () => {
    expect(mulDiv(9_000_000_000_000, 9999, 10_000)).toBe(8_999_100_000_000);
    expect(() => times(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(() => applyRate(1.5, 100)).toThrow(RangeError);
  });

  it('property: applyRate is within half a fen of the exact product and the identity at 100%', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 0, max: 10_000 }), (fen, bp) => {
        const r = applyRate(fen, bp);
        expect(Math.abs(r * 10_000 - fen * bp)).toBeLessThanOrEqual(5_000);
        expect(applyRate(fen, 10_000)).toBe(fen);
      }),
    );
  });

  it('formats and parses yuan', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(-123456789)).toBe('-1,234,567.89');
    expect(formatYuan(123456789, { grouping: false })).toBe('1234567.89');
    expect(formatYuanCn(189550)).toBe('1,895.50元');
    expect(parseYuan('1895.5')).toBe(189550);
    expect(parseYuan('2,230.00')).toBe(223000);
    expect(parseYuan('-3')).toBe(-300);
    expect(() => parseYuan('1.234')).toThrow(RangeError);
    expect(sumFen([1, 2, 3])).toBe(6);
    expect(formatRate(8500)).toBe('85%');
    expect(formatRate(350)).toBe('3.5%');
    expect(formatRate(55)).toBe('0.55%');
  });

  it('property: parseYuan inverts formatYuan', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(parseYuan(formatYuan(fen))).toBe(fen);
      }),
    );
  });
});
