/**
 * Failing activities, projected for the supervisors' stuck view (Art. 78 监控; issue 11, measure 5). Every activity is
 * wrapped: a failure that Temporal will retry upserts its row in `activity_problem` (workflow, activity, attempt, the
 * failure's message), and a later success clears it. The stuck view then describes only the workflows named there,
 * instead of every running workflow. Best effort: with PostgreSQL itself away the row is not written, and the failure
 * is retried and reported as before.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../lib/db';

/** Digits long enough to be an ID, bank account or phone number never reach the table. */
const maskNumbers = (s: string) => s.replace(/\d{11,}[\dXx]?/g, (m) => `${m.slice(0, 3)}…`);

function currentInfo(): { workflowId: string; activityId: string; activityType: string; attempt: number } | null {
  try {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    return workflowId
      ? { workflowId, activityId: info.activityId, activityType: info.activityType, attempt: info.attempt }
      : null;
  } catch {
    return null; // called outside a worker (a unit test calling the function directly)
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyActivity = (...args: any[]) => Promise<unknown>;

export function recordingProblems<T extends Record<string, AnyActivity>>(db: Db, activities: T): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      const info = currentInfo();
      try {
        const result = await fn(...args);
        if (info && info.attempt > 1) {
          await db.activityProblem
            .deleteMany({ where: { workflowId: info.workflowId, activityId: info.activityId } })
            .catch(() => undefined);
        }
        return result;
      } catch (err) {
        const final = err instanceof ApplicationFailure && err.nonRetryable;
        if (info && !final) {
          const at = new Date();
          const lastFailure = maskNumbers(err instanceof Error ? err.message : String(err)).slice(0, 500);
          const key = { workflowId: info.workflowId, activityId: info.activityId };
          await db.activityProblem
            .upsert({
              where: { workflowId_activityId: key },
              create: {
                ...key,
                activityType: info.activityType,
                attempt: info.attempt,
                lastFailure,
                firstFailedAt: at,
                lastFailedAt: at,
              },
              update: { activityType: info.activityType, attempt: info.attempt, lastFailure, lastFailedAt: at },
            })
            .catch(() => undefined);
        }
        throw err;
      }
    };
  }
  return wrapped as T;
}
