/**
 * Staff reduction and the register's daily comparison (Art. 17, 19, 21, 22, 33): what the API, the schedule and the
 * workflows agree on. Workflows get relation IDs, register numbers, case numbers and counts, never a person's data.
 */

/** Art. 21: the workflow of one declared staff reduction; its ID is `staff-reduction-<relation ID>`. */
export interface StaffReductionInput {
  relationId: string;
}
export const staffReductionWorkflowId = (relationId: string | bigint) => `staff-reduction-${relationId}`;
export type StaffReductionOutcome = 'notified' | 'flagged';

/** A clerk's follow-up (登记督办): an overdue registration or change after the reminder, a late reduction. */
export interface RegisterFollowUpInput {
  caseNumber: string;
  agencyCode: string;
}
export type RegisterFollowUpOutcome = 'handled' | 'dismissed';

/** Art. 17, 19, 22, 33: the daily comparison, started by its Temporal Schedule or on demand. */
export interface RegisterDailyRunInput {
  trigger: 'schedule' | 'manual';
  requestedBy?: string;
}

export interface RegisterDailyRunResult {
  asOf: string;
  /** Art. 19: employers compared, staff on the tax lists, new findings, reminders sent. */
  staff: { employers: number; staff: number; found: number; reminders: number };
  /** Art. 17: market-registration changes not declared in time. */
  changes: { employers: number; found: number; reminders: number };
  /** Art. 22, 33: persons with an open relation checked against pension and civil affairs; terminated. */
  terminations: { checked: number; terminated: number };
  /** Follow-up cases opened for a clerk (still unresolved after the reminder period). */
  followUps: number;
}

export const REGISTER_DAILY_SCHEDULE_ID = 'register-comparison-daily';
