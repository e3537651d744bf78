/**
 * Activities of the recovery case (待遇退回, Art. 43): its read model, the stops of a period it stands on, and the amount
 * overpaid from the payment ledger with the calculator's explanation. The objection's are in activities/objections.ts.
 */
import { Prisma } from '../generated/prisma/client';
import { calculateOverpayment, type PaymentKind } from '../domain/calculators/overpayment';
import { resolveParameter } from '../domain/policy';
import type { PolicyStore } from '../lib/policy-store';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';
import {
  ensurePeriodStop,
  overpaidPayments,
  redatePeriodStop,
  type PaidItem,
  type RecordedStop,
} from '../lib/period-stops';
import type { RecoveryInput, RecoveryStatus, StopFoundBy } from '../contracts/recovery';

export interface RecoveryActivityDeps {
  db: Db;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
}

/** Ledger kinds as the overpayment calculator names them. */
const LEDGER_KIND: Record<string, PaymentKind> = {
  unemployment_benefit: 'unemployment_benefit',
  medical_premium: 'medical_insurance_premium',
};

export interface OpenedRecovery {
  amountFen: number;
  balanceFen: number;
  /** What was repaid already (a recovery re-computed for an earlier stop date keeps it, Art. 43). */
  repaidFen: number;
  months: string[];
  /** Art. 43: the days the notice gives to repay (policy art43.repayment). */
  repayDays: number;
  status: RecoveryStatus;
  /** The stop date the amount is counted from. */
  stopDate: string;
  /** Re-computed for a stop re-dated earlier (the person is told the new amount). */
  recomputed: boolean;
}

/** Art. 43: the days the notice gives to repay (policy art43.repayment) on `at`'s date. */
async function repaymentDays(policies: PolicyStore, at: string): Promise<number> {
  const repayment = resolveParameter(await policies.current(), 'deadline', 'art43.repayment', at.slice(0, 10)).value;
  return repayment.unit === 'days' ? repayment.amount : 30;
}

/** The calculator over the ledger's payments (domain/calculators/overpayment.ts), with its explanation. */
function overpaymentOf(
  stopDate: string,
  overpaidFromMonth: string | undefined,
  paid: PaidItem[],
  policy: Awaited<ReturnType<PolicyStore['current']>>,
  at: string,
) {
  return calculateOverpayment(
    {
      stopDate,
      ...(overpaidFromMonth ? { overpaidFromMonth } : {}),
      payments: paid.map((p) => ({
        kind: LEDGER_KIND[p.kind] ?? 'other',
        month: p.month,
        amountFen: p.amountFen,
        reference: p.paymentId,
      })),
    },
    policy,
    at.slice(0, 10),
  );
}

/** See `recomputeRecovery`. Idempotent: a recovery whose stop date is that already is returned as it stands. */
async function recompute(
  { db, policy: policies }: RecoveryActivityDeps,
  input: {
    recoveryId: string;
    stopDate: string;
    by: { id: string | null; username: string };
    reason: string;
    at: string;
  },
): Promise<Omit<OpenedRecovery, 'repayDays' | 'status'>> {
  const at = new Date(input.at);
  const policy = await policies.current();
  return db.$transaction(async (tx) => {
    const r = await tx.recovery.findUniqueOrThrow({ where: { id: input.recoveryId } });
    const before = {
      stopDate: isoDate(r.stopDate),
      amountFen: r.amountFen,
      balanceFen: r.balanceFen,
      months: [...new Set((r.items as { month: string }[]).map((i) => i.month))],
    };
    if (before.stopDate === input.stopDate) {
      return { ...before, repaidFen: r.amountFen - r.balanceFen, recomputed: false };
    }
    // A revoked determination is recovered from its month on; any other stop after its month (Art. 43).
    const overpaidFromMonth = r.origin === 'revocation' ? input.stopDate.slice(0, 7) : undefined;
    const paid = await overpaidPayments(tx, {
      recoveryId: r.id,
      caseNumber: r.caseNumber,
      periodId: r.periodId,
      stopDate: input.stopDate,
      ...(overpaidFromMonth ? { overpaidFromMonth } : {}),
    });
    const calc = overpaymentOf(input.stopDate, overpaidFromMonth, paid, policy, input.at);
    const amountFen = calc.result.totalFen;
    const repaid = await tx.repayment.aggregate({ where: { recoveryId: r.id }, _sum: { amountFen: true } });
    const repaidFen = repaid._sum.amountFen ?? 0;
    const balanceFen = Math.max(0, amountFen - repaidFen);
    const months = [...new Set(paid.map((p) => p.month))];
    const settled = balanceFen === 0;
    await tx.recovery.update({
      where: { id: r.id },
      data: {
        stopDate: dbDate(input.stopDate),
        amountFen,
        balanceFen,
        items: asJson(paid),
        explanation: asJson(calc.explanation),
        // A new amount is a new notice (Art. 43: 追返通知送达): its delivery starts the 30 days again.
        status: settled ? 'repaid' : 'awaiting_delivery',
        deliveryMethod: null,
        deliveredOn: null,
        deliveryProof: Prisma.DbNull,
        deliveredBy: null,
        dueDate: null,
        dueAt: null,
        closedAt: settled ? at : null,
        updatedAt: at,
      },
    });
    if (r.stopId) {
      await redatePeriodStop(tx, { stopId: r.stopId, to: input.stopDate, by: input.by, reason: input.reason, at });
    }
    const after = { stopDate: input.stopDate, amountFen, balanceFen, repaidFen, months };
    await recordCaseEvent(tx, {
      caseNumber: r.caseNumber,
      key: `${r.id}/recomputed/${input.stopDate}`,
      type: 'overpayment_recomputed',
      at,
      actor: input.by.username,
      data: { recoveryId: r.id, stopId: r.stopId, before, after, explanation: calc.explanation, article: 'Art. 43' },
    });
    await audit(tx, {
      actor: input.by,
      action: 'recovery_recomputed',
      entity: 'recovery',
      entityId: r.id,
      caseNumber: r.caseNumber,
      before,
      after,
      reason: input.reason,
      at,
    });
    return { ...after, recomputed: true };
  });
}

/** Art. 38 para 2, 42, 43: what a benefit period records of its stops and corrected amounts. */
function periodRecords(db: Db) {
  return {
    /**
     * Art. 42, 43: a stop of the period recorded (once per reason and date first found; who found it), answering its
     * number, the recovery that stands on it, and whether anything was paid for the months it makes overpaid that no
     * other recovery of the claim takes. A claim without a period row answers null.
     */
    async recordPeriodStop(input: {
      periodId: string;
      caseNumber: string;
      reason: string;
      date: string;
      foundBy: StopFoundBy;
      /** A revoked determination: overpaid from this month, itself included (else: after the stop's month). */
      overpaidFromMonth?: string;
      at: string;
    }): Promise<(RecordedStop & { overpaid: boolean; agencyCode: string }) | null> {
      const at = new Date(input.at);
      return db.$transaction(async (tx) => {
        const period = await tx.benefitPeriod.findUnique({
          where: { id: input.periodId },
          select: { id: true, agencyCode: true },
        });
        if (!period) return null;
        const stop = await ensurePeriodStop(tx, { ...input, at });
        const items = await overpaidPayments(tx, {
          recoveryId: stop.recoveryId,
          caseNumber: input.caseNumber,
          periodId: input.periodId,
          stopDate: stop.stopDate,
          ...(input.overpaidFromMonth ? { overpaidFromMonth: input.overpaidFromMonth } : {}),
        });
        return { ...stop, overpaid: items.length > 0, agencyCode: period.agencyCode };
      });
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
  };
}

export function recoveryActivities(deps: RecoveryActivityDeps) {
  const { db, policy: policies } = deps;
  return {
    ...periodRecords(db),

    /**
     * Art. 43: the recovery opens with the amount overpaid: every payment of the ledger (benefit and medical premium)
     * paid for a month the stop makes overpaid and no other recovery of the claim takes, with the calculator's
     * explanation; it stands on its stop (recorded here when the stop came without its number: runs started before).
     * Idempotent: an existing recovery is returned as it stands; one started again for its stop re-dated earlier
     * (`redateReason`) is re-computed.
     */
    async openRecovery(input: RecoveryInput & { at: string }): Promise<OpenedRecovery> {
      const repayDays = await repaymentDays(policies, input.at);
      const existing = await db.recovery.findUnique({ where: { id: input.recoveryId } });
      if (existing && isoDate(existing.stopDate) !== input.stopDate && input.redateReason) {
        const r = await recompute(deps, {
          recoveryId: input.recoveryId,
          stopDate: input.stopDate,
          by: { id: null, username: input.startedBy },
          reason: input.redateReason,
          at: input.at,
        });
        return { ...r, repayDays, status: r.balanceFen > 0 ? 'awaiting_delivery' : 'repaid' };
      }
      if (existing) {
        return {
          amountFen: existing.amountFen,
          balanceFen: existing.balanceFen,
          months: [...new Set((existing.items as { month: string }[]).map((i) => i.month))],
          repaidFen: existing.amountFen - existing.balanceFen,
          repayDays,
          status: existing.status as RecoveryStatus,
          stopDate: isoDate(existing.stopDate),
          recomputed: false,
        };
      }
      const at = new Date(input.at);
      const policy = await policies.current();
      return db.$transaction(async (tx) => {
        // The stop it stands on (Art. 43: 符合停发条件): named by the run, or the period's stop of that date (a run
        // started before stops were kept), unless another recovery stands on it already (one per stop).
        const named = input.stopId
          ? await tx.periodStop.findUnique({ where: { id: input.stopId } })
          : input.periodId
            ? await tx.periodStop.findFirst({
                where: {
                  periodId: input.periodId,
                  OR: [{ stopDate: dbDate(input.stopDate) }, { foundDate: dbDate(input.stopDate) }],
                },
                orderBy: { seq: 'asc' },
              })
            : null;
        const taken =
          named && (await tx.recovery.count({ where: { stopId: named.id, id: { not: input.recoveryId } } })) > 0;
        const stop = taken ? null : named;
        // An auditor's earlier date for a stop without its recovery yet: the stop is re-dated with it (Art. 43).
        if (stop && isoDate(stop.stopDate) !== input.stopDate && input.stopDate < isoDate(stop.stopDate)) {
          await redatePeriodStop(tx, {
            stopId: stop.id,
            to: input.stopDate,
            by: { id: null, username: input.startedBy },
            reason: input.redateReason ?? '稽核发现停发情形发生日期早于原记录',
            at,
          });
        }
        const paid = await overpaidPayments(tx, {
          recoveryId: input.recoveryId,
          caseNumber: input.caseNumber,
          periodId: input.periodId,
          stopDate: input.stopDate,
          ...(input.overpaidFromMonth ? { overpaidFromMonth: input.overpaidFromMonth } : {}),
        });
        const months = [...new Set(paid.map((p) => p.month))];
        const calc = overpaymentOf(input.stopDate, input.overpaidFromMonth, paid, policy, input.at);
        const amountFen = calc.result.totalFen;
        const status: RecoveryStatus = amountFen > 0 ? 'awaiting_delivery' : 'closed';
        await tx.recovery.createMany({
          data: [
            {
              id: input.recoveryId,
              caseNumber: input.caseNumber,
              agencyCode: input.agencyCode,
              periodId: input.periodId,
              stopId: stop?.id ?? null,
              origin: input.origin,
              stopDate: dbDate(input.stopDate),
              amountFen,
              balanceFen: amountFen,
              items: asJson(paid),
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
            stopId: stop?.id ?? null,
            amountFen,
            stopDate: input.stopDate,
            months,
            explanation: calc.explanation,
            article: 'Art. 43',
          },
        });
        return {
          amountFen,
          balanceFen: amountFen,
          months,
          repaidFen: 0,
          repayDays,
          status,
          stopDate: input.stopDate,
          recomputed: false,
        };
      });
    },

    /**
     * Art. 43: the stop re-dated earlier by an auditor (the condition began before the date first recorded): the
     * amount re-computed from the ledger with the months that date adds, what was repaid still counted, the delivery
     * to be made again for the new amount; the stop's date follows; audited with the amounts before and after.
     */
    async recomputeRecovery(input: {
      recoveryId: string;
      stopDate: string;
      by: { id: string | null; username: string };
      reason: string;
      at: string;
    }): Promise<Omit<OpenedRecovery, 'status'>> {
      return { ...(await recompute(deps, input)), repayDays: await repaymentDays(policies, input.at) };
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
          key: `${input.recoveryId}/delivered/${input.at}`, // a re-computed amount is delivered again
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
      /** The person whose decision moved it (the auditor after litigation); absent: the system (the deadline, a repayment). */
      actor?: string;
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
          actor: input.actor ?? 'system',
          data: { ...input.data, balanceFen: r.balanceFen, article: 'Art. 43' },
        });
      });
    },
  };
}
