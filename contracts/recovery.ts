/**
 * Payload types of the objection and recovery cases (Art. 13, 43), shared by the API, workflows and activities.
 * Workflow-safe (types and pure helpers only).
 */

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ObjectionSubject } from '../domain/objection-forms';
import type { Actor } from '../domain/tasks';

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

/**
 * Who or what found a stop (Art. 42): the monthly comparison (the city's or the period's own), the person's report (by
 * the user who filed it), another case (a survivors' claim, a monitoring item: its case number), a revocation of the
 * determination (its number); `unrecorded` for stops made before they were kept.
 */
export interface StopFoundBy {
  kind: 'monthly_check' | 'report' | 'case' | 'revocation' | 'unrecorded';
  ref?: string;
}

export interface RecoveryInput {
  /** Workflow ID and read-model key: `<claim case number>.R<stop seq>` (no personal data); `<case>.R` before. */
  recoveryId: string;
  caseNumber: string;
  agencyCode: string;
  /** The benefit period whose ledger holds the payments, when known. */
  periodId: string | null;
  /** The stop it stands on (Art. 43: 符合停发条件): `<case>.S<seq>`; absent in runs started before stops were kept. */
  stopId?: string;
  stopDate: string;
  /**
   * The first month overpaid. Absent: the month after the stop's (Art. 43: the stop month is still due). A revoked
   * determination (Art. 42, 43): the month the determination was wrong from, itself included.
   */
  overpaidFromMonth?: string;
  origin: 'benefit_period' | 'auditor' | 'revocation';
  startedBy: string;
  /** A recovery started again after it closed, for its stop re-dated earlier by an auditor (Art. 43): why. */
  redateReason?: string;
}

export type RecoveryStatus =
  'opening' | 'awaiting_delivery' | 'awaiting_repayment' | 'litigation' | 'repaid' | 'closed';

export interface RecoveryView {
  recoveryId: string;
  stopId: string | null;
  stopDate: string;
  status: RecoveryStatus;
  amountFen: number;
  balanceFen: number;
  deliveredOn: string | null;
  dueDate: string | null;
  dueAt: string | null;
}

/** The stop `seq` of a claim's benefit period: `<case>.S<seq>`. */
export const stopIdOf = (caseNumber: string, seq: number) => `${caseNumber}.S${seq}`;
/** The recovery of the stop `seq` of a claim's benefit period: one per stop (Art. 43). */
export const recoveryIdOf = (caseNumber: string, seq: number) => `${caseNumber}.R${seq}`;
/** A recovery ID's claim and stop seq (`<case>.R<seq>`; `<case>.R`, one per claim before stops were kept: seq null). */
export function parseRecoveryId(id: string): { caseNumber: string; seq: number | null } | null {
  const m = /^(.+)\.R(\d{0,4})$/.exec(id);
  if (!m) return null;
  return { caseNumber: m[1]!, seq: m[2] ? Number(m[2]) : null };
}

/** The recovery's workflow as clients start it by name (`overpaymentRecovery`). */
export type OverpaymentRecoveryWorkflow = (input: RecoveryInput) => Promise<RecoveryStatus>;

// The recovery's messages (workflows/overpayment-recovery.ts answers them; api/recovery/router.ts sends them).

/** Art. 43: the notice delivered; the 30 days run from `deliveredOn`. Staff of the agency record it. */
export const recordDelivery = defineUpdate<
  RecoveryView,
  [
    {
      method: DeliveryMethod;
      deliveredOn: string;
      proof: { reference?: string; receivedBy?: string; note?: string };
      by: Actor;
    },
  ]
>('recordDelivery');

/** Art. 43: a repayment received, confirmed by finance (岗位: 财务). */
export const confirmRepayment = defineUpdate<
  RecoveryView,
  [{ amountFen: number; receivedOn: string; reference: string; by: Actor }]
>('confirmRepayment');

/**
 * Art. 43: the stop re-dated earlier by an auditor (the condition began before the date first recorded): the amount
 * re-computed, audited; the person told; the new notice to be delivered (its 30 days start again).
 */
export const redateStop = defineUpdate<RecoveryView, [{ stopDate: string; reason: string; by: Actor }]>('redateStop');

export const recoveryState = defineQuery<RecoveryView>('recoveryState');

/**
 * Art. 13, 42 para 2: what an objection that lifted a stop resumes the benefit period from (activities/objections.ts
 * `resumableStop`): the first month to check and queue again, and the stop lifted with the day its condition began as
 * the source has it. The period builds its state from it (workflows/benefit-period.ts).
 */
export interface PeriodResume {
  fromMonth: string;
  lifted: { reason: string; began: string };
}

/** A benefit period as its claim begins it (Art. 38): its workflow's input, apart from how it resumes or continues. */
export interface BenefitPeriodTerms {
  periodId: string;
  caseNumber: string;
  agencyCode: string;
  startDate: string;
  endDate: string;
  months: number;
  monthlyAmountFen: number;
  /** The claim's determination version the period pays: an eligible, unrevoked one (Art. 38; a database trigger). */
  determinationVersion?: number;
}

/** Art. 13, 42 para 2: a stopped benefit period an objection can pay again. */
export interface ResumableStop {
  /** The period as it was begun (its row): the input its workflow is started with. */
  period: BenefitPeriodTerms;
  /** The stop lifted, as recorded. */
  stop: { reason: string; date: string };
  resume: PeriodResume;
}

/** Art. 43: start the recovery of a stop (sent to the claim's workflow, whose child it becomes). */
export const recoveryNeeded = defineSignal<[RecoveryInput]>('recoveryNeeded');
