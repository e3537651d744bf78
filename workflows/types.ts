/**
 * Payload types shared by the API, workflows and activities. Workflow-safe (types only).
 */
import type { IdentityDocumentKind } from '../domain/identity';
import type { SeparationReason } from '../domain/separation';

/** Art. 35: online (网上服务平台/手机APP), service window (经办窗口) or self-service kiosk (自助终端). */
export type ClaimChannel = 'online' | 'window' | 'kiosk';

/** Art. 96: the identity documents the 规程 accepts. */
export type IdType = IdentityDocumentKind;

/** Why employment ended (Art. 34: only a separation not by the person's own will qualifies). */
export type { SeparationReason };

export interface ClaimApplication {
  channel: ClaimChannel;
  applicant: { idType: IdType; idNumber: string; name: string; phone: string };
  employer: { uscc: string; name: string };
  separation: { date: string; reason: SeparationReason };
  /** Art. 35: the last insured locality or the hukou locality; the agency is that city's (Art. 39). */
  payingLocality: { basis: 'last_insured' | 'hukou'; agencyCode: string };
  /** Art. 39: the social security card first, else a bank account. */
  payment: { method: 'social_security_card' | 'bank_account'; bankName?: string; accountNumber: string };
}
