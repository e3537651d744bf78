/**
 * The other benefits of a benefit period on the time-skipping test server, with real PostgreSQL, the simulated sources
 * and bank over HTTP, and the city's monthly payment run (issue 6; Art. 46, 47, 39, 62, 63): the survivors of a
 * beneficiary who died are paid the funeral grant, the survivor pension and the unpaid month of death once, to their
 * own account; a survivor who chose another scheme's grant gets only the month of death; a beneficiary who gave birth
 * gets the childbirth medical subsidy, capped at 6 months, after the missing material is supplied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { accountOutcome } from '../../simulators/simulator';
import { supplyMaterials } from '../../contracts/claim';
import { benefitPeriod } from '../../workflows/benefit-period';
import { monitoringItemVerification } from '../../workflows/monitoring';
import { objectionReview } from '../../workflows/objection-review';
import { otherBenefit } from '../../workflows/other-benefit';
import { cityPaymentCycle } from '../../workflows/payments';
import { completeTask } from '../../workflows/tasks';
import { addCalendarMonths, addToMonth, shanghaiDate, shanghaiInstant } from '../../domain/business-time';
import { seedFutureCalendarYears } from '../support/calendar';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/wait';
import {
  advanceTo,
  type RunningWorker,
  startWorker,
  throughRunOf,
  timeSkippingEnv,
  uniqueTaskQueue,
} from '../support/temporal';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { seedEligibleDetermination } from '../support/seed';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let people: Person[] = [];
let mother: Person;
let mothers: Person[] = [];
const taskQueue = uniqueTaskQueue('other');
const started: { terminate(reason?: string): Promise<unknown> }[] = [];
const MONTHLY = 189_550;
const staff = (n: number, roles: string[]) => ({
  userId: `00000000-0000-4000-8000-00000000010${n}`,
  username: `staff${n}.sy`,
  roles,
  agencyCode: '210100',
});
const reviewer = staff(1, ['reviewer', 'approver']);
const approver = staff(2, ['approver']);
const auditor = staff(3, ['auditor', 'approver']);

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  await seedFutureCalendarYears(tdb);
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  const clean = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,!funeral_grant_paid,bank_paid';
  // GB 11643: an odd 17th digit is a man, an even one a woman. Each person is in one test only (a death reaches every
  // period of theirs).
  people = await findPeople(sim, clean, 4, (p) => Number(p.idNumber[16]) % 2 === 1);
  mothers = await findPeople(sim, clean, 3, (p) => Number(p.idNumber[16]) % 2 === 0);
  mother = mothers.shift()!;
  started.push(
    await env.client.workflow.start(cityPaymentCycle, {
      taskQueue,
      workflowId: `payment-cycle-210100-${taskQueue}`,
      args: [{ agencyCode: '210100' }],
    }),
  );
});
afterAll(async () => {
  // The time-skipping server is shared by the timer files: leave nothing of ours waiting on it (recoveries the periods
  // started included).
  for (const h of started) await h.terminate('test file done').catch(() => undefined);
  const recoveries = tdb ? await tdb.sql<{ id: string }>('SELECT id FROM recovery') : [];
  for (const { id } of recoveries) {
    await env.client.workflow
      .getHandle(id)
      .terminate('test file done')
      .catch(() => undefined);
  }
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

/** A benefit claim of `person` in Shenyang and its 12-month benefit period, starting today (server time). */
/**
 * An approved claim of `person` and its benefit period. `running: false`: the period's row as its workflow wrote it,
 * but no workflow (one that ended or was lost), so that no test terminates a workflow on the shared time-skipping
 * server: a workflow terminated with an activity in flight kept that activity's hold on the server's clock, and the
 * next test's pay day never came (intermittently, temporalio/sdk-java#1618's kind).
 */
async function periodFor(person: Person, n: number, opts: { running?: boolean } = {}) {
  const caseNumber = `SYJ-2026-210100-OTH${String(n).padStart(7, '0')}`;
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
  const endDate = shanghaiDate(Date.parse(`${addCalendarMonths(startDate, 12)}T00:00:00Z`) - 86_400_000);
  const periodId = `${caseNumber}.P`;
  if (opts.running === false) {
    await tdb.sql(
      `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months, monthly_amount_fen,
         determination_version, created_at, updated_at)
       VALUES ($1, $2, '210100', 'active', $3, $4, 12, $5, 1, now(), now())`,
      [periodId, caseNumber, startDate, endDate, MONTHLY],
    );
    return { caseNumber, periodId, first: startDate.slice(0, 7) };
  }
  started.push(
    await env.client.workflow.start(benefitPeriod, {
      taskQueue,
      workflowId: periodId,
      args: [
        {
          periodId,
          caseNumber,
          agencyCode: '210100',
          startDate,
          endDate,
          months: 12,
          monthlyAmountFen: MONTHLY,
          determinationVersion: 1,
        },
      ],
    }),
  );
  await eventually(
    () => tdb.sql('SELECT 1 FROM benefit_period WHERE id = $1', [periodId]),
    (r) => r.length === 1,
  );
  return { caseNumber, periodId, first: startDate.slice(0, 7) };
}

/** A paying account other than the beneficiary's (the survivor's own). */
function goodAccount(seed: number): string {
  for (let i = seed; ; i++) {
    const candidate = `621700${String(20_000_000_000 + i * 7919).padStart(11, '0')}`;
    if (accountOutcome(candidate) === 'paid') return candidate;
  }
}

/** What the API writes before it starts the workflow (api/cases/other-benefits-router.ts), then the workflow. */
async function apply(
  kind: 'childbirth_subsidy' | 'survivor_benefits',
  benefitCaseNumber: string,
  n: number,
  row: {
    idNumber: string;
    name: string;
    phone: string;
    eventDate: string;
    materials: Record<string, boolean>;
    accountNumber: string;
    chosenScheme?: string;
    relationship?: string;
    compliesWithFamilyPlanning?: boolean;
  },
) {
  const caseNumber = `${kind === 'childbirth_subsidy' ? 'YLB' : 'SZF'}-2026-210100-OTH${String(n).padStart(7, '0')}`;
  await tdb.sql(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, $2, 'received', '210100', $1, now(), now())`,
    [caseNumber, kind],
  );
  await tdb.sql(
    `INSERT INTO other_benefit_claim (case_number, kind, benefit_case_number, request_key, channel, id_type, id_number,
       name, phone, relationship, event_date, chosen_scheme, complies_with_family_planning, materials, payment_method,
       account_number, submitted_at)
     VALUES ($1, $2, $3, $1, 'window', 'resident_id_card', $4, $5, $6, $7, $8, $9, $10, $11, 'social_security_card', $12, now())`,
    [
      caseNumber,
      kind,
      benefitCaseNumber,
      row.idNumber,
      row.name,
      row.phone,
      row.relationship ?? null,
      row.eventDate,
      row.chosenScheme ?? null,
      row.compliesWithFamilyPlanning ?? null,
      JSON.stringify(row.materials),
      row.accountNumber,
    ],
  );
  const handle = await env.client.workflow.start(otherBenefit, {
    taskQueue,
    workflowId: caseNumber,
    args: [{ caseNumber, kind, agencyCode: '210100' }],
  });
  started.push(handle);
  return { caseNumber, handle };
}

const caseStatus = async (caseNumber: string) =>
  (await tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]))[0]?.status;
const openTask = async (caseNumber: string, type: string) =>
  (
    await eventually(
      () =>
        tdb.sql<{ id: string }>("SELECT id FROM task WHERE case_number = $1 AND type = $2 AND status = 'open'", [
          caseNumber,
          type,
        ]),
      (r) => r.length === 1,
    )
  )[0]!.id;
const payables = (caseNumber: string) =>
  tdb.sql<{ kind: string; amount_fen: number; status: string; account_number: string; payee_name: string }>(
    'SELECT kind, amount_fen, status, account_number, payee_name FROM payable WHERE period_id = $1 ORDER BY kind, attempt',
    [caseNumber],
  );
const bankPaid = async (caseNumber: string) =>
  (
    await sim.admin<{
      payments: { paymentId: string; result: string; payeeAccount: string; amountFen: number; purpose: string }[];
    }>('GET', '/bank/ledger')
  ).payments.filter((p) => p.paymentId.startsWith(caseNumber) && p.result === 'paid');
const messages = (caseNumber: string) =>
  tdb.sql<{ kind: string; text: string; mobile_masked: string }>(
    'SELECT kind, text, mobile_masked FROM message WHERE case_number = $1 ORDER BY at',
    [caseNumber],
  );

describe('survivors of a beneficiary who died (Art. 47)', () => {
  it('pays the funeral grant and survivor pension a clerk set, and the unpaid month of death, once, to the survivor', async () => {
    const deceased = people[0]!;
    const p = await periodFor(deceased, 1);
    // Two months paid; the death on the 2nd of month 3, found at month 3's check: month 3 is never paid.
    const month3 = addToMonth(p.first, 2);
    await sim.admin('POST', '/deaths', { idNumber: deceased.idNumber, dateOfDeath: `${month3}-02` });
    await advanceTo(env, shanghaiInstant(`${month3}-05`, 12));
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM benefit_period WHERE id = $1', [p.periodId]),
      (r) => r[0]?.status === 'stopped',
    );

    const survivor = people[2]!;
    const account = goodAccount(1);
    const { caseNumber, handle } = await apply('survivor_benefits', p.caseNumber, 1, {
      idNumber: survivor.idNumber,
      name: survivor.name,
      phone: survivor.mobile,
      eventDate: `${month3}-02`,
      // The death certificate is not presented: civil affairs has the death (信息比对获取).
      materials: { survivorIdentity: true, deathCertificate: false, relationshipProof: true },
      accountNumber: account,
      chosenScheme: 'unemployment',
      relationship: 'spouse',
    });

    // The standard is not in the policy data: a reviewer sets the amounts, citing it.
    const amountsTask = await openTask(caseNumber, 'survivor_amounts');
    await handle.executeUpdate(completeTask, {
      args: [
        {
          taskId: amountsTask,
          actor: reviewer,
          form: {
            decision: 'set',
            funeralGrantFen: 500_000,
            survivorPensionFen: 1_000_000,
            basis: '沈阳市丧葬补助金标准（测试）',
          },
        },
      ],
    });
    // 岗位不相容: who set the amounts may not approve them, even with the approver role.
    const approval = await openTask(caseNumber, 'survivor_benefits_approval');
    const refused = await handle
      .executeUpdate(completeTask, { args: [{ taskId: approval, actor: reviewer, form: { decision: 'approve' } }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    await handle.executeUpdate(completeTask, {
      args: [{ taskId: approval, actor: approver, form: { decision: 'approve' } }],
    });
    await eventually(
      () => caseStatus(caseNumber),
      (s) => s === 'in_payment',
    );

    // Paid with the city's next run (the 10th of the next month), read on the 16th.
    await throughRunOf(env, tdb, '210100', month3);
    expect(
      await eventually(
        () => caseStatus(caseNumber),
        (s) => s === 'paid',
      ),
    ).toBe('paid');
    expect(await payables(caseNumber)).toEqual([
      {
        kind: 'death_month_benefit',
        amount_fen: MONTHLY,
        status: 'paid',
        account_number: account,
        payee_name: survivor.name,
      },
      {
        kind: 'funeral_grant',
        amount_fen: 500_000,
        status: 'paid',
        account_number: account,
        payee_name: survivor.name,
      },
      {
        kind: 'survivor_pension',
        amount_fen: 1_000_000,
        status: 'paid',
        account_number: account,
        payee_name: survivor.name,
      },
    ]);
    const bank = await bankPaid(caseNumber);
    expect(bank.map((b) => [b.purpose, b.amountFen, b.payeeAccount]).sort()).toEqual(
      [
        ['funeral_grant', 500_000, account],
        ['survivor_pension', 1_000_000, account],
        ['unemployment_benefit', MONTHLY, account],
      ].sort(),
    );
    // The month of death was not paid by the period: the ledger has it once, here.
    expect(
      await tdb.sql("SELECT 1 FROM payable WHERE period_id = $1 AND month = $2 AND kind = 'unemployment_benefit'", [
        p.periodId,
        month3,
      ]),
    ).toHaveLength(0);
    // The survivor is told, at their own number.
    const sent = await messages(caseNumber);
    expect(sent.map((m) => m.kind)).toEqual(['other_benefit_approved']);
    expect(sent[0]!.mobile_masked.slice(-4)).toBe(survivor.mobile.slice(-4));
    expect(sent[0]!.text).toContain('共16,895.50元');
    const set = await tdb.sql<{ actor: string; data: { basis: string } }>(
      "SELECT actor, data FROM case_event WHERE case_number = $1 AND type = 'survivor_amounts_set'",
      [caseNumber],
    );
    expect(set).toEqual([
      { actor: reviewer.username, data: expect.objectContaining({ basis: '沈阳市丧葬补助金标准（测试）' }) },
    ]);
  });

  it('pays only the month of death when the survivors chose the pension scheme’s grant (one scheme only)', async () => {
    const deceased = people[1]!;
    const p = await periodFor(deceased, 2);
    const now = shanghaiDate(await env.currentTimeMs());
    const month2 = addToMonth(now.slice(0, 7), 1);
    await sim.admin('POST', '/deaths', { idNumber: deceased.idNumber, dateOfDeath: `${month2}-01` });
    await advanceTo(env, shanghaiInstant(`${month2}-03`, 12));
    const account = goodAccount(50);
    const { caseNumber, handle } = await apply('survivor_benefits', p.caseNumber, 2, {
      idNumber: people[2]!.idNumber,
      name: people[2]!.name,
      phone: people[2]!.mobile,
      eventDate: `${month2}-01`,
      materials: { survivorIdentity: true, deathCertificate: true, relationshipProof: true },
      accountNumber: account,
      chosenScheme: 'pension',
      relationship: 'child',
    });
    // One review: the amounts are known (nil grant, the month of death).
    const review = await openTask(caseNumber, 'survivor_benefits_review');
    await handle.executeUpdate(completeTask, {
      args: [{ taskId: review, actor: reviewer, form: { decision: 'approve' } }],
    });
    await throughRunOf(env, tdb, '210100', month2);
    await eventually(
      () => caseStatus(caseNumber),
      (s) => s === 'paid',
    );
    expect((await payables(caseNumber)).map((x) => [x.kind, x.amount_fen, x.status])).toEqual([
      ['death_month_benefit', MONTHLY, 'paid'],
    ]);
    const assessed = await tdb.sql<{ assessment: { reasons: { code: string }[] } }>(
      'SELECT assessment FROM other_benefit_claim WHERE case_number = $1',
      [caseNumber],
    );
    expect(assessed[0]!.assessment.reasons.map((r) => r.code)).toEqual(['other_scheme_chosen']);
  });
});

describe('childbirth medical subsidy (Art. 46)', () => {
  it('asks for the missing hospital bills, then pays 50 % of the entitlement capped at 6 months of benefit', async () => {
    const p = await periodFor(mother, 3);
    const now = shanghaiDate(await env.currentTimeMs());
    const { caseNumber, handle } = await apply('childbirth_subsidy', p.caseNumber, 3, {
      idNumber: mother.idNumber,
      name: mother.name,
      phone: mother.mobile,
      eventDate: now,
      compliesWithFamilyPlanning: true,
      materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: false },
      accountNumber: mother.bankAccount.accountNumber,
    });
    await eventually(
      () => caseStatus(caseNumber),
      (s) => s === 'awaiting_materials',
    );
    const asked = await messages(caseNumber);
    expect(asked.map((m) => m.kind)).toEqual(['other_benefit_materials']);
    expect(asked[0]!.text).toContain('住院费用票据');
    await handle.executeUpdate(supplyMaterials, { args: [{ kinds: ['hospitalBills'], by: 'intake.sy' }] });

    const review = await openTask(caseNumber, 'childbirth_subsidy_review');
    await handle.executeUpdate(completeTask, {
      args: [{ taskId: review, actor: reviewer, form: { decision: 'approve' } }],
    });
    await throughRunOf(env, tdb, '210100', addToMonth(now.slice(0, 7), 1));
    await eventually(
      () => caseStatus(caseNumber),
      (s) => s === 'paid',
    );
    // 50 % × 12 months = 6 months, the cap: 6 × the month's benefit.
    expect((await payables(caseNumber)).map((x) => [x.kind, x.amount_fen, x.status])).toEqual([
      ['childbirth_subsidy', 6 * MONTHLY, 'paid'],
    ]);
    expect((await bankPaid(caseNumber)).map((b) => [b.purpose, b.amountFen])).toEqual([
      ['childbirth_medical_subsidy', 6 * MONTHLY],
    ]);
  });
});

describe('one grant per event (Art. 46, 47)', () => {
  it('a childbirth subsidy the reviewer refused does not block a rightful claim for the same birth (Art. 46)', async () => {
    const woman = mothers[0]!;
    const p = await periodFor(woman, 10);
    const birth = shanghaiDate(await env.currentTimeMs());
    const row = {
      idNumber: woman.idNumber,
      name: woman.name,
      phone: woman.mobile,
      eventDate: birth,
      compliesWithFamilyPlanning: true,
      materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
      accountNumber: woman.bankAccount.accountNumber,
    };
    const first = await apply('childbirth_subsidy', p.caseNumber, 10, row);
    await first.handle.executeUpdate(completeTask, {
      args: [
        {
          taskId: await openTask(first.caseNumber, 'childbirth_subsidy_review'),
          actor: reviewer,
          form: { decision: 'reject', reasons: ['住院费用票据与医学出生证明不一致'] },
        },
      ],
    });
    await eventually(
      () => caseStatus(first.caseNumber),
      (s) => s === 'refused',
    );
    // The same birth again, rightly: to review, not refused for the refused one.
    const second = await apply('childbirth_subsidy', p.caseNumber, 11, row);
    expect(
      await eventually(
        () => caseStatus(second.caseNumber),
        (s) => s !== 'received',
      ),
    ).toBe('awaiting_review');
    // And a third while the second is under review: refused at once, naming it.
    const third = await apply('childbirth_subsidy', p.caseNumber, 12, row);
    expect(
      await eventually(
        () => caseStatus(third.caseNumber),
        (s) => s !== 'received',
      ),
    ).toBe('refused');
    const [assessed] = await tdb.sql<{ assessment: { reasons: { code: string; message: string }[] } }>(
      'SELECT assessment FROM other_benefit_claim WHERE case_number = $1',
      [third.caseNumber],
    );
    expect(assessed!.assessment.reasons).toEqual([
      expect.objectContaining({ code: 'event_already_claimed', message: expect.stringContaining(second.caseNumber) }),
    ]);
    // One live case per event in the read model.
    const held = await tdb.sql<{ case_number: string }>(
      'SELECT case_number FROM other_benefit_claim WHERE event_key IS NOT NULL AND benefit_case_number = $1',
      [p.caseNumber],
    );
    expect(held.map((h) => h.case_number)).toEqual([second.caseNumber]);
  });

  it('tells the supervisors when the death a survivors’ claim confirms finds no running period (Art. 42)', async () => {
    const deceased = people[3]!;
    // A period whose workflow is not running (ended, or lost): its row only.
    const p = await periodFor(deceased, 13, { running: false });
    const today = shanghaiDate(await env.currentTimeMs());
    await sim.admin('POST', '/deaths', { idNumber: deceased.idNumber, dateOfDeath: today });
    const { caseNumber } = await apply('survivor_benefits', p.caseNumber, 13, {
      idNumber: people[2]!.idNumber,
      name: people[2]!.name,
      phone: people[2]!.mobile,
      eventDate: today,
      materials: { survivorIdentity: true, deathCertificate: false, relationshipProof: true },
      accountNumber: goodAccount(200),
      chosenScheme: 'unemployment',
      relationship: 'spouse',
    });
    const events = await eventually(
      () =>
        tdb.sql<{ case_number: string; data: { reason: string; date: string } }>(
          "SELECT case_number, data FROM case_event WHERE type = 'stop_not_reached' ORDER BY case_number",
        ),
      (r) => r.length === 2,
    );
    expect(events.map((e) => e.case_number).sort()).toEqual([p.caseNumber, caseNumber].sort());
    expect(events[0]!.data).toMatchObject({ reason: 'death', date: today });
    const told = await tdb.sql<{ role: string; message: string }>(
      "SELECT role, message FROM notification WHERE kind = 'stop_unhandled' AND case_number = $1",
      [p.caseNumber],
    );
    expect(told).toEqual([{ role: 'supervisor', message: expect.stringContaining(caseNumber) }]);
  });
});

describe('a confirmed audit finding (Art. 80)', () => {
  /** The grant the approver withdrew (Art. 80), objected to in the next test (Art. 13). */
  let withdrawnGrant: string;
  it('holds a period and a grant until an approver stops them: the period stops from the date and recovers what was paid after it, the grant is withdrawn', async () => {
    const woman = mothers[1]!;
    const p = await periodFor(woman, 20);
    // Two months paid before the finding.
    await throughRunOf(env, tdb, '210100', addToMonth(p.first, 1));
    const benefitPaid = () =>
      tdb.sql<{ month: string }>(
        "SELECT month FROM payable WHERE period_id = $1 AND kind = 'unemployment_benefit' AND status = 'paid' ORDER BY month",
        [p.periodId],
      );
    expect((await benefitPaid()).map((r) => r.month)).toEqual([p.first, addToMonth(p.first, 1)]);
    // A grant approved and waiting for the next run.
    const today = shanghaiDate(await env.currentTimeMs());
    const grant = await apply('childbirth_subsidy', p.caseNumber, 21, {
      idNumber: woman.idNumber,
      name: woman.name,
      phone: woman.mobile,
      eventDate: today,
      compliesWithFamilyPlanning: true,
      materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
      accountNumber: woman.bankAccount.accountNumber,
    });
    await grant.handle.executeUpdate(completeTask, {
      args: [
        {
          taskId: await openTask(grant.caseNumber, 'childbirth_subsidy_review'),
          actor: reviewer,
          form: { decision: 'approve' },
        },
      ],
    });
    await eventually(
      () => caseStatus(grant.caseNumber),
      (s) => s === 'in_payment',
    );

    // The item: both cases paid to one account (seeded as a run would record it).
    const item = 'YDH-2026-210100-OTH0000020';
    await tdb.sql(
      `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
       VALUES ($1, 'monitoring_item', 'awaiting_verification', '210100', $1, now(), now())`,
      [item],
    );
    await tdb.sql(
      `INSERT INTO monitoring_item (case_number, rule, subject_key, agency_code, status, details, first_run_id,
         detected_at, verification_started)
       VALUES ($1, 'sharedBankAccount', 'account:test-20', '210100', 'open', $2, 'monitoring-run-test', now(), true)`,
      [item, JSON.stringify({ caseNumbers: [p.caseNumber, grant.caseNumber], persons: 2 })],
    );
    const verification = await env.client.workflow.start(monitoringItemVerification, {
      taskQueue,
      workflowId: item,
      args: [{ caseNumber: item, agencyCode: '210100', rule: 'sharedBankAccount' }],
    });
    started.push(verification);
    await verification.executeUpdate(completeTask, {
      args: [
        {
          taskId: await openTask(item, 'monitoring_verification'),
          actor: auditor,
          form: { decision: 'confirmed', reasons: ['冒用他人账户领取'], rectification: '停发并追回' },
        },
      ],
    });
    const holds = () =>
      tdb.sql<{ case_number: string; status: string }>(
        'SELECT case_number, status FROM payment_hold WHERE item_case_number = $1 ORDER BY case_number',
        [item],
      );
    expect(await eventually(holds, (r) => r.length === 2)).toEqual(
      [
        { case_number: p.caseNumber, status: 'held' },
        { case_number: grant.caseNumber, status: 'held' },
      ].sort((a, b) => a.case_number.localeCompare(b.case_number)),
    );

    // 岗位不相容: the auditor who confirmed it may not decide its rectification, even as an approver.
    const rectification = await openTask(item, 'monitoring_rectification');
    const refused = await verification
      .executeUpdate(completeTask, {
        args: [{ taskId: rectification, actor: auditor, form: { decision: 'release', reasons: ['经核实无误'] } }],
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    await verification.executeUpdate(completeTask, {
      args: [
        {
          taskId: rectification,
          actor: approver,
          form: { decision: 'stop', stopDate: `${p.first}-28`, reasons: ['经核查自首月起冒领'] },
        },
      ],
    });

    // The period stops from the date at once (Art. 42) and what was paid for the month after goes to recovery (Art. 43).
    const period = await eventually(
      () =>
        tdb.sql<{ status: string; stop_reason: string | null }>(
          'SELECT status, stop_reason FROM benefit_period WHERE id = $1',
          [p.periodId],
        ),
      (r) => r[0]?.status === 'stopped',
    );
    expect(period[0]).toEqual({ status: 'stopped', stop_reason: 'audit_finding' });
    const recovery = await eventually(
      () =>
        tdb.sql<{ items: { kind: string; month: string; amountFen: number }[] }>(
          'SELECT items FROM recovery WHERE case_number = $1',
          [p.caseNumber],
        ),
      (r) => r.length === 1,
    );
    // The month after the stop's month: its benefit (and the premium the fund paid for it).
    expect(recovery[0]!.items.filter((i) => i.kind === 'unemployment_benefit')).toEqual([
      expect.objectContaining({ month: addToMonth(p.first, 1), amountFen: MONTHLY }),
    ]);
    // The grant is withdrawn: never sent, its applicant told why, the case ends there after the next run.
    expect(await payables(grant.caseNumber)).toEqual([
      expect.objectContaining({ kind: 'childbirth_subsidy', status: 'cancelled' }),
    ]);
    const told = await eventually(
      () => messages(grant.caseNumber),
      (m) => m.some((x) => x.kind === 'other_benefit_withdrawn'),
    );
    expect(told.find((x) => x.kind === 'other_benefit_withdrawn')!.text).toContain('经核查自首月起冒领');
    expect((await holds()).map((h) => h.status).sort()).toEqual(['stopped', 'withdrawn']);
    expect(await caseStatus(item)).toBe('rectified');

    await throughRunOf(env, tdb, '210100', addToMonth(p.first, 2));
    expect(
      await eventually(
        () => caseStatus(grant.caseNumber),
        (s) => s === 'withdrawn',
      ),
    ).toBe('withdrawn');
    expect(await bankPaid(grant.caseNumber)).toEqual([]);
    withdrawnGrant = grant.caseNumber;
    expect((await benefitPaid()).map((r) => r.month)).toEqual([p.first, addToMonth(p.first, 1)]);
    const audited = await tdb.sql<{ action: string; actor_name: string }>(
      "SELECT action, actor_name FROM audit_log WHERE entity = 'monitoring_item' AND entity_id = $1 ORDER BY id",
      [item],
    );
    expect(audited.map((a) => [a.action, a.actor_name])).toEqual([
      ['monitoring_item_confirmed', auditor.username],
      ['payments_held', auditor.username],
      ['monitoring_rectification_stop', approver.username],
    ]);
  });
  it('a grant withdrawn on the finding, found wrong on objection, waits for it and is paid with a later run; the hold says which objection lifted it (Art. 13, 80)', async () => {
    const objectionNumber = 'FHJ-2026-210100-OTH0000021';
    const objection = await env.client.workflow.start(objectionReview, {
      taskQueue,
      workflowId: objectionNumber,
      args: [
        {
          caseNumber: objectionNumber,
          originalCaseNumber: withdrawnGrant,
          caseType: 'childbirth_subsidy',
          agencyCode: '210100',
          subject: 'withdrawal',
          objector: 'person',
          grounds: '本人账户系本人所有，未冒领',
          evidence: [{ kind: 'bank_statement', title: '银行开户证明' }],
          filedAt: new Date(await env.currentTimeMs()).toISOString(),
          filedBy: 'applicant',
        },
      ],
    });
    started.push(objection);
    await objection.executeUpdate(completeTask, {
      args: [
        {
          taskId: await openTask(objectionNumber, 'objection_review'),
          actor: reviewer,
          form: { decision: 'correct', correction: { kind: 'resume' }, reasons: ['账户经核实为本人所有'] },
        },
      ],
    });
    expect(
      await eventually(
        () => caseStatus(withdrawnGrant),
        (st) => st === 'in_payment',
      ),
    ).toBe('in_payment');
    const hold = await tdb.sql<{ status: string; decision: { liftedOnObjection?: { objectionNumber: string } } }>(
      'SELECT status, decision FROM payment_hold WHERE case_number = $1',
      [withdrawnGrant],
    );
    expect(hold).toEqual([
      expect.objectContaining({
        status: 'released',
        decision: expect.objectContaining({
          decision: 'stop',
          liftedOnObjection: expect.objectContaining({ objectionNumber }),
        }),
      }),
    ]);
    // Queued again for a later month than the one it was withdrawn from; the withdrawn attempt stays cancelled.
    const ledger = await eventually(
      () =>
        tdb.sql<{ month: string; status: string }>(
          'SELECT month, status FROM payable WHERE case_number = $1 ORDER BY month',
          [withdrawnGrant],
        ),
      (r) => r.length === 2,
    );
    expect(ledger.map((r) => r.status)).toEqual(['cancelled', 'pending']);
    expect(ledger[1]!.month > ledger[0]!.month).toBe(true);
    const month = shanghaiDate(await env.currentTimeMs()).slice(0, 7);
    await throughRunOf(env, tdb, '210100', ledger[1]!.month > month ? ledger[1]!.month : addToMonth(month, 1));
    expect(
      await eventually(
        () => caseStatus(withdrawnGrant),
        (st) => st === 'paid',
      ),
    ).toBe('paid');
    expect(await bankPaid(withdrawnGrant)).toHaveLength(1);
    const [o] = await eventually(
      () =>
        tdb.sql<{ status: string; conclusion: { carriedOut?: unknown } }>(
          'SELECT status, conclusion FROM objection WHERE case_number = $1',
          [objectionNumber],
        ),
      (r) => r[0]?.conclusion?.carriedOut !== undefined,
    );
    expect(o!.conclusion.carriedOut).toEqual({ kind: 'resumed', resumedFrom: ledger[1]!.month });
  });
});
