/**
 * 补收补缴 (Art. 26): an employer applies to pay back the months it owes; the agency assesses, tax collects.
 *
 * | request | who | article |
 * | --- | --- | --- |
 * | `POST /back-payments` | the employer's agent online (its own USCC), an intake clerk at a window of the employer's agency | 8, 26 |
 * | `GET /back-payments` | the employer's agent: its own; staff: those within their agency's scope | 26, 31 |
 * | `GET /back-payments/:caseNumber` | the same: the assessment per month, the late fee, tax's report, the status | 26, 31 |
 *
 * The months applied for must be months tax records as owed (the record prevails: another month is refused, naming
 * it), and one month is in one open back payment at a time. The application row and the case are written in one
 * transaction, then the workflow (workflows/back-payment.ts) is started with the case number alone. Idempotency as
 * POST /claims: the caller's `Idempotency-Key` (scoped to the caller) finds the case it made; the same body → 200 with
 * it, another body → 409.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { agencyCovers, agencyScopePrefix, STAFF_ROLES } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import type { TaxClient } from '../../integrations/tax';
import { SourceError } from '../../integrations/errors';
import { audit } from '../../lib/audit';
import { openCase } from '../../lib/case-store';
import { isoDate, type Db } from '../../lib/db';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../contracts/search-attributes';
import type { BackPaymentInput } from '../../contracts/back-payment';
import { currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import type { OpenApiRouteOptions } from '../calculations/router';
import { CaseNumberParamSchema, IdempotencyKeySchema, usccSchema } from '../claims/schema';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';
import { assertChannel } from '../register/router';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为费款所属期，格式 YYYY-MM');

export const BackPaymentRequestSchema = z
  .strictObject({
    channel: z.enum(['online', 'window'], { error: '须为 online（网上）或 window（窗口）' }),
    uscc: usccSchema('须为统一社会信用代码（GB 32100）').meta({
      description: '统一社会信用代码 of the employer (the agent: its own)',
    }),
    months: z
      .array(month)
      .min(1, '至少申请一个费款所属期')
      .max(60, '一次最多申请60个费款所属期')
      .refine((ms) => new Set(ms).size === ms.length, '费款所属期不能重复')
      .meta({ description: 'The owed months to pay back (费款所属期), each once', uniqueItems: true }),
  })
  .meta({ id: 'BackPaymentRequest', description: 'Art. 26 补缴申请' });

export const BackPaymentCreatedSchema = z
  .object({ caseNumber: z.string(), status: z.string() })
  .meta({ id: 'BackPaymentCreated' });

const MonthViewSchema = z.object({
  month: z.string(),
  insuredCount: z.number().int(),
  baseTotalFen: z.number().int(),
  employerRateBp: z.number().int(),
  personRateBp: z.number().int(),
  employerShareFen: z.number().int(),
  personShareFen: z.number().int(),
  amountFen: z.number().int(),
  dueDate: z.string(),
  lateDays: z.number().int(),
  lateFeeFen: z.number().int(),
  rates: z.unknown(),
});

export const BackPaymentViewSchema = z
  .object({
    caseNumber: z.string(),
    status: z.string(),
    agencyCode: z.string(),
    employer: z.object({ uscc: z.string(), name: z.string() }),
    channel: z.string(),
    months: z.array(z.string()),
    appliedAt: z.string(),
    assessment: z
      .object({
        assessedAt: z.string(),
        lateFeeThrough: z.string(),
        contributionsFen: z.number().int(),
        lateFeeFen: z.number().int(),
        totalFen: z.number().int(),
        months: z.array(MonthViewSchema),
        explanation: z.unknown(),
        reviewedBy: z.string().nullable(),
      })
      .nullable(),
    tax: z.object({
      status: z.string().nullable(),
      payBy: z.string().nullable(),
      amountPaidFen: z.number().int().nullable(),
      receiptDate: z.string().nullable(),
    }),
    posted: z.object({ at: z.string(), records: z.number().int() }).nullable(),
  })
  .meta({ id: 'BackPaymentView', description: 'Art. 26: the application, the assessment per month, tax’s report' });

const ListQuerySchema = z.strictObject({
  status: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const OPEN = ['received', 'awaiting_review', 'awaiting_payment'];
const isStaff = (u: AuthUser) => u.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));

export interface BackPaymentDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  tax: Pick<TaxClient, 'getEmployer' | 'getEmployerArrears'>;
  now?: () => Date;
}

const unavailable = () =>
  new ApiError(503, 'source_unavailable', '税务部门数据共享平台暂不可用，未受理补缴申请，请稍后再试', [], {
    'Retry-After': '30',
  });

export function backPaymentsRouter(deps: BackPaymentDeps): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  router.use('/back-payments', requireRole('employer_agent', 'intake', ...STAFF_ROLES));

  /** The back payment, if the caller may see it: the employer's own agent, staff of its agency or above. */
  async function readable(req: Request) {
    const user = currentUser(req);
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    const bp = await db.backPayment.findUnique({
      where: { caseNumber },
      include: { case: true, monthRows: { orderBy: { month: 'asc' } } },
    });
    const allowed =
      bp &&
      ((user.roles.includes('employer_agent') && user.employerUscc === bp.employerUscc) ||
        (isStaff(user) && agencyCovers(user.agencyCode, bp.agencyCode)));
    if (!bp || !allowed) throw new ApiError(404, 'case_not_found', `没有补缴案件${caseNumber}`);
    return bp;
  }

  router.post('/back-payments', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const b = parseOr400(BackPaymentRequestSchema, req.body);
    assertChannel(user, b.channel);
    if (user.roles.includes('employer_agent') && b.channel === 'online' && user.employerUscc !== b.uscc) {
      throw new ApiError(403, 'not_own_employer', '单位经办人只能为本单位申请补缴（第八条）', [
        { path: 'uscc', message: '不是您受托的单位' },
      ]);
    }
    const key = parseOr400(IdempotencyKeySchema, req.header('Idempotency-Key'), 'headers.Idempotency-Key');
    const requestKey = createHash('sha256')
      .update(key ? `back_payment\n${user.id}\n${key}` : randomUUID())
      .digest('hex');
    const months = [...b.months].sort();
    const bodyHash = createHash('sha256')
      .update(JSON.stringify({ ...b, months }))
      .digest('hex');
    // A retried request: the case it made (the same body), or 409.
    const retried = await db.backPayment.findUnique({ where: { requestKey }, include: { case: true } });
    if (retried) {
      if (retried.bodyHash !== bodyHash) {
        throw new ApiError(409, 'idempotency_key_reused', '此 Idempotency-Key 已用于另一个请求内容', [
          { path: 'headers.Idempotency-Key', message: '已使用过' },
        ]);
      }
      await startWorkflow(retried.caseNumber, retried.agencyCode).catch(() => undefined);
      res.location(`/back-payments/${retried.caseNumber}`);
      res.status(200).json({ caseNumber: retried.caseNumber, status: retried.case.status });
      return;
    }
    // Art. 7: the employer and the months it owes as tax records them (the record prevails).
    const [employer, arrears] = await Promise.all([
      deps.tax.getEmployer(b.uscc),
      deps.tax.getEmployerArrears(b.uscc),
    ]).catch((err: unknown) => {
      throw err instanceof SourceError ? unavailable() : err;
    });
    if (!employer) {
      throw new ApiError(422, 'employer_unknown', `税务部门没有统一社会信用代码为 ${b.uscc} 的参保单位`, [
        { path: 'uscc', message: '税务部门无此单位' },
      ]);
    }
    if (user.roles.includes('intake') && !agencyCovers(user.agencyCode, employer.agencyDivisionCode)) {
      throw new ApiError(403, 'outside_agency', '该单位不在本经办机构的经办范围内（第五条）', [
        { path: 'uscc', message: '不在本机构经办范围' },
      ]);
    }
    const owed = new Set((arrears?.months ?? []).map((m) => m.month));
    const notOwed = months.filter((m) => !owed.has(m));
    if (notOwed.length) {
      throw new ApiError(
        422,
        'month_not_owed',
        `税务部门记录中该单位以下费款所属期没有欠费：${notOwed.join('、')}`,
        notOwed.map((m) => ({ path: `months.${b.months.indexOf(m)}`, message: `${m} 没有欠费` })),
      );
    }
    const agencyCode = employer.agencyDivisionCode;
    const at = now();
    const caseNumber = formatCaseNumber(
      'back_payment',
      Number(businessDateOf(at).slice(0, 4)),
      agencyCode,
      serialFromBytes(Buffer.from(requestKey, 'hex')),
    );
    await db.$transaction(async (tx) => {
      // One open back payment per month: the employer's open ones checked under a lock on its USCC.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`back_payment:${b.uscc}`}))`;
      const open = await tx.backPayment.findFirst({
        where: { employerUscc: b.uscc, months: { hasSome: months }, case: { status: { in: OPEN } } },
        select: { caseNumber: true },
      });
      if (open) {
        throw new ApiError(
          409,
          'back_payment_open',
          `这些费款所属期已有办理中的补缴（案件 ${open.caseNumber}），请待其办结`,
          [{ path: 'months', message: `办理中：${open.caseNumber}` }],
        );
      }
      await openCase(tx, {
        caseNumber,
        caseType: 'back_payment',
        status: 'received',
        agencyCode,
        at,
        event: {
          type: 'back_payment_applied',
          actor: user.username,
          data: { channel: b.channel, months, article: 'Art. 26' },
        },
        ifOpen: 'fail',
      });
      await tx.backPayment.create({
        data: {
          caseNumber,
          employerUscc: b.uscc,
          employerName: employer.name,
          agencyCode,
          channel: b.channel,
          months,
          requestKey,
          bodyHash,
          appliedBy: user.username,
          appliedAt: at,
        },
      });
      await audit(tx, {
        actor: { id: user.id, username: user.username },
        action: 'back_payment_applied',
        entity: 'back_payment',
        entityId: caseNumber,
        caseNumber,
        after: { uscc: b.uscc, channel: b.channel, months },
        requestId: String(req.id),
        at,
      });
    });
    try {
      await startWorkflow(caseNumber, agencyCode);
    } catch (err) {
      // Nothing half-written: without its workflow the application is removed again.
      await db.case.delete({ where: { caseNumber } }).catch(() => undefined);
      throw dependencyOutage(err) ?? err;
    }
    res.location(`/back-payments/${caseNumber}`);
    res.status(201).json({ caseNumber, status: 'received' });
  });

  async function startWorkflow(caseNumber: string, agencyCode: string) {
    const input: BackPaymentInput = { caseNumber, agencyCode };
    await deps.temporal.workflow.start('backPayment', {
      workflowId: caseNumber,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'back_payment' },
        { key: AGENCY_CODE, value: agencyCode },
        { key: CASE_STATUS, value: 'received' },
      ],
    });
  }

  router.get('/back-payments', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(ListQuerySchema, req.query, 'query');
    const agent = user.roles.includes('employer_agent');
    if (agent && !user.employerUscc) throw new ApiError(403, 'no_employer', '此账号未受任何单位委托');
    const rows = await db.backPayment.findMany({
      where: {
        ...(agent
          ? { employerUscc: user.employerUscc! }
          : { agencyCode: { startsWith: agencyScopePrefix(user.agencyCode) } }),
        ...(q.status ? { case: { status: q.status } } : {}),
      },
      include: { case: true },
      orderBy: { appliedAt: 'desc' },
      take: q.limit,
    });
    res.json({
      items: rows.map((r) => ({
        caseNumber: r.caseNumber,
        status: r.case.status,
        employer: { uscc: r.employerUscc, name: r.employerName },
        months: r.months,
        totalFen: r.totalFen === null ? null : Number(r.totalFen),
        appliedAt: r.appliedAt.toISOString(),
      })),
    });
  });

  router.get('/back-payments/:caseNumber', async (req, res) => {
    const bp = await readable(req);
    const view: z.infer<typeof BackPaymentViewSchema> = {
      caseNumber: bp.caseNumber,
      status: bp.case.status,
      agencyCode: bp.agencyCode,
      employer: { uscc: bp.employerUscc, name: bp.employerName },
      channel: bp.channel,
      months: bp.months,
      appliedAt: bp.appliedAt.toISOString(),
      assessment:
        bp.assessedAt && bp.totalFen !== null
          ? {
              assessedAt: bp.assessedAt.toISOString(),
              lateFeeThrough: isoDate(bp.lateFeeThrough!),
              contributionsFen: Number(bp.contributionsFen),
              lateFeeFen: Number(bp.lateFeeFen),
              totalFen: Number(bp.totalFen),
              months: bp.monthRows.map((m) => ({
                month: m.month,
                insuredCount: m.insuredCount,
                baseTotalFen: Number(m.baseTotalFen),
                employerRateBp: m.employerRateBp,
                personRateBp: m.personRateBp,
                employerShareFen: Number(m.employerShareFen),
                personShareFen: Number(m.personShareFen),
                amountFen: Number(m.amountFen),
                dueDate: isoDate(m.dueDate),
                lateDays: m.lateDays,
                lateFeeFen: Number(m.lateFeeFen),
                rates: m.rates,
              })),
              explanation: bp.explanation,
              reviewedBy: bp.reviewedBy,
            }
          : null,
      tax: {
        status: bp.taxStatus,
        payBy: bp.payBy ? isoDate(bp.payBy) : null,
        amountPaidFen: bp.amountPaidFen === null ? null : Number(bp.amountPaidFen),
        receiptDate: bp.receiptDate ? isoDate(bp.receiptDate) : null,
      },
      posted: bp.postedAt ? { at: bp.postedAt.toISOString(), records: bp.recordsPosted ?? 0 } : null,
    };
    res.json(view);
  });

  return router;
}

export function registerBackPaymentsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const tags = ['back-payments'];
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/back-payments',
    summary: '补缴申请: an employer applies to pay back owed months; assessed, sent to tax (Art. 26)',
    tags,
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema }),
      body: { required: true, content: json(BackPaymentRequestSchema) },
    },
    responses: {
      201: { description: 'The case (BJF-…)', content: json(BackPaymentCreatedSchema) },
      200: {
        description: 'A retried request: the case this Idempotency-Key created',
        content: json(BackPaymentCreatedSchema),
      },
      400: error('Bad months, USCC or channel'),
      403: error('Not the agent’s own employer, or outside the clerk’s agency'),
      409: error('The months are in an open back payment, or the Idempotency-Key was used for another body'),
      422: error('Tax does not know the employer, or records no arrears for a month'),
      503: error('The tax platform or Temporal is unavailable'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/back-payments',
    summary: 'Back payments: the agent’s own employer’s, or those within the staff member’s agency (Art. 26)',
    tags,
    request: { query: ListQuerySchema },
    responses: { 200: { description: 'The back payments', content: json(z.object({ items: z.array(z.unknown()) })) } },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/back-payments/{caseNumber}',
    summary: 'A back payment: the assessment per month, the late fee, tax’s report, the status (Art. 26)',
    tags,
    request: { params: CaseNumberParamSchema },
    responses: {
      200: { description: 'The back payment', content: json(BackPaymentViewSchema) },
      404: error('No such back payment the caller may see'),
    },
  });
}
