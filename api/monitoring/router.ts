/**
 * Monitoring (issue 9 item 4; Art. 78-80), for the audit team and supervisors:
 *
 *   POST /monitoring/runs           run the rules now (the daily run is a Temporal Schedule) → 202 with the run ID
 *   GET  /monitoring/runs/:runId    a run: rules applied with their citation, found, opened, status
 *   GET  /monitoring/items          suspicious items (疑点信息) in the caller's agency scope, with their outcome
 *   GET  /monitoring/rules          the rules and thresholds in force on a date (policy/monitoring-rule.json)
 *
 * Verifying an item is its task (type monitoring_verification): POST /tasks/{id}/complete with the
 * `monitoringVerification` form.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { agencyCovers, agencyScopePrefix } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { MONITORING_RULES, rulesInForce } from '../../domain/monitoring';
import type { PolicyStore } from '../../lib/policy-store';
import { audit } from '../../lib/audit';
import { isoDate, type Db } from '../../lib/db';
import { monitoringRun } from '../../workflows/monitoring';
import { AGENCY_CODE, CASE_TYPE } from '../../contracts/search-attributes';
import { currentUser, requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';

export const MONITORS = ['auditor', 'supervisor'] as const;

export const MonitoringItemsQuerySchema = z.strictObject({
  rule: z.enum(MONITORING_RULES).optional(),
  status: z.enum(['open', 'confirmed', 'dismissed']).optional(),
  agencyCode: z
    .string()
    .regex(/^\d{6}$/, '须为6位行政区划代码')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const RunIdParamSchema = z.object({
  runId: z.string().regex(/^monitoring-run-[\w:.-]{1,80}$/, '须为监控批次编号（monitoring-run-…）'),
});
export const RulesQuerySchema = z.strictObject({
  date: z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' }).optional(),
});

export const MonitoringItemSchema = z
  .object({
    caseNumber: z.string(),
    rule: z.enum(MONITORING_RULES),
    agencyCode: z.string(),
    status: z.enum(['open', 'confirmed', 'dismissed']),
    details: z.record(z.string(), z.unknown()),
    detectedAt: z.string(),
    firstRunId: z.string(),
    outcome: z.unknown().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    /** Art. 80: the cases whose payments the confirmed item holds, and the rectification decided for each. */
    holds: z.array(
      z.object({
        caseNumber: z.string(),
        status: z.enum(['held', 'released', 'stopped', 'withdrawn']),
        decidedBy: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'MonitoringItem' });

export function monitoringRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: PolicyStore;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  router.use('/monitoring', requireRole(...MONITORS));

  router.post('/monitoring/runs', async (req, res) => {
    const user = currentUser(req);
    const runId = `monitoring-run-manual-${randomUUID()}`;
    try {
      await deps.temporal.workflow.start(monitoringRun, {
        workflowId: runId,
        taskQueue: deps.taskQueue,
        args: [{ trigger: 'manual', requestedBy: user.username }],
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'monitoring_run' },
          { key: AGENCY_CODE, value: user.agencyCode },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    await audit(db, {
      actor: user,
      action: 'monitoring_run_requested',
      entity: 'monitoring_run',
      entityId: runId,
      requestId: String(req.id),
    });
    res.location(`/monitoring/runs/${runId}`);
    res.status(202).json({ runId });
  });

  router.get('/monitoring/runs/:runId', async (req, res) => {
    const { runId } = parseOr400(RunIdParamSchema, req.params, 'params');
    const run = await db.monitoringRun.findUnique({ where: { id: runId } });
    if (!run) throw new ApiError(404, 'run_not_found', `（尚）没有监控批次${runId}`);
    res.json({
      runId: run.id,
      trigger: run.trigger,
      requestedBy: run.requestedBy,
      asOf: isoDate(run.asOf),
      status: run.status,
      rules: run.rules,
      found: run.found,
      opened: run.opened,
      startedAt: run.startedAt.toISOString(),
      completedAt: run.completedAt?.toISOString() ?? null,
    });
  });

  router.get('/monitoring/items', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(MonitoringItemsQuerySchema, req.query, 'query');
    if (q.agencyCode && !agencyCovers(user.agencyCode, q.agencyCode)) {
      throw new ApiError(
        403,
        'outside_agency_scope',
        `经办机构${q.agencyCode}不在您所在经办机构的管辖范围内（第五条 分级管理）`,
      );
    }
    const where: Prisma.MonitoringItemWhereInput = {
      agencyCode: q.agencyCode ?? { startsWith: agencyScopePrefix(user.agencyCode) },
      ...(q.rule ? { rule: q.rule } : {}),
      ...(q.status ? { status: q.status } : {}),
    };
    const [items, counts] = await Promise.all([
      db.monitoringItem.findMany({ where, orderBy: [{ detectedAt: 'desc' }, { caseNumber: 'asc' }], take: q.limit }),
      db.monitoringItem.groupBy({ by: ['rule', 'status'], where, _count: { _all: true } }),
    ]);
    const holds = await db.paymentHold.findMany({
      where: { itemCaseNumber: { in: items.map((i) => i.caseNumber) } },
      orderBy: { caseNumber: 'asc' },
    });
    res.json({
      items: items.map((i) =>
        MonitoringItemSchema.parse({
          caseNumber: i.caseNumber,
          rule: i.rule,
          agencyCode: i.agencyCode,
          status: i.status,
          details: i.details,
          detectedAt: i.detectedAt.toISOString(),
          firstRunId: i.firstRunId,
          outcome: i.outcome ?? null,
          decidedBy: i.decidedBy,
          decidedAt: i.decidedAt?.toISOString() ?? null,
          holds: holds
            .filter((h) => h.itemCaseNumber === i.caseNumber)
            .map((h) => ({ caseNumber: h.caseNumber, status: h.status, decidedBy: h.decidedBy })),
        }),
      ),
      counts: counts.map((c) => ({ rule: c.rule, status: c.status, n: c._count._all })),
    });
  });

  router.get('/monitoring/rules', async (req, res) => {
    const { date } = parseOr400(RulesQuerySchema, req.query, 'query');
    const on = date ?? businessDateOf(now());
    res.json({ date: on, rules: rulesInForce(await deps.policy.current(), on) });
  });

  return router;
}

export function registerMonitoringOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const loose = json(z.object({}).loose());
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/monitoring/runs',
    summary: '监控: run the monitoring rules now (Art. 78-80); the daily run is a Temporal Schedule',
    tags: ['monitoring'],
    responses: {
      202: { description: 'Started: the run ID', content: json(z.object({ runId: z.string() })) },
      403: error('Not an auditor or supervisor'),
      503: error('Temporal is unavailable'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/monitoring/runs/{runId}',
    summary: 'A monitoring run: the rules applied with their citations, what they found',
    tags: ['monitoring'],
    request: { params: RunIdParamSchema },
    responses: { 200: { description: 'The run', content: loose }, 404: error('No such run (yet)') },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/monitoring/items',
    summary: '疑点信息: suspicious items in your agency scope, with the verification outcome (Art. 79, 80)',
    tags: ['monitoring'],
    request: { query: MonitoringItemsQuerySchema },
    responses: {
      200: {
        description: 'Items, newest first, and counts by rule and status',
        content: json(z.object({ items: z.array(MonitoringItemSchema), counts: z.array(z.unknown()) })),
      },
      400: error('A query parameter is not valid'),
      403: error('Not an auditor or supervisor, or an agency outside your scope'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/monitoring/rules',
    summary: '规则库: the monitoring rules and thresholds in force on a date, with their sources (Art. 78, 79)',
    tags: ['monitoring'],
    request: { query: RulesQuerySchema },
    responses: { 200: { description: 'The rules in force', content: loose } },
  });
}
