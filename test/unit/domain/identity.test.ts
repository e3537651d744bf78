import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  residentIdSex,
  generateResidencePermitNumber,
  generateResidentId,
  generateUscc,
  IDENTITY_DOCUMENT_KINDS,
  isMainlandMobile,
  isValidResidentIdNumber,
  isValidUscc,
  luhnValid,
  maskIdNumber,
  maskTail,
  organizationCodeCheckChar,
  residentIdBirthDate,
  validateBankAccountNumber,
  validateIdentityDocument,
} from '../../../domain/identity';

const RESIDENT_ID_CHARS = '0123456789X';
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const residentIdSeed = fc.record({
  regionCode: fc.constantFrom('210102', '210203', '211402', '110105', '440305'),
  birthDate: fc
    .date({ min: new Date('1940-01-01'), max: new Date('2008-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  sequence: fc.integer({ min: 0, max: 499 }),
  sex: fc.constantFrom('male' as const, 'female' as const),
});

const usccSeed = fc.record({
  authority: fc.constantFrom('1', '5', '9', 'Y'),
  category: fc.constantFrom('1', '2', '3'),
  regionCode: fc.constantFrom('210100', '210200', '211400'),
  serial: fc.integer({ min: 0, max: 99_999_999 }),
});

/** Every string obtained by replacing one character with another of the alphabet. */
function corruptions(value: string, alphabet: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    for (const c of alphabet) if (c !== value[i]) out.push(value.slice(0, i) + c + value.slice(i + 1));
  }
  return out;
}

describe('identity numbers (Art. 16, 19, 96)', () => {
  it('keeps the existing validators: GB 11643, GB 32100, mobile, masking (Art. 19, 50)', () => {
    expect(isValidResidentIdNumber('11010519491231002X')).toBe(true);
    expect(isValidResidentIdNumber('110105194912310021')).toBe(false);
    expect(residentIdBirthDate('11010519491231002X')).toBe('1949-12-31');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isMainlandMobile('13800138000')).toBe(true);
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskTail('6222021234567890')).toBe('************7890');
  });

  it('property: every generated resident ID passes and every one-character corruption fails (Art. 96)', () => {
    fc.assert(
      fc.property(residentIdSeed, (seed) => {
        const id = generateResidentId(seed);
        expect(isValidResidentIdNumber(id)).toBe(true);
        expect(residentIdBirthDate(id)).toBe(seed.birthDate);
        expect(Number(id[16]) % 2).toBe(seed.sex === 'male' ? 1 : 0);
        expect(validateIdentityDocument('resident_id_card', id).valid).toBe(true);
        for (const bad of corruptions(id, RESIDENT_ID_CHARS)) expect(isValidResidentIdNumber(bad)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('property: every generated USCC passes and every one-character corruption fails (Art. 16)', () => {
    fc.assert(
      fc.property(usccSeed, (seed) => {
        const code = generateUscc(seed);
        expect(isValidUscc(code)).toBe(true);
        expect(organizationCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
        for (const bad of corruptions(code, USCC_CHARS)) expect(isValidUscc(bad)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('generates a known organization code check: 12345678 → 8 (GB 11714)', () => {
    // 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201; 201 mod 11 = 3; 11 − 3 = 8
    expect(organizationCodeCheckChar('12345678')).toBe('8');
  });

  it.each([
    ['resident_id_card', '11010519491231002X', true, undefined],
    ['resident_id_card', '11010519491231002x', true, undefined], // normalised to upper case
    ['resident_id_card', '110105194912310021', false, 'check_character'],
    ['resident_id_card', '110105194902300021', false, 'birth_date'],
    ['resident_id_card', '1101051949123100', false, 'format'],
    ['resident_id_card', generateResidencePermitNumber('hong_kong'), false, 'address_code'],
    ['social_security_card', '11010519491231002X', true, undefined],
    ['hk_macao_taiwan_residence_permit', generateResidencePermitNumber('hong_kong'), true, undefined],
    ['hk_macao_taiwan_residence_permit', generateResidencePermitNumber('taiwan', { sex: 'female' }), true, undefined],
    ['hk_macao_taiwan_residence_permit', '11010519491231002X', false, 'address_code'],
    ['foreign_permanent_residence_id', generateResidentId({ regionCode: '911840' }), true, undefined],
    ['foreign_permanent_residence_id', 'USA110075062801', true, undefined],
    ['foreign_permanent_residence_id', '11010519491231002X', false, 'address_code'],
    ['foreign_permanent_residence_id', 'US1110075062801', false, 'format'],
    ['chinese_passport', 'E12345678', true, undefined],
    ['chinese_passport', 'EF1260892', true, undefined],
    ['chinese_passport', 'EI1260892', false, 'format'],
    ['chinese_passport', 'G12345678', true, undefined],
    ['chinese_passport', 'DE1234567', true, undefined],
    ['chinese_passport', 'K12345678', true, undefined],
    ['chinese_passport', 'MA1234567', true, undefined],
    ['chinese_passport', 'X1234567', false, 'format'],
    ['foreign_passport', 'C01X00T47', true, undefined],
    ['foreign_passport', '123', false, 'format'],
    ['foreign_passport', 'AB-12345', false, 'format'],
  ] as const)('validates %s %s → %s (Art. 96)', (kind, number, valid, reason) => {
    const check = validateIdentityDocument(kind, number);
    expect(check.valid).toBe(valid);
    if (!check.valid) {
      expect(check.reason).toBe(reason);
      expect(check.message.length).toBeGreaterThan(0);
    }
  });

  it('covers every Art. 96 document kind', () => {
    expect(IDENTITY_DOCUMENT_KINDS).toHaveLength(6);
  });

  it('accepts bank accounts of 12–30 digits without requiring Luhn and reports Luhn (Art. 16, 39)', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(validateBankAccountNumber('6222 0212 3456 7890 128')).toEqual({
      valid: true,
      number: '6222021234567890128',
      luhnValid: luhnValid('6222021234567890128'),
    });
    const corporate = validateBankAccountNumber('210100000000123456789'); // settlement account, no Luhn
    expect(corporate.valid).toBe(true);
    expect(validateBankAccountNumber('12345678901')).toMatchObject({ valid: false, reason: 'length' });
    expect(validateBankAccountNumber('1'.repeat(31))).toMatchObject({ valid: false, reason: 'length' });
    expect(validateBankAccountNumber('6222O21234567890')).toMatchObject({ valid: false, reason: 'format' });
  });

  it('refuses generator seeds that cannot give a valid number', () => {
    expect(() => generateResidentId({ birthDate: '1990-02-30' })).toThrow(RangeError);
    expect(() => generateResidentId({ sequence: 500 })).toThrow(RangeError);
    expect(() => generateUscc({ serial: 'ABCDEFGI' })).toThrow(RangeError);
  });
});

describe('sex from a GB 11643 number (Art. 46: the childbirth subsidy is for women)', () => {
  it('reads the 17th digit: odd for men, even for women; nothing from another form', () => {
    expect(residentIdSex(generateResidentId({ sex: 'female' }))).toBe('female');
    expect(residentIdSex(generateResidentId({ sex: 'male' }))).toBe('male');
    expect(residentIdSex('E12345678')).toBeNull();
  });
});
