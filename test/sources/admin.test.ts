/** The admin API: finding test persons, and the world changing over time as later tests need it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './support';
import { findPerson, findPersons, personDetail, startSimulator } from './support';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe('finding test persons', () => {
  it('filters by traits, with negation, and pages on', async () => {
    const persons = await findPersons(sim, 'eligible,!has_arrears,!deceased', 20);
    expect(persons).toHaveLength(20);
    for (const p of persons) {
      expect(p.traits).toContain('eligible');
      expect(p.traits).not.toContain('has_arrears');
      expect(p.paidMonths).toBeGreaterThanOrEqual(12);
    }
    const next = await sim.admin<{ items: { index: number }[]; nextOffset: number }>(
      'GET',
      `/persons?filter=eligible&limit=5&offset=${persons[19]!.index + 1}`,
    );
    expect(next.items.every((p) => p.index > persons[19]!.index)).toBe(true);
    await expect(sim.admin('GET', '/persons?filter=rich')).rejects.toThrow(/unknown_trait/);
  });
});

describe('the world changes over time', () => {
  it('shows a back payment later, with its receipt date, and the arrears gone (Art. 26, 41)', async () => {
    const person = await findPerson(sim, 'has_arrears');
    const before = await sim.clients.tax.getPersonArrears(person.idNumber);
    const owed = before.records[0]!;
    const result = await sim.admin<{ recordsSettled: number }>('POST', '/tax/back-payments', {
      uscc: owed.employerUscc,
      idNumber: person.idNumber,
      months: [owed.month],
      receiptDate: '2026-06-20',
    });
    expect(result.recordsSettled).toBe(1);

    const after = await sim.clients.tax.getPersonArrears(person.idNumber);
    expect(after.records.map((r) => r.month)).not.toContain(owed.month);
    expect(after.records).toHaveLength(before.records.length - 1);
    const { records } = await sim.clients.tax.getPersonContributions(person.idNumber, {
      from: owed.month,
      to: owed.month,
    });
    expect(records.find((r) => r.employerUscc === owed.employerUscc)).toMatchObject({
      month: owed.month,
      amountPaidFen: owed.amountDueFen,
      receiptDate: '2026-06-20',
      backPayment: true,
    });
  });

  it('settles every owed month of an employer at once (Art. 26 一次性全额补足)', async () => {
    const person = await findPerson(sim, 'has_arrears');
    const uscc = (await sim.clients.tax.getPersonArrears(person.idNumber)).records[0]!.employerUscc;
    await sim.admin('POST', '/tax/back-payments', { uscc });
    expect((await sim.clients.tax.getEmployerArrears(uscc))!.months).toEqual([]);
    const arrears = await sim.clients.tax.getPersonArrears(person.idNumber);
    expect(arrears.records.filter((r) => r.employerUscc === uscc)).toEqual([]);
  });

  it('reports a death recorded later (Art. 42, 47)', async () => {
    const person = await findPerson(sim, 'eligible,!deceased');
    expect(await sim.clients.civil.getDeath(person.idNumber)).toEqual({ deceased: false, dateOfDeath: null });
    await sim.admin('POST', '/deaths', { idNumber: person.idNumber, dateOfDeath: '2026-06-10' });
    expect(await sim.clients.civil.getDeath(person.idNumber)).toEqual({ deceased: true, dateOfDeath: '2026-06-10' });
    expect((await personDetail(sim, person.idNumber)).traits).toContain('deceased');
  });

  it('reports a re-employment and a pension recorded later (Art. 42)', async () => {
    const person = await findPerson(sim, 'eligible,!reemployed,!pensioner');
    await sim.admin('POST', '/employment', {
      idNumber: person.idNumber,
      startDate: '2026-06-12',
      employerName: '沈阳新岗位有限公司',
    });
    expect(await sim.clients.employment.getEmploymentStatus(person.idNumber)).toEqual({
      employed: true,
      startDate: '2026-06-12',
      employerName: '沈阳新岗位有限公司',
      employerUscc: null,
    });
    await sim.admin('POST', '/pensions', { idNumber: person.idNumber, startDate: '2026-07-01' });
    expect(await sim.clients.pension.getPensionReceipt(person.idNumber)).toEqual({
      receivesPension: true,
      startDate: '2026-07-01',
    });
  });

  it('delivers an inbound transfer letter injected for a person (Art. 53)', async () => {
    const person = await findPerson(sim, 'separated,!transfer_in');
    await sim.admin('POST', '/transfer/letters', {
      letterId: 'TLX-test-1',
      kind: 'unemployed_person',
      idNumber: person.idNumber,
      fromAgencyCode: '220100',
      toAgencyCode: '210300',
      contributionPeriods: [{ from: '2020-01', to: '2021-12' }],
      benefitMonthsRemaining: 6,
    });
    const inbox = await sim.clients.transfer.listInbound({ toAgencyCode: '210300', status: 'sent' });
    expect(inbox.find((l) => l.letterId === 'TLX-test-1')).toMatchObject({
      idNumber: person.idNumber,
      name: person.name,
      contributionMonths: 24,
      benefitMonthsRemaining: 6,
    });
  });

  it('clears ledgers and changes on reset, keeping the generated world', async () => {
    const person = await findPerson(sim, 'eligible,!back_payments');
    const before = await personDetail(sim, person.idNumber);
    await sim.clients.sms.send({ messageId: 'sms-reset', mobile: person.mobile, text: '测试' });
    await sim.admin('POST', '/deaths', { idNumber: person.idNumber, dateOfDeath: '2026-06-01' });
    expect((await sim.clients.civil.getDeath(person.idNumber)).deceased).toBe(true);
    await sim.admin('POST', '/reset');
    expect((await sim.admin<{ messages: unknown[] }>('GET', '/sms/outbox')).messages).toEqual([]);
    expect((await sim.clients.civil.getDeath(person.idNumber)).deceased).toBe(false);
    expect(await personDetail(sim, person.idNumber)).toEqual(before);
  });
});
