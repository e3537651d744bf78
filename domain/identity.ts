/**
 * Identity and account validators (Art. 16, 19, 96) and the masking used on public notices (Art. 50) and in logs.
 * Pure functions: used by the API's zod schemas, the simulators and the calculators alike.
 */

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK = '10X98765432';

/** GB 11643-1999 check character for the first 17 digits of an 18-digit citizen identity number. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK[sum % 11]!;
}

/** Birth date (YYYY-MM-DD) encoded in an 18-digit identity number, or null when it is not a real calendar date. */
export function residentIdBirthDate(id: string): string | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return null;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** Sex from a GB 11643 number (the 17th digit is odd for men); null when `id` is not of that form. */
export function residentIdSex(id: string): 'male' | 'female' | null {
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}

/**
 * 18-digit number of the form used by the resident identity card (GB 11643-1999), and since then by the social
 * security card, the residence permits of Hong Kong, Macao and Taiwan residents and the foreigner's permanent
 * residence ID card: 17 digits, a valid birth date, and the check character.
 */
export function isValidResidentIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (residentIdBirthDate(id) === null) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id[17];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** GB 32100-2015 check character for the first 17 characters of a unified social credit code. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARS[(31 - (sum % 31)) % 31]!;
}

/** Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, check character last. */
export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}

/** Mainland mobile number (11 digits, 1[3-9]...): the number SMS notices go to (Art. 38, 42). */
export const MAINLAND_MOBILE_PATTERN = /^1[3-9]\d{9}$/;
export function isMainlandMobile(phone: string): boolean {
  return MAINLAND_MOBILE_PATTERN.test(phone);
}

/** Identity number masked for public notices and logs (Art. 50 身份证号码隐蔽部分数字): first 6 and last 4 kept. */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return id.slice(0, 2) + '*'.repeat(Math.max(0, id.length - 2));
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** Phone or account number masked to its last 4 characters. */
export function maskTail(value: string, keep = 4): string {
  return '*'.repeat(Math.max(0, value.length - keep)) + value.slice(-keep);
}

// ---------------------------------------------------------------------------------------------------------------------
// Identity documents of Art. 96: 居民身份证、社会保障卡、港澳台居民居住证、外国人居留证、中华人民共和国护照、外国人护照.
// Checks are by format (and check character where the number has one); whether a document exists and is valid is
// checked against shared data elsewhere.

export const IDENTITY_DOCUMENT_KINDS = [
  'resident_id_card', // 居民身份证: GB 11643 number
  'social_security_card', // 社会保障卡: the social security number is the citizen identity number (GB 11643)
  'hk_macao_taiwan_residence_permit', // 港澳台居民居住证: GB 11643 number with address code 810000 / 820000 / 830000
  'foreign_permanent_residence_id', // 外国人永久居留身份证 (外国人居留证): 2023 version 18 digits starting with 9; 2017 version 3 letters + 12 digits
  'chinese_passport', // 中华人民共和国护照 (ordinary, official, diplomatic, HKSAR, MSAR)
  'foreign_passport', // 外国人护照: ICAO 9303 document number
] as const;
export type IdentityDocumentKind = (typeof IDENTITY_DOCUMENT_KINDS)[number];

export const IDENTITY_DOCUMENT_LABELS: Record<IdentityDocumentKind, string> = {
  resident_id_card: '居民身份证',
  social_security_card: '社会保障卡',
  hk_macao_taiwan_residence_permit: '港澳台居民居住证',
  foreign_permanent_residence_id: '外国人永久居留身份证',
  chinese_passport: '中华人民共和国护照',
  foreign_passport: '外国人护照',
};

export type IdentityDocumentProblem = 'format' | 'birth_date' | 'check_character' | 'address_code';

export type IdentityDocumentCheck =
  | { valid: true; kind: IdentityDocumentKind; number: string }
  | { valid: false; kind: IdentityDocumentKind; number: string; reason: IdentityDocumentProblem; message: string };

const PROBLEM_MESSAGES: Record<IdentityDocumentProblem, string> = {
  format: '证件号码格式不正确',
  birth_date: '证件号码中的出生日期不是有效日期',
  check_character: '证件号码校验位不正确',
  address_code: '证件号码的地址码与证件类型不符',
};

/** Check of an 18-character GB 11643 number: format, birth date, check character. */
function checkGb11643(id: string): IdentityDocumentProblem | null {
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  if (residentIdBirthDate(id) === null) return 'birth_date';
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return 'check_character';
  return null;
}

/** Address codes of the residence permits of Hong Kong, Macao and Taiwan residents. */
const HMT_ADDRESS_CODES = ['810000', '820000', '830000'];

/**
 * Chinese passport numbers: E + 8 digits, E + letter (not I, O) + 7 digits (e-passports from 2017), G + 8 digits and
 * 14/15 + 7 digits (older ordinary), PE/SE/DE + 7 digits, P/D + 7 digits, S + 7 or 8 digits (official, service,
 * diplomatic), K + 8 digits (HKSAR), MA + 7 digits (MSAR).
 */
export const CHINESE_PASSPORT =
  /^(?:E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}|1[45]\d{7}|[PSD]E\d{7}|[PD]\d{7}|S\d{7,8}|K\d{8}|MA\d{7})$/;

function problemOf(kind: IdentityDocumentKind, n: string): IdentityDocumentProblem | null {
  switch (kind) {
    case 'resident_id_card':
    case 'social_security_card': {
      const problem = checkGb11643(n);
      if (problem) return problem;
      return /^[1-8]/.test(n) && !HMT_ADDRESS_CODES.includes(n.slice(0, 6)) ? null : 'address_code';
    }
    case 'hk_macao_taiwan_residence_permit': {
      const problem = checkGb11643(n);
      if (problem) return problem;
      return HMT_ADDRESS_CODES.includes(n.slice(0, 6)) ? null : 'address_code';
    }
    case 'foreign_permanent_residence_id': {
      if (/^[A-Z]{3}\d{12}$/.test(n)) return null; // 2017 version: nationality letters + 12 digits, no check character
      if (!/^9/.test(n)) return /^\d{17}[\dX]$/.test(n) ? 'address_code' : 'format';
      return checkGb11643(n); // 2023 version: 9 + province + nationality, birth date, order, MOD 11-2 check
    }
    case 'chinese_passport':
      return CHINESE_PASSPORT.test(n) ? null : 'format';
    case 'foreign_passport':
      // ICAO 9303: the document number is up to 9 characters in the MRZ, longer numbers continue in the optional
      // data; letters and digits only. Its check digit is in the MRZ, not part of the number.
      return /^[A-Z0-9]{5,17}$/.test(n) ? null : 'format';
  }
}

/** Normalised form of a document number as typed: spaces removed, letters upper-cased. */
export function normalizeDocumentNumber(number: string): string {
  return number.replace(/\s+/g, '').toUpperCase();
}

/** Validate a document number of an Art. 96 kind by format; the reason says what is wrong. */
export function validateIdentityDocument(kind: IdentityDocumentKind, number: string): IdentityDocumentCheck {
  const n = normalizeDocumentNumber(number);
  const reason = problemOf(kind, n);
  if (reason === null) return { valid: true, kind, number: n };
  return {
    valid: false,
    kind,
    number: n,
    reason,
    message: `${IDENTITY_DOCUMENT_LABELS[kind]}：${PROBLEM_MESSAGES[reason]}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Bank accounts (Art. 16 单位银行账号; Art. 39 社会保障卡或银行账户)

export type BankAccountCheck =
  | { valid: true; number: string; luhnValid: boolean }
  | { valid: false; number: string; reason: 'format' | 'length'; message: string };

/** Luhn (mod 10) check, reported for information only. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Bank card or account number: digits only (spaces and hyphens as typed are removed), 12 to 30 digits. Luhn is NOT
 * required: UnionPay debit cards usually pass it, but corporate settlement accounts and many passbook accounts do not
 * use it. `luhnValid` is reported so a form can warn, never to refuse.
 */
export function validateBankAccountNumber(number: string): BankAccountCheck {
  const n = number.replace(/[\s-]+/g, '');
  if (!/^\d+$/.test(n)) return { valid: false, number: n, reason: 'format', message: '银行账号只能包含数字' };
  if (n.length < 12 || n.length > 30) {
    return { valid: false, number: n, reason: 'length', message: '银行账号应为12至30位数字' };
  }
  return { valid: true, number: n, luhnValid: luhnValid(n) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Generators for tests and simulators: deterministic valid numbers from their parts.

/** Parts of a GB 11643 number. */
export interface ResidentIdSeed {
  /** 6-digit address code (default 210102, 沈阳市和平区). */
  regionCode?: string;
  /** Birth date YYYY-MM-DD (default 1990-01-01). */
  birthDate?: string;
  /** 0–499: with `sex` gives the 3-digit order code (odd for men, even for women). */
  sequence?: number;
  sex?: 'male' | 'female';
}

/** A valid 18-digit citizen identity number (GB 11643-1999) from its parts. */
export function generateResidentId(seed: ResidentIdSeed = {}): string {
  const region = seed.regionCode ?? '210102';
  const birth = seed.birthDate ?? '1990-01-01';
  const sequence = seed.sequence ?? 0;
  if (!/^\d{6}$/.test(region)) throw new RangeError(`regionCode must be 6 digits: ${region}`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 499) throw new RangeError('sequence must be 0–499');
  const order = sequence * 2 + ((seed.sex ?? 'male') === 'male' ? 1 : 0);
  const first17 = `${region}${birth.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  if (!/^\d{17}$/.test(first17) || residentIdBirthDate(`${first17}0`) === null) {
    throw new RangeError(`birthDate must be a real date YYYY-MM-DD: ${birth}`);
  }
  return first17 + residentIdCheckChar(first17);
}

/** A valid residence permit number of a Hong Kong, Macao or Taiwan resident. */
export function generateResidencePermitNumber(
  region: 'hong_kong' | 'macao' | 'taiwan',
  seed: Omit<ResidentIdSeed, 'regionCode'> = {},
): string {
  const regionCode = { hong_kong: '810000', macao: '820000', taiwan: '830000' }[region];
  return generateResidentId({ ...seed, regionCode });
}

const ORG_CODE_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714-1997 check character of an 8-character organization code body. */
export function organizationCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_CODE_CHARS.indexOf(body8[i]!) * ORG_CODE_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export interface UsccSeed {
  /** Registration authority code (default '9', market regulation). */
  authority?: string;
  /** Organisation category within the authority (default '1', enterprise). */
  category?: string;
  /** 6-digit division code of the registration authority (default '210100'). */
  regionCode?: string;
  /** Serial (0–99 999 999) or an 8-character organization code body (digits and capital letters). */
  serial?: number | string;
}

/** A valid unified social credit code (GB 32100-2015) whose organization code part has a valid GB 11714 check. */
export function generateUscc(seed: UsccSeed = {}): string {
  const authority = seed.authority ?? '9';
  const category = seed.category ?? '1';
  const region = seed.regionCode ?? '210100';
  const serial = seed.serial ?? 1;
  const body = typeof serial === 'number' ? String(serial).padStart(8, '0') : serial;
  if (typeof serial === 'number' && (!Number.isInteger(serial) || serial < 0 || serial > 99_999_999)) {
    throw new RangeError('serial must be 0–99999999');
  }
  if (!/^[0-9A-Z]{8}$/.test(body)) throw new RangeError(`organization code body must be 8 characters: ${body}`);
  if (!/^\d{6}$/.test(region)) throw new RangeError(`regionCode must be 6 digits: ${region}`);
  const first17 = `${authority}${category}${region}${body}${organizationCodeCheckChar(body)}`;
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}$/.test(first17)) {
    throw new RangeError(`not a valid USCC body (letters I, O, S, V, Z are not used): ${first17}`);
  }
  return first17 + usccCheckChar(first17);
}
