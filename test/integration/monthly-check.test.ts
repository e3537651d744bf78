/**
 * The city's monthly comparison and the settlement of its runs, in bulk (activities/monthly-check.ts; Art. 42, 39,
 * 62; issue 11, measure 2): a range of the city's periods checked against the sources in one activity, stops found,
 * answers that cannot be read, nothing queued twice; failures re-sent once and then asked about. PostgreSQL, the
 * in-process simulators and the run's Temporal dev server (the activity signals periods through its client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { benefitActivities } from '../../activities/benefits';
import { monthlyCheckActivities } from '../../activities/monthly-check';
import { recoveryActivities } from '../../activities/recovery';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { insertBeneficiaries, type TestBeneficiary } from '../support/payments';
import { activityDeps, devServerEnv } from '../support/temporal';
import { findPersons, startSimulator, type PersonSummary, type RunningSimulator } from '../sources/support';

let tdb: TestDatabase;
let sim: RunningSimulator;
let env: TestWorkflowEnvironment;
let acts: ReturnType<typeof monthlyCheckActivities>;
let inActivity: MockActivityEnvironment;
const SHENYANG = '210100';
const AMOUNT = 189_550;
const START = '2026-11-02';
const MONTH = '2026-12'; // the month after the first: the city's to check

const beneficiary = (p: PersonSummary, i: number, agencyCode = SHENYANG): TestBeneficiary => ({
  caseNumber: `SYJ-2026-${agencyCode}-MCHK00${i}`,
  agencyCode,
  name: p.name,
  accountNumber: p.bankAccount.accountNumber,
  idNumber: p.idNumber,
});
let clear: TestBeneficiary;
let pensioner: TestBeneficiary;
let elsewhere: TestBeneficiary;
let ownCheck: TestBeneficiary;

beforeAll(async () => {
  tdb = await createTestDatabase();
  sim = await startSimulator();
  env = await devServerEnv();
  const deps = activityDeps(tdb.db, sim.clients);
  acts = monthlyCheckActivities({
    db: tdb.db,
    sources: sim.clients,
    benefits: benefitActivities(deps),
    recovery: recoveryActivities(deps),
  });
  inActivity = new MockActivityEnvironment({}, { client: env.client });
  const clean = await findPersons(sim, 'eligible,bank_paid,!pensioner,!deceased,!reemployed,!employed', 3);
  const p = (await findPersons(sim, 'pensioner,!deceased', 1))[0]!;
  expect(p.pensionStartDate! <= `${MONTH}-31`).toBe(true);
  clear = beneficiary(clean[0]!, 1);
  pensioner = beneficiary(p, 2);
  elsewhere = beneficiary(clean[1]!, 3, '210200'); // Dalian's: not Shenyang's to check
  ownCheck = beneficiary(clean[2]!, 4); // a period begun before the city's comparison: checks its months itself
  await insertBeneficiaries(tdb, [clear, pensioner, elsewhere, ownCheck]);
  for (const [b, regime] of [
    [clear, 'city'],
    [pensioner, 'city'],
    [elsewhere, 'city'],
    [ownCheck, 'period'],
  ] as const) {
    await tdb.sql(
      `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months, monthly_amount_fen,
         monthly_check, determination_version, created_at, updated_at)
       VALUES ($1, $2, $3, 'active', $4, '2027-11-01', 12, $5, $6, 1, now(), now())`,
      [`${b.caseNumber}.P`, b.caseNumber, b.agencyCode, START, AMOUNT, regime],
    );
  }
});
afterAll(async () => {
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

const ledger = (b: TestBeneficiary) =>
  tdb.sql<{ kind: string; month: string; attempt: number; status: string; amount_fen: number }>(
    'SELECT kind, month, attempt, status, amount_fen FROM payable WHERE period_id = $1 ORDER BY kind DESC, month, attempt',
    [`${b.caseNumber}.P`],
  );
const check = async () => {
  const plan: Awaited<ReturnType<typeof acts.planMonthlyCheck>> = await inActivity.run(acts.planMonthlyCheck, {
    agencyCode: SHENYANG,
    month: MONTH,
  });
  expect(plan).toEqual({
    periods: 2,
    ranges: [
      {
        after: null,
        upTo: [clear, pensioner]
          .map((b) => `${b.caseNumber}.P`)
          .sort()
          .at(-1),
      },
    ],
  });
  const at = `${MONTH}-01T01:00:00.000Z`;
  const { findings, ...outcome }: Awaited<ReturnType<typeof acts.checkMonthBatch>> = await inActivity.run(
    acts.checkMonthBatch,
    {
      agencyCode: SHENYANG,
      month: MONTH,
      ...plan.ranges[0]!,
      at,
    },
  );
  // What the city's workflow does with a stop found (workflows/payments.ts): no period workflow runs on this server, so
  // each is a stop for a period not running, told to the supervisors.
  expect(findings.every((f) => f.periodId === `${f.caseNumber}.P`)).toBe(true);
  for (const f of findings)
    await inActivity.run(acts.recordMonthlyCheckStopUnhandled, { ...f, agencyCode: SHENYANG, at });
  return { ...outcome, unhandled: findings.length };
};

describe("the city's monthly comparison (Art. 42, 62)", () => {
  it('decides nothing on answers that cannot be read: nothing queued, each case records it, supervisors told (Art. 7, 42)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/pension', malformed: 'shape' });
    try {
      expect(await check()).toEqual({ checked: 2, queued: 0, stops: 0, unreadable: 2, unhandled: 0 });
    } finally {
      await sim.admin('DELETE', '/faults');
    }
    expect(await ledger(clear)).toEqual([]);
    const events = await tdb.sql<{ case_number: string; data: { month: string } }>(
      "SELECT case_number, data FROM case_event WHERE type = 'monthly_check_unreadable' ORDER BY case_number",
    );
    expect(events.map((e) => [e.case_number, e.data.month])).toEqual([
      [clear.caseNumber, MONTH],
      [pensioner.caseNumber, MONTH],
    ]);
  });

  it("queues the month's benefit and premium of each clear period once, and signals a stop found to its period (Art. 42, 44)", async () => {
    // The pensioner's period has no workflow on this server: the stop cannot be delivered, so supervisors are told.
    expect(await check()).toEqual({ checked: 2, queued: 1, stops: 1, unreadable: 0, unhandled: 1 });
    const premium = (
      await tdb.sql<{ amount_fen: number }>("SELECT amount_fen FROM payable WHERE kind = 'medical_premium'")
    )[0]!.amount_fen;
    expect(premium).toBeGreaterThan(0);
    expect(await ledger(clear)).toEqual([
      { kind: 'unemployment_benefit', month: MONTH, attempt: 1, status: 'pending', amount_fen: AMOUNT },
      { kind: 'medical_premium', month: MONTH, attempt: 1, status: 'pending', amount_fen: premium },
    ]);
    expect(await ledger(pensioner)).toEqual([]);
    expect(await ledger(elsewhere)).toEqual([]);
    expect(await ledger(ownCheck)).toEqual([]);
    expect(
      await tdb.sql("SELECT role, kind FROM notification WHERE case_number = $1 AND kind = 'stop_unhandled'", [
        pensioner.caseNumber,
      ]),
    ).toEqual([{ role: 'supervisor', kind: 'stop_unhandled' }]);

    // Checked again (a retried batch, a second pass): nothing is queued twice, nobody told twice.
    expect(await check()).toEqual({ checked: 1, queued: 0, stops: 1, unreadable: 0, unhandled: 1 });
    expect(await ledger(clear)).toHaveLength(2);
    expect(await tdb.sql("SELECT 1 FROM notification WHERE kind = 'stop_unhandled'")).toHaveLength(1);
  });

  it('re-sends a failed month once with the next run, then asks the person for a corrected account, once (Art. 39, 62)', async () => {
    const periodId = `${clear.caseNumber}.P`;
    const fail = (attempt: number, runId: string) =>
      tdb.sql(
        `UPDATE payable SET status = 'failed', result_code = 'frozen_card', run_id = $3, batch_no = 1
          WHERE period_id = $1 AND kind = 'unemployment_benefit' AND attempt = $2`,
        [periodId, attempt, runId],
      );
    await fail(1, 'run-a');
    expect(await inActivity.run(acts.settleCityRun, { runId: 'run-a', at: '2026-12-10T02:00:00.000Z' })).toEqual({
      requeued: 1,
      asked: 0,
    });
    const again = (await ledger(clear)).filter((r) => r.kind === 'unemployment_benefit');
    expect(again.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'pending'],
    ]);
    // Settled twice: the same re-send, not a third attempt.
    await inActivity.run(acts.settleCityRun, { runId: 'run-a', at: '2026-12-10T02:00:00.000Z' });
    expect((await ledger(clear)).filter((r) => r.kind === 'unemployment_benefit')).toHaveLength(2);

    await fail(2, 'run-b');
    for (let i = 0; i < 2; i++) {
      expect(await inActivity.run(acts.settleCityRun, { runId: 'run-b', at: '2027-01-10T02:00:00.000Z' })).toEqual({
        requeued: 0,
        asked: 1,
      });
    }
    expect(await tdb.sql('SELECT kind FROM message WHERE case_number = $1', [clear.caseNumber])).toEqual([
      { kind: 'account_correction' },
    ]);
    expect((await ledger(clear)).filter((r) => r.kind === 'unemployment_benefit')).toHaveLength(2);
  });
});
