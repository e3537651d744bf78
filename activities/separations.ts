/**
 * Staff reduction (暂停参保, Art. 21) and the clerks' follow-ups of the register (登记督办, Art. 17, 19, 21). Each
 * activity takes a relation ID or a case number and reads the rest from the read model, so no person's data enters a
 * workflow history; each is idempotent (an SMS is sent once per message ID, a case opened once per finding).
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { SourceClients } from '../integrations/config';
import type { Db } from '../lib/db';
import { dbDate, isoDate } from '../lib/db';
import { addDays, businessDateOf } from '../domain/calendar';
import { audit } from '../lib/audit';
import { openCase } from '../lib/case-store';
import { recordCaseEvent } from '../lib/case-events';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';
import { maskTail } from '../domain/identity';
import { claimNoticeLetterSms } from '../domain/register/notices';
import { SEPARATION_REASON_LABELS, type SeparationReason } from '../domain/separation';
import type { RegisterFollowUpInput } from '../contracts/separations';
import { callOptions, guarded } from './source-call';

export interface SeparationActivityDeps {
  db: Db;
  sources: Pick<SourceClients, 'sms'>;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The follow-up case of a finding or a group of findings: its number derived from `key`, so it is opened once. */
export function followUpCaseNumber(key: string, year: number, agencyCode: string): string {
  return formatCaseNumber('register_follow_up', year, agencyCode, serialFromBytes(sha256(key)));
}

type Person = { userId: string; username: string };

export function separationActivities({ db, sources }: SeparationActivityDeps) {
  async function relationOf(relationId: string) {
    const r = await db.insuranceRelation.findUnique({
      where: { id: BigInt(relationId) },
      include: { person: true, employer: true },
    });
    if (!r) throw ApplicationFailure.nonRetryable(`no insured relation ${relationId}`, 'RelationNotFound');
    return r;
  }

  return {
    /**
     * Art. 21: the 《失业保险金申领告知书》 sent to the person whose relation the employer suspended, by SMS (once per
     * relation), recorded; the printable notice is the page /app/claim-notice. Answers whether the declaration was late.
     */
    async sendClaimNoticeLetter(input: { relationId: string }): Promise<{ late: boolean }> {
      const r = await relationOf(input.relationId);
      if (r.status !== 'suspended' || !r.endedOn || !r.separationReason) {
        throw ApplicationFailure.nonRetryable(`relation ${input.relationId} is not suspended`, 'NotSuspended');
      }
      const id = `claim-notice-${r.id}`;
      const text = claimNoticeLetterSms({
        employerName: r.employer.name,
        separationDate: isoDate(r.endedOn),
        separationReason: r.separationReason as SeparationReason,
      });
      const phone = r.person.phone;
      await guarded(() => sources.sms.send({ messageId: id, mobile: phone, text }, callOptions()));
      await db.registerMessage.createMany({
        data: [
          {
            id,
            kind: 'claim_notice_letter',
            registerNumber: r.registerNumber,
            personNumber: r.personNumber,
            relationId: r.id,
            mobileMasked: maskTail(phone),
            text,
            sentAt: new Date(),
          },
        ],
        skipDuplicates: true,
      });
      return { late: (r.declaredLateByDays ?? 0) > 0 };
    },

    /**
     * Art. 21: a reduction declared later than 15 days after the separation is recorded (on the relation) and flagged
     * to a clerk: a follow-up case (DJC-…) with its finding, opened once per relation.
     */
    async openLateReductionFollowUp(input: { relationId: string; at: string }): Promise<RegisterFollowUpInput> {
      const r = await relationOf(input.relationId);
      const at = new Date(input.at);
      const agencyCode = r.employer.agencyCode;
      const key = `late_reduction\n${r.id}`;
      const caseNumber = followUpCaseNumber(key, at.getUTCFullYear(), agencyCode);
      const findingId = sha256(key).toString('hex');
      const separationDate = isoDate(r.endedOn!);
      await db.$transaction(async (tx) => {
        const opened = await openCase(tx, {
          caseNumber,
          caseType: 'register_follow_up',
          status: 'opened',
          agencyCode,
          at,
          event: {
            type: 'register_follow_up_opened',
            actor: '系统',
            data: {
              rule: 'late_reduction',
              article: 'Art. 21',
              registerNumber: r.registerNumber,
              employerName: r.employer.name,
              personNumber: r.personNumber,
              separationDate,
              separationReason: SEPARATION_REASON_LABELS[r.separationReason as SeparationReason],
              lateByDays: r.declaredLateByDays,
              text: `${r.employer.name}于失业时间${separationDate}后逾期${r.declaredLateByDays}日才办理减员申报（第二十一条：应在15日内办理）`,
            },
          },
        });
        if (!opened) return;
        await tx.registerFinding.createMany({
          data: [
            {
              id: findingId,
              rule: 'late_reduction',
              article: '21',
              registerNumber: r.registerNumber,
              agencyCode,
              subject: { relationId: String(r.id), personNumber: r.personNumber, separationDate },
              // The last day allowed: the declaration's day less the days it came late (Art. 21: 15 days).
              dueOn: dbDate(addDays(businessDateOf(r.declaredAt ?? at), -(r.declaredLateByDays ?? 0))),
              foundOn: at,
              caseNumber,
              createdAt: at,
            },
          ],
          skipDuplicates: true,
        });
      });
      return { caseNumber, agencyCode };
    },

    /** The clerk's follow-up concluded (Art. 17, 19, 21): its findings resolved, the case closed, audited. */
    async recordFollowUpOutcome(input: {
      caseNumber: string;
      decision: 'handled' | 'dismissed';
      reasons: string[];
      by: Person;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const key = `${input.caseNumber}/register_follow_up_${input.decision}`;
        if (await tx.caseEvent.findUnique({ where: { eventKey: key } })) return; // a retried activity
        await tx.registerFinding.updateMany({
          where: { caseNumber: input.caseNumber, resolvedOn: null },
          data: { resolvedOn: at },
        });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: input.decision, updatedAt: at },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key,
          type: `register_follow_up_${input.decision}`,
          at,
          actor: input.by.username,
          data: { reasons: input.reasons },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: `register_follow_up.${input.decision}`,
          entity: 'case',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          after: { decision: input.decision, reasons: input.reasons },
          reason: input.reasons.join('；'),
          at,
        });
      });
    },

    /**
     * Art. 21: reductions declared more than `minutes` ago whose notice letter was never sent (their workflow could not
     * be started when they were declared, and no retry came): their relation IDs, for the daily run to start them.
     */
    async unnotifiedReductions(input: {
      minutes: number;
      limit: number;
    }): Promise<{ relationId: string; agencyCode: string }[]> {
      const rows = await db.$queryRaw<{ id: bigint; agency_code: string }[]>`
        SELECT r.id, e.agency_code FROM insurance_relation r JOIN employer e ON e.register_number = r.register_number
        WHERE r.status = 'suspended' AND r.declared_at < now() - make_interval(mins => ${input.minutes}::int)
          AND NOT EXISTS (SELECT 1 FROM register_message m WHERE m.id = 'claim-notice-' || r.id)
        ORDER BY r.id LIMIT ${input.limit}`;
      return rows.map((r) => ({ relationId: String(r.id), agencyCode: r.agency_code }));
    },

    /** The follow-up's task is open: the case waits for the clerk. */
    async markFollowUpAwaiting(input: { caseNumber: string; at: string }): Promise<void> {
      await db.case.updateMany({
        where: { caseNumber: input.caseNumber, status: 'opened' },
        data: { status: 'awaiting_follow_up', updatedAt: new Date(input.at) },
      });
    },
  };
}
