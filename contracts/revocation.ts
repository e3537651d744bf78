/**
 * The contract of a determination's revocation (Art. 12, 38, 42, 43): the API files it, the workflow
 * (workflows/determination-revocation.ts) decides it, the activities record it.
 */
export const REVOCATION_GROUNDS = ['objection_upheld', 'audit_finding', 'late_record'] as const;
export type RevocationGround = (typeof REVOCATION_GROUNDS)[number];

export interface RevocationInput {
  /** The revocation's own case number (CXH-…), also its workflow ID. */
  caseNumber: string;
  /** The claim whose determination is revoked. */
  claimCaseNumber: string;
  agencyCode: string;
  /** The determination version revoked (the claim's latest, eligible one). */
  version: number;
  grounds: RevocationGround;
  /** The objection, audit finding or record that shows the determination wrong. */
  reference: string;
  reasons: string[];
  /** The first day the determination was wrong: payment stops from its month, paid months from it are recovered. */
  effectiveFrom: string;
  proposedBy: { userId: string; username: string };
  filedAt: string;
}

export type RevocationStatus = 'awaiting_approval' | 'revoked' | 'not_revoked';

/** The revocation's workflow as clients start it by name (`determinationRevocation`). */
export type DeterminationRevocationWorkflow = (input: RevocationInput) => Promise<RevocationStatus>;
