/**
 * Supervisors find and unstick stalled cases (issue 9; Art. 76-78) on the Temporal dev server with real PostgreSQL and
 * the simulated bank over HTTP: with the bank failing, the city's payment run appears in the stuck view with the
 * activity's error and the cases whose payments it holds; after the fault is removed and a supervisor retries, it
 * leaves the list and each payment is made once. Only supervisors act; every action needs a reason and is audited.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { paymentActivities } from '../../activities/payments';
import { paymentRun } from '../../workflows/payments';
import { AGENCY_CODE, CASE_TYPE } from '../../contracts/search-attributes';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { accountsWithOutcome, bankLedger, insertBeneficiaries, syntheticBeneficiaries } from '../support/payments';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import { startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
let supervisor: Record<string, string>;
let auditor: Record<string, string>;
let clerk: Record<string, string>;
const taskQueue = uniqueTaskQueue('supervision');
const AGENCY = '210400'; // 抚顺: no other test pays there
const runId = `payment-run-${AGENCY}-2026-12-${taskQueue}`;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources: sim.clients });
  api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue,
    temporalUiUrl: 'http://127.0.0.1:8233',
  });
  supervisor = (await userWithToken(tdb.db, api.url, { username: 'sup.fs', agencyCode: AGENCY, roles: ['supervisor'] }))
    .headers;
  auditor = (await userWithToken(tdb.db, api.url, { username: 'aud.fs', agencyCode: AGENCY, roles: ['auditor'] }))
    .headers;
  clerk = (await userWithToken(tdb.db, api.url, { username: 'rev.fs', agencyCode: AGENCY, roles: ['reviewer'] }))
    .headers;
});
afterAll(async () => {
  await env?.client.workflow
    .getHandle(runId)
    .terminate('test done')
    .catch(() => undefined);
  await sim?.admin('DELETE', '/faults').catch(() => undefined);
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

type StuckItem = {
  workflowId: string;
  caseNumber: string | null;
  reason: string;
  step: string | null;
  temporalUrl: string | null;
  detail: { attempt?: number; lastFailure?: string | null; affectedCases?: string[] };
};
async function stuck(headers = supervisor, query = 'reason=activity_failing&minAttempts=2') {
  const res = await fetch(`${api.url}/supervision/stuck?${query}`, { headers });
  return {
    status: res.status,
    body: (await res.json()) as { total: number; items: StuckItem[] } & Record<string, any>,
  };
}
const post = (path: string, body: unknown, headers = supervisor) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

describe('stuck cases (Art. 76-78)', () => {
  it('shows a payment run failing on the bank with its error and the cases it holds; a retry after the fix pays each once', async () => {
    const people = syntheticBeneficiaries(AGENCY, accountsWithOutcome('paid', 3, 7000), 'SUPV');
    await insertBeneficiaries(tdb, people);
    const acts = paymentActivities({ db: tdb.db, bank: sim.clients.bank, medical: sim.clients.medical });
    for (const p of people) {
      await acts.queuePayable({
        periodId: `${p.caseNumber}.P`,
        caseNumber: p.caseNumber,
        agencyCode: AGENCY,
        kind: 'unemployment_benefit',
        month: '2026-12',
        amountFen: 180_000,
      });
    }
    // The bank answers 503 to every batch.
    await sim.admin('PUT', '/faults', { route: '/bank/batches', status: 503 });
    await env.client.workflow.start(paymentRun, {
      taskQueue,
      workflowId: runId,
      args: [{ agencyCode: AGENCY, month: '2026-12' }],
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'payment_run' },
        { key: AGENCY_CODE, value: AGENCY },
      ],
    });

    const seen = await eventually(
      () => stuck(),
      (r) => r.body.items.some((i) => i.workflowId === runId),
      300,
    );
    const item = seen.body.items.find((i) => i.workflowId === runId)!;
    expect(item).toMatchObject({ reason: 'activity_failing', step: 'sendPaymentBatch' });
    expect(item.detail.attempt).toBeGreaterThanOrEqual(2);
    expect(item.detail.lastFailure).toMatch(/503|unavailable/i);
    expect(item.detail.affectedCases!.sort()).toEqual(people.map((p) => p.caseNumber).sort());
    expect(item.temporalUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${runId}`);
    expect(seen.body.counts.byReason.activity_failing).toBeGreaterThanOrEqual(1);
    // Found through the failing-activity projection, not by describing every running workflow.
    const problem = await tdb.sql<{ activity_type: string; attempt: number }>(
      'SELECT activity_type, attempt FROM activity_problem WHERE workflow_id = $1',
      [runId],
    );
    expect(problem).toEqual([{ activity_type: 'sendPaymentBatch', attempt: expect.any(Number) }]);
    expect(problem[0]!.attempt).toBeGreaterThanOrEqual(2);

    // The diagnosis: the pending activity with its last failure.
    const diag = (await (await fetch(`${api.url}/supervision/workflows/${runId}`, { headers: auditor })).json()) as {
      pendingActivities: { activityType: string; attempt: number; lastFailure: string }[];
    };
    expect(diag.pendingActivities).toEqual([
      expect.objectContaining({
        activityType: 'sendPaymentBatch',
        lastFailure: expect.stringMatching(/503|unavailable/i),
      }),
    ]);

    // Auditors look, supervisors act; an action without a reason is refused.
    expect((await post(`/supervision/workflows/${runId}/retry`, { reason: 'bank fixed' }, auditor)).status).toBe(403);
    const noReason = await post(`/supervision/workflows/${runId}/retry`, {});
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { fields: { path: string }[] } }).error.fields[0]!.path).toBe('reason');

    await sim.admin('DELETE', '/faults');
    const retried = await post(`/supervision/workflows/${runId}/retry`, { reason: '银行接口已恢复，立即重试' });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { retried: string[] }).retried).toHaveLength(1);

    const d = await eventually(
      () => env.client.workflow.getHandle(runId).describe(),
      (x) => x.status.name === 'COMPLETED',
      300,
    );
    expect(d.status.name).toBe('COMPLETED');
    expect((await stuck()).body.items.map((i) => i.workflowId)).not.toContain(runId);
    // The batch that succeeded cleared its row.
    expect(await tdb.sql('SELECT 1 FROM activity_problem WHERE workflow_id = $1', [runId])).toEqual([]);
    const paid = (await bankLedger(sim)).filter((l) => people.some((p) => l.paymentId.startsWith(p.caseNumber)));
    expect(paid.map((l) => l.result)).toEqual(['paid', 'paid', 'paid']);
    expect(new Set(paid.map((l) => l.paymentId)).size).toBe(3);
    const audited = await tdb.sql<{ action: string; reason: string; actor_name: string }>(
      "SELECT action, reason, actor_name FROM audit_log WHERE entity = 'workflow' AND entity_id = $1",
      [runId],
    );
    expect(audited).toEqual([{ action: 'workflow_retried', reason: '银行接口已恢复，立即重试', actor_name: 'sup.fs' }]);
  });

  it('counts every overdue task in the database and lists the longest overdue first, a page at a time (Art. 78)', async () => {
    // Five open review tasks past their due time in this city (the tasks' projection, as the task board writes it),
    // one in another city, one not yet due.
    const rows: [string, string, number][] = [
      ...[5, 4, 3, 2, 1].map((d): [string, string, number] => [AGENCY, 'benefit_claim', -d]),
      ['210100', 'benefit_claim', -9],
      [AGENCY, 'benefit_claim', 2],
    ];
    for (const [i, [agency, caseType, days]] of rows.entries()) {
      const caseNumber = `SYJ-2026-${agency}-STK${String(i).padStart(7, '0')}`;
      await tdb.sql(
        `INSERT INTO task (id, case_number, workflow_id, case_type, type, form, step, role, agency_code, status,
           due_date, due_at, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, $1, $2, 'claim_review', 'review', 'review', 'reviewer', $3, 'open',
           (now() + $4 * interval '1 day')::date, now() + $4 * interval '1 day', now() - interval '20 days', now())`,
        [caseNumber, caseType, agency, days],
      );
    }
    const r = await stuck(supervisor, 'reason=task_overdue&limit=2');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(5);
    expect(r.body.counts.byReason).toEqual({ task_overdue: 5 });
    expect(r.body.counts.byAgency).toEqual({ [AGENCY]: 5 });
    expect(r.body.items.map((i) => i.caseNumber)).toEqual([
      `SYJ-2026-${AGENCY}-STK0000000`,
      `SYJ-2026-${AGENCY}-STK0000001`,
    ]);
    expect(r.body.truncated).toBe(true);
    const bad = await stuck(supervisor, 'reason=task_overdue&limit=501');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('query.limit');
    await tdb.sql("DELETE FROM task WHERE case_number LIKE 'SYJ-2026-%-STK%'");
  });

  it('is for supervisors and auditors of the agency only', async () => {
    expect((await stuck(clerk)).status).toBe(403);
    const other = await stuck(supervisor, 'agencyCode=210100');
    expect(other.status).toBe(403);
    const bad = await stuck(supervisor, 'minAttempts=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('query.minAttempts');
  });
});
