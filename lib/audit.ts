/**
 * The audit trail: who did what, when, to which record, with before and after. Append-only in the database.
 * Write it in the same transaction as the change it describes, so neither exists without the other.
 *
 * Hash chain (Art. 78 内部监督记录和台账, Art. 93 在系统内留痕): each row stores the SHA-256 of the row before it
 * (`prev_hash`) and its own `hash` over its content in canonical JSON (lib/canonical-json.ts), the previous hash
 * included. A row edited, deleted or inserted afterwards breaks the chain at that row; `verifyAuditChain` finds the
 * first break. The chain head (table audit_chain_head, one row) holds the last row's id and hash, so a deleted tail
 * is found too.
 *
 * Concurrency: a writer locks the head row (`SELECT … FOR UPDATE`) in its transaction, takes the next id, inserts,
 * and moves the head; the lock is held until its transaction ends. So writers queue on the head: the chain cannot
 * fork, and ids follow chain order (each id is drawn under the lock). Under READ COMMITTED (the default here) the
 * waiting writer re-reads the head the committed writer left; under REPEATABLE READ it would get a serialization
 * error instead of a fork. Cost: audited transactions are serialised from their audit write to their commit, so
 * audit as the last write of a transaction; a transaction that audits first and then locks a row another audited
 * transaction holds can deadlock (PostgreSQL aborts one). Measured here: a few ms per write; fine for human actions,
 * not for bulk writes.
 *
 * Existing rows at migration time (20261127001400_audit_chain_monitoring) are not chained: the chain starts at the
 * first row written after the migration; the head records `legacy_until_id`, and verification counts the rows up to
 * it as legacy (unprotected) rather than broken.
 */
import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import { canonicalJson } from './canonical-json';
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

type Tx = Db | Prisma.TransactionClient;

/** The content of a row that its hash covers (the stored values, as read back). */
export interface ChainedContent {
  id: bigint;
  at: Date;
  actorId: string | null;
  actorName: string;
  action: string;
  entity: string;
  entityId: string;
  caseNumber: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  prevHash: string | null;
}

/** SHA-256 (hex) of a row's canonical JSON, version-tagged so the format can change with a new version. */
export function auditRowHash(r: ChainedContent): string {
  const content = canonicalJson({
    v: 1,
    id: r.id.toString(),
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorName: r.actorName,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    caseNumber: r.caseNumber,
    before: r.before ?? null,
    after: r.after ?? null,
    reason: r.reason,
    requestId: r.requestId,
    prevHash: r.prevHash,
  });
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** The value as it is stored (JSONB) and read back; undefined → NULL. */
const stored = (v: unknown): Prisma.InputJsonValue | null => (v === undefined ? null : asJson(v));

async function appendChained(tx: Prisma.TransactionClient, e: AuditEntry): Promise<void> {
  // The chain head, locked until this transaction ends: concurrent writers queue here.
  const [head] = await tx.$queryRaw<{ last_hash: string | null }[]>`
    SELECT last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`;
  if (!head) throw new Error('audit_chain_head has no row: run the migrations');
  const [{ id } = { id: 0n }] = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id`;
  const before = stored(e.before);
  const after = stored(e.after);
  const row = {
    id,
    at: e.at ?? new Date(),
    actorId: e.actor.id,
    actorName: e.actor.username,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    caseNumber: e.caseNumber ?? null,
    reason: e.reason ?? null,
    requestId: e.requestId ?? null,
    prevHash: head.last_hash,
  };
  const hash = auditRowHash({ ...row, before, after });
  await tx.auditLog.create({
    data: { ...row, ...(before === null ? {} : { before }), ...(after === null ? {} : { after }), hash },
  });
  await tx.$executeRaw`
    UPDATE audit_chain_head SET last_id = ${id}, last_hash = ${hash}, updated_at = now() WHERE id = 1`;
}

/**
 * Appends an entry to the audit trail. Given a transaction, it joins it (and holds the chain head until it commits);
 * given the client, it writes in a transaction of its own.
 */
export async function audit(tx: Tx, e: AuditEntry): Promise<void> {
  if ('$transaction' in tx) {
    // Waiting for the chain head counts against the transaction's time: allow for a queue of writers.
    await tx.$transaction((t) => appendChained(t, e), { maxWait: 10_000, timeout: 20_000 });
    return;
  }
  await appendChained(tx, e);
}

export interface AuditVerification {
  ok: boolean;
  /** Rows checked (legacy ones included). */
  rows: number;
  /** Rows written before the chain started (not protected by it). */
  legacyRows: number;
  /** The head: the last chained row's id and hash, as recorded when it was written. */
  head: { lastId: string | null; lastHash: string | null };
  firstBroken: { id: string; reason: AuditBreak } | null;
}

export type AuditBreak =
  /** The row's content does not give its stored hash: edited after it was written. */
  | 'hash_mismatch'
  /** The row does not name the previous row's hash: a row before it was deleted, or inserted, or reordered. */
  | 'prev_hash_mismatch'
  /** A row after the chain started without a hash: written around lib/audit.ts. */
  | 'unchained'
  /** The head names a row that is not there or has another hash: the tail was deleted or replaced. */
  | 'head_mismatch';

/**
 * Walks the chain in id order, up to the head as it is when the walk starts (rows written meanwhile are left for the
 * next check), in pages, outside a long transaction.
 */
export async function verifyAuditChain(db: Db, opts: { pageSize?: number } = {}): Promise<AuditVerification> {
  const pageSize = opts.pageSize ?? 2_000;
  const [head] = await db.$queryRaw<{ last_id: bigint | null; last_hash: string | null; legacy_until_id: bigint }[]>`
    SELECT last_id, last_hash, legacy_until_id FROM audit_chain_head WHERE id = 1`;
  if (!head) throw new Error('audit_chain_head has no row: run the migrations');
  const until = head.last_id ?? head.legacy_until_id;
  const result = (firstBroken: AuditVerification['firstBroken'], rows: number, legacyRows: number) => ({
    ok: firstBroken === null,
    rows,
    legacyRows,
    head: { lastId: head.last_id?.toString() ?? null, lastHash: head.last_hash },
    firstBroken,
  });

  let rows = 0;
  let legacyRows = 0;
  let prev: { id: bigint; hash: string | null } | null = null;
  let after = 0n;
  for (;;) {
    const page = await db.auditLog.findMany({
      where: { id: { gt: after, lte: until } },
      orderBy: { id: 'asc' },
      take: pageSize,
    });
    for (const r of page) {
      rows += 1;
      if (r.id <= head.legacy_until_id) {
        legacyRows += 1;
        prev = { id: r.id, hash: r.hash };
        continue;
      }
      const broken = (reason: AuditBreak) => result({ id: r.id.toString(), reason }, rows, legacyRows);
      if (r.hash === null) return broken('unchained');
      // The first chained row follows the legacy rows (or nothing): it names no previous hash.
      const expectedPrev = prev && prev.id > head.legacy_until_id ? prev.hash : null;
      if (r.prevHash !== expectedPrev) return broken('prev_hash_mismatch');
      if (auditRowHash(r) !== r.hash) return broken('hash_mismatch');
      prev = { id: r.id, hash: r.hash };
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  if (head.last_id !== null && (prev?.id !== head.last_id || prev.hash !== head.last_hash)) {
    return result({ id: head.last_id.toString(), reason: 'head_mismatch' }, rows, legacyRows);
  }
  return result(null, rows, legacyRows);
}
