/**
 * The human-task primitive's writes to the read model (task, notification, audit_log, case_event). The workflow owns
 * each task's state and calls these to project it; every write is idempotent (task ID, event keys), so a retried
 * activity changes nothing twice.
 */
import type { Prisma } from '../generated/prisma/client';
import { audit } from '../lib/audit';
import { asJson, dbDate, type Db } from '../lib/db';
import { recordCaseEvent } from '../lib/case-events';
import type { Actor, TaskStep } from '../domain/tasks';

export interface TaskActivityDeps {
  db: Db;
}

export interface TaskRecord {
  id: string;
  caseNumber: string;
  workflowId: string;
  caseType: string;
  type: string;
  form: string;
  step: TaskStep;
  role: string;
  agencyCode: string;
  dueDate: string;
  dueAt: string;
  /** Counted on the provisional calendar: marked 暂定 and listed for recomputation (provisional_deadline). */
  dueProvisional?: boolean;
  createdAt: string;
}

/** A provisional deadline of a running case, listed for the recomputation when the year's notice is entered. */
function provisionalDeadlineRow(d: {
  workflowId: string;
  name: string;
  caseNumber: string;
  binds: string;
  dueDate: string;
  at: Date;
}) {
  return {
    workflowId: d.workflowId,
    name: d.name,
    caseNumber: d.caseNumber,
    binds: d.binds,
    year: Number(d.dueDate.slice(0, 4)),
    dueDate: dbDate(d.dueDate),
    createdAt: d.at,
  };
}

const auditActor = (a: Actor) => ({ id: a.userId, username: a.username });
type TaskRowRef = { id: string; caseNumber: string };

export function taskActivities(deps: TaskActivityDeps) {
  return { ...taskRecordActivities(deps), ...deadlineActivities(deps) };
}

/** A person's step recorded (Art. 5, 77, 78): opened, assigned, done, overdue, reminded, escalated, extended, cancelled. */
function taskRecordActivities({ db }: TaskActivityDeps) {
  /** A notice to staff; its key makes a retried activity write it once. */
  async function notify(
    tx: Prisma.TransactionClient,
    n: {
      key: string;
      at: Date;
      agencyCode: string;
      role: string | null;
      userId?: string | null;
      kind: string;
      task: TaskRowRef;
      message: string;
    },
  ) {
    await tx.notification.createMany({
      data: [
        {
          eventKey: n.key,
          at: n.at,
          agencyCode: n.agencyCode,
          role: n.role,
          userId: n.userId ?? null,
          kind: n.kind,
          taskId: n.task.id,
          caseNumber: n.task.caseNumber,
          message: n.message,
        },
      ],
      skipDuplicates: true,
    });
  }

  return {
    async recordTaskOpened(t: TaskRecord): Promise<void> {
      const at = new Date(t.createdAt);
      await db.$transaction(async (tx) => {
        const created = await tx.task.createMany({
          data: [
            {
              id: t.id,
              caseNumber: t.caseNumber,
              workflowId: t.workflowId,
              caseType: t.caseType,
              type: t.type,
              form: t.form,
              step: t.step,
              role: t.role,
              agencyCode: t.agencyCode,
              status: 'open',
              dueDate: dbDate(t.dueDate),
              dueAt: new Date(t.dueAt),
              dueProvisional: t.dueProvisional === true,
              createdAt: at,
              updatedAt: at,
            },
          ],
          skipDuplicates: true,
        });
        if (t.dueProvisional) {
          await tx.provisionalDeadline.createMany({
            data: [
              provisionalDeadlineRow({
                ...t,
                name: `task:${t.id}`,
                binds: 'agency',
                at,
              }),
            ],
            skipDuplicates: true,
          });
        }
        if (created.count) {
          await recordCaseEvent(tx, {
            caseNumber: t.caseNumber,
            key: `${t.id}/opened`,
            type: 'task_opened',
            at,
            actor: 'system',
            data: {
              taskId: t.id,
              type: t.type,
              role: t.role,
              dueDate: t.dueDate,
              ...(t.dueProvisional ? { provisional: true } : {}),
            },
          });
        }
      });
    },

    /** Claim, release or reassign (assignee null = back to the agency's queue). */
    async recordTaskAssigned(input: {
      taskId: string;
      assignee: { userId: string; username: string } | null;
      actor: Actor;
      action: 'task_claimed' | 'task_released' | 'task_reassigned';
      reason?: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const before = await tx.task.findUniqueOrThrow({ where: { id: input.taskId } });
        await tx.task.update({
          where: { id: input.taskId },
          data: {
            assigneeId: input.assignee?.userId ?? null,
            assigneeName: input.assignee?.username ?? null,
            updatedAt: at,
          },
        });
        await audit(tx, {
          actor: auditActor(input.actor),
          action: input.action,
          entity: 'task',
          entityId: input.taskId,
          caseNumber: before.caseNumber,
          before: { assignee: before.assigneeName },
          after: { assignee: input.assignee?.username ?? null },
          ...(input.reason ? { reason: input.reason } : {}),
          at,
        });
      });
    },

    async recordTaskCompleted(input: { taskId: string; actor: Actor; decision: unknown; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const task = await tx.task.findUniqueOrThrow({ where: { id: input.taskId } });
        if (task.status === 'completed') return; // a retried activity
        await tx.task.update({
          where: { id: input.taskId },
          data: {
            status: 'completed',
            completedAt: at,
            completedById: input.actor.userId,
            completedByName: input.actor.username,
            decision: asJson(input.decision),
            updatedAt: at,
          },
        });
        await audit(tx, {
          actor: auditActor(input.actor),
          action: 'task_completed',
          entity: 'task',
          entityId: input.taskId,
          caseNumber: task.caseNumber,
          after: { type: task.type, step: task.step, decision: input.decision },
          at,
        });
        await recordCaseEvent(tx, {
          caseNumber: task.caseNumber,
          key: `${input.taskId}/completed`,
          type: 'task_completed',
          at,
          actor: input.actor.username,
          data: { taskId: input.taskId, type: task.type, step: task.step, decision: input.decision },
        });
      });
    },

    /** Art. 78: the due time passed; the agency's supervisors are told. */
    async recordTaskOverdue(input: { taskId: string; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const task = await tx.task.findUniqueOrThrow({ where: { id: input.taskId } });
        await tx.task.update({
          where: { id: input.taskId },
          data: { overdueSince: task.overdueSince ?? at, updatedAt: at },
        });
        await notify(tx, {
          key: `${input.taskId}/overdue/${task.extensions}`,
          at,
          agencyCode: task.agencyCode,
          role: 'supervisor',
          kind: 'task_overdue',
          task,
          message: `任务逾期: ${task.caseNumber} ${task.type} 应于 ${task.dueDate.toISOString().slice(0, 10)} 办结`,
        });
        await recordCaseEvent(tx, {
          caseNumber: task.caseNumber,
          key: `${input.taskId}/overdue/${task.extensions}`,
          type: 'task_overdue',
          at,
          actor: 'system',
          data: { taskId: task.id, type: task.type },
        });
      });
    },

    /** A reminder on the workday cadence while the task stays overdue: to the assignee, else the role's queue. */
    async recordTaskReminder(input: { taskId: string; n: number; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const task = await tx.task.findUniqueOrThrow({ where: { id: input.taskId } });
        await tx.task.update({
          where: { id: input.taskId },
          data: { reminders: Math.max(task.reminders, input.n), updatedAt: at },
        });
        await notify(tx, {
          key: `${input.taskId}/reminder/${task.extensions}/${input.n}`,
          at,
          agencyCode: task.escalatedTo ?? task.agencyCode,
          role: task.assigneeId ? null : task.role,
          userId: task.assigneeId,
          kind: 'task_reminder',
          task,
          message: `逾期提醒 (第 ${input.n} 次): ${task.caseNumber} ${task.type}`,
        });
      });
    },

    /** Art. 5, 76: moved up a level (city → province) after a further period; the higher agency's supervisors see it. */
    async recordTaskEscalated(input: { taskId: string; to: string; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const task = await tx.task.update({
          where: { id: input.taskId },
          data: { escalatedTo: input.to, updatedAt: at },
        });
        await notify(tx, {
          key: `${input.taskId}/escalated/${input.to}`,
          at,
          agencyCode: input.to,
          role: 'supervisor',
          kind: 'task_escalated',
          task,
          message: `逾期任务上报: ${task.caseNumber} ${task.type} (${task.agencyCode})`,
        });
        await recordCaseEvent(tx, {
          caseNumber: task.caseNumber,
          key: `${input.taskId}/escalated/${input.to}`,
          type: 'task_escalated',
          at,
          actor: 'system',
          data: { taskId: task.id, to: input.to },
        });
      });
    },

    /** A supervisor extends the deadline (reason required; counted in reports). */
    async recordTaskExtended(input: {
      taskId: string;
      actor: Actor;
      dueDate: string;
      dueAt: string;
      dueProvisional?: boolean;
      reason: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const before = await tx.task.findUniqueOrThrow({ where: { id: input.taskId } });
        if (input.dueProvisional) {
          await tx.provisionalDeadline.upsert({
            where: { workflowId_name: { workflowId: before.workflowId, name: `task:${input.taskId}` } },
            create: provisionalDeadlineRow({
              workflowId: before.workflowId,
              name: `task:${input.taskId}`,
              caseNumber: before.caseNumber,
              binds: 'agency',
              dueDate: input.dueDate,
              at,
            }),
            update: { dueDate: dbDate(input.dueDate), year: Number(input.dueDate.slice(0, 4)), recomputedAt: null },
          });
        }
        await tx.task.update({
          where: { id: input.taskId },
          data: {
            dueDate: dbDate(input.dueDate),
            dueAt: new Date(input.dueAt),
            dueProvisional: input.dueProvisional === true,
            overdueSince: null,
            extensions: { increment: 1 },
            updatedAt: at,
          },
        });
        await audit(tx, {
          actor: auditActor(input.actor),
          action: 'task_extended',
          entity: 'task',
          entityId: input.taskId,
          caseNumber: before.caseNumber,
          before: { dueDate: before.dueDate.toISOString().slice(0, 10) },
          after: { dueDate: input.dueDate },
          reason: input.reason,
          at,
        });
      });
    },

    /** The case ended without its open tasks being done (cancelled, closed). */
    async recordTasksCancelled(input: { caseNumber: string; at: string }): Promise<void> {
      await db.task.updateMany({
        where: { caseNumber: input.caseNumber, status: 'open' },
        data: { status: 'cancelled', updatedAt: new Date(input.at) },
      });
    },
  };
}

/** The time limits of a case counted on a provisional calendar (Art. 94), and their recomputation when it is entered. */
function deadlineActivities({ db }: TaskActivityDeps) {
  return {
    /** A time limit of a case (not a task's) counted on the provisional calendar, listed for its recomputation. */
    async recordProvisionalDeadline(input: {
      caseNumber: string;
      workflowId: string;
      name: string;
      binds: 'agency' | 'person';
      dueDate: string;
      at: string;
    }): Promise<void> {
      await db.provisionalDeadline.createMany({
        data: [provisionalDeadlineRow({ ...input, at: new Date(input.at) })],
        skipDuplicates: true,
      });
    },

    /**
     * A deadline counted again when its year's State Council notice was entered: the task (or, for the materials, the
     * requested materials) carries the new date, the case's timeline and the audit say what changed and why, and the
     * deadline is no longer listed as provisional (unless it still is). Idempotent by case, name and year.
     */
    async recordDeadlineRecomputed(input: {
      caseNumber: string;
      workflowId: string;
      name: string;
      taskId?: string;
      year: number;
      binds: 'agency' | 'person';
      before: string;
      after: string;
      dueAt: string;
      /** For a person's deadline: the date they were told, and the date the entered calendar gives. */
      told?: string;
      computed?: string;
      provisional: boolean;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      const data = {
        name: input.name,
        year: input.year,
        binds: input.binds,
        before: input.before,
        after: input.after,
        ...(input.told ? { told: input.told, computed: input.computed } : {}),
        provisional: input.provisional,
        rule:
          input.binds === 'person'
            ? '当事人已被告知的期限不提前 (a date the person was told is never made earlier)'
            : '经办机构的办理时限按录入的工作日历重新计算',
      };
      await db.$transaction(async (tx) => {
        if (input.taskId) {
          const task = await tx.task.findUniqueOrThrow({ where: { id: input.taskId } });
          await tx.task.update({
            where: { id: input.taskId },
            data: {
              dueDate: dbDate(input.after),
              dueAt: new Date(input.dueAt),
              dueProvisional: input.provisional,
              ...(input.after !== input.before ? { overdueSince: null } : {}),
              updatedAt: at,
            },
          });
          // 复核 (Art. 13): the objection's statutory due date is its review task's.
          await tx.objection.updateMany({
            where: { caseNumber: task.caseNumber, dueDate: dbDate(input.before), status: 'under_review' },
            data: { dueDate: dbDate(input.after), dueProvisional: input.provisional },
          });
        } else if (input.name.startsWith('materials')) {
          await tx.caseMaterial.updateMany({
            where: { caseNumber: input.caseNumber, status: 'requested', dueDate: dbDate(input.before) },
            data: { dueDate: dbDate(input.after) },
          });
        }
        await tx.provisionalDeadline.updateMany({
          where: { workflowId: input.workflowId, name: input.name },
          data: input.provisional
            ? { dueDate: dbDate(input.after), year: Number(input.after.slice(0, 4)), recomputedAt: null }
            : { recomputedAt: at, recomputedDueDate: dbDate(input.after) },
        });
        const key = `${input.caseNumber}/deadline_recomputed/${input.name}/${input.year}`;
        const fresh = await tx.caseEvent.createMany({
          data: [
            {
              caseNumber: input.caseNumber,
              eventKey: key,
              type: 'deadline_recomputed',
              at,
              actor: 'system',
              data: asJson(data),
            },
          ],
          skipDuplicates: true,
        });
        if (fresh.count) {
          await audit(tx, {
            actor: { id: null, username: 'system' },
            action: 'deadline_recomputed',
            entity: input.taskId ? 'task' : 'case',
            entityId: input.taskId ?? input.caseNumber,
            caseNumber: input.caseNumber,
            before: { dueDate: input.before },
            after: { dueDate: input.after, provisional: input.provisional },
            reason: `${input.year}年国务院办公厅节假日安排通知已录入，按工作日历重新计算`,
            at,
          });
        }
      });
    },
  };
}
