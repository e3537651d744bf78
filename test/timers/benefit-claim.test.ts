/**
 * The claim's own deadline on the time-skipping test server (Art. 37 一次性告知): when the shared data cannot confirm
 * the applicant, every missing material is asked for in one notice with its deadline (10 workdays, policy
 * claim.materials), and the case is closed when they do not come, with an SMS saying so.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { seedFutureCalendarYears } from '../support/calendar';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/wait';
import { claimBody, residentId } from '../support/fixtures';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { openClaim } from '../support/claims';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
const taskQueue = uniqueTaskQueue('claimtimer');

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  await seedFutureCalendarYears(tdb);
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
});
afterAll(async () => {
  // Leave nothing waiting on the shared time-skipping server (see test/timers/benefit-period.test.ts).
  await env?.client.workflow
    .getHandle('SYJ-2026-210100-MATERIAL01')
    .terminate('test file done')
    .catch(() => undefined);
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

it('asks for every missing material in one notice with its deadline, and closes the case when they do not come (Art. 37)', async () => {
  const caseNumber = 'SYJ-2026-210100-MATERIAL01';
  // Someone household registration does not know, claiming in their hukou city: identity and hukou proof are asked.
  const application = claimBody({
    applicant: {
      idType: 'resident_id_card',
      idNumber: residentId('210102', '19700101', '999'),
      name: '无记录',
      phone: '13600000000',
    },
    payingLocality: { basis: 'hukou', agencyCode: '210100' },
  });
  const handle = await openClaim(env, tdb.db, taskQueue, caseNumber, application);
  const [requested] = await eventually(
    () =>
      tdb.sql<{ data: any }>("SELECT data FROM case_event WHERE case_number = $1 AND type = 'materials_requested_1'", [
        caseNumber,
      ]),
    (r) => r.length === 1,
  );
  expect(requested!.data.materials).toEqual(['identity_verification', 'hukou_certificate']);
  const [notice] = await tdb.sql<{ text: string }>(
    "SELECT text FROM message WHERE case_number = $1 AND kind = 'materials_requested'",
    [caseNumber],
  );
  expect(notice!.text).toContain('本人有效身份证件（经办窗口核验）、户籍所在地证明材料');
  expect(notice!.text).toContain(`请于${requested!.data.dueDate}前提交`);
  const rows = await tdb.sql<{ kind: string; due: string }>(
    'SELECT kind, due_date::text AS due FROM case_material WHERE case_number = $1 ORDER BY id',
    [caseNumber],
  );
  expect(rows).toEqual([
    { kind: 'identity_verification', due: requested!.data.dueDate },
    { kind: 'hukou_certificate', due: requested!.data.dueDate },
  ]);

  // The end of the due day in Shanghai passes: closed, and the person is told.
  await env.sleep(Date.parse(`${requested!.data.dueDate}T16:00:00.000Z`) + 60_000 - (await env.currentTimeMs()));
  const [row] = await eventually(
    () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
    (r) => r[0]?.status === 'closed',
  );
  expect(row!.status).toBe('closed');
  const closing = await eventually(
    () => tdb.sql("SELECT 1 FROM message WHERE case_number = $1 AND kind = 'materials_not_supplied'", [caseNumber]),
    (r) => r.length === 1,
  );
  expect(closing).toHaveLength(1);
  const d = await eventually(
    () => handle.describe(),
    (x) => x.status.name !== 'RUNNING',
  );
  expect(d.status.name).toBe('COMPLETED');
});
