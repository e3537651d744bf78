/**
 * 补收补缴 (Art. 26, with Art. 41) on the real servers: an employer's agent applies for the months it owes; the agency
 * assesses them from the pension base, the headcount and the rates in force then, with the late fee of 社会保险法
 * Art. 86; a reviewer confirms; the assessment goes to tax; once tax reports it paid in full the months are posted to
 * their original months with the receipt date, and a claim waiting on those arrears moves on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/wait';
import { startScenario, type Scenario } from './harness';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'back-payment', persons: 4000 });
});
afterAll(async () => {
  await s?.close();
});

interface SimEmployer {
  uscc: string;
  agencyDivisionCode: string;
}

const used = new Set<string>();
/** An employer owing recent months (its staff in arrears, Art. 41), never one used before in this file. */
async function owingEmployer(minMonths = 2): Promise<{ uscc: string; city: string; owed: string[] }> {
  const page = await s.sim.admin<{ items: SimEmployer[] }>('GET', '/employers?limit=200&filter=recent_arrears');
  for (const e of page.items) {
    if (used.has(e.uscc)) continue;
    const arrears = await s.sim.clients.tax.getEmployerArrears(e.uscc);
    const owed = (arrears?.months ?? []).filter((m) => m.insuredCount > 0).map((m) => m.month);
    if (owed.length < minMonths) continue;
    used.add(e.uscc);
    return { uscc: e.uscc, city: e.agencyDivisionCode, owed };
  }
  throw new Error('no employer with recent arrears');
}

const view = async (caseNumber: string, headers: Record<string, string>) => {
  const r = await s.call('GET', `/back-payments/${caseNumber}`, { headers });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const viewWhen = (caseNumber: string, headers: Record<string, string>, status: string) =>
  eventually(
    () => view(caseNumber, headers),
    (v) => v.status === status,
    300,
  );

/** The last day of the month after `month` (YYYY-MM): the due date of policy/back-payment.json. */
function dueDateOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** Applies online as the employer's agent and takes the case through the reviewer to tax. */
async function appliedAndSent(e: { uscc: string; city: string }, months: string[]) {
  const agent = await s.employerAgent(e.uscc, e.city);
  const r = await s.call('POST', '/back-payments', {
    headers: { ...agent, 'Idempotency-Key': `bp-${e.uscc}-${months.join('-')}` },
    body: { channel: 'online', uscc: e.uscc, months },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const caseNumber = r.body.caseNumber as string;
  await viewWhen(caseNumber, agent, 'awaiting_review');
  const done = await s.complete(caseNumber, 'back_payment_review', 'reviewer', { decision: 'approve' });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  const sent = await viewWhen(caseNumber, agent, 'awaiting_payment');
  return { caseNumber, agent, sent };
}

describe('补收补缴 (Art. 26)', () => {
  it('Art. 26: the arrears are assessed from the pension base, headcount and rates of each owed month, with the late fee of 万分之五 a day; tax paid in full → posted to the original months with the receipt date and backPayment', async () => {
    const e = await owingEmployer();
    const months = e.owed.slice(0, 2);
    const today = await s.today();
    const { caseNumber, agent, sent } = await appliedAndSent(e, months);
    expect(caseNumber).toMatch(/^BJF-\d{4}-\d{6}-/);

    // By hand: each person's base × 0.5 % (employer) and × 0.5 % (person), policy/contribution-rate.json from
    // 2016-05-01, rounded to the fen; due the last day of the next month; late fee amount × 5/10000 × days.
    const bases = await s.sim.clients.pension.getEmployerBases(e.uscc, months);
    const a = sent.assessment;
    expect(a.lateFeeThrough).toBe(today);
    let total = 0;
    for (const m of bases!.months) {
      const employerShare = m.persons.reduce((n, p) => n + Math.round((p.baseFen * 50) / 10_000), 0);
      const personShare = m.persons.reduce((n, p) => n + Math.round((p.baseFen * 50) / 10_000), 0);
      const amount = employerShare + personShare;
      const late = days(dueDateOf(m.month), today);
      const lateFee = Math.round((amount * 5 * late) / 10_000);
      const row = a.months.find((x: { month: string }) => x.month === m.month);
      expect(row).toMatchObject({
        insuredCount: m.persons.length,
        baseTotalFen: m.persons.reduce((n, p) => n + p.baseFen, 0),
        employerRateBp: 50,
        personRateBp: 50,
        employerShareFen: employerShare,
        personShareFen: personShare,
        amountFen: amount,
        dueDate: dueDateOf(m.month),
        lateDays: late,
        lateFeeFen: lateFee,
      });
      expect(row.rates.employer.confirmed).toBe(false);
      expect(row.rates.lateFee.article).toBe('第八十六条');
      total += amount + lateFee;
    }
    expect(a.totalFen).toBe(total);
    expect(a.reviewedBy).toBe(`reviewer.${e.city}`);
    expect(sent.tax.status).toBe('assessed');
    // Tax holds the assessment under the case number.
    const atTax = await s.sim.admin<{ items: { caseNumber: string; totalFen: number }[] }>(
      'GET',
      '/tax/back-payment-assessments',
    );
    expect(atTax.items.find((x) => x.caseNumber === caseNumber)?.totalFen).toBe(total);

    // Paid in part: noted, nothing posted (一次性全额补足); the case still waits.
    await s.sim.admin('POST', `/tax/back-payment-assessments/${caseNumber}/payment`, { amountFen: 100 });
    await s.advanceTo((await s.env.currentTimeMs()) + 25 * 3_600_000);
    const partial = await eventually(
      () => s.caseView(caseNumber),
      (v) => v.events.some((x: { type: string }) => x.type === 'back_payment_partial_100'),
      300,
    );
    expect(partial.status).toBe('awaiting_payment');
    const none = await s.tdb.sql('SELECT 1 FROM contribution_record WHERE source_run = $1', [caseNumber]);
    expect(none).toHaveLength(0);

    // Paid in full: posted to the original months with tax's receipt date.
    const receiptDate = await s.today();
    await s.sim.admin('POST', `/tax/back-payment-assessments/${caseNumber}/payment`, { receiptDate });
    await s.advanceTo((await s.env.currentTimeMs()) + 25 * 3_600_000);
    const paid = await viewWhen(caseNumber, agent, 'paid');
    expect(paid.tax).toMatchObject({ status: 'paid', receiptDate, amountPaidFen: total });
    const posted = await s.tdb.sql<{
      month: string;
      amount_paid_fen: string;
      receipt: string;
      back_payment: boolean;
      source: string;
    }>(
      `SELECT month, amount_paid_fen, to_char(receipt_date, 'YYYY-MM-DD') AS receipt, back_payment, source
         FROM contribution_record WHERE employer_uscc = $1 AND month = ANY($2) AND superseded_by IS NULL
          AND source_run = $3`,
      [e.uscc, months, caseNumber],
    );
    const persons = bases!.months.reduce((n, m) => n + m.persons.length, 0);
    expect(posted).toHaveLength(persons);
    expect(paid.posted.records).toBe(persons);
    for (const r of posted) {
      expect(r).toMatchObject({ receipt: receiptDate, back_payment: true, source: 'back_payment' });
      expect(months).toContain(r.month);
    }
    const postedTotal = posted.reduce((n, r) => n + Number(r.amount_paid_fen), 0);
    expect(postedTotal).toBe(a.contributionsFen);
    // Audited: the application, the reviewer's confirmation, the posting.
    const actions = await s.tdb.sql<{ action: string }>('SELECT action FROM audit_log WHERE case_number = $1', [
      caseNumber,
    ]);
    expect(actions.map((x) => x.action)).toEqual(
      expect.arrayContaining(['back_payment_applied', 'back_payment_assessment_confirmed', 'back_payment_posted']),
    );
  });

  it('Art. 8, 26: a retried application with its Idempotency-Key is the same case (200); another body under the key 409; the same months again while open 409; an intake clerk applies at a window of the employer’s agency only', async () => {
    const e = await owingEmployer();
    const agent = await s.employerAgent(e.uscc, e.city);
    const body = { channel: 'online', uscc: e.uscc, months: [e.owed[0]] };
    const headers = { ...agent, 'Idempotency-Key': `retry-${e.uscc}` };
    const first = await s.call('POST', '/back-payments', { headers, body });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await s.call('POST', '/back-payments', { headers, body });
    expect(again.status).toBe(200);
    expect(again.body.caseNumber).toBe(first.body.caseNumber);
    const other = await s.call('POST', '/back-payments', { headers, body: { ...body, months: [e.owed[1]] } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const open = await s.call('POST', '/back-payments', { headers: agent, body });
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe('back_payment_open');
    expect(open.body.error.message).toContain(first.body.caseNumber);
    // At a window (Art. 8): an intake clerk of the employer's agency for another owed month; another city's is refused.
    const otherCity = e.city === '210200' ? '210300' : '210200';
    const outside = await s.call('POST', '/back-payments', {
      headers: (await s.staffOf(otherCity)).intake.headers,
      body: { channel: 'window', uscc: e.uscc, months: [e.owed[1]] },
    });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('outside_agency');
    const window = await s.call('POST', '/back-payments', {
      headers: (await s.staffOf(e.city)).intake.headers,
      body: { channel: 'window', uscc: e.uscc, months: [e.owed[1]] },
    });
    expect(window.status, JSON.stringify(window.body)).toBe(201);
    expect(window.body.caseNumber).toContain(`-${e.city}-`);
    const cases = await s.tdb.sql<{ channel: string }>(
      'SELECT channel FROM back_payment WHERE employer_uscc = $1 ORDER BY applied_at',
      [e.uscc],
    );
    expect(cases.map((c) => c.channel)).toEqual(['online', 'window']);
  });

  it('Art. 26: not paid in full and at once by its date → withdrawn at tax and the case lapses; nothing posted', async () => {
    const e = await owingEmployer(1);
    const { caseNumber, agent, sent } = await appliedAndSent(e, [e.owed[0]!]);
    expect(sent.tax.payBy).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await s.sim.admin('POST', `/tax/back-payment-assessments/${caseNumber}/payment`, { amountFen: 1 });
    // 15 working days (policy limit.backPaymentPayWithin) and a little more.
    await s.advanceTo(Date.parse(`${sent.tax.payBy}T16:00:00Z`) + 3_600_000);
    const lapsed = await viewWhen(caseNumber, agent, 'lapsed');
    expect(lapsed.tax.status).toBe('withdrawn');
    expect(lapsed.posted).toBeNull();
    const none = await s.tdb.sql('SELECT 1 FROM contribution_record WHERE source_run = $1', [caseNumber]);
    expect(none).toHaveLength(0);
    // Paid after the withdrawal: tax refuses it.
    await expect(s.sim.admin('POST', `/tax/back-payment-assessments/${caseNumber}/payment`, {})).rejects.toThrow(
      /409|withdrawn/,
    );
  });

  it('Art. 8, 26: bad input gets a 4xx naming the field and the rule in Chinese, and nothing is written', async () => {
    const e = await owingEmployer(1);
    const agent = await s.employerAgent(e.uscc, e.city);
    const post = (body: unknown, headers = agent) => s.call('POST', '/back-payments', { headers, body });
    const bad = await post({ channel: 'online', uscc: e.uscc, months: ['2026-13'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toContain('months.0');
    expect(bad.body.error.fields[0].message).toContain('费款所属期');
    const empty = await post({ channel: 'online', uscc: e.uscc, months: [] });
    expect(empty.status).toBe(400);
    const twice = await post({ channel: 'online', uscc: e.uscc, months: [e.owed[0], e.owed[0]] });
    expect(twice.status).toBe(400);
    const notOwed = await post({ channel: 'online', uscc: e.uscc, months: ['2001-01'] });
    expect(notOwed.status).toBe(422);
    expect(notOwed.body.error.code).toBe('month_not_owed');
    expect(notOwed.body.error.message).toContain('2001-01');
    const other = await owingEmployer(1);
    const notOwn = await post({ channel: 'online', uscc: other.uscc, months: [other.owed[0]] });
    expect(notOwn.status).toBe(403);
    expect(notOwn.body.error.code).toBe('not_own_employer');
    const window = await post({ channel: 'window', uscc: e.uscc, months: [e.owed[0]] });
    expect(window.status).toBe(403);
    expect(window.body.error.code).toBe('channel_not_permitted');
    const anonymous = await s.call('POST', '/back-payments', { body: { channel: 'online', uscc: e.uscc, months: [] } });
    expect(anonymous.status).toBe(401);
    const cases = await s.tdb.sql('SELECT 1 FROM back_payment WHERE employer_uscc = ANY($1)', [[e.uscc, other.uscc]]);
    expect(cases).toHaveLength(0);
  });

  it('Art. 26, 41: a claim waiting on arrears moves on when the back payment is posted, signalled before its own daily look', async () => {
    const [person] = await s.people('eligible,has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid', 1);
    const owed = await s.sim.clients.tax.getPersonArrears(person!.idNumber);
    const uscc = owed.records[0]!.employerUscc;
    const months = [...new Set(owed.records.filter((r) => r.employerUscc === uscc).map((r) => r.month))];
    const employer = await s.sim.clients.tax.getEmployer(uscc);
    used.add(uscc);
    // The back payment is sent to tax first; the claim filed after it waits on the arrears (Art. 41).
    const { caseNumber } = await appliedAndSent({ uscc, city: employer!.agencyDivisionCode }, months);
    const sentAt = await s.env.currentTimeMs();
    await s.advanceTo(sentAt + 3 * 3_600_000);
    const filed = await s.file(await s.claimFor(person!));
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const claim = filed.body.caseNumber as string;
    await s.caseWhen(claim, (v) => v.status === 'awaiting_arrears');
    const waitingSince = await s.env.currentTimeMs();
    // Tax collects it in full; the back payment's next look (a day after it was sent) comes before the claim's own.
    await s.sim.admin('POST', `/tax/back-payment-assessments/${caseNumber}/payment`, { receiptDate: await s.today() });
    await s.advanceTo(sentAt + 24 * 3_600_000 + 60_000);
    expect(await s.env.currentTimeMs()).toBeLessThan(waitingSince + 24 * 3_600_000);
    const bp = await eventually(
      () => s.caseView(caseNumber),
      (v) => v.status === 'paid' && v.events.some((x: { type: string }) => x.type === 'back_payment_claims_signalled'),
      300,
    );
    expect(bp.events.find((x: { type: string }) => x.type === 'back_payment_claims_signalled').data.claims).toContain(
      claim,
    );
    const moved = await s.caseWhen(claim, (v) => v.status !== 'awaiting_arrears');
    expect(moved.events.some((x: { type: string }) => x.type === 'arrears_back_paid_1')).toBe(true);
    const latest = (await s.determinations(claim)).versions[0];
    expect(latest.verdict).not.toBe('pending');
    // The months the claim counts now are the posted ones (Art. 41: 按补缴后的缴费记录核定).
    const posted = await s.tdb.sql<{ month: string }>(
      `SELECT month FROM contribution_record WHERE id_number = $1 AND employer_uscc = $2 AND superseded_by IS NULL
          AND back_payment AND month = ANY($3)`,
      [person!.idNumber, uscc, months],
    );
    expect(posted.map((r) => r.month).sort()).toEqual([...months].sort());
  });
});
