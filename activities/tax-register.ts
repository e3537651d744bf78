/**
 * 信息实时交互 (Art. 23): the register's changes passed to the tax platform through the data-sharing platform. The
 * outbox `tax_register_message` is written by triggers on the register's two history tables in the transaction of
 * each change (prisma/migrations/20261211004000_tax_register_push), so a change committed is a message kept, and a
 * change rolled back is none. This activity delivers them:
 *
 * - in id order, one message per transaction under the outbox's lock: two pushes at once deliver one after the other,
 *   and a message is marked delivered only after tax answered it;
 * - once per message ID (`UR-<id>`): a repeat after a lost answer is answered `duplicate` by tax and marked so;
 * - a failure stops the batch at that message (the later ones wait: tax gets a person's changes in order), is counted
 *   on the row with its code (never personal data) and thrown, so Temporal retries it.
 *
 * The message is built from the history row (what changed) and the register as it stands (who); it goes to tax and
 * nowhere else: the activity returns counts.
 */
import type { SourceClients } from '../integrations/config';
import type { RegisterMessage } from '../integrations/tax';
import { SourceError, toActivityFailure } from '../integrations/errors';
import { isoDate, sqlOf, type Db } from '../lib/db';
import { callOptions } from './source-call';

const OUTBOX_LOCK = 'tax-register-message';

interface OutboxRow {
  id: string;
  subject: 'employer' | 'person' | 'relation';
  kind: string;
  register_number: string | null;
  person_number: string | null;
  employer_change_id: string | null;
  person_change_id: string | null;
  relation_id: string | null;
  occurred_at: Date;
}

export const registerMessageId = (id: string | number | bigint) => `UR-${String(id)}`;

export function taxRegisterActivities({ db, sources }: { db: Db; sources: SourceClients }) {
  const pool = sqlOf(db);

  async function employerOf(registerNumber: string): Promise<RegisterMessage['employer']> {
    const e = await db.employer.findUniqueOrThrow({ where: { registerNumber } });
    return {
      registerNumber: e.registerNumber,
      codeType: e.codeType,
      code: e.code,
      name: e.name,
      agencyCode: e.agencyCode,
      status: e.status,
      insuredSince: isoDate(e.insuredSince),
      endedOn: e.endedOn ? isoDate(e.endedOn) : null,
    };
  }

  /** The message of an outbox row: what changed (the history row's items), who (the register as it stands). */
  async function messageOf(row: OutboxRow): Promise<RegisterMessage> {
    const base = {
      messageId: registerMessageId(row.id),
      subject: row.subject,
      kind: row.kind,
      occurredAt: row.occurred_at.toISOString(),
    };
    if (row.subject === 'employer') {
      const change = await db.employerChange.findUniqueOrThrow({ where: { id: BigInt(row.employer_change_id!) } });
      return { ...base, fields: change.fields, employer: await employerOf(row.register_number!) };
    }
    const change = await db.personChange.findUniqueOrThrow({ where: { id: BigInt(row.person_change_id!) } });
    const p = await db.insuredPerson.findUniqueOrThrow({ where: { personNumber: row.person_number! } });
    const relation = row.relation_id
      ? await db.insuranceRelation.findUnique({ where: { id: BigInt(row.relation_id) } })
      : null;
    return {
      ...base,
      fields: change.fields,
      person: {
        personNumber: p.personNumber,
        idType: p.idType,
        idNumber: p.idNumber,
        name: p.name,
        agencyCode: p.agencyCode,
        status: p.status,
        insuredSince: isoDate(p.insuredSince),
      },
      ...(relation
        ? {
            employer: await employerOf(relation.registerNumber),
            relation: {
              registerNumber: relation.registerNumber,
              hiredOn: isoDate(relation.hiredOn),
              status: relation.status,
              endedOn: relation.endedOn ? isoDate(relation.endedOn) : null,
            },
          }
        : {}),
    };
  }

  return {
    /**
     * Art. 23: up to `limit` undelivered messages passed to tax in id order; `more` when some are left. Idempotent:
     * a message delivered is not sent again; one sent whose answer was lost is answered `duplicate` by tax.
     */
    async pushTaxRegisterMessages(input: {
      limit: number;
    }): Promise<{ delivered: number; duplicates: number; more: boolean }> {
      let delivered = 0;
      let duplicates = 0;
      for (let k = 0; k < input.limit; k++) {
        const c = await pool.connect();
        let row: OutboxRow | undefined;
        try {
          await c.query('BEGIN');
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [OUTBOX_LOCK]);
          row = (
            await c.query<OutboxRow>(
              // Ids as they are (bigint, given as strings by pg): ordered by number, not by text (10 after 9).
              `SELECT id, subject, kind, register_number, person_number, employer_change_id, person_change_id,
                      relation_id, occurred_at
                 FROM tax_register_message WHERE delivered_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE`,
            )
          ).rows[0];
          if (!row) {
            await c.query('COMMIT');
            return { delivered, duplicates, more: false };
          }
          const message = await messageOf(row);
          const answer = await sources.tax.sendRegisterMessage(message, callOptions());
          await c.query('UPDATE tax_register_message SET delivered_at = now(), duplicate = $2 WHERE id = $1', [
            row.id,
            answer.duplicate,
          ]);
          await c.query('COMMIT');
          delivered++;
          if (answer.duplicate) duplicates++;
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          if (row) {
            const code = err instanceof SourceError ? `${err.kind}: ${err.code}` : (err as Error).name;
            await pool.query('UPDATE tax_register_message SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
              row.id,
              String(code).slice(0, 200),
            ]);
          }
          throw toActivityFailure(err);
        } finally {
          c.release();
        }
      }
      const left = await pool.query('SELECT 1 FROM tax_register_message WHERE delivered_at IS NULL LIMIT 1');
      return { delivered, duplicates, more: left.rowCount! > 0 };
    },
  };
}
