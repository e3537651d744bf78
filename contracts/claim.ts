/**
 * The contract of a benefit claim (Art. 35-41) between the API, the workflow and the activities: its input, status,
 * messages and search attributes. Workflow-safe: definitions only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IdentityDocumentKind } from '../domain/identity';
import type { SeparationReason } from '../domain/separation';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from './search-attributes';

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

/**
 * What the workflow is given: the case number and what routes it, never the person's data. POST /claims writes the
 * application to the read model first (lib/claim-received.ts); the activities read what they need from there.
 */
export interface BenefitClaimInput {
  caseNumber: string;
  /** When the agency received the application (ISO instant): the API's clock, recorded once in history. */
  receivedAt: string;
  /** The paying locality's agency (Art. 36, 39). */
  agencyCode: string;
  /** Art. 35: online, window or kiosk (a window claim has the intake clerk check the originals, Art. 14). */
  channel: ClaimChannel;
}

/** The search attributes a claim's workflow starts with (no personal data). */
export function claimSearchAttributes(agencyCode: string) {
  return [
    { key: CASE_TYPE, value: 'benefit_claim' },
    { key: AGENCY_CODE, value: agencyCode },
    { key: CASE_STATUS, value: 'awaiting_acceptance' },
  ] as const;
}

export type FiledBy = { kind: 'applicant' } | { kind: 'channel' | 'clerk'; username: string };

export type ClaimStatus =
  | 'received'
  | 'awaiting_acceptance'
  | 'awaiting_materials'
  | 'awaiting_arrears'
  | 'awaiting_review'
  | 'awaiting_second_review'
  | 'awaiting_approval'
  | 'approved'
  | 'refused'
  | 'closed'
  | 'cancelled';

export const claimStatus = defineQuery<ClaimStatus>('claimStatus');
/** Art. 37: the materials asked for, supplied (every case type's, contracts/case.ts). */
export { supplyMaterials } from './case';
/** Art. 41: 《个人放弃补缴失业保险欠费承诺书》 signed: the months in arrears will not count. */
export const waiveArrears = defineUpdate<{ waivedMonths: string[] }, [{ by: string }]>('waiveArrears');

/**
 * Art. 26, 41: a back payment covering the person's months in arrears was paid in full and posted to the original
 * months (sent by the back payment's workflow, BJF-…): the claim waiting on arrears determines again now, rather than
 * at its next daily look.
 */
export const arrearsBackPaid = defineSignal<[{ backPaymentCaseNumber: string }]>('arrearsBackPaid');

/** The claim's workflow as the client starts it by name (`benefitClaim`). */
export type BenefitClaimWorkflow = (input: BenefitClaimInput) => Promise<ClaimStatus>;
