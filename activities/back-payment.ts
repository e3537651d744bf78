/**
 * 补收补缴 (Art. 26): the activities of a back payment's case (workflows/back-payment.ts). Each is given the case number
 * and returns totals and statuses, never a person's data: the assessment per month and person stays in the read model
 * (back_payment, back_payment_month, back_payment_person_month).
 *
 *   assess     the owed months' pension bases (the pension system, person by person), the rates in force in each
 *              month and the late fee of 社会保险法 Art. 86 (policy), assessed by domain/back-payment.ts
 *   send       the assessment to tax through the platform (补收信息), idempotent by case number
 *   check      what tax reports of it: paid in full (with its receipt date), in part, not yet
 *   post       paid in full: each person's month posted to its original month with the receipt date and
 *              `backPayment`, through storeContributionRecords (the one writer of records)
 *   waiting    the claims waiting on arrears (Art. 41) of the persons concerned, for the workflow to signal
 */
import { ApplicationFailure } from '@temporalio/activity';
import { assessBackPayment, type BackPaymentMonthInput, type RateInForce } from '../domain/back-payment';
import { businessDateOf } from '../domain/calendar';
import { resolveParameter, type ResolvedParameter } from '../domain/policy';
import type { SourceClients } from '../integrations/config';
import { audit } from '../lib/audit';
import { asJson, dbDate, isoDate, sqlOf, type Db } from '../lib/db';
import type { PolicyStore } from '../lib/policy-store';
import { storeContributionRecords } from './contributions';
import { callOptions, guarded } from './source-call';

export interface BackPaymentActivityDeps {
  db: Db;
  sources: SourceClients;
  policy: PolicyStore;
}

const rateOf = (p: ResolvedParameter<{ rateBp: number }>): RateInForce => ({
  rateBp: p.value.rateBp,
  effectiveFrom: p.effectiveFrom,
  document: p.source.document,
  article: p.source.article,
  confirmed: p.confirmed,
});

export function backPaymentActivities({ db, sources, policy }: BackPaymentActivityDeps) {
  return {
    /**
     * Art. 26: the arrears of the months applied for, from the pension base and headcount of each month and the rates
     * in force then, with the late fee through today (Asia/Shanghai). Written again whole on a retry.
     */
    async assessBackPaymentCase(input: {
      caseNumber: string;
      at: string;
    }): Promise<{ months: number; insured: number; contributionsFen: number; lateFeeFen: number; totalFen: number }> {
      const bp = await db.backPayment.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
      const bases = await guarded(() =>
        sources.pension.getEmployerBases(bp.employerUscc, [...bp.months], callOptions()),
      );
      if (!bases) throw ApplicationFailure.nonRetryable('pension does not know the employer', 'SourceRejected');
      const data = await policy.current();
      const lateFeeThrough = businessDateOf(new Date(input.at));
      const lateFeeP = resolveParameter(data, 'backPayment', 'lateFee', lateFeeThrough);
      const dueP = resolveParameter(data, 'backPayment', 'dueDate', lateFeeThrough);
      const lateFee = lateFeeP.value;
      const due = dueP.value;
      if (!('dailyRateBp' in lateFee) || !('monthsAfter' in due)) {
        throw ApplicationFailure.nonRetryable('backPayment policy entries have the wrong shape', 'PolicyInvalid');
      }
      // Art. 26: the rates in force in each owed month (its first day), with their source.
      const months: BackPaymentMonthInput[] = bases.months.map((m) => ({
        month: m.month,
        persons: m.persons,
        employerRate: rateOf(resolveParameter(data, 'contributionRate', 'employer', `${m.month}-01`)),
        personRate: rateOf(resolveParameter(data, 'contributionRate', 'person', `${m.month}-01`)),
      }));
      const a = assessBackPayment(
        months,
        {
          dueMonthsAfter: due.monthsAfter,
          lateFeeDailyBp: lateFee.dailyRateBp,
          lateFeeConfirmed: lateFeeP.confirmed,
          dueDateConfirmed: dueP.confirmed,
        },
        lateFeeThrough,
      );
      await db.$transaction(async (tx) => {
        await tx.backPaymentMonth.deleteMany({ where: { caseNumber: bp.caseNumber } });
        await tx.backPaymentPersonMonth.deleteMany({ where: { caseNumber: bp.caseNumber } });
        await tx.backPaymentMonth.createMany({
          data: a.months.map((m) => ({
            caseNumber: bp.caseNumber,
            month: m.month,
            insuredCount: m.insuredCount,
            baseTotalFen: m.baseTotalFen,
            employerRateBp: m.employerRateBp,
            personRateBp: m.personRateBp,
            employerShareFen: m.employerShareFen,
            personShareFen: m.personShareFen,
            amountFen: m.amountFen,
            dueDate: dbDate(m.dueDate),
            lateDays: m.lateDays,
            lateFeeFen: m.lateFeeFen,
            rates: asJson({
              ...m.rates,
              dueDate: { document: dueP.source.document, article: dueP.source.article, confirmed: dueP.confirmed },
              lateFee: {
                document: lateFeeP.source.document,
                article: lateFeeP.source.article,
                confirmed: lateFeeP.confirmed,
              },
            }),
          })),
        });
        await tx.backPaymentPersonMonth.createMany({
          data: a.persons.map((p) => ({ caseNumber: bp.caseNumber, ...p })),
        });
        await tx.backPayment.update({
          where: { caseNumber: bp.caseNumber },
          data: {
            assessedAt: new Date(input.at),
            lateFeeThrough: dbDate(a.lateFeeThrough),
            contributionsFen: a.contributionsFen,
            lateFeeFen: a.lateFeeFen,
            totalFen: a.totalFen,
            explanation: a.explanation,
          },
        });
      });
      return {
        months: a.months.length,
        insured: new Set(a.persons.map((p) => p.idNumber)).size,
        contributionsFen: a.contributionsFen,
        lateFeeFen: a.lateFeeFen,
        totalFen: a.totalFen,
      };
    },

    /** The reviewer's confirmation or refusal of the assessment, in the audit trail (the case event is the kernel's). */
    async recordBackPaymentReview(input: {
      caseNumber: string;
      decision: 'approve' | 'reject';
      reasons: string[];
      by: { userId: string; username: string };
      at: string;
    }): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.backPayment.update({
          where: { caseNumber: input.caseNumber },
          data: { reviewedBy: input.by.username },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action:
            input.decision === 'approve' ? 'back_payment_assessment_confirmed' : 'back_payment_assessment_rejected',
          entity: 'back_payment',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          after: { decision: input.decision, reasons: input.reasons },
          at: new Date(input.at),
        });
      });
    },

    /** Art. 26 通过数据共享平台向税务部门传递补收信息: the assessment as tax keeps it, once per case number. */
    async sendBackPaymentToTax(input: { caseNumber: string; payBy: string }): Promise<{ status: string }> {
      const bp = await db.backPayment.findUniqueOrThrow({
        where: { caseNumber: input.caseNumber },
        include: {
          monthRows: { orderBy: { month: 'asc' } },
          personMonths: { orderBy: [{ month: 'asc' }, { idNumber: 'asc' }] },
        },
      });
      const answer = await guarded(() =>
        sources.tax.sendBackPaymentAssessment(
          {
            caseNumber: bp.caseNumber,
            uscc: bp.employerUscc,
            contributionsFen: Number(bp.contributionsFen),
            lateFeeFen: Number(bp.lateFeeFen),
            totalFen: Number(bp.totalFen),
            lateFeeThrough: isoDate(bp.lateFeeThrough!),
            payBy: input.payBy,
            months: bp.monthRows.map((m) => ({
              month: m.month,
              insuredCount: m.insuredCount,
              amountFen: Number(m.amountFen),
              lateFeeFen: Number(m.lateFeeFen),
            })),
            persons: bp.personMonths.map((p) => ({
              idNumber: p.idNumber,
              month: p.month,
              amountFen: Number(p.amountFen),
            })),
          },
          callOptions(),
        ),
      );
      await db.backPayment.update({
        where: { caseNumber: bp.caseNumber },
        data: { payBy: dbDate(input.payBy), taxStatus: answer.status },
      });
      return { status: answer.status };
    },

    /** What tax reports of the assessment now: paid in full (receipt date), in part, not yet, withdrawn. */
    async checkBackPaymentAtTax(input: { caseNumber: string }): Promise<{
      status: 'assessed' | 'partial' | 'paid' | 'withdrawn';
      amountPaidFen: number;
      totalFen: number;
      receiptDate: string | null;
    }> {
      const s = await guarded(() => sources.tax.getBackPaymentStatus(input.caseNumber, callOptions()));
      if (!s) throw ApplicationFailure.retryable('tax does not know the assessment yet', 'SourceUnavailable');
      await db.backPayment.update({
        where: { caseNumber: input.caseNumber },
        data: {
          taxStatus: s.status,
          amountPaidFen: s.amountPaidFen,
          receiptDate: s.receiptDate ? dbDate(s.receiptDate) : null,
        },
      });
      return { status: s.status, amountPaidFen: s.amountPaidFen, totalFen: s.totalFen, receiptDate: s.receiptDate };
    },

    /** Not paid in full by its date: withdrawn at tax (one paid meanwhile is answered `paid`). */
    async withdrawBackPaymentAtTax(input: { caseNumber: string }): Promise<{ status: string }> {
      const now = await guarded(() => sources.tax.getBackPaymentStatus(input.caseNumber, callOptions()));
      if (now?.status === 'paid') return { status: 'paid' };
      const s = await guarded(() => sources.tax.withdrawBackPaymentAssessment(input.caseNumber, callOptions()));
      await db.backPayment.update({ where: { caseNumber: input.caseNumber }, data: { taxStatus: s.status } });
      return { status: s.status };
    },

    /**
     * Art. 26 补缴的失业保险费补记到对应费款所属期，并注明到账日期: each person's month of the assessment posted to its
     * original month with tax's receipt date and `backPayment`, through the one writer of records (a retry posts
     * nothing twice: the same record again is left as it is).
     */
    async postBackPayment(input: { caseNumber: string; at: string }): Promise<{ posted: number; persons: number }> {
      const bp = await db.backPayment.findUniqueOrThrow({
        where: { caseNumber: input.caseNumber },
        include: { personMonths: true },
      });
      if (!bp.receiptDate) throw ApplicationFailure.nonRetryable('no receipt date reported', 'NotPaid');
      const receiptDate = isoDate(bp.receiptDate);
      const pool = sqlOf(db);
      const c = await pool.connect();
      let stored;
      try {
        await c.query('BEGIN');
        stored = await storeContributionRecords(
          c,
          bp.personMonths.map((p) => ({
            idNumber: p.idNumber,
            employerUscc: bp.employerUscc,
            employerName: bp.employerName,
            month: p.month,
            baseFen: Number(p.baseFen),
            amountPaidFen: Number(p.amountFen),
            receiptDate,
            backPayment: true,
            taxSeq: null,
          })),
          { source: 'back_payment', sourceRun: bp.caseNumber },
        );
        await c.query(
          `UPDATE back_payment SET posted_at = COALESCE(posted_at, $2), records_posted = $3 WHERE case_number = $1`,
          [bp.caseNumber, new Date(input.at), bp.personMonths.length],
        );
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
      await audit(db, {
        actor: { id: null, username: 'system' },
        action: 'back_payment_posted',
        entity: 'back_payment',
        entityId: bp.caseNumber,
        caseNumber: bp.caseNumber,
        after: { receiptDate, records: bp.personMonths.length, inserted: stored.inserted, revised: stored.revised },
        at: new Date(input.at),
      });
      return { posted: bp.personMonths.length, persons: new Set(bp.personMonths.map((p) => p.idNumber)).size };
    },

    /** Art. 41: the claims waiting on arrears of the persons the back payment concerns (case numbers only). */
    async claimsAwaitingArrearsOf(input: { caseNumber: string }): Promise<string[]> {
      const rows = await sqlOf(db).query<{ case_number: string }>(
        `SELECT DISTINCT c.case_number FROM "case" c JOIN benefit_claim b ON b.case_number = c.case_number
          WHERE c.status = 'awaiting_arrears'
            AND b.id_number IN (SELECT id_number FROM back_payment_person_month WHERE case_number = $1)
          ORDER BY c.case_number`,
        [input.caseNumber],
      );
      return rows.rows.map((r) => r.case_number);
    },
  };
}
