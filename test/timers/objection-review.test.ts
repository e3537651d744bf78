/**
 * Objections on the time-skipping test server (issue 7; Art. 13, 38 para 2, 42), with real PostgreSQL, the simulated
 * sources and bank, and the city's payment runs: an objection filed on the Friday before the National Day holiday is
 * due on the 5th workday of the calendar with its adjusted workdays and goes overdue exactly then; the conclusion's SMS
 * states the remedies with their dates; a corrected determination pays the benefit period's remaining months at the
 * new amount while the months already paid keep the old one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, addMonths, dayOfWeek } from '../../domain/calendar';
import { benefitPeriod } from '../../workflows/benefit-period';
import { objectionReview } from '../../workflows/objection-review';
import { cityPaymentCycle } from '../../workflows/payments';
import type { ObjectionInput } from '../../contracts/recovery';
import { completeTask } from '../../workflows/tasks';
import { addToMonth, shanghaiDate, shanghaiInstant } from '../../domain/business-time';
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
const taskQueue = uniqueTaskQueue('objection');
const started: { terminate(reason?: string): Promise<unknown> }[] = [];
const reviewer = (agencyCode: string) => ({
  userId: '00000000-0000-4000-8000-000000000021',
  username: 'reviewer.objection',
  roles: ['reviewer'],
  agencyCode,
});

/** The National Day week of year `y` as a calendar arrangement: 10-01..10-07 off, two weekend days worked. */
function nationalDay(y: number) {
  const holidays = Array.from({ length: 7 }, (_, i) => `${y}-10-0${i + 1}`);
  let friday = `${y}-09-30`;
  while (dayOfWeek(friday) !== 5) friday = addDays(friday, -1);
  let saturday = `${y}-10-08`;
  while (dayOfWeek(saturday) !== 6) saturday = addDays(saturday, 1);
  // As in 2026: the Sunday before that Friday's week and the Saturday after the holiday are worked.
  const adjusted = [addDays(friday, -5), saturday];
  return { friday, holidays, adjusted };
}

/** The 5th workday after `start` by the rule of Art. 13 (counted from the next day), on that arrangement. */
function fifthWorkday(start: string, holidays: string[], adjusted: string[]): string {
  let d = start;
  for (let n = 0; n < 5;) {
    d = addDays(d, 1);
    const dow = dayOfWeek(d);
    if (adjusted.includes(d) || (dow !== 0 && dow !== 6 && !holidays.includes(d))) n++;
  }
  return d;
}

let nd: ReturnType<typeof nationalDay>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  // The next National Day the server's clock can still reach on a Friday before it, entered as that year's calendar.
  const today = shanghaiDate(await env.currentTimeMs());
  let year = Math.max(2027, Number(today.slice(0, 4)));
  while (nationalDay(year).friday <= today) year++;
  nd = nationalDay(year);
  await tdb.sql(
    `INSERT INTO calendar_year (year, holidays, adjusted_workdays, source, updated_by, created_at, updated_at)
     VALUES ($1, $2::date[], $3::date[], 'test data (National Day as in 2026: a week off, weekend days worked)', 'test', now(), now())`,
    [year, nd.holidays, nd.adjusted],
  );
  await seedFutureCalendarYears(tdb);
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
});
afterAll(async () => {
  // The time-skipping server is shared by the timer files: leave nothing of ours waiting on it.
  for (const h of started) await h.terminate('test file done').catch(() => undefined);
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

async function insertClaim(caseNumber: string, person: Person, agencyCode: string, status: string) {
  const claim = await claimOf(sim, person);
  if (status === 'approved') await seedEligibleDetermination(tdb, caseNumber);
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', $2, $3, $1, now(), now())`,
    [caseNumber, status, agencyCode],
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
}

async function fileObjection(input: Omit<ObjectionInput, 'filedAt' | 'filedBy' | 'objector' | 'evidence' | 'grounds'>) {
  const handle = await env.client.workflow.start(objectionReview, {
    taskQueue,
    workflowId: input.caseNumber,
    args: [
      {
        ...input,
        objector: 'person',
        grounds: '原单位出具的证明材料可以证明',
        evidence: [{ kind: 'employer_certificate', title: '原单位工作年限证明', pages: 2 }],
        filedAt: new Date(await env.currentTimeMs()).toISOString(),
        filedBy: 'applicant',
      },
    ],
  });
  started.push(handle);
  const [task] = await eventually(
    () =>
      tdb.sql<{ id: string; due_date: string; due_at: Date; overdue_since: Date | null }>(
        "SELECT id, due_date::text, due_at, overdue_since FROM task WHERE case_number = $1 AND type = 'objection_review'",
        [input.caseNumber],
      ),
    (r) => r.length === 1,
  );
  return { handle, task: task! };
}

const overdueSince = async (taskId: string) =>
  (await tdb.sql<{ overdue_since: Date | null }>('SELECT overdue_since FROM task WHERE id = $1', [taskId]))[0]!
    .overdue_since;

describe('objections (Art. 13)', () => {
  it('is due on the 5th workday after a Friday before the National Day holiday, and goes overdue exactly then (Art. 13, 78)', async () => {
    // Filed on that Friday at 10:00 in Shanghai.
    await env.sleep(shanghaiInstant(nd.friday, 10) - (await env.currentTimeMs()));
    const [person] = await findPeople(sim, 'eligible,!has_arrears', 1);
    const original = 'SYJ-2026-210100-OBJ0000001';
    await insertClaim(original, person!, '210100', 'refused');
    const { handle, task } = await fileObjection({
      caseNumber: 'FHJ-2026-210100-OBJ0000001',
      originalCaseNumber: original,
      agencyCode: '210100',
      subject: 'refusal',
    });
    const expected = fifthWorkday(nd.friday, nd.holidays, nd.adjusted);
    expect(expected > nd.holidays[6]!).toBe(true); // pushed past the holiday week
    expect(task.due_date).toBe(expected);
    const dueMs = Date.parse(`${expected}T16:00:00.000Z`); // the end of the due day in Shanghai
    expect(task.due_at.getTime()).toBe(dueMs);
    const [row] = await tdb.sql<{ due_date: string; status: string }>(
      'SELECT due_date::text, status FROM objection WHERE case_number = $1',
      ['FHJ-2026-210100-OBJ0000001'],
    );
    expect(row).toEqual({ due_date: expected, status: 'under_review' });

    // A minute before the due day ends: not overdue. Then overdue at that instant, supervisors told.
    await env.sleep(dueMs - 60_000 - (await env.currentTimeMs()));
    expect(await overdueSince(task.id)).toBeNull();
    await env.sleep(120_000);
    const since = await eventually(
      () => overdueSince(task.id),
      (v) => v !== null,
    );
    expect(since!.getTime() - dueMs).toBeGreaterThanOrEqual(0);
    expect(since!.getTime() - dueMs).toBeLessThan(1_000);
    const notices = await tdb.sql<{ kind: string; role: string }>(
      "SELECT kind, role FROM notification WHERE task_id = $1 AND kind = 'task_overdue'",
      [task.id],
    );
    expect(notices).toEqual([{ kind: 'task_overdue', role: 'supervisor' }]);

    // Upheld: the SMS states the remedies with their dates from today (60 days; 6 months).
    await handle.executeUpdate(completeTask, {
      args: [
        {
          taskId: task.id,
          actor: reviewer('210100'),
          form: { decision: 'uphold', reasons: ['缴费不满一年，不符合申领条件'] },
        },
      ],
    });
    const concluded = shanghaiDate(await env.currentTimeMs());
    const [sms] = await eventually(
      () =>
        tdb.sql<{ text: string; case_number: string }>('SELECT text, case_number FROM message WHERE id = $1', [
          'FHJ-2026-210100-OBJ0000001.conclusion',
        ]),
      (r) => r.length === 1,
    );
    expect(sms!.case_number).toBe(original);
    expect(sms!.text).toContain('维持原决定');
    expect(sms!.text).toContain(`可于${addDays(concluded, 60)}前申请行政复议`);
    expect(sms!.text).toContain(`于${addMonths(concluded, 6)}前提起行政诉讼`);
    const [done] = await tdb.sql<{ status: string; reconsideration_until: string; litigation_until: string }>(
      'SELECT status, reconsideration_until::text, litigation_until::text FROM objection WHERE case_number = $1',
      ['FHJ-2026-210100-OBJ0000001'],
    );
    expect(done).toEqual({
      status: 'upheld',
      reconsideration_until: addDays(concluded, 60),
      litigation_until: addMonths(concluded, 6),
    });
  });

  // A determination corrected on objection is carried out by the claim that owns the period: shown end to end in
  // test/scenarios/objections.test.ts (Art. 13, 28, 38 para 2).

  it('resumes payment from the first unpaid month when a stop decision is corrected, each month paid once (Art. 13, 42)', async () => {
    const [person] = await findPeople(
      sim,
      'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid',
      2,
    ).then((p) => p.slice(1));
    const claim = await claimOf(sim, person!);
    const agencyCode = claim.payingLocality.agencyCode;
    const caseNumber = `SYJ-2026-${agencyCode}-OBJ0000003`;
    await insertClaim(caseNumber, person!, agencyCode, 'approved');
    await env.client.workflow
      .start(cityPaymentCycle, {
        taskQueue,
        workflowId: `payment-cycle-${agencyCode}-${taskQueue}`,
        args: [{ agencyCode }],
      })
      .then((h) => started.push(h))
      .catch(() => undefined); // the city's cycle may run already (another test of this file)
    const startDate = shanghaiDate(await env.currentTimeMs());
    const first = startDate.slice(0, 7);
    const periodId = `${caseNumber}.P`;
    const months = 4;
    started.push(
      await env.client.workflow.start(benefitPeriod, {
        taskQueue,
        workflowId: periodId,
        args: [
          {
            periodId,
            caseNumber,
            agencyCode,
            startDate,
            endDate: addDays(addMonths(startDate, months), -1),
            months,
            monthlyAmountFen: 150_000,
            determinationVersion: 1,
          },
        ],
      }),
    );
    // The employment source (wrongly) shows a new job from the 3rd of month 2: the period stops before month 2.
    const month2 = addToMonth(first, 2);
    await sim.admin('POST', '/employment', { idNumber: person!.idNumber, startDate: `${month2}-03` });
    await advanceTo(env, shanghaiInstant(`${month2}-05`, 12));
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM benefit_period WHERE id = $1', [periodId]),
      (r) => r[0]?.status === 'stopped',
    );

    const objectionNumber = `FHJ-2026-${agencyCode}-OBJ0000003`;
    const { task } = await fileObjection({
      caseNumber: objectionNumber,
      originalCaseNumber: caseNumber,
      agencyCode,
      subject: 'stop_decision',
    });
    await env.client.workflow.getHandle(objectionNumber).executeUpdate(completeTask, {
      args: [
        {
          taskId: task.id,
          actor: reviewer(agencyCode),
          form: {
            decision: 'correct',
            correction: { kind: 'resume', fromMonth: month2 },
            reasons: ['就业登记系误录，本人未就业'],
          },
        },
      ],
    });
    const [concluded] = await eventually(
      () =>
        tdb.sql<{ status: string; conclusion: { applied?: { kind: string; resumedFrom: string } } }>(
          'SELECT status, conclusion FROM objection WHERE case_number = $1',
          [objectionNumber],
        ),
      (r) => r[0]?.status === 'corrected',
    );
    expect(concluded!.conclusion.applied).toMatchObject({ kind: 'resumed', resumedFrom: month2 });

    // To the end: months 0-3 each paid once, although the same job record is still in the source.
    await advanceTo(env, shanghaiInstant(`${addToMonth(first, months + 1)}-20`, 12));
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM benefit_period WHERE id = $1', [periodId]),
      (r) => r[0]?.status === 'completed',
    );
    const paid = await tdb.sql<{ month: string }>(
      "SELECT month FROM payable WHERE period_id = $1 AND kind = 'unemployment_benefit' AND status = 'paid' ORDER BY month",
      [periodId],
    );
    expect(paid.map((p) => p.month)).toEqual([0, 1, 2, 3].map((i) => addToMonth(first, i)));
    const bank = (
      await sim.admin<{ payments: { paymentId: string; result: string }[] }>('GET', '/bank/ledger')
    ).payments.filter((p) => p.paymentId.startsWith(`${periodId}.UB.`) && p.result === 'paid');
    expect(bank).toHaveLength(4);
    const resumed = await tdb.sql<{ type: string }>(
      "SELECT type FROM case_event WHERE case_number = $1 AND type = 'payments_resumed'",
      [caseNumber],
    );
    expect(resumed).toHaveLength(1);
    // Art. 44: the period closes in good order: medical cover enrolled again after the stop, ended with the period.
    await expect(env.client.workflow.getHandle(periodId).result()).resolves.toBe('completed');
    const cover = await sim.clients.medical.getBeneficiary(person!.idNumber);
    expect(cover).toMatchObject({ status: 'left', endDate: addDays(addMonths(startDate, months), -1) });
    expect(cover!.startDate > startDate).toBe(true);
    // The replay test's histories (RECORD_HISTORIES=1): the objection that lifted the stop, and the period it resumed.
    await recordHistory('objection-review-stop-lifted', env.client.workflow.getHandle(objectionNumber));
    await recordHistory('benefit-period-resumed-on-objection', env.client.workflow.getHandle(periodId));
  });
});
