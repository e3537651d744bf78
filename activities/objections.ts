/**
 * Activities of the objection case (复核, Art. 13, 38 para 2, 42): its read model (received, referred to the record
 * correction's levels, applied, concluded), and the facts a stop decision corrected on objection is carried out on (the
 * period is begun again by the objection's workflow, workflows/objection-review.ts).
 */
import { addMonthsToMonth } from '../domain/calendar';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';
import type { ObjectionInput, ResumableStop } from '../contracts/recovery';
import type { SourceClients } from '../integrations/config';
import { callOptions, claimOf, guarded } from './source-call';
import { openCase } from '../lib/case-store';

export function objectionActivities({ db, sources }: { db: Db; sources: SourceClients }) {
  return {
    /** Art. 13: the objection received, with its evidence; its own case, and an event on the case objected to. */
    async recordObjectionFiled(input: ObjectionInput & { dueDate: string; dueProvisional?: boolean }): Promise<void> {
      const at = new Date(input.filedAt);
      await db.$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber: input.caseNumber,
          caseType: 'objection_review',
          status: 'under_review',
          agencyCode: input.agencyCode,
          at,
        });
        await tx.objection.createMany({
          data: [
            {
              caseNumber: input.caseNumber,
              originalCaseNumber: input.originalCaseNumber,
              agencyCode: input.agencyCode,
              subject: input.subject,
              objector: input.objector,
              grounds: input.grounds,
              evidence: asJson(input.evidence),
              filedAt: at,
              filedBy: input.filedBy,
              dueDate: dbDate(input.dueDate),
              dueProvisional: input.dueProvisional === true,
              status: 'under_review',
            },
          ],
          skipDuplicates: true,
        });
        const data = {
          objectionNumber: input.caseNumber,
          originalCaseNumber: input.originalCaseNumber,
          subject: input.subject,
          dueDate: input.dueDate,
          article: 'Art. 13',
        };
        for (const caseNumber of [input.caseNumber, input.originalCaseNumber]) {
          await recordCaseEvent(tx, {
            caseNumber,
            key: `${input.caseNumber}/filed@${caseNumber}`,
            type: 'objection_filed',
            at,
            actor: input.filedBy,
            data,
          });
        }
      });
    },

    /**
     * Art. 13, 42 para 2: the facts a stop decision corrected on objection is carried out on, from the ledger as it
     * stands: the stopped period (its row), the first month to pay again (as the conclusion says, else the first month
     * neither paid nor on its way; months the stop withdrew are queued again as their next attempt, so each is still
     * paid at most once), and the stop lifted with the day its condition began as the source has it (the same record
     * must not stop the period again). Or why it cannot be resumed. The objection's workflow begins the period again
     * (workflows/objection-review.ts), and the period builds its state from these facts.
     */
    async resumableStop(input: {
      caseNumber: string;
      /** The first month to pay again, as the conclusion says; else the first month not paid or queued. */
      fromMonth?: string;
    }): Promise<ResumableStop | { refused: string }> {
      const period = await db.benefitPeriod.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!period || period.status !== 'stopped' || !period.stopReason || !period.stopDate) {
        return { refused: 'the benefit period is not stopped' };
      }
      const first = isoDate(period.startDate).slice(0, 7);
      const months = Array.from({ length: period.months }, (_, i) => addMonthsToMonth(first, i));
      const rows = await db.payable.findMany({
        where: { periodId: period.id, kind: 'unemployment_benefit' },
        orderBy: [{ month: 'asc' }, { attempt: 'desc' }],
      });
      const latestOf = new Map<string, (typeof rows)[number]>();
      for (const r of rows) if (!latestOf.has(r.month)) latestOf.set(r.month, r);
      const firstOpen = months.findIndex((m) => !latestOf.has(m) || latestOf.get(m)!.status === 'cancelled');
      const asked = input.fromMonth ? months.indexOf(input.fromMonth) : -1;
      if (input.fromMonth && asked < 0) return { refused: `${input.fromMonth} is not a month of the period` };
      const nextIndex = firstOpen < 0 ? -1 : Math.max(firstOpen, asked);
      if (nextIndex < 0) return { refused: 'every month of the period is paid or queued' };
      const stop = { reason: period.stopReason, date: isoDate(period.stopDate) };
      if (stop.reason === 'death') return { refused: 'a death is not lifted by objection' };
      const claim = await claimOf(db, input.caseNumber);
      let began = stop.date;
      if (stop.reason === 'reemployed') {
        const e = await guarded(() => sources.employment.getEmploymentStatus(claim.idNumber, callOptions()));
        began = e.startDate ?? began;
      } else if (stop.reason === 'pension') {
        const p = await guarded(() => sources.pension.getPensionReceipt(claim.idNumber, callOptions()));
        began = p.startDate ?? began;
      }
      return {
        period: {
          periodId: period.id,
          caseNumber: input.caseNumber,
          agencyCode: period.agencyCode,
          startDate: isoDate(period.startDate),
          endDate: isoDate(period.endDate),
          months: period.months,
          monthlyAmountFen: period.monthlyAmountFen,
          ...(period.determinationVersion === null ? {} : { determinationVersion: period.determinationVersion }),
        },
        stop,
        resume: { fromMonth: months[nextIndex]!, lifted: { reason: stop.reason, began } },
      };
    },

    /** Art. 13, 42 para 2: the period paid again (its run begun): on its row, the claim's timeline and audited. */
    async recordPaymentsResumed(input: {
      periodId: string;
      caseNumber: string;
      objectionNumber: string;
      fromMonth: string;
      stop: { reason: string; date: string };
      by: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      const { stop, fromMonth } = input;
      await db.$transaction(async (tx) => {
        await tx.benefitPeriod.update({
          where: { id: input.periodId },
          data: { status: 'active', stopReason: null, stopDate: null, updatedAt: at },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/payments_resumed/${input.objectionNumber}`,
          type: 'payments_resumed',
          at,
          actor: input.by,
          data: { fromMonth, dismissedStop: stop, objection: input.objectionNumber, article: 'Art. 13, 42' },
        });
        await audit(tx, {
          actor: { id: null, username: input.by },
          action: 'payments_resumed',
          entity: 'benefit_period',
          entityId: input.periodId,
          caseNumber: input.caseNumber,
          before: { status: 'stopped', stop },
          after: { status: 'active', fromMonth },
          reason: `objection ${input.objectionNumber}`,
        });
      });
    },

    /**
     * Art. 13, 28: the conclusion asks for a correction of the entitlement record: it holds until a second reviewer and
     * an approver confirm it (on the objection, and on the case objected to).
     */
    async recordObjectionReferred(input: {
      caseNumber: string;
      originalCaseNumber: string;
      correction: unknown;
      reasons: string[];
      by: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.objection.update({ where: { caseNumber: input.caseNumber }, data: { status: 'in_correction' } });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: 'in_correction', updatedAt: at },
        });
        for (const caseNumber of [input.caseNumber, input.originalCaseNumber]) {
          await recordCaseEvent(tx, {
            caseNumber,
            key: `${input.caseNumber}/referred@${caseNumber}`,
            type: 'record_correction_referred',
            at,
            actor: input.by,
            data: {
              objectionNumber: input.caseNumber,
              correction: input.correction,
              reasons: input.reasons,
              levels: ['review', 'second_review', 'approve'],
              article: 'Art. 28',
            },
          });
        }
      });
    },

    /**
     * Art. 13: what the case objected to did with the correction (reopened, determined again and paid as corrected, or
     * not), on the objection's conclusion and on both timelines. Written by the case's own workflow.
     */
    async recordObjectionApplied(input: {
      objectionNumber: string;
      caseNumber: string;
      applied: unknown;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        // One statement: the conclusion may be written at the same time (recordObjectionConcluded).
        await tx.$executeRaw`
          UPDATE objection
             SET conclusion = COALESCE(conclusion, '{}'::jsonb)
                   || jsonb_build_object('carriedOut', ${JSON.stringify(input.applied)}::jsonb)
           WHERE case_number = ${input.objectionNumber}`;
        for (const caseNumber of [input.objectionNumber, input.caseNumber]) {
          await recordCaseEvent(tx, {
            caseNumber,
            key: `${input.objectionNumber}/applied@${caseNumber}`,
            type: 'objection_correction_applied',
            at,
            actor: 'system',
            data: { objectionNumber: input.objectionNumber, applied: input.applied, article: 'Art. 13' },
          });
        }
      });
    },

    /** Art. 13: the conclusion, on the objection and on the case objected to, with the remedies' dates. */
    async recordObjectionConcluded(input: {
      caseNumber: string;
      originalCaseNumber: string;
      status: 'upheld' | 'corrected';
      conclusion: unknown;
      by: string;
      at: string;
      reconsiderationUntil: string;
      litigationUntil: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        // What the case objected to did with a correction (`carriedOut`) may be written before the conclusion is, or
        // at the same time: kept in one statement (a read, then a write, lost it when the two crossed).
        await tx.$executeRaw`
          UPDATE objection
             SET conclusion = ${JSON.stringify(input.conclusion)}::jsonb
                   || CASE WHEN conclusion -> 'carriedOut' IS NULL THEN '{}'::jsonb
                           ELSE jsonb_build_object('carriedOut', conclusion -> 'carriedOut') END
           WHERE case_number = ${input.caseNumber}`;
        await tx.objection.update({
          where: { caseNumber: input.caseNumber },
          data: {
            status: input.status,
            concludedAt: at,
            concludedBy: input.by,
            reconsiderationUntil: dbDate(input.reconsiderationUntil),
            litigationUntil: dbDate(input.litigationUntil),
          },
        });
        await tx.case.update({
          where: { caseNumber: input.caseNumber },
          data: { status: input.status, updatedAt: at },
        });
        for (const caseNumber of [input.caseNumber, input.originalCaseNumber]) {
          await recordCaseEvent(tx, {
            caseNumber,
            key: `${input.caseNumber}/concluded@${caseNumber}`,
            type: `objection_${input.status}`,
            at,
            actor: input.by,
            data: {
              objectionNumber: input.caseNumber,
              conclusion: input.conclusion,
              reconsiderationUntil: input.reconsiderationUntil,
              litigationUntil: input.litigationUntil,
              article: 'Art. 13',
            },
          });
        }
      });
    },
  };
}
