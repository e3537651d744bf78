/**
 * 补收补缴 (Art. 26): what the API and the back payment's workflow agree on. The workflow is given the case number
 * (BJF-…) and the agency alone; the employer, the months and the assessment stay in the read model.
 */

export interface BackPaymentInput {
  caseNumber: string;
  /** The agency of the employer's city: its reviewers confirm the assessment. */
  agencyCode: string;
}

/**
 * received → awaiting_review (the assessment made, a reviewer confirms it) → awaiting_payment (sent to tax) → paid
 * (posted to the original months); rejected by the reviewer; lapsed when not paid in full by its date; cancelled.
 */
export type BackPaymentStatus =
  'received' | 'awaiting_review' | 'awaiting_payment' | 'paid' | 'rejected' | 'lapsed' | 'cancelled';
