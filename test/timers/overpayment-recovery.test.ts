/**
 * Recovery of overpaid benefits on the time-skipping test server (issue 7; Art. 43), with real PostgreSQL and the
 * simulated sources: started by the benefit period when a stop is reported after months were paid, the amount from
 * the payment ledger; the delivered notice starts 30 calendar days; not repaid → a litigation task for the audit team
 * exactly when day 30 ends; repaid in two parts → closed, and no task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays } from '../../domain/calendar';
import { benefitPeriod, reportStop } from '../../workflows/benefit-period';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  confirmRepayment,
  overpaymentRecovery,
  recordDelivery,
  redateStop,
} from '../../workflows/overpayment-recovery';
import { recoveryIdOf } from '../../contracts/recovery';
import { addToMonth, shanghaiDate } from '../../domain/business-time';
import { seedFutureCalendarYears } from '../support/calendar';
import { findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/wait';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { seedEligibleDetermination } from '../support/seed';
import { recordHistory } from '../support/histories';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let people: Person[] = [];
const taskQueue = uniqueTaskQueue('recovery');
const started: { terminate(reason?: string): Promise<unknown> }[] = [];
const MONTHLY = 189_550;
const PREMIUM = 31_200;
const clerk = {
  userId: '00000000-0000-4000-8000-000000000011',
  username: 'intake.sy',
  roles: ['intake'],
  agencyCode: '210100',
};
const auditor = {
  userId: '00000000-0000-4000-8000-000000000013',
  username: 'auditor.sy',
  roles: ['auditor'],
  agencyCode: '210100',
};
const finance = {
  userId: '00000000-0000-4000-8000-000000000012',
  username: 'finance.sy',
  roles: ['finance'],
  agencyCode: '210100',
};

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  await seedFutureCalendarYears(tdb);
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  people = await findPeople(sim, 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid', 3);
});
afterAll(async () => {
  // The time-skipping server is shared by the timer files: leave nothing of ours waiting on it.
  for (const h of started) await h.terminate('test file done').catch(() => undefined);
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

/**
 * A beneficiary in Shenyang whose period began three months ago, with months 0-2 paid (benefit; month 1's medical
 * premium too) in the ledger, as the payment runs leave them.
 */
async function paidPeriodFor(person: Person, n: number) {
  const caseNumber = `SYJ-2026-210100-REC${String(n).padStart(7, '0')}`;
  const today = shanghaiDate(await env.currentTimeMs());
  const first = addToMonth(today.slice(0, 7), -3);
  const months = [0, 1, 2].map((i) => addToMonth(first, i));
  const periodId = `${caseNumber}.P`;
  await seedEligibleDetermination(tdb, caseNumber);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [caseNumber],
  );
  await tdb.sql(
    `INSERT INTO benefit_claim VALUES ($1, 'online', 'resident_id_card', $2, $3, $4, '91210100MA0XYP12AD', '某公司',
     '2026-01-31', 'contract_expired', 'last_insured', 'social_security_card', NULL, $5, now())`,
    [caseNumber, person.idNumber, person.name, person.mobile, person.bankAccount.accountNumber],
  );
  await tdb.sql(
    `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months, monthly_amount_fen, determination_version,
     paid_months, created_at, updated_at) VALUES ($1, $2, '210100', 'active', $3, $4, 6, $5, 1, 3, now(), now())`,
    [periodId, caseNumber, `${first}-01`, addDays(`${addToMonth(first, 6)}-01`, -1), MONTHLY],
  );
  // Art. 44: in the beneficiaries' medical insurance since the period began (the stop takes them out).
  await sim.clients.medical.enrol({
    idNumber: person.idNumber,
    name: person.name,
    agencyDivisionCode: '210100',
    startDate: `${first}-01`,
    expectedEndDate: addDays(`${addToMonth(first, 6)}-01`, -1),
  });
  const rows: [string, string, string, number][] = [
    ...months.map((m): [string, string, string, number] => ['unemployment_benefit', 'UB', m, MONTHLY]),
    ['medical_premium', 'MP', months[1]!, PREMIUM],
  ];
  for (const [kind, code, month, amount] of rows) {
    await tdb.sql(
      `INSERT INTO payable (payment_id, period_id, case_number, agency_code, kind, month, attempt, amount_fen, payee_name,
       account_number, status, created_at, updated_at, sent_at, paid_at)
       VALUES ($1, $2, $3, '210100', $4, $5, 1, $6, '领金人', $7, 'paid', now(), now(), now(), now())`,
      [
        `${periodId}.${code}.${month.replace('-', '')}.1`,
        periodId,
        caseNumber,
        kind,
        month,
        amount,
        person.bankAccount.accountNumber,
      ],
    );
  }
  return { caseNumber, periodId, first, months, recoveryId: recoveryIdOf(caseNumber, 1) };
}

const recovery = (id: string) =>
  tdb.sql<{
    status: string;
    amount_fen: number;
    balance_fen: number;
    due_date: string | null;
    due_at: Date | null;
    litigation_at: Date | null;
    items: unknown[];
  }>(
    'SELECT status, amount_fen, balance_fen, due_date::text, due_at, litigation_at, items FROM recovery WHERE id = $1',
    [id],
  );
const litigationTasks = (workflowId: string) =>
  tdb.sql<{ id: string; role: string; agency_code: string; created_at: Date; status: string }>(
    "SELECT id, role, agency_code, created_at, status FROM task WHERE workflow_id = $1 AND type = 'recovery_litigation'",
    [workflowId],
  );

/** The recovery of a stop on the 20th of month 1 an auditor found (as POST /recoveries starts it), opened. */
async function auditorRecovery(p: Awaited<ReturnType<typeof paidPeriodFor>>) {
  const handle = await env.client.workflow.start(overpaymentRecovery, {
    taskQueue,
    workflowId: p.recoveryId,
    args: [
      {
        recoveryId: p.recoveryId,
        caseNumber: p.caseNumber,
        agencyCode: '210100',
        periodId: p.periodId,
        stopDate: `${p.months[1]}-20`,
        origin: 'auditor',
        startedBy: 'auditor.sy',
      },
    ],
  });
  started.push(handle);
  const [opened] = await eventually(
    () => recovery(p.recoveryId),
    (r) => r[0]?.status === 'awaiting_delivery',
  );
  return { handle, opened };
}

describe('recovery of overpaid benefits (Art. 43)', () => {
  it('starts from the benefit period when a stop is reported after payments, and opens a litigation task exactly when day 30 after delivery ends (Art. 43)', async () => {
    const p = await paidPeriodFor(people[0]!, 1);
    const period = await env.client.workflow.start(benefitPeriod, {
      taskQueue,
      workflowId: p.periodId,
      args: [
        {
          periodId: p.periodId,
          caseNumber: p.caseNumber,
          agencyCode: '210100',
          startDate: `${p.first}-01`,
          endDate: addDays(`${addToMonth(p.first, 6)}-01`, -1),
          months: 6,
          monthlyAmountFen: MONTHLY,
          determinationVersion: 1,
          state: {
            opened: true,
            nextIndex: 3,
            expirySent: true,
            stopped: null,
          },
        },
      ],
    });
    started.push(period);
    // The period is waiting (this month checked and queued) when the stop is reported.
    await eventually(
      () => tdb.sql('SELECT 1 FROM payable WHERE period_id = $1 AND month = $2', [p.periodId, addToMonth(p.first, 3)]),
      (r) => r.length === 2,
    );
    // Re-employed in month 0: months 1 and 2 were paid after the stop.
    await period.executeUpdate(reportStop, {
      args: [{ by: 'applicant', date: `${p.first}-15`, reason: 'reemployed' }],
    });
    const handle = env.client.workflow.getHandle(p.recoveryId);
    started.push(handle);
    const [opened] = await eventually(
      () => recovery(p.recoveryId),
      (r) => r[0]?.status === 'awaiting_delivery',
    );
    // The ledger's payments after the stop month: two months' benefit and one medical premium.
    expect(opened!.amount_fen).toBe(2 * MONTHLY + PREMIUM);
    expect(opened!.items).toHaveLength(3);
    const notice = await eventually(
      () => tdb.sql<{ text: string }>('SELECT text FROM message WHERE id = $1', [`${p.recoveryId}.notice`]),
      (r) => r.length === 1,
    );
    expect(notice[0]!.text).toContain('共4,103.00元');
    expect(notice[0]!.text).toContain('30日内退还');
    // The replay test's history (RECORD_HISTORIES=1): a stop reported, its recovery the period's own child.
    await recordHistory('benefit-period-stop-reported-recovery-child', period);

    // Delivered by post today: due at the end of the 30th calendar day after it (Asia/Shanghai).
    const deliveredOn = shanghaiDate(await env.currentTimeMs());
    const view = await handle.executeUpdate(recordDelivery, {
      args: [{ method: 'post', deliveredOn, proof: { reference: 'EMS1234567890' }, by: clerk }],
    });
    const dueDate = addDays(deliveredOn, 30);
    const dueMs = Date.parse(`${dueDate}T16:00:00.000Z`);
    expect(view).toMatchObject({ status: 'awaiting_repayment', dueDate, dueAt: new Date(dueMs).toISOString() });

    // A minute before day 30 ends: no task.
    await env.sleep(dueMs - 60_000 - (await env.currentTimeMs()));
    expect(await litigationTasks(p.recoveryId)).toEqual([]);
    expect((await recovery(p.recoveryId))[0]!.status).toBe('awaiting_repayment');

    // Then: the audit team's litigation task, opened at the very instant the deadline passed.
    await env.sleep(120_000);
    const [task] = await eventually(
      () => litigationTasks(p.recoveryId),
      (r) => r.length === 1,
    );
    expect(task).toMatchObject({ role: 'auditor', agency_code: '210100', status: 'open' });
    // At the deadline (the workflow's clock moves on only by the moments its activities take in real time).
    expect(task!.created_at.getTime() - dueMs).toBeGreaterThanOrEqual(0);
    expect(task!.created_at.getTime() - dueMs).toBeLessThan(1_000);
    const [late] = await recovery(p.recoveryId);
    expect(late).toMatchObject({ status: 'litigation', balance_fen: 2 * MONTHLY + PREMIUM });
    expect(late!.litigation_at!.getTime() - dueMs).toBeGreaterThanOrEqual(0);
    expect(late!.litigation_at!.getTime() - dueMs).toBeLessThan(1_000);
  });

  it('closes when repaid in two parts confirmed by finance, and opens no litigation task (Art. 43)', async () => {
    const p = await paidPeriodFor(people[1]!, 2);
    const { handle, opened } = await auditorRecovery(p);
    expect(opened!.amount_fen).toBe(MONTHLY); // month 2 only
    const today = shanghaiDate(await env.currentTimeMs());
    await handle.executeUpdate(recordDelivery, {
      args: [{ method: 'in_person', deliveredOn: today, proof: { receivedBy: '本人签收' }, by: clerk }],
    });

    // Only finance confirms repayments.
    await expect(
      handle.executeUpdate(confirmRepayment, {
        args: [{ amountFen: 100_000, receivedOn: today, reference: 'SLIP-1', by: clerk }],
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/finance/) } });
    const partial = await handle.executeUpdate(confirmRepayment, {
      args: [{ amountFen: 100_000, receivedOn: today, reference: 'SLIP-1', by: finance }],
    });
    expect(partial).toMatchObject({ status: 'awaiting_repayment', balanceFen: MONTHLY - 100_000 });
    expect((await recovery(p.recoveryId))[0]!.balance_fen).toBe(MONTHLY - 100_000);
    await expect(
      handle.executeUpdate(confirmRepayment, {
        args: [{ amountFen: MONTHLY, receivedOn: today, reference: 'SLIP-2', by: finance }],
      }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/more than the balance/) } });
    await handle.executeUpdate(confirmRepayment, {
      args: [{ amountFen: MONTHLY - 100_000, receivedOn: today, reference: 'SLIP-2', by: finance }],
    });

    const d = await eventually(
      () => handle.describe(),
      (x) => x.status.name !== 'RUNNING',
    );
    expect(d.status.name).toBe('COMPLETED');
    const [closed] = await recovery(p.recoveryId);
    expect(closed).toMatchObject({ status: 'repaid', balance_fen: 0, litigation_at: null });
    const repayments = await tdb.sql<{ reference: string; amount_fen: number }>(
      'SELECT reference, amount_fen FROM repayment WHERE recovery_id = $1 ORDER BY reference',
      [p.recoveryId],
    );
    expect(repayments).toEqual([
      { reference: 'SLIP-1', amount_fen: 100_000 },
      { reference: 'SLIP-2', amount_fen: MONTHLY - 100_000 },
    ]);
    // Past the 30 days: still no task.
    await env.sleep(31 * 86_400_000);
    expect(await litigationTasks(p.recoveryId)).toEqual([]);
    const events = await tdb.sql<{ type: string }>(
      "SELECT type FROM case_event WHERE case_number = $1 AND type LIKE 'recovery%' ORDER BY at, id",
      [p.caseNumber],
    );
    expect(events.map((e) => e.type)).toEqual(['recovery_notice_delivered', 'recovery_repaid']);
  });

  it('re-dated earlier after delivery: re-computed with the months it adds, told, and the 30 days run again from the new delivery, not the first (Art. 43)', async () => {
    const p = await paidPeriodFor(people[2]!, 3);
    const { handle } = await auditorRecovery(p);
    const firstDelivery = shanghaiDate(await env.currentTimeMs());
    await handle.executeUpdate(recordDelivery, {
      args: [{ method: 'in_person', deliveredOn: firstDelivery, proof: { receivedBy: '本人签收' }, by: clerk }],
    });
    const firstDue = Date.parse(`${addDays(firstDelivery, 30)}T16:00:00.000Z`);
    await env.sleep(10 * 86_400_000);

    // Only an auditor, and only an earlier date.
    const refuse = (by: typeof clerk, stopDate: string) =>
      handle
        .executeUpdate(redateStop, { args: [{ stopDate, reason: '稽核比对', by }] })
        .catch((e: unknown) => e as WorkflowUpdateFailedError);
    expect(await refuse(clerk, `${p.months[0]}-20`)).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(await refuse(auditor, `${p.months[2]}-01`)).toMatchObject({
      cause: { message: expect.stringMatching(/earlier than/) },
    });
    const view = await handle.executeUpdate(redateStop, {
      args: [{ stopDate: `${p.months[0]}-20`, reason: '稽核比对发现重新就业始于首月', by: auditor }],
    });
    // Months 1 and 2 (and month 1's premium): delivered again before the 30 days run.
    expect(view).toMatchObject({
      stopDate: `${p.months[0]}-20`,
      amountFen: 2 * MONTHLY + PREMIUM,
      balanceFen: 2 * MONTHLY + PREMIUM,
      status: 'awaiting_delivery',
      deliveredOn: null,
      dueAt: null,
    });
    const told = await eventually(
      () =>
        tdb.sql<{ text: string }>('SELECT text FROM message WHERE id = $1', [
          `${p.recoveryId}.notice.${p.months[0]}-20`,
        ]),
      (r) => r.length === 1,
    );
    expect(told[0]!.text).toContain('共4,103.00元');

    // Past the first notice's 30 days: no litigation, the new notice is not delivered yet.
    await env.sleep(firstDue + 86_400_000 - (await env.currentTimeMs()));
    expect(await litigationTasks(p.recoveryId)).toEqual([]);
    expect((await recovery(p.recoveryId))[0]!.status).toBe('awaiting_delivery');

    // Delivered again: the 30 days from this delivery.
    const secondDelivery = shanghaiDate(await env.currentTimeMs());
    await handle.executeUpdate(recordDelivery, {
      args: [{ method: 'post', deliveredOn: secondDelivery, proof: { reference: 'EMS0000000043' }, by: clerk }],
    });
    const secondDue = Date.parse(`${addDays(secondDelivery, 30)}T16:00:00.000Z`);
    await env.sleep(secondDue - 60_000 - (await env.currentTimeMs()));
    expect(await litigationTasks(p.recoveryId)).toEqual([]);
    await env.sleep(120_000);
    const [task] = await eventually(
      () => litigationTasks(p.recoveryId),
      (r) => r.length === 1,
    );
    expect(task!.created_at.getTime() - secondDue).toBeGreaterThanOrEqual(0);
    expect(task!.created_at.getTime() - secondDue).toBeLessThan(1_000);
    expect((await recovery(p.recoveryId))[0]).toMatchObject({
      status: 'litigation',
      balance_fen: 2 * MONTHLY + PREMIUM,
    });
  });
});
