/**
 * The documents a case's materials are supplied with (Art. 14, 84, 85), on the activity side: what the one-time notice
 * (Art. 37) need not ask for because a valid one is held already (Art. 85), and the documents a step took. Called by
 * the materials' activities (activities/benefits.ts), so the workflows' activity types stay as they were.
 */
import { findParameter } from '../domain/policy';
import { heldDocumentFor } from '../domain/documents';
import { shanghaiDate } from '../domain/business-time';
import { applicantOf } from '../lib/case-store';
import type { PolicyStore } from '../lib/policy-store';
import { asJson, type Db } from '../lib/db';
import { recordCaseEvent } from '../lib/case-events';

/**
 * Art. 85 业务资料简化: of the materials `kinds` asked for `caseNumber`, those a document already held for the same
 * person answers (same kind, taken by a step, still valid by policy `documentValidity`); each is recorded as supplied
 * on the case (by `held`, naming the document) and its timeline says so. Returns the kinds answered.
 */
export async function takeHeldDocuments(
  db: Db,
  policies: PolicyStore,
  input: { caseNumber: string; kinds: string[]; at: string },
): Promise<string[]> {
  const person = await applicantOf(db, input.caseNumber);
  if (!person || !input.kinds.length) return [];
  const rows = await db.document.findMany({
    where: { personIdNumber: person.idNumber, kind: { in: input.kinds }, usedAt: { not: null } },
    select: { id: true, kind: true, caseNumber: true, usedAt: true },
  });
  if (!rows.length) return [];
  const today = shanghaiDate(Date.parse(input.at));
  const policy = await policies.current();
  const docs = rows.map((r) => ({ ...r, usedOn: r.usedAt ? shanghaiDate(r.usedAt.getTime()) : null }));
  const held: { kind: string; documentId: string; from: string }[] = [];
  for (const kind of input.kinds) {
    const validity = findParameter(policy, 'documentValidity', kind, today)?.value.validityMonths;
    const d = heldDocumentFor(kind, input.caseNumber, docs, validity, today);
    if (d) held.push({ kind, documentId: d.id, from: d.caseNumber });
  }
  if (!held.length) return [];
  await db.$transaction(async (tx) => {
    for (const h of held) {
      await tx.caseMaterial.updateMany({
        where: { caseNumber: input.caseNumber, kind: h.kind, status: 'requested' },
        data: {
          status: 'supplied',
          suppliedAt: new Date(input.at),
          suppliedBy: 'held',
          meta: asJson({ documents: [h.documentId], heldFrom: h.from, article: 'Art. 85' }),
        },
      });
    }
    await recordCaseEvent(tx, {
      caseNumber: input.caseNumber,
      key: `${input.caseNumber}/materials_held/${input.at}`,
      type: 'materials_held',
      at: new Date(input.at),
      actor: 'system',
      data: { materials: held.map((h) => h.kind), documents: held.map((h) => h.documentId), article: 'Art. 85' },
    });
  });
  return held.map((h) => h.kind);
}

/** The documents a step took as the materials supplied (Art. 37): held from now on (Art. 85), named on the material. */
export async function recordDocumentsTaken(
  db: Db,
  input: { caseNumber: string; documents: string[]; at: string },
): Promise<void> {
  if (!input.documents.length) return;
  const docs = await db.document.findMany({
    where: { id: { in: input.documents }, caseNumber: input.caseNumber },
    select: { id: true, kind: true },
  });
  await db.$transaction(async (tx) => {
    await tx.document.updateMany({
      where: { id: { in: docs.map((d) => d.id) }, usedAt: null },
      data: { usedAt: new Date(input.at) },
    });
    for (const kind of new Set(docs.map((d) => d.kind))) {
      await tx.caseMaterial.updateMany({
        where: { caseNumber: input.caseNumber, kind },
        data: { meta: asJson({ documents: docs.filter((d) => d.kind === kind).map((d) => d.id) }) },
      });
    }
  });
}
