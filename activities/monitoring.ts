/**
 * Monitoring rules (Art. 78-80): a run evaluates the rules in force (policy/monitoring-rule.json) against the read
 * model, records each suspicious item once per rule and subject (疑点信息, its own case) and starts its verification
 * by the audit team; the outcome is recorded and audited. A confirmed item holds the payments of the cases it
 * concerns (table payment_hold: the cities' runs skip them) until another person decides its rectification: released,
 * or stopped / withdrawn (Art. 80 纠错机制). Every write is idempotent, so a retried activity or an overlapping run
 * changes nothing twice.
 */
import { createHash } from 'node:crypto';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';
import type { MonitoringRectificationForm, MonitoringVerificationForm } from '../domain/forms';
import { maskTail } from '../domain/identity';
import { rulesInForce, type MonitoringRule, type MonitoringRuleParams } from '../domain/monitoring';
import type { PolicyStore } from '../lib/policy-store';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { openCase } from '../lib/case-store';
import { asJson, dbDate, type Db } from '../lib/db';
import type { ItemToVerify } from '../contracts/monitoring';
import { OTHER_BENEFIT_LABELS, type OtherBenefitKind } from './other-benefits';

export interface MonitoringActivityDeps {
  db: Db;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
}

/** What a rule found about one subject. */
export interface Hit {
  subjectKey: string;
  agencyCode: string;
  details: Record<string, unknown>;
}

export type { ItemToVerify };

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The cases whose payments a confirmed item holds (Art. 80): benefit claims (their period's months) and the one-off
 * benefits of a period (Art. 46, 47). Subsidies have their own public notice and objection (Art. 49, 50).
 */
export const HOLDABLE_CASE_TYPES = ['benefit_claim', 'childbirth_subsidy', 'survivor_benefits'] as const;

/** What a rectification decided, for the workflow to carry out (case numbers only). */
export interface RectificationOutcome {
  /** Benefit periods to stop from the stop date (their claim's case number and the period's workflow ID). */
  periods: { caseNumber: string; periodId: string }[];
  /** One-off grants withdrawn, whose applicants are told. */
  withdrawn: { caseNumber: string; benefit: string }[];
}

/** The item's case number: derived from rule and subject, so the same finding is the same case (no personal data). */
export function itemCaseNumber(rule: string, subjectKey: string, year: number, agencyCode: string): string {
  return formatCaseNumber('monitoring_item', year, agencyCode, serialFromBytes(sha256(`${rule}\n${subjectKey}`)));
}

/** The queries of the rules: each returns the subjects over the rule's threshold. */
function ruleQueries(db: Db) {
  return {
    /** (a) Art. 78: more decisions of the given steps by one person within 60 minutes than `maxPerHour`. */
    async approvalsPerHour(p: Extract<MonitoringRuleParams, { rule: 'approvalsPerHour' }>, now: Date): Promise<Hit[]> {
      const since = new Date(now.getTime() - p.lookbackDays * 86_400_000);
      const peaks = await db.$queryRaw<
        { user_id: string; username: string; day: string; window_start: Date; n: number; agency: string }[]
      >`
        WITH c AS (
          SELECT t.completed_by_id AS user_id, t.completed_by_name AS username, t.agency_code, t.completed_at,
                 count(*) OVER (PARTITION BY t.completed_by_id ORDER BY t.completed_at
                                RANGE BETWEEN CURRENT ROW AND INTERVAL '3599.999 seconds' FOLLOWING)::int AS n
            FROM task t
           WHERE t.status = 'completed' AND t.completed_by_id IS NOT NULL AND t.completed_at >= ${since}
             AND t.step = ANY(${p.steps}::text[])
        ), peak AS (
          SELECT DISTINCT ON (user_id, day) user_id, username, day, completed_at AS window_start, n, agency_code
            FROM (SELECT c.*, to_char(c.completed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM c) x
           WHERE n > ${p.maxPerHour}
           ORDER BY user_id, day, n DESC, completed_at
        )
        SELECT peak.user_id::text, peak.username, peak.day, peak.window_start, peak.n,
               COALESCE(u.agency_code, peak.agency_code) AS agency
          FROM peak LEFT JOIN app_user u ON u.id = peak.user_id`;
      const hits: Hit[] = [];
      for (const x of peaks) {
        const windowEnd = new Date(x.window_start.getTime() + 3_599_999);
        const tasks = await db.task.findMany({
          where: {
            completedById: x.user_id,
            completedAt: { gte: x.window_start, lte: windowEnd },
            step: { in: p.steps },
          },
          select: { id: true },
          orderBy: { completedAt: 'asc' },
          take: 200,
        });
        hits.push({
          subjectKey: `user:${x.user_id}/${x.day}`,
          agencyCode: x.agency,
          details: {
            userId: x.user_id,
            username: x.username,
            day: x.day,
            windowStart: x.window_start.toISOString(),
            windowEnd: windowEnd.toISOString(),
            count: x.n,
            maxPerHour: p.maxPerHour,
            taskIds: tasks.map((t) => t.id),
          },
        });
      }
      return hits;
    },

    /**
     * (b) Art. 39, 79: one account named on claims of, or paid for, more persons than `maxPersonsPerAccount` (benefit
     * claims, other-benefit claims, and the payment ledger's accounts, not cancelled).
     */
    async sharedBankAccount(p: Extract<MonitoringRuleParams, { rule: 'sharedBankAccount' }>): Promise<Hit[]> {
      const rows = await db.$queryRaw<{ account: string; persons: number; cases: string[]; agency: string }[]>`
        WITH r AS (
          SELECT bc.account_number AS account, bc.id_number AS person, c.agency_code, bc.case_number
            FROM benefit_claim bc JOIN "case" c ON c.case_number = bc.case_number
          UNION
          SELECT ob.account_number, ob.id_number, c.agency_code, ob.case_number
            FROM other_benefit_claim ob JOIN "case" c ON c.case_number = ob.case_number
          UNION
          SELECT p.account_number, COALESCE(bc.id_number, ob.id_number), p.agency_code, p.case_number
            FROM payable p
            LEFT JOIN benefit_claim bc ON bc.case_number = p.case_number
            LEFT JOIN other_benefit_claim ob ON ob.case_number = p.case_number
           WHERE p.account_number IS NOT NULL AND p.status <> 'cancelled'
             AND COALESCE(bc.id_number, ob.id_number) IS NOT NULL
        )
        SELECT account, count(DISTINCT person)::int AS persons,
               array_agg(DISTINCT case_number ORDER BY case_number) AS cases, min(agency_code) AS agency
          FROM r GROUP BY account HAVING count(DISTINCT person) > ${p.maxPersonsPerAccount}`;
      return rows.map((r) => ({
        // The account itself stays out of the key and the case number: its hash identifies it.
        subjectKey: `account:${sha256(r.account).toString('hex')}`,
        agencyCode: r.agency,
        details: {
          accountMasked: maskTail(r.account),
          persons: r.persons,
          caseNumbers: r.cases,
          maxPersonsPerAccount: p.maxPersonsPerAccount,
        },
      }));
    },

    /** (c) Art. 38 para 3: a claim whose separation reason rests on the person's own declaration, paid. */
    async selfDeclaredPaid(): Promise<Hit[]> {
      const rows = await db.$queryRaw<{ case_number: string; agency: string; paid_fen: number; payments: number }[]>`
        SELECT d.case_number, c.agency_code AS agency, sum(p.amount_fen)::int AS paid_fen, count(*)::int AS payments
          FROM (SELECT DISTINCT ON (case_number) case_number, self_declared
                  FROM determination ORDER BY case_number, version DESC) d
          JOIN "case" c ON c.case_number = d.case_number
          JOIN payable p ON p.case_number = d.case_number AND p.status = 'paid'
         WHERE d.self_declared
         GROUP BY d.case_number, c.agency_code`;
      return rows.map((r) => ({
        subjectKey: `case:${r.case_number}`,
        agencyCode: r.agency,
        details: { caseNumber: r.case_number, paidFen: r.paid_fen, payments: r.payments },
      }));
    },

    /** (d) Art. 93: every manual data correction applied is verified afterwards. */
    async manualDataCorrection(): Promise<Hit[]> {
      const rows = await db.dataCorrection.findMany({ where: { status: 'applied' }, orderBy: { appliedAt: 'asc' } });
      return rows.map((r) => ({
        subjectKey: `correction:${r.caseNumber}`,
        agencyCode: r.agencyCode,
        details: {
          correctionCaseNumber: r.caseNumber,
          target: `${r.targetEntity}.${r.field}`,
          targetCaseNumber: r.targetCaseNumber,
          requestedBy: r.requestedBy,
          reviewedBy: r.reviewedBy,
          approvedBy: r.approvedBy,
          appliedAt: r.appliedAt?.toISOString() ?? null,
        },
      }));
    },
  };
}

export function monitoringActivities({ db, policy: policies }: MonitoringActivityDeps) {
  const queries = ruleQueries(db);

  return {
    /**
     * Art. 78, 79: evaluates the rules in force on `asOf` and records what they found, once per rule and subject.
     * Returns the open items whose verification has not been started yet (this run's, and any an earlier run left).
     */
    async runMonitoringRules(input: {
      runId: string;
      trigger: 'schedule' | 'manual';
      requestedBy?: string;
      asOf: string;
      at: string;
    }): Promise<{ found: number; opened: number; toVerify: ItemToVerify[] }> {
      const at = new Date(input.at);
      await db.monitoringRun.upsert({
        where: { id: input.runId },
        create: {
          id: input.runId,
          trigger: input.trigger,
          requestedBy: input.requestedBy ?? null,
          asOf: dbDate(input.asOf),
          status: 'running',
          startedAt: at,
        },
        update: {},
      });
      const year = Number(input.asOf.slice(0, 4));
      let found = 0;
      let opened = 0;
      const applied: unknown[] = [];
      for (const { params, citation } of rulesInForce(await policies.current(), input.asOf)) {
        const hits =
          params.rule === 'approvalsPerHour'
            ? await queries.approvalsPerHour(params, at)
            : params.rule === 'sharedBankAccount'
              ? await queries.sharedBankAccount(params)
              : params.rule === 'selfDeclaredPaid'
                ? await queries.selfDeclaredPaid()
                : await queries.manualDataCorrection();
        found += hits.length;
        applied.push({ rule: params.rule, params, citation, found: hits.length });
        for (const h of hits) {
          const caseNumber = itemCaseNumber(params.rule, h.subjectKey, year, h.agencyCode);
          const created = await db.$transaction(async (tx) => {
            const r = await tx.monitoringItem.createMany({
              data: [
                {
                  caseNumber,
                  rule: params.rule,
                  subjectKey: h.subjectKey,
                  agencyCode: h.agencyCode,
                  status: 'open',
                  details: asJson(h.details),
                  firstRunId: input.runId,
                  detectedAt: at,
                },
              ],
              skipDuplicates: true,
            });
            if (!r.count) return false;
            await openCase(tx, {
              caseNumber,
              caseType: 'monitoring_item',
              status: 'awaiting_verification',
              agencyCode: h.agencyCode,
              at,
              event: {
                type: 'suspicious_item_found',
                actor: 'system',
                data: { rule: params.rule, runId: input.runId, citation },
              },
              ifOpen: 'fail',
            });
            return true;
          });
          if (created) opened += 1;
        }
      }
      await db.monitoringRun.update({
        where: { id: input.runId },
        data: { rules: asJson(applied), found, opened },
      });
      const pending = await db.monitoringItem.findMany({
        where: { status: 'open', verificationStarted: false },
        orderBy: { detectedAt: 'asc' },
        take: 1000,
      });
      return {
        found,
        opened,
        toVerify: pending.map((i) => ({
          caseNumber: i.caseNumber,
          agencyCode: i.agencyCode,
          rule: i.rule as MonitoringRule,
        })),
      };
    },

    /** The item's verification case was started (by the run's workflow, workflows/monitoring.ts); idempotent. */
    async markVerificationStarted(input: { caseNumber: string }): Promise<void> {
      await db.monitoringItem.update({ where: { caseNumber: input.caseNumber }, data: { verificationStarted: true } });
    },

    async completeMonitoringRun(input: { runId: string; at: string }): Promise<void> {
      await db.monitoringRun.update({
        where: { id: input.runId },
        data: { status: 'completed', completedAt: new Date(input.at) },
      });
    },

    /** Art. 79, 80: the audit team's finding, recorded on the item and its case, and audited. */
    async recordMonitoringOutcome(input: {
      caseNumber: string;
      decision: MonitoringVerificationForm;
      by: { userId: string; username: string };
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      const status = input.decision.decision;
      await db.$transaction(async (tx) => {
        const item = await tx.monitoringItem.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        if (item.status !== 'open') return; // a retried activity
        await tx.monitoringItem.update({
          where: { caseNumber: input.caseNumber },
          data: { status, outcome: asJson(input.decision), decidedBy: input.by.username, decidedAt: at },
        });
        await tx.case.updateMany({ where: { caseNumber: input.caseNumber }, data: { status, updatedAt: at } });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/suspicious_item_${status}`,
          type: `suspicious_item_${status}`,
          at,
          actor: input.by.username,
          data: { rule: item.rule, decision: input.decision },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: `monitoring_item_${status}`,
          entity: 'monitoring_item',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          before: { status: item.status },
          after: { status, decision: input.decision },
          reason: input.decision.reasons.join('; '),
          at,
        });
      });
    },

    /**
     * Art. 80: a confirmed item holds the payments of the cases it concerns: their pending items in the ledger and any
     * queued later stay out of the cities' runs until the rectification is decided. Recorded on each case and the
     * item, and audited. Answers the cases held (none: nothing of the item is paid by the fund).
     */
    async holdMonitoringItemPayments(input: {
      caseNumber: string;
      by: { userId: string; username: string };
      at: string;
    }): Promise<{ held: string[] }> {
      const at = new Date(input.at);
      const item = await db.monitoringItem.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
      const cases = await concernedCases(db, item.rule, item.details as Record<string, unknown>);
      if (cases.length === 0) return { held: [] };
      await db.$transaction(async (tx) => {
        const r = await tx.paymentHold.createMany({
          data: cases.map((c) => ({
            itemCaseNumber: item.caseNumber,
            caseNumber: c,
            status: 'held',
            heldBy: input.by.username,
            heldAt: at,
          })),
          skipDuplicates: true,
        });
        if (r.count === 0) return; // a retried activity
        for (const c of cases) {
          await recordCaseEvent(tx, {
            caseNumber: c,
            key: `${c}/payments_held/${item.caseNumber}`,
            type: 'payments_held',
            at,
            actor: input.by.username,
            data: { itemCaseNumber: item.caseNumber, rule: item.rule, article: 'Art. 80' },
          });
        }
        await recordCaseEvent(tx, {
          caseNumber: item.caseNumber,
          key: `${item.caseNumber}/payments_held`,
          type: 'payments_held',
          at,
          actor: input.by.username,
          data: { caseNumbers: cases, article: 'Art. 80' },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: 'payments_held',
          entity: 'monitoring_item',
          entityId: item.caseNumber,
          caseNumber: item.caseNumber,
          after: { caseNumbers: cases },
          at,
        });
      });
      return { held: cases };
    },

    /**
     * Art. 80 整改意见按程序报批后送相关环节执行: the decision on what the item holds. Released: the items go with the next
     * run. Stopped: a benefit claim's months after the stop date's month are withdrawn from the ledger (the period, told
     * by the workflow, stops from the date and recovers what was paid for them, Art. 42, 43); a one-off grant is
     * withdrawn (its pending items cancelled, and any queued later). Recorded on each case and the item, audited.
     * Answers what the workflow carries out; a retry answers the same.
     */
    async decideMonitoringRectification(input: {
      caseNumber: string;
      decision: MonitoringRectificationForm;
      by: { userId: string; username: string };
      at: string;
    }): Promise<RectificationOutcome> {
      const at = new Date(input.at);
      const d = input.decision;
      const item = input.caseNumber;
      await db.$transaction(async (tx) => {
        const holds = await tx.paymentHold.findMany({ where: { itemCaseNumber: item, status: 'held' } });
        if (holds.length === 0) return; // decided already (a retried activity)
        const types = new Map(
          (
            await tx.case.findMany({
              where: { caseNumber: { in: holds.map((h) => h.caseNumber) } },
              select: { caseNumber: true, caseType: true },
            })
          ).map((c) => [c.caseNumber, c.caseType]),
        );
        for (const h of holds) {
          const claim = types.get(h.caseNumber) === 'benefit_claim';
          const status = d.decision === 'release' ? 'released' : claim ? 'stopped' : 'withdrawn';
          if (d.decision === 'stop') {
            // Not sent yet, so never paid: the months after the stop's month of a period (Art. 42), a grant whole.
            await tx.payable.updateMany({
              where: {
                caseNumber: h.caseNumber,
                status: 'pending',
                ...(claim ? { month: { gt: d.stopDate.slice(0, 7) } } : {}),
              },
              data: { status: 'cancelled', ...(claim ? {} : { resultCode: 'withdrawn' }), updatedAt: at },
            });
          }
          await tx.paymentHold.update({
            where: { itemCaseNumber_caseNumber: { itemCaseNumber: item, caseNumber: h.caseNumber } },
            data: { status, decidedBy: input.by.username, decidedAt: at, decision: asJson(d) },
          });
          await recordCaseEvent(tx, {
            caseNumber: h.caseNumber,
            key: `${h.caseNumber}/payments_${status}/${item}`,
            type: `payments_${status}`,
            at,
            actor: input.by.username,
            data: { itemCaseNumber: item, decision: d, article: 'Art. 80' },
          });
        }
        await tx.case.updateMany({ where: { caseNumber: item }, data: { status: 'rectified', updatedAt: at } });
        await recordCaseEvent(tx, {
          caseNumber: item,
          key: `${item}/rectification_decided`,
          type: 'rectification_decided',
          at,
          actor: input.by.username,
          data: { decision: d, caseNumbers: holds.map((h) => h.caseNumber), article: 'Art. 80' },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: `monitoring_rectification_${d.decision}`,
          entity: 'monitoring_item',
          entityId: item,
          caseNumber: item,
          before: { held: holds.map((h) => h.caseNumber) },
          after: { decision: d },
          reason: d.reasons.join('; '),
          at,
        });
      });
      const decided = await db.paymentHold.findMany({
        where: { itemCaseNumber: item, status: { in: ['stopped', 'withdrawn'] } },
        orderBy: { caseNumber: 'asc' },
      });
      const periods = await db.benefitPeriod.findMany({
        where: { caseNumber: { in: decided.filter((h) => h.status === 'stopped').map((h) => h.caseNumber) } },
        select: { id: true, caseNumber: true },
        orderBy: { caseNumber: 'asc' },
      });
      const grants = await db.otherBenefitClaim.findMany({
        where: { caseNumber: { in: decided.filter((h) => h.status === 'withdrawn').map((h) => h.caseNumber) } },
        select: { caseNumber: true, kind: true },
        orderBy: { caseNumber: 'asc' },
      });
      return {
        periods: periods.map((p) => ({ caseNumber: p.caseNumber, periodId: p.id })),
        withdrawn: grants.map((g) => ({
          caseNumber: g.caseNumber,
          benefit: OTHER_BENEFIT_LABELS[g.kind as OtherBenefitKind],
        })),
      };
    },
  };
}

/** The cases an item concerns, by what its rule found, among those whose payments can be held (Art. 80). */
async function concernedCases(db: Db, rule: string, details: Record<string, unknown>): Promise<string[]> {
  const named = (v: unknown) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []);
  let cases: string[] = [];
  if (rule === 'sharedBankAccount') cases = named(details.caseNumbers);
  else if (rule === 'selfDeclaredPaid') cases = named(details.caseNumber);
  else if (rule === 'manualDataCorrection') cases = named(details.targetCaseNumber);
  else if (rule === 'approvalsPerHour') {
    // The cases the person decided within the hour.
    const tasks = await db.task.findMany({
      where: { id: { in: named(details.taskIds) } },
      select: { caseNumber: true },
    });
    cases = tasks.map((t) => t.caseNumber);
  }
  const rows = await db.case.findMany({
    where: { caseNumber: { in: [...new Set(cases)] }, caseType: { in: [...HOLDABLE_CASE_TYPES] } },
    select: { caseNumber: true },
    orderBy: { caseNumber: 'asc' },
  });
  return rows.map((r) => r.caseNumber);
}
