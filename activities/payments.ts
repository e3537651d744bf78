/**
 * The payment ledger and the cities' payment runs through the disbursing bank (Art. 39, 44, 62, 63).
 *
 * The ledger (table `payable`) holds one row per payment attempt of one month's unemployment benefit or medical premium
 * of a benefit period. The benefit period workflow queues the month (`queuePayable`), reads what became of it after
 * the city's run (`payableOutcome`), re-sends a failed month as the next attempt with the payee as the claim has it
 * now (`requeuePayable`, Art. 39 重新发放), and withdraws months not due after a stop (`cancelPayables`, Art. 42).
 * Payees' names and accounts are read here from the read model, never passed through workflow histories (Art. 30).
 *
 * A run (table `payment_run`, workflow `paymentRun`) claims the city's pending attempts of its month and earlier
 * (Art. 62: last month's unsuccessful payments go out again with this month's), numbers them into batches, and for
 * each batch: marks it `sent` (from then on a stop cannot withdraw it), sends it, and records each item's result in
 * one transaction. Crash anywhere, retry anything: a batch is re-sent with the same batch ID and payment IDs, the bank
 * answers a payment ID it has seen with its first result (`duplicate`) and never pays it again, and the ledger only
 * moves `sent` → `paid | failed` once. At most one attempt of a (period, kind, month) is ever paid, which the database
 * enforces too (the partial unique index `payable_paid_once_partial`).
 *
 * Medical premiums (Art. 44: the fund pays the beneficiaries' basic medical insurance premium; Art. 63: 完成领金人员医疗
 * 保险费代缴) are paid to the city's medical insurance agency through its premium interface (`medical.payPremiums`, a batch at once,
 * idempotent by payment ID like the bank), not through the bank: the bank interface has no purpose for them, and the
 * medical insurance agency must know whose premium for which month it receives. Their ledger payee is the city's
 * medical insurance agency (no account number); a refusal (`not_enrolled`, `not_covered`) fails the item with that
 * code, to be checked and re-sent like a bank failure.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import { paymentItemSchema, type BankClient, type PaymentItem } from '../integrations/bank';
import { SourceError, toActivityFailure } from '../integrations/errors';
import type { MedicalClient, PremiumPaymentRequest } from '../integrations/medical';
import { mapLimited } from '../domain/concurrency';
import type { Db } from '../lib/db';
import { applicantOf } from '../lib/case-store';
import { MONTH_PATTERN, RUN_ID_PATTERN } from '../contracts/pay-day';

export interface PaymentActivityDeps {
  db: Db;
  /** The disbursing bank (社银接口). */
  bank: BankClient;
  /** The medical insurance agency, which receives the beneficiaries' premiums (Art. 44, 63). */
  medical: MedicalClient;
}

export const PAYABLE_KINDS = [
  'unemployment_benefit',
  'medical_premium',
  // One-off benefits of a period (Art. 46, 47), paid by the same city runs; their "period" is their own case.
  'childbirth_subsidy',
  'funeral_grant',
  'survivor_pension',
  'death_month_benefit',
  // Art. 49, 50: the job-retention refund (to the employer's account) and the skill-upgrade subsidy, one-off; their
  // "period" is their own case.
  'job_retention_refund',
  'skill_upgrade_subsidy',
] as const;
export type PayableKind = (typeof PAYABLE_KINDS)[number];
export const PAYABLE_STATUSES = ['pending', 'sent', 'paid', 'failed', 'cancelled'] as const;
export type PayableStatus = (typeof PAYABLE_STATUSES)[number];

/** Items per bank batch (the interface takes up to 1000). */
export const PAYMENT_BATCH_SIZE = 200;
/** A city's claim or a batch's results can take longer than Prisma's default 5 s transaction on a busy database. */
const LONG_TX = { maxWait: 10_000, timeout: 60_000 };
/** Premium calls in flight at once within a batch, when the medical insurance agency refuses the batch's list whole. */
const PREMIUM_CONCURRENCY = 8;

export interface PayableRef {
  periodId: string;
  kind: PayableKind;
  month: string;
}

export interface QueuedPayable {
  paymentId: string;
  attempt: number;
  status: PayableStatus;
}

export interface PayableOutcome extends QueuedPayable {
  resultCode: string | null;
  paidAt: string | null;
}

export interface PaymentRunClaim {
  runId: string;
  items: number;
  itemFen: number;
  batches: number;
}

export interface PaymentBatchOutcome {
  runId: string;
  batch: number;
  /** Items this call sent (0 when the batch was done already). */
  sent: number;
  paid: number;
  failed: number;
}

export interface PaymentRunTotals {
  runId: string;
  agencyCode: string;
  month: string;
  status: 'running' | 'completed';
  batches: number;
  items: number;
  paid: number;
  failed: number;
  /** Claimed, then cancelled by a stop before they were sent. */
  cancelled: number;
  itemFen: number;
  paidFen: number;
  failedFen: number;
  startedAt: string;
  completedAt: string | null;
}

const KIND_CODES: Record<PayableKind, string> = {
  unemployment_benefit: 'UB',
  medical_premium: 'MP',
  childbirth_subsidy: 'CS',
  funeral_grant: 'FG',
  survivor_pension: 'SP',
  death_month_benefit: 'DM',
  job_retention_refund: 'JR',
  skill_upgrade_subsidy: 'SU',
};

/** What the bank is told each payment is for (its purpose codes). */
const BANK_PURPOSE: Record<Exclude<PayableKind, 'medical_premium'>, PaymentItem['purpose']> = {
  unemployment_benefit: 'unemployment_benefit',
  childbirth_subsidy: 'childbirth_medical_subsidy',
  funeral_grant: 'funeral_grant',
  survivor_pension: 'survivor_pension',
  // Art. 47: the benefit of the month of death, paid to the survivor.
  death_month_benefit: 'unemployment_benefit',
  job_retention_refund: 'job_retention_refund',
  skill_upgrade_subsidy: 'skill_upgrade_subsidy',
};
const KEY_CHARS = /^[A-Za-z0-9_.:-]+$/;
const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The payment ID of an attempt: `<periodId>.<UB|MP>.<YYYYMM>.<attempt>`, deterministic and free of personal data, at
 * most 64 characters of [A-Za-z0-9_.:-] (the bank's idempotency key). A period ID too long or with other characters
 * is replaced by `P` and 32 hex characters of its SHA-256.
 */
export function paymentIdFor(periodId: string, kind: PayableKind, month: string, attempt: number): string {
  const suffix = `.${KIND_CODES[kind]}.${month.replace('-', '')}.${attempt}`;
  const base =
    KEY_CHARS.test(periodId) && periodId.length + suffix.length <= 64 ? periodId : `P${digest(periodId, 32)}`;
  return base + suffix;
}

/** The bank batch ID of batch `batch` of a run: `<runId>.b<batch>`, or a digest of the run ID when that is too long. */
export function batchIdFor(runId: string, batch: number): string {
  const suffix = `.b${batch}`;
  return runId.length + suffix.length <= 64 ? runId + suffix : `R${digest(runId, 40)}${suffix}`;
}

/** The city's medical insurance agency, payee of the premiums (Art. 44): 沈阳市失业保险经办机构 → 沈阳市医疗保险经办机构. */
export function medicalAgencyName(cityAgencyName: string): string {
  return `${cityAgencyName.replace(/失业保险经办机构$/, '')}医疗保险经办机构`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Input checks: a workflow bug must fail at once, not retry forever.

const kindSchema = z.enum(PAYABLE_KINDS);
const monthSchema = z.string().regex(MONTH_PATTERN, 'must be a month YYYY-MM');
const periodIdSchema = z.string().min(1).max(64);
const refSchema = z.object({ periodId: periodIdSchema, kind: kindSchema, month: monthSchema });
const queueSchema = refSchema.extend({
  caseNumber: z.string().min(1).max(32),
  agencyCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit division code'),
  amountFen: z.number().int().positive().max(2_147_483_647),
});
const cancelSchema = z.object({ periodId: periodIdSchema, fromMonth: monthSchema });
const runIdSchema = z.string().regex(RUN_ID_PATTERN, 'must be 1-64 of [A-Za-z0-9_.:-]');
const claimSchema = z.object({
  runId: runIdSchema,
  agencyCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit division code'),
  month: monthSchema,
  at: z.iso.datetime({ offset: true }),
});
const batchSchema = z.object({
  runId: runIdSchema,
  batch: z.number().int().positive(),
  at: z.iso.datetime({ offset: true }),
});
const completeSchema = z.object({ runId: runIdSchema, at: z.iso.datetime({ offset: true }) });

function checked<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const fields = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw ApplicationFailure.nonRetryable(`invalid payment input: ${fields}`, 'InvalidPaymentInput');
  }
  return r.data;
}

type PayableRow = Prisma.PayableGetPayload<object>;
/** What a batch needs of a ledger row to send it. */
type BatchItem = Pick<
  PayableRow,
  'paymentId' | 'caseNumber' | 'agencyCode' | 'kind' | 'month' | 'amountFen' | 'payeeName' | 'accountNumber'
>;
type PaymentRunRow = Prisma.PaymentRunGetPayload<object>;

const queued = (p: PayableRow): QueuedPayable => ({
  paymentId: p.paymentId,
  attempt: p.attempt,
  status: p.status as PayableStatus,
});

export function paymentRunTotals(r: PaymentRunRow): PaymentRunTotals {
  return {
    runId: r.id,
    agencyCode: r.agencyCode,
    month: r.month,
    status: r.status as PaymentRunTotals['status'],
    batches: r.batchCount,
    items: r.itemCount,
    paid: r.paidCount,
    failed: r.failedCount,
    cancelled: r.cancelledCount,
    itemFen: Number(r.itemFen),
    paidFen: Number(r.paidFen),
    failedFen: Number(r.failedFen),
    startedAt: r.startedAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
  };
}

/** Heartbeats every second while a batch is in flight, so a dead worker's batch is retried within the heartbeat timeout. */
function keepAlive(): { signal?: AbortSignal; stop(): void } {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return { stop: () => undefined }; // called outside an activity (a script): nothing to tell
  }
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 1_000);
  return { signal: ctx.cancellationSignal, stop: () => clearInterval(timer) };
}

interface ItemResult {
  status: 'paid' | 'failed';
  code: string | null;
  paidAt: string | null;
}

export function paymentActivities(deps: PaymentActivityDeps) {
  return { ...ledgerActivities(deps), ...paymentRunActivities(deps) };
}

/** The `payable` ledger (Art. 39, 44, 62): a month queued, its outcome, re-queued, cancelled. */
function ledgerActivities({ db }: PaymentActivityDeps) {
  const latest = (ref: PayableRef) =>
    db.payable.findFirst({
      where: { periodId: ref.periodId, kind: ref.kind, month: ref.month },
      orderBy: { attempt: 'desc' },
    });

  /** Who is paid: the beneficiary's account as the claim has it now, or the city's medical insurance agency. */
  async function payeeOf(kind: PayableKind, caseNumber: string, agencyCode: string) {
    const agency = await db.agency.findUnique({ where: { code: agencyCode } });
    if (agency?.level !== 'city') {
      throw ApplicationFailure.nonRetryable(
        `agency ${agencyCode} is not a city agency: benefits are paid by the city agencies (Art. 39)`,
        'NotPayingAgency',
      );
    }
    if (kind === 'medical_premium') {
      return { payeeName: medicalAgencyName(agency.name), accountNumber: null, bankName: null };
    }
    // Art. 49: the refund goes to the employer's own account, under the employer's name.
    if (kind === 'job_retention_refund') {
      const r = await db.jobRetentionCase.findUnique({ where: { caseNumber } });
      if (!r)
        throw ApplicationFailure.nonRetryable(`case ${caseNumber} has no employer in the read model`, 'CaseNotFound');
      return { payeeName: r.employerName, accountNumber: r.accountNumber, bankName: r.bankName };
    }
    // Other benefits (Art. 46, 47) and the skill subsidy (Art. 50) are paid to whoever applied, with the account given.
    const claim = await applicantOf(db, caseNumber);
    if (!claim) {
      throw ApplicationFailure.nonRetryable(`case ${caseNumber} has no claim in the read model`, 'CaseNotFound');
    }
    return { payeeName: claim.name, accountNumber: claim.accountNumber, bankName: claim.bankName };
  }

  return {
    /** Art. 39, 62: the month's benefit (or premium, Art. 44) into the ledger, for the city's next run. Idempotent. */
    async queuePayable(input: {
      periodId: string;
      caseNumber: string;
      agencyCode: string;
      kind: PayableKind;
      month: string;
      amountFen: number;
    }): Promise<QueuedPayable> {
      const q = checked(queueSchema, input);
      const existing = await latest(q);
      // A month withdrawn by a stop that an objection then lifted (Art. 13, 42) is queued again as its next attempt;
      // anything else already in the ledger (a grant withdrawn on an audit finding too) is answered as it is.
      if (existing && (existing.status !== 'cancelled' || existing.resultCode === 'withdrawn')) return queued(existing);
      const attempt = existing ? existing.attempt + 1 : 1;
      const payee = await payeeOf(q.kind, q.caseNumber, q.agencyCode);
      const at = new Date();
      // A grant withdrawn on a confirmed suspicious item (Art. 80) goes into the ledger withdrawn: never paid.
      const withdrawn = await db.paymentHold.count({ where: { caseNumber: q.caseNumber, status: 'withdrawn' } });
      await db.payable.createMany({
        data: [
          {
            paymentId: paymentIdFor(q.periodId, q.kind, q.month, attempt),
            periodId: q.periodId,
            caseNumber: q.caseNumber,
            agencyCode: q.agencyCode,
            kind: q.kind,
            month: q.month,
            attempt,
            amountFen: q.amountFen,
            ...payee,
            ...(withdrawn ? { status: 'cancelled', resultCode: 'withdrawn' } : { status: 'pending' }),
            createdAt: at,
            updatedAt: at,
          },
        ],
        skipDuplicates: true,
      });
      return queued((await latest(q))!);
    },

    /** The latest attempt of a month: paid, failed (with the bank's code), still on its way, or cancelled. */
    async payableOutcome(input: PayableRef): Promise<PayableOutcome | null> {
      const p = await latest(checked(refSchema, input));
      if (!p) return null;
      return { ...queued(p), resultCode: p.resultCode, paidAt: p.paidAt?.toISOString() ?? null };
    },

    /**
     * Art. 39, 63: a failed month is re-sent as the next attempt (a new payment ID), to the payee as the claim has it
     * now, so a corrected account is used. Anything else (pending, sent, paid, cancelled) is returned unchanged: there
     * is never more than one live attempt, and a month withdrawn by a stop is not revived.
     */
    async requeuePayable(input: PayableRef): Promise<QueuedPayable> {
      const ref = checked(refSchema, input);
      const last = await latest(ref);
      if (!last) {
        throw ApplicationFailure.nonRetryable(
          `no payable for ${ref.periodId} ${ref.kind} ${ref.month}: queue it first`,
          'PayableNotFound',
        );
      }
      if (last.status !== 'failed') return queued(last);
      const payee = await payeeOf(ref.kind, last.caseNumber, last.agencyCode);
      const at = new Date();
      const attempt = last.attempt + 1;
      await db.payable.createMany({
        data: [
          {
            paymentId: paymentIdFor(ref.periodId, ref.kind, ref.month, attempt),
            periodId: ref.periodId,
            caseNumber: last.caseNumber,
            agencyCode: last.agencyCode,
            kind: ref.kind,
            month: ref.month,
            attempt,
            amountFen: last.amountFen,
            ...payee,
            status: 'pending',
            createdAt: at,
            updatedAt: at,
          },
        ],
        skipDuplicates: true,
      });
      return queued((await latest(ref))!);
    },

    /** Art. 42: a stop withdraws the months from `fromMonth` not yet sent to the bank. Returns how many. */
    async cancelPayables(input: { periodId: string; fromMonth: string }): Promise<number> {
      const c = checked(cancelSchema, input);
      const r = await db.payable.updateMany({
        where: { periodId: c.periodId, month: { gte: c.fromMonth }, status: 'pending' },
        data: { status: 'cancelled', updatedAt: new Date() },
      });
      return r.count;
    },
  };
}

/** The city's payment run (Art. 39, 62, 63): claimed, sent to the bank in signed batches, completed. */
function paymentRunActivities({ db, bank, medical }: PaymentActivityDeps) {
  /** Recounts a run's totals from its items (idempotent). */
  async function refreshRunTotals(tx: Prisma.TransactionClient, runId: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE payment_run AS r
         SET item_count = s.items, paid_count = s.paid, failed_count = s.failed, cancelled_count = s.cancelled,
             item_fen = s.item_fen, paid_fen = s.paid_fen, failed_fen = s.failed_fen
        FROM (SELECT count(*)::int AS items,
                     count(*) FILTER (WHERE status = 'paid')::int AS paid,
                     count(*) FILTER (WHERE status = 'failed')::int AS failed,
                     count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
                     coalesce(sum(amount_fen), 0)::bigint AS item_fen,
                     coalesce(sum(amount_fen) FILTER (WHERE status = 'paid'), 0)::bigint AS paid_fen,
                     coalesce(sum(amount_fen) FILTER (WHERE status = 'failed'), 0)::bigint AS failed_fen
                FROM payable WHERE run_id = ${runId}) AS s
       WHERE r.id = ${runId}`;
  }

  /** Sends the bank's part of a batch; returns a result per payment ID. Invalid items fail here, unsent. */
  async function sendToBank(
    runId: string,
    batch: number,
    rows: BatchItem[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, ItemResult>> {
    const results = new Map<string, ItemResult>();
    const items: PaymentItem[] = [];
    for (const p of rows) {
      const item = paymentItemSchema.safeParse({
        paymentId: p.paymentId,
        payeeAccount: p.accountNumber ?? '',
        payeeName: p.payeeName,
        amountFen: p.amountFen,
        purpose: BANK_PURPOSE[p.kind as Exclude<PayableKind, 'medical_premium'>] ?? 'unemployment_benefit',
      });
      if (item.success) items.push(item.data);
      else {
        // The bank would refuse the whole batch for one malformed item: fail that item alone, to be corrected.
        const field = String(item.error.issues[0]?.path[0] ?? '');
        results.set(p.paymentId, {
          status: 'failed',
          code: field === 'payeeName' ? 'invalid_payee_name' : 'invalid_account',
          paidAt: null,
        });
      }
    }
    if (items.length === 0) return results;
    let answer;
    try {
      answer = await bank.sendBatch({ batchId: batchIdFor(runId, batch), items }, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof SourceError) {
        // Nothing in the batch is known to be unpaid, so nothing is given up: the same batch goes again, with backoff,
        // until the bank takes it (an outage) or the configuration is fixed (a refused signature). Resending is safe.
        throw ApplicationFailure.retryable(err.message, err.kind === 'rejected' ? 'PaymentBatchRejected' : err.name, {
          source: err.source,
          code: err.code,
          ...(err.status === undefined ? {} : { status: err.status }),
        });
      }
      throw toActivityFailure(err);
    }
    const sent = new Set(items.map((i) => i.paymentId));
    for (const r of answer.results) {
      if (!sent.has(r.paymentId)) continue; // only what this batch sent is recorded from its answer
      results.set(r.paymentId, {
        status: r.result === 'paid' ? 'paid' : 'failed',
        code: r.result === 'paid' ? null : r.result,
        paidAt: r.result === 'paid' ? r.processedAt : null,
      });
    }
    const missing = items.filter((i) => !results.has(i.paymentId)).length;
    if (missing) {
      throw ApplicationFailure.retryable(
        `the bank answered batch ${batch} without ${missing} of its items`,
        'BankAnswerIncomplete',
      );
    }
    return results;
  }

  /** Art. 44, 63: the premiums of a batch, to the medical insurance agency; a refusal fails the item with its code. */
  async function sendPremiums(rows: BatchItem[], signal: AbortSignal | undefined): Promise<Map<string, ItemResult>> {
    const results = new Map<string, ItemResult>();
    if (rows.length === 0) return results;
    const claims = await db.benefitClaim.findMany({
      where: { caseNumber: { in: [...new Set(rows.map((p) => p.caseNumber))] } },
      select: { caseNumber: true, idNumber: true },
    });
    const idNumbers = new Map(claims.map((c) => [c.caseNumber, c.idNumber]));
    const items: PremiumPaymentRequest[] = [];
    for (const p of rows) {
      const idNumber = idNumbers.get(p.caseNumber);
      if (!idNumber) results.set(p.paymentId, { status: 'failed', code: 'case_not_found', paidAt: null });
      else
        items.push({
          paymentId: p.paymentId,
          idNumber,
          month: p.month,
          amountFen: p.amountFen,
          agencyDivisionCode: p.agencyCode,
        });
    }
    if (items.length === 0) return results;
    const retryable = (err: SourceError) =>
      ApplicationFailure.retryable(err.message, err.name, { source: err.source, code: err.code });
    try {
      // The batch's premiums in one call (Art. 63 代缴), a result per item.
      const answers = await medical.payPremiums(items, signal ? { signal } : {});
      for (const [paymentId, r] of answers) {
        results.set(
          paymentId,
          r.status === 'accepted'
            ? { status: 'paid', code: null, paidAt: r.receivedAt }
            : { status: 'failed', code: r.code, paidAt: null },
        );
      }
      return results;
    } catch (err) {
      if (!(err instanceof SourceError)) throw toActivityFailure(err);
      // A list refused whole (one item it cannot take): one call per item, so a refusal fails that item alone.
      if (err.kind !== 'rejected') throw retryable(err);
    }
    await mapLimited(items, PREMIUM_CONCURRENCY, async (item) => {
      try {
        const r = await medical.payPremium(item, signal ? { signal } : {});
        results.set(item.paymentId, { status: 'paid', code: null, paidAt: r.receivedAt });
      } catch (err) {
        if (err instanceof SourceError && err.kind === 'rejected') {
          results.set(item.paymentId, { status: 'failed', code: err.code, paidAt: null });
          return;
        }
        if (err instanceof SourceError) throw retryable(err);
        throw toActivityFailure(err);
      }
    });
    return results;
  }

  return {
    /**
     * Art. 39, 62, 63: opens the run and claims the city's pending attempts of its month and earlier (failed months
     * re-queued since the last run among them), numbered into batches. Once per run: a retry returns the same claim.
     */
    async claimPaymentRun(input: {
      runId: string;
      agencyCode: string;
      month: string;
      at: string;
    }): Promise<PaymentRunClaim> {
      const c = checked(claimSchema, input);
      const startedAt = new Date(c.at);
      return db.$transaction(async (tx) => {
        const opened = await tx.paymentRun.createMany({
          data: [{ id: c.runId, agencyCode: c.agencyCode, month: c.month, status: 'running', startedAt }],
          skipDuplicates: true,
        });
        if (opened.count === 0) {
          const run = await tx.paymentRun.findUniqueOrThrow({ where: { id: c.runId } });
          if (run.agencyCode !== c.agencyCode || run.month !== c.month) {
            throw ApplicationFailure.nonRetryable(
              `payment run ${c.runId} is the run of ${run.agencyCode} ${run.month}`,
              'PaymentRunMismatch',
            );
          }
          return { runId: run.id, items: run.itemCount, itemFen: Number(run.itemFen), batches: run.batchCount };
        }
        // Rows a concurrent run is claiming are skipped (they are that run's); a row is claimed by one run only. Rows
        // of a case a confirmed suspicious item holds stay pending until its rectification is decided (Art. 80).
        await tx.$executeRaw`
          WITH picked AS (
            SELECT id, month FROM payable
             WHERE agency_code = ${c.agencyCode} AND status = 'pending' AND run_id IS NULL AND month <= ${c.month}
               AND NOT EXISTS (SELECT 1 FROM payment_hold h WHERE h.case_number = payable.case_number AND h.status = 'held')
             FOR UPDATE SKIP LOCKED
          ), numbered AS (
            SELECT id, ((row_number() OVER (ORDER BY month, id) - 1) / ${PAYMENT_BATCH_SIZE})::int + 1 AS batch_no
              FROM picked
          )
          UPDATE payable AS p SET run_id = ${c.runId}, batch_no = n.batch_no, updated_at = ${startedAt}
            FROM numbered AS n WHERE p.id = n.id`;
        const [claimed] = await tx.$queryRaw<{ items: number; item_fen: bigint; batches: number }[]>`
          SELECT count(*)::int AS items, coalesce(sum(amount_fen), 0)::bigint AS item_fen,
                 coalesce(max(batch_no), 0)::int AS batches
            FROM payable WHERE run_id = ${c.runId}`;
        const items = claimed?.items ?? 0;
        const itemFen = claimed?.item_fen ?? 0n;
        const batches = claimed?.batches ?? 0;
        await tx.paymentRun.update({
          where: { id: c.runId },
          data: { itemCount: items, itemFen, batchCount: batches },
        });
        return { runId: c.runId, items, itemFen: Number(itemFen), batches };
      }, LONG_TX);
    },

    /**
     * Art. 39, 63: one batch of a run to the bank (and the premiums in it to the medical insurance agency), each
     * item's result recorded in one transaction. Safe to repeat after a crash at any point (see the file comment).
     */
    async sendPaymentBatch(input: { runId: string; batch: number; at: string }): Promise<PaymentBatchOutcome> {
      const b = checked(batchSchema, input);
      const at = new Date(b.at);
      const alive = keepAlive();
      try {
        // Marked sent before anything leaves: from now on a stop cannot withdraw these, and a retry re-sends them (those
        // a first attempt marked keep its time). One statement, one round trip (issue 11, measure 2). An item a
        // suspicious item came to hold since the run claimed it goes back to the ledger unsent (Art. 80).
        const rows = await db.$queryRaw<BatchItem[]>`
          WITH held AS (
            UPDATE payable SET run_id = NULL, batch_no = NULL, updated_at = ${at}
             WHERE run_id = ${b.runId} AND batch_no = ${b.batch} AND status = 'pending'
               AND EXISTS (SELECT 1 FROM payment_hold h WHERE h.case_number = payable.case_number AND h.status = 'held')
         RETURNING id
          )
          UPDATE payable
             SET status = 'sent',
                 sent_at = CASE WHEN status = 'pending' THEN ${at} ELSE sent_at END,
                 updated_at = CASE WHEN status = 'pending' THEN ${at} ELSE updated_at END
           WHERE run_id = ${b.runId} AND batch_no = ${b.batch} AND status IN ('pending', 'sent')
             AND id NOT IN (SELECT id FROM held)
       RETURNING payment_id AS "paymentId", case_number AS "caseNumber", agency_code AS "agencyCode", kind, month,
                 amount_fen AS "amountFen", payee_name AS "payeeName", account_number AS "accountNumber"`;
        rows.sort((x, y) => (x.paymentId < y.paymentId ? -1 : x.paymentId > y.paymentId ? 1 : 0));
        const results = new Map<string, ItemResult>();
        if (rows.length) {
          // Everything but premiums goes through the bank (benefits, Art. 46-47 one-off payments), each with its purpose.
          const toBank = rows.filter((p) => p.kind !== 'medical_premium');
          const premiums = rows.filter((p) => p.kind === 'medical_premium');
          // The bank and the medical insurance agency are two systems: both parts of the batch go at once.
          const [paid, premiumsPaid] = await Promise.all([
            sendToBank(b.runId, b.batch, toBank, alive.signal),
            sendPremiums(premiums, alive.signal),
          ]);
          for (const [k, v] of [...paid, ...premiumsPaid]) results.set(k, v);
          const ids = [...results.keys()];
          const values = [...results.values()];
          // The results and the run's running totals in one statement, so atomically: the totals grow by the rows
          // this statement moved from `sent`, which a repeat after a crash finds none of (it adds nothing). Recounting
          // the whole run after each batch made a run's cost grow with the square of its size (issue 11, measure 2);
          // the run is recounted once, when it completes.
          await db.$executeRaw`
            WITH recorded AS (
              UPDATE payable AS p
                 SET status = r.status, result_code = r.code, paid_at = r.paid_at::timestamptz, updated_at = ${at}
                FROM unnest(${ids}::text[], ${values.map((v) => v.status)}::text[], ${values.map((v) => v.code)}::text[],
                            ${values.map((v) => v.paidAt)}::text[]) AS r(payment_id, status, code, paid_at)
               WHERE p.payment_id = r.payment_id AND p.run_id = ${b.runId} AND p.status = 'sent'
           RETURNING p.status, p.amount_fen
            )
            UPDATE payment_run AS run
               SET paid_count = run.paid_count + s.paid, failed_count = run.failed_count + s.failed,
                   paid_fen = run.paid_fen + s.paid_fen, failed_fen = run.failed_fen + s.failed_fen
              FROM (SELECT count(*) FILTER (WHERE status = 'paid')::int AS paid,
                           count(*) FILTER (WHERE status = 'failed')::int AS failed,
                           coalesce(sum(amount_fen) FILTER (WHERE status = 'paid'), 0)::bigint AS paid_fen,
                           coalesce(sum(amount_fen) FILTER (WHERE status = 'failed'), 0)::bigint AS failed_fen
                      FROM recorded) AS s
             WHERE run.id = ${b.runId}`;
        }
        return {
          runId: b.runId,
          batch: b.batch,
          sent: rows.length,
          paid: [...results.values()].filter((r) => r.status === 'paid').length,
          failed: [...results.values()].filter((r) => r.status === 'failed').length,
        };
      } finally {
        alive.stop();
      }
    },

    /** Closes the run with its totals (Art. 39: 反馈发放情况). Idempotent. */
    async completePaymentRun(input: { runId: string; at: string }): Promise<PaymentRunTotals> {
      const c = checked(completeSchema, input);
      return db.$transaction(async (tx) => {
        const open = await tx.payable.count({ where: { runId: c.runId, status: { in: ['pending', 'sent'] } } });
        if (open) {
          throw ApplicationFailure.nonRetryable(
            `payment run ${c.runId} still has ${open} items not sent or without a result`,
            'PaymentRunIncomplete',
          );
        }
        await refreshRunTotals(tx, c.runId);
        const run = await tx.paymentRun.findUniqueOrThrow({ where: { id: c.runId } });
        const done = await tx.paymentRun.update({
          where: { id: c.runId },
          data: { status: 'completed', completedAt: run.completedAt ?? new Date(c.at) },
        });
        return paymentRunTotals(done);
      }, LONG_TX);
    },
  };
}
