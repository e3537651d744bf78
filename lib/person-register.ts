/**
 * The writes of the register of insured persons that several callers share (Art. 18, 22, 33): each within the
 * caller's transaction, with the person's history row (append-only) and the audit entry, so nothing is half-written.
 *
 * | write | callers | article |
 * | --- | --- | --- |
 * | `terminatePerson` | the employer's declaration, a clerk at a window (api/register/persons-router.ts); shared data: pension start, death record (activities/persons.ts `terminateFromSharedData`) | 22, 33 |
 * | `cancelEmployerRelations` | the employer's deregistration (api/register/router.ts) | 18 |
 */
import type { Prisma } from '../generated/prisma/client';
import { dbDate, isoDate } from './db';
import { audit } from './audit';
import { personStatusAfter } from '../domain/register/persons';
import { TERMINATION_REASON_LABELS, type PersonStatus, type TerminationReason } from '../domain/register/items';

type Tx = Prisma.TransactionClient;

export interface RegisterActor {
  id: string | null;
  username: string;
}

/** The sources of shared data that end insurance for good (Art. 22, 33, 7). */
export const TERMINATION_SOURCE_LABELS = {
  employer: '参保单位申报',
  window: '经办窗口',
  pension: '养老保险待遇领取信息（共享数据）',
  civil_affairs: '民政部门死亡信息（共享数据）',
} as const;
export type TerminationSource = keyof typeof TERMINATION_SOURCE_LABELS;

/** Who ended the relation, as `insurance_relation.ended_by` names it. */
const ENDED_BY: Record<TerminationSource, string> = {
  employer: 'employer',
  window: 'agency',
  pension: 'pension',
  civil_affairs: 'civil_affairs',
};

export type TerminationOutcome =
  | { outcome: 'terminated'; personNumber: string; endedRelations: string[] }
  | { outcome: 'already_terminated'; personNumber: string; reason: string; on: string }
  | { outcome: 'not_found' }
  | { outcome: 'before_hiring'; registerNumber: string; hiredOn: string };

/**
 * Art. 22, 33: the person retired, emigrated or died on `on`: every open relation ends (终止参保, `endedOn` = `on`)
 * and the insured status is cancelled (注销变更: status terminated, with the reason and day). The person's row is
 * locked, so two declarations at once end it once; a person terminated already is left as it is (the first record
 * stands). A day before the hiring of an open relation is refused: the relation cannot end before it began.
 */
export async function terminatePerson(
  tx: Tx,
  t: {
    personNumber: string;
    reason: TerminationReason;
    on: string;
    source: TerminationSource;
    actor: RegisterActor;
    at: Date;
    requestId?: string;
  },
): Promise<TerminationOutcome> {
  const [row] = await tx.$queryRaw<
    { status: PersonStatus; termination_reason: string | null; terminated_on: Date | null }[]
  >`
    SELECT status, termination_reason, terminated_on FROM insured_person WHERE person_number = ${t.personNumber} FOR UPDATE`;
  if (!row) return { outcome: 'not_found' };
  if (row.status === 'terminated') {
    return {
      outcome: 'already_terminated',
      personNumber: t.personNumber,
      reason: row.termination_reason ?? '',
      on: row.terminated_on ? isoDate(row.terminated_on) : '',
    };
  }
  const open = await tx.insuranceRelation.findMany({
    where: { personNumber: t.personNumber, status: 'insured' },
    orderBy: { id: 'asc' },
  });
  const tooEarly = open.find((r) => isoDate(r.hiredOn) > t.on);
  if (tooEarly)
    return { outcome: 'before_hiring', registerNumber: tooEarly.registerNumber, hiredOn: isoDate(tooEarly.hiredOn) };
  const reasonLabel = TERMINATION_REASON_LABELS[t.reason];
  for (const r of open) {
    await tx.insuranceRelation.update({
      where: { id: r.id },
      data: { status: 'terminated', endedOn: dbDate(t.on), endedBy: ENDED_BY[t.source], updatedAt: t.at },
    });
    await tx.personChange.create({
      data: {
        personNumber: t.personNumber,
        at: t.at,
        kind: 'terminated',
        article: '22',
        actorId: t.actor.id,
        actorName: t.actor.username,
        relationId: r.id,
        fields: ['status'],
        before: { status: 'insured', registerNumber: r.registerNumber },
        after: { status: 'terminated', registerNumber: r.registerNumber, endedOn: t.on, reason: t.reason },
      },
    });
  }
  await tx.insuredPerson.update({
    where: { personNumber: t.personNumber },
    data: { status: 'terminated', terminatedOn: dbDate(t.on), terminationReason: t.reason, updatedAt: t.at },
  });
  const after = { status: 'terminated', reason: t.reason, on: t.on, source: t.source };
  await tx.personChange.create({
    data: {
      personNumber: t.personNumber,
      at: t.at,
      kind: 'terminated',
      article: '33',
      actorId: t.actor.id,
      actorName: t.actor.username,
      fields: ['status'],
      before: { status: row.status },
      after,
    },
  });
  await audit(tx, {
    actor: t.actor,
    action: 'person.terminate',
    entity: 'insured_person',
    entityId: t.personNumber,
    before: { status: row.status },
    after: { ...after, endedRelations: open.map((r) => r.registerNumber) },
    reason: `第二十二条、第三十三条：${reasonLabel}（${TERMINATION_SOURCE_LABELS[t.source]}）`,
    ...(t.requestId ? { requestId: t.requestId } : {}),
    at: t.at,
  });
  return { outcome: 'terminated', personNumber: t.personNumber, endedRelations: open.map((r) => r.registerNumber) };
}

/**
 * Art. 18: the employer deregistered: every relation still open with it ends (注销, `endedOn` = the employer's end), in
 * the deregistration's transaction; a person left without an open relation is suspended (暂停参保). Returns the
 * persons whose relation ended.
 */
export async function cancelEmployerRelations(
  tx: Tx,
  c: { registerNumber: string; endedOn: string; actor: RegisterActor; at: Date; requestId?: string },
): Promise<string[]> {
  const open = await tx.insuranceRelation.findMany({
    where: { registerNumber: c.registerNumber, status: 'insured' },
    orderBy: { id: 'asc' },
  });
  const ended: string[] = [];
  for (const r of open) {
    // A relation begun after the employer's end (a late registration) ends the day it began.
    const endedOn = isoDate(r.hiredOn) > c.endedOn ? isoDate(r.hiredOn) : c.endedOn;
    await tx.insuranceRelation.update({
      where: { id: r.id },
      data: { status: 'cancelled', endedOn: dbDate(endedOn), updatedAt: c.at },
    });
    const person = await tx.insuredPerson.findUniqueOrThrow({
      where: { personNumber: r.personNumber },
      select: { status: true },
    });
    const stillOpen = await tx.insuranceRelation.count({ where: { personNumber: r.personNumber, status: 'insured' } });
    const status = personStatusAfter(person.status as PersonStatus, stillOpen);
    if (status !== person.status) {
      await tx.insuredPerson.update({ where: { personNumber: r.personNumber }, data: { status, updatedAt: c.at } });
    }
    await tx.personChange.create({
      data: {
        personNumber: r.personNumber,
        at: c.at,
        kind: 'cancelled',
        article: '18',
        actorId: c.actor.id,
        actorName: c.actor.username,
        relationId: r.id,
        fields: status !== person.status ? ['relation', 'status'] : ['relation'],
        before: { relation: 'insured', status: person.status, registerNumber: c.registerNumber },
        after: { relation: 'cancelled', status, registerNumber: c.registerNumber, endedOn },
      },
    });
    ended.push(r.personNumber);
  }
  if (ended.length) {
    await audit(tx, {
      actor: c.actor,
      action: 'person.relations_cancel',
      entity: 'employer',
      entityId: c.registerNumber,
      after: { status: 'cancelled', endedOn: c.endedOn, persons: ended.length },
      reason: '第十八条：参保单位注销登记，其参保人员的参保关系随之注销',
      ...(c.requestId ? { requestId: c.requestId } : {}),
      at: c.at,
    });
  }
  return ended;
}
