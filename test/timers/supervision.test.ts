/**
 * A supervisor's batch action on the time-skipping test server with real PostgreSQL (issue 9; Art. 76-78): 100 review
 * tasks left until they are overdue (the server's clock moved 10 days on) are selected by a filter, previewed, and
 * reassigned in one request that reports 100 results; each task then shows the new assignee, in the worklist and in
 * its workflow. The open tasks' due buckets show in the SLA figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openTasks } from '../../workflows/tasks';
import { startApi, type RunningApi } from '../support/api';
import { seedFutureCalendarYears } from '../support/calendar';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
let api: RunningApi;
let nowMs = Date.now();
const taskQueue = uniqueTaskQueue('batch');
const handles: { terminate(reason?: string): Promise<unknown> }[] = [];
const N = 100;

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  await seedFutureCalendarYears(tdb);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
  // The API reads "now" from the test server's clock, as a deployed API reads the wall clock.
  api = await startApi({ db: tdb.db, temporal: env.client, taskQueue, now: () => new Date(nowMs) });
});
afterAll(async () => {
  for (const h of handles) await h.terminate('test done').catch(() => undefined);
  await api?.close();
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

describe('batch actions on overdue tasks (Art. 76-78)', () => {
  it('reassigns 100 overdue tasks in one request with 100 results, and each task shows the new assignee', async () => {
    const supervisor = await userWithToken(tdb.db, api.url, {
      username: 'sup.batch',
      agencyCode: '210100',
      roles: ['supervisor'],
    });
    const reviewer = await userWithToken(tdb.db, api.url, {
      username: 'rev.batch',
      agencyCode: '210100',
      roles: ['reviewer'],
    });
    for (let i = 0; i < N; i++) {
      const caseNumber = `SYJ-2026-210100-BATCH${String(i).padStart(5, '0')}`;
      await tdb.sql(
        `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
         VALUES ($1, 'test', 'open', '210100', $1, now(), now())`,
        [caseNumber],
      );
      handles.push(
        await env.client.workflow.start('taskProbe', {
          taskQueue,
          workflowId: caseNumber,
          args: [
            {
              caseNumber,
              steps: [
                {
                  type: 'claim_review',
                  form: 'review',
                  step: 'review',
                  role: 'reviewer',
                  agencyCode: '210100',
                  dueKey: 'task.claimReview',
                },
              ],
            },
          ],
        }),
      );
    }
    await eventually(
      () => tdb.sql("SELECT 1 FROM task WHERE type = 'claim_review' AND status = 'open'"),
      (r) => r.length === N,
      600,
    );
    // Ten days later the 5-workday review is overdue everywhere.
    await env.sleep(10 * 86_400_000);
    nowMs = await env.currentTimeMs();
    await eventually(
      () => tdb.sql("SELECT 1 FROM task WHERE type = 'claim_review' AND overdue_since IS NOT NULL"),
      (r) => r.length === N,
      600,
    );

    const post = (body: unknown) =>
      fetch(`${api.url}/supervision/tasks/batch`, {
        method: 'POST',
        headers: supervisor.headers,
        body: JSON.stringify(body),
      });
    const request = {
      filter: { agencyCode: '210100', type: 'claim_review', overdue: true },
      action: { kind: 'reassign', assigneeId: reviewer.id },
      reason: '原经办人休假，批量转办',
    };
    const preview = await post({ ...request, preview: true });
    expect(await preview.json()).toEqual({ preview: true, matching: N });

    const res = await post({ ...request, limit: 1000 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      matching: number;
      attempted: number;
      succeeded: number;
      failed: number;
      results: { taskId: string; ok: boolean }[];
    };
    expect(body).toMatchObject({ matching: N, attempted: N, succeeded: N, failed: 0 });
    expect(new Set(body.results.map((r) => r.taskId)).size).toBe(N);

    const rows = await tdb.sql<{ assignee_name: string }>(
      "SELECT assignee_name FROM task WHERE type = 'claim_review' AND status = 'open'",
    );
    expect(rows).toHaveLength(N);
    expect(rows.every((r) => r.assignee_name === 'rev.batch')).toBe(true);
    const inWorkflow = await env.client.workflow.getHandle('SYJ-2026-210100-BATCH00042').query(openTasks);
    expect(inWorkflow.map((t) => t.assignee)).toEqual(['rev.batch']);
    const audited = await tdb.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'task_reassigned' AND reason = $1",
      [request.reason],
    );
    expect(audited[0]!.n).toBe(N);

    // The SLA figures count them as overdue.
    const sla = (await (
      await fetch(`${api.url}/supervision/sla?agencyCode=210100`, { headers: supervisor.headers })
    ).json()) as { openTasks: { totals: Record<string, number> } };
    expect(sla.openTasks.totals).toMatchObject({ overdue: N, due_today: 0 });
  });
});
