/**
 * Finance: the cities' payment runs, the payment ledger and the monthly funds request (Art. 39, 62, 63). Finance staff
 * start ad-hoc runs (a re-issue after failed items were corrected, Art. 39, 63); finance, supervisors and auditors
 * read. Everything is limited to the agencies the user's agency covers (Art. 5); account numbers are masked (Art. 30).
 *
 *   POST /finance/payment-runs      { agencyCode, month }: starts a run of the city's pending payments (202, run ID)
 *   GET  /finance/payment-runs      ?agencyCode&month: runs with their totals
 *   GET  /finance/payables          ?agencyCode&month&status&kind&limit&cursor: the ledger, keyset pagination
 *   GET  /finance/funds-request     ?agencyCode&month: Art. 62 支出用款: the month's payments by kind, with earlier
 *                                   months' unsuccessful ones to re-send; those a confirmed suspicious item holds
 *                                   (Art. 80) apart, not asked for until released
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PAYABLE_KINDS, PAYABLE_STATUSES, paymentRunTotals } from '../../activities/payments';
import type { Prisma } from '../../generated/prisma/client';
import { agencyCovers, agencyScopePrefix } from '../../domain/access';
import { maskTail } from '../../domain/identity';
import { audit } from '../../lib/audit';
import type { Db } from '../../lib/db';
import type { paymentRun } from '../../workflows/payments';
import { monthlyRunId } from '../../contracts/pay-day';
import { AGENCY_CODE, CASE_TYPE } from '../../contracts/search-attributes';
import { assertAgencyScope, currentUser, requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { maskName } from '../cases/router';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';

export interface FinanceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

const agencyCode = z.string().regex(/^\d{6}$/, '须为6位行政区划代码');
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为月份，格式 YYYY-MM');

export const StartPaymentRunSchema = z
  .strictObject({
    agencyCode: agencyCode.meta({ description: 'The paying city agency (Art. 39)', example: '210100' }),
    month: month.meta({ description: 'Pays pending payments of this month and earlier', example: '2026-12' }),
  })
  .meta({ id: 'StartPaymentRun' });

export const PaymentRunListQuerySchema = z.strictObject({
  agencyCode: agencyCode.optional(),
  month: month.optional(),
});

export const PayableListQuerySchema = z.strictObject({
  agencyCode: agencyCode.optional(),
  month: month.optional(),
  status: z.enum(PAYABLE_STATUSES).optional(),
  kind: z.enum(PAYABLE_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page, as given (opaque)' }),
});

export const FundsRequestQuerySchema = z.strictObject({ agencyCode, month });

export const PaymentRunSchema = z
  .object({
    runId: z.string(),
    agencyCode: z.string(),
    month: z.string(),
    status: z.enum(['running', 'completed']),
    batches: z.number(),
    items: z.number(),
    paid: z.number(),
    failed: z.number(),
    cancelled: z.number(),
    itemFen: z.number(),
    paidFen: z.number(),
    failedFen: z.number(),
    startedAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'PaymentRun', description: 'A payment run of a city with its totals (amounts in fen)' });

export const PaymentRunStartedSchema = z
  .object({ runId: z.string(), agencyCode: z.string(), month: z.string(), status: z.literal('started') })
  .meta({ id: 'PaymentRunStarted' });

export const PayableSchema = z
  .object({
    paymentId: z.string(),
    periodId: z.string(),
    caseNumber: z.string(),
    agencyCode: z.string(),
    kind: z.enum(PAYABLE_KINDS),
    month: z.string(),
    attempt: z.number(),
    amountFen: z.number(),
    payee: z.object({
      name: z.string().meta({ description: "The beneficiary's name masked, or the medical insurance agency" }),
      accountNumber: z.string().nullable().meta({ description: 'Masked: the last 4 digits' }),
      bankName: z.string().nullable(),
    }),
    status: z.enum(PAYABLE_STATUSES),
    resultCode: z.string().nullable().meta({ description: "The bank's reason of a failure (frozen_card, ...)" }),
    runId: z.string().nullable(),
    batch: z.number().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    paidAt: z.string().nullable(),
  })
  .meta({ id: 'Payable', description: 'One payment attempt of a month (Art. 39, 44)' });

const CountFenSchema = z.object({ count: z.number(), fen: z.number() });
export const FundsRequestSchema = z
  .object({
    agencyCode: z.string(),
    month: z.string(),
    kinds: z.array(
      z.object({
        kind: z.enum(PAYABLE_KINDS),
        current: CountFenSchema.meta({ description: "The month's payments (not cancelled)" }),
        resend: CountFenSchema.meta({
          description:
            'Earlier months not paid yet: failed, re-queued or not yet sent (含上月支付未成功需要再次发放数据)',
        }),
        held: CountFenSchema.meta({
          description:
            'Not paid yet and held by a confirmed suspicious item until its rectification is decided (Art. 80); not in current, resend or total',
        }),
        total: CountFenSchema,
      }),
    ),
    held: CountFenSchema,
    total: CountFenSchema,
  })
  .meta({ id: 'FundsRequest', description: 'Art. 62 支出用款: what the city needs this month, by kind (fen)' });

type PayableRow = Prisma.PayableGetPayload<object>;

function payableView(p: PayableRow): z.infer<typeof PayableSchema> {
  return {
    paymentId: p.paymentId,
    periodId: p.periodId,
    caseNumber: p.caseNumber,
    agencyCode: p.agencyCode,
    kind: p.kind as (typeof PAYABLE_KINDS)[number],
    month: p.month,
    attempt: p.attempt,
    amountFen: p.amountFen,
    payee: {
      name: p.kind === 'unemployment_benefit' ? maskName(p.payeeName) : p.payeeName,
      accountNumber: p.accountNumber === null ? null : maskTail(p.accountNumber),
      bankName: p.bankName,
    },
    status: p.status as (typeof PAYABLE_STATUSES)[number],
    resultCode: p.resultCode,
    runId: p.runId,
    batch: p.batchNo,
    createdAt: p.createdAt.toISOString(),
    sentAt: p.sentAt?.toISOString() ?? null,
    paidAt: p.paidAt?.toISOString() ?? null,
  };
}

const encodeCursor = (id: bigint) => Buffer.from(`p:${id}`).toString('base64url');
function decodeCursor(cursor: string): bigint {
  const m = /^p:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) {
    // 422: a well-formed request whose cursor this list never issued (an opaque value; the schema cannot tell).
    throw new ApiError(422, 'invalid_cursor', '翻页游标无效', [
      { path: 'query.cursor', message: '不是本列表的翻页游标' },
    ]);
  }
  return BigInt(m[1]!);
}

function assertScope(user: ReturnType<typeof currentUser>, code: string | undefined): void {
  if (code !== undefined) assertAgencyScope(user, code);
}

export function financeRouter(deps: FinanceDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use('/finance', requireRole('finance', 'supervisor', 'auditor'));

  router.post('/finance/payment-runs', requireRole('finance'), async (req, res) => {
    const user = currentUser(req);
    const body = parseOr400(StartPaymentRunSchema, req.body);
    assertScope(user, body.agencyCode);
    const agency = await db.agency.findUnique({ where: { code: body.agencyCode } });
    if (agency?.level !== 'city') {
      // 422: whether a code names a city agency is the agency table's to say (Art. 39: benefits are paid by the city).
      throw new ApiError(422, 'agency_not_city', '须为市级经办机构：待遇由市级发放（第三十九条）', [
        { path: 'agencyCode', message: '须为市级经办机构：待遇由市级发放（第三十九条）' },
      ]);
    }
    // An ad-hoc run (a re-issue): its own ID, next to the monthly run's `payment-run-<code>-<month>`.
    const runId = `${monthlyRunId(body.agencyCode, body.month)}-r${randomBytes(5).toString('hex')}`;
    try {
      await deps.temporal.workflow.start<typeof paymentRun>('paymentRun', {
        workflowId: runId,
        taskQueue: deps.taskQueue,
        args: [{ agencyCode: body.agencyCode, month: body.month }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'payment_run' },
          { key: AGENCY_CODE, value: body.agencyCode },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    await audit(db, {
      actor: user,
      action: 'payment_run_started',
      entity: 'payment_run',
      entityId: runId,
      after: { agencyCode: body.agencyCode, month: body.month },
      requestId: String(req.id),
    });
    res.location(`/finance/payment-runs?agencyCode=${body.agencyCode}&month=${body.month}`);
    res.status(202).json({ runId, agencyCode: body.agencyCode, month: body.month, status: 'started' });
  });

  router.get('/finance/payment-runs', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(PaymentRunListQuerySchema, req.query, 'query');
    assertScope(user, q.agencyCode);
    const rows = await db.paymentRun.findMany({
      where: {
        agencyCode: q.agencyCode ?? { startsWith: agencyScopePrefix(user.agencyCode) },
        ...(q.month ? { month: q.month } : {}),
      },
      orderBy: [{ startedAt: 'desc' }, { id: 'asc' }],
      take: 200,
    });
    res.json({ items: rows.map(paymentRunTotals) });
  });

  router.get('/finance/payables', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(PayableListQuerySchema, req.query, 'query');
    assertScope(user, q.agencyCode);
    const rows = await db.payable.findMany({
      where: {
        agencyCode: q.agencyCode ?? { startsWith: agencyScopePrefix(user.agencyCode) },
        ...(q.month ? { month: q.month } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.cursor ? { id: { gt: decodeCursor(q.cursor) } } : {}),
      },
      orderBy: { id: 'asc' },
      take: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    res.json({
      items: items.map(payableView),
      nextCursor: rows.length > q.limit ? encodeCursor(items[items.length - 1]!.id) : null,
    });
  });

  router.get('/finance/funds-request', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(FundsRequestQuerySchema, req.query, 'query');
    if (!agencyCovers(user.agencyCode, q.agencyCode)) {
      throw new ApiError(
        403,
        'outside_agency_scope',
        `经办机构${q.agencyCode}不在您所在经办机构的管辖范围内（第五条 分级管理）`,
      );
    }
    // The latest attempt of each (period, kind, month): this month's, and earlier ones still unpaid (Art. 62).
    // Art. 80: unpaid items of a case a confirmed suspicious item holds are shown apart, not asked for.
    const rows = await db.$queryRaw<
      {
        kind: string;
        current_count: number;
        current_fen: bigint;
        resend_count: number;
        resend_fen: bigint;
        held_count: number;
        held_fen: bigint;
      }[]
    >`
      WITH latest AS (
        SELECT DISTINCT ON (period_id, kind, month) kind, month, status, amount_fen,
               status IN ('failed', 'pending') AND EXISTS (
                 SELECT 1 FROM payment_hold h WHERE h.case_number = payable.case_number AND h.status = 'held') AS held
          FROM payable
         WHERE agency_code = ${q.agencyCode} AND month <= ${q.month}
         ORDER BY period_id, kind, month, attempt DESC
      )
      SELECT kind,
             count(*) FILTER (WHERE month = ${q.month} AND status <> 'cancelled' AND NOT held)::int AS current_count,
             coalesce(sum(amount_fen) FILTER (WHERE month = ${q.month} AND status <> 'cancelled' AND NOT held), 0)
               ::bigint AS current_fen,
             count(*) FILTER (WHERE month < ${q.month} AND status IN ('failed', 'pending', 'sent') AND NOT held)::int
               AS resend_count,
             coalesce(sum(amount_fen) FILTER (WHERE month < ${q.month} AND status IN ('failed', 'pending', 'sent')
                                                AND NOT held), 0)::bigint AS resend_fen,
             count(*) FILTER (WHERE held)::int AS held_count,
             coalesce(sum(amount_fen) FILTER (WHERE held), 0)::bigint AS held_fen
        FROM latest GROUP BY kind`;
    const byKind = new Map(rows.map((r) => [r.kind, r]));
    const kinds = PAYABLE_KINDS.map((kind) => {
      const r = byKind.get(kind);
      const current = { count: r?.current_count ?? 0, fen: Number(r?.current_fen ?? 0n) };
      const resend = { count: r?.resend_count ?? 0, fen: Number(r?.resend_fen ?? 0n) };
      const held = { count: r?.held_count ?? 0, fen: Number(r?.held_fen ?? 0n) };
      return {
        kind,
        current,
        resend,
        held,
        total: { count: current.count + resend.count, fen: current.fen + resend.fen },
      };
    });
    res.json({
      agencyCode: q.agencyCode,
      month: q.month,
      kinds,
      held: {
        count: kinds.reduce((n, k) => n + k.held.count, 0),
        fen: kinds.reduce((n, k) => n + k.held.fen, 0),
      },
      total: {
        count: kinds.reduce((n, k) => n + k.total.count, 0),
        fen: kinds.reduce((n, k) => n + k.total.fen, 0),
      },
    });
  });

  return router;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

/** Registers the finance endpoints in the OpenAPI document. */
export function registerFinanceOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const denied = {
    401: error('Not signed in'),
    403: error('Not finance staff (supervisors and auditors may read), or the agency is outside your scope'),
  };
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/finance/payment-runs',
    summary: "Start a payment run of a city's pending payments through the bank (finance; Art. 39, 63)",
    description:
      'Claims the pending payments of the city for the month and earlier (a re-issue of corrected failures, Art. 39, ' +
      '63) and sends them to the disbursing bank in batches; each person gets a result. The monthly run starts on ' +
      'its own on the 10th at 09:00. Audited.',
    tags: ['finance'],
    request: { body: { required: true, content: json(StartPaymentRunSchema) } },
    responses: {
      202: {
        description: 'Started; the totals appear in GET /finance/payment-runs',
        content: json(PaymentRunStartedSchema),
      },
      400: error('The body is not valid: the field is named'),
      422: error('agency_not_city: the agencyCode names no city agency (Art. 39)'),
      ...denied,
      503: error('Temporal is unavailable (Retry-After)'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/finance/payment-runs',
    summary: 'Payment runs of the cities in your scope, with their totals (Art. 39 发放情况)',
    tags: ['finance'],
    request: { query: PaymentRunListQuerySchema },
    responses: {
      200: { description: 'Runs, newest first', content: json(z.object({ items: z.array(PaymentRunSchema) })) },
      400: error('A filter is not valid'),
      ...denied,
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/finance/payables',
    summary: 'The payment ledger: one row per attempt, account numbers masked; keyset pagination (Art. 39, 44)',
    tags: ['finance'],
    request: { query: PayableListQuerySchema },
    responses: {
      200: {
        description: 'A page of the ledger',
        content: json(z.object({ items: z.array(PayableSchema), nextCursor: z.string().nullable() })),
      },
      400: error('A filter is not valid'),
      422: error('invalid_cursor: the cursor is not one this list issued (nextCursor of an earlier page)'),
      ...denied,
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/finance/funds-request',
    summary: "Art. 62 支出用款: the month's payments by kind, with earlier months' unsuccessful ones to re-send",
    tags: ['finance'],
    request: { query: FundsRequestQuerySchema },
    responses: {
      200: { description: 'Counts and amounts (fen) by kind', content: json(FundsRequestSchema) },
      400: error('agencyCode or month missing or not valid'),
      ...denied,
    },
  });
}
