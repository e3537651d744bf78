/**
 * The register's daily comparison with the shared data (Art. 17, 19, 22, 33), a page at a time. The workflow passes
 * cursors (register or personal numbers) and gets counts back; every person's data stays here and in PostgreSQL.
 *
 * | page | source | finding | then |
 * | --- | --- | --- | --- |
 * | `compareStaffPage` | the tax platform's staff list per employer | staff hired more than 30 days ago (Art. 19) with no relation at the employer | one reminder per employer (SMS to its agent) |
 * | `compareMarketChangesPage` | the market registry's changes per employer | a change of name, address or legal representative after the registration, not declared within 30 days (Art. 17) | one reminder per employer |
 * | `compareTerminationsPage` | pension receipts and civil affairs' deaths, in batches | a person with an open relation who receives a pension or died (Art. 22, 33) | relations terminated, the person too |
 * | `openDueFollowUps` | the findings reminded | still unresolved after the reminder period (policy `register.reminderPeriod`) | a clerk's follow-up case per reminder |
 *
 * Each finding is a row keyed by the hash of its rule and subject: found again, it is the same row, reminded once and
 * followed up once. The staff lists are compared as sets in SQL (a page's lists unnested into a temporary table and
 * anti-joined with the register), never one query per person.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { SourceClients } from '../integrations/config';
import type { MarketChange } from '../integrations/credit';
import type { Db } from '../lib/db';
import { dbDate, isoDate } from '../lib/db';
import { openCase } from '../lib/case-store';
import { terminatePerson } from '../lib/person-register';
import type { PolicyStore } from '../lib/policy-store';
import type { CalendarStore } from '../lib/calendar-store';
import { addDays, type IsoDate } from '../domain/calendar';
import { deadlineFor } from '../domain/deadlines';
import { resolveParameter } from '../domain/policy/resolve';
import { maskTail } from '../domain/identity';
import {
  MARKET_CHANGE_ITEMS,
  undeclaredChangeReminderSms,
  unregisteredStaffReminderSms,
  type MarketChangeItem,
} from '../domain/register/notices';
import type { RegisterFollowUpInput } from '../contracts/separations';
import { callOptions, guarded } from './source-call';
import { followUpCaseNumber } from './separations';

export interface StaffComparisonDeps {
  db: Db;
  sources: Pick<SourceClients, 'sms' | 'tax' | 'credit' | 'pension' | 'civil'>;
  policy: PolicyStore;
  calendar: CalendarStore;
}

/** How many sources are asked at once within a page. */
const CONCURRENCY = 8;

async function inParallel<T, R>(items: T[], f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

/** The register's items an Art. 17 change concerns, as the employer's history names them. */
const HISTORY_FIELDS: Record<MarketChangeItem, string> = {
  name: 'name',
  address: 'address',
  legal_representative: 'legalRepresentative',
};

interface EmployerPageRow {
  register_number: string;
  code: string;
  agency_code: string;
  agent_phone: string;
  registered_on: Date;
}

export function staffComparisonActivities({ db, sources, policy, calendar }: StaffComparisonDeps) {
  /** Days allowed by a deadline of the 规程 counted in calendar days (Art. 17, 19: 30). */
  async function daysOf(key: string, asOf: IsoDate): Promise<number> {
    const p = resolveParameter(await policy.current(), 'deadline', key, asOf);
    if (p.value.unit !== 'days') throw ApplicationFailure.nonRetryable(`${key} is not counted in days`, 'BadPolicy');
    return p.value.amount;
  }

  async function employersPage(after: string | null, limit: number): Promise<EmployerPageRow[]> {
    return db.$queryRaw<EmployerPageRow[]>`
      SELECT register_number, code, agency_code, agent_phone, (registered_at AT TIME ZONE 'Asia/Shanghai')::date AS registered_on
      FROM employer
      WHERE status = 'insured' AND code_type = 'uscc' AND register_number > ${after ?? ''}
      ORDER BY register_number LIMIT ${limit}`;
  }

  /**
   * One reminder per employer for its findings of `rule` not yet reminded (Art. 17, 19): an SMS to its agent (once per
   * employer, rule and day), recorded with the last day of the reminder period; the findings point to it.
   */
  async function remind(
    rule: 'unregistered_staff' | 'undeclared_change',
    employers: EmployerPageRow[],
    asOf: IsoDate,
  ): Promise<number> {
    if (!employers.length) return 0;
    const byNumber = new Map(employers.map((e) => [e.register_number, e]));
    const due = await db.$queryRaw<{ register_number: string; n: number; subjects: unknown[] }[]>`
      SELECT register_number, count(*)::int AS n, jsonb_agg(subject ORDER BY due_on) AS subjects
      FROM register_finding
      WHERE rule = ${rule} AND reminder_id IS NULL AND resolved_on IS NULL
        AND register_number = ANY(${[...byNumber.keys()]}::text[])
      GROUP BY register_number`;
    if (!due.length) return 0;
    const { dueDate: until } = deadlineFor(
      await policy.current(),
      'register.reminderPeriod',
      asOf,
      await calendar.current(),
    );
    const at = new Date();
    const messages = due.map((d) => {
      const e = byNumber.get(d.register_number)!;
      const id = `register-reminder-${rule === 'unregistered_staff' ? '19' : '17'}-${e.register_number}-${asOf}`;
      const changes = d.subjects as { item: MarketChangeItem; changedOn: string }[];
      const text =
        rule === 'unregistered_staff'
          ? unregisteredStaffReminderSms({ registerNumber: e.register_number, count: d.n, until })
          : undeclaredChangeReminderSms({
              registerNumber: e.register_number,
              items: [...new Set(changes.map((c) => c.item))].filter((i) => i in MARKET_CHANGE_ITEMS),
              changedOn: changes[0]!.changedOn,
              until,
            });
      return { id, e, n: d.n, text };
    });
    // Sent once per message ID (a retried page sends nothing twice), then recorded in one transaction.
    await inParallel(messages, (m) =>
      guarded(() => sources.sms.send({ messageId: m.id, mobile: m.e.agent_phone, text: m.text }, callOptions())),
    );
    await db.$transaction([
      db.registerMessage.createMany({
        data: messages.map((m) => ({
          id: m.id,
          kind: rule === 'unregistered_staff' ? 'unregistered_staff_reminder' : 'undeclared_change_reminder',
          registerNumber: m.e.register_number,
          findings: m.n,
          mobileMasked: maskTail(m.e.agent_phone),
          text: m.text,
          sentAt: at,
          remindUntil: dbDate(until),
        })),
        skipDuplicates: true,
      }),
      db.$executeRaw`
        UPDATE register_finding f SET reminder_id = m.id
        FROM unnest(${messages.map((m) => m.e.register_number)}::text[], ${messages.map((m) => m.id)}::text[])
          AS m(register_number, id)
        WHERE f.rule = ${rule} AND f.register_number = m.register_number AND f.reminder_id IS NULL
          AND f.resolved_on IS NULL`,
    ]);
    return messages.length;
  }

  return {
    /**
     * Art. 19: the tax platform's staff lists of a page of registered employers against the register. Staff hired more
     * than 30 days ago (policy `art19.employeeRegistration`) with no relation at the employer covering their hiring
     * are findings; findings whose person is registered since (or has left) are resolved; new ones are reminded.
     */
    async compareStaffPage(input: { asOf: IsoDate; after: string | null; limit: number }): Promise<{
      next: string | null;
      employers: number;
      staff: number;
      found: number;
      reminders: number;
    }> {
      const employers = await employersPage(input.after, input.limit);
      const days = await daysOf('art19.employeeRegistration', input.asOf);
      const lists = await inParallel(employers, (e) =>
        guarded(() => sources.tax.getEmployerStaff(e.code, callOptions())),
      );
      const reg: string[] = [];
      const ids: string[] = [];
      const hired: string[] = [];
      lists.forEach((list, i) => {
        for (const s of list?.staff ?? []) {
          if (s.endDate !== null) continue; // left: nothing to register
          reg.push(employers[i]!.register_number);
          ids.push(s.idNumber);
          hired.push(s.startDate);
        }
      });
      const found = await db.$transaction(
        async (tx) => {
          await tx.$executeRaw`CREATE TEMP TABLE staff_list (register_number text, id_number text, hired_on date) ON COMMIT DROP`;
          await tx.$executeRaw`
            INSERT INTO staff_list SELECT * FROM unnest(${reg}::text[], ${ids}::text[], ${hired}::date[])`;
          // Staff overdue and not in the register at this employer (a relation open, or ended after their hiring).
          await tx.$executeRaw`
            CREATE TEMP TABLE staff_missing ON COMMIT DROP AS
            SELECT s.register_number, s.id_number, s.hired_on FROM staff_list s
            WHERE s.hired_on + ${days}::int < ${input.asOf}::date
              AND NOT EXISTS (
                SELECT 1 FROM insured_person p JOIN insurance_relation r ON r.person_number = p.person_number
                WHERE p.id_number = s.id_number AND r.register_number = s.register_number
                  AND (r.ended_on IS NULL OR r.ended_on >= s.hired_on))`;
          const inserted = await tx.$executeRaw`
            INSERT INTO register_finding (id, rule, article, register_number, agency_code, subject, due_on, found_on, created_at)
            SELECT encode(sha256(convert_to('unregistered_staff' || chr(10) || m.register_number || chr(10) || m.id_number
                     || chr(10) || m.hired_on::text, 'UTF8')), 'hex'),
                   'unregistered_staff', '19', m.register_number, e.agency_code,
                   jsonb_build_object('idNumber', m.id_number, 'hiredOn', m.hired_on), m.hired_on + ${days}::int,
                   ${input.asOf}::date, now()
            FROM staff_missing m JOIN employer e ON e.register_number = m.register_number
            ON CONFLICT (id) DO NOTHING`;
          // Registered since, or no longer on the list: resolved.
          await tx.$executeRaw`
            UPDATE register_finding f SET resolved_on = ${input.asOf}::date
            WHERE f.rule = 'unregistered_staff' AND f.resolved_on IS NULL
              AND f.register_number = ANY(${employers.map((e) => e.register_number)}::text[])
              AND NOT EXISTS (SELECT 1 FROM staff_missing m WHERE m.register_number = f.register_number
                AND m.id_number = f.subject->>'idNumber' AND m.hired_on = (f.subject->>'hiredOn')::date)`;
          return inserted;
        },
        { maxWait: 10_000, timeout: 120_000 },
      );
      const reminders = await remind('unregistered_staff', employers, input.asOf);
      return {
        next: employers.length === input.limit ? employers.at(-1)!.register_number : null,
        employers: employers.length,
        staff: reg.length,
        found,
        reminders,
      };
    },

    /**
     * Art. 17: the market registry's changes of a page of registered employers. A change after the registration,
     * (from its day on) more than 30 days ago (policy `art17.employerInformationChange`), that the register has no declaration of
     * (a change of that item in the employer's history, or a change request for it, on or after the day) is a finding.
     */
    async compareMarketChangesPage(input: { asOf: IsoDate; after: string | null; limit: number }): Promise<{
      next: string | null;
      employers: number;
      found: number;
      reminders: number;
    }> {
      const employers = await employersPage(input.after, input.limit);
      const days = await daysOf('art17.employerInformationChange', input.asOf);
      const answers = await inParallel(employers, (e) =>
        guarded(() => sources.credit.getMarketChanges(e.code, callOptions())),
      );
      const rows: { reg: string; change: MarketChange }[] = [];
      answers.forEach((a, i) => {
        const e = employers[i]!;
        for (const c of a?.changes ?? []) {
          if (c.changedOn >= isoDate(e.registered_on) && addDays(c.changedOn, days) < input.asOf) {
            rows.push({ reg: e.register_number, change: c });
          }
        }
      });
      const found = await db.$executeRaw`
        WITH c AS (
          SELECT * FROM unnest(${rows.map((r) => r.reg)}::text[], ${rows.map((r) => r.change.changeId)}::text[],
            ${rows.map((r) => r.change.item)}::text[], ${rows.map((r) => HISTORY_FIELDS[r.change.item])}::text[],
            ${rows.map((r) => r.change.changedOn)}::date[], ${rows.map((r) => r.change.after)}::text[])
            AS c(register_number, change_id, item, field, changed_on, after)
        ), undeclared AS (
          SELECT c.* FROM c
          WHERE NOT EXISTS (SELECT 1 FROM employer_change h WHERE h.register_number = c.register_number
                  AND c.field = ANY(h.fields) AND (h.at AT TIME ZONE 'Asia/Shanghai')::date >= c.changed_on)
            AND NOT EXISTS (SELECT 1 FROM employer_change_request q WHERE q.register_number = c.register_number
                  AND c.field = ANY(q.items) AND q.changed_on >= c.changed_on AND q.status IN ('awaiting_review', 'applied'))
        )
        INSERT INTO register_finding (id, rule, article, register_number, agency_code, subject, due_on, found_on, created_at)
        SELECT encode(sha256(convert_to('undeclared_change' || chr(10) || u.register_number || chr(10) || u.change_id, 'UTF8')), 'hex'),
               'undeclared_change', '17', u.register_number, e.agency_code,
               jsonb_build_object('changeId', u.change_id, 'item', u.item, 'changedOn', u.changed_on, 'after', u.after),
               u.changed_on + ${days}::int, ${input.asOf}::date, now()
        FROM undeclared u JOIN employer e ON e.register_number = u.register_number
        ON CONFLICT (id) DO NOTHING`;
      // Declared since: resolved.
      await db.$executeRaw`
        UPDATE register_finding f SET resolved_on = ${input.asOf}::date
        WHERE f.rule = 'undeclared_change' AND f.resolved_on IS NULL
          AND f.register_number = ANY(${employers.map((e) => e.register_number)}::text[])
          AND (EXISTS (SELECT 1 FROM employer_change h WHERE h.register_number = f.register_number
                 AND (CASE f.subject->>'item' WHEN 'legal_representative' THEN 'legalRepresentative' ELSE f.subject->>'item' END) = ANY(h.fields)
                 AND (h.at AT TIME ZONE 'Asia/Shanghai')::date >= (f.subject->>'changedOn')::date)
            OR EXISTS (SELECT 1 FROM employer_change_request q WHERE q.register_number = f.register_number
                 AND (CASE f.subject->>'item' WHEN 'legal_representative' THEN 'legalRepresentative' ELSE f.subject->>'item' END) = ANY(q.items)
                 AND q.changed_on >= (f.subject->>'changedOn')::date AND q.status IN ('awaiting_review', 'applied')))`;
      const reminders = await remind('undeclared_change', employers, input.asOf);
      return {
        next: employers.length === input.limit ? employers.at(-1)!.register_number : null,
        employers: employers.length,
        found,
        reminders,
      };
    },

    ...terminationAndFollowUpActivities({ db, sources }),
  };
}

/** Art. 22, 33: the ends the shared data shows; the follow-ups of findings reminded in vain (Art. 17, 19). */
function terminationAndFollowUpActivities({ db, sources }: Pick<StaffComparisonDeps, 'db' | 'sources'>) {
  return {
    /**
     * Art. 22, 33: persons with an open relation, in batches, against pension receipts and civil affairs' deaths. A
     * person who died or whose pension began: each open relation terminated (ended on that day, by that source), the
     * person terminated (参保状态注销, Art. 33), a history row and an audit entry. Once: only open relations move.
     */
    async compareTerminationsPage(input: { asOf: IsoDate; after: string | null; limit: number }): Promise<{
      next: string | null;
      checked: number;
      terminated: number;
    }> {
      const persons = await db.$queryRaw<{ person_number: string; id_number: string }[]>`
        SELECT p.person_number, p.id_number FROM insured_person p
        WHERE p.person_number > ${input.after ?? ''} AND p.status <> 'terminated'
          AND EXISTS (SELECT 1 FROM insurance_relation r WHERE r.person_number = p.person_number AND r.status = 'insured')
        ORDER BY p.person_number LIMIT ${input.limit}`;
      if (!persons.length) return { next: null, checked: 0, terminated: 0 };
      const ids = persons.map((p) => p.id_number);
      const [pensions, deaths] = await Promise.all([
        guarded(() => sources.pension.getPensionReceipts(ids, callOptions())),
        guarded(() => sources.civil.getDeaths(ids, callOptions())),
      ]);
      let terminated = 0;
      for (const p of persons) {
        const death = deaths.get(p.id_number);
        const pension = pensions.get(p.id_number);
        const end =
          death?.deceased && death.dateOfDeath && death.dateOfDeath <= input.asOf
            ? { reason: 'death' as const, source: 'civil_affairs' as const, on: death.dateOfDeath, label: '死亡' }
            : pension?.receivesPension && pension.startDate && pension.startDate <= input.asOf
              ? {
                  reason: 'retirement' as const,
                  source: 'pension' as const,
                  on: pension.startDate,
                  label: '退休（领取基本养老金）',
                }
              : null;
        if (!end) continue;
        // The one write of a termination (lib/person-register.ts), as the employer's declaration makes it: a day
        // before an open relation's hiring changes nothing (`before_hiring`) and is left for a clerk.
        const outcome = await db.$transaction((tx) =>
          terminatePerson(tx, {
            personNumber: p.person_number,
            reason: end.reason,
            on: end.on,
            source: end.source,
            actor: { id: null, username: '系统' },
            at: new Date(),
          }),
        );
        const done = outcome.outcome === 'terminated';
        if (done) terminated++;
      }
      return {
        next: persons.length === input.limit ? persons.at(-1)!.person_number : null,
        checked: persons.length,
        terminated,
      };
    },

    /**
     * Findings reminded and still unresolved after the reminder period: a follow-up case for a clerk per reminder
     * (its number derived from the reminder, so opened once), with what was found on its timeline. Answers the cases
     * opened and not yet started after `after` (a retried run starts them; a started one is left as it is).
     */
    async openDueFollowUps(input: {
      asOf: IsoDate;
      after: string | null;
      limit: number;
    }): Promise<RegisterFollowUpInput[]> {
      const due = await db.$queryRaw<
        {
          reminder_id: string;
          rule: string;
          register_number: string;
          agency_code: string;
          name: string;
          n: number;
          sent_at: Date;
          remind_until: Date;
          text: string;
        }[]
      >`
        SELECT m.id AS reminder_id, f.rule, e.register_number, e.agency_code, e.name, count(*)::int AS n, m.sent_at,
               m.remind_until, m.text
        FROM register_finding f JOIN register_message m ON m.id = f.reminder_id
          JOIN employer e ON e.register_number = f.register_number
        WHERE f.resolved_on IS NULL AND f.case_number IS NULL AND m.remind_until < ${input.asOf}::date
        GROUP BY m.id, f.rule, e.register_number, e.agency_code, e.name, m.sent_at, m.remind_until, m.text`;
      const year = Number(input.asOf.slice(0, 4));
      for (const d of due) {
        const caseNumber = followUpCaseNumber(`${d.rule}\n${d.reminder_id}`, year, d.agency_code);
        const at = new Date();
        const article = d.rule === 'unregistered_staff' ? 'Art. 19' : 'Art. 17';
        await db.$transaction(async (tx) => {
          await openCase(tx, {
            caseNumber,
            caseType: 'register_follow_up',
            status: 'opened',
            agencyCode: d.agency_code,
            at,
            event: {
              type: 'register_follow_up_opened',
              actor: '系统',
              data: {
                rule: d.rule,
                article,
                registerNumber: d.register_number,
                employerName: d.name,
                findings: d.n,
                remindedOn: isoDate(d.sent_at),
                remindUntil: isoDate(d.remind_until),
                text:
                  d.rule === 'unregistered_staff'
                    ? `${d.name}（单位编号${d.register_number}）有${d.n}名职工用工超过30日未办理参保登记，经提醒后督促期（至${isoDate(d.remind_until)}）内仍未办理（第十九条）`
                    : `${d.name}（单位编号${d.register_number}）的登记事项变更超过30日未申报，经提醒后督促期（至${isoDate(d.remind_until)}）内仍未申报（第十七条）`,
              },
            },
          });
          await tx.registerFinding.updateMany({
            where: { reminderId: d.reminder_id, rule: d.rule, resolvedOn: null, caseNumber: null },
            data: { caseNumber },
          });
        });
      }
      const open = await db.$queryRaw<{ case_number: string; agency_code: string }[]>`
        SELECT case_number, agency_code FROM "case"
        WHERE case_type = 'register_follow_up' AND status = 'opened' AND case_number > ${input.after ?? ''}
        ORDER BY case_number LIMIT ${input.limit}`;
      return open.map((c) => ({ caseNumber: c.case_number, agencyCode: c.agency_code }));
    },
  };
}
