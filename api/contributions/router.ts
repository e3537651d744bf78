/**
 * Contribution records (Art. 23-25):
 *
 *   POST /contributions/sync/runs            staff: pull from the tax platform now (the hourly run is a Schedule) → 202
 *   GET  /contributions/sync/runs            staff: the latest runs, with their cursors and counts
 *   GET  /contributions/sync/differences     staff: employer-months whose records disagree with tax's totals
 *   GET  /contributions/sync/problems        staff: rows of the feed that could not be read (garbled)
 *   POST /contributions/sync/{problems|differences}/{id}/resolution   staff: marked resolved with the reason, once
 *
 * The lists hold the clerk's own agency's employers (Art. 5: the province's clerks every one).
 *   POST /contributions/persons/query        staff: a person's kept records, every version (ID number in the body)
 *   GET  /employer/contributions             employer agent: its own employer's months (Art. 25 单位缴费信息)
 *   GET  /employer/contributions/{month}     employer agent: its staff's records of a month (Art. 23 缴费人员明细)
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isValidResidentIdNumber, maskIdNumber } from '../../domain/identity';
import { agencyLevelOf, agencyScopePrefix } from '../../domain/access';
import { audit } from '../../lib/audit';
import { sqlOf, type Db } from '../../lib/db';
import { contributionRecordsOf, employerMonthForReaders, employerMonthsOf } from '../../activities/contributions';
import { contributionSync } from '../../workflows/contribution-sync';
import { AGENCY_CODE, CASE_TYPE } from '../../contracts/search-attributes';
import { currentUser, requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';
import { FORMAT } from '../formats';

/** Who handles the records (征缴/记录 belongs to the agencies' review posts, their audit and supervision). */
export const CONTRIBUTION_CLERKS = ['reviewer', 'second_reviewer', 'approver', 'auditor', 'supervisor'] as const;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为费款所属期，格式 YYYY-MM');
export const ListQuerySchema = z.strictObject({
  status: z.enum(['open', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const PersonQuerySchema = z.strictObject({
  // The rule stated in the document (api/formats.ts) and answered in Chinese, as the applicant's sign-in does.
  idNumber: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isValidResidentIdNumber, '须为18位公民身份号码，校验码符合 GB 11643')
    .meta({ format: FORMAT.gb11643, description: '公民身份号码' }),
  from: month.optional(),
  to: month.optional(),
});
export const EmployerMonthsQuerySchema = z.strictObject({ from: month.optional(), to: month.optional() });
export const MonthParamSchema = z.object({ month });

export const IdParamSchema = z.object({ id: z.string().regex(/^[1-9]\d{0,17}$/, '须为列表中的编号') });
export const ResolutionBodySchema = z.strictObject({
  // Not trimmed before the length rule: the document states it as it is checked (minLength and a written character).
  reason: z.string().min(4, '须写明处理情况（至少4个字）').max(500).regex(/\S/, '须写明处理情况'),
});

/**
 * The employer a garbled row names, when it can be read: its raw text is JSON as JSON.stringify wrote it (no spaces),
 * read by pattern rather than cast to jsonb, which refuses some rows tax may garble (a \u0000 in a string).
 */
const PROBLEM_USCC = `substring(p.raw from '"employerUscc":"([0-9A-Za-z]{1,30})"')`;

/**
 * Art. 5 分级管理: the employers a clerk's lists hold. The province's clerks every one (the records are the province's,
 * Art. 23, registered or not); a city's or county's those registered with an agency it covers (null: no filter).
 */
function employerScopeOf(agencyCode: string): string | null {
  return agencyLevelOf(agencyCode) === 'province' ? null : `${agencyScopePrefix(agencyCode)}%`;
}
/** The SQL condition: `uscc` is an employer in the scope given as parameter `param`. */
const inScope = (uscc: string, param: string) =>
  `(${param}::text IS NULL OR EXISTS (SELECT 1 FROM employer e WHERE e.code_type = 'uscc' AND e.code = ${uscc}
     AND e.agency_code LIKE ${param}))`;

interface DifferenceRow {
  id: string;
  run_id: string;
  employer_uscc: string;
  month: string;
  kept_count: number;
  kept_base_fen: string;
  kept_amount_fen: string;
  tax_count: number;
  tax_base_fen: string;
  tax_amount_fen: string;
  status: string;
  found_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_reason: string | null;
}

const differenceView = (d: DifferenceRow) => ({
  id: String(d.id),
  runId: d.run_id,
  employerUscc: d.employer_uscc,
  month: d.month,
  kept: {
    insuredCount: d.kept_count,
    baseTotalFen: Number(d.kept_base_fen),
    amountPaidTotalFen: Number(d.kept_amount_fen),
  },
  tax: {
    insuredCount: d.tax_count,
    baseTotalFen: Number(d.tax_base_fen),
    amountPaidTotalFen: Number(d.tax_amount_fen),
  },
  status: d.status,
  foundAt: d.found_at.toISOString(),
  resolvedAt: d.resolved_at?.toISOString() ?? null,
  resolvedBy: d.resolved_by,
  resolutionReason: d.resolution_reason,
});

interface ProblemRow {
  id: string;
  run_id: string;
  tax_seq: string | null;
  raw: string;
  issues: unknown;
  status: string;
  found_at: Date;
  resolved_at: Date | null;
  resolved_by_run: string | null;
  resolved_by: string | null;
  resolution_reason: string | null;
}

function problemView(p: ProblemRow) {
  let row: { idNumber?: unknown; employerUscc?: unknown } | null;
  try {
    row = JSON.parse(p.raw) as typeof row;
  } catch {
    row = null;
  }
  return {
    id: String(p.id),
    runId: p.run_id,
    taxSeq: p.tax_seq === null ? null : Number(p.tax_seq),
    idNumberMasked: typeof row?.idNumber === 'string' ? maskIdNumber(row.idNumber) : null,
    employerUscc: typeof row?.employerUscc === 'string' ? row.employerUscc : null,
    issues: p.issues,
    status: p.status,
    foundAt: p.found_at.toISOString(),
    resolvedAt: p.resolved_at?.toISOString() ?? null,
    resolvedByRun: p.resolved_by_run,
    resolvedBy: p.resolved_by,
    resolutionReason: p.resolution_reason,
  };
}

export function contributionsRouter(deps: { db: Db; temporal: Client; taskQueue: string; now?: () => Date }): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const pool = sqlOf(db);
  router.use('/contributions', requireRole(...CONTRIBUTION_CLERKS));

  router.post('/contributions/sync/runs', async (req, res) => {
    const user = currentUser(req);
    // One manual run at a time: another would fetch the same pages for nothing (the schedule's runs skip overlaps too).
    const running = await db.contributionSyncRun.findFirst({
      where: { status: 'running' },
      orderBy: { startedAt: 'desc' },
    });
    const stillRunning =
      running &&
      (await deps.temporal.workflow
        .getHandle(running.runId)
        .describe()
        .then((d) => d.status.name === 'RUNNING')
        .catch(() => false));
    if (running && stillRunning) {
      throw new ApiError(409, 'sync_running', `缴费信息同步（${running.runId}）正在进行，请待其结束后再发起`);
    }
    const runId = `contribution-sync-manual-${randomUUID()}`;
    try {
      await deps.temporal.workflow.start(contributionSync, {
        workflowId: runId,
        taskQueue: deps.taskQueue,
        args: [{ trigger: 'manual' }],
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'contribution_sync' },
          { key: AGENCY_CODE, value: user.agencyCode },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    await audit(db, {
      actor: user,
      action: 'contribution_sync_requested',
      entity: 'contribution_sync_run',
      entityId: runId,
      requestId: String(req.id),
    });
    // `syncRunId`, not `runId`: a client (and the OpenAPI fuzzer's links) must not take it for a monitoring run's.
    res.status(202).json({ syncRunId: runId });
  });

  router.get('/contributions/sync/runs', async (req, res) => {
    const q = parseOr400(ListQuerySchema.pick({ limit: true }), req.query, 'query');
    const runs = await db.contributionSyncRun.findMany({ orderBy: { startedAt: 'desc' }, take: q.limit });
    const state = await db.contributionSyncState.findFirst();
    res.json({
      cursor: state ? Number(state.cursor) : 0,
      drainedAt: state?.drainedAt?.toISOString() ?? null,
      items: runs.map((r) => ({
        runId: r.runId,
        trigger: r.trigger,
        status: r.status,
        startedAt: r.startedAt.toISOString(),
        finishedAt: r.finishedAt?.toISOString() ?? null,
        fromCursor: Number(r.fromCursor),
        toCursor: Number(r.toCursor),
        pages: r.pages,
        received: r.received,
        inserted: r.inserted,
        revised: r.revised,
        garbled: r.garbled,
        differences: r.differences,
        stoppedReason: r.stoppedReason,
      })),
    });
  });

  // Art. 24, 25: the reconciliation's differences, for a clerk to look into with tax; the clerk's own agency's.
  router.get('/contributions/sync/differences', async (req, res) => {
    const q = parseOr400(ListQuerySchema, req.query, 'query');
    const scope = employerScopeOf(currentUser(req).agencyCode);
    const rows = await pool.query<DifferenceRow>(
      `SELECT d.* FROM contribution_reconciliation_difference d
        WHERE ($1::text IS NULL OR d.status = $1) AND ${inScope('d.employer_uscc', '$3')}
        ORDER BY d.found_at DESC, d.employer_uscc, d.month LIMIT $2`,
      [q.status ?? null, q.limit, scope],
    );
    res.json({ items: rows.rows.map(differenceView) });
  });

  // Garbled rows: what is wrong with each and its sequence number; the row's ID number masked; the clerk's own
  // agency's (by the employer the row names, when it can be read).
  router.get('/contributions/sync/problems', async (req, res) => {
    const q = parseOr400(ListQuerySchema, req.query, 'query');
    const scope = employerScopeOf(currentUser(req).agencyCode);
    const rows = await pool.query<ProblemRow>(
      `SELECT p.* FROM contribution_sync_problem p
        WHERE ($1::text IS NULL OR p.status = $1) AND ${inScope(PROBLEM_USCC, '$3')}
        ORDER BY p.found_at DESC LIMIT $2`,
      [q.status ?? null, q.limit, scope],
    );
    res.json({ items: rows.rows.map(problemView) });
  });

  /**
   * Art. 24, 25: a clerk marks a garbled row or a difference resolved, with the reason (looked into with tax, a
   * correction applied…): once (409 `already_resolved` naming who and when), audited, the clerk's own agency's (else 404).
   */
  const resolution = (kind: 'problem' | 'difference') =>
    async function resolve(req: Request, res: Response) {
      const user = currentUser(req);
      const { id } = parseOr400(IdParamSchema, req.params, 'params');
      const { reason } = parseOr400(ResolutionBodySchema, req.body, 'body');
      const table = kind === 'problem' ? 'contribution_sync_problem' : 'contribution_reconciliation_difference';
      const uscc = kind === 'problem' ? PROBLEM_USCC : 'p.employer_uscc';
      const found = await pool.query<{ status: string; resolved_by: string | null; resolved_at: Date | null }>(
        `SELECT p.status, p.resolved_by, p.resolved_at FROM ${table} p WHERE p.id = $1 AND ${inScope(uscc, '$2')}`,
        [id, employerScopeOf(user.agencyCode)],
      );
      if (!found.rows[0]) throw new ApiError(404, `contribution_${kind}_not_found`, '没有此条记录，或不属本经办机构');
      const at = now();
      const data = { status: 'resolved', resolvedAt: at, resolvedBy: user.username, resolutionReason: reason };
      const done = await db.$transaction(async (tx) => {
        const where = { id: BigInt(id), status: 'open' };
        const n =
          kind === 'problem'
            ? await tx.contributionSyncProblem.updateMany({ where, data })
            : await tx.contributionReconciliationDifference.updateMany({ where, data });
        if (n.count === 0) return false;
        await audit(tx, {
          actor: user,
          action: `contribution_${kind}_resolved`,
          entity: `contribution_${kind}`,
          entityId: id,
          before: { status: 'open' },
          after: { status: 'resolved' },
          reason,
          requestId: String(req.id),
          at,
        });
        return true;
      });
      if (!done) {
        const was = found.rows[0];
        const when = was.resolved_at ? `于${was.resolved_at.toISOString()}` : '';
        throw new ApiError(
          409,
          'already_resolved',
          `该条已${when}由${was.resolved_by ?? '后续同步'}处理完毕，不能重复处理`,
        );
      }
      const after = await pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      res.json(
        kind === 'problem' ? problemView(after.rows[0] as ProblemRow) : differenceView(after.rows[0] as DifferenceRow),
      );
    };
  router.post('/contributions/sync/problems/:id/resolution', resolution('problem'));
  router.post('/contributions/sync/differences/:id/resolution', resolution('difference'));

  // Art. 25, 30: a person's records as kept, each version (a corrected record shows the old one too); audited.
  router.post('/contributions/persons/query', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(PersonQuerySchema, req.body, 'body');
    const items = await contributionRecordsOf(db, q.idNumber, q.from, q.to, { allVersions: true });
    await audit(db, {
      actor: user,
      action: 'contribution_records_viewed',
      entity: 'contribution_record',
      entityId: maskIdNumber(q.idNumber),
      requestId: String(req.id),
    });
    res.json({ idNumberMasked: maskIdNumber(q.idNumber), items });
  });

  // Art. 23: an employer agent sees its own employer's records only (the USCC its authorisation names, Art. 8).
  router.use('/employer/contributions', requireRole('employer_agent'));
  const employerOf = async (uscc: string | null | undefined) => {
    if (!uscc) throw new ApiError(403, 'no_employer', '此账号未受任何单位委托');
    const registered = await db.employer.findFirst({ where: { code: uscc } });
    return { uscc, name: registered?.name ?? null, registerNumber: registered?.registerNumber ?? null };
  };

  router.get('/employer/contributions', async (req, res) => {
    const employer = await employerOf(currentUser(req).employerUscc);
    const q = parseOr400(EmployerMonthsQuerySchema, req.query, 'query');
    const months = await employerMonthsOf(db, employer.uscc, q.from, q.to);
    const name =
      employer.name ??
      (
        await pool.query<{ employer_name: string }>(
          `SELECT employer_name FROM contribution_record WHERE employer_uscc = $1 AND superseded_by IS NULL
            ORDER BY month DESC LIMIT 1`,
          [employer.uscc],
        )
      ).rows[0]?.employer_name ??
      null;
    res.json({
      employer: { ...employer, name },
      months: months.map(employerMonthForReaders),
    });
  });

  router.get('/employer/contributions/:month', async (req, res) => {
    const employer = await employerOf(currentUser(req).employerUscc);
    const { month: m } = parseOr400(MonthParamSchema, req.params, 'params');
    const r = await pool.query<{
      id_number: string;
      name: string | null;
      base_fen: string;
      amount_paid_fen: string;
      receipt_date: string;
      back_payment: boolean;
      version: number;
    }>(
      `SELECT r.id_number, p.name, r.base_fen, r.amount_paid_fen, to_char(r.receipt_date, 'YYYY-MM-DD') AS receipt_date,
              r.back_payment, r.version
         FROM contribution_record r LEFT JOIN insured_person p ON p.id_number = r.id_number
        WHERE r.employer_uscc = $1 AND r.month = $2 AND r.superseded_by IS NULL
        ORDER BY r.id_number`,
      [employer.uscc, m],
    );
    res.json({
      employer,
      month: m,
      items: r.rows.map((x) => ({
        idNumberMasked: maskIdNumber(x.id_number),
        name: x.name,
        contributionBaseFen: Number(x.base_fen),
        amountPaidFen: Number(x.amount_paid_fen),
        receiptDate: x.receipt_date,
        backPayment: x.back_payment,
        version: x.version,
      })),
    });
  });

  return router;
}

export function registerContributionsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const loose = json(z.object({}).loose());
  const tags = ['contributions'];
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/contributions/sync/runs',
    summary: '缴费信息记录: pull contribution records from the tax platform now (Art. 23, 24)',
    tags,
    responses: {
      202: { description: 'Started: the sync run ID', content: json(z.object({ syncRunId: z.string() })) },
      403: error('Not a clerk of the records'),
      409: error('A run is going on (its run ID)'),
      503: error('Temporal is unavailable'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/contributions/sync/runs',
    summary: 'The latest sync runs: cursors, counts, differences (Art. 24)',
    tags,
    request: { query: ListQuerySchema.pick({ limit: true }) },
    responses: { 200: { description: 'The runs', content: loose } },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/contributions/sync/differences',
    summary: '对账差异: employer-months whose kept records disagree with the tax totals (Art. 24, 25)',
    tags,
    request: { query: ListQuerySchema },
    responses: { 200: { description: 'The differences', content: loose } },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/contributions/sync/problems',
    summary: 'Rows of the tax feed that could not be read, for a clerk (Art. 24)',
    tags,
    request: { query: ListQuerySchema },
    responses: { 200: { description: 'The garbled rows', content: loose } },
  });
  for (const [kind, what] of [
    ['problems', 'a garbled row'],
    ['differences', 'a reconciliation difference'],
  ] as const) {
    registry.registerPath({
      ...security,
      method: 'post',
      path: `/contributions/sync/${kind}/{id}/resolution`,
      summary: `A clerk marks ${what} resolved, with the reason (Art. 24, 25); audited`,
      tags,
      request: { params: IdParamSchema, body: { required: true, content: json(ResolutionBodySchema) } },
      responses: {
        200: { description: 'Resolved: the row as now listed', content: loose },
        400: error('No reason, or a bad ID'),
        403: error('Not a clerk of the records'),
        404: error('No such row in the clerk’s agency'),
        409: error('Resolved already (who and when)'),
      },
    });
  }
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/contributions/persons/query',
    summary: '个人缴费信息: a person’s kept records, every version (Art. 25, 30)',
    tags,
    request: { body: { required: true, content: json(PersonQuerySchema) } },
    responses: { 200: { description: 'The records', content: loose }, 400: error('Bad ID number or month') },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employer/contributions',
    summary: '单位缴费信息: the employer agent’s own employer, per month (Art. 23, 25)',
    tags,
    request: { query: EmployerMonthsQuerySchema },
    responses: { 200: { description: 'The months', content: loose }, 403: error('Not an employer agent') },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employer/contributions/{month}',
    summary: '缴费人员明细: the staff’s records of a month, for the employer agent (Art. 23)',
    tags,
    request: { params: MonthParamSchema },
    responses: { 200: { description: 'The staff records', content: loose }, 403: error('Not an employer agent') },
  });
}
