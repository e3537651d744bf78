/**
 * Job-retention refunds and skill-upgrade subsidies with their public notices, on the time-skipping test server with
 * real PostgreSQL, the simulated sources and bank over HTTP, and the city's monthly payment run (issue 8; Art. 49,
 * 50, 39, 63): the screening (免申即享) opens cases only for eligible employers and lists them in one notice; the
 * notice, published just before the Spring Festival, ends after exactly 5 workdays on the calendar; an objection holds
 * only its item while the others are paid to the employers' accounts; a skill subsidy is granted, published and paid,
 * a second claim for the same certificate level is refused with the reason, and so is an unknown certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, dayOfWeek } from '../../domain/calendar';
import { accountOutcome } from '../../simulators/simulator';
import { correctBankAccount } from '../../workflows/benefit-period';
import { jobRetentionScreening } from '../../workflows/job-retention';
import { nextPayDay } from '../../contracts/pay-day';
import { cityPaymentCycle } from '../../workflows/payments';
import { objectToNoticeItem } from '../../workflows/public-notice';
import { skillSubsidy } from '../../workflows/skill-subsidy';
import { completeTask } from '../../workflows/tasks';
import { addToMonth, shanghaiDate, shanghaiInstant } from '../../domain/business-time';
import { seedFutureCalendarYears } from '../support/calendar';
import { findPeople, type Person } from '../support/claimants';
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

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
const taskQueue = uniqueTaskQueue('subsidy');
const started: { terminate(reason?: string): Promise<unknown> }[] = [];
const reviewer = {
  userId: '00000000-0000-4000-8000-000000000201',
  username: 'reviewer.sy',
  roles: ['reviewer'],
  agencyCode: '210100',
};

/** Lunar New Year's Day (正月初一) of the years the time-skipping clock may be in. */
const NEW_YEAR: Record<number, string> = {
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
  2033: '2033-01-31',
  2034: '2034-02-19',
  2035: '2035-02-08',
};
const weekend = (d: string) => dayOfWeek(d) === 0 || dayOfWeek(d) === 6;

/**
 * Test data for a year the packaged calendar does not cover: New Year's Day, a Spring Festival break from New Year's
 * Eve (除夕) for 8 days, the first weekend day after it worked instead (调休上班), National Day.
 */
function springFestivalYear(year: number) {
  const eve = addDays(NEW_YEAR[year]!, -1);
  const block = Array.from({ length: 8 }, (_, i) => addDays(eve, i));
  let adjusted = addDays(block[7]!, 1);
  while (!weekend(adjusted)) adjusted = addDays(adjusted, 1);
  const holidays = [`${year}-01-01`, ...block, `${year}-10-01`, `${year}-10-02`, `${year}-10-03`].filter(
    (d) => !weekend(d),
  );
  return { eve, holidays, adjusted: [adjusted] };
}

let notice: { year: number; start: string; holidays: string[]; adjusted: string[] };

beforeAll(async () => {
  env = await timeSkippingEnv();
  tdb = await createTestDatabase();
  // The next Spring Festival the shared clock has not passed: the notice starts two workdays before New Year's Eve.
  const today = shanghaiDate(await env.currentTimeMs());
  for (const year of Object.keys(NEW_YEAR).map(Number)) {
    const sf = springFestivalYear(year);
    let start = sf.eve;
    for (let n = 0; n < 2;) {
      start = addDays(start, -1);
      if (!weekend(start)) n++;
    }
    if (start > addDays(today, 1)) {
      notice = { year, start, holidays: sf.holidays, adjusted: sf.adjusted };
      break;
    }
  }
  await tdb.sql(
    `INSERT INTO calendar_year (year, holidays, adjusted_workdays, source, updated_by, created_at, updated_at)
     VALUES ($1, $2::date[], $3::date[], 'test data (Spring Festival)', 'test', now(), now())`,
    [notice.year, notice.holidays, notice.adjusted],
  );
  await seedFutureCalendarYears(tdb);
  // The shared data as of the screening day: last year's contributions are all received.
  sim = await startSimulator({ asOf: notice.start, persons: 4000 });
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  started.push(
    await env.client.workflow.start(cityPaymentCycle, {
      taskQueue,
      workflowId: `payment-cycle-210100-${taskQueue}`,
      args: [{ agencyCode: '210100' }],
    }),
  );
});
afterAll(async () => {
  // The time-skipping server is shared by the timer files: leave nothing of ours waiting on it.
  const open = await tdb
    ?.sql<{ workflow_id: string }>('SELECT workflow_id FROM "case" UNION SELECT id FROM public_notice')
    .catch(() => []);
  for (const h of started) await h.terminate('test file done').catch(() => undefined);
  for (const r of open ?? [])
    await env.client.workflow
      .getHandle(r.workflow_id)
      .terminate('test file done')
      .catch(() => undefined);
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

/** The n-th workday after `start` on the test calendar, counted independently of the system's calendar code. */
function workdaysAfter(start: string, n: number, holidays: string[], adjusted: string[]): string {
  let d = start;
  for (let k = 0; k < n;) {
    d = addDays(d, 1);
    if (adjusted.includes(d) || (!weekend(d) && !holidays.includes(d))) k++;
  }
  return d;
}

/** A bank account number the simulated bank answers with `outcome` (simulators/simulator.ts). */
function accountWith(outcome: ReturnType<typeof accountOutcome>, seed: number): string {
  for (let i = seed * 100_000; ; i++) {
    const candidate = `621700${String(30_000_000_000 + i * 7919).padStart(11, '0')}`;
    if (accountOutcome(candidate) === outcome) return candidate;
  }
}

const caseStatus = async (caseNumber: string) =>
  (await tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]))[0]?.status;

interface AdminEmployer {
  uscc: string;
  name: string;
  type: string;
  agencyDivisionCode: string;
  credit: { status: string };
  bankAccount: { accountNumber: string };
  bankOutcome: string;
}

describe('job-retention refund granted without application, with its notice (Art. 49)', () => {
  it('screens the city’s employers, lists the eligible ones, ends the notice after exactly 5 workdays over the Spring Festival, holds only the item objected to and pays the others to the employers’ accounts (Art. 49)', async () => {
    await advanceTo(env, shanghaiInstant(notice.start, 10), 2 * 86_400_000);
    const screeningId = `job-retention-screening-210100-${taskQueue}`;
    const handle = await env.client.workflow.start(jobRetentionScreening, {
      taskQueue,
      workflowId: screeningId,
      args: [{ agencyCode: '210100' }],
    });
    started.push(handle);
    const [{ notice_id: noticeId }] = (await eventually(
      () =>
        tdb.sql<{ notice_id: string }>(
          'SELECT i.notice_id FROM public_notice_item i JOIN job_retention_case j USING (case_number) WHERE j.screening_id = $1 LIMIT 1',
          [screeningId],
        ),
      (r) => r.length === 1,
      600,
    )) as [{ notice_id: string }];
    const [published] = await eventually(
      () =>
        tdb.sql<{ end_date: string; ends_at: Date; status: string; start_date: string }>(
          "SELECT to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, ends_at, status FROM public_notice WHERE id = $1",
          [noticeId],
        ),
      (r) => r.length === 1,
      600,
    );

    // Exactly 5 workdays on the calendar, counted from the day after publication, over the Spring Festival break.
    const endDate = workdaysAfter(notice.start, 5, notice.holidays, notice.adjusted);
    expect(published).toEqual({
      start_date: notice.start,
      end_date: endDate,
      ends_at: new Date(shanghaiInstant(addDays(endDate, 1), 0)),
      status: 'open',
    });
    if (notice.year === 2027) expect(endDate).toBe('2027-02-17'); // 2-4, [5-12 break], 13 (调休), 15, 16, 17

    // Only eligible employers (check against the simulator's own data): none on the serious-dishonesty list, no public
    // institution; each refund the ratio of last year's contributions.
    const cases = await tdb.sql<{
      case_number: string;
      uscc: string;
      amount_fen: number;
      account_number: string;
      employer_name: string;
    }>(
      'SELECT case_number, uscc, amount_fen, account_number, employer_name FROM job_retention_case WHERE screening_id = $1 ORDER BY case_number',
      [screeningId],
    );
    const employers: AdminEmployer[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const page: { items: AdminEmployer[]; nextOffset: number | null } = await sim.admin(
        'GET',
        `/employers?limit=200&offset=${offset}`,
      );
      employers.push(...page.items.filter((e) => e.agencyDivisionCode === '210100'));
      offset = page.nextOffset;
    }
    const byUscc = new Map(employers.map((e) => [e.uscc, e]));
    expect(cases.length).toBeGreaterThanOrEqual(2);
    expect(cases.length).toBeLessThan(employers.length);
    for (const c of cases) {
      const e = byUscc.get(c.uscc)!;
      expect(e).toBeDefined();
      expect(e.credit.status).not.toBe('seriously_dishonest');
      expect(e.type).not.toBe('public_institution');
      expect(c.account_number).toBe(e.bankAccount.accountNumber);
      expect(c.employer_name).toBe(e.name);
    }
    const dishonest = employers.filter((e) => e.credit.status === 'seriously_dishonest').map((e) => e.uscc);
    expect(cases.filter((c) => dishonest.includes(c.uscc))).toEqual([]);
    const lastYear = Number(notice.start.slice(0, 4)) - 1;
    const first = cases[0]!;
    const contributions: { months: { amountPaidTotalFen: number }[] } = await fetch(
      `${sim.url}/tax/employers/${first.uscc}/contributions?from=${lastYear}-01&to=${lastYear}-12`,
    ).then((r) => r.json() as never);
    const paidLastYear = contributions.months.reduce((s, m) => s + m.amountPaidTotalFen, 0);
    const large = (await (await fetch(`${sim.url}/tax/employers/${first.uscc}`)).json()) as { size: string };
    expect(first.amount_fen).toBe(Math.round((paidLastYear * (large.size === 'large' ? 3000 : 6000)) / 10_000));

    // The list: employer and amount; every case told (on the platform: the screening has no mobile).
    const items = await tdb.sql<{ item_no: number; case_number: string; display: { employerName: string } }>(
      'SELECT item_no, case_number, display FROM public_notice_item WHERE notice_id = $1 ORDER BY item_no',
      [noticeId],
    );
    expect(items.map((i) => i.case_number).sort()).toEqual(cases.map((c) => c.case_number).sort());
    await eventually(
      () =>
        tdb.sql("SELECT 1 FROM case_event WHERE type = 'employer_informed' AND case_number = ANY($1)", [
          cases.map((c) => c.case_number),
        ]),
      (r) => r.length === cases.length,
    );

    // An objection to item 1 holds only that item, and opens a verification task.
    const noticeHandle = env.client.workflow.getHandle(noticeId);
    const objected = items[0]!;
    await noticeHandle.executeUpdate(objectToNoticeItem, {
      args: [{ itemNo: objected.item_no, reason: '该单位上年度有裁员未如实申报', contact: '13800000000' }],
    });
    const verification = (
      await eventually(
        () =>
          tdb.sql<{ id: string }>(
            "SELECT id FROM task WHERE case_number = $1 AND type = 'notice_objection_verification' AND status = 'open'",
            [noticeId],
          ),
        (r) => r.length === 1,
      )
    )[0]!.id;

    // The end of the period: the others are released; the held one waits.
    await advanceTo(env, shanghaiInstant(addDays(endDate, 1), 10), 2 * 86_400_000);
    const statuses = await eventually(
      () =>
        tdb.sql<{ item_no: number; status: string }>(
          'SELECT item_no, status FROM public_notice_item WHERE notice_id = $1 ORDER BY item_no',
          [noticeId],
        ),
      (r) => r.filter((x) => x.status === 'released').length === items.length - 1,
    );
    expect(statuses.map((s) => s.status)).toEqual(
      items.map((i) => (i.item_no === objected.item_no ? 'held' : 'released')),
    );

    // Paid with the city's next run, to the employers' own accounts, as job-retention refunds.
    const runMonth = addToMonth(addDays(endDate, 1).slice(0, 7), 1);
    await throughRunOf(env, tdb, '210100', runMonth, 2 * 86_400_000);
    const released = cases.filter((c) => c.case_number !== objected.case_number);
    const payables = await eventually(
      () =>
        tdb.sql<{
          case_number: string;
          status: string;
          amount_fen: number;
          account_number: string;
          payee_name: string;
        }>(
          "SELECT case_number, status, amount_fen, account_number, payee_name FROM payable WHERE kind = 'job_retention_refund' AND attempt = 1",
        ),
      (r) => r.length === released.length && r.every((p) => p.status === 'paid' || p.status === 'failed'),
    );
    expect(payables.map((p) => p.case_number).sort()).toEqual(released.map((c) => c.case_number).sort());
    const ledger = (
      await sim.admin<{
        payments: { paymentId: string; result: string; payeeAccount: string; amountFen: number; purpose: string }[];
      }>('GET', '/bank/ledger')
    ).payments;
    for (const c of released) {
      const outcome = byUscc.get(c.uscc)!.bankOutcome;
      const p = payables.find((x) => x.case_number === c.case_number)!;
      expect(p).toMatchObject({
        amount_fen: c.amount_fen,
        account_number: c.account_number,
        payee_name: c.employer_name,
      });
      expect(p.status).toBe(outcome === 'paid' ? 'paid' : 'failed');
      if (outcome === 'paid') {
        expect(ledger.filter((b) => b.paymentId.startsWith(c.case_number) && b.result === 'paid')).toEqual([
          expect.objectContaining({
            purpose: 'job_retention_refund',
            amountFen: c.amount_fen,
            payeeAccount: c.account_number,
          }),
        ]);
        await eventually(
          () => caseStatus(c.case_number),
          (s) => s === 'paid',
        );
      }
    }
    expect(ledger.filter((b) => b.paymentId.startsWith(objected.case_number))).toEqual([]);
    expect(await caseStatus(objected.case_number)).toBe('in_notice');

    // The held item follows its verification: the objection is founded, the refund withdrawn.
    await noticeHandle.executeUpdate(completeTask, {
      args: [
        {
          taskId: verification,
          actor: reviewer,
          form: { decision: 'withdraw', reasons: ['核实上年度裁员率高于规定标准'] },
        },
      ],
    });
    expect(
      await eventually(
        () => caseStatus(objected.case_number),
        (s) => s === 'withdrawn',
      ),
    ).toBe('withdrawn');
    expect(
      (
        await tdb.sql<{ status: string }>(
          'SELECT status FROM public_notice_item WHERE notice_id = $1 AND item_no = $2',
          [noticeId, objected.item_no],
        )
      )[0]!.status,
    ).toBe('withdrawn');
    expect(await tdb.sql('SELECT 1 FROM payable WHERE case_number = $1', [objected.case_number])).toHaveLength(0);
    // Withdrawn: the case no longer holds the employer's year (a later screening or application may open one).
    expect(
      (
        await eventually(
          () =>
            tdb.sql<{ outcome: string | null }>('SELECT outcome FROM job_retention_case WHERE case_number = $1', [
              objected.case_number,
            ]),
          (r) => r[0]?.outcome === 'withdrawn',
        )
      )[0]!.outcome,
    ).toBe('withdrawn');
  }, 600_000);
});

describe('skill-upgrade subsidy (Art. 50)', () => {
  let holder: Person;
  /** The holder's insured employer on the tax platform's record (the notice names it, Art. 50). */
  let holderEmployer: { uscc: string; name: string };
  let certificate: { certificateNumber: string; occupationName: string; level: string; issueDate: string };
  type Detail = {
    certificates: (typeof certificate)[];
    employments: { employerUscc: string; employerName: string; endDate: string | null }[];
  };
  /** A certificate holder insured now (an employment still open) at an employer of `city`. */
  async function holderIn(city: string, skip: string[] = []) {
    for (const p of await findPeople(sim, 'has_certificates,long_history,bank_paid', 60)) {
      if (skip.includes(p.idNumber)) continue;
      const d = await sim.admin<Detail>('GET', `/persons/${p.idNumber}`);
      const open = d.employments.filter((e) => e.endDate === null);
      if (open.length !== 1) continue;
      const e = await sim.clients.tax.getEmployer(open[0]!.employerUscc);
      if (e?.agencyDivisionCode === city)
        return { person: p, employer: { uscc: e.uscc, name: e.name }, certificate: d.certificates[0]! };
    }
    throw new Error(`no certificate holder insured in ${city}`);
  }

  /**
   * What the API writes before it starts the workflow, then the workflow. The declared employer is not the person's
   * insured employer unless `as` says so; `as.employer`: applied by that employer's agent.
   */
  async function apply(
    n: number,
    certificateNumber: string,
    accountNumber = holder.bankAccount.accountNumber,
    as: { person?: Person; employerAgentOf?: string } = {},
  ) {
    const person = as.person ?? holder;
    const caseNumber = `JNB-2027-210100-SKL${String(n).padStart(7, '0')}`;
    await tdb.sql(
      `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
       VALUES ($1, 'skill_subsidy', 'received', '210100', $1, now(), now())`,
      [caseNumber],
    );
    await tdb.sql(
      `INSERT INTO skill_subsidy_claim (case_number, request_key, channel, applied_by, id_type, id_number, name, phone,
         employer_uscc, employer_name, certificate_number, payment_method, account_number, submitted_at)
       VALUES ($1, $1, 'online', $7, 'resident_id_card', $2, $3, $4, $8, '沈阳某公司', $5,
         'social_security_card', $6, now())`,
      [
        caseNumber,
        person.idNumber,
        person.name,
        person.mobile,
        certificateNumber,
        accountNumber,
        as.employerAgentOf ? 'employer' : 'employee',
        as.employerAgentOf ?? '91210100MA0XXXXXX0',
      ],
    );
    const handle = await env.client.workflow.start(skillSubsidy, {
      taskQueue,
      workflowId: caseNumber,
      args: [{ caseNumber, agencyCode: '210100' }],
    });
    started.push(handle);
    return caseNumber;
  }
  const messages = (caseNumber: string) =>
    tdb.sql<{ kind: string; text: string }>('SELECT kind, text FROM message WHERE case_number = $1 ORDER BY at', [
      caseNumber,
    ]);

  it('grants by level, publishes for 5 workdays and pays after the notice, asking for a corrected account when the bank refuses it twice; refuses a second claim for the same certificate level and an unknown certificate, telling why (Art. 50, 39)', async () => {
    // Insured now in Shenyang: an employment still open at an insured employer (the tax platform's records).
    ({ person: holder, employer: holderEmployer, certificate } = await holderIn('210100'));
    const amount = { junior: 100_000, intermediate: 150_000, senior: 200_000 }[certificate.level]!;

    // The account given is one the bank refuses (a frozen card): the payment fails until it is corrected (Art. 39).
    const granted = await apply(1, certificate.certificateNumber, accountWith('frozen_card', 1));
    const st = await eventually(
      () => caseStatus(granted),
      (s) => s === 'in_notice' || s === 'refused',
    );
    const assessed = await tdb.sql('SELECT assessment FROM skill_subsidy_claim WHERE case_number = $1', [granted]);
    expect(st, JSON.stringify(assessed)).toBe('in_notice');
    const [item] = await eventually(
      () =>
        tdb.sql<{ display: Record<string, string>; amount_fen: number }>(
          'SELECT display, amount_fen FROM public_notice_item WHERE case_number = $1',
          [granted],
        ),
      (r) => r.length === 1,
    );
    // Art. 50: name, ID number masked, employer (职工所在企业: the insured one on record, not the one declared),
    // certificate level, issue date, amount.
    expect(item!.amount_fen).toBe(amount);
    expect(item!.display).toMatchObject({
      name: holder.name,
      employerName: holderEmployer.name,
      issueDate: certificate.issueDate,
    });
    expect(holderEmployer.name).not.toBe('沈阳某公司');
    expect(item!.display.idNumberMasked).toBe(`${holder.idNumber.slice(0, 6)}********${holder.idNumber.slice(-4)}`);

    // The same certificate again: refused, and told why.
    const again = await apply(2, certificate.certificateNumber);
    expect(
      await eventually(
        () => caseStatus(again),
        (s) => s === 'refused',
      ),
    ).toBe('refused');
    const told = await eventually(
      () => messages(again),
      (m) => m.length === 1,
    );
    expect(told[0]!.kind).toBe('skill_subsidy_refused');
    expect(told[0]!.text).toContain('同一职业同一技能等级的技能提升补贴已享受');

    // A certificate the national registry does not know: refused, and told why.
    const unknown = await apply(3, '209999999999999999');
    expect(
      await eventually(
        () => caseStatus(unknown),
        (s) => s === 'refused',
      ),
    ).toBe('refused');
    const toldUnknown = await eventually(
      () => messages(unknown),
      (m) => m.length === 1,
    );
    expect(toldUnknown[0]!.text).toContain('国家职业资格证书网未查到该证书');
    expect(
      await tdb.sql('SELECT 1 FROM public_notice_item WHERE case_number = ANY($1)', [[again, unknown]]),
    ).toHaveLength(0);

    // The notice period: 5 workdays from the day after publication (Art. 50).
    const [period] = await tdb.sql<{ end_date: string }>(
      "SELECT to_char(end_date, 'YYYY-MM-DD') AS end_date FROM public_notice WHERE id = $1",
      [`GSH${granted.slice(3)}`],
    );
    const pubDay = shanghaiDate(await env.currentTimeMs());
    expect(period!.end_date).toBe(workdaysAfter(pubDay, 5, notice.holidays, notice.adjusted));
    const grantedSms = await eventually(
      () => messages(granted),
      (m) => m.length === 1,
    );
    expect(grantedSms.map((m) => m.kind)).toEqual(['skill_subsidy_granted']);
    expect(grantedSms[0]!.text).toContain(`至${period!.end_date}`);

    // No objection: released when the period ends (经公示无异议的，及时发放), paid with the city's next run.
    await advanceTo(env, shanghaiInstant(addDays(period!.end_date, 1), 10), 86_400_000);
    expect(
      await eventually(
        () => caseStatus(granted),
        (x) => x === 'in_payment',
      ),
    ).toBe('in_payment');
    const firstRun = nextPayDay(await env.currentTimeMs()).month;
    const attempts = () =>
      tdb.sql<{ attempt: number; status: string; account_number: string; amount_fen: number; result_code: string }>(
        "SELECT attempt, status, account_number, amount_fen, result_code FROM payable WHERE case_number = $1 AND kind = 'skill_upgrade_subsidy' ORDER BY attempt",
        [granted],
      );
    // Refused by the bank with this run and the next (the re-send): the person is asked, once, to correct the account.
    await throughRunOf(env, tdb, '210100', firstRun, 2 * 86_400_000);
    await throughRunOf(env, tdb, '210100', addToMonth(firstRun, 1), 2 * 86_400_000);
    const refused = await eventually(attempts, (r) => r.length === 2 && r.every((x) => x.status === 'failed'));
    expect(refused.map((x) => [x.attempt, x.result_code, x.amount_fen])).toEqual([
      [1, 'frozen_card', amount],
      [2, 'frozen_card', amount],
    ]);
    const asked = await eventually(
      () => messages(granted),
      (m) => m.some((x) => x.kind === 'subsidy_account'),
    );
    expect(asked.filter((x) => x.kind === 'subsidy_account')).toHaveLength(1);
    expect(asked.find((x) => x.kind === 'subsidy_account')!.text).toContain('更正收款账户信息');
    expect(await caseStatus(granted)).toBe('in_payment');

    // The corrected account (the API's POST /cases/:caseNumber/bank-account): re-sent once with the next run, paid.
    const good = accountWith('paid', 2);
    const corrected = await env.client.workflow.getHandle(granted).executeUpdate(correctBankAccount, {
      args: [
        {
          by: { id: reviewer.userId, username: reviewer.username },
          method: 'bank_account',
          bankName: '中国工商银行沈阳分行',
          accountNumber: good,
          reason: '申领人到窗口更正银行账户',
        },
      ],
    });
    expect(corrected).toEqual({ requeued: ['skill_upgrade_subsidy'] });
    await throughRunOf(env, tdb, '210100', addToMonth(firstRun, 2), 2 * 86_400_000);
    expect(
      await eventually(
        () => caseStatus(granted),
        (x) => x === 'paid',
      ),
    ).toBe('paid');
    expect((await attempts()).map((x) => [x.attempt, x.status, x.account_number])).toEqual([
      [1, 'failed', expect.any(String)],
      [2, 'failed', expect.any(String)],
      [3, 'paid', good],
    ]);
    const ledger = (
      await sim.admin<{
        payments: { paymentId: string; result: string; payeeAccount: string; amountFen: number; purpose: string }[];
      }>('GET', '/bank/ledger')
    ).payments.filter((b) => b.paymentId.startsWith(granted) && b.result === 'paid');
    expect(ledger).toEqual([
      expect.objectContaining({ purpose: 'skill_upgrade_subsidy', amountFen: amount, payeeAccount: good }),
    ]);
    const toldPaid = await eventually(
      () => messages(granted),
      (m) => m.some((x) => x.kind === 'subsidy_paid'),
    );
    expect(toldPaid.map((m) => m.kind)).toEqual(['skill_subsidy_granted', 'subsidy_account', 'subsidy_paid']);
  }, 600_000);

  it('refuses at the review what the record says is not for this agency or this employer: a person insured in Tieling, another company’s agent (Art. 8, 50)', async () => {
    const tieling = await holderIn('211200');
    const elsewhere = await apply(11, tieling.certificate.certificateNumber, tieling.person.bankAccount.accountNumber, {
      person: tieling.person,
    });
    const own = await holderIn('210100', [holder.idNumber]);
    const foreign = await apply(12, own.certificate.certificateNumber, own.person.bankAccount.accountNumber, {
      person: own.person,
      employerAgentOf: '91210100MA0XXXXXX0',
    });
    for (const [caseNumber, code, text] of [
      [elsewhere, 'not_insured_here', '应向参保地失业保险经办机构申请'],
      [foreign, 'not_own_employee', '申请单位不是该职工的参保单位'],
    ] as const) {
      expect(
        await eventually(
          () => caseStatus(caseNumber),
          (x) => x === 'refused' || x === 'in_notice',
        ),
      ).toBe('refused');
      const [row] = await tdb.sql<{ assessment: { reasons: { code: string }[] }; insured_employer_uscc: string }>(
        'SELECT assessment, insured_employer_uscc FROM skill_subsidy_claim WHERE case_number = $1',
        [caseNumber],
      );
      expect(row!.assessment.reasons.map((r) => r.code)).toContain(code);
      const told = await eventually(
        () => messages(caseNumber),
        (m) => m.length === 1,
      );
      expect(told[0]!.text).toContain(text);
    }
    expect(
      (
        await tdb.sql<{ insured_employer_uscc: string; insured_agency_code: string }>(
          'SELECT insured_employer_uscc, insured_agency_code FROM skill_subsidy_claim WHERE case_number = $1',
          [elsewhere],
        )
      )[0],
    ).toEqual({ insured_employer_uscc: tieling.employer.uscc, insured_agency_code: '211200' });
    expect(
      await tdb.sql('SELECT 1 FROM public_notice_item WHERE case_number = ANY($1)', [[elsewhere, foreign]]),
    ).toHaveLength(0);
  }, 120_000);
});
