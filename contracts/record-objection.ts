/**
 * Art. 31 权益记录核查: what the API and the `recordObjection` workflow agree on. The workflow is given the case
 * number (QYH-…) and the checking agency alone; the statement, the person and the phone stay in the read model.
 */
export interface RecordObjectionInput {
  caseNumber: string;
  /** The agency where the person or employer is insured: its reviewers check. */
  agencyCode: string;
}

export type RecordObjectionOutcome = 'corrected' | 'explained';
