/**
 * Activities of the objection (复核, Art. 13, 38 para 2, 42) and recovery (待遇退回, Art. 43) cases: their read model,
 * the amount overpaid from the payment ledger with the calculator's explanation, and the Updates that carry an
 * objection's correction to the benefit period (through the worker's client: workflows cannot send Updates).
 */
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { calculateOverpayment, type PaymentKind } from '../domain/calculators/overpayment';
import { addMonthsToMonth } from '../domain/calendar';
import { resolveParameter } from '../domain/policy';
import type { PolicyStore } from '../lib/policy-store';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';
import { changeMonthlyAmount } from '../workflows/benefit-period';
import type { overpaymentRecovery } from '../workflows/overpayment-recovery';
import type { ObjectionInput, RecoveryInput, RecoveryStatus } from '../workflows/recovery-types';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../workflows/search-attributes';
import type { SourceClients } from '../integrations/config';
import { callOptions, claimOf, guarded } from './source-call';

export interface RecoveryActivityDeps {
  db: Db;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
  sources: SourceClients;
}

/** Ledger kinds as the overpayment calculator names them. */
const LEDGER_KIND: Record<string, PaymentKind> = {
  unemployment_benefit: 'unemployment_benefit',
  medical_premium: 'medical_insurance_premium',
};

export interface OpenedRecovery {
  amountFen: number;
  balanceFen: number;
  months: string[];
  /** Art. 43: the days the notice gives to repay (policy art43.repayment). */
  repayDays: number;
  status: RecoveryStatus;
}

export function recoveryActivities({ db, policy: policies, sources }: RecoveryActivityDeps) {
  return {
    /**
     * Art. 43: starts the recovery case (its own workflow, on this worker's task queue) for a stop found after
     * payments were made. Idempotent: a recovery already started is left as it is.
     */
    async startRecovery(input: RecoveryInput): Promise<{ started: boolean }> {
      const ctx = Context.current();
      try {
        await ctx.client.workflow.start<typeof overpaymentRecovery>('overpaymentRecovery', {
          taskQueue: ctx.info.taskQueue,
          workflowId: input.recoveryId,
          typedSearchAttributes: [
            { key: CASE_TYPE, value: 'overpayment_recovery' },
            { key: AGENCY_CODE, value: input.agencyCode },
            { key: CASE_STATUS, value: 'opening' },
          ],
          args: [input],
        });
        return { started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
        throw err;
      }
    },

    /** Art. 13: the objection received, with its evidence; its own case, and an event on the case objected to. */
    async recordObjectionFiled(input: ObjectionInput & { dueDate: string; dueProvisional?: boolean }): Promise<void> {
      const at = new Date(input.filedAt);
      await db.$transaction(async (tx) => {
        await tx.case.createMany({
          data: [
            {
              caseNumber: input.caseNumber,
              caseType: 'objection_review',
              status: 'under_review',
              agencyCode: input.agencyCode,
              workflowId: input.caseNumber,
              createdAt: at,
              updatedAt: at,
            },
          ],
          skipDuplicates: true,
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
     * Art. 38 para 2: the benefit period pays its months not yet queued at the corrected amount (an Update to the
     * period's workflow). A period that is no longer running (stopped, completed) has nothing left to change.
     */
    async changeBenefitAmount(input: {
      periodId: string;
      fromMonth: string;
      amountFen: number;
      reason: string;
      by: string;
    }): Promise<{ applied: boolean; effectiveFrom: string | null; unchangedMonths: string[]; note?: string }> {
      const handle = Context.current().client.workflow.getHandle(input.periodId);
      try {
        const r = await handle.executeUpdate(changeMonthlyAmount, {
          args: [{ fromMonth: input.fromMonth, amountFen: input.amountFen, reason: input.reason, by: input.by }],
          updateId: `${input.reason}/amount`,
        });
        return { applied: true, ...r };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          return { applied: false, effectiveFrom: null, unchangedMonths: [], note: err.cause?.message ?? err.message };
        }
        if ((err as { name?: string }).name === 'WorkflowNotFoundError') {
          return {
            applied: false,
            effectiveFrom: null,
            unchangedMonths: [],
            note: 'the benefit period is not running',
          };
        }
        throw err;
      }
    },

    /**
     * Art. 13, 42: a stop decision corrected on objection. The stopped benefit period runs again under its own ID from
     * the ledger as it stands: months paid stay paid, months on their way are settled, the rest are checked and paid
     * (months the stop withdrew are queued again as their next attempt, so each is still paid at most once), and the
     * stop the objection found wrong does not stop it again. Medical insurance is enrolled again (Art. 44).
     */
    async resumeBenefitPeriod(input: {
      caseNumber: string;
      objectionNumber: string;
      /** The first month to pay again, as the conclusion says; else the first month not paid or queued. */
      fromMonth?: string;
      by: string;
      at: string;
    }): Promise<{ applied: boolean; fromMonth: string | null; note?: string }> {
      const period = await db.benefitPeriod.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!period || period.status !== 'stopped' || !period.stopReason || !period.stopDate) {
        return { applied: false, fromMonth: null, note: 'the benefit period is not stopped' };
      }
      const first = isoDate(period.startDate).slice(0, 7);
      const months = Array.from({ length: period.months }, (_, i) => addMonthsToMonth(first, i));
      const rows = await db.payable.findMany({
        where: { periodId: period.id, kind: 'unemployment_benefit' },
        orderBy: [{ month: 'asc' }, { attempt: 'desc' }],
      });
      const latestOf = new Map<string, (typeof rows)[number]>();
      for (const r of rows) if (!latestOf.has(r.month)) latestOf.set(r.month, r);
      const paid = months
        .filter((m) => latestOf.get(m)?.status === 'paid')
        .map((m) => ({ month: m, amountFen: latestOf.get(m)!.amountFen }));
      const outstanding = months
        .filter((m) => ['pending', 'sent', 'failed'].includes(latestOf.get(m)?.status ?? ''))
        .map((m) => ({ month: m, asked: false }));
      const firstOpen = months.findIndex((m) => !latestOf.has(m) || latestOf.get(m)!.status === 'cancelled');
      const asked = input.fromMonth ? months.indexOf(input.fromMonth) : -1;
      if (input.fromMonth && asked < 0)
        return { applied: false, fromMonth: null, note: `${input.fromMonth} is not a month of the period` };
      const nextIndex = firstOpen < 0 ? -1 : Math.max(firstOpen, asked);
      if (nextIndex < 0)
        return { applied: false, fromMonth: null, note: 'every month of the period is paid or queued' };
      const stop = { reason: period.stopReason, date: isoDate(period.stopDate) };
      if (stop.reason === 'death')
        return { applied: false, fromMonth: null, note: 'a death is not lifted by objection' };
      // The condition as the source has it: the same record must not stop the period again (Art. 42).
      const claim = await claimOf(db, input.caseNumber);
      let began = stop.date;
      if (stop.reason === 'reemployed') {
        const e = await guarded(() => sources.employment.getEmploymentStatus(claim.idNumber, callOptions()));
        began = e.startDate ?? began;
      } else if (stop.reason === 'pension') {
        const p = await guarded(() => sources.pension.getPensionReceipt(claim.idNumber, callOptions()));
        began = p.startDate ?? began;
      }
      const ctx = Context.current();
      try {
        await ctx.client.workflow.start('benefitPeriod', {
          taskQueue: ctx.info.taskQueue,
          workflowId: period.id,
          typedSearchAttributes: [
            { key: CASE_TYPE, value: 'benefit_period' },
            { key: AGENCY_CODE, value: period.agencyCode },
            { key: CASE_STATUS, value: 'in_payment' },
          ],
          args: [
            {
              periodId: period.id,
              caseNumber: input.caseNumber,
              agencyCode: period.agencyCode,
              startDate: isoDate(period.startDate),
              endDate: isoDate(period.endDate),
              months: period.months,
              monthlyAmountFen: period.monthlyAmountFen,
              ...(period.determinationVersion === null ? {} : { determinationVersion: period.determinationVersion }),
              state: {
                opened: false, // enrols in medical insurance again; the period's row is kept
                nextIndex,
                paid,
                outstanding,
                expirySent: false, // the reminder is sent once per message ID, so never twice
                stopped: null,
                dismissedStops: [{ reason: stop.reason, began }],
              },
            },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          return { applied: false, fromMonth: null, note: 'the period is still settling its last months: retry later' };
        }
        throw err;
      }
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.benefitPeriod.update({
          where: { id: period.id },
          data: { status: 'active', stopReason: null, stopDate: null, updatedAt: at },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/payments_resumed/${input.objectionNumber}`,
          type: 'payments_resumed',
          at,
          actor: input.by,
          data: {
            fromMonth: months[nextIndex],
            dismissedStop: stop,
            objection: input.objectionNumber,
            article: 'Art. 13, 42',
          },
        });
        await audit(tx, {
          actor: { id: null, username: input.by },
          action: 'payments_resumed',
          entity: 'benefit_period',
          entityId: period.id,
          caseNumber: input.caseNumber,
          before: { status: 'stopped', stop },
          after: { status: 'active', fromMonth: months[nextIndex] },
          reason: `objection ${input.objectionNumber}`,
        });
      });
      return { applied: true, fromMonth: months[nextIndex]! };
    },

    /** Art. 38 para 2: the period's corrected monthly amount, on the period and the claim's timeline. */
    async recordPeriodAmountChanged(input: {
      periodId: string;
      caseNumber: string;
      fromMonth: string;
      amountFen: number;
      reason: string;
      by: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.benefitPeriod.update({
          where: { id: input.periodId },
          data: { monthlyAmountFen: input.amountFen, updatedAt: at },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.periodId}/amount/${input.fromMonth}/${input.amountFen}`,
          type: 'monthly_amount_changed',
          at,
          actor: input.by,
          data: { fromMonth: input.fromMonth, amountFen: input.amountFen, reason: input.reason, article: 'Art. 38' },
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

    /**
     * Art. 43: the recovery opens with the amount overpaid: every payment of the ledger (benefit and medical premium)
     * paid for a month after the stop month, with the calculator's explanation. Idempotent: an existing recovery is
     * returned as it stands.
     */
    async openRecovery(input: RecoveryInput & { at: string }): Promise<OpenedRecovery> {
      const repayment = resolveParameter(
        await policies.current(),
        'deadline',
        'art43.repayment',
        input.at.slice(0, 10),
      ).value;
      const repayDays = repayment.unit === 'days' ? repayment.amount : 30;
      const existing = await db.recovery.findUnique({ where: { id: input.recoveryId } });
      const paid = await db.payable.findMany({
        where: {
          ...(input.periodId ? { periodId: input.periodId } : { caseNumber: input.caseNumber }),
          status: 'paid',
          month: input.overpaidFromMonth ? { gte: input.overpaidFromMonth } : { gt: input.stopDate.slice(0, 7) },
        },
        orderBy: [{ month: 'asc' }, { kind: 'asc' }],
      });
      const months = [...new Set(paid.map((p) => p.month))];
      if (existing) {
        return {
          amountFen: existing.amountFen,
          balanceFen: existing.balanceFen,
          months,
          repayDays,
          status: existing.status as RecoveryStatus,
        };
      }
      const calc = calculateOverpayment(
        {
          stopDate: input.stopDate,
          ...(input.overpaidFromMonth ? { overpaidFromMonth: input.overpaidFromMonth } : {}),
          payments: paid.map((p) => ({
            kind: LEDGER_KIND[p.kind] ?? 'other',
            month: p.month,
            amountFen: p.amountFen,
            reference: p.paymentId,
          })),
        },
        await policies.current(),
        input.at.slice(0, 10),
      );
      const amountFen = calc.result.totalFen;
      const status: RecoveryStatus = amountFen > 0 ? 'awaiting_delivery' : 'closed';
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.recovery.createMany({
          data: [
            {
              id: input.recoveryId,
              caseNumber: input.caseNumber,
              agencyCode: input.agencyCode,
              periodId: input.periodId,
              origin: input.origin,
              stopDate: dbDate(input.stopDate),
              amountFen,
              balanceFen: amountFen,
              items: asJson(
                paid.map((p) => ({
                  paymentId: p.paymentId,
                  kind: p.kind,
                  month: p.month,
                  amountFen: p.amountFen,
                  paidAt: p.paidAt?.toISOString() ?? null,
                })),
              ),
              explanation: asJson(calc.explanation),
              status,
              startedBy: input.startedBy,
              createdAt: at,
              updatedAt: at,
              ...(status === 'closed' ? { closedAt: at } : {}),
            },
          ],
          skipDuplicates: true,
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.recoveryId}/opened`,
          type: amountFen > 0 ? 'overpayment_found' : 'overpayment_none',
          at,
          actor: input.startedBy,
          data: {
            recoveryId: input.recoveryId,
            amountFen,
            stopDate: input.stopDate,
            months,
            explanation: calc.explanation,
            article: 'Art. 43',
          },
        });
      });
      return { amountFen, balanceFen: amountFen, months, repayDays, status };
    },

    /** Art. 43: the notice delivered (SMS, post, in person, with the proof); the repayment deadline runs from it. */
    async recordRecoveryDelivery(input: {
      recoveryId: string;
      method: string;
      deliveredOn: string;
      proof: unknown;
      by: { id: string | null; username: string };
      dueDate: string;
      dueAt: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const r = await tx.recovery.update({
          where: { id: input.recoveryId },
          data: {
            status: 'awaiting_repayment',
            deliveryMethod: input.method,
            deliveredOn: dbDate(input.deliveredOn),
            deliveryProof: asJson(input.proof),
            deliveredBy: input.by.username,
            dueDate: dbDate(input.dueDate),
            dueAt: new Date(input.dueAt),
            updatedAt: at,
          },
        });
        await recordCaseEvent(tx, {
          caseNumber: r.caseNumber,
          key: `${input.recoveryId}/delivered`,
          type: 'recovery_notice_delivered',
          at,
          actor: input.by.username,
          data: { method: input.method, deliveredOn: input.deliveredOn, dueDate: input.dueDate, article: 'Art. 43' },
        });
        await audit(tx, {
          actor: input.by,
          action: 'recovery_notice_delivered',
          entity: 'recovery',
          entityId: input.recoveryId,
          caseNumber: r.caseNumber,
          after: { method: input.method, deliveredOn: input.deliveredOn, proof: input.proof },
          at,
        });
      });
    },

    /** Art. 43: a repayment finance confirmed; the balance is recounted from all repayments. Returns the balance. */
    async recordRepayment(input: {
      recoveryId: string;
      reference: string;
      amountFen: number;
      receivedOn: string;
      by: { id: string | null; username: string };
      at: string;
    }): Promise<number> {
      const at = new Date(input.at);
      return db.$transaction(async (tx) => {
        const inserted = await tx.repayment.createMany({
          data: [
            {
              recoveryId: input.recoveryId,
              reference: input.reference,
              amountFen: input.amountFen,
              receivedOn: dbDate(input.receivedOn),
              confirmedBy: input.by.username,
              confirmedAt: at,
            },
          ],
          skipDuplicates: true,
        });
        const r = await tx.recovery.findUniqueOrThrow({ where: { id: input.recoveryId } });
        const sum = await tx.repayment.aggregate({
          where: { recoveryId: input.recoveryId },
          _sum: { amountFen: true },
        });
        const balanceFen = r.amountFen - (sum._sum.amountFen ?? 0);
        await tx.recovery.update({ where: { id: input.recoveryId }, data: { balanceFen, updatedAt: at } });
        if (inserted.count) {
          await recordCaseEvent(tx, {
            caseNumber: r.caseNumber,
            key: `${input.recoveryId}/repayment/${input.reference}`,
            type: 'repayment_confirmed',
            at,
            actor: input.by.username,
            data: { amountFen: input.amountFen, receivedOn: input.receivedOn, balanceFen, article: 'Art. 43' },
          });
          await audit(tx, {
            actor: input.by,
            action: 'repayment_confirmed',
            entity: 'recovery',
            entityId: input.recoveryId,
            caseNumber: r.caseNumber,
            before: { balanceFen: balanceFen + input.amountFen },
            after: { amountFen: input.amountFen, reference: input.reference, balanceFen },
            at,
          });
        }
        return balanceFen;
      });
    },

    /** Where the recovery stands: repaid (closed), escalated to litigation, closed after the litigation task. */
    async recordRecoveryStatus(input: {
      recoveryId: string;
      status: RecoveryStatus;
      at: string;
      data?: Record<string, unknown>;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const r = await tx.recovery.update({
          where: { id: input.recoveryId },
          data: {
            status: input.status,
            updatedAt: at,
            ...(input.status === 'litigation' ? { litigationAt: at } : {}),
            ...(input.status === 'repaid' || input.status === 'closed' ? { closedAt: at } : {}),
          },
        });
        await recordCaseEvent(tx, {
          caseNumber: r.caseNumber,
          key: `${input.recoveryId}/${input.status}`,
          type: `recovery_${input.status}`,
          at,
          actor: 'system',
          data: { ...input.data, balanceFen: r.balanceFen, article: 'Art. 43' },
        });
      });
    },
  };
}
