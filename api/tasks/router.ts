/**
 * The clerks' worklist (issue 5). Tasks are read from PostgreSQL; every action on a task is an Update to its case's
 * workflow, whose validator decides (role, agency scope, 岗位不相容, the form) before anything is written. A task
 * outside the user's agency scope does not exist for them (404 task_not_found, Art. 5); inside it, what their role or
 * 岗位不相容 forbids is refused with the rule (403 missing_role / separation_of_duties, Art. 77).
 *
 *   GET  /tasks                     filters, sorted by due time, keyset pagination, counts
 *   GET  /tasks/:id                 the task with its case summary, timeline, comments and form
 *   POST /tasks/:id/claim|release   take it / give it back to the queue
 *   POST /tasks/:id/complete        the decision form
 *   POST /tasks/:id/comments        a note on the task
 *   POST /tasks/:id/reassign|extend supervisors, with a reason
 *   GET  /notifications             overdue tasks, reminders, escalations for me and my roles
 */
import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { agencyCovers, agencyScopePrefix, STAFF_ROLES, type StaffRole } from '../../domain/access';
import { FORM_SCHEMAS, type FormName } from '../../domain/forms';
import { maskIdNumber, maskTail } from '../../domain/identity';
import { inTaskScope, refusalToAct, type Actor, type Refusal, type TaskStep } from '../../domain/tasks';
import { audit } from '../../lib/audit';
import { sqlOf, type Db } from '../../lib/db';
import { claimTask, completeTask, extendTask, reassignTask, releaseTask } from '../../contracts/tasks';
import { currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import { maskName } from '../cases/router';
import { ApiError, parseOr400 } from '../errors';
import { caseCommands, PENDING } from '../case-commands';
import { refusalRule } from '../../contracts/refusals';
import { cursorOf, worklistQuery, type WorklistRow } from './worklist-sql';
import { writtenAtLeast, writtenText } from '../../domain/written-text';

const isoDate = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });

export const TaskListQuerySchema = z.strictObject({
  view: z
    .enum(['all', 'mine', 'available', 'overdue'])
    .default('all')
    .meta({ description: 'mine: assigned to me; available: unassigned, for my roles; overdue: past due' }),
  status: z.enum(['open', 'completed', 'cancelled']).default('open'),
  type: z.string().max(48).optional(),
  agencyCode: z
    .string()
    .regex(/^\d{6}$/, '须为6位行政区划代码')
    .optional(),
  dueFrom: isoDate.optional(),
  dueTo: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page, as given (opaque)' }),
});

/** GET /notifications: only the unread ones when `unread=true`. */
export const NotificationsQuerySchema = z.strictObject({ unread: z.enum(['true', 'false']).optional() });
export const TaskIdParamSchema = z.object({ id: z.uuid('须为任务编号') });
// `form` is required (any JSON value; the task's workflow checks it against the task's form): said in the document too.
export const CompleteTaskBodySchema = z
  .strictObject({ form: z.unknown() })
  .meta({ id: 'CompleteTask', required: ['form'] });
export const CommentBodySchema = z
  .strictObject({
    text: z.string().regex(writtenAtLeast(1), { error: '不能只填空白', abort: true }).trim().min(1).max(2000),
  })
  .meta({ id: 'TaskComment' });
export const ReassignBodySchema = z
  .strictObject({
    assigneeId: z.uuid('须为用户编号'),
    reason: writtenText(2, 500, '须说明理由'),
  })
  .meta({ id: 'ReassignTask' });
export const ExtendBodySchema = z
  .strictObject({
    amount: z.number().int().min(1).max(60),
    unit: z.enum(['workdays', 'days']),
    reason: writtenText(2, 500, '须说明理由'),
  })
  .meta({ id: 'ExtendTask' });

export const TaskSummarySchema = z
  .object({
    id: z.string(),
    caseNumber: z.string(),
    caseType: z.string(),
    type: z.string(),
    step: z.string(),
    role: z.string(),
    agencyCode: z.string(),
    escalatedTo: z.string().nullable(),
    status: z.string(),
    assignee: z.string().nullable(),
    dueDate: z.string(),
    dueAt: z.string(),
    /** Counted on the provisional calendar (the year's State Council notice is not entered yet): 暂定. */
    dueProvisional: z.boolean(),
    overdue: z.boolean(),
    overdueSince: z.string().nullable(),
    reminders: z.number(),
    extensions: z.number(),
    createdAt: z.string(),
    /**
     * In the list: why this user may not do the task (their roles, 岗位不相容), the rule's code and its Chinese text;
     * null when they may. 可领取 holds none that are blocked.
     */
    blockedReason: z
      .object({
        code: z.enum(['missing_role', 'outside_scope', 'separation_of_duties', 'assigned_to_other']),
        message: z.string(),
      })
      .nullable()
      .optional(),
  })
  .meta({ id: 'TaskSummary' });

type TaskRow = Prisma.TaskGetPayload<object>;

export function taskSummary(t: TaskRow): z.infer<typeof TaskSummarySchema> {
  return {
    id: t.id,
    caseNumber: t.caseNumber,
    caseType: t.caseType,
    type: t.type,
    step: t.step,
    role: t.role,
    agencyCode: t.agencyCode,
    escalatedTo: t.escalatedTo,
    status: t.status,
    assignee: t.assigneeName,
    dueDate: t.dueDate.toISOString().slice(0, 10),
    dueAt: t.dueAt.toISOString(),
    dueProvisional: t.dueProvisional,
    overdue: t.status === 'open' && t.overdueSince !== null,
    overdueSince: t.overdueSince?.toISOString() ?? null,
    reminders: t.reminders,
    extensions: t.extensions,
    createdAt: t.createdAt.toISOString(),
  };
}

/** Supervisors and auditors see the tasks of every role in their scope; others those of their roles. */
function seesEveryRole(user: AuthUser): boolean {
  return user.roles.includes('supervisor') || user.roles.includes('auditor');
}

/**
 * Why `user` may not do a listed task, by the rule the case's workflow applies (refusalToAct): the role, then 岗位不相容
 * with the earlier step of the case they did (the row's `blocked_step`). Assignment is the list's own column.
 */
function blockedReasonOf(user: AuthUser, t: WorklistRow): Refusal | null {
  const step = t.step as TaskStep;
  return refusalToAct(
    { step, role: t.role as StaffRole, agencyCode: t.agency_code, escalatedTo: t.escalated_to, assigneeId: null },
    actorOf(user),
    t.blocked_step ? { [t.blocked_step]: [user.id] } : {},
    { ignoreAssignment: true },
  );
}

/** A row of the worklist's statement (worklist-sql.ts) as a summary: the same fields and values as `taskSummary`. */
function summaryOfRow(user: AuthUser, t: WorklistRow): z.infer<typeof TaskSummarySchema> {
  return {
    id: t.id!,
    caseNumber: t.case_number,
    caseType: t.case_type,
    type: t.type,
    step: t.step,
    role: t.role,
    agencyCode: t.agency_code,
    escalatedTo: t.escalated_to,
    status: t.status,
    assignee: t.assignee_name,
    dueDate: t.due_date,
    dueAt: t.due_at,
    dueProvisional: t.due_provisional,
    overdue: t.status === 'open' && t.overdue_since !== null,
    overdueSince: t.overdue_since,
    reminders: t.reminders,
    extensions: t.extensions,
    createdAt: t.created_at,
    blockedReason: blockedReasonOf(user, t),
  };
}

/**
 * Whether a user may know a task exists: their agency covers its agency or the one it was escalated to (Art. 5, 78),
 * the scope of the worklist's two parts (worklist-sql.ts). Outside it, 404.
 */
const knowsOf = (user: AuthUser, t: TaskRow): boolean => inTaskScope(t, user);

/**
 * Whether a user who knows of the task may look at it: supervisors and auditors see every role's tasks, others those
 * of their roles (Art. 77, 78); otherwise the rule, 403 missing_role (the same words as the workflow's refusal).
 */
function mayView(user: AuthUser, t: TaskRow): Refusal | null {
  return seesEveryRole(user) ? null : mayDo(user, t);
}

/** Whether the user holds the task's role: refusalToAct's first rule, as the case's validator applies it (Art. 77). */
function mayDo(user: AuthUser, t: TaskRow): Refusal | null {
  const r = refusalToAct(
    {
      step: t.step as TaskStep,
      role: t.role as StaffRole,
      agencyCode: t.agencyCode,
      escalatedTo: t.escalatedTo,
      assigneeId: null,
    },
    actorOf(user),
    {},
    { ignoreAssignment: true },
  );
  return r?.code === 'missing_role' ? r : null;
}

export const actorOf = (u: Pick<AuthUser, 'id' | 'username' | 'roles' | 'agencyCode'>): Actor => ({
  userId: u.id,
  username: u.username,
  roles: u.roles,
  agencyCode: u.agencyCode,
});

export function tasksRouter(deps: { db: Db; temporal: Client; actionWaitMs?: number }): Router {
  const router = Router();
  const { db } = deps;
  router.use(['/tasks', '/notifications'], requireRole(...STAFF_ROLES));

  /**
   * The task of the path. 404 when the caller may not know it exists (no such task, or outside their agency scope);
   * otherwise 403 missing_role when their roles do not reach it: for a look (`view`: the task, a comment, giving it
   * back), the task's role or supervision; for doing it (`act`: claim, complete), the task's role, as the case's
   * validator decides first. The case then refuses the rest with the rule (岗位不相容: 403 separation_of_duties).
   */
  async function knownTask(req: Request, purpose: 'view' | 'act'): Promise<TaskRow> {
    const { id } = parseOr400(TaskIdParamSchema, req.params, 'params');
    const user = currentUser(req);
    const t = await db.task.findUnique({ where: { id } });
    if (!t || !knowsOf(user, t))
      throw new ApiError(404, 'task_not_found', '没有此任务，或此任务不在您所在经办机构的管辖范围内');
    const refused = purpose === 'view' ? mayView(user, t) : mayDo(user, t);
    if (refused) throw new ApiError(refusalRule(refused.code)?.status ?? 403, refused.code, refused.message);
    return t;
  }

  const commands = caseCommands(deps.temporal);

  /**
   * A clerk's action on a task, as an Update of the case's workflow, answered within `actionWaitMs` (issue 12): none
   * is lost silently while a dependency is down.
   *  - Not accepted by the case in time (Temporal down): refused, 503 with Retry-After (dependencyOutage); the clerk
   *    sends it again. Temporal unreachable: nothing was taken. Temporal reached but the case slow: the request may
   *    still reach the case, so the same action sent again has the same Update ID and is applied once.
   *  - Accepted (it is then in the case's history and will be applied exactly once) but not finished in time — the
   *    case records it in PostgreSQL, which is down, and its activity retries until PostgreSQL is back: PENDING, and
   *    the route answers 202 `action_accepted`; GET /tasks/{id} shows it applied once PostgreSQL is back.
   */
  async function update<R, A>(
    t: TaskRow,
    def: UpdateDefinition<R, [A]>,
    arg: A,
    sameActionKey?: unknown,
  ): Promise<R | typeof PENDING> {
    // A request Temporal took but did not accept in time can still be delivered to the case later; the same action
    // sent again then carries the same Update ID, and Temporal applies it once (completion, reassignment, extension).
    return commands.updateWithin(
      t.workflowId,
      def,
      arg,
      deps.actionWaitMs ?? 10_000,
      sameActionKey === undefined ? {} : { sameRequest: [t.id, sameActionKey] },
    );
  }

  /** 202: the case has the action and applies it when it can (a dependency is down meanwhile). */
  function pending(res: Response, t: TaskRow): void {
    res.status(202).location(`/tasks/${t.id}`).json({
      taskId: t.id,
      status: 'action_accepted',
      message: '案件已接收此操作，待数据库恢复后即行办理（请查看任务）',
    });
  }

  router.get('/tasks', async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(TaskListQuerySchema, req.query, 'query');
    if (q.agencyCode && !agencyCovers(user.agencyCode, q.agencyCode)) {
      throw new ApiError(
        403,
        'outside_agency_scope',
        `经办机构${q.agencyCode}不在您所在经办机构的管辖范围内（第五条 分级管理）`,
      );
    }
    const { text, values } = worklistQuery(user, q);
    const { rows } = await sqlOf(db).query<WorklistRow>({ text, values });
    const first = rows[0]!;
    const found = first.id === null ? [] : rows;
    const items = found.slice(0, q.limit);
    const last = items[items.length - 1];
    res.json({
      items: items.map((t) => summaryOfRow(user, t)),
      nextCursor: found.length > q.limit && last ? cursorOf(last.due_at, last.id!) : null,
      counts: { mine: first.mine, available: first.available, overdue: first.overdue },
    });
  });

  router.get('/tasks/:id', async (req, res) => {
    const user = currentUser(req);
    const t = await knownTask(req, 'view');
    const c = await db.case.findUnique({
      where: { caseNumber: t.caseNumber },
      include: { agency: true, claim: true, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    const comments = await db.taskComment.findMany({ where: { taskId: t.id }, orderBy: { at: 'asc' } });
    // The clerks who do the task see the applicant's data; others (supervisors, auditors) see it masked.
    const full = user.roles.includes(t.role as never);
    const claim = c?.claim;
    res.json({
      task: taskSummary(t),
      decision: t.decision,
      form: { name: t.form, schema: z.toJSONSchema(FORM_SCHEMAS[t.form as FormName] ?? z.object({})) },
      case: c && {
        caseNumber: c.caseNumber,
        caseType: c.caseType,
        status: c.status,
        agency: { code: c.agency.code, name: c.agency.name },
        createdAt: c.createdAt.toISOString(),
        claim: claim && {
          channel: claim.channel,
          applicant: {
            idType: claim.idType,
            idNumber: full ? claim.idNumber : maskIdNumber(claim.idNumber),
            name: full ? claim.name : maskName(claim.name),
            phone: full ? claim.phone : maskTail(claim.phone),
          },
          employer: { uscc: claim.employerUscc, name: claim.employerName },
          separation: { date: claim.separationDate.toISOString().slice(0, 10), reason: claim.separationReason },
          payingLocalityBasis: claim.payingLocalityBasis,
          payment: {
            method: claim.paymentMethod,
            bankName: claim.bankName,
            accountNumber: full ? claim.accountNumber : maskTail(claim.accountNumber),
          },
        },
        timeline: c.events.map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data })),
      },
      comments: comments.map((m) => ({ at: m.at.toISOString(), author: m.authorName, text: m.text })),
    });
  });

  router.post('/tasks/:id/claim', async (req, res) => {
    const t = await knownTask(req, 'act');
    const actor = actorOf(currentUser(req));
    const r = await update(t, claimTask, { taskId: t.id, actor });
    if (r === PENDING) return pending(res, t);
    res.json(r);
  });

  router.post('/tasks/:id/release', async (req, res) => {
    const t = await knownTask(req, 'view');
    const actor = actorOf(currentUser(req));
    const r = await update(t, releaseTask, { taskId: t.id, actor });
    if (r === PENDING) return pending(res, t);
    res.json(r);
  });

  router.post('/tasks/:id/complete', async (req, res) => {
    const t = await knownTask(req, 'act');
    const { form } = parseOr400(CompleteTaskBodySchema, req.body);
    const actor = actorOf(currentUser(req));
    const done = await update(t, completeTask, { taskId: t.id, actor, form }, [actor.userId, form]);
    if (done === PENDING) return pending(res, t);
    // Done: a read model that cannot be read this instant does not turn the done action into a refusal.
    const row = await db.task.findUnique({ where: { id: t.id } }).catch(() => null);
    res.json({ ...done, ...(row ? { task: taskSummary(row) } : {}) });
  });

  router.post('/tasks/:id/comments', async (req, res) => {
    const user = currentUser(req);
    const t = await knownTask(req, 'view');
    const { text } = parseOr400(CommentBodySchema, req.body);
    const at = new Date();
    await db.$transaction(async (tx) => {
      await tx.taskComment.create({ data: { taskId: t.id, at, authorId: user.id, authorName: user.username, text } });
      await audit(tx, {
        actor: user,
        action: 'task_commented',
        entity: 'task',
        entityId: t.id,
        caseNumber: t.caseNumber,
        after: { text },
        requestId: String(req.id),
        at,
      });
    });
    res.status(201).json({ at: at.toISOString(), author: user.username, text });
  });

  router.post('/tasks/:id/reassign', requireRole('supervisor'), async (req, res) => {
    const t = await knownTask(req, 'view');
    const body = parseOr400(ReassignBodySchema, req.body);
    const assignee = await db.user.findUnique({ where: { id: body.assigneeId } });
    if (!assignee || !assignee.active) {
      // 422: the id is well formed; whether it names an active user is the state of the accounts.
      throw new ApiError(422, 'assignee_not_active', '没有此在岗用户', [
        { path: 'assigneeId', message: '不是在岗用户' },
      ]);
    }
    const actor = actorOf(currentUser(req));
    const view = await update(
      t,
      reassignTask,
      {
        taskId: t.id,
        actor,
        assignee: actorOf({ ...assignee, roles: assignee.roles as never }),
        reason: body.reason,
      },
      [actor.userId, body],
    );
    if (view === PENDING) return pending(res, t);
    res.json(view);
  });

  router.post('/tasks/:id/extend', requireRole('supervisor'), async (req, res) => {
    const t = await knownTask(req, 'view');
    const body = parseOr400(ExtendBodySchema, req.body);
    const actor = actorOf(currentUser(req));
    const view = await update(
      t,
      extendTask,
      { taskId: t.id, actor, period: { amount: body.amount, unit: body.unit }, reason: body.reason },
      [actor.userId, body],
    );
    if (view === PENDING) return pending(res, t);
    res.json(view);
  });

  router.get('/notifications', async (req, res) => {
    const user = currentUser(req);
    const unread = parseOr400(NotificationsQuerySchema, req.query, 'query').unread === 'true';
    const rows = await db.notification.findMany({
      where: {
        AND: [
          {
            OR: [
              { userId: user.id },
              {
                userId: null,
                role: { in: user.roles },
                agencyCode: { startsWith: agencyScopePrefix(user.agencyCode) },
              },
            ],
          },
          ...(unread ? [{ readAt: null }] : []),
        ],
      },
      orderBy: { at: 'desc' },
      take: 100,
    });
    res.json({
      items: rows.map((n) => ({
        id: String(n.id),
        at: n.at.toISOString(),
        kind: n.kind,
        taskId: n.taskId,
        caseNumber: n.caseNumber,
        agencyCode: n.agencyCode,
        message: n.message,
        read: n.readAt !== null,
      })),
    });
  });

  return router;
}
