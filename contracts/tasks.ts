/**
 * The task board's messages (workflows/tasks.ts answers them in every case workflow; api/tasks and api/supervision send
 * them): a person's step taken, claimed, released, reassigned or extended (Art. 5, 77, 78), and what a task looks like
 * to the worklist.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Period } from '../domain/calendar';
import type { Actor, TaskStep } from '../domain/tasks';
import type { StaffRole } from '../domain/access';

export interface TaskView {
  taskId: string;
  type: string;
  step: TaskStep;
  role: StaffRole;
  agencyCode: string;
  escalatedTo: string | null;
  assignee: string | null;
  dueDate: string;
  dueAt: string;
  /** The due date is counted on the provisional calendar (暂定). */
  dueProvisional: boolean;
  overdue: boolean;
  reminders: number;
}

export interface TaskActionInput {
  taskId: string;
  actor: Actor;
}

/** Why a task action was refused: `code` for programs, the message for people, `fields` for a form. */
export interface TaskRefusalDetails {
  code:
    | 'task_not_open'
    | 'missing_role'
    | 'outside_scope'
    | 'separation_of_duties'
    | 'assigned_to_other'
    | 'not_assignee'
    | 'invalid_form'
    | 'calendar_not_covered';
  fields?: { path: string; message: string }[];
}

export const completeTask = defineUpdate<
  { taskId: string; completedAt: string },
  [TaskActionInput & { form: unknown }]
>('completeTask');
export const claimTask = defineUpdate<TaskView, [TaskActionInput]>('claimTask');
export const releaseTask = defineUpdate<TaskView, [TaskActionInput]>('releaseTask');
export const reassignTask = defineUpdate<TaskView, [TaskActionInput & { assignee: Actor; reason: string }]>(
  'reassignTask',
);
export const extendTask = defineUpdate<TaskView, [TaskActionInput & { period: Period; reason: string }]>('extendTask');
export const openTasks = defineQuery<TaskView[]>('openTasks');
/** Sent by the calendar-year workflow when a year's notice is entered: recompute the provisional deadlines. */
export const recomputeDeadlines = defineSignal<[{ year: number }]>('recomputeDeadlines');
