/**
 * Data maintenance (Art. 93): the read model of a correction case, and the correction itself, applied in one
 * transaction with its audit entry (在系统内留痕) once review and approval by two different people are done.
 */
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import type { Db } from '../lib/db';
import type { CorrectableField, CorrectionEntity } from '../domain/monitoring';

export interface DataCorrectionActivityDeps {
  db: Db;
}

export type DataCorrectionStatus =
  'awaiting_review' | 'awaiting_approval' | 'rejected' | 'applied' | 'conflict' | 'cancelled';

type Person = { userId: string; username: string };

export function dataCorrectionActivities({ db }: DataCorrectionActivityDeps) {
  return {
    /** A step of the case: requested, reviewed, rejected (with the reasons), cancelled; audited when a person acted. */
    async recordDataCorrectionStep(input: {
      caseNumber: string;
      status: DataCorrectionStatus;
      event: string;
      by?: Person;
      step?: 'review' | 'approve';
      reasons?: string[];
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const c = await tx.dataCorrection.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        const first = await tx.caseEvent.findUnique({ where: { eventKey: `${input.caseNumber}/${input.event}` } });
        if (first) return; // a retried activity
        await tx.dataCorrection.update({
          where: { caseNumber: input.caseNumber },
          data: {
            status: input.status,
            ...(input.step === 'review' && input.by ? { reviewedBy: input.by.username } : {}),
            ...(input.step === 'approve' && input.by ? { approvedBy: input.by.username } : {}),
          },
        });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: input.status, updatedAt: at },
        });
        const actor = input.by ?? { userId: c.requestedById, username: c.requestedBy };
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/${input.event}`,
          type: input.event,
          at,
          actor: actor.username,
          data: { target: `${c.targetEntity}.${c.field}`, ...(input.reasons ? { reasons: input.reasons } : {}) },
        });
        await audit(tx, {
          actor: { id: actor.userId, username: actor.username },
          action: input.event,
          entity: 'data_correction',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          after: {
            status: input.status,
            target: `${c.targetEntity}.${c.field}`,
            targetCaseNumber: c.targetCaseNumber,
            ...(input.reasons ? { reasons: input.reasons } : {}),
          },
          reason: input.event === 'data_correction_requested' ? c.reason : input.reasons?.join('; '),
          at,
        });
      });
    },

    /**
     * Art. 93: applies the approved correction. The record must still hold the old value the request named; if
     * someone changed it meanwhile nothing is written and the case ends in `conflict`. Idempotent.
     */
    async applyDataCorrection(input: {
      caseNumber: string;
      by: Person;
      at: string;
    }): Promise<{ status: 'applied' | 'conflict' }> {
      const at = new Date(input.at);
      return db.$transaction(async (tx) => {
        const c = await tx.dataCorrection.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        if (c.status === 'applied' || c.status === 'conflict') return { status: c.status };
        const field = c.field as CorrectableField;
        const entity = c.targetEntity as CorrectionEntity;
        const target =
          entity === 'benefit_claim'
            ? await tx.benefitClaim.findUnique({ where: { caseNumber: c.targetCaseNumber } })
            : await tx.otherBenefitClaim.findUnique({ where: { caseNumber: c.targetCaseNumber } });
        const current = target ? (target[field] ?? '') : null;
        const status = current === c.oldValue ? 'applied' : 'conflict';
        if (status === 'applied') {
          const data = { [field]: c.newValue };
          if (entity === 'benefit_claim') {
            await tx.benefitClaim.update({ where: { caseNumber: c.targetCaseNumber }, data });
          } else {
            await tx.otherBenefitClaim.update({ where: { caseNumber: c.targetCaseNumber }, data });
          }
        }
        await tx.dataCorrection.update({
          where: { caseNumber: input.caseNumber },
          data: { status, approvedBy: input.by.username, ...(status === 'applied' ? { appliedAt: at } : {}) },
        });
        await tx.case.updateMany({ where: { caseNumber: input.caseNumber }, data: { status, updatedAt: at } });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/data_correction_${status}`,
          type: `data_correction_${status}`,
          at,
          actor: input.by.username,
          data: { target: `${entity}.${field}`, targetCaseNumber: c.targetCaseNumber },
        });
        // The change itself, with before and after, on the corrected record (Art. 93 在系统内留痕).
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: status === 'applied' ? 'data_correction_applied' : 'data_correction_conflict',
          entity,
          entityId: c.targetCaseNumber,
          caseNumber: input.caseNumber,
          before: { [field]: status === 'applied' ? c.oldValue : current },
          after: { [field]: status === 'applied' ? c.newValue : current },
          reason: c.reason,
          at,
        });
        return { status };
      });
    },
  };
}
