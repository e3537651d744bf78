/**
 * The benefit period month by month on the time-skipping test server, with real PostgreSQL, the simulated sources and
 * bank over HTTP, and the city's monthly payment run (issue 6; Art. 38, 39, 42, 44, 62, 63): paid exactly once per
 * month, the expiry SMS one month before the end, a stop when the person is re-employed, a failed account corrected
 * and paid once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { accountOutcome } from '../../simulators/simulator';
import { benefitPeriod, correctBankAccount } from '../../workflows/benefit-period';
import { cityPaymentCycle } from '../../workflows/payments';
import { addCalendarMonths, addToMonth, shanghaiDate, shanghaiInstant } from '../../domain/business-time';
import { seedFutureCalendarYears } from '../support/calendar';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/wait';
import { advanceTo, type RunningWorker, startWorker, timeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { seedEligibleDetermination } from '../support/seed';
import { recordHistory } from '../support/histories';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let paidPeople: Person[] = [];
let failingPeople: Person[] = [];
const taskQueue = uniqueTaskQueue('period');
const started: { terminate(reason?: string): Promise<unknown> }[] = [];
const MONTHLY = 189_550;

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  await seedFutureCalendarYears(tdb);
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  const clean = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed';
  paidPeople = await findPeople(sim, `${clean},bank_paid`, 4);
  failingPeople = await findPeople(sim, `${clean},bank_invalid_account`, 1);
  // The Shenyang payment run, on the 10th of each month (Art. 63).
  started.push(
    await env.client.workflow.start(cityPaymentCycle, {
      taskQueue,
      workflowId: `payment-cycle-210100-${taskQueue}`,
      args: [{ agencyCode: '210100' }],
    }),
  );
});
afterAll(async () => {
  // The time-skipping server is shared by the timer files: leave nothing of ours waiting on it. A timer that fires
  // for a task queue without a worker holds the server's clock, and the next file's sleep never returns.
  for (const h of started) await h.terminate('test file done').catch(() => undefined);
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

/** A case and claim row in Shenyang for `person`, and their benefit period starting today (server time). */
async function startPeriodFor(person: Person, n: number, months: number) {
  const caseNumber = `SYJ-2026-210100-PER${String(n).padStart(7, '0')}`;
  const claim = await claimOf(sim, person);
  await seedEligibleDetermination(tdb, caseNumber);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [caseNumber],
  );
  await tdb.sql(
    `INSERT INTO benefit_claim VALUES ($1, 'online', 'resident_id_card', $2, $3, $4, $5, $6, $7, $8, 'last_insured', 'social_security_card', NULL, $9, now())`,
    [
      caseNumber,
      person.idNumber,
      person.name,
      person.mobile,
      claim.employer.uscc,
      claim.employer.name,
      claim.separation.date,
      claim.separation.reason,
      person.bankAccount.accountNumber,
    ],
  );
  const startDate = shanghaiDate(await env.currentTimeMs());
  const endDate = addCalendarMonths(startDate, months);
  const end = shanghaiDate(Date.parse(`${endDate}T00:00:00Z`) - 86_400_000);
  const periodId = `${caseNumber}.P`;
  const handle = await env.client.workflow.start(benefitPeriod, {
    taskQueue,
    workflowId: periodId,
    args: [
      {
        periodId,
        caseNumber,
        agencyCode: '210100',
        startDate,
        endDate: end,
        months,
        monthlyAmountFen: MONTHLY,
        determinationVersion: 1,
      },
    ],
  });
  started.push(handle);
  return { caseNumber, periodId, startDate, endDate: end, handle };
}

const ledgerOf = async (periodId: string) =>
  (
    await sim.admin<{ payments: { paymentId: string; result: string; payeeAccount: string }[] }>('GET', '/bank/ledger')
  ).payments.filter((p) => p.paymentId.startsWith(periodId));
const payables = (periodId: string) =>
  tdb.sql<{ month: string; attempt: number; status: string; account_number: string }>(
    "SELECT month, attempt, status, account_number FROM payable WHERE period_id = $1 AND kind = 'unemployment_benefit' ORDER BY month, attempt",
    [periodId],
  );
const messages = (caseNumber: string) =>
  tdb.sql<{ kind: string; at: Date; text: string }>(
    'SELECT kind, at, text FROM message WHERE case_number = $1 ORDER BY at',
    [caseNumber],
  );
const period = (periodId: string) =>
  tdb.sql<{ status: string; paid_months: number; stop_reason: string | null }>(
    'SELECT status, paid_months, stop_reason FROM benefit_period WHERE id = $1',
    [periodId],
  );

describe('a benefit period (Art. 38, 39, 42, 44, 62, 63)', () => {
  it('pays a 12-month period exactly 12 times and sends the expiry SMS once, on the end date minus one month', async () => {
    const p = await startPeriodFor(paidPeople[0]!, 1, 12);
    await advanceTo(env, shanghaiInstant(`${addToMonth(p.endDate.slice(0, 7), 1)}-20`, 12));
    const [row] = await eventually(
      () => period(p.periodId),
      (r) => r[0]?.status === 'completed',
    );
    expect(row).toMatchObject({ status: 'completed', paid_months: 12 });

    const paid = (await payables(p.periodId)).filter((x) => x.status === 'paid');
    expect(paid.map((x) => x.month)).toEqual(
      Array.from({ length: 12 }, (_, i) => addToMonth(p.startDate.slice(0, 7), i)),
    );
    const bank = (await ledgerOf(p.periodId)).filter((x) => x.result === 'paid');
    expect(bank).toHaveLength(12);

    // Art. 42, 62: months 2-12 were checked and queued by the city's monthly comparison, not by the period, which
    // slept through them: its whole history is its opening, its first month, the expiry SMS and its close.
    expect(await tdb.sql('SELECT monthly_check FROM benefit_period WHERE id = $1', [p.periodId])).toEqual([
      { monthly_check: 'city' },
    ]);
    const history = (await p.handle.fetchHistory()).events ?? [];
    const activities = history
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((n): n is string => !!n);
    expect(activities).toEqual([
      'beginBenefitPeriod',
      'checkAndQueueMonth',
      'notifyApplicant',
      'periodLedger',
      'leaveMedical',
      'recordPeriodProgress',
    ]);
    const second = addToMonth(p.startDate.slice(0, 7), 1);
    const check = await env.client.workflow.getHandle(`monthly-check-210100-${second}`).result();
    expect(check).toMatchObject({ periods: 1, checked: 1, queued: 1, stops: 0, unreadable: 0, passes: 1 });
    // The replay test's histories (RECORD_HISTORIES=1): a whole period, the city's comparison and run of a month.
    await recordHistory('benefit-period-paid-to-the-end', p.handle);
    await recordHistory('monthly-check-one-period', env.client.workflow.getHandle(`monthly-check-210100-${second}`));
    await recordHistory('payment-run-one-batch', env.client.workflow.getHandle(`payment-run-210100-${second}`));

    const expiry = (await messages(p.caseNumber)).filter((m) => m.kind === 'expiry_reminder');
    expect(expiry).toHaveLength(1);
    expect(expiry[0]!.at.getTime()).toBe(shanghaiInstant(addCalendarMonths(p.endDate, -1), 9));
    expect(expiry[0]!.text).toContain(`将于${p.endDate}届满`);
  });

  it('stops before month 5 when the person is re-employed in month 5: payment 5 never happens, and an SMS says why (Art. 42)', async () => {
    const person = paidPeople[1]!;
    const p = await startPeriodFor(person, 2, 12);
    const month5 = addToMonth(p.startDate.slice(0, 7), 4);
    // Four months paid (the 4th in month 4's run, settled on the 16th).
    await advanceTo(env, shanghaiInstant(`${addToMonth(month5, -1)}-20`, 12));
    await eventually(
      () => period(p.periodId),
      (r) => r[0]?.paid_months === 4,
    );
    await sim.admin('POST', '/employment', { idNumber: person.idNumber, startDate: `${month5}-03` });
    await advanceTo(env, shanghaiInstant(`${addToMonth(month5, 1)}-20`, 12));

    const [row] = await eventually(
      () => period(p.periodId),
      (r) => r[0]?.status === 'stopped',
    );
    expect(row).toMatchObject({ status: 'stopped', stop_reason: 'reemployed', paid_months: 4 });
    const months = (await payables(p.periodId)).map((x) => x.month);
    expect(months).not.toContain(month5);
    expect((await ledgerOf(p.periodId)).filter((x) => x.result === 'paid')).toHaveLength(4);
    const stopped = (await messages(p.caseNumber)).filter((m) => m.kind === 'payment_stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.text).toContain('重新就业');
    await recordHistory('benefit-period-stopped-reemployed', p.handle);
  });

  it('re-sends a failed payment with the next run, asks for a corrected account, and pays the month once with it (Art. 39, 62)', async () => {
    const person = failingPeople[0]!;
    expect(accountOutcome(person.bankAccount.accountNumber)).toBe('invalid_account');
    const p = await startPeriodFor(person, 3, 3);
    const first = p.startDate.slice(0, 7);
    // Two runs fail (the first, and the re-send with the next run): the person is asked to correct the account.
    await advanceTo(env, shanghaiInstant(`${addToMonth(first, 2)}-20`, 12));
    await eventually(
      () => messages(p.caseNumber),
      (m) => m.some((x) => x.kind === 'account_correction'),
    );
    expect((await payables(p.periodId)).filter((x) => x.month === first).map((x) => x.status)).toEqual([
      'failed',
      'failed',
    ]);

    let good = '';
    for (let i = 0; !good; i++) {
      const candidate = `621483${String(10_000_000_000 + i * 7919).padStart(11, '0')}`;
      if (accountOutcome(candidate) === 'paid') good = candidate;
    }
    await p.handle.executeUpdate(correctBankAccount, {
      args: [
        {
          by: { id: null, username: 'applicant' },
          method: 'social_security_card',
          bankName: null,
          accountNumber: good,
          reason: '更换社会保障卡',
        },
      ],
    });
    await advanceTo(env, shanghaiInstant(`${addToMonth(first, 4)}-20`, 12));
    const rows = await eventually(
      () => payables(p.periodId),
      (r) => r.filter((x) => x.month === first && x.status === 'paid').length === 1,
    );
    const forFirst = rows.filter((x) => x.month === first);
    expect(forFirst.filter((x) => x.status === 'paid')).toEqual([
      { month: first, attempt: 3, status: 'paid', account_number: good },
    ]);
    const bankPaid = (await ledgerOf(p.periodId)).filter(
      (x) => x.result === 'paid' && x.paymentId.includes(`.UB.${first.replace('-', '')}.`),
    );
    expect(bankPaid).toHaveLength(1);
  });

  it('pays nothing and stops nothing on a monthly check whose answer cannot be read: the case records it, supervisors are told, and the month is checked again the next day (Art. 7, 42)', async () => {
    // The pension agency's answers come back garbled (a field of the wrong type) when the first month is checked.
    await sim.admin('PUT', '/faults', { prefix: '/pension', malformed: 'shape' });
    const p = await startPeriodFor(paidPeople[2]!, 4, 3);
    const first = p.startDate.slice(0, 7);
    const [event] = await eventually(
      () =>
        tdb.sql<{ data: { month: string; error: string } }>(
          "SELECT data FROM case_event WHERE case_number = $1 AND type = 'monthly_check_unreadable'",
          [p.caseNumber],
        ),
      (r) => r.length === 1,
    );
    expect(event!.data.month).toBe(first);
    expect(event!.data.error).toMatch(/^SourceMalformed: .*pension/);
    expect(
      await tdb.sql("SELECT role FROM notification WHERE case_number = $1 AND kind = 'source_unreadable'", [
        p.caseNumber,
      ]),
    ).toEqual([{ role: 'supervisor' }]);
    expect(await payables(p.periodId)).toEqual([]);
    expect((await p.handle.describe()).status.name).toBe('RUNNING');
    expect((await period(p.periodId))[0]).toMatchObject({ status: 'active', stop_reason: null });

    // The source answers properly again: the next day at 09:00 the month is checked and goes into the ledger.
    await sim.admin('DELETE', '/faults');
    const nextDay = shanghaiDate(Date.parse(`${p.startDate}T12:00:00+08:00`) + 86_400_000);
    await advanceTo(env, shanghaiInstant(nextDay, 10), 86_400_000);
    const queued = await eventually(
      () => payables(p.periodId),
      (r) => r.length === 1,
    );
    expect(queued.map((x) => [x.month, x.attempt])).toEqual([[first, 1]]);
  });
});
