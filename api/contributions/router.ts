/**
 * Contribution records (Art. 23-25):
 *
 *   POST /contributions/sync/runs            staff: pull from the tax platform now (the hourly run is a Schedule) → 202
 *   GET  /contributions/sync/runs            staff: the latest runs, with their cursors and counts
 *   GET  /contributions/sync/differences     staff: employer-months whose records disagree with tax's totals
 *   GET  /contributions/sync/problems        staff: rows of the feed that could not be read (garbled)
 *   POST /contributions/persons/query        staff: a person's kept records, every version (ID number in the body)
 *   GET  /employer/contributions             employer agent: its own employer's months (Art. 25 单位缴费信息)
 *   GET  /employer/contributions/{month}     employer agent: its staff's records of a month (Art. 23 缴费人员明细)
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isValidResidentIdNumber, maskIdNumber } from '../../domain/identity';
import { audit } from '../../lib/audit';
import { sqlOf, type Db } from '../../lib/db';
import { contributionRecordsOf, employerMonthsOf } from '../../activities/contributions';
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

export function contributionsRouter(deps: { db: Db; temporal: Client; taskQueue: string }): Router {
  const router = Router();
  const { db } = deps;
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

  // Art. 24, 25: the reconciliation's differences, for a clerk to look into with tax.
  router.get('/contributions/sync/differences', async (req, res) => {
    const q = parseOr400(ListQuerySchema, req.query, 'query');
    const rows = await db.contributionReconciliationDifference.findMany({
      where: q.status ? { status: q.status } : {},
      orderBy: [{ foundAt: 'desc' }, { employerUscc: 'asc' }, { month: 'asc' }],
      take: q.limit,
    });
    res.json({
      items: rows.map((d) => ({
        id: String(d.id),
        runId: d.runId,
        employerUscc: d.employerUscc,
        month: d.month,
        kept: {
          insuredCount: d.keptCount,
          baseTotalFen: Number(d.keptBaseFen),
          amountPaidTotalFen: Number(d.keptAmountFen),
        },
        tax: {
          insuredCount: d.taxCount,
          baseTotalFen: Number(d.taxBaseFen),
          amountPaidTotalFen: Number(d.taxAmountFen),
        },
        status: d.status,
        foundAt: d.foundAt.toISOString(),
      })),
    });
  });

  // Garbled rows: what is wrong with each and its sequence number; the row's ID number masked.
  router.get('/contributions/sync/problems', async (req, res) => {
    const q = parseOr400(ListQuerySchema, req.query, 'query');
    const rows = await db.contributionSyncProblem.findMany({
      where: q.status ? { status: q.status } : {},
      orderBy: { foundAt: 'desc' },
      take: q.limit,
    });
    res.json({
      items: rows.map((p) => {
        let idNumber: unknown;
        try {
          idNumber = (JSON.parse(p.raw) as { idNumber?: unknown } | null)?.idNumber;
        } catch {
          idNumber = undefined;
        }
        return {
          id: String(p.id),
          runId: p.runId,
          taxSeq: p.taxSeq === null ? null : Number(p.taxSeq),
          idNumberMasked: typeof idNumber === 'string' ? maskIdNumber(idNumber) : null,
          issues: p.issues,
          status: p.status,
          foundAt: p.foundAt.toISOString(),
          resolvedAt: p.resolvedAt?.toISOString() ?? null,
          resolvedByRun: p.resolvedByRun,
        };
      }),
    });
  });

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
      months: months.map((m) => ({
        month: m.month,
        insuredCount: m.insuredCount,
        baseTotalFen: m.baseTotalFen,
        amountPaidTotalFen: m.amountPaidTotalFen,
        receiptDate: m.lastReceiptDate,
      })),
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
