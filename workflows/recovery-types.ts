/**
 * Payload types of the objection and recovery cases (Art. 13, 43), shared by the API, workflows and activities.
 * Workflow-safe (types and pure helpers only).
 */

import type { ObjectionSubject } from '../domain/objection-forms';

/** Art. 13: what a person or employer may object to (domain/objection-forms.ts). */
export { OBJECTION_SUBJECTS, type ObjectionSubject } from '../domain/objection-forms';

/** Art. 14: the evidence, as metadata of the materials received (the files stay in the archive). */
export interface EvidenceItem {
  kind: string;
  title: string;
  pages?: number;
  receivedOn?: string;
}

export interface ObjectionInput {
  /** The objection's own case number (FHJ-…), also its workflow ID. */
  caseNumber: string;
  /** The case whose decision is objected to. */
  originalCaseNumber: string;
  /** Its case type (absent in objections filed before every case type could be objected to: a benefit claim). */
  caseType?: string;
  /** The agency that made the decision: it concludes (Art. 13). */
  agencyCode: string;
  subject: ObjectionSubject;
  objector: 'person' | 'employer';
  grounds: string;
  evidence: EvidenceItem[];
  /** When the agency received the objection (ISO instant, the API's clock). */
  filedAt: string;
  filedBy: string;
}

/** in_correction: a record correction the conclusion asks for awaits its second and third level (Art. 28). */
export type ObjectionStatus = 'received' | 'under_review' | 'in_correction' | 'upheld' | 'corrected';

export const DELIVERY_METHODS = ['sms', 'post', 'in_person'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export interface RecoveryInput {
  /** Workflow ID and read-model key: `<claim case number>.R` (no personal data). */
  recoveryId: string;
  caseNumber: string;
  agencyCode: string;
  /** The benefit period whose ledger holds the payments, when known. */
  periodId: string | null;
  stopDate: string;
  /**
   * The first month overpaid. Absent: the month after the stop's (Art. 43: the stop month is still due). A revoked
   * determination (Art. 42, 43): the month the determination was wrong from, itself included.
   */
  overpaidFromMonth?: string;
  origin: 'benefit_period' | 'auditor' | 'revocation';
  startedBy: string;
}

export type RecoveryStatus =
  'opening' | 'awaiting_delivery' | 'awaiting_repayment' | 'litigation' | 'repaid' | 'closed';

export interface RecoveryView {
  recoveryId: string;
  status: RecoveryStatus;
  amountFen: number;
  balanceFen: number;
  deliveredOn: string | null;
  dueDate: string | null;
  dueAt: string | null;
}

/** The recovery of a claim's overpayment: one per claim. */
export const recoveryIdOf = (caseNumber: string) => `${caseNumber}.R`;
