/**
 * The audit trail: who did what, when, to which record, with before and after. Append-only in the database.
 * Write it in the same transaction as the change it describes, so neither exists without the other.
 */
import type { Prisma } from '../generated/prisma/client';
import { asJson, type Db } from './db';

export interface AuditEntry {
  actor: { id: string | null; username: string };
  action: string;
  entity: string;
  entityId: string;
  caseNumber?: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
  requestId?: string;
  at?: Date;
}

type Tx = Pick<Db, 'auditLog'> | Prisma.TransactionClient;

const json = (v: unknown) => (v === undefined ? undefined : asJson(v));

export async function audit(tx: Tx, e: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      at: e.at ?? new Date(),
      actorId: e.actor.id,
      actorName: e.actor.username,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId,
      caseNumber: e.caseNumber ?? null,
      before: json(e.before),
      after: json(e.after),
      reason: e.reason ?? null,
      requestId: e.requestId ?? null,
    },
  });
}
