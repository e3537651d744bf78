/**
 * Rules of the human-task primitive (Art. 5, 11, 28, 65, 77): who may do a task, and which steps of one case a person
 * may not combine (岗位不相容). Pure and deterministic: the workflows' Update validators call these before anything is
 * written to history, and the API uses the same rules to decide what a clerk sees.
 */
import { agencyCovers, ROLE_NAMES, type StaffRole } from './access';

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

/** A revocation's proposal is its review step: the proposer may not approve it (Art. 5, 77; workflows and worklist). */
export const REVOCATION_PROPOSAL_STEP: TaskStep = 'review';

/** The steps as the 规程 names them (Art. 11, 28, 65), for messages people read. */
export const STEP_NAMES: Record<TaskStep, string> = {
  accept: '受理',
  review: '审核（初审）',
  second_review: '复核',
  approve: '审批',
  verify: '核查',
  decide: '决定',
};

/** Every (task step, earlier step) pair one person may not combine on one case: INCOMPATIBLE_STEPS as a list. */
export const INCOMPATIBLE_PAIRS: readonly (readonly [TaskStep, TaskStep])[] = Object.entries(
  INCOMPATIBLE_STEPS,
).flatMap(([step, earlier]) => earlier.map((e) => [step as TaskStep, e] as const));

/** Why a person who did `earlier` of a case may not do `step` of it (岗位不相容, Art. 5, 77). */
export function separationOfDutiesMessage(step: TaskStep, earlier: TaskStep): string {
  return `您已办理本案的${STEP_NAMES[earlier]}环节，按岗位不相容原则不得再办理${STEP_NAMES[step]}环节（第五条、第七十七条）`;
}

const missingRole = (role: string): Refusal => ({
  code: 'missing_role',
  message: `此任务须由${ROLE_NAMES[role as StaffRole] ?? role}岗位人员办理，您没有该岗位权限（第七十七条 权限管理）`,
});
const outsideScope = (agencyCode: string): Refusal => ({
  code: 'outside_scope',
  message: `此任务属经办机构${agencyCode}，不在您所在经办机构的管辖范围内（第五条 分级管理）`,
});

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
  if (!actor.roles.includes(task.role)) return missingRole(task.role);
  if (!inTaskScope(task, actor)) return outsideScope(task.agencyCode);
  for (const earlier of INCOMPATIBLE_STEPS[task.step]) {
    if (stepsDone[earlier]?.includes(actor.userId)) {
      return { code: 'separation_of_duties', message: separationOfDutiesMessage(task.step, earlier) };
    }
  }
  if (!opts.ignoreAssignment && task.assigneeId !== null && task.assigneeId !== actor.userId) {
    return { code: 'assigned_to_other', message: '此任务已由其他经办人员领取' };
  }
  return null;
}

/** A supervisor of an agency that covers the task (Art. 76, 78: reassign, extend). */
export function refusalToSupervise(task: Pick<TaskAccess, 'agencyCode' | 'escalatedTo'>, actor: Actor): Refusal | null {
  if (!actor.roles.includes('supervisor')) return missingRole('supervisor');
  if (!inTaskScope(task, actor)) return outsideScope(task.agencyCode);
  return null;
}
