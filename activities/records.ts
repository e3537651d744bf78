/**
 * Activities of the objection to an entitlement record (Art. 31): the outcome recorded with its audit entry, and the
 * SMS to the person or the employer. They take the case number and read the rest from the read model.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { audit } from '../lib/audit';
import type { Db } from '../lib/db';
import { maskTail } from '../domain/identity';
import { recordObjectionOutcomeText } from '../domain/records/messages';
import type { SourceClients } from '../integrations/config';
import type { RecordObjectionOutcome } from '../contracts/record-objection';
import { callOptions, guarded } from './source-call';

export function recordActivities({ db, sources }: { db: Db; sources: Pick<SourceClients, 'sms'> }) {
  return {
    /** Art. 31: corrected (what was corrected) or explained (the explanation), with who decided; audited. */
    async recordRecordObjectionOutcome(input: {
      caseNumber: string;
      outcome: RecordObjectionOutcome;
      text: string;
      by: { userId: string; username: string };
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const { count } = await tx.recordObjection.updateMany({
          where: { caseNumber: input.caseNumber, status: 'awaiting_check' },
          data: { status: input.outcome, outcome: input.text, decidedBy: input.by.username, decidedAt: at },
        });
        if (!count) return; // recorded already (a retry)
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: `record_objection_${input.outcome}`,
          entity: 'record_objection',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          after: { outcome: input.outcome },
          reason: input.text,
          at,
        });
      });
    },

    /** The outcome told by SMS to the phone the objection gave (the person's, or the employer's agent's). */
    async notifyRecordObjector(input: { caseNumber: string; messageId: string; at: string }): Promise<void> {
      const o = await db.recordObjection.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!o) throw ApplicationFailure.nonRetryable(`no record objection ${input.caseNumber}`, 'CaseNotFound');
      if (!o.phone || !o.outcome || (o.status !== 'corrected' && o.status !== 'explained')) return;
      const text = recordObjectionOutcomeText({ caseNumber: o.caseNumber, outcome: o.status, text: o.outcome });
      await guarded(() => sources.sms.send({ messageId: input.messageId, mobile: o.phone!, text }, callOptions()));
      await db.message.createMany({
        data: [
          {
            id: input.messageId,
            caseNumber: o.caseNumber,
            kind: `record_objection_${o.status}`,
            at: new Date(input.at),
            mobileMasked: maskTail(o.phone),
            text,
          },
        ],
        skipDuplicates: true,
      });
    },
  };
}
