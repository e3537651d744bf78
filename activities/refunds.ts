/**
 * 退收退款 (Art. 27) and the refunds waiting for the fund (Art. 64):
 *
 * | activity | what |
 * | --- | --- |
 * | `pullRefundRequests` | a page of tax's whole-month refund requests after the stored cursor: each opens its case (number derived from the request ID: a re-run opens none twice), the cursor moved in the same transaction |
 * | `refundCasesToStart` | the whole-month cases stored and not yet checked (their workflows started by the sync) |
 * | `checkRefund` | the one verdict (domain/refunds.ts) on the agency's records: benefits paid, periods, moves to another agency; decided once, kept |
 * | `answerTaxRefund` | 及时反馈税务部门: the verdict as kept, sent to tax (the platform takes one answer; a retry sends the same) |
 * | `recordRefundStep` | the case's status on its row and the case's, its timeline event and audit entry |
 *
 * Workflows get case numbers and counts, never an ID number or an amount per person.
 */
import { createHash } from 'node:crypto';
import type { SourceClients } from '../integrations/config';
import { refundRequestSchema, type RefundAnswer } from '../integrations/tax';
import { asJson, sqlOf, type Db } from '../lib/db';
import { openCase } from '../lib/case-store';
import { recordCaseEvent } from '../lib/case-events';
import { audit } from '../lib/audit';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';
import { maskIdNumber } from '../domain/identity';
import { refundVerdict, type RefundPersonFacts } from '../domain/refunds';
import { callOptions, guarded } from './source-call';

/** The feed's name in contribution_sync_state (the cursor of the refund requests stored). */
export const TAX_REFUND_FEED = 'tax-refund-requests';

export type RefundStatus = 'checking' | 'awaiting_review' | 'awaiting_fund' | 'refused' | 'rejected' | 'cancelled';

/** The case number of a tax request: derived from its ID, so the same request never opens a second case. */
export function refundCaseNumberOf(requestId: string, receivedAt: string, agencyCode: string): string {
  return formatCaseNumber(
    'refund',
    Number(receivedAt.slice(0, 4)),
    agencyCode,
    serialFromBytes(createHash('sha256').update(`tax-refund|${requestId}`).digest()),
  );
}

/**
 * Art. 27: the agency's records of the persons (by ID number): benefit months paid, benefit periods not revoked,
 * moves to an employer of another agency (系统内转移, Art. 51) other than the refunding employer.
 */
export async function refundFactsOf(
  db: Db,
  idNumbers: readonly string[],
  employerUscc: string,
): Promise<Map<string, RefundPersonFacts>> {
  const pool = sqlOf(db);
  const out = new Map<string, { benefitMonthsPaid: string[]; benefitPeriodStarts: string[]; transfersOut: string[] }>();
  const of = (id: string) => {
    let f = out.get(id);
    if (!f) out.set(id, (f = { benefitMonthsPaid: [], benefitPeriodStarts: [], transfersOut: [] }));
    return f;
  };
  const ids = [...new Set(idNumbers)];
  const paid = await pool.query<{ id_number: string; month: string }>(
    `SELECT DISTINCT c.id_number, p.month FROM payable p JOIN benefit_claim c ON c.case_number = p.case_number
      WHERE c.id_number = ANY($1::text[]) AND p.kind = 'unemployment_benefit' AND p.status = 'paid'`,
    [ids],
  );
  for (const r of paid.rows) of(r.id_number).benefitMonthsPaid.push(r.month);
  const periods = await pool.query<{ id_number: string; start: string }>(
    `SELECT c.id_number, to_char(bp.start_date, 'YYYY-MM-DD') AS start
       FROM benefit_period bp JOIN benefit_claim c ON c.case_number = bp.case_number
       LEFT JOIN determination d ON d.case_number = bp.case_number AND d.version = bp.determination_version
      WHERE c.id_number = ANY($1::text[]) AND d.revoked_at IS NULL`,
    [ids],
  );
  for (const r of periods.rows) of(r.id_number).benefitPeriodStarts.push(r.start);
  const moves = await pool.query<{ id_number: string; hired: string }>(
    `SELECT p.id_number, to_char(r.hired_on, 'YYYY-MM-DD') AS hired
       FROM insurance_relation r JOIN insured_person p ON p.person_number = r.person_number
       JOIN employer e ON e.register_number = r.register_number
      WHERE p.id_number = ANY($1::text[]) AND r.origin = 'moved_in' AND e.code <> $2`,
    [ids, employerUscc],
  );
  for (const r of moves.rows) of(r.id_number).transfersOut.push(r.hired);
  return out;
}

export function refundActivities({ db, sources }: { db: Db; sources: SourceClients }) {
  /** The agency of an employer: where it is registered, else where tax has it (属地原则, Art. 16). */
  async function agencyOf(uscc: string): Promise<{ agencyCode: string; registerNumber: string | null }> {
    const e = await db.employer.findFirst({
      where: { code: uscc },
      select: { agencyCode: true, registerNumber: true },
    });
    if (e) return e;
    const t = await guarded(() => sources.tax.getEmployer(uscc, callOptions()));
    return { agencyCode: t?.agencyDivisionCode ?? '210000', registerNumber: null };
  }

  return {
    /**
     * Art. 27: a page of tax's whole-month refund requests after the stored cursor. Each becomes a case (its number
     * from the request ID), its row and its persons in the transaction that moves the cursor: a retried page, a re-run
     * or an overlapping run opens nothing twice. A request that cannot be read is left for a clerk (logged, skipped).
     */
    async pullRefundRequests(input: {
      runId: string;
      limit: number;
    }): Promise<{ received: number; opened: number; garbled: number; hasMore: boolean }> {
      await db.contributionSyncState.createMany({
        data: [{ feed: TAX_REFUND_FEED, cursor: 0, updatedAt: new Date() }],
        skipDuplicates: true,
      });
      const state = await db.contributionSyncState.findUniqueOrThrow({ where: { feed: TAX_REFUND_FEED } });
      const after = Number(state.cursor);
      const page = await guarded(() => sources.tax.getRefundRequests({ after, limit: input.limit }, callOptions()));
      const agencies = new Map<string, { agencyCode: string; registerNumber: string | null }>();
      for (const r of page.items) if (!agencies.has(r.uscc)) agencies.set(r.uscc, await agencyOf(r.uscc));
      let opened = 0;
      let garbled = 0;
      await db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${TAX_REFUND_FEED}))`;
          const now = await tx.contributionSyncState.findUniqueOrThrow({ where: { feed: TAX_REFUND_FEED } });
          if (Number(now.cursor) !== after) return; // another run stored this page meanwhile
          for (const raw of page.items) {
            const parsed = refundRequestSchema.safeParse(raw);
            if (!parsed.success) {
              garbled++;
              continue;
            }
            const r = parsed.data;
            const a = agencies.get(r.uscc)!;
            const caseNumber = refundCaseNumberOf(r.requestId, r.receivedAt, a.agencyCode);
            const at = new Date();
            const fresh = await openCase(tx, {
              caseNumber,
              caseType: 'refund',
              status: 'checking',
              agencyCode: a.agencyCode,
              at,
              event: {
                type: 'refund_requested_by_tax',
                actor: 'tax',
                data: { requestId: r.requestId, month: r.month, persons: r.persons.length, totalFen: r.totalFen },
              },
            });
            if (!fresh) continue;
            opened++;
            await tx.refundCase.create({
              data: {
                caseNumber,
                kind: 'whole_month',
                taxRequestId: r.requestId,
                registerNumber: a.registerNumber,
                employerUscc: r.uscc,
                employerName: r.employerName,
                agencyCode: a.agencyCode,
                channel: 'tax',
                reason: r.reason,
                status: 'checking',
                totalFen: r.totalFen,
                requestedBy: 'tax',
                requestedAt: at,
                reviewReasons: [],
                items: {
                  create: r.persons.map((p) => ({
                    idNumber: p.idNumber,
                    month: r.month,
                    personName: p.name,
                    amountFen: p.amountPaidFen,
                  })),
                },
              },
            });
            await audit(tx, {
              actor: { id: null, username: 'tax' },
              action: 'refund_requested_by_tax',
              entity: 'refund_case',
              entityId: caseNumber,
              caseNumber,
              after: { requestId: r.requestId, employerUscc: r.uscc, month: r.month, totalFen: r.totalFen },
              at,
            });
          }
          await tx.contributionSyncState.update({
            where: { feed: TAX_REFUND_FEED },
            data: {
              cursor: page.nextCursor,
              updatedAt: new Date(),
              ...(page.hasMore ? {} : { drainedAt: new Date() }),
            },
          });
        },
        { timeout: 60_000 },
      );
      return { received: page.items.length, opened, garbled, hasMore: page.hasMore };
    },

    /** The whole-month cases stored and not yet checked: their workflows are started by the sync (once: by ID). */
    async refundCasesToStart(): Promise<{ caseNumber: string; agencyCode: string }[]> {
      return db.refundCase.findMany({
        where: { kind: 'whole_month', status: 'checking' },
        select: { caseNumber: true, agencyCode: true },
        orderBy: { requestedAt: 'asc' },
        take: 200,
      });
    },

    /**
     * Art. 27 核实退费业务是否可受理: the one verdict on the agency's records, decided once and kept with each person's
     * reason (a retried or repeated check answers what was decided).
     */
    async checkRefund(input: {
      caseNumber: string;
      at: string;
    }): Promise<{ verdict: 'accepted' | 'refused'; refused: number; acceptedFen: number }> {
      const c = await db.refundCase.findUniqueOrThrow({
        where: { caseNumber: input.caseNumber },
        include: { items: true },
      });
      if (c.verdict === 'accepted' || c.verdict === 'refused') {
        return {
          verdict: c.verdict,
          refused: c.items.filter((i) => i.refusalRule).length,
          acceptedFen: Number(c.acceptedFen),
        };
      }
      const facts = await refundFactsOf(
        db,
        c.items.map((i) => i.idNumber),
        c.employerUscc,
      );
      const v = refundVerdict(
        c.items.map((i) => ({ idNumber: i.idNumber, month: i.month, amountFen: Number(i.amountFen) })),
        (id) => facts.get(id),
      );
      const at = new Date(input.at);
      const refused = v.items.filter((i) => i.refusal);
      await db.$transaction(async (tx) => {
        for (const i of refused) {
          await tx.refundItem.update({
            where: { caseNumber_idNumber_month: { caseNumber: c.caseNumber, idNumber: i.idNumber, month: i.month } },
            data: { refusalRule: i.refusal!.rule, refusalReason: `${i.refusal!.reason}：${i.refusal!.detail}` },
          });
        }
        await tx.refundCase.update({
          where: { caseNumber: c.caseNumber },
          data: { verdict: v.verdict, acceptedFen: v.acceptedFen },
        });
        await recordCaseEvent(tx, {
          caseNumber: c.caseNumber,
          key: `${c.caseNumber}/refund_checked`,
          type: v.verdict === 'accepted' ? 'refund_check_passed' : 'refund_check_refused',
          at,
          actor: 'system',
          data: {
            article: '27',
            persons: new Set(v.items.map((i) => i.idNumber)).size,
            refused: refused.map((i) => ({
              idNumberMasked: maskIdNumber(i.idNumber),
              month: i.month,
              reason: i.refusal!.reason,
              detail: i.refusal!.detail,
            })),
          },
        });
      });
      return { verdict: v.verdict, refused: refused.length, acceptedFen: v.acceptedFen };
    },

    /**
     * Art. 27 及时反馈税务部门: the kept verdict sent to tax, the persons refused named with the reason. The answer is
     * built from what was kept, so a retry sends the same; the platform takes it once (the same again: a duplicate).
     */
    async answerTaxRefund(input: { caseNumber: string; at: string }): Promise<{ duplicate: boolean }> {
      const c = await db.refundCase.findUniqueOrThrow({
        where: { caseNumber: input.caseNumber },
        include: { items: { orderBy: [{ idNumber: 'asc' }, { month: 'asc' }] } },
      });
      if (!c.taxRequestId || !c.verdict) throw new Error(`refund ${c.caseNumber} has no tax request or verdict`);
      const refusals = c.items
        .filter((i) => i.refusalReason)
        .map((i) => ({ idNumber: i.idNumber, reason: i.refusalReason!.slice(0, 200) }));
      const answer: RefundAnswer = {
        caseNumber: c.caseNumber,
        decision: c.verdict as 'accepted' | 'refused',
        refusals,
        message:
          c.verdict === 'accepted'
            ? `经核实，${c.employerName}申请退费可受理，按照退费流程办理（第二十七条、第六十四条）`
            : `经核实，${refusals.length}名退费人员已有领取失业保险待遇、失业保险关系转移等后续业务发生，不能办理退费（第二十七条）`,
      };
      const receipt = await guarded(() => sources.tax.answerRefundRequest(c.taxRequestId!, answer, callOptions()));
      if (!c.answeredAt) {
        await db.refundCase.updateMany({
          where: { caseNumber: c.caseNumber, answeredAt: null },
          data: { answer: asJson(answer), answeredAt: new Date(receipt.answeredAt) },
        });
      }
      return { duplicate: receipt.duplicate };
    },

    /** The case's status on its row and the case's, the timeline event (once per event) and the audit entry. */
    async recordRefundStep(input: {
      caseNumber: string;
      status: RefundStatus;
      event: string;
      data?: Record<string, unknown>;
      actor?: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      const data = (input.data ?? {}) as { by?: { userId: string; username: string }; reasons?: string[] };
      await db.$transaction(async (tx) => {
        const key = `${input.caseNumber}/${input.event}`;
        if (await tx.caseEvent.findUnique({ where: { eventKey: key } })) return; // a retried activity
        await tx.refundCase.update({
          where: { caseNumber: input.caseNumber },
          data: {
            status: input.status,
            ...(data.by ? { reviewedBy: data.by.username, decidedAt: at } : {}),
            ...(data.reasons ? { reviewReasons: data.reasons } : {}),
          },
        });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: input.status, updatedAt: at },
        });
        const actor = data.by?.username ?? input.actor ?? 'system';
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key,
          type: input.event,
          at,
          actor,
          data: { ...(data.reasons ? { reasons: data.reasons } : {}), article: '27' },
        });
        await audit(tx, {
          actor: { id: data.by?.userId ?? null, username: actor },
          action: input.event,
          entity: 'refund_case',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          after: { status: input.status, ...(data.reasons ? { reasons: data.reasons } : {}) },
          at,
        });
      });
    },
  };
}
