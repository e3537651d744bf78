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
export function isMainlandMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone);
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
