/**
 * The city's monthly comparison and the settlement of its runs, in bulk (Art. 42, 39, 62, 63; issue 11, measure 2).
 *
 * Art. 42: 每月发放失业保险金前核对领金人员领取资格 … 通过信息比对核查领金人员是否有停止领取情形. A benefit period checks
 * and queues the months due when it begins (its first month, or the months after a stop lifted on objection) itself;
 * every later month is checked by its city on the 1st (workflow `monthlyCheck`, started by `cityPaymentCycle`), one
 * activity per 200 beneficiaries: each person's answers from the employment service, the pension agency and civil
 * affairs; a stop condition found is answered to the city's workflow, which signals the person's period (`stopFound`)
 * to stop the benefit and tell the person; an answer that cannot be read is recorded and the month waits; every other month's benefit and medical
 * premium (Art. 44) go into the ledger in one statement. A period does not wake up for a month that pays as it should.
 *
 * After each run (Art. 39, 62): a benefit month that failed for the first time goes out again with the next run, to the
 * account as the claim has it then; failing again, the person is asked to correct the account; the periods' paid months
 * are recounted. All of it idempotent: a retried batch queues nothing twice (payment IDs are unique), asks nobody twice
 * (messages are sent once per message ID), and a stop signalled again is ignored by a period that has stopped already.
 */
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { Prisma } from '../generated/prisma/client';
import type { IsoMonth } from '../domain/calendar';
import { amountOfMonth, type AmountChange } from '../domain/period-amounts';
import { SourceError } from '../integrations/errors';
import type { SourceClients } from '../integrations/config';
import { mapLimited } from '../domain/concurrency';
import { dbDate, isoDate, type Db } from '../lib/db';
import { recordCaseEvent } from '../lib/case-events';
import { addToMonth } from '../domain/business-time';
import { stopFindingOf, type benefitActivities, type StopFinding } from './benefits';
import { medicalAgencyName, paymentIdFor, type PayableKind } from './payments';
import { recordStopUnhandled as recordStopUnhandledOn } from './period-stops';
import type { recoveryActivities } from './recovery';

/**
 * Beneficiaries per activity of the monthly comparison (and per bank batch, activities/payments.ts); each source is
 * asked once per activity (a comparison list takes up to 500).
 */
export const MONTHLY_CHECK_BATCH = 200;

export interface MonthlyCheckRange {
  /** Period IDs after this one (exclusive; null: from the first) … */
  after: string | null;
  /** … up to this one (inclusive). */
  upTo: string;
}

export interface MonthlyCheckBatchOutcome {
  /** Periods of the range with a month to check. */
  checked: number;
  /** Months whose benefit and premium went into the ledger. */
  queued: number;
  /** Stop conditions found (the city's workflow signals them to the periods). */
  stops: number;
  /** People whose answers could not be read: their month waits (Art. 7, 42). */
  unreadable: number;
  /** Stops found for a period whose workflow is not running (told to supervisors). */
  unhandled: number;
}

/** A stop condition found for a period by the comparison: case and period IDs and dates only, no personal data. */
export interface MonthlyCheckFinding {
  periodId: string;
  caseNumber: string;
  month: string;
  found: StopFinding;
}

export interface PeriodLedger {
  /** Months whose benefit is paid, in order. */
  paid: string[];
  /** Months whose latest attempt is pending, sent or failed. */
  outstanding: string[];
  /** Months in the ledger and not cancelled. */
  queued: string[];
}

/** A benefit month whose latest attempt failed, with the payee as the claim has it now. */
interface FailedMonth {
  period_id: string;
  case_number: string;
  agency_code: string;
  month: string;
  attempt: number;
  amount_fen: number;
  name: string;
  account_number: string | null;
  bank_name: string | null;
}

/** A new attempt of a month's benefit or premium, with its payee, as it goes into the ledger (pending). */
interface PendingAttempt {
  paymentId: string;
  periodId: string;
  caseNumber: string;
  agencyCode: string;
  kind: PayableKind;
  month: string;
  attempt: number;
  amountFen: number;
  payeeName: string;
  accountNumber: string | null;
  bankName: string | null;
}

export interface MonthlyCheckDeps {
  db: Db;
  sources: SourceClients;
  benefits: ReturnType<typeof benefitActivities>;
  recovery: ReturnType<typeof recoveryActivities>;
}

export function monthlyCheckActivities(deps: MonthlyCheckDeps) {
  return { ...comparisonActivities(deps), ...cityRunSettlementActivities(deps) };
}

/** What the comparison and the settlement share: the period's attempts in the ledger, the answers of the sources. */
function monthlyCheckLedger({ db, sources, benefits }: MonthlyCheckDeps) {
  /** The latest attempt of each (period, kind, month) of these periods, in that order. */
  async function latestAttempts(periodIds: string[]) {
    if (periodIds.length === 0) return [];
    return db.$queryRaw<{ period_id: string; kind: string; month: string; attempt: number; status: string }[]>`
      SELECT DISTINCT ON (period_id, kind, month) period_id, kind, month, attempt, status
        FROM payable WHERE period_id = ANY(${periodIds}::text[]) AND kind IN ('unemployment_benefit', 'medical_premium')
       ORDER BY period_id, kind, month, attempt DESC`;
  }

  /**
   * A stop found for a period whose workflow is not running (ended, or never started): the month was not queued, and
   * the supervisors are told to settle the case by hand (Art. 42), once per case and month.
   */
  async function recordStopUnhandled(f: {
    caseNumber: string;
    agencyCode: string;
    month: string;
    found: StopFinding;
    at: string;
  }): Promise<void> {
    await recordStopUnhandledOn(db, {
      agencyCode: f.agencyCode,
      events: [
        {
          caseNumber: f.caseNumber,
          key: `${f.caseNumber}/monthly_check_stop_unhandled/${f.month}`,
          type: 'monthly_check_stop_unhandled',
          at: new Date(f.at),
          data: { month: f.month, reason: f.found.reason, date: f.found.date, article: 'Art. 42' },
        },
      ],
      message: `${f.caseNumber} ${f.month} 月比对发现停止领取情形（${f.found.reason}），但其待遇期未在运行，本月未发放，请核实处理`,
    });
  }

  /**
   * The benefit months of the periods the city checks whose latest attempt failed, with the payee as the claim has it
   * now (a corrected account included), among the attempts `where` selects (a run's, or a period's).
   */
  async function failures(where: Prisma.Sql): Promise<FailedMonth[]> {
    return db.$queryRaw<FailedMonth[]>`
      SELECT p.period_id, p.case_number, p.agency_code, p.month, p.attempt, p.amount_fen,
             c.name, c.account_number, c.bank_name
        FROM payable p
        JOIN benefit_period bp ON bp.id = p.period_id AND bp.monthly_check = 'city'
        JOIN benefit_claim c ON c.case_number = p.case_number
       WHERE ${where} AND p.kind = 'unemployment_benefit' AND p.status = 'failed'
         AND NOT EXISTS (SELECT 1 FROM payable n WHERE n.period_id = p.period_id AND n.kind = p.kind
                         AND n.month = p.month AND n.attempt > p.attempt)
       ORDER BY p.period_id, p.month`;
  }

  /** A failed month's next attempt (Art. 39 重新发放), to the payee as the claim has it now. */
  const nextAttempt = (f: FailedMonth): PendingAttempt => ({
    paymentId: paymentIdFor(f.period_id, 'unemployment_benefit', f.month, f.attempt + 1),
    periodId: f.period_id,
    caseNumber: f.case_number,
    agencyCode: f.agency_code,
    kind: 'unemployment_benefit',
    month: f.month,
    attempt: f.attempt + 1,
    amountFen: f.amount_fen,
    payeeName: f.name,
    accountNumber: f.account_number,
    bankName: f.bank_name,
  });

  /**
   * Art. 39, 62: a month failed once goes out again with the next run; failed again, the person is asked to correct
   * the account (once per month: the message ID is the one the period's own settlement used).
   */
  async function settleFailures(failed: FailedMonth[], at: string): Promise<{ requeued: number; asked: number }> {
    const again = failed.filter((f) => f.attempt === 1);
    await insertPending(again.map(nextAttempt));
    const ask = failed.filter((f) => f.attempt >= 2);
    for (const f of ask) {
      await benefits.notifyApplicant({
        caseNumber: f.case_number,
        messageId: `${f.case_number}.account.${f.month}`,
        kind: 'account_correction',
        params: { caseNumber: f.case_number, month: f.month },
        at,
      });
    }
    return { requeued: again.length, asked: ask.length };
  }

  /** What the ledger holds of a period's benefit months (the latest attempt of each month). */
  async function periodLedger(input: { periodId: string }): Promise<PeriodLedger> {
    const rows = (await latestAttempts([input.periodId])).filter((r) => r.kind === 'unemployment_benefit');
    return {
      paid: rows.filter((r) => r.status === 'paid').map((r) => r.month),
      outstanding: rows.filter((r) => ['pending', 'sent', 'failed'].includes(r.status)).map((r) => r.month),
      queued: rows.filter((r) => r.status !== 'cancelled').map((r) => r.month),
    };
  }

  /**
   * New pending attempts into the ledger in one statement; an attempt already there (a retried batch) is left as it
   * is (the payment ID and (period, kind, month, attempt) are unique). Prisma's createMany took ~0.4 s for 400 rows.
   */
  async function insertPending(rows: PendingAttempt[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof PendingAttempt>(k: K) => rows.map((r) => r[k]);
    await db.$executeRaw`
      INSERT INTO payable (payment_id, period_id, case_number, agency_code, kind, month, attempt, amount_fen, payee_name,
                           account_number, bank_name, status, created_at, updated_at)
      SELECT t.*, 'pending', now(), now()
        FROM unnest(${col('paymentId')}::text[], ${col('periodId')}::text[], ${col('caseNumber')}::text[],
                    ${col('agencyCode')}::text[], ${col('kind')}::text[], ${col('month')}::text[],
                    ${col('attempt')}::int[], ${col('amountFen')}::int[], ${col('payeeName')}::text[],
                    ${col('accountNumber')}::text[], ${col('bankName')}::text[]) AS t
      ON CONFLICT DO NOTHING`;
  }

  /** The three comparison lists of Art. 42 (new employment, a basic pension, death), asked at once. */
  async function comparisonAnswers(idNumbers: string[], signal: AbortSignal) {
    const [employment, pension, death] = await Promise.all([
      sources.employment.getEmploymentStatuses(idNumbers, { signal }),
      sources.pension.getPensionReceipts(idNumbers, { signal }),
      sources.civil.getDeaths(idNumbers, { signal }),
    ]);
    return { employment, pension, death };
  }

  return {
    latestAttempts,
    recordStopUnhandled,
    failures,
    nextAttempt,
    settleFailures,
    periodLedger,
    insertPending,
    comparisonAnswers,
  };
}

/** Art. 42: the city's monthly comparison of its periods with the employment, pension and civil affairs data. */
function comparisonActivities(deps: MonthlyCheckDeps) {
  const { db, benefits } = deps;
  const { latestAttempts, recordStopUnhandled, insertPending, comparisonAnswers } = monthlyCheckLedger(deps);
  return {
    /**
     * Art. 42: the city's periods checked by the city this month, cut into ranges of MONTHLY_CHECK_BATCH by period ID
     * (one activity each). Only IDs travel through the history.
     */
    async planMonthlyCheck(input: { agencyCode: string; month: IsoMonth }): Promise<{
      periods: number;
      ranges: MonthlyCheckRange[];
    }> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM benefit_period
         WHERE agency_code = ${input.agencyCode} AND monthly_check = 'city' AND status = 'active'
           AND to_char(start_date, 'YYYY-MM') < ${input.month}
         ORDER BY id`;
      const ranges: MonthlyCheckRange[] = [];
      for (let i = 0; i < rows.length; i += MONTHLY_CHECK_BATCH) {
        const last = rows[Math.min(rows.length, i + MONTHLY_CHECK_BATCH) - 1]!;
        ranges.push({ after: i === 0 ? null : rows[i - 1]!.id, upTo: last.id });
      }
      return { periods: rows.length, ranges };
    },

    /**
     * Art. 42: a stop the comparison found for a period whose workflow is not running (the city's workflow could not
     * signal it): told to the supervisors, once per case and month.
     */
    async recordMonthlyCheckStopUnhandled(input: MonthlyCheckFinding & { agencyCode: string; at: string }) {
      log.warn('stop found for a period whose workflow is not running', {
        periodId: input.periodId,
        month: input.month,
      });
      await recordStopUnhandled(input);
    },

    /**
     * Art. 42, 44, 62: a range of the city's periods for `month`. Each period's months after its first, up to `month`,
     * not in the ledger yet (normally just `month`; more after a month whose check could not be read) are checked in
     * order against the person's answers; the first with a stop condition is answered to the city's workflow (which
     * signals the period) and nothing from it on is queued; the others are queued, benefit and premium, in one statement.
     */
    async checkMonthBatch(input: {
      agencyCode: string;
      month: IsoMonth;
      after: string | null;
      upTo: string;
      at: string;
    }): Promise<MonthlyCheckBatchOutcome & { findings: MonthlyCheckFinding[] }> {
      const { agencyCode, month } = input;
      const periods = await db.$queryRaw<
        {
          id: string;
          case_number: string;
          start_month: string;
          months: number;
          monthly_amount_fen: number;
          amount_changes: AmountChange[];
          id_number: string;
          separation_date: Date;
          name: string;
          account_number: string | null;
          bank_name: string | null;
        }[]
      >`
        SELECT p.id, p.case_number, to_char(p.start_date, 'YYYY-MM') AS start_month, p.months, p.monthly_amount_fen,
               p.amount_changes, c.id_number, c.separation_date, c.name, c.account_number, c.bank_name
          FROM benefit_period p JOIN benefit_claim c ON c.case_number = p.case_number
         WHERE p.agency_code = ${agencyCode} AND p.monthly_check = 'city' AND p.status = 'active'
           AND p.id > ${input.after ?? ''} AND p.id <= ${input.upTo}
         ORDER BY p.id`;
      const latest = new Map(
        (await latestAttempts(periods.map((p) => p.id))).map((r) => [`${r.period_id}|${r.kind}|${r.month}`, r]),
      );
      const outcome: MonthlyCheckBatchOutcome = { checked: 0, queued: 0, stops: 0, unreadable: 0, unhandled: 0 };
      const agency = await db.agency.findUnique({ where: { code: agencyCode } });
      if (agency?.level !== 'city') {
        throw ApplicationFailure.nonRetryable(
          `agency ${agencyCode} is not a city agency: benefits are paid by the city agencies (Art. 39)`,
          'NotPayingAgency',
        );
      }
      const premiums = new Map<string, number>();
      const premiumOf = async (m: string) => {
        if (!premiums.has(m)) premiums.set(m, await benefits.medicalPremiumFor({ agencyCode, month: m }));
        return premiums.get(m)!;
      };
      const rows: PendingAttempt[] = [];
      const signal = Context.current().cancellationSignal;
      const findings: MonthlyCheckFinding[] = [];

      // The months each period has due: after its first, up to `month`, not in the ledger (or withdrawn by a stop).
      const dueOf = new Map<string, string[]>();
      for (const p of periods) {
        const last = addToMonth(p.start_month, p.months - 1);
        const due: string[] = [];
        for (let m = addToMonth(p.start_month, 1); m <= month && m <= last; m = addToMonth(m, 1)) {
          const l = latest.get(`${p.id}|unemployment_benefit|${m}`);
          if (!l || l.status === 'cancelled') due.push(m);
        }
        if (due.length) dueOf.set(p.id, due);
      }
      const asked = periods.filter((p) => dueOf.has(p.id));
      outcome.checked = asked.length;
      if (asked.length === 0) return { ...outcome, findings: [] };

      // One comparison list per source (Art. 42: 比对查询), the batch's people at once.
      const idNumbers = [...new Set(asked.map((p) => p.id_number))];
      let answers: Awaited<ReturnType<typeof comparisonAnswers>>;
      try {
        answers = await comparisonAnswers(idNumbers, signal);
      } catch (err) {
        // An outage: the whole batch again, later (nothing it queued is queued twice). An answer that cannot be read
        // decides nothing (Art. 7, 42): the people's months wait, each case records it, the supervisors are told.
        if (!(err instanceof SourceError) || err.kind === 'unavailable') throw err;
        const error = `${err.kind === 'malformed' ? 'SourceMalformed' : 'SourceRejected'}: ${err.message}`.slice(
          0,
          500,
        );
        await mapLimited(asked, 8, (p) =>
          benefits.recordMonthlyCheckUnreadable({
            caseNumber: p.case_number,
            agencyCode,
            month: dueOf.get(p.id)![0]!,
            error,
            at: input.at,
          }),
        );
        outcome.unreadable = asked.length;
        return { ...outcome, findings: [] };
      }

      for (const p of asked) {
        const person = {
          employment: answers.employment.get(p.id_number)!,
          pension: answers.pension.get(p.id_number)!,
          death: answers.death.get(p.id_number)!,
        };
        for (const m of dueOf.get(p.id)!) {
          const found = stopFindingOf(person, isoDate(p.separation_date), m, `${m}-01`);
          if (found) {
            findings.push({ periodId: p.id, caseNumber: p.case_number, month: m, found });
            break;
          }
          for (const kind of ['unemployment_benefit', 'medical_premium'] as const) {
            const l = latest.get(`${p.id}|${kind}|${m}`);
            if (l && l.status !== 'cancelled') continue;
            const attempt = l ? l.attempt + 1 : 1;
            const benefit = kind === 'unemployment_benefit';
            rows.push({
              paymentId: paymentIdFor(p.id, kind, m, attempt),
              periodId: p.id,
              caseNumber: p.case_number,
              agencyCode,
              kind,
              month: m,
              attempt,
              amountFen: benefit ? amountOfMonth(p.amount_changes, p.monthly_amount_fen, m) : await premiumOf(m),
              payeeName: benefit ? p.name : medicalAgencyName(agency.name),
              accountNumber: benefit ? p.account_number : null,
              bankName: benefit ? p.bank_name : null,
            });
          }
          outcome.queued += 1;
        }
      }
      await insertPending(rows);

      // The stops go back to the city's workflow, which signals each period (Art. 42, 43; issue 20: activities do not
      // signal workflows).
      outcome.stops = findings.length;
      return { ...outcome, findings };
    },
  };
}

/** Art. 38, 39, 62: a run's failures settled, and a period's months re-queued or changed in the ledger. */
function cityRunSettlementActivities(deps: MonthlyCheckDeps) {
  const { db, recovery } = deps;
  const { failures, nextAttempt, settleFailures, periodLedger, insertPending } = monthlyCheckLedger(deps);
  return {
    /**
     * Art. 39, 62: after a run, its failed benefit months of the periods the city checks: a first failure goes out
     * again with the next run to the account as the claim has it now; a second asks the person to correct the account
     * (once per month). The paid months of the run's periods are recounted in the read model.
     */
    async settleCityRun(input: { runId: string; at: string }): Promise<{ requeued: number; asked: number }> {
      const settled = await settleFailures(await failures(Prisma.sql`p.run_id = ${input.runId}`), input.at);
      await db.$executeRaw`
        UPDATE benefit_period bp SET paid_months = s.paid, updated_at = now()
          FROM (SELECT period_id, count(*) FILTER (WHERE status = 'paid')::int AS paid FROM payable
                 WHERE kind = 'unemployment_benefit'
                   AND period_id IN (SELECT DISTINCT period_id FROM payable WHERE run_id = ${input.runId})
                 GROUP BY period_id) s
         WHERE bp.id = s.period_id AND bp.monthly_check = 'city' AND bp.paid_months <> s.paid`;
      return settled;
    },

    /** What the ledger holds of a period's benefit months: paid, outstanding, queued (Art. 39, 42, 43). */
    periodLedger,

    /** Art. 39: after a corrected account, every failed month goes out again with the next run, to the new account. */
    async requeueFailedMonths(input: { periodId: string }): Promise<string[]> {
      const failed = await failures(Prisma.sql`p.period_id = ${input.periodId}`);
      await insertPending(failed.map(nextAttempt));
      return failed.map((f) => f.month);
    },

    /**
     * Art. 38 para 2, Art. 13: a corrected monthly amount for the months from `fromMonth` not yet in the ledger (months
     * queued or paid keep theirs). Kept on the period for the city's comparison and recorded on the case. Refused when
     * every month of the period is in the ledger already.
     */
    async changePeriodAmount(
      input: Parameters<typeof recovery.recordPeriodAmountChanged>[0],
    ): Promise<{ effectiveFrom: string; unchangedMonths: string[] } | { refused: string }> {
      const period = await db.benefitPeriod.findUniqueOrThrow({ where: { id: input.periodId } });
      const first = isoDate(period.startDate).slice(0, 7);
      const months = Array.from({ length: period.months }, (_, i) => addToMonth(first, i));
      const { queued } = await periodLedger({ periodId: input.periodId });
      const next = months.find((m) => !queued.includes(m));
      if (!next) return { refused: 'Every month of the period is queued already' };
      const effectiveFrom = input.fromMonth > next ? input.fromMonth : next;
      const before = period.amountChanges as AmountChange[];
      const changes: AmountChange[] = [
        ...(before.length ? before : [{ fromMonth: first, amountFen: period.monthlyAmountFen }]).filter(
          (c) => c.fromMonth < effectiveFrom,
        ),
        { fromMonth: effectiveFrom, amountFen: input.amountFen },
      ];
      await db.benefitPeriod.update({ where: { id: input.periodId }, data: { amountChanges: changes } });
      await recovery.recordPeriodAmountChanged({ ...input, fromMonth: effectiveFrom });
      return { effectiveFrom, unchangedMonths: queued.filter((m) => m >= input.fromMonth) };
    },

    /**
     * Art. 13, 38 para 2: the period pays a corrected determination: its months and end date (the city checks and
     * queues the months up to the new end), its amount from the first month not yet in the ledger. Not applied to a
     * stopped period, or when every month of the corrected period is in the ledger already (recorded either way).
     */
    async changePeriodEntitlement(input: {
      periodId: string;
      caseNumber: string;
      version: number;
      months: number;
      endDate: string;
      amountFen: number;
      stopped: boolean;
      reason: string;
      by: string;
      at: string;
    }): Promise<{ applied: true; effectiveFrom: string } | { applied: false; note: string }> {
      const period = await db.benefitPeriod.findUniqueOrThrow({ where: { id: input.periodId } });
      const first = isoDate(period.startDate).slice(0, 7);
      const months = Array.from({ length: input.months }, (_, i) => addToMonth(first, i));
      const { queued } = await periodLedger({ periodId: input.periodId });
      const next = months.find((m) => !queued.includes(m));
      const note = input.stopped
        ? 'the benefit has stopped'
        : !next
          ? 'every month of the corrected period is in the ledger already'
          : null;
      const at = new Date(input.at);
      if (note) {
        await recordCaseEvent(db, {
          caseNumber: input.caseNumber,
          key: `${input.periodId}/entitlement/${input.version}`,
          type: 'period_entitlement_not_changed',
          at,
          actor: input.by,
          data: { version: input.version, note, reason: input.reason, article: 'Art. 38' },
        });
        return { applied: false, note };
      }
      const before = period.amountChanges as AmountChange[];
      const changes: AmountChange[] = [
        ...(before.length ? before : [{ fromMonth: first, amountFen: period.monthlyAmountFen }]).filter(
          (c) => c.fromMonth < next!,
        ),
        { fromMonth: next!, amountFen: input.amountFen },
      ];
      await db.$transaction(async (tx) => {
        await tx.benefitPeriod.update({
          where: { id: input.periodId },
          data: {
            months: input.months,
            endDate: dbDate(input.endDate),
            determinationVersion: input.version,
            monthlyAmountFen: input.amountFen,
            amountChanges: changes,
            updatedAt: at,
          },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.periodId}/entitlement/${input.version}`,
          type: 'period_entitlement_changed',
          at,
          actor: input.by,
          data: {
            version: input.version,
            before: { months: period.months, endDate: isoDate(period.endDate), amountFen: period.monthlyAmountFen },
            after: { months: input.months, endDate: input.endDate, amountFen: input.amountFen, fromMonth: next },
            reason: input.reason,
            article: 'Art. 38',
          },
        });
      });
      return { applied: true, effectiveFrom: next! };
    },
  };
}
