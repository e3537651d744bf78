/**
 * The one way the API sends a command to a running case (an Update or a Signal to its workflow) and answers what came
 * back: the result; a refusal by the case as the 4xx of its row in contracts/refusals.ts (stable `code`, Chinese
 * `message`, the field it names); a case not running as 409 `not_running`; Temporal out of reach or the case not
 * answering in time as 503 with Retry-After (api/errors.ts dependencyOutage).
 *
 * A retried request gets the same answer: a command sent with `sameRequest` (a task action, a request carrying an
 * Idempotency-Key) has an Update ID derived from it, and Temporal applies an Update ID once and answers its retries
 * with the first outcome; a refusal leaves no trace in the case, so the same command is refused the same way.
 */
import { createHash } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type SignalDefinition, type UpdateDefinition } from '@temporalio/common';
import { refusalRule } from '../contracts/refusals';
import { ApiError, dependencyOutage, type FieldError } from './errors';

/** A command the case accepted (it is in its history and will be applied once) but had not finished in the wait. */
export const PENDING = Symbol('pending');

const CHINESE = /[\u4e00-\u9fff]/;

/** The case's refusal of a command as its HTTP answer; undefined for anything else. */
export function refusalOf(err: unknown): ApiError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const failure = err.cause;
  const details = failure.type === 'TaskRefused' ? (failure.details?.[0] as TaskRefusal | undefined) : undefined;
  const type = failure.type === 'TaskRefused' ? (details?.code ?? 'task_not_open') : (failure.type ?? 'refused');
  const rule = refusalRule(type) ?? { status: 409 as const, code: 'refused', message: '案件未接受此操作' };
  // A refusal written in Chinese at the rule it names (a task's, domain/tasks.ts) says more than the table.
  const message = CHINESE.test(failure.message) ? failure.message : rule.message;
  const fields: FieldError[] = details?.fields ?? (rule.field ? [{ path: rule.field, message }] : []);
  return new ApiError(rule.status, rule.status === 400 ? 'validation_failed' : rule.code, message, fields);
}

interface TaskRefusal {
  code: string;
  fields?: FieldError[];
}

/** What a failed command is answered with: the refusal, 409 not running, 503 out of reach; else the error itself. */
export function commandFailure(err: unknown): unknown {
  const refused = refusalOf(err);
  if (refused) return refused;
  if ((err as { name?: string }).name === 'WorkflowNotFoundError')
    return new ApiError(409, 'not_running', '案件不在此办理环节');
  return dependencyOutage(err) ?? err;
}

/** The Update ID of a command: the same request (the same key for the same case and command) gets the same ID. */
export function sameRequestUpdateId(command: string, workflowId: string, key: unknown): string {
  const digest = createHash('sha256')
    .update(`${workflowId}\n${JSON.stringify(key)}`)
    .digest('hex');
  return `${command}-${digest.slice(0, 32)}`;
}

export interface CommandOptions {
  /** What makes a retry the same request (a task and its action, an Idempotency-Key); see the module comment. */
  sameRequest?: unknown;
}

export interface CaseCommands {
  /** The command's result, or throws its HTTP answer (see commandFailure). */
  update<R, A>(workflowId: string, def: UpdateDefinition<R, [A]>, arg: A, options?: CommandOptions): Promise<R>;
  /**
   * The command answered within `waitMs`: refused or out of reach as above (nothing was taken); accepted but not
   * finished in time (the case applies it once a dependency is back): PENDING, which the route answers 202.
   */
  updateWithin<R, A>(
    workflowId: string,
    def: UpdateDefinition<R, [A]>,
    arg: A,
    waitMs: number,
    options?: CommandOptions,
  ): Promise<R | typeof PENDING>;
  signal<A>(workflowId: string, def: SignalDefinition<[A]>, arg: A): Promise<void>;
}

export function caseCommands(temporal: Client): CaseCommands {
  const handle = (workflowId: string): WorkflowHandle => temporal.workflow.getHandle(workflowId);
  const updateIdOf = (name: string, workflowId: string, o?: CommandOptions) =>
    o?.sameRequest === undefined ? {} : { updateId: sameRequestUpdateId(name, workflowId, o.sameRequest) };
  return {
    async update(workflowId, def, arg, options) {
      try {
        return await handle(workflowId).executeUpdate(def, {
          args: [arg],
          ...updateIdOf(def.name, workflowId, options),
        });
      } catch (err) {
        throw commandFailure(err);
      }
    },
    async updateWithin(workflowId, def, arg, waitMs, options) {
      const deadline = Date.now() + waitMs;
      const { connection } = temporal;
      let accepted;
      try {
        accepted = await connection.withDeadline(deadline, () =>
          handle(workflowId).startUpdate(def, {
            args: [arg],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
            ...updateIdOf(def.name, workflowId, options),
          }),
        );
      } catch (err) {
        throw commandFailure(err);
      }
      try {
        return await connection.withDeadline(deadline, () => accepted.result());
      } catch (err) {
        const refused = refusalOf(err);
        if (refused) throw refused;
        if (err instanceof WorkflowUpdateFailedError) throw err;
        return PENDING;
      }
    },
    async signal(workflowId, def, arg) {
      try {
        await handle(workflowId).signal(def, arg);
      } catch (err) {
        throw commandFailure(err);
      }
    },
  };
}
