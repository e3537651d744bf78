import { residentIdCheckChar, usccCheckChar } from '../../domain/identity';
import type { ClaimRequest } from '../../api/claims/schema';

/** A valid 18-digit resident ID number for a person born on `birth` (YYYYMMDD) in division `area`. */
export function residentId(area = '210102', birth = '19850315', seq = '123'): string {
  const first17 = `${area}${birth}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

export function uscc(body = '91210100MA0XYP12A'): string {
  return body + usccCheckChar(body);
}

/** A valid claim (Art. 34-36); `overrides` replaces top-level parts. */
export function claimBody(overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    channel: 'online',
    applicant: { idType: 'resident_id_card', idNumber: residentId(), name: '张三', phone: '13812345678' },
    employer: { uscc: uscc(), name: '沈阳某机械有限公司' },
    separation: { date: '2026-10-31', reason: 'contract_expired' },
    payingLocality: { basis: 'last_insured', agencyCode: '210100' },
    payment: { method: 'social_security_card', accountNumber: '6214830012055678' },
    ...overrides,
  };
}
