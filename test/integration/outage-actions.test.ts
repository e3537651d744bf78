/**
 * Clerks' actions while a dependency is down (issue 12): none is lost silently. A task decision (Art. 37 acceptance)
 * sent while Temporal is down, or while PostgreSQL is down for the API, is refused with 503 and Retry-After within
 * the API's wait, and nothing is applied; sent again after recovery it is applied once. Sent while PostgreSQL is down
 * for the worker — the case takes it but cannot record it — it is answered 202 `action_accepted` and applied once
 * when PostgreSQL is back. "Applied" is read from PostgreSQL: the task's status, its case event and its audit row.
 * The Temporal dev server is the file's own (SQLite file) so it can be stopped; PostgreSQL is taken away from one
 * process at a time by a TCP relay (test/support/tcp-cut.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import { createDb, type Db } from '../../lib/db';
import { startThrowawayTemporal } from '../../scripts/throwaway-servers';
import { startApi, type RunningApi } from '../support/api';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { tcpCut, type TcpCut } from '../support/tcp-cut';
import { startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { userWithToken } from '../support/users';

let temporal: Awaited<ReturnType<typeof startThrowawayTemporal>>;
let tdb: TestDatabase;
let sim: RunningSimulator;
let apiCut: TcpCut;
let workerCut: TcpCut;
let apiDb: Db;
let workerDb: Db;
let connection: NativeConnection;
let worker: RunningWorker;
let api: RunningApi;
const people: Person[] = [];
const taskQueue = uniqueTaskQueue('outage-actions');
type User = { id: string; headers: Record<string, string> };
let intake: User;
const ACTION_WAIT_MS = 6_000;

const through = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};

beforeAll(async () => {
  [temporal, tdb, sim] = await Promise.all([
    startThrowawayTemporal('ui-outage-actions', { persistent: true }),
    createTestDatabase(),
    startSimulator(),
  ]);
  const pgPort = Number(new URL(tdb.url).port);
  [apiCut, workerCut] = await Promise.all([tcpCut(pgPort), tcpCut(pgPort)]);
  apiDb = createDb(through(tdb.url, apiCut.port));
  workerDb = createDb(through(tdb.url, workerCut.port));
  connection = await NativeConnection.connect({ address: temporal.address });
  worker = await startWorker(connection, taskQueue, { db: workerDb, sources: sourcesOf(sim) });
  api = await startApi({ db: apiDb, temporalAddress: temporal.address, taskQueue, actionWaitMs: ACTION_WAIT_MS });
  intake = await userWithToken(tdb.db, api.url, { username: 'intake.sy', agencyCode: '210100', roles: ['intake'] });
  const clean = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed';
  for (const p of await findPeople(sim, clean, 40)) {
    if ((await claimOf(sim, p).catch(() => null))?.payingLocality.agencyCode === '210100') people.push(p);
  }
  expect(people.length).toBeGreaterThanOrEqual(3);
}, 240_000);
afterAll(async () => {
  apiCut?.restore();
  workerCut?.restore();
  await api?.close();
  await worker?.stop();
  await connection?.close();
  await apiDb?.$disconnect();
  await workerDb?.$disconnect();
  await apiCut?.close();
  await workerCut?.close();
  await sim?.close();
  await tdb?.drop();
  await temporal?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const started = Date.now();
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: intake.headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: JSON.parse(text || 'null') as any,
    text,
    ms: Date.now() - started,
  };
}

/** A claim filed at a Shenyang window and its open acceptance task. */
async function openAcceptanceTask(): Promise<{ caseNumber: string; taskId: string }> {
  const person = people.shift()!;
  const created = await call('POST', '/claims', await claimOf(sim, person, 'window'));
  expect(created.status).toBe(201);
  const caseNumber = created.body.caseNumber as string;
  const rows = await eventually(
    () =>
      tdb.sql<{ id: string }>("SELECT id FROM task WHERE case_number = $1 AND type = 'claim_acceptance'", [caseNumber]),
    (r) => r.length === 1,
  );
  return { caseNumber, taskId: rows[0]!.id };
}

/** What PostgreSQL shows of the task's completion: its status and how often the completion was recorded. */
async function applied(taskId: string) {
  const [task] = await tdb.sql<{ status: string }>('SELECT status FROM task WHERE id = $1', [taskId]);
  const [events] = await tdb.sql<{ n: number }>(
    "SELECT count(*)::int AS n FROM case_event WHERE type = 'task_completed' AND data->>'taskId' = $1",
    [taskId],
  );
  const [audits] = await tdb.sql<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE action = 'task_completed' AND entity_id = $1",
    [taskId],
  );
  return { status: task!.status, events: events!.n, audits: audits!.n };
}

const accept = { form: { decision: 'accept' } };

function refusedClearly(r: Awaited<ReturnType<typeof call>>, code: string) {
  expect(r.status, r.text).toBe(503);
  expect(r.retryAfter).toBe('5');
  expect(r.body.error.code).toBe(code);
  expect(r.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

it('Temporal down: the decision is refused 503 in time and not applied; sent again after the restart, applied once', async () => {
  const { taskId } = await openAcceptanceTask();
  await temporal.down();
  try {
    const r = await call('POST', `/tasks/${taskId}/complete`, accept);
    refusedClearly(r, 'temporal_unavailable');
    expect(r.ms).toBeLessThan(ACTION_WAIT_MS + 1_500);
    expect(await applied(taskId)).toEqual({ status: 'open', events: 0, audits: 0 });
  } finally {
    await temporal.up();
  }
  // Still the refusal the clerk was given: nothing applied behind their back.
  expect(await applied(taskId)).toEqual({ status: 'open', events: 0, audits: 0 });
  // Sent again (as Retry-After says) until the case answers: applied once.
  const again = await eventually(
    () => call('POST', `/tasks/${taskId}/complete`, accept),
    (x) => x.status !== 503,
    60,
  );
  expect(again.status, again.text).toBe(200);
  expect(await applied(taskId)).toEqual({ status: 'completed', events: 1, audits: 1 });
}, 180_000);

it('PostgreSQL down for the API: the decision is refused 503 at once and not applied; sent again, applied once', async () => {
  const { taskId } = await openAcceptanceTask();
  apiCut.cut();
  try {
    const r = await call('POST', `/tasks/${taskId}/complete`, accept);
    refusedClearly(r, 'database_unavailable');
    expect(r.ms).toBeLessThan(ACTION_WAIT_MS);
  } finally {
    apiCut.restore();
  }
  expect(await applied(taskId)).toEqual({ status: 'open', events: 0, audits: 0 });
  const again = await call('POST', `/tasks/${taskId}/complete`, accept);
  expect(again.status, again.text).toBe(200);
  expect(again.body.task.status).toBe('completed');
  expect(await applied(taskId)).toEqual({ status: 'completed', events: 1, audits: 1 });
}, 120_000);

it('PostgreSQL down for the case: the decision is accepted (202) and applied once when PostgreSQL is back', async () => {
  const { taskId } = await openAcceptanceTask();
  workerCut.cut();
  let restored = false;
  try {
    const r = await call('POST', `/tasks/${taskId}/complete`, accept);
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({ taskId, status: 'action_accepted' });
    expect(r.ms).toBeLessThan(ACTION_WAIT_MS + 1_500);
    expect(await applied(taskId)).toEqual({ status: 'open', events: 0, audits: 0 });
    // The clerk, unsure, sends it again: the same action, still pending — not a second one.
    const again = await call('POST', `/tasks/${taskId}/complete`, accept);
    expect(again.status, again.text).toBe(202);
    workerCut.restore();
    restored = true;
  } finally {
    if (!restored) workerCut.restore();
  }
  await eventually(
    () => applied(taskId),
    (a) => a.status === 'completed',
    600,
  );
  expect(await applied(taskId)).toEqual({ status: 'completed', events: 1, audits: 1 });
  // Sent once more after it is done: the same action's outcome, not a third application.
  const late = await call('POST', `/tasks/${taskId}/complete`, accept);
  expect([200, 409]).toContain(late.status);
  expect(await applied(taskId)).toEqual({ status: 'completed', events: 1, audits: 1 });
}, 180_000);
