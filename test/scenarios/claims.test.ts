/**
 * 失业保险金 end to end (Art. 11, 13, 32, 34-43): persons the simulators hold file online through the public API; the
 * case (GET /cases), its determination (GET /cases/:n/determination), the bank's ledger and the SMS outbox show what
 * happened. One verdict decides each claim; where the declaration contradicts the record, the record prevails and the
 * case says so; nothing is approved, told or paid on a verdict that is not eligible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import { minimumWageTierSchema } from '../../domain/policy/schemas';
import { addToMonth, shanghaiInstant } from '../../domain/business-time';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
/** Persons whose record makes them eligible, nothing else in the way, paid by the bank without trouble. */
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';
const month = (d: string) => d.slice(0, 7);
const SEPARATED_NOT_EMPLOYED = '!pensioner,!deceased,!reemployed,!employed,!has_arrears';

beforeAll(async () => {
  s = await startScenario({ name: 'claims', persons: 6000 });
});
afterAll(async () => {
  await s?.close();
});

/** Files the claim online; answers the case number (201). */
async function fileFor(person: Person, change?: Parameters<Scenario['claimFor']>[1]) {
  const res = await s.file(await s.claimFor(person, change));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.caseNumber as string;
}
const settled = (caseNumber: string) =>
  s.caseWhen(caseNumber, (v) => !['received', 'awaiting_acceptance'].includes(v.status));
const latest = async (caseNumber: string) => {
  const d = await s.determinations(caseNumber);
  return d.versions[0];
};
const events = (view: any) => view.events.map((e: { type: string }) => e.type) as string[];

/** Nothing was approved, told as approved, opened or paid for the case. */
async function expectNothingApproved(caseNumber: string, person: Person) {
  const view = await s.caseView(caseNumber);
  expect(events(view)).not.toContain('claim_accepted');
  expect((await s.smsTo(person.mobile)).filter((m) => m.text.includes('已核定'))).toEqual([]);
  expect(await s.tdb.sql('SELECT id FROM benefit_period WHERE case_number = $1', [caseNumber])).toEqual([]);
  expect(await s.bankPayments(caseNumber)).toEqual([]);
}

/**
 * Every determination version of the case re-run by an auditor through the API, from its recorded facts and inputs
 * with the parameters in force on its date (Art. 12, 38, 78): the same verdict and figures.
 */
async function expectReRunGivesSameVerdict(caseNumber: string) {
  const staff = await s.staffOf(s.agencyOf(caseNumber));
  const { versions } = await s.determinations(caseNumber);
  expect(versions.length).toBeGreaterThan(0);
  for (const v of versions) {
    const r = await s.call('GET', `/cases/${caseNumber}/determination/${v.version}/rerun`, {
      headers: staff.auditor.headers,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.matches, JSON.stringify(r.body)).toBe(true);
  }
}

describe('失业保险金: one verdict (Art. 34-38)', () => {
  it('Art. 34, 38, 39: an eligible person is approved without review (Art. 11 免复审, the rule stated), told by SMS, and paid once on the pay day', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const caseNumber = await fileFor(person!);
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    expect(view.status).toBe('approved');
    const d = await latest(caseNumber);
    expect(d.verdict).toBe('eligible');
    expect(d.reviewRoute).toMatchObject({ steps: [], rule: { code: 'automatic', article: 'Art. 11' } });
    // Art. 11: the case says no one reviewed it, why, and the parameter behind it with its confirmed flag.
    const accepted = view.events.find((e: any) => e.type === 'claim_accepted');
    expect(accepted.data.reviewSteps).toEqual([]);
    expect(accepted.data.reviewRule.text).toContain('免复审');
    expect(accepted.data.reviewRule.parameters).toEqual([
      expect.objectContaining({ family: 'reviewThreshold', confirmed: false }),
    ]);

    await s.nextPayDay(s.agencyOf(caseNumber));
    const paid = (await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid');
    // Each month due paid once, at the determined amount (the first month, and the next if its check came first).
    expect(paid.length).toBeGreaterThanOrEqual(1);
    expect(new Set(paid.map((p) => p.paymentId.split('.').at(-2))).size).toBe(paid.length);
    expect(paid.every((p) => p.amountFen === d.monthlyAmountFen)).toBe(true);
    const sms = await s.smsTo(person!.mobile);
    expect(sms.filter((m) => m.text.includes('已核定'))).toHaveLength(1);
    await expectReRunGivesSameVerdict(caseNumber);

    // Supervisors list the decisions taken without a person (Art. 11).
    const staff = await s.staffOf(s.agencyOf(caseNumber));
    const list = await s.call('GET', `/supervision/decisions-without-review?agencyCode=${s.agencyOf(caseNumber)}`, {
      headers: staff.supervisor.headers,
    });
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ caseNumber, rule: expect.objectContaining({ code: 'automatic' }) }),
    );
  });

  it('Art. 34: a separation recorded as voluntary is refused with the reason, its article and the remedies with their dates (Art. 11, 13)', async () => {
    const [person] = await s.people(`voluntary_separation,${SEPARATED_NOT_EMPLOYED}`, 1, (p) => p.paidMonths >= 14);
    const caseNumber = await fileFor(person!, (c) => ({
      ...c,
      separation: { ...c.separation, reason: 'contract_expired' },
    }));
    const view = await settled(caseNumber);
    expect(view.status).toBe('refused');
    const d = await latest(caseNumber);
    expect(d.verdict).toBe('ineligible');
    expect(d.reasons).toContainEqual(expect.objectContaining({ code: 'voluntary_separation', article: 'Art. 34' }));
    // The declaration said otherwise: the record prevails, and the case shows the conflict.
    expect(d.conflicts).toContainEqual(
      expect.objectContaining({ fact: 'separation_reason', resolution: 'record_prevails' }),
    );
    const refused = view.events.find((e: any) => e.type === 'claim_refused');
    expect(refused.data.remedies.reconsiderationUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const sms = (await s.smsTo(person!.mobile)).map((m) => m.text);
    expect(
      sms.some((t) => t.includes('因本人意愿中断就业') && t.includes('第三十四条') && t.includes('前申请行政复议')),
    ).toBe(true);
    await expectNothingApproved(caseNumber, person!);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 38: declared voluntary against a record of involuntary separation: the record prevails, the conflict is shown, a person reviews, then paid', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48 && p.separationReason === 'contract_expired');
    const caseNumber = await fileFor(person!, (c) => ({
      ...c,
      separation: { ...c.separation, reason: 'voluntary_resignation' },
    }));
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_review');
    expect(view.status, JSON.stringify(await latest(caseNumber))).toBe('awaiting_review');
    const d = await latest(caseNumber);
    expect(d.verdict).toBe('eligible');
    expect(d.conflicts).toEqual([
      expect.objectContaining({
        fact: 'separation_reason',
        declared: 'voluntary_resignation',
        recorded: 'contract_expired',
        resolution: 'record_prevails',
      }),
    ]);
    expect(d.reviewRoute).toMatchObject({ steps: ['review'], rule: { code: 'declared_differs_from_record' } });
    // The form opens with nothing chosen: a decision must be made (no preselection).
    const r = await s.complete(caseNumber, 'claim_review', 'reviewer', { decision: 'approve' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    await s.nextPayDay(s.agencyOf(caseNumber));
    expect((await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid').length).toBeGreaterThanOrEqual(1);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 38: a declared separation date contradicted by later contributions: the recorded date prevails, every month before it counts, a person reviews', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths >= 40 && p.paidMonths < 100);
    const declared = addDays(person!.separationDate!, -730);
    const caseNumber = await fileFor(person!, (c) => ({ ...c, separation: { ...c.separation, date: declared } }));
    await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_review');
    const d = await latest(caseNumber);
    expect(d.verdict, JSON.stringify({ reasons: d.reasons, conflicts: d.conflicts })).toBe('eligible');
    expect(d.conflicts).toContainEqual(
      expect.objectContaining({
        fact: 'separation_date',
        declared,
        recorded: person!.separationDate,
        resolution: 'record_prevails',
      }),
    );
    // Counted up to the recorded separation: nothing dropped silently after the declared date.
    expect(d.contributionMonths).toBe(person!.paidMonths);
    expect(d.reviewRoute.steps).toEqual(['review']);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 34: fewer than 12 months of contributions is refused with the count', async () => {
    const [person] = await s.people(`short_history,involuntary_separation,${SEPARATED_NOT_EMPLOYED}`, 1);
    const caseNumber = await fileFor(person!);
    expect((await settled(caseNumber)).status).toBe('refused');
    const d = await latest(caseNumber);
    expect(d.reasons).toContainEqual(
      expect.objectContaining({
        code: 'insufficient_contributions',
        message: expect.stringContaining(`累计缴费${person!.paidMonths}个月`),
      }),
    );
    await expectNothingApproved(caseNumber, person!);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 32: a month paid by two employers counts once', async () => {
    const [person] = await s.people(`${CLEAN},overlapping_months`, 1, (p) => p.paidMonths < 48);
    const caseNumber = await fileFor(person!);
    await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    const d = await latest(caseNumber);
    expect(d.contributionMonths).toBe(person!.paidMonths);
    const art32 = d.explanation.find((x: any) => x.article === 'Art. 32');
    expect(art32.output.duplicateMonths.length).toBeGreaterThan(0);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 38: a person receiving a basic pension is refused', async () => {
    const [person] = await s.people('pensioner,separated,!deceased', 1, (p) => p.paidMonths >= 12);
    const caseNumber = await fileFor(person!);
    expect((await settled(caseNumber)).status).toBe('refused');
    expect((await latest(caseNumber)).reasons).toContainEqual(
      expect.objectContaining({ code: 'receives_pension', article: 'Art. 38' }),
    );
    await expectNothingApproved(caseNumber, person!);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 38: a claim for a person civil affairs records as deceased is refused', async () => {
    const [person] = await s.people('deceased,separated', 1, (p) => p.paidMonths >= 12);
    const caseNumber = await fileFor(person!);
    expect((await settled(caseNumber)).status).toBe('refused');
    expect((await latest(caseNumber)).reasons).toContainEqual(expect.objectContaining({ code: 'deceased' }));
    await expectNothingApproved(caseNumber, person!);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 38: already working again when claiming (失业状态) is refused before any approval', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const today = await s.today();
    await s.sim.admin('POST', '/employment', { idNumber: person!.idNumber, startDate: addDays(today, -3) });
    const caseNumber = await fileFor(person!);
    expect((await settled(caseNumber)).status).toBe('refused');
    expect((await latest(caseNumber)).reasons).toContainEqual(
      expect.objectContaining({ code: 'reemployed', article: 'Art. 38' }),
    );
    await expectNothingApproved(caseNumber, person!);
    // Not stopped afterwards either: there is nothing to stop.
    expect((await s.smsTo(person!.mobile)).filter((m) => m.text.includes('停止发放'))).toEqual([]);
  });

  it('Art. 37: a second claim while receiving is refused, naming the case being paid', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const first = await fileFor(person!);
    await s.caseWhen(first, (v) => v.status === 'approved');
    await s.tdb.sql("SELECT 1 FROM benefit_period WHERE case_number = $1 AND status = 'active'", [first]);
    const second = await fileFor(person!);
    expect((await settled(second)).status).toBe('refused');
    expect((await latest(second)).reasons).toContainEqual(
      expect.objectContaining({ code: 'already_receiving', message: expect.stringContaining(first) }),
    );
    await expectReRunGivesSameVerdict(second);
  });

  it('Art. 12, 38: re-run after a new minimum wage took effect, a determination gives its own figures; a claim after it gets the new wage', async () => {
    const [before, after] = await s.people(CLEAN, 2, (p) => p.paidMonths >= 24 && p.paidMonths < 48);
    const first = await fileFor(before!);
    await s.caseWhen(first, (v) => v.status === 'approved');
    const old = await latest(first);
    // Art. 12: an administrator enters the new minimum wage of every tier, in force from tomorrow.
    const staff = await s.staffOf(s.agencyOf(first));
    const tomorrow = addDays(await s.today(), 1);
    for (const tier of minimumWageTierSchema.options) {
      const r = await s.call('POST', '/admin/policy/entries', {
        headers: staff.admin.headers,
        body: {
          family: 'minimumWage',
          key: tier,
          effectiveFrom: tomorrow,
          value: { monthlyFen: 300_000 },
          source: { document: '测试：最低工资标准调整', article: tier },
          confirmed: false,
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    await s.advanceTo((await s.env.currentTimeMs()) + 2 * 86_400_000);
    // The old determination re-run now: the parameters of its own date, the same figures.
    await expectReRunGivesSameVerdict(first);
    // A claim received after: the new wage.
    const second = await fileFor(after!);
    await s.caseWhen(second, (v) => !['received', 'awaiting_acceptance'].includes(v.status));
    const fresh = await latest(second);
    expect(fresh.verdict).toBe('eligible');
    expect(fresh.monthlyAmountFen).toBeGreaterThan(old.monthlyAmountFen);
    await expectReRunGivesSameVerdict(second);
  });
});

describe('失业保险金: arrears (Art. 41)', () => {
  it('Art. 41: arrears → the person is told and the case waits; the employer pays back → determined with the months and paid', async () => {
    const [person] = await s.people('eligible,has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid', 1);
    const caseNumber = await fileFor(person!);
    await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_arrears');
    expect((await latest(caseNumber)).verdict).toBe('pending');
    expect((await s.smsTo(person!.mobile)).some((m) => m.text.includes('欠缴'))).toBe(true);
    const owed = await s.sim.admin<any>('GET', `/persons/${person!.idNumber}`);
    const uscc = owed.arrears?.[0]?.employerUscc ?? owed.records?.arrears?.[0]?.employerUscc;
    await s.sim.admin('POST', '/tax/back-payments', { uscc, idNumber: person!.idNumber });
    // The daily recheck sees the back payment.
    await s.advanceTo((await s.env.currentTimeMs()) + 26 * 3_600_000);
    const view = await s.caseWhen(caseNumber, (v) => !['awaiting_arrears', 'awaiting_acceptance'].includes(v.status));
    expect(['approved', 'awaiting_review', 'awaiting_second_review']).toContain(view.status);
    const d = await latest(caseNumber);
    expect(d.verdict).toBe('eligible');
    expect(d.waivedMonths).toEqual([]);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 41: arrears → the signed waiver (承诺书): determined without the months in arrears', async () => {
    const [, person] = await s.people('eligible,has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid', 2);
    const caseNumber = await fileFor(person!);
    await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_arrears');
    const staff = await s.staffOf(s.agencyOf(caseNumber));
    const w = await s.call('POST', `/cases/${caseNumber}/arrears-waiver`, {
      headers: staff.intake.headers,
      body: { signed: true },
    });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    const view = await s.caseWhen(caseNumber, (v) => !['awaiting_arrears', 'awaiting_acceptance'].includes(v.status));
    const d = await latest(caseNumber);
    expect(d.waivedMonths.length).toBeGreaterThan(0);
    expect(['eligible', 'ineligible']).toContain(d.verdict);
    expect(view.status).toMatch(d.verdict === 'eligible' ? /approved|awaiting/ : /refused/);
    await expectReRunGivesSameVerdict(caseNumber);
  });
});

describe('失业保险金: retries, stops, objections, revocation (Art. 13, 36, 42, 43)', () => {
  it('Art. 36: a retried Idempotency-Key after the case moved on answers the case it created (200); another body 409 naming it', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const claim = await s.claimFor(person!);
    const key = `retry-${Date.now()}`;
    const first = await s.file(claim, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    await s.caseWhen(first.body.caseNumber, (v) => v.status === 'approved');
    const again = await s.file(claim, { 'Idempotency-Key': key });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual({ caseNumber: first.body.caseNumber, status: 'approved' });
    const other = await s.file(
      { ...claim, payment: { ...claim.payment, accountNumber: '6214830000000009' } },
      {
        'Idempotency-Key': key,
      },
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(JSON.stringify(other.body.error)).toContain(first.body.caseNumber);
    await expectReRunGivesSameVerdict(first.body.caseNumber);
  });

  it('Art. 42: re-employed in month 3 → stopped at once with an SMS, nothing paid after', async () => {
    // A period of nine months or more (Art. 38: three years of contributions), so that month 3 is well inside it.
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths >= 36 && p.paidMonths < 96);
    const caseNumber = await fileFor(person!);
    await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    const agency = s.agencyOf(caseNumber);
    const first = month(await s.today());
    const third = addToMonth(first, 2);
    // Re-employed on the 5th of the period's third month: the employment service knows it from that day.
    await s.advanceTo(shanghaiInstant(`${third}-05`, 10));
    await s.sim.admin('POST', '/employment', { idNumber: person!.idNumber, startDate: `${third}-05` });
    await s.throughPayDay(agency, addToMonth(third, 1));
    await s.throughPayDay(agency, addToMonth(third, 2));
    const period = await s.tdb.sql<{ status: string; stop_reason: string; stop_date: string }>(
      'SELECT status, stop_reason, stop_date::text FROM benefit_period WHERE case_number = $1',
      [caseNumber],
    );
    // Stopped from the re-employment, or from the first day the city's check had not yet covered.
    expect(period).toEqual([{ status: 'stopped', stop_reason: 'reemployed', stop_date: expect.any(String) }]);
    expect(period[0]!.stop_date >= `${third}-05`).toBe(true);
    const paidMonths = (await s.bankPayments(caseNumber))
      .filter((p) => p.result === 'paid')
      .map((p) => p.paymentId.split('.').at(-2)!);
    // Paid up to the month of the stop at most (Art. 43: the stop month is still due), each once; nothing after.
    expect(paidMonths.every((m) => m <= third.replace('-', ''))).toBe(true);
    expect(new Set(paidMonths).size).toBe(paidMonths.length);
    expect(paidMonths).toContain(first.replace('-', ''));
    expect((await s.smsTo(person!.mobile)).filter((m) => m.text.includes('停止发放'))).toHaveLength(1);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 13, 38: an objection that corrects the determination: a new version, and the next month paid at the corrected amount', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths >= 13 && p.paidMonths < 24);
    const caseNumber = await fileFor(person!);
    await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    const before = await latest(caseNumber);
    const staff = await s.staffOf(s.agencyOf(caseNumber));
    const filed = await s.call('POST', `/cases/${caseNumber}/objections`, {
      headers: staff.intake.headers,
      body: {
        subject: 'determination',
        grounds: '视同缴费年限未计入累计缴费时间',
        evidence: [{ kind: 'deemed_contribution_proof', title: '视同缴费年限证明' }],
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const objection = filed.body.caseNumber as string;
    const done = await s.complete(objection, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: { kind: 'contribution_record', deemedContributionMonths: 120 },
      reasons: ['视同缴费120个月经核实'],
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    // Art. 28: a correction of the entitlement record, confirmed by a second reviewer and an approver.
    const ok = { decision: 'approve' };
    expect((await s.complete(objection, 'record_correction_second_review', 'secondReviewer', ok)).status).toBe(200);
    expect((await s.complete(objection, 'record_correction_approve', 'approver', ok)).status).toBe(200);
    let corrected = await latest(caseNumber);
    for (let i = 0; i < 100 && corrected.version === before.version; i++) {
      await new Promise((r) => setTimeout(r, 100));
      corrected = await latest(caseNumber);
    }
    expect(corrected.version).toBe(before.version + 1);
    expect(corrected.verdict).toBe('eligible');
    expect(corrected.monthlyAmountFen).toBeGreaterThan(before.monthlyAmountFen);
    const agency = s.agencyOf(caseNumber);
    await s.nextPayDay(agency);
    await s.nextPayDay(agency);
    const paid = (await s.bankPayments(caseNumber))
      .filter((p) => p.result === 'paid')
      .sort((x, y) => (x.paymentId < y.paymentId ? -1 : 1));
    // The months queued before the conclusion keep their amount; every later one is paid at the corrected amount.
    expect(paid[0]!.amountFen).toBe(before.monthlyAmountFen);
    expect(paid.at(-1)!.amountFen).toBe(corrected.monthlyAmountFen);
    expect(paid.every((p) => [before.monthlyAmountFen, corrected.monthlyAmountFen].includes(p.amountFen))).toBe(true);
    await expectReRunGivesSameVerdict(caseNumber);
  });

  it('Art. 42, 43: a determination found wrong after approval is revoked by two people: the period stops, what was paid goes to recovery, audited', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const caseNumber = await fileFor(person!);
    await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    await s.nextPayDay(s.agencyOf(caseNumber));
    const paidBefore = (await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid');
    expect(paidBefore.length).toBeGreaterThanOrEqual(1);

    const staff = await s.staffOf(s.agencyOf(caseNumber));
    const proposed = await s.call('POST', `/cases/${caseNumber}/revocations`, {
      headers: staff.auditor.headers,
      body: {
        grounds: 'audit_finding',
        reference: 'JH-2026-001',
        reasons: ['稽核发现失业原因记录有误，实为本人辞职'],
      },
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const revocation = proposed.body.caseNumber as string;
    // 岗位不相容: the one who proposed may not approve (also not with the approver role).
    const self = await s.complete(revocation, 'revocation_approval', 'auditor', { decision: 'approve' });
    expect(self.status).toBe(403);
    const ok = await s.complete(revocation, 'revocation_approval', 'approver', { decision: 'approve' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);

    const view = await s.caseWhen(caseNumber, (v) => v.status === 'revoked');
    expect(view.status).toBe('revoked');
    const d = await latest(caseNumber);
    expect(d.revoked).toMatchObject({ revocationNumber: revocation });
    const period = await eventually(
      () =>
        s.tdb.sql<{ status: string; stop_reason: string }>(
          'SELECT status, stop_reason FROM benefit_period WHERE case_number = $1',
          [caseNumber],
        ),
      (r) => r[0]?.status === 'stopped',
    );
    expect(period).toEqual([{ status: 'stopped', stop_reason: 'revoked' }]);
    // Art. 43: everything paid on the revoked determination is to be returned (benefit and the premium paid for it).
    const recovery = await eventually(
      () =>
        s.tdb.sql<{ amount_fen: number; status: string }>(
          'SELECT amount_fen, status FROM recovery WHERE case_number = $1',
          [caseNumber],
        ),
      (r) => r.length > 0,
    );
    const premiums = await s.tdb.sql<{ amount_fen: number }>(
      "SELECT amount_fen FROM payable WHERE case_number = $1 AND kind = 'medical_premium' AND status = 'paid'",
      [caseNumber],
    );
    expect(recovery).toEqual([
      {
        amount_fen: paidBefore.reduce((a, p) => a + p.amountFen, 0) + premiums.reduce((a, p) => a + p.amount_fen, 0),
        status: 'awaiting_delivery',
      },
    ]);
    // Told of the revocation (the recovery of its stop, opened by the period, may be told first).
    const told = await eventually(
      () => s.smsTo(person!.mobile),
      (m) => m.some((x) => x.text.includes('已予撤销')),
    );
    expect(told.some((m) => m.text.includes('已予撤销'))).toBe(true);
    // Nothing paid after the revocation.
    await s.nextPayDay(s.agencyOf(caseNumber));
    expect((await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid')).toHaveLength(paidBefore.length);
    const audit = await s.tdb.sql<{ action: string }>(
      "SELECT action FROM audit_log WHERE case_number = $1 AND action LIKE 'determination_revo%' ORDER BY id",
      [caseNumber],
    );
    expect(audit.map((a) => a.action)).toEqual(['determination_revocation_proposed', 'determination_revoked']);
    await expectReRunGivesSameVerdict(caseNumber);
  });
});
