/**
 * 退收退款 (Art. 27) and the refunds waiting for the fund (Art. 64).
 *
 * | request | who | article |
 * | --- | --- | --- |
 * | `POST /refunds` | the employer's agent online (its own employer), an intake clerk at a window (an employer of its agency): a refund for individual persons and months, reviewed (a case, TFK-…) | 27 |
 * | `GET /refunds` | the employer's agent: its own; staff: the refunds of their agency's scope | 27 |
 * | `GET /refunds/awaiting-fund` | finance, auditors, supervisors: the accepted refunds waiting for the fund's refund flow, per case, per employer and in all | 64 |
 * | `GET /refunds/{caseNumber}` | the employer's agent (its own); staff of the agency: the persons (masked), amounts, the verdict and the answer to tax | 27 |
 * | `POST /refunds/tax-requests/runs` | the records' clerks: fetch tax's whole-month refund requests now (the hourly run is a Schedule) | 27 |
 *
 * A whole-month refund is accepted by tax and reaches the agency as a request (workflows/refunds.ts); a refund for
 * individual persons is applied for here. Both are judged by the one verdict (domain/refunds.ts). The amounts of an
 * individual refund are those the agency keeps (Art. 24, 25: the contribution records), never what is declared.
 *
 * Idempotency as POST /records/objections: the caller's `Idempotency-Key` hashed with the caller and kept with the
 * body's fingerprint; the same key and body → 200 with the case, another body → 409.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { sqlOf } from '../../lib/db';
import { audit } from '../../lib/audit';
import { canonicalJson } from '../../lib/canonical-json';
import { openCase } from '../../lib/case-store';
import { agencyScopePrefix, STAFF_ROLES } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { CASE_NUMBER_PATTERN, formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { isValidResidentIdNumber, maskIdNumber } from '../../domain/identity';
import { formatYuanCn } from '../../domain/money';
import { AGENCY_CODE, CASE_TYPE } from '../../contracts/search-attributes';
import type { RefundCaseInput } from '../../workflows/refunds';
import { refreshedContributionsOf } from '../../activities/contributions';
import type { TaxClient } from '../../integrations/tax';
import { SourceError } from '../../integrations/errors';
import { currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import type { OpenApiRouteOptions } from '../calculations/router';
import { IdempotencyKeySchema } from '../claims/schema';
import { CONTRIBUTION_CLERKS } from '../contributions/router';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';
import { FORMAT } from '../formats';
import { maskName } from '../cases/views';
import { writtenAtLeast } from '../../domain/written-text';
import { startCaseOrTakeBack } from '../case-start';

/** Who sees the refunds of their agency's scope: every post but the system administrator (Art. 94). */
export const REFUND_READERS = STAFF_ROLES.filter((r) => r !== 'administrator');
/** Who reads the list waiting for the fund (Art. 64): finance, with audit and supervision. */
export const REFUND_FUND_READERS = ['finance', 'auditor', 'supervisor'] as const;

export const REFUND_STATUS_LABELS: Record<string, string> = {
  checking: '核实中',
  awaiting_review: '审核中',
  awaiting_fund: '待退费（等待基金退费流程）',
  refused: '不能办理退费',
  rejected: '审核不通过',
  cancelled: '已撤销',
};
const OPEN_STATUSES = ['checking', 'awaiting_review', 'awaiting_fund'];

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为费款所属期，格式 YYYY-MM');
const idNumber = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isValidResidentIdNumber, '须为18位公民身份号码，校验码符合 GB 11643')
  .meta({ format: FORMAT.gb11643, description: '公民身份号码' });

export const RefundApplicationSchema = z
  .strictObject({
    channel: z.enum(['online', 'window']).meta({ description: 'online: 单位经办人网上; window: 经办窗口受理' }),
    registerNumber: z
      .string()
      .regex(/^\d{14}$/, '单位编号须为14位数字')
      .optional()
      .meta({ description: '单位编号 (window: required; online: the agent’s own employer)' }),
    reason: z
      .string()
      .regex(writtenAtLeast(2), { error: '请填写退费原因', abort: true })
      .trim()
      .min(2, '请填写退费原因')
      .max(500, '退费原因不超过500字'),
    items: z
      .array(
        z.strictObject({
          idNumber,
          months: z
            .array(month)
            .min(1, '请至少选择一个费款所属期')
            .max(36, '一次最多申请36个月')
            .refine((ms) => new Set(ms).size === ms.length, '费款所属期不能重复')
            .meta({ uniqueItems: true }),
        }),
      )
      .min(1, '请至少填写一名退费人员')
      .max(100, '一次最多申请100名退费人员'),
  })
  .meta({ id: 'RefundApplication', description: '个别人员退费申请 (Art. 27)' });

export const RefundListQuerySchema = z.strictObject({
  status: z.enum(['checking', 'awaiting_review', 'awaiting_fund', 'refused', 'rejected', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const RefundCaseParamSchema = z.object({
  caseNumber: z.string().trim().toUpperCase().regex(CASE_NUMBER_PATTERN, '须为案件编号，如 TFK-2026-210100-7K3M9Q2XHD'),
});

export interface RefundsDeps {
  db: Db;
  /** The tax platform: a person's records pulled and kept when the feed has not brought them within a day (Art. 24). */
  tax: Pick<TaxClient, 'getPersonContributions'>;
  temporal: Client;
  taskQueue: string;
  now?: () => Date;
}

const yuanText = (fen: bigint | number) => formatYuanCn(Number(fen));

type RefundRow = Awaited<ReturnType<Db['refundCase']['findUniqueOrThrow']>>;

function summary(c: RefundRow) {
  return {
    caseNumber: c.caseNumber,
    kind: c.kind,
    kindLabel: c.kind === 'whole_month' ? '按月整体退费（税务部门受理）' : '个别人员退费（经办机构受理）',
    channel: c.channel,
    employerUscc: c.employerUscc,
    employerName: c.employerName,
    registerNumber: c.registerNumber,
    agencyCode: c.agencyCode,
    status: c.status,
    statusLabel: REFUND_STATUS_LABELS[c.status] ?? c.status,
    verdict: c.verdict,
    totalFen: Number(c.totalFen),
    totalText: yuanText(c.totalFen),
    acceptedFen: Number(c.acceptedFen),
    acceptedText: yuanText(c.acceptedFen),
    requestedAt: c.requestedAt.toISOString(),
    decidedAt: c.decidedAt?.toISOString() ?? c.answeredAt?.toISOString() ?? null,
  };
}

export function refundsRouter(deps: RefundsDeps): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const notFound = () => new ApiError(404, 'refund_not_found', '没有此退费案件');

  /** The employer the caller may apply for: the agent's own (Art. 8), or one of the intake clerk's agency (Art. 5). */
  async function employerFor(user: AuthUser, b: z.infer<typeof RefundApplicationSchema>) {
    if (b.channel === 'online') {
      if (!user.roles.includes('employer_agent')) {
        throw new ApiError(403, 'channel_not_permitted', '网上办理由单位经办人办理，窗口办理由受理岗位办理（第八条）', [
          { path: 'channel', message: '您不能使用此渠道' },
        ]);
      }
      const e = user.employerUscc ? await db.employer.findFirst({ where: { code: user.employerUscc } }) : null;
      if (!e || (b.registerNumber && b.registerNumber !== e.registerNumber)) {
        throw new ApiError(422, 'employer_not_registered', '本单位尚未办理失业保险参保登记，不能申请退费', [
          { path: 'registerNumber', message: '须为本单位已登记的单位编号' },
        ]);
      }
      return e;
    }
    if (!user.roles.includes('intake')) {
      throw new ApiError(403, 'channel_not_permitted', '网上办理由单位经办人办理，窗口办理由受理岗位办理（第八条）', [
        { path: 'channel', message: '您不能使用此渠道' },
      ]);
    }
    if (!b.registerNumber) {
      // What channel and registerNumber say together: 422, not 400 (the document states each field alone).
      throw new ApiError(422, 'register_number_required', '窗口受理须填写单位编号', [
        { path: 'registerNumber', message: '窗口受理须填写单位编号' },
      ]);
    }
    const e = await db.employer.findUnique({ where: { registerNumber: b.registerNumber } });
    if (!e || !e.agencyCode.startsWith(agencyScopePrefix(user.agencyCode))) {
      throw new ApiError(422, 'employer_not_registered', '本机构管辖范围内没有此单位编号的参保单位', [
        { path: 'registerNumber', message: '须为本机构管辖范围内已登记的单位编号' },
      ]);
    }
    return e;
  }

  /**
   * A person-month refunded already, or being refunded, is not refunded twice: checked in the transaction that writes
   * the case, under the employer's lock, so two applications at once cannot both pass (409 naming the case).
   */
  async function refuseOpenRefunds(
    tx: Parameters<Parameters<Db['$transaction']>[0]>[0],
    uscc: string,
    wanted: { idNumber: string; month: string }[],
  ) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`refund:${uscc}`}))`;
    const open = await tx.refundItem.findMany({
      where: {
        OR: wanted.map((w) => ({ idNumber: w.idNumber, month: w.month })),
        refund: { employerUscc: uscc, status: { in: OPEN_STATUSES } },
      },
      select: { idNumber: true, month: true, caseNumber: true },
    });
    if (open.length) {
      throw new ApiError(
        409,
        'refund_exists',
        `所申请的人员和所属期已有退费案件（${[...new Set(open.map((r) => r.caseNumber))].join('、')}），不能重复申请`,
        open.map((r) => ({ path: 'items', message: `${maskIdNumber(r.idNumber)} ${r.month}：${r.caseNumber}` })),
      );
    }
  }

  // Art. 27 参保单位申请个别人员退费的，由经办机构受理，审核通过后按照退费流程办理.
  router.post('/refunds', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const key = parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
    const b = parseOr400(RefundApplicationSchema, req.body);
    // One item per person (the document cannot say it of one field of the items: 422, not 400).
    const twice = b.items.findIndex((i, n) => b.items.findIndex((j) => j.idNumber === i.idNumber) !== n);
    if (twice >= 0) {
      throw new ApiError(422, 'person_repeated', '同一人员只填写一次，所属期写在一起', [
        { path: `items.${twice}.idNumber`, message: '同一人员只填写一次，所属期写在一起' },
      ]);
    }
    const requestKey = key ? createHash('sha256').update(`user:${user.id}|${key}`).digest('hex') : null;
    const fingerprint = createHash('sha256').update(canonicalJson(b)).digest('hex');
    if (requestKey) {
      const earlier = await db.refundCase.findUnique({ where: { requestKey } });
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw new ApiError(
            409,
            'idempotency_key_reused',
            '此幂等键（Idempotency-Key）已用于另一份退费申请；新的申请请使用新的键',
            [{ path: 'headers.Idempotency-Key', message: `已用于案件 ${earlier.caseNumber}` }],
          );
        }
        return void res.status(200).json(summary(earlier));
      }
    }
    const e = await employerFor(user, b);
    // Art. 24, 25: the amounts are the agency's records of the person, employer and month (current versions), the
    // person's pulled from tax and kept first when the feed has not brought them within a day.
    for (const id of new Set(b.items.map((i) => i.idNumber))) {
      await refreshedContributionsOf({ db, tax: deps.tax, freshMs: 86_400_000 }, id, 'pull:refund').catch((err) => {
        throw err instanceof SourceError
          ? new ApiError(503, 'source_unavailable', '税务部门数据共享平台暂不可用，未受理退费申请，请稍后再试', [], {
              'Retry-After': '30',
            })
          : err;
      });
    }
    const wanted = b.items.flatMap((i) => i.months.map((m) => ({ idNumber: i.idNumber, month: m })));
    const kept = await sqlOf(db).query<{ id_number: string; month: string; amount: string; name: string | null }>(
      `SELECT r.id_number, r.month, r.amount_paid_fen AS amount, p.name
         FROM contribution_record r
         JOIN unnest($1::text[], $2::text[]) AS t(id_number, month) USING (id_number, month)
         LEFT JOIN insured_person p ON p.id_number = r.id_number
        WHERE r.employer_uscc = $3 AND r.superseded_by IS NULL`,
      [wanted.map((w) => w.idNumber), wanted.map((w) => w.month), e.code],
    );
    const found = new Map(kept.rows.map((r) => [`${r.id_number}/${r.month}`, r]));
    const missing = b.items.flatMap((i, n) =>
      i.months
        .map((m, k) => ({ m, k }))
        .filter(({ m }) => !found.has(`${i.idNumber}/${m}`))
        .map(({ m, k }) => ({
          path: `items.${n}.months.${k}`,
          message: `${maskIdNumber(i.idNumber)} 在本单位没有 ${m} 的缴费记录，不能退费`,
          rule: 'no_contribution_record',
        })),
    );
    if (missing.length) {
      throw new ApiError(
        422,
        'no_contribution_record',
        '所申请的人员和所属期须有本单位的缴费记录（第二十四条、第二十五条）',
        missing,
      );
    }
    const at = now();
    const caseNumber = formatCaseNumber(
      'refund',
      Number(businessDateOf(at).slice(0, 4)),
      e.agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    const items = wanted.map((w) => {
      const r = found.get(`${w.idNumber}/${w.month}`)!;
      return { ...w, amountFen: BigInt(r.amount), personName: r.name };
    });
    const totalFen = items.reduce((s, i) => s + i.amountFen, 0n);
    await db.$transaction(
      async (tx) => {
        await refuseOpenRefunds(tx, e.code, wanted);
        await openCase(tx, {
          caseNumber,
          caseType: 'refund',
          status: 'checking',
          agencyCode: e.agencyCode,
          at,
          event: {
            type: 'refund_received',
            actor: user.username,
            data: { channel: b.channel, persons: b.items.length, months: wanted.length, totalFen: Number(totalFen) },
          },
          ifOpen: 'fail',
        });
        await tx.refundCase.create({
          data: {
            caseNumber,
            kind: 'individual',
            registerNumber: e.registerNumber,
            employerUscc: e.code,
            employerName: e.name,
            agencyCode: e.agencyCode,
            channel: b.channel,
            reason: b.reason,
            status: 'checking',
            totalFen,
            requestedBy: user.username,
            requestedAt: at,
            requestKey,
            fingerprint,
            reviewReasons: [],
            items: { create: items },
          },
        });
        await audit(tx, {
          actor: user,
          action: 'refund_applied',
          entity: 'refund_case',
          entityId: caseNumber,
          caseNumber,
          after: {
            channel: b.channel,
            registerNumber: e.registerNumber,
            months: wanted.length,
            totalFen: Number(totalFen),
          },
          at,
        });
      },
      { maxWait: 10_000, timeout: 20_000 },
    );
    const input: RefundCaseInput = { caseNumber, agencyCode: e.agencyCode, kind: 'individual' };
    // Nothing half-written: without its workflow the application is removed again.
    await startCaseOrTakeBack(
      deps.temporal,
      {
        workflowType: 'refundCase',
        caseNumber,
        taskQueue: deps.taskQueue,
        args: [input],
        caseType: 'refund',
        agencyCode: e.agencyCode,
        status: 'checking',
      },
      () => db.case.delete({ where: { caseNumber } }),
    );
    const c = await db.refundCase.findUniqueOrThrow({ where: { caseNumber } });
    res.location(`/refunds/${caseNumber}`);
    res.status(201).json(summary(c));
  });

  /** What the caller may see: the agent its own employer's, staff their agency's scope. */
  function scopeOf(user: AuthUser) {
    if (user.roles.includes('employer_agent')) return { employerUscc: user.employerUscc ?? '-' };
    if (!user.roles.some((r) => (REFUND_READERS as readonly string[]).includes(r))) {
      throw new ApiError(403, 'missing_role', '您的岗位不能查看退费案件');
    }
    return { agencyCode: { startsWith: agencyScopePrefix(user.agencyCode) } };
  }

  router.get('/refunds', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(RefundListQuerySchema, req.query, 'query');
    const rows = await db.refundCase.findMany({
      where: { ...scopeOf(user), ...(q.status ? { status: q.status } : {}) },
      orderBy: { requestedAt: 'desc' },
      take: q.limit,
    });
    res.json({ items: rows.map(summary) });
  });

  // Art. 64: the accepted refunds waiting for the fund's refund flow, per case, per employer, in all (fen and 元).
  router.get('/refunds/awaiting-fund', requireRole(...REFUND_FUND_READERS), async (req, res) => {
    const user = currentUser(req);
    const rows = await db.refundCase.findMany({
      where: { status: 'awaiting_fund', agencyCode: { startsWith: agencyScopePrefix(user.agencyCode) } },
      include: { items: { select: { idNumber: true, month: true } } },
      orderBy: [{ employerUscc: 'asc' }, { requestedAt: 'asc' }],
    });
    const employers = new Map<
      string,
      { employerUscc: string; employerName: string; cases: number; totalFen: number }
    >();
    for (const c of rows) {
      const e = employers.get(c.employerUscc) ?? {
        employerUscc: c.employerUscc,
        employerName: c.employerName,
        cases: 0,
        totalFen: 0,
      };
      e.cases++;
      e.totalFen += Number(c.acceptedFen);
      employers.set(c.employerUscc, e);
    }
    const totalFen = rows.reduce((s, c) => s + Number(c.acceptedFen), 0);
    res.json({
      article: '64',
      note: '退费用款按月汇总，同本月支出用款一并上报；省级拨付至市级支出户5个工作日内，市级退还缴费单位5个工作日内（第六十四条）',
      count: rows.length,
      totalFen,
      totalText: yuanText(totalFen),
      employers: [...employers.values()].map((e) => ({ ...e, totalText: yuanText(e.totalFen) })),
      cases: rows.map((c) => ({
        ...summary(c),
        persons: new Set(c.items.map((i) => i.idNumber)).size,
        months: [...new Set(c.items.map((i) => i.month))].sort(),
      })),
    });
  });

  // Art. 27: the case with its persons (masked), amounts, the verdict and, for a whole month, the answer to tax.
  router.get('/refunds/:caseNumber', async (req, res) => {
    const user = currentUser(req);
    const { caseNumber } = parseOr400(RefundCaseParamSchema, req.params, 'params');
    const c = await db.refundCase.findFirst({
      where: { caseNumber, ...scopeOf(user) },
      include: { items: { orderBy: [{ idNumber: 'asc' }, { month: 'asc' }] } },
    });
    if (!c) throw notFound();
    const answer = c.answer as { decision: string; message: string } | null;
    res.json({
      ...summary(c),
      reason: c.reason,
      taxRequestId: c.taxRequestId,
      requestedBy: c.requestedBy,
      reviewedBy: c.reviewedBy,
      reviewReasons: c.reviewReasons,
      answer: answer ? { decision: answer.decision, message: answer.message, answeredAt: c.answeredAt } : null,
      items: c.items.map((i) => ({
        idNumberMasked: maskIdNumber(i.idNumber),
        nameMasked: i.personName ? maskName(i.personName) : null,
        month: i.month,
        amountFen: Number(i.amountFen),
        amountText: yuanText(i.amountFen),
        refusalRule: i.refusalRule,
        refusalReason: i.refusalReason,
      })),
    });
  });

  // Art. 27: tax's whole-month refund requests fetched now (the hourly run is the Schedule refund-requests-hourly).
  router.post('/refunds/tax-requests/runs', requireRole(...CONTRIBUTION_CLERKS), async (req, res) => {
    const user = currentUser(req);
    const runId = `refund-requests-manual-${randomUUID()}`;
    try {
      await deps.temporal.workflow.start('refundRequestSync', {
        workflowId: runId,
        taskQueue: deps.taskQueue,
        args: [{ trigger: 'manual' }],
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'refund_request_sync' },
          { key: AGENCY_CODE, value: user.agencyCode },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    await audit(db, {
      actor: user,
      action: 'refund_requests_fetch_requested',
      entity: 'refund_request_sync',
      entityId: runId,
      requestId: String(req.id),
    });
    res.status(202).json({ refundSyncId: runId });
  });

  return router;
}

export function registerRefundsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const loose = json(z.object({}).loose());
  const tags = ['refunds'];
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/refunds',
    summary: '个别人员退费申请: a refund for individual persons and months, reviewed (Art. 27)',
    tags,
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema }),
      body: { required: true, content: json(RefundApplicationSchema) },
    },
    responses: {
      201: { description: 'The case opened (TFK-…), checking', content: loose },
      200: { description: 'A retried Idempotency-Key: the case it opened', content: loose },
      400: error('A field breaks its rule (named)'),
      403: error('Not the employer’s agent online or an intake clerk at a window'),
      409: error('A person-month refunded already or being refunded; the Idempotency-Key used for another body'),
      422: error('No contribution record kept for a person-month at the employer; the employer not registered'),
      503: error('Temporal is unavailable'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/refunds',
    summary: 'Refund cases: the agent’s own employer’s, or the agency’s scope (Art. 27)',
    tags,
    request: { query: RefundListQuerySchema },
    responses: { 200: { description: 'The cases', content: loose }, 403: error('No post that reads refunds') },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/refunds/awaiting-fund',
    summary: '待退费: accepted refunds waiting for the fund’s refund flow, per case, employer and in all (Art. 64)',
    tags,
    responses: {
      200: { description: 'The list with its sums in fen and 元', content: loose },
      403: error('Not finance'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/refunds/{caseNumber}',
    summary: 'A refund case: persons (masked), amounts, verdict, the answer to tax (Art. 27)',
    tags,
    request: { params: RefundCaseParamSchema },
    responses: { 200: { description: 'The case', content: loose }, 404: error('No such refund case for the caller') },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/refunds/tax-requests/runs',
    summary: 'Fetch tax’s whole-month refund requests now (Art. 27)',
    tags,
    responses: {
      202: { description: 'Started: the run ID', content: json(z.object({ refundSyncId: z.string() })) },
      403: error('Not a clerk of the records'),
      503: error('Temporal is unavailable'),
    },
  });
}
