/**
 * A benefit period's opening and each month as one activity (activities/periods.ts; issue 11 measure 2): the same
 * outcome as the steps they compose (Art. 42 check, benefit and premium into the ledger, Art. 44 medical insurance,
 * progress), and safe to repeat. PostgreSQL and the in-process simulators; the activities run in an activity context
 * of their own (no Temporal server needed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { benefitActivities } from '../../activities/benefits';
import { paymentActivities } from '../../activities/payments';
import { periodActivities } from '../../activities/periods';
import { activityDeps } from '../support/temporal';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { insertBeneficiaries, type TestBeneficiary } from '../support/payments';
import { findPersons, startSimulator, type PersonSummary, type RunningSimulator } from '../sources/support';

let tdb: TestDatabase;
let sim: RunningSimulator;
let acts: ReturnType<typeof periodActivities>;
const SHENYANG = '210100';
const AMOUNT = 189_550;

const beneficiary = (p: PersonSummary, i: number): TestBeneficiary => ({
  caseNumber: `SYJ-2026-${SHENYANG}-PERACT0${i}`,
  agencyCode: SHENYANG,
  name: p.name,
  accountNumber: p.bankAccount.accountNumber,
  idNumber: p.idNumber,
});
let clear: TestBeneficiary;
let pensioner: TestBeneficiary & { pensionStartDate: string };

beforeAll(async () => {
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const deps = activityDeps(tdb.db, sim.clients);
  acts = periodActivities({ benefits: benefitActivities(deps), payments: paymentActivities(deps) });
  clear = beneficiary(
    (await findPersons(sim, 'eligible,bank_paid,!pensioner,!deceased,!reemployed,!employed', 1))[0]!,
    1,
  );
  const p = (await findPersons(sim, 'pensioner,!deceased', 1))[0]!;
  pensioner = { ...beneficiary(p, 2), pensionStartDate: p.pensionStartDate! };
  await insertBeneficiaries(tdb, [clear, pensioner]);
});
afterAll(async () => {
  await sim?.close();
  await tdb?.drop();
});

const periodOf = (b: TestBeneficiary) => `${b.caseNumber}.P`;
const ledger = (b: TestBeneficiary) =>
  tdb.sql<{ kind: string; month: string; attempt: number; status: string; amount_fen: number }>(
    'SELECT kind, month, attempt, status, amount_fen FROM payable WHERE period_id = $1 ORDER BY kind DESC, month',
    [periodOf(b)],
  );
const inActivity = new MockActivityEnvironment();
const begin = (b: TestBeneficiary, startDate: string) =>
  inActivity.run(acts.beginBenefitPeriod, {
    periodId: periodOf(b),
    caseNumber: b.caseNumber,
    agencyCode: SHENYANG,
    startDate,
    endDate: '2027-05-31',
    months: 12,
    monthlyAmountFen: AMOUNT,
    determinationVersion: 1,
    at: '2026-06-01T01:00:00.000Z',
  });
const month = (
  b: TestBeneficiary,
  m: string,
  dismissedStops: { reason: string; began: string }[] = [],
): ReturnType<typeof acts.checkAndQueueMonth> =>
  inActivity.run(acts.checkAndQueueMonth, {
    periodId: periodOf(b),
    caseNumber: b.caseNumber,
    agencyCode: SHENYANG,
    month: m,
    since: `${m}-01`,
    amountFen: AMOUNT,
    paidMonths: 0,
    dismissedStops,
    at: '2026-06-01T01:00:00.000Z',
  });

describe('a benefit period step as one activity (Art. 42, 44; issue 11 measure 2)', () => {
  it('opens the period active and enrols the person in medical insurance from its first day (Art. 44)', async () => {
    await begin(clear, '2026-06-01');
    await begin(clear, '2026-06-01'); // a retry: nothing twice
    const rows = await tdb.sql<{ status: string; paid_months: number }>(
      'SELECT status, paid_months FROM benefit_period WHERE id = $1',
      [periodOf(clear)],
    );
    expect(rows).toEqual([{ status: 'active', paid_months: 0 }]);
    const medical = await sim.clients.medical.getBeneficiary(clear.idNumber);
    expect(medical).toMatchObject({ status: 'enrolled', startDate: '2026-06-01', agencyDivisionCode: SHENYANG });
  });

  it('checks a clear month and queues its benefit and premium once, however often it is repeated (Art. 42, 44, 63)', async () => {
    expect(await month(clear, '2026-06')).toEqual({ found: null });
    expect(await month(clear, '2026-06')).toEqual({ found: null });
    const rows = await ledger(clear);
    expect(rows.map((r) => [r.kind, r.month, r.attempt, r.status])).toEqual([
      ['unemployment_benefit', '2026-06', 1, 'pending'],
      ['medical_premium', '2026-06', 1, 'pending'],
    ]);
    expect(rows[0]!.amount_fen).toBe(AMOUNT);
    expect(rows[1]!.amount_fen).toBeGreaterThan(0);
  });

  it('does not check a month it queued already: a repeat after the sources fail still answers (Art. 42)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/pension', malformed: 'shape' });
    try {
      expect(await month(clear, '2026-06')).toEqual({ found: null });
      await expect(month(clear, '2026-07')).rejects.toMatchObject({ type: 'SourceMalformed' });
    } finally {
      await sim.admin('DELETE', '/faults');
    }
    expect((await ledger(clear)).map((r) => r.month)).toEqual(['2026-06', '2026-06']);
  });

  it('answers a stop condition and queues nothing; a stop an objection dismissed queues the month (Art. 42, 13)', async () => {
    await begin(pensioner, '2026-06-01');
    const m = pensioner.pensionStartDate.slice(0, 7) > '2026-06' ? pensioner.pensionStartDate.slice(0, 7) : '2026-06';
    const { found } = await month(pensioner, m);
    expect(found).toMatchObject({ reason: 'pension', began: pensioner.pensionStartDate });
    expect(await ledger(pensioner)).toEqual([]);
    expect(await month(pensioner, m, [{ reason: 'pension', began: pensioner.pensionStartDate }])).toEqual({
      found: null,
    });
    expect((await ledger(pensioner)).map((r) => [r.kind, r.month])).toEqual([
      ['unemployment_benefit', m],
      ['medical_premium', m],
    ]);
  });
});
