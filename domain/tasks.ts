/**
 * Rules of the human-task primitive (Art. 5, 11, 28, 65, 77): who may do a task, and which steps of one case a person
 * may not combine (岗位不相容). Pure and deterministic: the workflows' Update validators call these before anything is
 * written to history, and the API uses the same rules to decide what a clerk sees.
 */
import { agencyCovers, type StaffRole } from './access';

/** A step of a case's decision chain. A person who did one may not do an incompatible one of the same case. */
export type TaskStep = 'accept' | 'review' | 'second_review' | 'approve' | 'verify' | 'decide';

/**
 * 岗位不相容: the one who accepted may not review; the reviewer may not second-review or approve; the second reviewer
 * may not approve (受理审核分离 Art. 4; 初审、复核、审批三级 Art. 28, 65; 落实岗位不相容原则 Art. 5, 77).
 */
export const INCOMPATIBLE_STEPS: Record<TaskStep, readonly TaskStep[]> = {
  accept: [],
  review: ['accept'],
  second_review: ['accept', 'review'],
  approve: ['accept', 'review', 'second_review'],
  verify: [],
  decide: ['verify'],
};

export interface Actor {
  userId: string;
  username: string;
  roles: readonly string[];
  agencyCode: string;
}

export interface TaskAccess {
  step: TaskStep;
  role: StaffRole;
  /** The agency whose clerks see the task; after escalation also the higher agency. */
  agencyCode: string;
  escalatedTo: string | null;
  assigneeId: string | null;
}

export type Refusal = { code: TaskRefusalCode; message: string };
export type TaskRefusalCode = 'missing_role' | 'outside_scope' | 'separation_of_duties' | 'assigned_to_other';

/** Whether the actor's agency covers the task (its own agency, or the one it was escalated to). */
export function inTaskScope(
  task: Pick<TaskAccess, 'agencyCode' | 'escalatedTo'>,
  actor: Pick<Actor, 'agencyCode'>,
): boolean {
  return (
    agencyCovers(actor.agencyCode, task.agencyCode) ||
    (task.escalatedTo !== null && agencyCovers(actor.agencyCode, task.escalatedTo))
  );
}

/**
 * Why `actor` may not do `task`, or null when they may. `stepsDone` maps each step of this case already done to the
 * user IDs who did it.
 */
export function refusalToAct(
  task: TaskAccess,
  actor: Actor,
  stepsDone: Readonly<Partial<Record<TaskStep, readonly string[]>>>,
  opts: { ignoreAssignment?: boolean } = {},
): Refusal | null {
  if (!actor.roles.includes(task.role)) {
    return { code: 'missing_role', message: `this task needs the role ${task.role}` };
  }
  if (!inTaskScope(task, actor)) {
    return {
      code: 'outside_scope',
      message: `the task belongs to agency ${task.agencyCode}, outside your agency's scope`,
    };
  }
  for (const earlier of INCOMPATIBLE_STEPS[task.step]) {
    if (stepsDone[earlier]?.includes(actor.userId)) {
      return {
        code: 'separation_of_duties',
        message: `you did the ${earlier} step of this case, which may not be combined with ${task.step} (岗位不相容, Art. 5, 77)`,
      };
    }
  }
  if (!opts.ignoreAssignment && task.assigneeId !== null && task.assigneeId !== actor.userId) {
    return { code: 'assigned_to_other', message: 'the task is assigned to another clerk' };
  }
  return null;
}

/** A supervisor of an agency that covers the task (Art. 76, 78: reassign, extend). */
export function refusalToSupervise(task: Pick<TaskAccess, 'agencyCode' | 'escalatedTo'>, actor: Actor): Refusal | null {
  if (!actor.roles.includes('supervisor')) return { code: 'missing_role', message: 'this needs the role supervisor' };
  if (!inTaskScope(task, actor)) {
    return {
      code: 'outside_scope',
      message: `the task belongs to agency ${task.agencyCode}, outside your agency's scope`,
    };
  }
  return null;
}
