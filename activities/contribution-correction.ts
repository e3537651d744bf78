/**
 * 个人缴费记录修改 (Art. 28): the read model of a correction case, each level recorded with its audit entry, and the
 * approved correction written as a new version of the record (activities/contributions.ts
 * `storeCorrectedContribution`) in one transaction with its case event and audit entry. The workflow
 * (workflows/record-correction.ts) owns the order; these never signal a workflow: they answer which claims of the
 * person are open, and the workflow tells them (Art. 38).
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { openCase } from '../lib/case-store';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';
import type { ContributionChange, ContributionCorrectionStatus } from '../domain/contribution-correction';
import type { TaskStep } from '../domain/tasks';
import { sqlRunnerOf, storeCorrectedContribution } from './contributions';

export interface ContributionCorrectionActivityDeps {
  db: Db;
}

type Person = { userId: string; username: string };

/** Claim statuses in which the claim is still open (its decision or its benefit period to come or running). */
const CLOSED_CLAIM = ['refused', 'closed', 'cancelled'];

const LEVEL_COLUMN: Partial<Record<TaskStep, 'reviewedBy' | 'secondReviewedBy' | 'approvedBy'>> = {
  review: 'reviewedBy',
  second_review: 'secondReviewedBy',
  approve: 'approvedBy',
};

export function contributionCorrectionActivities({ db }: ContributionCorrectionActivityDeps) {
  return {
    /**
     * A step of the case (a level passed or refused, the case cancelled), on the row, the case's timeline and the
     * audit trail. A retried activity writes nothing twice (the event's key).
     */
    async recordContributionCorrectionStep(input: {
      caseNumber: string;
      status: ContributionCorrectionStatus;
      event: string;
      by?: Person;
      step?: TaskStep;
      reasons?: string[];
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const c = await tx.contributionCorrection.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        const key = `${input.caseNumber}/${input.event}`;
        if (await tx.caseEvent.findUnique({ where: { eventKey: key } })) return;
        const column = input.step ? LEVEL_COLUMN[input.step] : undefined;
        await tx.contributionCorrection.update({
          where: { caseNumber: input.caseNumber },
          data: { status: input.status, ...(column && input.by ? { [column]: input.by.username } : {}) },
        });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: input.status, updatedAt: at },
        });
        const actor = input.by ?? { userId: c.requestedById, username: c.requestedBy };
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key,
          type: input.event,
          at,
          actor: actor.username,
          data: {
            month: c.month,
            kind: c.kind,
            ...(input.reasons ? { reasons: input.reasons } : {}),
            article: 'Art. 28',
          },
        });
        await audit(tx, {
          actor: { id: actor.userId ?? null, username: actor.username },
          action: input.event,
          entity: 'contribution_correction',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          after: { status: input.status, ...(input.step ? { step: input.step } : {}) },
          ...(input.reasons ? { reason: input.reasons.join('; ') } : {}),
          at,
        });
      });
    },

    /**
     * Art. 28: the approved correction written as a new version of the record, with its event and audit entry, in one
     * transaction; a record changed since the application writes nothing and ends the case in conflict. Answers the
     * person's open claims (their case numbers: Art. 38, the workflow has them determined again). Idempotent.
     */
    async applyContributionCorrection(input: {
      caseNumber: string;
      by: Person;
      at: string;
    }): Promise<{ status: 'applied' | 'conflict'; version: number | null; openClaims: string[] }> {
      const at = new Date(input.at);
      const out = await db.$transaction(async (tx) => {
        const c = await tx.contributionCorrection.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        if (c.status === 'applied' || c.status === 'conflict') {
          return { status: c.status, version: c.recordVersion, idNumber: c.idNumber };
        }
        const old = c.oldValues as { version?: number } | null;
        const written = await storeCorrectedContribution(sqlRunnerOf(tx), {
          caseNumber: c.caseNumber,
          idNumber: c.idNumber,
          kind: c.kind as 'create' | 'amend',
          month: c.month,
          employerUscc: c.employerUscc,
          newEmployerUscc: c.newEmployerUscc,
          newEmployerName: c.newEmployerName,
          baseFen: Number(c.baseFen),
          amountPaidFen: Number(c.amountPaidFen),
          receiptDate: isoDate(c.receiptDate),
          expectedVersion: old?.version ?? null,
        });
        const status = written.ok ? 'applied' : 'conflict';
        await tx.contributionCorrection.update({
          where: { caseNumber: c.caseNumber },
          data: {
            status,
            approvedBy: input.by.username,
            ...(written.ok
              ? { recordId: BigInt(written.recordId), recordVersion: written.version, appliedAt: at }
              : {}),
          },
        });
        await tx.case.updateMany({ where: { caseNumber: c.caseNumber }, data: { status, updatedAt: at } });
        await recordCaseEvent(tx, {
          caseNumber: c.caseNumber,
          key: `${c.caseNumber}/contribution_correction_${status}`,
          type: `contribution_correction_${status}`,
          at,
          actor: input.by.username,
          data: written.ok
            ? { month: c.month, version: written.version, article: 'Art. 28' }
            : { month: c.month, conflict: written.conflict, article: 'Art. 28' },
        });
        // The change itself, before and after, on the record (a new version; the old one kept).
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: `contribution_correction_${status}`,
          entity: 'contribution_record',
          entityId: written.ok ? written.recordId : `${c.month}/${c.employerUscc}`,
          caseNumber: c.caseNumber,
          before: asJson(c.oldValues ?? null),
          after: written.ok
            ? {
                month: c.month,
                employerUscc: c.newEmployerUscc,
                baseFen: Number(c.baseFen),
                amountPaidFen: Number(c.amountPaidFen),
                receiptDate: isoDate(c.receiptDate),
                version: written.version,
                supersedes: written.supersededId,
              }
            : { conflict: written.conflict },
          reason: c.reason,
          at,
        });
        return { status, version: written.ok ? written.version : null, idNumber: c.idNumber };
      });
      if (out.status !== 'applied') return { status: 'conflict', version: null, openClaims: [] };
      const claims = await db.benefitClaim.findMany({
        where: { idNumber: out.idNumber, case: { status: { notIn: CLOSED_CLAIM } } },
        select: { caseNumber: true },
        orderBy: { caseNumber: 'asc' },
      });
      return { status: 'applied', version: out.version, openClaims: claims.map((x) => x.caseNumber) };
    },

    /** Art. 38: a claim told of the correction; on the correction's timeline. */
    async recordClaimToldOfCorrection(input: { caseNumber: string; claimNumber: string; at: string }): Promise<void> {
      await recordCaseEvent(db, {
        caseNumber: input.caseNumber,
        key: `${input.caseNumber}/claim_redetermination_asked/${input.claimNumber}`,
        type: 'contribution_correction_claim_redetermination',
        at: new Date(input.at),
        actor: 'system',
        data: { claimNumber: input.claimNumber, article: 'Art. 38' },
      });
    },

    /**
     * Art. 31 → 28: the record dispute that found a contribution month wrong opens the correction of it: its case (the
     * number derived from the dispute's: a retry opens no second case), the change the checker named, the dispute's
     * materials as its evidence, and the event on both timelines.
     */
    async openCorrectionFromObjection(input: {
      objectionNumber: string;
      change: ContributionChange;
      reason: string;
      by: Person;
      at: string;
    }): Promise<{ caseNumber: string; agencyCode: string } | { refused: string }> {
      const at = new Date(input.at);
      const o = await db.recordObjection.findUnique({
        where: { caseNumber: input.objectionNumber },
        include: { person: true },
      });
      if (!o) throw ApplicationFailure.nonRetryable(`no record objection ${input.objectionNumber}`, 'CaseNotFound');
      if (!o.person) {
        // An employer's objection names no person: its timeline says the month could not be corrected here.
        await recordCaseEvent(db, {
          caseNumber: input.objectionNumber,
          key: `${input.objectionNumber}/record_objection_correction_refused`,
          type: 'record_objection_correction_refused',
          at,
          actor: input.by.username,
          data: { reason: 'no_person', article: 'Art. 28' },
        });
        return { refused: 'the objection names no person: a contribution record is a person’s' };
      }
      const earlier = await db.contributionCorrection.findUnique({
        where: { objectionCaseNumber: input.objectionNumber },
      });
      if (earlier) return { caseNumber: earlier.caseNumber, agencyCode: earlier.agencyCode };
      const ch = input.change;
      const serial = serialFromBytes(createHash('sha256').update(`correction|${input.objectionNumber}`).digest());
      const caseNumber = formatCaseNumber('contribution_correction', at.getUTCFullYear(), o.agencyCode, serial);
      const current = await currentRecord(db, o.person.idNumber, ch.month, ch.employerUscc);
      await db.$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber,
          caseType: 'contribution_correction',
          status: 'awaiting_review',
          agencyCode: o.agencyCode,
          at,
          event: {
            type: 'contribution_correction_requested',
            actor: input.by.username,
            data: { month: ch.month, kind: ch.kind, objectionNumber: input.objectionNumber, article: 'Art. 28, 31' },
          },
        });
        await tx.contributionCorrection.create({
          data: {
            ...correctionRow(caseNumber, o.person!.idNumber, o.person!.personNumber, o.agencyCode, ch, current),
            reason: input.reason,
            evidence: { objectionNumber: input.objectionNumber, materials: o.materials },
            objectionCaseNumber: input.objectionNumber,
            requestedById: input.by.userId,
            requestedBy: input.by.username,
            requestedAt: at,
          },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.objectionNumber,
          key: `${input.objectionNumber}/record_objection_correction_opened`,
          type: 'record_objection_correction_opened',
          at,
          actor: input.by.username,
          data: { correctionNumber: caseNumber, month: ch.month, article: 'Art. 28, 31' },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: 'contribution_correction_requested',
          entity: 'contribution_correction',
          entityId: caseNumber,
          caseNumber,
          after: { month: ch.month, kind: ch.kind, objectionNumber: input.objectionNumber },
          reason: input.reason,
          at,
        });
      });
      return { caseNumber, agencyCode: o.agencyCode };
    },
  };
}

/** The current version of a person's record of a month with an employer, as a correction shows it beside the new. */
export async function currentRecord(db: Db, idNumber: string, month: string, employerUscc: string) {
  const r = await db.contributionRecord.findFirst({
    where: { idNumber, month, employerUscc, supersededBy: null },
  });
  return r
    ? {
        employerUscc: r.employerUscc,
        employerName: r.employerName,
        baseFen: Number(r.baseFen),
        amountPaidFen: Number(r.amountPaidFen),
        receiptDate: isoDate(r.receiptDate),
        version: r.version,
      }
    : null;
}

/** The row of a correction's application: the change asked for and the record as it stood (both shown to the levels). */
export function correctionRow(
  caseNumber: string,
  idNumber: string,
  personNumber: string | null,
  agencyCode: string,
  ch: ContributionChange,
  current: Awaited<ReturnType<typeof currentRecord>>,
) {
  const newEmployerUscc = ch.newEmployerUscc ?? ch.employerUscc;
  return {
    caseNumber,
    idNumber,
    personNumber,
    agencyCode,
    kind: ch.kind,
    month: ch.month,
    employerUscc: ch.employerUscc,
    newEmployerUscc,
    newEmployerName: ch.employerName ?? current?.employerName ?? '',
    ...(current ? { oldValues: current } : {}),
    baseFen: BigInt(ch.baseFen),
    amountPaidFen: BigInt(ch.amountPaidFen),
    receiptDate: dbDate(ch.receiptDate),
    status: 'awaiting_review',
  };
}
