/**
 * Art. 13: a correction an objection concluded, carried out by the case it corrects. The objection workflow sends it
 * (signal `carryOutCorrection`) to the workflow of the case objected to, which owns that case's life: a refused or
 * withdrawn case of any type waits for it until the last remedy date (workflows/objection-window.ts) and is reopened
 * or paid by it; a claim being paid changes its determination and its benefit period by it. The case records what it
 * did on the objection. Also the objection's own messages (its receipt, its status). Workflow-safe (types and
 * definitions only).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ObjectionStatus } from './recovery';
import type { ObjectionCorrection, ReopenStep } from '../domain/objection-forms';

export interface CorrectionToCarryOut {
  objectionNumber: string;
  /**
   * A reopening, a confirmed record correction, or a withdrawn grant to pay (a claim's stopped period is resumed by
   * the objection itself: workflows/objection-review.ts `resumePeriod`).
   */
  correction: ObjectionCorrection;
  reasons: string[];
  /** The reviewer who concluded it (for a record correction: the approver who confirmed it, Art. 28). */
  by: { userId: string; username: string };
  at: string;
}

export const carryOutCorrection = defineSignal<[CorrectionToCarryOut]>('carryOutCorrection');

/** What the case did with a correction, recorded on the objection (`conclusion.applied`). */
export type AppliedCorrection =
  | { kind: 'reopened'; step: ReopenStep }
  | {
      kind: 'recalculated';
      determinationVersion: number;
      months: number;
      endDate: string;
      monthlyAmountFen: number;
    }
  | { kind: 'resumed'; resumedFrom: string | null }
  | { kind: 'referred'; levels: string[] }
  | { kind: 'not_applied'; note: string; determinationVersion?: number };

/** Sent by the API after the start: answers once the objection is recorded, with its statutory due date. */
export const objectionReceipt = defineUpdate<
  { caseNumber: string; dueDate: string; dueAt: string; provisional: boolean },
  []
>('objectionReceipt');
export const objectionStatus = defineQuery<ObjectionStatus>('objectionStatus');
