/**
 * The human-task primitive, used by every case type: a step a person must do, with the role that may do it, the agency
 * whose clerks see it, a due time on the working-day calendar (computed by an activity, so recorded in history), an
 * escalation policy and the decision form.
 *
 * The workflow records the task in PostgreSQL and waits for the `completeTask` Update. Its validator refuses, before
 * anything is written to history: a user without the role or outside the agency's scope, a user who did an
 * incompatible step of the same case (岗位不相容, Art. 5, 28, 65, 77), a form that does not match its schema, a task
 * already done. When the due time passes the task is overdue: the agency's supervisors are notified, reminders follow
 * on a workday cadence, and after a further period the task moves up to the provincial agency (Art. 11, 76, 78).
 * Supervisors reassign and extend (reason required); clerks claim and release.
 *
 * Deadlines on the provisional calendar (a year whose State Council notice is not entered yet: lib/calendar-store.ts)
 * are tracked: the task's due time and the case's other time limits (`waitWithDeadline`, e.g. materials due). When the
 * notice is entered, the calendar-year workflow signals `recomputeDeadlines` and the board computes them again: a
 * deadline that binds the agency (a task's due time) moves either way; one that binds a person (a date they were told)
 * never becomes earlier than the date they were told. Each change goes on the case's timeline and into the audit.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { RETRY } from './activity-options';
import { FORM_SCHEMAS, type FormName, type FormOf } from '../domain/forms';
import type { Period } from '../domain/calendar';
import { refusalToAct, refusalToSupervise, type Actor, type TaskStep } from '../domain/tasks';
import type { StaffRole } from '../domain/access';
import { NEXT_DEADLINE } from '../contracts/search-attributes';
import { CASE_REFUSALS } from '../contracts/refusals';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A deadline in a calendar year nobody entered yet keeps retrying (slowly) until an administrator adds the year.
  retry: RETRY,
});

export interface EscalationPolicy {
  /** Deadline key (policy/deadline.json) of the reminder cadence while overdue. */
  reminderKey: string;
  /** Deadline key of the further period after which the task moves up; null: it never moves up. */
  escalateAfterKey: string | null;
  /** Agency it moves up to (the province for a city's task). */
  escalateTo: string | null;
}

export interface TaskSpec<N extends FormName> {
  type: string;
  form: N;
  step: TaskStep;
  role: StaffRole;
  agencyCode: string;
  /** Deadline key in policy/deadline.json, counted from the day the task opens (Asia/Shanghai). */
  dueKey: string;
  /** Default: remind every workday, move up to the province after 5 workdays overdue. */
  escalation?: EscalationPolicy | null;
  /**
   * A rule of this task beyond its form's schema (which corrections fit an objection's subject): the field and the
   * rule it breaks, or null. Checked with the form, before anything reaches history.
   */
  check?: (decision: FormOf<N>) => { path: string; message: string } | null;
  /**
   * For a step done through another route than the task's form (an administrator enters the calendar year): once it
   * returns the person and the decision, the task is recorded as completed by them.
   */
  doneElsewhere?: () => { by: Actor; decision: FormOf<N> } | undefined;
}

export interface TaskOutcome<F> {
  taskId: string;
  decision: F;
  by: Actor;
  at: string;
}

import {
  claimTask,
  completeTask,
  extendTask,
  openTasks,
  reassignTask,
  recomputeDeadlines,
  releaseTask,
  type TaskRefusalDetails,
  type TaskView,
} from '../contracts/tasks';

/** The contract this workflow answers (see the module it comes from). */
export * from '../contracts/tasks';

/** Who a deadline binds: a person's told date never moves earlier; the agency's moves either way. */
export type DeadlineBinds = 'agency' | 'person';

/** A deadline as computed by the calendar activities (computeDeadline). */
export interface ComputedDeadline {
  key: string;
  start: string;
  dueDate: string;
  dueInstant: string;
  /** Absent in histories recorded before the provisional calendar. */
  provisional?: boolean;
}

export function refuse(message: string, details: TaskRefusalDetails): never {
  throw ApplicationFailure.create({ type: 'TaskRefused', message, details: [details], nonRetryable: true });
}

export { shanghaiDate };

interface TaskState {
  view: TaskView;
  form: FormName;
  assigneeId: string | null;
  status: 'open' | 'completing' | 'completed';
  dueMs: number;
  /** Set by supervisors' actions so the waiting loop re-plans its timers. */
  changed: boolean;
  outcome?: TaskOutcome<unknown>;
  check?: (decision: never) => { path: string; message: string } | null;
  /** How the due date was counted, to count it again on a newly entered calendar year. */
  basis: { key: string; start: string; extensions: Period[] };
}

interface WaitState {
  deadline: ComputedDeadline;
  binds: DeadlineBinds;
  /** The date the person was told (the first one computed). */
  told: { dueDate: string; dueInstant: string };
  moved: boolean;
}

/** Province of a division code: 210100 → 210000. */
const provinceOf = (code: string) => `${code.slice(0, 2)}0000`;

/** What the task board of one case keeps (its handlers and its procedure share it). */
interface BoardState {
  ctx: { caseNumber: string; workflowId: string; caseType: string };
  tasks: Map<string, TaskState>;
  stepsDone: Partial<Record<TaskStep, string[]>>;
  /** Other time limits the case waits on (materials due, ...), by name. */
  waits: Map<string, number>;
  /** The time limits waited on through waitWithDeadline, by name. */
  tracked: Map<string, WaitState>;
  /** The NextDeadline shown on the search attribute. */
  shownDeadline: number | null;
}

/** The NextDeadline search attribute: the earliest due time of an open task or a wait, unset when none. */
function refreshDeadline(b: BoardState) {
  const { tasks, waits } = b;
  const due = [...[...tasks.values()].filter((t) => t.status !== 'completed').map((t) => t.dueMs), ...waits.values()];
  const next = due.length ? Math.min(...due) : null;
  if (next === b.shownDeadline) return;
  b.shownDeadline = next;
  upsertSearchAttributes([{ key: NEXT_DEADLINE, value: next === null ? null : new Date(next) }]);
}

function openTask(b: BoardState, taskId: string): TaskState {
  const { tasks } = b;
  const t = tasks.get(taskId);
  if (!t || t.status !== 'open') refuse('此任务已办结或不属于本案，不能再办理', { code: 'task_not_open' });
  return t;
}
const access = (t: TaskState) => ({
  step: t.view.step,
  role: t.view.role,
  agencyCode: t.view.agencyCode,
  escalatedTo: t.view.escalatedTo,
  assigneeId: t.assigneeId,
});

function mayAct(b: BoardState, t: TaskState, actor: Actor, opts: { ignoreAssignment?: boolean } = {}) {
  const { stepsDone } = b;
  const r = refusalToAct(access(t), actor, stepsDone, opts);
  if (r) refuse(r.message, { code: r.code });
}
function maySupervise(t: TaskState, actor: Actor) {
  const r = refusalToSupervise(access(t), actor);
  if (r) refuse(r.message, { code: r.code });
}
async function assign(
  t: TaskState,
  assignee: Actor | null,
  actor: Actor,
  action: 'task_claimed' | 'task_released' | 'task_reassigned',
  reason?: string,
) {
  t.assigneeId = assignee?.userId ?? null;
  t.view.assignee = assignee?.username ?? null;
  await acts.recordTaskAssigned({
    taskId: t.view.taskId,
    assignee: assignee ? { userId: assignee.userId, username: assignee.username } : null,
    actor,
    action,
    ...(reason ? { reason } : {}),
    at: new Date().toISOString(),
  });
  return { ...t.view };
}

/** The Update and Query handlers of the tasks: claim, release, complete, reassign, extend (Art. 5, 77, 78). */
function acceptTaskCommands(b: BoardState): void {
  const { tasks, stepsDone } = b;
  setHandler(openTasks, () => [...tasks.values()].filter((t) => t.status !== 'completed').map((t) => ({ ...t.view })));

  setHandler(
    completeTask,
    async ({ taskId, actor, form }) => {
      const t = tasks.get(taskId)!;
      t.status = 'completing'; // a second completion arriving now is refused by its validator
      const decision = FORM_SCHEMAS[t.form].parse(form);
      const at = new Date().toISOString();
      try {
        await acts.recordTaskCompleted({ taskId, actor, decision, at });
      } catch (err) {
        t.status = 'open';
        throw err;
      }
      (stepsDone[t.view.step] ??= []).push(actor.userId);
      t.outcome = { taskId, decision, by: actor, at };
      t.status = 'completed';
      return { taskId, completedAt: at };
    },
    {
      validator: ({ taskId, actor, form }) => {
        const t = openTask(b, taskId);
        mayAct(b, t, actor);
        const parsed = FORM_SCHEMAS[t.form].safeParse(form);
        if (!parsed.success) {
          refuse('审批表填写有误，请按提示修改', {
            code: 'invalid_form',
            fields: parsed.error.issues.map((i) => ({ path: ['form', ...i.path].join('.'), message: i.message })),
          });
        }
        const broken = t.check?.(parsed.data as never);
        if (broken) {
          refuse('审批表填写有误，请按提示修改', {
            code: 'invalid_form',
            fields: [{ path: `form.${broken.path}`, message: broken.message }],
          });
        }
      },
    },
  );

  setHandler(claimTask, async ({ taskId, actor }) => assign(tasks.get(taskId)!, actor, actor, 'task_claimed'), {
    validator: ({ taskId, actor }) => mayAct(b, openTask(b, taskId), actor),
  });

  setHandler(releaseTask, async ({ taskId, actor }) => assign(tasks.get(taskId)!, null, actor, 'task_released'), {
    validator: ({ taskId, actor }) => {
      const t = openTask(b, taskId);
      if (t.assigneeId !== actor.userId && refusalToSupervise(access(t), actor)) {
        refuse('只有领取人或业务监督人员可以退回此任务', { code: 'not_assignee' });
      }
    },
  });

  setHandler(
    reassignTask,
    async ({ taskId, actor, assignee, reason }) =>
      assign(tasks.get(taskId)!, assignee, actor, 'task_reassigned', reason),
    {
      validator: ({ taskId, actor, assignee }) => {
        const t = openTask(b, taskId);
        maySupervise(t, actor);
        // The new assignee must be able to do the task themselves.
        mayAct(b, t, assignee, { ignoreAssignment: true });
      },
    },
  );

  setHandler(
    extendTask,
    async ({ taskId, actor, period, reason }) => {
      const t = tasks.get(taskId)!;
      const due = await acts.computeDueDate({ start: t.view.dueDate, period, refuseUncovered: true }).catch((err) => {
        if (
          err instanceof ActivityFailure &&
          (err.cause as ApplicationFailure | undefined)?.type === 'CalendarNotCovered'
        ) {
          refuse(CASE_REFUSALS.calendar_not_covered.message, { code: 'calendar_not_covered' });
        }
        throw err;
      });
      t.basis.extensions.push(period);
      t.view.dueDate = due.dueDate;
      t.view.dueAt = due.dueInstant;
      t.view.dueProvisional = due.provisional === true;
      t.dueMs = Date.parse(due.dueInstant);
      t.view.overdue = false;
      t.changed = true;
      refreshDeadline(b);
      await acts.recordTaskExtended({
        taskId,
        actor,
        dueDate: due.dueDate,
        dueAt: due.dueInstant,
        ...(due.provisional ? { dueProvisional: true } : {}),
        reason,
        at: new Date().toISOString(),
      });
      return { ...t.view };
    },
    { validator: ({ taskId, actor }) => maySupervise(openTask(b, taskId), actor) },
  );
}

/** Art. 94: the deadlines counted on a provisional calendar, counted again once the year's notice is entered. */
function acceptDeadlineRecomputation(b: BoardState): void {
  const { ctx, tasks, waits, tracked } = b;
  /** A task's due date counted again (its deadline, then each extension) on the calendar in force now. */
  async function recomputeTask(t: TaskState, year: number) {
    let due: { dueDate: string; dueInstant: string; provisional?: boolean } = await acts.computeDeadline({
      key: t.basis.key,
      start: t.basis.start,
      fresh: true,
    });
    for (const period of t.basis.extensions) due = await acts.computeDueDate({ start: due.dueDate, period });
    if (t.status !== 'open') return;
    const before = t.view.dueDate;
    const moved = due.dueDate !== before;
    t.view.dueDate = due.dueDate;
    t.view.dueAt = due.dueInstant;
    t.view.dueProvisional = due.provisional === true;
    t.dueMs = Date.parse(due.dueInstant);
    if (moved) {
      // Re-planned like an extension: overdue again at once if the new due time has passed.
      t.view.overdue = false;
      t.changed = true;
    }
    refreshDeadline(b);
    await acts.recordDeadlineRecomputed({
      caseNumber: ctx.caseNumber,
      workflowId: ctx.workflowId,
      name: `task:${t.view.taskId}`,
      taskId: t.view.taskId,
      year,
      binds: 'agency',
      before,
      after: due.dueDate,
      dueAt: due.dueInstant,
      provisional: due.provisional === true,
      at: new Date().toISOString(),
    });
  }

  /** A waited-on time limit counted again; a person's is never made earlier than the date they were told. */
  async function recomputeWait(name: string, w: WaitState, year: number) {
    const d = await acts.computeDeadline({ key: w.deadline.key, start: w.deadline.start, fresh: true });
    const keepTold = w.binds === 'person' && d.dueDate < w.told.dueDate;
    const next = keepTold ? { ...w.told, provisional: false } : d;
    if (tracked.get(name) !== w) return; // the wait ended meanwhile
    const before = w.deadline.dueDate;
    w.deadline = { ...w.deadline, dueDate: next.dueDate, dueInstant: next.dueInstant, provisional: next.provisional };
    if (next.dueDate !== before) {
      w.moved = true;
      waits.set(name, Date.parse(next.dueInstant));
      refreshDeadline(b);
    }
    await acts.recordDeadlineRecomputed({
      caseNumber: ctx.caseNumber,
      workflowId: ctx.workflowId,
      name,
      year,
      binds: w.binds,
      before,
      after: next.dueDate,
      dueAt: next.dueInstant,
      told: w.told.dueDate,
      computed: d.dueDate,
      provisional: next.provisional === true,
      at: new Date().toISOString(),
    });
  }

  setHandler(recomputeDeadlines, async ({ year }) => {
    for (const t of [...tasks.values()]) {
      if (t.status === 'open' && t.view.dueProvisional) await recomputeTask(t, year);
    }
    for (const [name, w] of [...tracked.entries()]) {
      if (w.deadline.provisional) await recomputeWait(name, w, year);
    }
  });
}

/** The human-task primitive of a board (see createTaskBoard). */
function humanTaskOn(b: BoardState) {
  const { ctx, tasks } = b;
  /** Opens a task and waits until a permitted person completes it; escalates while it is overdue. */
  async function humanTask<N extends FormName>(spec: TaskSpec<N>): Promise<TaskOutcome<FormOf<N>>> {
    const taskId = uuid4();
    const createdMs = Date.now();
    const deadline = await acts.computeDeadline({ key: spec.dueKey, start: shanghaiDate(createdMs) });
    const escalation: EscalationPolicy | null =
      spec.escalation === undefined
        ? {
            reminderKey: 'task.reminderInterval',
            escalateAfterKey: 'task.escalateAfter',
            escalateTo: provinceOf(spec.agencyCode) === spec.agencyCode ? null : provinceOf(spec.agencyCode),
          }
        : spec.escalation;
    const t: TaskState = {
      view: {
        taskId,
        type: spec.type,
        step: spec.step,
        role: spec.role,
        agencyCode: spec.agencyCode,
        escalatedTo: null,
        assignee: null,
        dueDate: deadline.dueDate,
        dueAt: deadline.dueInstant,
        dueProvisional: deadline.provisional === true,
        overdue: false,
        reminders: 0,
      },
      form: spec.form,
      assigneeId: null,
      status: 'open',
      dueMs: Date.parse(deadline.dueInstant),
      changed: false,
      basis: { key: spec.dueKey, start: shanghaiDate(createdMs), extensions: [] },
      ...(spec.check ? { check: spec.check as (decision: never) => { path: string; message: string } | null } : {}),
    };
    tasks.set(taskId, t);
    refreshDeadline(b);
    await acts.recordTaskOpened({
      id: taskId,
      caseNumber: ctx.caseNumber,
      workflowId: ctx.workflowId,
      caseType: ctx.caseType,
      type: spec.type,
      form: spec.form,
      step: spec.step,
      role: spec.role,
      agencyCode: spec.agencyCode,
      dueDate: deadline.dueDate,
      dueAt: deadline.dueInstant,
      ...(deadline.provisional ? { dueProvisional: true } : {}),
      createdAt: new Date(createdMs).toISOString(),
    });

    let reminderMs: number | null = null;
    let escalateMs: number | null = null;
    const due = (key: string, start: string) => acts.computeDeadline({ key, start });
    for (;;) {
      const wakeMs = !t.view.overdue ? t.dueMs : Math.min(reminderMs ?? Infinity, escalateMs ?? Infinity);
      t.changed = false;
      const elsewhere = () => (t.status === 'open' && spec.doneElsewhere ? spec.doneElsewhere() : undefined);
      const settled = () => t.status === 'completed' || t.changed || elsewhere() !== undefined;
      if (wakeMs === Infinity) await condition(settled);
      else await condition(settled, Math.max(0, wakeMs - Date.now()));
      if (t.status === 'completed') break;
      const done = elsewhere();
      if (done) {
        const at = new Date().toISOString();
        t.status = 'completing';
        await acts.recordTaskCompleted({ taskId, actor: done.by, decision: done.decision, at });
        t.outcome = { taskId, decision: done.decision, by: done.by, at };
        t.status = 'completed';
        break;
      }
      if (t.changed) {
        // Extended: plan afresh from the new due time.
        reminderMs = escalateMs = null;
        continue;
      }
      const now = Date.now();
      if (t.status === 'completing') {
        await condition(() => t.status !== 'completing');
        continue;
      }
      if (!t.view.overdue && now >= t.dueMs) {
        // Art. 78: overdue; the agency's supervisors are told.
        t.view.overdue = true;
        await acts.recordTaskOverdue({ taskId, at: new Date(now).toISOString() });
        if (escalation) {
          reminderMs = Date.parse((await due(escalation.reminderKey, t.view.dueDate)).dueInstant);
          if (escalation.escalateAfterKey && escalation.escalateTo && t.view.escalatedTo === null) {
            escalateMs = Date.parse((await due(escalation.escalateAfterKey, t.view.dueDate)).dueInstant);
          }
        }
        continue;
      }
      if (escalateMs !== null && now >= escalateMs && escalation?.escalateTo) {
        // Art. 5, 76: moved up to the higher agency, whose supervisors now see it.
        t.view.escalatedTo = escalation.escalateTo;
        escalateMs = null;
        await acts.recordTaskEscalated({ taskId, to: escalation.escalateTo, at: new Date(now).toISOString() });
      }
      if (reminderMs !== null && now >= reminderMs && escalation) {
        t.view.reminders += 1;
        await acts.recordTaskReminder({ taskId, n: t.view.reminders, at: new Date(now).toISOString() });
        reminderMs = Date.parse((await due(escalation.reminderKey, shanghaiDate(reminderMs - 1))).dueInstant);
      }
    }
    refreshDeadline(b);
    return t.outcome as TaskOutcome<FormOf<N>>;
  }
  return humanTask;
}

/**
 * The tasks of one case. Create it once at the top of the workflow: it installs the Update and Query handlers.
 */
export function createTaskBoard(ctx: { caseNumber: string; workflowId: string; caseType: string }) {
  const b: BoardState = {
    ctx,
    tasks: new Map(),
    stepsDone: {},
    waits: new Map(),
    tracked: new Map(),
    shownDeadline: null,
  };
  const { tasks, stepsDone, waits, tracked } = b;
  acceptTaskCommands(b);
  acceptDeadlineRecomputation(b);
  const humanTask = humanTaskOn(b);

  return {
    humanTask,
    /** User IDs who did each step so far (for rules that look at the case's history). */
    stepsDone: () => ({ ...stepsDone }),
    /**
     * A step done outside a task (a proposal filed through the API): the person who did it may not do an incompatible
     * step of this case (岗位不相容, Art. 5, 77).
     */
    recordStep(step: TaskStep, userId: string) {
      (stepsDone[step] ??= []).push(userId);
    },
    /** A time limit other than a task's (materials due, a notice period): shown in NextDeadline; null clears it. */
    setDeadline(name: string, at: number | null) {
      if (at === null) waits.delete(name);
      else waits.set(name, at);
      refreshDeadline(b);
    },
    /**
     * Waits until `done()` holds or the deadline passes (true: done). The deadline is shown in NextDeadline; one on
     * the provisional calendar is recomputed when the year's notice is entered (`binds: 'person'`: never earlier than
     * the date first computed, which is the date the person is told).
     */
    async waitWithDeadline(
      name: string,
      deadline: ComputedDeadline,
      binds: DeadlineBinds,
      done: () => boolean,
    ): Promise<boolean> {
      const w: WaitState = {
        deadline,
        binds,
        told: { dueDate: deadline.dueDate, dueInstant: deadline.dueInstant },
        moved: false,
      };
      tracked.set(name, w);
      waits.set(name, Date.parse(deadline.dueInstant));
      refreshDeadline(b);
      if (deadline.provisional) {
        await acts.recordProvisionalDeadline({
          caseNumber: ctx.caseNumber,
          workflowId: ctx.workflowId,
          name,
          binds,
          dueDate: deadline.dueDate,
          at: new Date().toISOString(),
        });
      }
      let ok: boolean;
      for (;;) {
        w.moved = false;
        ok = await condition(() => done() || w.moved, Math.max(0, Date.parse(w.deadline.dueInstant) - Date.now()));
        if (ok && !done()) continue; // moved: wait for the new due time
        break;
      }
      tracked.delete(name);
      waits.delete(name);
      refreshDeadline(b);
      return ok;
    },
    /** For a cancelled case: the open tasks end with it. */
    async cancelOpen(): Promise<void> {
      if ([...tasks.values()].some((t) => t.status !== 'completed')) {
        await acts.recordTasksCancelled({ caseNumber: ctx.caseNumber, at: new Date().toISOString() });
      }
      // Nothing falls due on a cancelled case.
      waits.clear();
      if (b.shownDeadline !== null) upsertSearchAttributes([{ key: NEXT_DEADLINE, value: null }]);
      b.shownDeadline = null;
    },
  };
}

export type TaskBoard = ReturnType<typeof createTaskBoard>;

/** One level of a case decided on levels (Art. 28, 65): its task, with the approval form. */
export type DecisionLevel = Omit<TaskSpec<'approval'>, 'form'>;

export type LevelsOutcome =
  { decision: 'approve'; by: Actor } | { decision: 'reject'; step: TaskStep; reasons: string[]; by: Actor };

/**
 * 初审、复核、审批 (Art. 28, 65): the levels of one case decided in turn, each a task of this primitive, which refuses a
 * person who did an incompatible earlier step of the case (岗位不相容, domain/tasks.ts INCOMPATIBLE_STEPS): three
 * levels are three people. Stops at the first level that rejects; `passed` records each level that approved before
 * the next opens. The one way a case goes through levels (the record correction, the objection's confirmation).
 */
export async function throughLevels(
  board: Pick<TaskBoard, 'humanTask'>,
  levels: readonly DecisionLevel[],
  passed?: (level: DecisionLevel, by: Actor, index: number) => Promise<void>,
): Promise<LevelsOutcome> {
  let by: Actor | undefined;
  for (const [i, level] of levels.entries()) {
    const r = await board.humanTask({ ...level, form: 'approval' });
    by = r.by;
    if (r.decision.decision === 'reject')
      return { decision: 'reject', step: level.step, reasons: r.decision.reasons, by };
    await passed?.(level, r.by, i);
  }
  if (!by) throw new Error('throughLevels needs at least one level');
  return { decision: 'approve', by };
}
