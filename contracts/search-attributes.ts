/**
 * The project's custom search attributes: what supervisors and clerks filter cases by in visibility queries.
 * Never personal data (no ID numbers, names or phones). Registered by the start command on the dev server and by
 * `tsx scripts/search-attributes.ts` on an existing cluster. Workflow-safe (no I/O).
 */
import { defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';

/** The kind of case: benefit_claim, benefit_period, objection_review, overpayment_recovery, ... */
export const CASE_TYPE = defineSearchAttributeKey('CaseType', 'KEYWORD');
/** Division code of the agency that handles the case (Art. 5, 36). */
export const AGENCY_CODE = defineSearchAttributeKey('AgencyCode', 'KEYWORD');
/** Where the case stands: received, awaiting_acceptance, cancelled, ... */
export const CASE_STATUS = defineSearchAttributeKey('CaseStatus', 'KEYWORD');

/**
 * The earliest time limit the case is waiting on (an open task's due time, the day materials are due), so a
 * supervisor can ask "what falls due before Friday" (`NextDeadline < "…"`); unset when nothing is due.
 */
export const NEXT_DEADLINE = defineSearchAttributeKey('NextDeadline', 'DATETIME');

export const SEARCH_ATTRIBUTES = [CASE_TYPE, AGENCY_CODE, CASE_STATUS, NEXT_DEADLINE] as const;

/** The type names the Temporal CLI's `--search-attribute Name=Type` flag takes. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export function searchAttributeCliFlags(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE[k.type]}`]);
}
