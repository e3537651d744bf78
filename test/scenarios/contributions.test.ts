/**
 * 缴费记录 (Art. 23-25): the contribution records the agency keeps, pulled from the tax platform's feed by the sync
 * workflow, on the real servers: every record stored once (a re-run, a page asked twice and a run that stopped
 * half-way store nothing twice and lose nothing), garbled rows and reconciliation differences listed for a clerk,
 * an employer agent seeing its own staff, and a claim's determination using the records kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContributionSyncInput } from '../../workflows/contribution-sync';
import { eventually } from '../support/wait';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
let firstDay: string;

beforeAll(async () => {
  s = await startScenario({ name: 'contributions', cities: [], persons: 300 });
  firstDay = await s.today();
});
afterAll(async () => {
  await s?.close();
});

let runs = 0;

/**
 * The run as recorded (status, counts). Waited for by polling, as a clerk would: awaiting a workflow's result lets the
 * time-skipping server jump to the next timer it holds (years ahead), and the scenario's clock with it.
 */
async function recorded(runId: string) {
  const [run] = await eventually(
    () =>
      s.tdb.sql<{ status: string; stopped_reason: string | null; differences: number; garbled: number; pages: number }>(
        'SELECT status, stopped_reason, differences, garbled, pages FROM contribution_sync_run WHERE run_id = $1',
        [runId],
      ),
    (rows) => rows[0] !== undefined && rows[0].status !== 'running',
    600,
  );
  return {
    runId,
    status: run!.stopped_reason === 'paused' ? 'paused' : run!.status,
    reason: run!.stopped_reason,
    differences: run!.differences,
    garbled: run!.garbled,
  };
}

async function closed(workflowId: string) {
  const status = await eventually(
    async () => (await s.env.client.workflow.getHandle(workflowId).describe()).status.name,
    (st) => st !== 'RUNNING',
    600,
  );
  expect(status).toBe('COMPLETED');
}

/** Starts a sync run as the schedule does (small pages, so that a run has many); `skipMs` lets its retries back off. */
async function start(o: Partial<ContributionSyncInput> = {}, skipMs = 0): Promise<string> {
  runs += 1;
  const handle = await s.env.client.workflow.start('contributionSync', {
    workflowId: `contribution-sync-test-${runs}`,
    taskQueue: s.taskQueue,
    args: [{ trigger: 'manual', pageSize: 1000, ...o }],
  });
  if (skipMs > 0) await s.env.sleep(skipMs);
  return handle.workflowId;
}

/** One sync run to its end. */
async function sync(o: Partial<ContributionSyncInput> = {}, skipMs = 0) {
  const runId = await start(o, skipMs);
  const r = await recorded(runId);
  await closed(runId);
  return r;
}

/** Every record the tax platform holds, by natural key (read from its feed to the end). */
async function taxRecords(): Promise<Map<string, { amountPaidFen: number; backPayment: boolean }>> {
  const all = new Map<string, { amountPaidFen: number; backPayment: boolean }>();
  for (let after = 0; ;) {
    const page = await s.sim.clients.tax.getContributionChanges({ after, limit: 5000 });
    for (const i of page.items as any[]) {
      all.set(`${i.idNumber}/${i.employerUscc}/${i.month}`, {
        amountPaidFen: i.amountPaidFen,
        backPayment: i.backPayment,
      });
    }
    after = page.nextCursor;
    if (!page.hasMore) return all;
  }
}

async function kept(): Promise<{ current: number; duplicates: number }> {
  const [r] = await s.tdb.sql<{ current: number; duplicates: number }>(
    `SELECT (SELECT count(*) FROM contribution_record WHERE superseded_by IS NULL)::int AS current,
            (SELECT count(*) FROM (SELECT 1 FROM contribution_record WHERE superseded_by IS NULL
                                    GROUP BY id_number, employer_uscc, month HAVING count(*) > 1) d)::int AS duplicates`,
  );
  return r!;
}

async function cursor(): Promise<number> {
  const rows = await s.tdb.sql<{ cursor: string }>('SELECT cursor FROM contribution_sync_state');
  return Number(rows[0]?.cursor ?? 0);
}

const clerk = async () => (await s.staffOf('210000')).reviewer.headers;

describe('缴费信息记录 (Art. 23-25)', () => {
  it('Art. 23, 24: a run that stops half-way (paused, the platform away, an answer that cannot be read) resumes where it stopped; nothing lost or doubled', async () => {
    const paused = await sync({ maxPages: 2 });
    expect(paused.status).toBe('paused');
    const half = await cursor();
    expect(half).toBeGreaterThan(0);
    expect((await kept()).current).toBe(2000);

    // The platform away for longer than the run waits: the run stops, the cursor stays.
    await s.sim.admin('PUT', '/faults', { route: '/tax/contributions/changes', status: 503 });
    const away = await sync({}, 120_000);
    expect(away.status).toBe('interrupted');
    expect(await cursor()).toBe(half);
    await s.sim.admin('DELETE', '/faults');

    // An answer that is not JSON at all: not asked again in this run.
    await s.sim.admin('PUT', '/faults', { route: '/tax/contributions/changes', malformed: 'not_json', count: 1 });
    const garbledPage = await sync();
    expect(garbledPage.status).toBe('interrupted');
    expect(await cursor()).toBe(half);
    await s.sim.admin('DELETE', '/faults');

    // Late (slower than nothing but still answering) and then to the end.
    await s.sim.admin('PUT', '/faults', { route: '/tax/contributions/changes', latencyMs: 300, count: 3 });
    const done = await sync();
    expect(done.status).toBe('completed');
    const tax = await taxRecords();
    const k = await kept();
    expect(k.duplicates).toBe(0);
    expect(k.current).toBe(tax.size);
    const list = await s.call('GET', '/contributions/sync/runs', { headers: await clerk() });
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: any) => r.status)).toEqual(
      expect.arrayContaining(['completed', 'interrupted', 'completed']),
    );
    expect(list.body.items.find((r: any) => r.stoppedReason === 'SourceMalformed')).toBeTruthy();
    expect(garbledPage.reason).toBe('SourceMalformed');
  });

  it('Art. 24: a re-run, and the platform answering everything twice, doubles nothing', async () => {
    const before = await kept();
    const again = await sync();
    expect(again.status).toBe('completed');
    // The platform sends the whole feed again (its cursor lost): every item comes a second time.
    await s.tdb.sql('UPDATE contribution_sync_state SET cursor = 0');
    const twice = await sync();
    expect(twice.status).toBe('completed');
    const [run] = await s.tdb.sql<{ received: number; inserted: number; revised: number }>(
      'SELECT received, inserted, revised FROM contribution_sync_run WHERE run_id = $1',
      [twice.runId],
    );
    expect(run!.received).toBeGreaterThanOrEqual(before.current);
    expect(run).toMatchObject({ inserted: 0, revised: 0 });
    expect(await kept()).toEqual(before);
    expect(twice.differences).toBe(0);
  });

  it('Art. 24, 25: a garbled row is listed for a clerk with the reconciliation difference it leaves; the next run fetches it again and the records add up', async () => {
    const [person] = await s.people('has_arrears,!deceased', 1);
    const owed = await s.sim.admin<any>('GET', `/persons/${person!.idNumber}`);
    const arrears = owed.arrears ?? owed.records?.arrears;
    const uscc = arrears[0].employerUscc;
    // Tax receives a back payment (Art. 26): new records at the feed's end, the first of them garbled on its way.
    await s.sim.admin('POST', '/tax/back-payments', { uscc, idNumber: person!.idNumber });
    await s.sim.admin('PUT', '/faults', {
      route: '/tax/contributions/changes',
      malformed: 'shape',
      field: 'items.0.amountPaidFen',
      count: 1,
    });
    // The run records its counts, then waits for its reconciliation case (a task for a reviewer of the province).
    const runId = await start();
    expect(await recorded(runId)).toMatchObject({ status: 'completed', differences: 1, garbled: 1 });
    const problems = await s.call('GET', '/contributions/sync/problems?status=open', { headers: await clerk() });
    expect(problems.status).toBe(200);
    expect(problems.body.items).toHaveLength(1);
    expect(problems.body.items[0].issues.join()).toContain('amountPaidFen');
    expect(problems.body.items[0].idNumberMasked).not.toBe(person!.idNumber);
    const diffs = await s.call('GET', '/contributions/sync/differences?status=open', { headers: await clerk() });
    expect(diffs.body.items).toHaveLength(1);
    const d = diffs.body.items[0];
    expect(d.employerUscc).toBe(uscc);
    expect(d.tax.insuredCount).toBe(d.kept.insuredCount + 1);
    expect(d.tax.amountPaidTotalFen).toBeGreaterThan(d.kept.amountPaidTotalFen);
    // The reconciliation case (JFD-…) and its task: the reviewer refers the difference to tax; it closes with it.
    const [reconciliation] = await eventually(
      () =>
        s.tdb.sql<{ case_number: string }>(
          'SELECT case_number FROM "case" WHERE case_type = \'contribution_reconciliation\'',
        ),
      (rows) => rows.length > 0,
    );
    const caseNumber = reconciliation!.case_number;
    expect(caseNumber).toMatch(/^JFD-\d{4}-210000-/);
    const done = await s.complete(caseNumber, 'contribution_reconciliation', 'reviewer', {
      decision: 'referred',
      reasons: ['税务部门该单位该月缴费人数比本系统多一人，该条数据无法读取，请税务部门核实后重新推送'],
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await closed(runId);
    const after = await s.call('GET', '/contributions/sync/differences?status=open', { headers: await clerk() });
    expect(after.body.items).toHaveLength(0);
    expect((await s.caseView(caseNumber)).status).toBe('referred');

    const next = await sync();
    expect(next.differences).toBe(0);
    const open = await s.call('GET', '/contributions/sync/problems?status=open', { headers: await clerk() });
    expect(open.body.items).toHaveLength(0);
    const k = await kept();
    expect(k.duplicates).toBe(0);
    expect(k.current).toBe((await taxRecords()).size);
    const [paidBack] = await s.tdb.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM contribution_record WHERE id_number = $1 AND back_payment AND superseded_by IS NULL`,
      [person!.idNumber],
    );
    expect(paidBack!.n).toBeGreaterThan(0);
  });

  it('Art. 23, 25: an employer agent sees its own staff’s records per month and the employer-month record, no other employer’s', async () => {
    const [person] = await s.people('employed,long_history', 1);
    const detail = await s.sim.admin<any>('GET', `/persons/${person!.idNumber}`);
    const records = detail.contributions as { employerUscc: string; month: string }[];
    const { employerUscc: uscc, month } = records.at(-1)!;
    const agent = await s.employerAgent(uscc);
    const months = await s.call('GET', `/employer/contributions?from=${month}&to=${month}`, { headers: agent });
    expect(months.status, JSON.stringify(months.body)).toBe(200);
    const tax = (await s.sim.clients.tax.getEmployerContributions(uscc, { from: month, to: month }))!.months[0]!;
    expect(months.body.months).toEqual([
      {
        month,
        insuredCount: tax.insuredCount,
        baseTotalFen: tax.contributionBaseTotalFen,
        amountPaidTotalFen: tax.amountPaidTotalFen,
        receiptDate: tax.receiptDate,
      },
    ]);
    const staff = await s.call('GET', `/employer/contributions/${month}`, { headers: agent });
    expect(staff.status).toBe(200);
    expect(staff.body.items).toHaveLength(tax.insuredCount);
    expect(JSON.stringify(staff.body)).not.toContain(person!.idNumber);
    expect(staff.body.items.reduce((n: number, i: any) => n + i.amountPaidFen, 0)).toBe(tax.amountPaidTotalFen);
    // Only its own employer: the agent's account names it; a clerk is not an employer agent.
    const other = records.find((r) => r.employerUscc !== uscc);
    if (other) {
      const mine = await s.call('GET', `/employer/contributions/${other.month}`, { headers: agent });
      expect(mine.body.items.every((i: any) => i.idNumberMasked !== undefined)).toBe(true);
      expect(mine.body.employer.uscc).toBe(uscc);
    }
    expect((await s.call('GET', '/employer/contributions', { headers: await clerk() })).status).toBe(403);
    expect((await s.call('GET', '/employer/contributions/2026-13', { headers: agent })).status).toBe(400);
  });

  it('Art. 24, 38: a determination uses the records kept; the person’s records refreshed from tax first and shown to the clerk as used', async () => {
    const [person] = await s.people('eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 1);
    // Records the feed has not brought yet: drop the person's, as if tax had sent them after the last run.
    await s.tdb.sql('DELETE FROM contribution_record WHERE id_number = $1', [person!.idNumber]);
    const claim = await s.claimFor(person!);
    const filed = await s.file(claim);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNumber = filed.body.caseNumber as string;
    const view = await s.caseWhen(caseNumber, (v) => !['received', 'awaiting_acceptance'].includes(v.status));
    expect(view.status).not.toBe('received');
    const d = await s.determinations(caseNumber);
    const latest = d.versions[0];
    const stored = await s.call('POST', '/contributions/persons/query', {
      headers: await clerk(),
      body: { idNumber: person!.idNumber },
    });
    expect(stored.status).toBe(200);
    const current = stored.body.items.filter((i: any) => i.current);
    expect(current.length).toBeGreaterThan(0);
    expect(current.every((i: any) => i.source === 'person_pull' && i.sourceRun === `pull:${caseNumber}`)).toBe(true);
    // What the clerk sees is what the determination used: the same months.
    const months = new Set(current.map((i: any) => i.month)).size;
    expect(latest.contributionMonths).toBe(months);
    const live = await s.sim.clients.tax.getPersonContributions(person!.idNumber);
    expect(current.length).toBe(live.records.length);
    // The file's clock stayed near its first day (the runs are waited for by polling, not by their results).
    expect(latest.determinedOn).toBe(firstDay);
  });
});
