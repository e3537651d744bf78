/**
 * 个人缴费记录修改 (Art. 28): what the API, the record dispute (Art. 31) and the claim agree on with the
 * `recordCorrection` workflow. The workflow is given the case number (JFX-…) and the agency alone; the person, the
 * record and its values stay in the read model (contribution_correction). Workflow-safe (types and definitions only).
 */
import { defineSignal } from '@temporalio/workflow';

export interface RecordCorrectionInput {
  caseNumber: string;
  /** The agency where the person is insured: its reviewers, second reviewers and approvers decide. */
  agencyCode: string;
}

/**
 * Art. 28, 38: sent by an approved correction to each open claim of the person: the claim determines itself again
 * from the corrected record (a new version with its explanation), changes what its period pays, and tells the person.
 */
export interface ContributionsCorrected {
  correctionNumber: string;
  /** The approver (审批). */
  by: { userId: string; username: string };
  at: string;
}
export const contributionsCorrected = defineSignal<[ContributionsCorrected]>('contributionsCorrected');
