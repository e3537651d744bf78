/**
 * The stops of a benefit period (停发, Art. 42) and the recoveries standing on them (待遇退回, Art. 43) in the read
 * model: one row per stop, numbered per period, with who found it; one recovery per stop, each payment of the ledger in
 * one recovery only. Shared by the activities that record stops and recoveries and by the API that shows them.
 */
import type { Prisma } from '../generated/prisma/client';
import { STOP_REASON_LABELS } from '../domain/messages';
import { RECOVERY_STATUS_LABELS, STOP_FOUND_BY_LABELS } from '../domain/period-stops';
import { recoveryIdOf, stopIdOf, type StopFoundBy } from '../contracts/recovery';
import { audit } from './audit';
import { recordCaseEvent } from './case-events';
import { asJson, dbDate, isoDate, type Db } from './db';

type Tx = Prisma.TransactionClient;

export interface StopToRecord {
  periodId: string;
  caseNumber: string;
  reason: string;
  /** The stop's date as found. */
  date: string;
  foundBy: StopFoundBy;
  at: Date;
}

export interface RecordedStop {
  stopId: string;
  seq: number;
  /** The recovery that stands on this stop, when there is one to open (Art. 43). */
  recoveryId: string;
  /** The stop's date in force (an auditor may have re-dated it earlier). */
  stopDate: string;
  reason: string;
  /** Whether this call recorded it (false: it was recorded already, by whoever found it first). */
  created: boolean;
}

/** Locks the period's row for the rest of the transaction: stops are numbered and payments taken one at a time. */
async function lockPeriod(tx: Tx, periodId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM benefit_period WHERE id = ${periodId} FOR UPDATE`;
}

/**
 * Art. 42: the stop of the period, recorded once however often it is told (its identity: the reason and the date it
 * was first found), numbered in the order found, with who found it, and on the claim's timeline.
 */
export async function ensurePeriodStop(tx: Tx, s: StopToRecord): Promise<RecordedStop> {
  await lockPeriod(tx, s.periodId);
  const existing = await tx.periodStop.findUnique({
    where: { periodId_reason_foundDate: { periodId: s.periodId, reason: s.reason, foundDate: dbDate(s.date) } },
  });
  if (existing) {
    return {
      stopId: existing.id,
      seq: existing.seq,
      recoveryId: recoveryIdOf(existing.caseNumber, existing.seq),
      stopDate: isoDate(existing.stopDate),
      reason: existing.reason,
      created: false,
    };
  }
  const last = await tx.periodStop.aggregate({ where: { periodId: s.periodId }, _max: { seq: true } });
  const seq = (last._max.seq ?? 0) + 1;
  const stopId = stopIdOf(s.caseNumber, seq);
  await tx.periodStop.create({
    data: {
      id: stopId,
      periodId: s.periodId,
      caseNumber: s.caseNumber,
      seq,
      reason: s.reason,
      foundDate: dbDate(s.date),
      stopDate: dbDate(s.date),
      foundBy: s.foundBy.kind,
      foundRef: s.foundBy.ref ?? null,
      foundAt: s.at,
    },
  });
  // Art. 42: the stop on the case's timeline, whoever found it (once per reason and date).
  await recordCaseEvent(tx, {
    caseNumber: s.caseNumber,
    key: `${s.caseNumber}/benefit_stopped/${s.reason}/${s.date}`,
    type: 'benefit_stopped',
    at: s.at,
    actor: s.foundBy.kind === 'report' && s.foundBy.ref ? s.foundBy.ref : 'system',
    data: {
      stopId,
      reason: s.reason,
      label: STOP_REASON_LABELS[s.reason] ?? s.reason,
      date: s.date,
      foundBy: s.foundBy,
      article: 'Art. 42',
    },
  });
  return {
    stopId,
    seq,
    recoveryId: recoveryIdOf(s.caseNumber, seq),
    stopDate: s.date,
    reason: s.reason,
    created: true,
  };
}

/**
 * Art. 43: the stop re-dated earlier (an auditor found the condition began before the date first recorded): the
 * period's row follows when it is the stop that stopped it; the redate is kept on the stop and audited.
 */
export async function redatePeriodStop(
  tx: Tx,
  r: { stopId: string; to: string; by: { id: string | null; username: string }; reason: string; at: Date },
): Promise<{ from: string } | null> {
  const stop = await tx.periodStop.findUniqueOrThrow({ where: { id: r.stopId } });
  const from = isoDate(stop.stopDate);
  if (from === r.to) return null;
  await tx.periodStop.update({
    where: { id: r.stopId },
    data: {
      stopDate: dbDate(r.to),
      redates: asJson([
        ...((stop.redates as unknown[]) ?? []),
        { from, to: r.to, by: r.by.username, reason: r.reason, at: r.at.toISOString() },
      ]),
    },
  });
  await tx.benefitPeriod.updateMany({
    where: { id: stop.periodId, stopReason: stop.reason, stopDate: stop.stopDate },
    data: { stopDate: dbDate(r.to), updatedAt: r.at },
  });
  await recordCaseEvent(tx, {
    caseNumber: stop.caseNumber,
    key: `${r.stopId}/redated/${r.to}`,
    type: 'stop_redated',
    at: r.at,
    actor: r.by.username,
    data: { stopId: r.stopId, from, to: r.to, reason: r.reason, article: 'Art. 42, 43' },
  });
  await audit(tx, {
    actor: r.by,
    action: 'stop_redated',
    entity: 'period_stop',
    entityId: r.stopId,
    caseNumber: stop.caseNumber,
    before: { stopDate: from },
    after: { stopDate: r.to },
    reason: r.reason,
    at: r.at,
  });
  return { from };
}

export interface PaidItem {
  paymentId: string;
  kind: string;
  month: string;
  amountFen: number;
  paidAt: string | null;
}

/**
 * Art. 43: what was paid for the months a stop makes overpaid (after its month; from it for a revoked determination),
 * benefit and medical premium, less what another recovery of the claim takes already (each payment recovered once).
 * Call inside the transaction that writes the recovery: the period is locked.
 */
export async function overpaidPayments(
  tx: Tx,
  q: {
    recoveryId: string;
    caseNumber: string;
    periodId: string | null;
    stopDate: string;
    overpaidFromMonth?: string;
  },
): Promise<PaidItem[]> {
  if (q.periodId) await lockPeriod(tx, q.periodId);
  const paid = await tx.payable.findMany({
    where: {
      ...(q.periodId ? { periodId: q.periodId } : { caseNumber: q.caseNumber }),
      status: 'paid',
      month: q.overpaidFromMonth ? { gte: q.overpaidFromMonth } : { gt: q.stopDate.slice(0, 7) },
    },
    orderBy: [{ month: 'asc' }, { kind: 'asc' }],
  });
  const others = await tx.recovery.findMany({
    where: { caseNumber: q.caseNumber, id: { not: q.recoveryId } },
    select: { items: true },
  });
  const taken = new Set(others.flatMap((o) => ((o.items as { paymentId?: string }[]) ?? []).map((i) => i.paymentId)));
  return paid
    .filter((p) => !taken.has(p.paymentId))
    .map((p) => ({
      paymentId: p.paymentId,
      kind: p.kind,
      month: p.month,
      amountFen: p.amountFen,
      paidAt: p.paidAt?.toISOString() ?? null,
    }));
}

export interface StopView {
  stopId: string;
  seq: number;
  reason: string;
  reasonLabel: string;
  /** The stop's date in force. */
  date: string;
  /** The date first found (differs once re-dated). */
  foundDate: string;
  foundBy: { kind: string; ref: string | null; label: string };
  foundAt: string;
  /** in_force, or lifted on objection (Art. 13, 42 para 2: the period paid again). */
  status: 'in_force' | 'lifted';
  liftedBy: string | null;
  redates: unknown[];
  recoveryIds: string[];
}

export interface RecoveryListItem {
  recoveryId: string;
  stopId: string | null;
  stopDate: string;
  origin: string;
  amountFen: number;
  repaidFen: number;
  balanceFen: number;
  status: string;
  statusLabel: string;
  deliveredOn: string | null;
  dueDate: string | null;
  createdAt: string;
}

/** The stops of the claim's period, oldest first, each in force or lifted, and every recovery of the claim. */
export async function stopsAndRecoveriesOf(
  db: Db,
  caseNumber: string,
): Promise<{ stops: StopView[]; recoveries: RecoveryListItem[] }> {
  const [stops, recoveries, resumed] = await Promise.all([
    db.periodStop.findMany({ where: { caseNumber }, orderBy: { seq: 'asc' } }),
    db.recovery.findMany({ where: { caseNumber }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    db.caseEvent.findMany({ where: { caseNumber, type: 'payments_resumed' }, orderBy: { at: 'asc' } }),
  ]);
  return {
    stops: stops.map((s) => {
      const dates = [isoDate(s.foundDate), isoDate(s.stopDate)];
      // A stop lifted on objection: the period paid again past it (workflows/objection-review.ts resumePeriod).
      const lifted = resumed.find((e) => {
        const d = (e.data ?? {}) as { dismissedStop?: { reason?: string; date?: string }; objection?: string };
        return e.at >= s.foundAt && d.dismissedStop?.reason === s.reason && dates.includes(d.dismissedStop.date ?? '');
      });
      return {
        stopId: s.id,
        seq: s.seq,
        reason: s.reason,
        reasonLabel: STOP_REASON_LABELS[s.reason] ?? s.reason,
        date: isoDate(s.stopDate),
        foundDate: isoDate(s.foundDate),
        foundBy: { kind: s.foundBy, ref: s.foundRef, label: STOP_FOUND_BY_LABELS[s.foundBy] ?? s.foundBy },
        foundAt: s.foundAt.toISOString(),
        status: lifted ? 'lifted' : 'in_force',
        liftedBy: lifted ? (((lifted.data ?? {}) as { objection?: string }).objection ?? null) : null,
        redates: (s.redates as unknown[]) ?? [],
        recoveryIds: recoveries.filter((r) => r.stopId === s.id).map((r) => r.id),
      };
    }),
    recoveries: recoveries.map((r) => ({
      recoveryId: r.id,
      stopId: r.stopId,
      stopDate: isoDate(r.stopDate),
      origin: r.origin,
      amountFen: r.amountFen,
      repaidFen: r.amountFen - r.balanceFen,
      balanceFen: r.balanceFen,
      status: r.status,
      statusLabel: RECOVERY_STATUS_LABELS[r.status] ?? r.status,
      deliveredOn: r.deliveredOn ? isoDate(r.deliveredOn) : null,
      dueDate: r.dueDate ? isoDate(r.dueDate) : null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
