/**
 * 复核 (Art. 13) end to end: every conclusion carries itself out. A refusal found wrong reopens the claim under the
 * facts the conclusion found (Art. 38 para 3: a termination certificate the person brings counts); a correction of the
 * entitlement record is confirmed by three people (Art. 28) and then changes what the benefit period pays — its
 * months, end date, amount, medical insurance and expiry SMS (Art. 38 para 2, 44).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/calendar';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';

beforeAll(async () => {
  s = await startScenario({ name: 'objections', persons: 6000 });
});
afterAll(async () => {
  await s?.close();
});

const latest = async (caseNumber: string) => (await s.determinations(caseNumber)).versions[0];
const objectionOf = (n: string) =>
  s.tdb.sql<{ status: string; conclusion: any }>('SELECT status, conclusion FROM objection WHERE case_number = $1', [
    n,
  ]);

async function object(caseNumber: string, subject: string, evidence: { kind: string; title: string }[]) {
  const staff = await s.staffOf(s.agencyOf(caseNumber));
  const filed = await s.call('POST', `/cases/${caseNumber}/objections`, {
    headers: staff.intake.headers,
    body: { subject, grounds: '原决定所依据的事实有误，附证据材料', evidence },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  return filed.body.caseNumber as string;
}

describe('复核 carries itself out (Art. 13)', () => {
  it('Art. 13, 38 para 3: a refusal corrected on objection reopens the claim under the separation the certificate shows; approved and paid', async () => {
    const [person] = await s.people(
      'voluntary_separation,!pensioner,!deceased,!reemployed,!employed,!has_arrears,bank_paid',
      1,
      (p) => p.paidMonths >= 14 && p.paidMonths < 48,
    );
    const res = await s.file(await s.claimFor(person!));
    expect(res.status).toBe(201);
    const caseNumber = res.body.caseNumber as string;
    await s.caseWhen(caseNumber, (v) => v.status === 'refused');
    const refused = await latest(caseNumber);
    expect(refused.reasons).toContainEqual(expect.objectContaining({ code: 'voluntary_separation' }));

    const objection = await object(caseNumber, 'refusal', [
      { kind: 'termination_certificate', title: '解除劳动合同证明书（单位解除）' },
    ]);
    // A correction must fit what was objected to: a refusal is not corrected by resuming a stop.
    const unfit = await s.complete(objection, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: { kind: 'resume' },
      reasons: ['停发有误'],
    });
    expect(unfit.status).toBe(422);
    expect(unfit.body.error.fields).toEqual([{ path: 'form.correction.kind', message: expect.any(String) }]);
    const done = await s.complete(objection, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: {
        kind: 'reopen',
        step: 'determination',
        separation: { involuntary: true, basis: 'termination_certificate' },
      },
      reasons: ['解除劳动合同证明书载明系单位解除劳动合同，非因本人意愿中断就业'],
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    // Reopened, determined again under the certificate (a person decided, the case says so), approved.
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    expect(view.status).toBe('approved');
    expect(view.events.map((e: any) => e.type)).toContain('claim_reopened_1');
    const d = await latest(caseNumber);
    expect(d.verdict).toBe('eligible');
    expect(d.inputs.rulings).toEqual([
      expect.objectContaining({ involuntary: true, basis: 'termination_certificate', note: `复核 ${objection}` }),
    ]);
    const [o] = await eventually(
      () => objectionOf(objection),
      (r) => r[0]?.status === 'corrected' && r[0].conclusion.carriedOut !== undefined,
    );
    expect(o!.conclusion.carriedOut).toEqual({ kind: 'reopened', step: 'determination' });

    await s.nextPayDay(s.agencyOf(caseNumber));
    expect((await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid').length).toBeGreaterThanOrEqual(1);
    const sms = (await s.smsTo(person!.mobile)).map((m) => m.text);
    expect(sms.some((t) => t.includes('纠正原决定'))).toBe(true);
    expect(sms.some((t) => t.includes('已核定'))).toBe(true);
  });

  it('Art. 13, 28, 38, 44: a corrected contribution record is confirmed by three people, then the period pays its new months to its new end, with medical insurance and the expiry SMS', async () => {
    // One whole year: 3 months (policy benefitPeriod); with 12 deemed months, two years: 6 months.
    const [person] = (await s.people(CLEAN, 1, (p) => p.paidMonths >= 12 && p.paidMonths < 24)) as [Person];
    const res = await s.file(await s.claimFor(person));
    const caseNumber = res.body.caseNumber as string;
    await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    const before = await latest(caseNumber);
    expect(before.months).toBe(3);

    const objection = await object(caseNumber, 'determination', [
      { kind: 'deemed_contribution_proof', title: '视同缴费年限证明（12个月）' },
    ]);
    const concluded = await s.complete(objection, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: { kind: 'contribution_record', deemedContributionMonths: 12 },
      reasons: ['视同缴费12个月经核实'],
    });
    expect(concluded.status).toBe(200);

    // Art. 28: one reviewer alone changes nothing: the objection holds for the second and third level.
    const [held] = await eventually(
      () => objectionOf(objection),
      (r) => r[0]?.status === 'in_correction',
    );
    expect(held!.status).toBe('in_correction');
    expect((await latest(caseNumber)).version).toBe(before.version);
    const ok = { decision: 'approve' };
    expect((await s.complete(objection, 'record_correction_second_review', 'secondReviewer', ok)).status).toBe(200);
    expect((await s.complete(objection, 'record_correction_approve', 'approver', ok)).status).toBe(200);

    // Determined again: two years, six months, to the new end date.
    let corrected = await latest(caseNumber);
    for (let i = 0; i < 150 && corrected.version === before.version; i++) {
      await new Promise((r) => setTimeout(r, 100));
      corrected = await latest(caseNumber);
    }
    expect(corrected.months).toBe(6);
    expect(corrected.endDate).toBe(addDays(addMonths(before.startDate, 6), -1));
    const period = await eventually(
      () =>
        s.tdb.sql<{ months: number; end_date: string; determination_version: number }>(
          'SELECT months, end_date::text, determination_version FROM benefit_period WHERE case_number = $1',
          [caseNumber],
        ),
      (r) => r[0]?.months === 6,
    );
    expect(period).toEqual([{ months: 6, end_date: corrected.endDate, determination_version: corrected.version }]);

    // To past the new end: six months paid, each once; the expiry SMS names the new end; medical to the new end.
    const agency = s.agencyOf(caseNumber);
    for (let i = 0; i < 8; i++) await s.nextPayDay(agency);
    const paid = (await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid');
    const months = paid.map((p) => p.paymentId.split('.').at(-2));
    expect(new Set(months).size).toBe(paid.length);
    expect(paid).toHaveLength(6);
    const sms = (await s.smsTo(person.mobile)).map((m) => m.text);
    expect(sms.filter((t) => t.includes('领取期限将于') && t.includes(corrected.endDate))).toHaveLength(1);
    const medical = await s.sim.admin<{ beneficiaries: { idNumber: string; endDate: string | null }[] }>(
      'GET',
      '/medical/ledger',
    );
    expect(medical.beneficiaries.find((b) => b.idNumber === person.idNumber)?.endDate).toBe(corrected.endDate);
    const rows = await s.tdb.sql<{ status: string; months: number }>(
      'SELECT status, months FROM benefit_period WHERE case_number = $1',
      [caseNumber],
    );
    expect(rows).toEqual([{ status: 'completed', months: 6 }]);
  });
});
