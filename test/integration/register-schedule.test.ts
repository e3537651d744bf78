/**
 * The register's daily comparison (Art. 17, 19, 22, 33) is a Temporal Schedule on the dev server: created once
 * however often the system starts, at 05:00 Asia/Shanghai; triggered, it runs the comparison workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { ensureRegisterSchedule } from '../../lib/register-schedule';
import type { RegisterDailyRunResult } from '../../contracts/separations';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
const taskQueue = uniqueTaskQueue('register-schedule');
const scheduleId = `register-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
});
afterAll(async () => {
  await env?.client.schedule
    .getHandle(scheduleId)
    .delete()
    .catch(() => undefined);
  await worker?.stop();
  await tdb?.drop();
});

describe('the daily comparison (Art. 17, 19, 22, 33)', () => {
  it('is a Temporal Schedule at 05:00 Asia/Shanghai, created once; triggered, it runs the comparison', async () => {
    expect(await ensureRegisterSchedule({ client: env.client, taskQueue, scheduleId })).toEqual({
      scheduleId,
      created: true,
    });
    expect(await ensureRegisterSchedule({ client: env.client, taskQueue, scheduleId })).toEqual({
      scheduleId,
      created: false,
    });
    const handle = env.client.schedule.getHandle(scheduleId);
    const d = await handle.describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 5, end: 5, step: 1 }] });
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'registerDailyRun' });
    await handle.trigger();
    let runId: string | undefined;
    for (let i = 0; i < 200 && !runId; i++) {
      runId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!runId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runId).toMatch(new RegExp(`^register-comparison-${scheduleId}-`));
    const result = (await env.client.workflow.getHandle(runId!).result()) as RegisterDailyRunResult;
    // An empty register: nothing compared, nothing found; no personal data, counts only.
    expect(result).toMatchObject({
      staff: { employers: 0, staff: 0, found: 0, reminders: 0 },
      changes: { employers: 0, found: 0, reminders: 0 },
      terminations: { checked: 0, terminated: 0 },
      followUps: 0,
    });
  });
});
