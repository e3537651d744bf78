/**
 * 待遇退回 (Art. 42, 43) end to end: a recovery stands on a stop of the benefit period, one per stop (a revocation is a
 * stop of its own kind); a stop re-dated earlier by an auditor re-computes its recovery, audited and told to the
 * person, what was repaid still counted; the claim's case and page show its stops and recoveries beside its status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatYuan } from '../../domain/money';
import { eventually } from '../support/wait';
import { launchBrowser, screenshot, SKIP, signIn } from '../browser/support';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
/** Persons whose record makes them eligible for six months or more, nothing in the way, paid by the bank. */
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';
const SIX_MONTHS_OR_MORE = (p: Person) => p.paidMonths >= 24 && p.paidMonths < 96;

beforeAll(async () => {
  s = await startScenario({ name: 'recoveries' });
});
afterAll(async () => {
  await s?.close();
});

type Paid = { month: string; kind: string; amount_fen: number; payment_id: string };
const paidItems = (caseNumber: string) =>
  s.tdb.sql<Paid>(
    "SELECT month, kind, amount_fen, payment_id FROM payable WHERE case_number = $1 AND status = 'paid' ORDER BY month, kind",
    [caseNumber],
  );
const sum = (rows: { amount_fen: number }[]) => rows.reduce((a, r) => a + r.amount_fen, 0);
type RecoveryRow = {
  id: string;
  stop_id: string | null;
  stop_date: string;
  amount_fen: number;
  balance_fen: number;
  status: string;
};
const recoveries = (caseNumber: string) =>
  s.tdb.sql<RecoveryRow>(
    // stop_id read through to_jsonb: the same query runs on a schema without it (the scenario's failure before).
    `SELECT id, to_jsonb(r)->>'stop_id' AS stop_id, stop_date::text, amount_fen, balance_fen, status
       FROM recovery r WHERE case_number = $1 ORDER BY created_at, id`,
    [caseNumber],
  );

/**
 * An approved claim paid for three months or more (benefit and medical premium; the first pay day may pay two): its
 * first three months, in order, and the first day of its period.
 */
async function paidThreeMonths(person: Person) {
  const caseNumber = await s.approvedClaim(person);
  const agency = s.agencyOf(caseNumber);
  const benefitMonths = async () => [
    ...new Set((await paidItems(caseNumber)).filter((p) => p.kind === 'unemployment_benefit').map((p) => p.month)),
  ];
  for (let i = 0; i < 4 && (await benefitMonths()).length < 3; i++) await s.nextPayDay(agency);
  const months = await benefitMonths();
  expect(months.length).toBeGreaterThanOrEqual(3);
  const [period] = await s.tdb.sql<{ start_date: string }>(
    'SELECT start_date::text FROM benefit_period WHERE case_number = $1',
    [caseNumber],
  );
  return {
    caseNumber,
    agency,
    months: months.slice(0, 3) as [string, string, string],
    startDate: period!.start_date,
    staff: await s.staffOf(agency),
  };
}

/** The person (or a clerk for them) reports a stop condition that began on `date` (Art. 42 last paragraph). */
async function reportStop(caseNumber: string, date: string, reason = 'reemployed') {
  const staff = await s.staffOf(s.agencyOf(caseNumber));
  const r = await s.call('POST', `/cases/${caseNumber}/stop-report`, {
    headers: staff.intake.headers,
    body: { date, reason },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('待遇退回 (Art. 42, 43)', () => {
  it('Art. 43: an auditor cannot open a recovery for a benefit period that was never stopped (领金人员符合停发条件): 409 naming the rule, nothing written', async () => {
    const [person] = await s.people(CLEAN, 1, SIX_MONTHS_OR_MORE);
    const caseNumber = await s.approvedClaim(person!);
    const agency = s.agencyOf(caseNumber);
    const month = await s.nextPayDay(agency);
    const staff = await s.staffOf(agency);
    const r = await s.call('POST', '/recoveries', {
      headers: staff.auditor.headers,
      body: { caseNumber, stopDate: `${month}-20`, reason: '稽核比对发现重新就业' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.code).toBe('no_stop');
    expect(r.body.error.message).toContain('第四十三条');
    expect(r.body.error.fields).toEqual([{ path: 'caseNumber', message: expect.stringContaining('停发') }]);
    // Nothing written: no recovery, no audit entry, no SMS; the period pays on.
    expect(await recoveries(caseNumber)).toEqual([]);
    expect(
      await s.tdb.sql("SELECT 1 FROM audit_log WHERE case_number = $1 AND action LIKE 'recovery%'", [caseNumber]),
    ).toEqual([]);
    expect((await s.smsTo(person!.mobile)).filter((m) => m.text.includes('退还'))).toEqual([]);
    const [period] = await s.tdb.sql<{ status: string }>('SELECT status FROM benefit_period WHERE case_number = $1', [
      caseNumber,
    ]);
    expect(period!.status).toBe('active');
  });

  it('Art. 42, 43: two stops of one period (a reported stop, then a revocation of the determination) give two recoveries, each of its own payments', async () => {
    const [person] = await s.people(CLEAN, 1, SIX_MONTHS_OR_MORE);
    const { caseNumber, months, staff } = await paidThreeMonths(person!);
    const [, m2] = months;

    // Stop 1: re-employed in the second month, reported after the third was paid: the months after it are overpaid.
    await reportStop(caseNumber, `${m2}-15`);
    const [first] = await eventually(
      () => recoveries(caseNumber),
      (r) => r[0]?.status === 'awaiting_delivery',
    );
    const paid = await paidItems(caseNumber);
    expect(first!.amount_fen).toBe(sum(paid.filter((p) => p.month > m2)));

    // Stop 2: the determination was wrong from the start (an audit finding), revoked by two people.
    const proposed = await s.call('POST', `/cases/${caseNumber}/revocations`, {
      headers: staff.auditor.headers,
      body: { grounds: 'audit_finding', reference: 'JH-2026-043', reasons: ['稽核发现失业原因记录有误，实为本人辞职'] },
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const approved = await s.complete(proposed.body.caseNumber, 'revocation_approval', 'approver', {
      decision: 'approve',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    // Two recoveries, one per stop: the revocation's takes what the first stop's does not (each payment once).
    const both = await eventually(
      () => recoveries(caseNumber),
      (r) => r.length === 2 && r.every((x) => x.status === 'awaiting_delivery'),
    );
    expect(both).toHaveLength(2);
    const [r1, r2] = both as [RecoveryRow, RecoveryRow];
    expect(r1.id).not.toBe(r2.id);
    expect(r1.stop_id).not.toBeNull();
    expect(r2.stop_id).not.toBeNull();
    expect(r1.stop_id).not.toBe(r2.stop_id);
    expect(r1.amount_fen).toBe(sum(paid.filter((p) => p.month > m2)));
    expect(r2.amount_fen).toBe(sum(paid.filter((p) => p.month <= m2)));
    expect(r1.amount_fen + r2.amount_fen).toBe(sum(paid));
    const stops = await s.tdb.sql<{ id: string; reason: string }>(
      'SELECT id, reason FROM period_stop WHERE case_number = $1 ORDER BY seq',
      [caseNumber],
    );
    expect(stops.map((x) => x.reason)).toEqual(['reemployed', 'revoked']);
    expect([r1.stop_id, r2.stop_id]).toEqual(stops.map((x) => x.id));
    // The person is told of each, with its own amount.
    const notices = (
      await eventually(
        () => s.smsTo(person!.mobile),
        (m) => m.filter((x) => x.text.includes('日内退还')).length === 2,
      )
    ).filter((m) => m.text.includes('日内退还'));
    expect(notices.map((m) => m.text)).toEqual([
      expect.stringContaining(`共${formatYuan(r1.amount_fen)}元`),
      expect.stringContaining(`共${formatYuan(r2.amount_fen)}元`),
    ]);
  });

  it('Art. 43: an auditor who finds the stop began earlier re-dates it: the recovery is re-computed with more months, what was repaid still counted, audited, and the person told', async () => {
    const [person] = await s.people(CLEAN, 1, SIX_MONTHS_OR_MORE);
    const { caseNumber, months, startDate, staff } = await paidThreeMonths(person!);
    const [m1, m2, m3] = months;
    await reportStop(caseNumber, `${m2}-15`);
    const [opened] = await eventually(
      () => recoveries(caseNumber),
      (r) => r[0]?.status === 'awaiting_delivery',
    );
    const paid = await paidItems(caseNumber);
    expect(opened!.amount_fen).toBe(sum(paid.filter((p) => p.month > m2)));

    // The notice delivered in person; part repaid, confirmed by finance (the claim's only recovery, by its number).
    const today = await s.today();
    const delivered = await s.call('POST', `/recoveries/${caseNumber}/delivery`, {
      headers: staff.intake.headers,
      body: { method: 'in_person', deliveredOn: today, proof: { receivedBy: '本人签收' } },
    });
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    const repaid = await s.call('POST', `/recoveries/${caseNumber}/repayments`, {
      headers: staff.finance.headers,
      body: { amountFen: 10_000, receivedOn: today, reference: 'SLIP-43-1' },
    });
    expect(repaid.status, JSON.stringify(repaid.body)).toBe(200);

    // The auditor finds the re-employment began on the period's first day.
    const redated = await s.call('POST', '/recoveries', {
      headers: staff.auditor.headers,
      body: { caseNumber, stopDate: startDate, reason: '稽核比对发现重新就业始于首月' },
    });
    expect(redated.status, JSON.stringify(redated.body)).toBe(200);
    expect(redated.body).toMatchObject({ recoveryId: opened!.id, stopDate: startDate });
    expect(startDate.slice(0, 7)).toBe(m1);
    const more = sum(paid.filter((p) => p.month > m1));
    const [after] = await eventually(
      () => recoveries(caseNumber),
      (r) => r[0]?.amount_fen === more,
    );
    expect(after).toMatchObject({
      id: opened!.id,
      stop_date: startDate,
      amount_fen: more,
      balance_fen: more - 10_000,
      // A new amount is a new notice: its delivery starts the 30 days again.
      status: 'awaiting_delivery',
    });
    const [stop] = await s.tdb.sql<{ stop_date: string; found_date: string }>(
      'SELECT stop_date::text, found_date::text FROM period_stop WHERE id = $1',
      [after!.stop_id],
    );
    expect(stop).toEqual({ stop_date: startDate, found_date: `${m2}-15` });
    // Audited, with the amounts before and after.
    const audit = await s.tdb.sql<{ action: string; actor: string; before: any; after: any }>(
      "SELECT action, actor_name AS actor, before, after FROM audit_log WHERE case_number = $1 AND action = 'recovery_recomputed'",
      [caseNumber],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        actor: staff.auditor.username,
        before: expect.objectContaining({ stopDate: `${m2}-15`, amountFen: opened!.amount_fen }),
        after: expect.objectContaining({ stopDate: startDate, amountFen: more, balanceFen: more - 10_000 }),
      }),
    ]);
    // The person is told the new amount and what is left to repay.
    const texts = await eventually(
      () => s.smsTo(person!.mobile),
      (m) => m.some((x) => x.text.includes(formatYuan(more - 10_000))),
    );
    expect(texts.some((x) => x.text.includes(`共${formatYuan(more)}元`) && x.text.includes(startDate))).toBe(true);
    // A later date than the stop's is not the auditor's to set (it lowers the debt: a correction on objection).
    const later = await s.call('POST', '/recoveries', {
      headers: staff.auditor.headers,
      body: { caseNumber, stopDate: `${m3}-01`, reason: '再次核对' },
    });
    expect(later.status).toBe(409);
    expect(later.body.error.fields[0].path).toBe('stopDate');
  });

  it('Art. 42, 43: the claim shows its stops (reason, date, who found it) and recoveries (number, stop, amount, balance, status) beside its status, on the case and the page', async () => {
    const [person] = await s.people(CLEAN, 1, SIX_MONTHS_OR_MORE);
    const { caseNumber, months } = await paidThreeMonths(person!);
    const [, m2] = months;
    await reportStop(caseNumber, `${m2}-15`);
    const [r] = await eventually(
      () => recoveries(caseNumber),
      (x) => x[0]?.status === 'awaiting_delivery',
    );
    const view = await s.caseWhen(caseNumber, (v) => v.recoveries?.length === 1);
    // The claim's own status stays what its decision was; the benefit beside it says 停发, 追回中.
    expect(view.status).toBe('approved');
    expect(view.benefit).toMatchObject({ status: 'recovering', label: '已停发，追回中' });
    expect(view.stops).toEqual([
      expect.objectContaining({
        stopId: r!.stop_id,
        reason: 'reemployed',
        reasonLabel: '重新就业',
        date: `${m2}-15`,
        foundBy: expect.objectContaining({ kind: 'report' }),
        status: 'in_force',
        recoveryIds: [r!.id],
      }),
    ]);
    expect(view.recoveries).toEqual([
      expect.objectContaining({
        recoveryId: r!.id,
        stopId: r!.stop_id,
        stopDate: `${m2}-15`,
        amountFen: r!.amount_fen,
        balanceFen: r!.amount_fen,
        status: 'awaiting_delivery',
        statusLabel: '待送达追回通知',
      }),
    ]);
    const types = view.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['benefit_stopped', 'overpayment_found']));

    // The clerk's case page.
    if (SKIP) return;
    const browser = await launchBrowser();
    try {
      const agency = s.agencyOf(caseNumber);
      await s.staffOf(agency);
      await signIn(browser.page, s.api.url, `reviewer.${agency}`, `/app/case?n=${caseNumber}`);
      const page = browser.page;
      await page.locator('#summary .case-status').waitFor();
      expect(await page.locator('#summary').innerText()).toContain('已停发，追回中');
      const stops = await page.locator('#stops').innerText();
      expect(stops).toContain('重新就业');
      expect(stops).toContain(`${m2}-15`);
      expect(stops).toContain('本人申报');
      const recs = await page.locator('#recoveries').innerText();
      expect(recs).toContain(r!.id);
      expect(recs).toContain(formatYuan(r!.amount_fen));
      expect(recs).toContain('待送达追回通知');
      await expect.poll(() => page.locator('#timeline').innerText()).toContain('发现多发待遇，立案追回');
      await screenshot(page, 'recoveries-case-stops');
    } finally {
      await browser.close();
    }
  });
});
