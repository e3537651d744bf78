/**
 * Task deadlines on the time-skipping test server with real PostgreSQL (issue 5; Art. 11, 13, 76, 78): a review task
 * due in 5 workdays is not overdue until the end of its due day in Shanghai, then is; the agency's supervisors are
 * notified; reminders follow each workday; after 5 more workdays the task moves up to the provincial agency.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createCalendar } from '../../domain/calendar';
import { calendarYearsFromChineseDays } from '../../domain/calendar-chinese-days';
import { storedYearData } from '../../lib/calendar-store';

import { completeTask, shanghaiDate } from '../../workflows/tasks';
import { seedFutureCalendarYears } from '../support/calendar';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/wait';
import { claimBody } from '../support/fixtures';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { openClaim } from '../support/claims';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
const taskQueue = uniqueTaskQueue('timers');
const reviewer = {
  userId: '00000000-0000-4000-8000-000000000002',
  username: 'reviewer.sy',
  roles: ['reviewer'],
  agencyCode: '210100',
};

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  await seedFutureCalendarYears(tdb);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
});
afterAll(async () => {
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

/**
 * Waits for the workflow to close without awaiting its result: awaiting a result unlocks time skipping, and a server
 * with nothing left to wait for then leaps years ahead, which would move the next test's clock.
 */
async function closedStatus(handle: { describe(): Promise<{ status: { name: string } }> }): Promise<string> {
  const d = await eventually(
    () => handle.describe(),
    (x) => x.status.name !== 'RUNNING',
  );
  return d.status.name;
}

/** A case row for the task's timeline events. */
async function insertCase(caseNumber: string) {
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'test', 'open', '210100', $1, now(), now()) ON CONFLICT DO NOTHING`,
    [caseNumber],
  );
}

const taskRow = (type: string, caseNumber: string) =>
  tdb.sql<{
    id: string;
    due_date: string;
    due_at: Date;
    overdue_since: Date | null;
    escalated_to: string | null;
    reminders: number;
    status: string;
  }>(
    'SELECT id, due_date::text, due_at, overdue_since, escalated_to, reminders, status FROM task WHERE case_number = $1 AND type = $2',
    [caseNumber, type],
  );
const notifications = (caseNumber: string) =>
  tdb.sql<{ kind: string; agency_code: string; role: string | null }>(
    'SELECT kind, agency_code, role FROM notification WHERE case_number = $1 ORDER BY at, id',
    [caseNumber],
  );

it('makes a 5-workday review task overdue only after its due day ends, notifies supervisors, reminds, then escalates to the province (Art. 78)', async () => {
  const caseNumber = 'SYJ-2026-210100-TIMER00001';
  await insertCase(caseNumber);
  const handle = await env.client.workflow.start('taskProbe', {
    workflowId: caseNumber,
    taskQueue,
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
  });
  const [review] = await eventually(
    () => taskRow('claim_review', caseNumber),
    (r) => r.length === 1,
  );
  // Due: the 5th workday after the day it opened (counting from the next day), on the calendar in force.
  const openedOn = shanghaiDate(await env.currentTimeMs());
  const stored = (await tdb.db.calendarYear.findMany()).map(storedYearData);
  const expectedDue = createCalendar([...calendarYearsFromChineseDays(), ...stored]).addWorkdays(openedOn, 5);
  expect(review!.due_date).toBe(expectedDue);
  const dueMs = review!.due_at.getTime();
  expect(new Date(dueMs).toISOString()).toBe(new Date(`${expectedDue}T16:00:00.000Z`).toISOString());

  // A minute before the end of the due day: not overdue, nobody told.
  await env.sleep(dueMs - 60_000 - (await env.currentTimeMs()));
  expect((await taskRow('claim_review', caseNumber))[0]!.overdue_since).toBeNull();
  expect((await notifications(caseNumber)).filter((n) => n.kind === 'task_overdue')).toEqual([]);

  // Two minutes later: overdue from the due instant, and the city's supervisors notified.
  await env.sleep(120_000);
  const [overdue] = await eventually(
    () => taskRow('claim_review', caseNumber),
    (r) => r[0]!.overdue_since !== null,
  );
  expect(overdue!.overdue_since!.getTime()).toBeGreaterThanOrEqual(dueMs);
  expect(overdue!.overdue_since!.getTime()).toBeLessThan(dueMs + 120_000);
  expect(await notifications(caseNumber)).toEqual([
    { kind: 'task_overdue', agency_code: '210100', role: 'supervisor' },
  ]);

  // Ten days on: a reminder each workday, and after 5 more workdays the task moved up to the provincial agency.
  await env.sleep(10 * 86_400_000);
  const [late] = await eventually(
    () => taskRow('claim_review', caseNumber),
    (r) => r[0]!.escalated_to !== null && r[0]!.reminders >= 5,
  );
  expect(late!.escalated_to).toBe('210000');
  expect(late!.reminders).toBeGreaterThanOrEqual(5);
  const kinds = await notifications(caseNumber);
  expect(kinds).toContainEqual({ kind: 'task_escalated', agency_code: '210000', role: 'supervisor' });
  expect(kinds.filter((n) => n.kind === 'task_reminder').length).toBe(late!.reminders);

  // Done at last.
  await handle.executeUpdate(completeTask, {
    args: [{ taskId: review!.id, actor: reviewer, form: { decision: 'approve' } }],
  });
  expect(await closedStatus(handle)).toBe('COMPLETED');
  expect(await taskRow('claim_review', caseNumber)).toMatchObject([{ status: 'completed' }]);
});

it('records a claim cancelled while it waits on an unavailable source (a supervisor cancels a stalled case)', async () => {
  // No simulator here: the acceptance check keeps retrying, as it would during an outage.
  const claimNumber = 'SYJ-2026-210100-TIMER00003';
  const claim = await openClaim(env, tdb.db, taskQueue, claimNumber, claimBody());
  await eventually(
    () => tdb.sql('SELECT 1 FROM "case" WHERE case_number = $1', [claimNumber]),
    (r) => r.length === 1,
  );
  await claim.cancel();
  expect(await closedStatus(claim)).toBe('CANCELLED');
  const events = await tdb.sql<{ type: string }>('SELECT type FROM case_event WHERE case_number = $1 ORDER BY at, id', [
    claimNumber,
  ]);
  expect(events.map((e) => e.type)).toEqual(['claim_received', 'case_cancelled']);
});
