/**
 * The timeline of a case (table case_event): what happened, when, by whom. Each event has a key, so an activity that
 * Temporal retries writes it once.
 */
import type { Prisma } from '../generated/prisma/client';
import { asJson } from './db';

export interface CaseEventInput {
  caseNumber: string;
  key: string;
  type: string;
  at: Date;
  actor: string;
  data?: unknown;
}

type Tx = Pick<Prisma.TransactionClient, 'caseEvent'>;

export function caseEventRow(e: CaseEventInput): Prisma.CaseEventCreateManyInput {
  return { caseNumber: e.caseNumber, eventKey: e.key, type: e.type, at: e.at, actor: e.actor, data: asJson(e.data) };
}

export async function recordCaseEvent(tx: Tx, e: CaseEventInput): Promise<void> {
  await tx.caseEvent.createMany({ data: [caseEventRow(e)], skipDuplicates: true });
}

/** Art. 39: the event of a corrected card or account on a case (the account itself stays on the application row). */
export function accountCorrectedEvent(c: {
  caseNumber: string;
  method: string;
  actor: { username: string };
  reason: string;
  at: string;
}): CaseEventInput {
  return {
    caseNumber: c.caseNumber,
    key: `${c.caseNumber}/account_corrected/${c.at}`,
    type: 'account_corrected',
    at: new Date(c.at),
    actor: c.actor.username,
    data: { method: c.method, reason: c.reason, article: 'Art. 39' },
  };
}
