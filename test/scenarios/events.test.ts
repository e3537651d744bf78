/**
 * One-time benefits are granted once per event, and an event found by any case reaches the benefit period at once
 * (Art. 42, 46, 47), end to end through the public API: a beneficiary's birth or death is claimed twice, a survivor's
 * claim confirms a death from civil affairs before the city's next monthly comparison.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToMonth, shanghaiInstant } from '../../domain/business-time';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,!funeral_grant_paid,bank_paid';

beforeAll(async () => {
  s = await startScenario({ name: 'events' });
});
afterAll(async () => {
  await s?.close();
});

/** A case once it has left `received` (assessed), as a reviewer sees it. */
const assessed = (caseNumber: string) => s.caseWhen(caseNumber, (v) => v.status !== 'received');

const survivorClaim = (survivor: Person, dateOfDeath: string, relationship: 'spouse' | 'child') => ({
  channel: 'window',
  survivor: { idType: 'resident_id_card', idNumber: survivor.idNumber, name: survivor.name, phone: survivor.mobile },
  relationship,
  dateOfDeath,
  chosenScheme: 'unemployment',
  // The death certificate is obtained from civil affairs by data comparison (Art. 47 信息比对获取).
  materials: { survivorIdentity: true, deathCertificate: false, relationshipProof: true },
  payment: { method: 'social_security_card', accountNumber: survivor.bankAccount.accountNumber },
});

describe('医疗补助金 (Art. 46)', () => {
  it('Art. 46: a second childbirth medical subsidy for the same birth is refused at once, naming the first', async () => {
    const [mother] = await s.peopleIn(CITY, `${CLEAN},female`, 1);
    const claim = await s.approvedClaim(mother!);
    const staff = await s.staffOf(CITY);
    const birthDate = await s.today();
    const apply = (key: string) =>
      s.call('POST', `/cases/${claim}/childbirth-subsidy`, {
        headers: { ...staff.intake.headers, 'Idempotency-Key': key },
        body: {
          channel: 'window',
          birthDate,
          compliesWithFamilyPlanning: true,
          materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
        },
      });
    const first = await apply('same-birth-1');
    expect(first.status).toBe(201);
    expect((await assessed(first.body.caseNumber)).status).toBe('awaiting_review');

    // The same birth again (another application, another request key): not sent to review as eligible.
    const second = await apply('same-birth-2');
    expect(second.status).toBe(201);
    expect(second.body.caseNumber).not.toBe(first.body.caseNumber);
    const view = await assessed(second.body.caseNumber);
    expect(view.status).toBe('refused');
    const refusal = view.events.find((e: any) => e.type === 'other_benefit_refused');
    expect(JSON.stringify(refusal.data.reasons)).toContain(first.body.caseNumber);
    expect(await s.openTasks(second.body.caseNumber)).toEqual([]);
    // She is told why, with the earlier grant's case number.
    const sms = await s.smsTo(mother!.mobile);
    expect(sms.some((m) => m.text.includes(second.body.caseNumber) && m.text.includes(first.body.caseNumber))).toBe(
      true,
    );
  });
});

describe('丧葬补助金和抚恤金 (Art. 42, 47)', () => {
  let deceased: Person;
  let claim: string;
  let firstSurvivorCase: string;
  let dateOfDeath: string;
  let spouse: Person;

  it('Art. 42: a death a survivor claim confirms from civil affairs stops the period at once; nothing is paid for the months after', async () => {
    deceased = (await s.peopleIn(CITY, CLEAN, 1))[0]!;
    claim = await s.approvedClaim(deceased!);
    const next = addToMonth((await s.today()).slice(0, 7), 1);
    // The city's comparison on the 1st finds them alive and queues the month; the death, on the last day of the
    // month before, is registered with civil affairs only after it.
    await s.advanceTo(shanghaiInstant(`${next}-02`, 12));
    await eventually(
      () =>
        s.tdb.sql("SELECT 1 FROM payable WHERE period_id = $1 AND month = $2 AND status = 'pending'", [
          `${claim}.P`,
          next,
        ]),
      (r) => r.length > 0,
    );
    dateOfDeath = new Date(shanghaiInstant(`${next}-01`, 12) - 86_400_000).toISOString().slice(0, 10);
    await s.sim.admin('POST', '/deaths', { idNumber: deceased.idNumber, dateOfDeath });

    spouse = (await s.people('!deceased', 1, (p) => p.idNumber !== deceased.idNumber))[0]!;
    const staff = await s.staffOf(CITY);
    const res = await s.call('POST', `/cases/${claim}/survivor-benefits`, {
      headers: staff.intake.headers,
      body: survivorClaim(spouse, dateOfDeath, 'spouse'),
    });
    expect(res.status).toBe(201);
    firstSurvivorCase = res.body.caseNumber;
    expect((await assessed(firstSurvivorCase)).status).not.toBe('refused');

    // At once, before the pay day: the period stops from the death, the case shows it, the stop notice goes out.
    const view = await s.caseWhen(claim, (v) => v.events.some((e: any) => e.type === 'benefit_stopped'));
    const stopped = view.events.find((e: any) => e.type === 'benefit_stopped');
    expect(stopped.data).toMatchObject({ reason: 'death', date: dateOfDeath });
    expect(view.payments.filter((p: any) => p.month === next && p.kind === 'unemployment_benefit')).toEqual([
      expect.objectContaining({ status: 'cancelled' }),
    ]);
    const sms = await s.smsTo(deceased.mobile);
    expect(sms.some((m) => m.text.includes('停止发放') && m.text.includes(dateOfDeath))).toBe(true);

    // The pay day: nothing for the months after the death.
    await s.throughPayDay(CITY, next);
    const after = (await s.bankPayments(claim)).filter((p) => p.paymentId.includes(`.UB.${next.replace('-', '')}.`));
    expect(after).toEqual([]);
  });

  it('Art. 47: a second survivor claim for the same death is refused at once, naming the first', async () => {
    const [child] = await s.people('!deceased', 1, (p) => ![deceased.idNumber, spouse.idNumber].includes(p.idNumber));
    const staff = await s.staffOf(CITY);
    const res = await s.call('POST', `/cases/${claim}/survivor-benefits`, {
      headers: staff.intake.headers,
      body: survivorClaim(child!, dateOfDeath, 'child'),
    });
    expect(res.status).toBe(201);
    const view = await assessed(res.body.caseNumber);
    expect(view.status).toBe('refused');
    const refusal = view.events.find((e: any) => e.type === 'other_benefit_refused');
    expect(JSON.stringify(refusal.data.reasons)).toContain(firstSurvivorCase);
    expect(await s.openTasks(res.body.caseNumber)).toEqual([]);
    // The first claim goes on to its review.
    expect((await s.caseView(firstSurvivorCase)).status).toMatch(/^awaiting_/);
  });
});
