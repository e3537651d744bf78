/**
 * Supervisors find and unstick stalled cases (issue 9; Art. 76-80: 内部控制, 业务监督): every case that is not moving
 * and why — a person (an overdue task, a case idle past a number of workdays) or the machine (an activity that keeps
 * failing, a workflow task that fails) — and the actions that move it again, each with a reason and audited.
 *
 *   GET  /supervision/stuck                         ?agencyCode&caseType&reason&minAttempts&idleWorkdays
 *   GET  /supervision/workflows/:workflowId         diagnosis: step, pending activities with the last failure,
 *                                                   open tasks, recent history, link to the Temporal Web UI
 *   POST /supervision/workflows/:workflowId/retry   a failing activity is tried again now (its attempts reset)
 *   POST /supervision/workflows/:workflowId/cancel  the case is cancelled (the workflow records it)
 *   POST /supervision/tasks/batch                   reassign or extend many tasks, selected by a filter: preview the
 *                                                   count, then apply with a result per task
 *   GET  /supervision/sla                           open tasks by due bucket, time per step, throughput per clerk,
 *                                                   completions per day (for charts)
 *
 * The Temporal side comes from visibility (running workflows, by the AgencyCode and CaseType search attributes) and
 * each workflow's description (pending activities and workflow task); the people side from the task projection.
 */
import { Router, type Request } from 'express';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { z } from 'zod';
import { agencyCovers, agencyScopePrefix } from '../../domain/access';
import { addDays, businessDateOf, deadlineInstant, type IsoDate, type WorkdayCalendar } from '../../domain/calendar';
import { extendTask, reassignTask } from '../../contracts/tasks';
import { audit } from '../../lib/audit';
import { recordCaseEvent } from '../../lib/case-events';
import { mapLimited } from '../../domain/concurrency';
import type { CalendarStore } from '../../lib/calendar-store';
import { sqlOf, type Db } from '../../lib/db';
import { currentUser, requireRole } from '../auth/middleware';
import { ApiError, dependencyOutage, parseOr400 } from '../errors';
import { actorOf } from '../tasks/router';
import { caseCommands } from '../case-commands';
import { writtenText } from '../../domain/written-text';

export const WORKFLOW_ID = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '须为流程编号（1至64位 A-Z a-z 0-9 _ . : -）');
const reason = writtenText(4, 500, '须说明理由（至少4个字）');

/** POST /supervision/workflows/{id}/retry and /cancel: the reason, audited. */
export const WorkflowActionBodySchema = z.strictObject({ reason });

export const StuckQuerySchema = z.strictObject({
  agencyCode: z
    .string()
    .regex(/^\d{6}$/, '须为6位行政区划代码')
    .optional(),
  caseType: z.string().max(32).optional(),
  reason: z.enum(['task_overdue', 'activity_failing', 'workflow_task_failing', 'idle']).optional(),
  /** An activity counts as failing from this attempt on. */
  minAttempts: z.coerce.number().int('须为整数').min(2).max(1000).default(3),
  /** A case without any event for this many workdays is idle. */
  idleWorkdays: z.coerce.number().int('须为整数').min(1).max(250).default(10),
  /** Items shown (the longest stuck first within each reason); the counts are of everything found. */
  limit: z.coerce.number().int('须为整数').min(1).max(500).default(100),
});

export const BatchTasksSchema = z
  .strictObject({
    filter: z.strictObject({
      agencyCode: z
        .string()
        .regex(/^\d{6}$/, '须为6位行政区划代码')
        .optional(),
      type: z.string().max(48).optional(),
      role: z.string().max(24).optional(),
      overdue: z.boolean().optional(),
      assigneeId: z.uuid('须为用户编号').optional(),
    }),
    action: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('reassign'), assigneeId: z.uuid('须为用户编号') }),
      z.strictObject({
        kind: z.literal('extend'),
        amount: z.number().int().min(1).max(60),
        unit: z.enum(['workdays', 'days']),
      }),
    ]),
    reason,
    /** Only count what the filter selects. */
    preview: z.boolean().default(false),
    /** At most this many tasks (the preview says how many match). */
    limit: z.number().int().min(1).max(1000).default(500),
  })
  .meta({ id: 'BatchTasks', description: 'Reassign or extend the tasks a filter selects (Art. 76)' });

/** Final statuses; also the predicate of the index case_idle_partial (migration 20261212000100_stuck_view). */
const FINAL = ['approved', 'refused', 'closed', 'cancelled', 'completed', 'paid', 'stopped'];
/** Auditors see what supervisors see (Art. 78-80); only supervisors act. */
const SUPERVISORS = ['supervisor', 'auditor'] as const;

interface StuckItem {
  workflowId: string;
  caseNumber: string | null;
  caseType: string | null;
  agencyCode: string | null;
  reason: 'task_overdue' | 'activity_failing' | 'workflow_task_failing' | 'idle';
  /** Where the case stands: the open task's type, the failing activity, or the case status. */
  step: string | null;
  /** Since when it is stuck (ISO instant), and for how many workdays (null when the calendar does not cover it). */
  since: string | null;
  ageWorkdays: number | null;
  detail: Record<string, unknown>;
}

/**
 * The instant before which a case without any event is idle (issue 9): `idleWorkdays` calendar days ago, and no later
 * than the end of the latest business date at least `idleWorkdays` workdays before today (counting from the next day,
 * as workdaysSince does) or not covered by the calendar (its age unknown, so shown). The dates that qualify are all
 * those up to one date: fewer workdays lie between today and a later one, and a date before an uncovered day is
 * uncovered too, so the test of every case's age on the calendar is this one instant.
 */
export function idleBefore(calendar: WorkdayCalendar, now: Date, idleWorkdays: number): Date {
  const byDays = new Date(now.getTime() - idleWorkdays * 86_400_000);
  const covered = (date: IsoDate) => {
    try {
      calendar.isWorkday(date);
      return true;
    } catch {
      return false;
    }
  };
  // Walking back from today, `workdays` is workdaysBetween(date, today).
  let date = businessDateOf(now);
  let workdays = 0;
  while (covered(date) && workdays < idleWorkdays) {
    if (calendar.isWorkday(date)) workdays++;
    date = addDays(date, -1);
  }
  const byWorkdays = deadlineInstant(date);
  return byWorkdays < byDays ? byWorkdays : byDays;
}

/** Workdays from `since` to today (counting from the next day, as the 规程 does), or null outside the calendar. */
function workdaysSince(calendar: WorkdayCalendar, since: Date, now: Date): number | null {
  try {
    return calendar.workdaysBetween(businessDateOf(since), businessDateOf(now));
  } catch {
    return null;
  }
}

export function supervisionRouter(deps: {
  db: Db;
  temporal: Client;
  calendar: CalendarStore;
  temporalUiUrl?: string;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db, temporal } = deps;
  const commands = caseCommands(temporal);
  const now = deps.now ?? (() => new Date());
  const namespace = temporal.options.namespace;
  router.use('/supervision', requireRole(...SUPERVISORS));

  const uiLink = (workflowId: string) =>
    deps.temporalUiUrl
      ? `${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : null;

  /**
   * The machine side: workflows with a failing activity (the `activity_problem` projection the activities write,
   * activities/problems.ts) or a failing workflow task (the server's `TemporalReportedProblems` search attribute),
   * described one by one to confirm them live and to read their agency. Nothing else is scanned, so the view costs
   * what is stuck, not what is running. A projection row whose workflow has moved on is removed.
   */
  async function machineStuck(
    scope: string,
    q: z.infer<typeof StuckQuerySchema>,
  ): Promise<{ items: StuckItem[]; scanned: number; truncated: boolean }> {
    const MAX = 2000;
    const problems = await db.activityProblem.findMany({
      where: { attempt: { gte: q.minAttempts } },
      orderBy: { lastFailedAt: 'desc' },
      take: MAX + 1,
    });
    let truncated = problems.length > MAX;
    const ids = new Set(problems.slice(0, MAX).map((p) => p.workflowId));
    const query = `ExecutionStatus = 'Running' AND TemporalReportedProblems IS NOT NULL${q.caseType ? ` AND CaseType = '${q.caseType.replace(/'/g, '')}'` : ''}`;
    try {
      for await (const w of temporal.workflow.list({ query })) {
        if (ids.size >= 2 * MAX) {
          truncated = true;
          break;
        }
        ids.add(w.workflowId);
      }
    } catch (err) {
      // A server without the attribute (before 1.28) answers InvalidArgument: failing workflow tasks are then not
      // shown; an outage is an outage.
      if (!/TemporalReportedProblems|invalid/i.test((err as Error).message ?? '')) throw err;
    }
    const described = await mapLimited([...ids], 16, async (workflowId) => {
      try {
        return { workflowId, d: await temporal.workflow.getHandle(workflowId).describe() };
      } catch (err) {
        if ((err as { name?: string }).name === 'WorkflowNotFoundError') return { workflowId, d: null };
        throw err;
      }
    });
    const stale: { workflowId: string; activityId: string }[] = [];
    const running: {
      w: { workflowId: string; caseType: string | null; agencyCode: string | null };
      d: WorkflowExecutionDescription;
    }[] = [];
    for (const { workflowId, d } of described) {
      const pending = new Set(
        (d?.status.name === 'RUNNING' ? (d.raw.pendingActivities ?? []) : []).map((a) => a.activityId),
      );
      for (const p of problems) if (p.workflowId === workflowId && !pending.has(p.activityId)) stale.push(p);
      if (!d || d.status.name !== 'RUNNING') continue;
      const sa = d.searchAttributes as Record<string, unknown[] | undefined>;
      const agencyCode = (sa.AgencyCode?.[0] as string | undefined) ?? null;
      const caseType = (sa.CaseType?.[0] as string | undefined) ?? null;
      if (agencyCode === null || !agencyCovers(scope, agencyCode)) continue;
      if (q.caseType && caseType !== q.caseType) continue;
      running.push({ w: { workflowId, caseType, agencyCode }, d });
    }
    if (stale.length) {
      await db.activityProblem
        .deleteMany({ where: { OR: stale.map((p) => ({ workflowId: p.workflowId, activityId: p.activityId })) } })
        .catch(() => undefined);
    }
    const items: StuckItem[] = [];
    for (const { w, d } of running) {
      const raw = d.raw;
      for (const a of raw.pendingActivities ?? []) {
        if ((a.attempt ?? 0) < q.minAttempts) continue;
        const since = a.lastStartedTime ?? a.lastAttemptCompleteTime ?? null;
        items.push({
          workflowId: w.workflowId,
          caseNumber: null,
          caseType: w.caseType,
          agencyCode: w.agencyCode,
          reason: 'activity_failing',
          step: a.activityType?.name ?? null,
          since: d.startTime.toISOString(),
          ageWorkdays: null,
          detail: {
            activityId: a.activityId,
            attempt: a.attempt,
            lastFailure: a.lastFailure?.message ?? null,
            nextAttemptAt: a.nextAttemptScheduleTime ? timestampIso(a.nextAttemptScheduleTime) : null,
            lastAttemptAt: since ? timestampIso(since) : null,
          },
        });
      }
      const wft = raw.pendingWorkflowTask;
      if (wft && (wft.attempt ?? 0) > 1) {
        items.push({
          workflowId: w.workflowId,
          caseNumber: null,
          caseType: w.caseType,
          agencyCode: w.agencyCode,
          reason: 'workflow_task_failing',
          step: 'workflow_task',
          since: d.startTime.toISOString(),
          ageWorkdays: null,
          detail: { attempt: wft.attempt },
        });
      }
    }
    // A payment run stuck on the bank holds the payments of many cases: name them.
    const runs = items.filter((i) => i.caseType === 'payment_run').map((i) => i.workflowId);
    if (runs.length) {
      const rows = await db.payable.findMany({
        where: { runId: { in: runs }, status: { in: ['pending', 'sent'] } },
        select: { runId: true, caseNumber: true },
        distinct: ['runId', 'caseNumber'],
      });
      for (const i of items) {
        if (i.caseType !== 'payment_run') continue;
        i.detail.affectedCases = rows.filter((r) => r.runId === i.workflowId).map((r) => r.caseNumber);
      }
    }
    // A city's run and its monthly comparison (Art. 42) are no case of their own: they carry no case number.
    const cityWork = new Set(['payment_run', 'monthly_check']);
    for (const i of items) if (!cityWork.has(i.caseType ?? '')) i.caseNumber = i.workflowId.replace(/\.P$/, '');
    return { items, scanned: described.length, truncated };
  }

  router.get('/supervision/stuck', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(StuckQuerySchema, req.query, 'query');
    const scope = q.agencyCode ?? user.agencyCode;
    if (!agencyCovers(user.agencyCode, scope))
      throw new ApiError(403, 'outside_scope', `经办机构${scope}不在您所在经办机构的管辖范围内（第五条 分级管理）`);
    const at = now();
    const calendar = await deps.calendar.current();
    const prefix = agencyScopePrefix(scope);
    const items: StuckItem[] = [];

    // Overdue tasks and idle cases can be many (a city's 150,000): counted in PostgreSQL per agency and case type,
    // only the page of each is read (issue 24).
    const groups: { agencyCode: string; caseType: string; n: number; reason: 'task_overdue' | 'idle' }[] = [];
    const sql = sqlOf(db);
    const like = `${prefix}%`;
    if (!q.reason || q.reason === 'task_overdue') {
      const [overdue, counted] = await Promise.all([
        sql.query<{
          id: string;
          workflow_id: string;
          case_number: string;
          case_type: string;
          agency_code: string;
          type: string;
          due_at: Date;
          role: string;
          assignee_name: string | null;
          escalated_to: string | null;
          reminders: number;
        }>(
          `SELECT id, workflow_id, case_number, case_type, agency_code, type, due_at, role, assignee_name, escalated_to,
                  reminders
             FROM task
            WHERE status = 'open' AND due_at < $1 AND (agency_code LIKE $2 OR escalated_to LIKE $2)${q.caseType ? ' AND case_type = $3' : ''}
            ORDER BY due_at, id LIMIT ${q.limit}`,
          [at, like, ...(q.caseType ? [q.caseType] : [])],
        ),
        // task_due_tally (kept by triggers on task) holds the open tasks per due instant: the rows due before now
        // are the overdue tasks, counted the instant they fall due.
        sql.query<{ agency_code: string; case_type: string; n: number }>(
          `SELECT agency_code, case_type, sum(open)::int AS n
             FROM task_due_tally
            WHERE due_at < $1 AND (agency_code LIKE $2 OR escalated_to LIKE $2)${q.caseType ? ' AND case_type = $3' : ''}
            GROUP BY 1, 2 HAVING sum(open) > 0 ORDER BY 1, 2`,
          [at, like, ...(q.caseType ? [q.caseType] : [])],
        ),
      ]);
      for (const g of counted.rows)
        groups.push({ agencyCode: g.agency_code, caseType: g.case_type, n: g.n, reason: 'task_overdue' });
      for (const t of overdue.rows) {
        items.push({
          workflowId: t.workflow_id,
          caseNumber: t.case_number,
          caseType: t.case_type,
          agencyCode: t.agency_code,
          reason: 'task_overdue',
          step: t.type,
          since: t.due_at.toISOString(),
          ageWorkdays: workdaysSince(calendar, t.due_at, at),
          detail: {
            taskId: t.id,
            role: t.role,
            assignee: t.assignee_name,
            escalatedTo: t.escalated_to,
            reminders: t.reminders,
          },
        });
      }
    }
    if (!q.reason || q.reason === 'idle') {
      // Idle: no event for `idleWorkdays` calendar days and as many workdays (or on days the calendar does not cover),
      // which is one instant computed once from the calendar (idleBefore); the case table's index answers the rest.
      const before = idleBefore(calendar, at, q.idleWorkdays);
      const where = `agency_code LIKE $1 AND status NOT IN (${FINAL.map((f) => `'${f}'`).join(', ')})
                     AND updated_at < $2${q.caseType ? ' AND case_type = $3' : ''}`;
      const values = [like, before, ...(q.caseType ? [q.caseType] : [])];
      const [idle, counted] = await Promise.all([
        sql.query<{
          case_number: string;
          case_type: string;
          agency_code: string;
          workflow_id: string;
          status: string;
          updated_at: Date;
        }>(
          `SELECT case_number, case_type, agency_code, workflow_id, status, updated_at FROM "case"
            WHERE ${where} ORDER BY updated_at, case_number LIMIT ${q.limit}`,
          values,
        ),
        sql.query<{ agency_code: string; case_type: string; n: number }>(
          `SELECT agency_code, case_type, count(*)::int AS n FROM "case" WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
          values,
        ),
      ]);
      for (const g of counted.rows)
        groups.push({ agencyCode: g.agency_code, caseType: g.case_type, n: g.n, reason: 'idle' });
      for (const c of idle.rows) {
        items.push({
          workflowId: c.workflow_id,
          caseNumber: c.case_number,
          caseType: c.case_type,
          agencyCode: c.agency_code,
          reason: 'idle',
          step: c.status,
          since: c.updated_at.toISOString(),
          ageWorkdays: workdaysSince(calendar, c.updated_at, at),
          detail: {},
        });
      }
    }
    let scanned = 0;
    let truncated = false;
    if (!q.reason || q.reason === 'activity_failing' || q.reason === 'workflow_task_failing') {
      const m = await machineStuck(scope, q).catch((err: unknown) => {
        throw dependencyOutage(err) ?? err;
      });
      items.push(...m.items.filter((i) => !q.reason || i.reason === q.reason));
      scanned = m.scanned;
      truncated = m.truncated;
    }
    // Counts of everything found: overdue tasks and idle cases from their groups, the others item by item.
    const others = items.filter((i) => i.reason !== 'task_overdue' && i.reason !== 'idle');
    const count = (key: (i: StuckItem) => string | null, groupKey: (g: (typeof groups)[number]) => string) => {
      const out: Record<string, number> = {};
      for (const g of groups) out[groupKey(g)] = (out[groupKey(g)] ?? 0) + g.n;
      for (const i of others) {
        const k = key(i) ?? 'unknown';
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    };
    const total = groups.reduce((n, g) => n + g.n, 0) + others.length;
    // The page: each reason's longest stuck first, up to `limit` in all.
    const page = items.slice(0, q.limit);
    res.json({
      asOf: at.toISOString(),
      total,
      counts: {
        byReason: count(
          (i) => i.reason,
          (g) => g.reason,
        ),
        byAgency: count(
          (i) => i.agencyCode,
          (g) => g.agencyCode,
        ),
        byType: count(
          (i) => i.caseType,
          (g) => g.caseType,
        ),
      },
      items: page.map((i) => ({ ...i, temporalUrl: uiLink(i.workflowId) })),
      limit: q.limit,
      workflowsScanned: scanned,
      truncated: truncated || total > page.length,
    });
  });

  /** A workflow in the supervisor's scope (by its AgencyCode search attribute), described. */
  async function workflowFor(req: Request) {
    const { workflowId } = parseOr400(z.object({ workflowId: WORKFLOW_ID }), req.params, 'params');
    const user = currentUser(req);
    let d;
    try {
      d = await temporal.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if ((err as { name?: string }).name === 'WorkflowNotFoundError')
        throw new ApiError(404, 'workflow_not_found', `没有流程${workflowId}`);
      throw dependencyOutage(err) ?? err;
    }
    const agencyCode = (d.searchAttributes.AgencyCode?.[0] as string | undefined) ?? null;
    if (!agencyCode || !agencyCovers(user.agencyCode, agencyCode))
      throw new ApiError(404, 'workflow_not_found', `没有流程${workflowId}`);
    return { workflowId, d, agencyCode, user };
  }

  router.get('/supervision/workflows/:workflowId', async (req, res) => {
    const { workflowId, d, agencyCode } = await workflowFor(req);
    const caseNumber = workflowId.replace(/\.P$/, '');
    const [c, tasks, events] = await Promise.all([
      db.case.findUnique({ where: { caseNumber } }),
      db.task.findMany({ where: { workflowId, status: 'open' }, orderBy: { dueAt: 'asc' } }),
      db.caseEvent.findMany({ where: { caseNumber }, orderBy: { at: 'desc' }, take: 20 }),
    ]);
    res.json({
      workflowId,
      caseNumber: c ? caseNumber : null,
      caseType: (d.searchAttributes.CaseType?.[0] as string | undefined) ?? null,
      agencyCode,
      status: d.status.name,
      caseStatus: c?.status ?? (d.searchAttributes.CaseStatus?.[0] as string | undefined) ?? null,
      startedAt: d.startTime.toISOString(),
      pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
        activityId: a.activityId,
        activityType: a.activityType?.name ?? null,
        state: a.state,
        attempt: a.attempt,
        lastFailure: a.lastFailure?.message ?? null,
        nextAttemptAt: a.nextAttemptScheduleTime ? timestampIso(a.nextAttemptScheduleTime) : null,
      })),
      pendingWorkflowTask: d.raw.pendingWorkflowTask
        ? { attempt: d.raw.pendingWorkflowTask.attempt, state: d.raw.pendingWorkflowTask.state }
        : null,
      openTasks: tasks.map((t) => ({
        id: t.id,
        type: t.type,
        role: t.role,
        assignee: t.assigneeName,
        dueAt: t.dueAt.toISOString(),
        dueProvisional: t.dueProvisional,
        overdue: t.dueAt < now(),
      })),
      recentEvents: events.map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor })),
      temporalUrl: uiLink(workflowId),
    });
  });

  router.post('/supervision/workflows/:workflowId/retry', requireRole('supervisor'), async (req, res) => {
    const { workflowId, d, user } = await workflowFor(req);
    const body = parseOr400(WorkflowActionBodySchema, req.body);
    const failing = (d.raw.pendingActivities ?? []).filter((a) => (a.attempt ?? 0) > 1);
    if (!failing.length) throw new ApiError(409, 'nothing_failing', '此流程没有失败中的活动');
    for (const a of failing) {
      try {
        // Attempts reset and the activity is scheduled at once (Temporal's ResetActivity).
        await temporal.workflowService.resetActivity({
          namespace,
          execution: { workflowId },
          id: a.activityId,
          identity: `supervisor:${user.username}`,
        });
      } catch (err) {
        throw dependencyOutage(err) ?? err;
      }
    }
    await audit(db, {
      actor: { id: user.id, username: user.username },
      action: 'workflow_retried',
      entity: 'workflow',
      entityId: workflowId,
      reason: body.reason,
      after: { activities: failing.map((a) => ({ id: a.activityId, type: a.activityType?.name, attempt: a.attempt })) },
      requestId: String(req.id),
    });
    res.json({ retried: failing.map((a) => a.activityId) });
  });

  router.post('/supervision/workflows/:workflowId/cancel', requireRole('supervisor'), async (req, res) => {
    const { workflowId, d, user } = await workflowFor(req);
    const body = parseOr400(WorkflowActionBodySchema, req.body);
    if (d.status.name !== 'RUNNING') throw new ApiError(409, 'not_running', '案件未在办理中');
    try {
      await temporal.workflow.getHandle(workflowId).cancel();
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    const caseNumber = workflowId.replace(/\.P$/, '');
    const at = new Date();
    await db.$transaction(async (tx) => {
      // The case's timeline names the supervisor who cancelled it (Art. 77, 78); the workflow then records its own
      // cancellation, done by the system.
      if (await tx.case.findUnique({ where: { caseNumber }, select: { caseNumber: true } })) {
        await recordCaseEvent(tx, {
          caseNumber,
          key: `${caseNumber}/case_cancel_requested/${at.toISOString()}`,
          type: 'case_cancel_requested',
          at,
          actor: user.username,
          data: { workflowId, reason: body.reason },
        });
      }
      await audit(tx, {
        actor: { id: user.id, username: user.username },
        action: 'case_cancelled',
        entity: 'workflow',
        entityId: workflowId,
        caseNumber,
        reason: body.reason,
        requestId: String(req.id),
        at,
      });
    });
    res.json({ cancelled: workflowId });
  });

  router.post('/supervision/tasks/batch', requireRole('supervisor'), async (req, res) => {
    const user = currentUser(req);
    const b = parseOr400(BatchTasksSchema, req.body);
    const scope = b.filter.agencyCode ?? user.agencyCode;
    if (!agencyCovers(user.agencyCode, scope))
      throw new ApiError(403, 'outside_scope', `经办机构${scope}不在您所在经办机构的管辖范围内（第五条 分级管理）`);
    const prefix = agencyScopePrefix(scope);
    const where = {
      status: 'open',
      OR: [{ agencyCode: { startsWith: prefix } }, { escalatedTo: { startsWith: prefix } }],
      ...(b.filter.type ? { type: b.filter.type } : {}),
      ...(b.filter.role ? { role: b.filter.role } : {}),
      ...(b.filter.assigneeId ? { assigneeId: b.filter.assigneeId } : {}),
      ...(b.filter.overdue === true ? { dueAt: { lt: now() } } : {}),
      ...(b.filter.overdue === false ? { dueAt: { gte: now() } } : {}),
    };
    const matching = await db.task.count({ where });
    if (b.preview) {
      res.json({ preview: true, matching });
      return;
    }
    let assignee = null;
    if (b.action.kind === 'reassign') {
      assignee = await db.user.findUnique({ where: { id: b.action.assigneeId } });
      if (!assignee || !assignee.active)
        // 422: the id is well formed; whether it names an active user is the state of the accounts.
        throw new ApiError(422, 'assignee_not_active', '没有此在岗用户', [
          { path: 'action.assigneeId', message: '不是在岗用户' },
        ]);
    }
    const tasks = await db.task.findMany({ where, orderBy: { dueAt: 'asc' }, take: b.limit });
    const actor = actorOf(user);
    const action = b.action;
    // Each task is its own Update to its own workflow: one failing does not stop the others (a result per task).
    const results = await mapLimited(tasks, 8, async (t) => {
      try {
        if (action.kind === 'reassign') {
          await commands.update(t.workflowId, reassignTask, {
            taskId: t.id,
            actor,
            assignee: actorOf({ ...assignee!, roles: assignee!.roles as never }),
            reason: b.reason,
          });
        } else {
          await commands.update(t.workflowId, extendTask, {
            taskId: t.id,
            actor,
            period: { amount: action.amount, unit: action.unit },
            reason: b.reason,
          });
        }
        return { taskId: t.id, caseNumber: t.caseNumber, ok: true as const };
      } catch (err) {
        return {
          taskId: t.id,
          caseNumber: t.caseNumber,
          ok: false as const,
          error:
            err instanceof ApiError
              ? { code: err.code, message: err.message }
              : { code: 'failed', message: String(err) },
        };
      }
    });
    await audit(db, {
      actor: { id: user.id, username: user.username },
      action: `tasks_batch_${action.kind}`,
      entity: 'task_batch',
      entityId: `${action.kind}:${now().toISOString()}`,
      reason: b.reason,
      after: { filter: b.filter, matching, applied: results.filter((r) => r.ok).length },
      requestId: String(req.id),
    });
    res.json({
      matching,
      attempted: results.length,
      succeeded: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      results,
    });
  });

  router.get('/supervision/sla', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(
      z.strictObject({
        agencyCode: z
          .string()
          .regex(/^\d{6}$/, '须为6位行政区划代码')
          .optional(),
        days: z.coerce.number().int().min(1).max(366).default(30),
      }),
      req.query,
      'query',
    );
    const scope = q.agencyCode ?? user.agencyCode;
    if (!agencyCovers(user.agencyCode, scope))
      throw new ApiError(403, 'outside_scope', `经办机构${scope}不在您所在经办机构的管辖范围内（第五条 分级管理）`);
    const prefix = `${agencyScopePrefix(scope)}%`;
    const at = now();
    const calendar = await deps.calendar.current();
    const today = businessDateOf(at);
    let in2 = today;
    try {
      in2 = calendar.addWorkdays(today, 2);
    } catch {
      // a year the calendar does not cover: the bucket is empty
    }
    const since = new Date(at.getTime() - q.days * 86_400_000);
    const [buckets, perStep, perClerk, series] = await Promise.all([
      db.$queryRaw<{ agency_code: string; type: string; bucket: string; n: number }[]>`
        SELECT agency_code, type,
               CASE WHEN due_at < ${at} THEN 'overdue'
                    WHEN due_date = ${today}::date THEN 'due_today'
                    WHEN due_date <= ${in2}::date THEN 'within_2_workdays'
                    ELSE 'later' END AS bucket,
               count(*)::int AS n
          FROM task WHERE status = 'open' AND agency_code LIKE ${prefix}
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      db.$queryRaw<{ type: string; step: string; n: number; avg_hours: number; p90_hours: number }[]>`
        SELECT type, step, count(*)::int AS n,
               round(avg(extract(epoch FROM completed_at - created_at)) / 3600, 2)::float AS avg_hours,
               round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) / 3600)::numeric, 2)::float AS p90_hours
          FROM task WHERE status = 'completed' AND agency_code LIKE ${prefix} AND completed_at >= ${since}
         GROUP BY 1, 2 ORDER BY 1, 2`,
      db.$queryRaw<{ clerk: string; n: number }[]>`
        SELECT completed_by_name AS clerk, count(*)::int AS n
          FROM task WHERE status = 'completed' AND agency_code LIKE ${prefix} AND completed_at >= ${since}
         GROUP BY 1 ORDER BY 2 DESC, 1`,
      db.$queryRaw<{ day: string; completed: number }[]>`
        SELECT to_char(completed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::int AS completed
          FROM task WHERE status = 'completed' AND agency_code LIKE ${prefix} AND completed_at >= ${since}
         GROUP BY 1 ORDER BY 1`,
    ]);
    const totals: Record<string, number> = { overdue: 0, due_today: 0, within_2_workdays: 0, later: 0 };
    for (const r of buckets) totals[r.bucket] = (totals[r.bucket] ?? 0) + r.n;
    res.json({
      asOf: at.toISOString(),
      agencyCode: scope,
      openTasks: { totals, byAgencyAndType: buckets },
      timePerStep: perStep,
      throughputPerClerk: perClerk,
      completedPerDay: series,
    });
  });

  return router;
}

/** A protobuf timestamp (seconds as Long or number, nanos) as an ISO instant. */
function timestampIso(t: { seconds?: unknown; nanos?: number | null }): string {
  const seconds = Number((t.seconds as { toString(): string } | null | undefined)?.toString() ?? 0);
  return new Date(seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}
