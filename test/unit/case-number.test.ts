import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CASE_NUMBER_PATTERN, formatCaseNumber, isCaseNumber, serialFromBytes } from '../../domain/case-number';

describe('case numbers (Art. 86: 年度-类别-案件流水号)', () => {
  it('formats type, year, agency and a 10-character serial', () => {
    const serial = serialFromBytes(new Uint8Array([0, 0, 0, 0, 0, 0, 0]));
    expect(serial).toBe('0000000000');
    expect(formatCaseNumber('benefit_claim', 2026, '210100', serial)).toBe('SYJ-2026-210100-0000000000');
    expect(serialFromBytes(new Uint8Array([255, 255, 255, 255, 255, 255, 255]))).toBe('ZZZZZZZZZZ');
  });

  it('draws serials from Crockford base 32 (no I, L, O, U), the same bytes giving the same serial', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 7, maxLength: 32 }), (bytes) => {
        const serial = serialFromBytes(bytes);
        expect(serial).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
        expect(serialFromBytes(Uint8Array.from(bytes))).toBe(serial);
        expect(isCaseNumber(formatCaseNumber('benefit_claim', 2026, '211400', serial))).toBe(true);
      }),
    );
  });

  it('recognises only well-formed case numbers', () => {
    expect(CASE_NUMBER_PATTERN.test('SYJ-2026-210100-7K3M9Q2XHD')).toBe(true);
    for (const bad of [
      'SYJ-2026-210100-7K3M9Q2XH',
      'SYJ-2026-21010-7K3M9Q2XHD',
      'syj-2026-210100-7K3M9Q2XHD',
      'SYJ-2026-210100-7K3M9Q2XHI',
      '210102198503151235',
    ]) {
      expect(isCaseNumber(bad)).toBe(false);
    }
  });
});
