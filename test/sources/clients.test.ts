/** Every client against the simulators over real HTTP: the answers are the simulated world's data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidUscc, residentIdCheckChar, usccCheckChar } from '../../domain/identity';
import { SourceError } from '../../integrations/errors';
import type { PersonSummary, RunningSimulator } from './support';
import { failure, findPerson, findPersons, personDetail, startSimulator } from './support';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe('tax data platform', () => {
  it('reads an employer and its insured staff (Art. 16, 23, 49)', async () => {
    const person = await findPerson(sim, 'eligible');
    const uscc = person.lastEmployerUscc!;
    const employer = await sim.clients.tax.getEmployer(uscc);
    expect(employer).not.toBeNull();
    expect(employer!.uscc).toBe(uscc);
    expect(isValidUscc(employer!.uscc)).toBe(true);
    expect(employer!.name).toMatch(/[\u4e00-\u9fff]/);
    expect(employer!.agencyDivisionCode).toMatch(/^21\d{4}$/);
    expect(employer!.bankAccount.accountName).toBe(employer!.name);

    const staff = await sim.clients.tax.getEmployerStaff(uscc);
    const row = staff!.staff.find((s) => s.idNumber === person.idNumber && s.endDate === person.separationDate);
    expect(row).toMatchObject({ name: person.name, endDate: person.separationDate });
    expect(row!.separationReason).not.toBeNull();
    // insuredCount counts the staff whose employment is ongoing
    expect(employer!.insuredCount).toBe(staff!.staff.filter((s) => s.endDate === null).length);
  });

  it('reads contribution records month by month with base, amount paid and receipt date (Art. 24, 25)', async () => {
    const person = await findPerson(sim, 'long_history');
    const detail = await personDetail(sim, person.idNumber);
    const { idNumber, records } = await sim.clients.tax.getPersonContributions(person.idNumber);
    expect(idNumber).toBe(person.idNumber);
    expect(records.length).toBe(detail.contributions.length);
    expect(records.length).toBeGreaterThan(120);
    for (const r of records) {
      expect(Number.isInteger(r.amountPaidFen) && r.amountPaidFen > 0).toBe(true);
      expect(Number.isInteger(r.contributionBaseFen) && r.contributionBaseFen >= r.amountPaidFen).toBe(true);
      expect(r.receiptDate > `${r.month}-31` || r.backPayment).toBe(true);
    }
    expect(records.map((r) => r.month)).toEqual([...records.map((r) => r.month)].sort());

    const last = records[records.length - 1]!.month;
    const ranged = await sim.clients.tax.getPersonContributions(person.idNumber, { from: last, to: last });
    expect(ranged.records.map((r) => r.month)).toEqual(records.filter((r) => r.month === last).map((r) => r.month));
  });

  it('shows a month paid by two employers twice, for the agency to count once (Art. 32)', async () => {
    const person = await findPerson(sim, 'overlapping_months');
    const { records } = await sim.clients.tax.getPersonContributions(person.idNumber);
    const byMonth = new Map<string, Set<string>>();
    for (const r of records) byMonth.set(r.month, (byMonth.get(r.month) ?? new Set()).add(r.employerUscc));
    expect([...byMonth.values()].some((employers) => employers.size === 2)).toBe(true);
    expect(byMonth.size).toBe(person.paidMonths);
  });

  it('reads arrears of a person whose employer owes contributions (Art. 41)', async () => {
    const person = await findPerson(sim, 'has_arrears');
    const detail = await personDetail(sim, person.idNumber);
    const arrears = await sim.clients.tax.getPersonArrears(person.idNumber);
    expect(arrears.records.length).toBeGreaterThan(0);
    expect(arrears.records.map((r) => [r.month, r.amountDueFen])).toEqual(
      detail.arrears.map((r) => [r.month, r.amountDueFen]),
    );
    const owedMonths = new Set(arrears.records.map((r) => `${r.employerUscc}/${r.month}`));
    const { records } = await sim.clients.tax.getPersonContributions(person.idNumber);
    expect(records.some((r) => owedMonths.has(`${r.employerUscc}/${r.month}`))).toBe(false);

    const employerArrears = await sim.clients.tax.getEmployerArrears(arrears.records[0]!.employerUscc);
    expect(employerArrears!.months.some((m) => m.month === arrears.records[0]!.month && m.insuredCount >= 1)).toBe(
      true,
    );
  });

  it('reads employment spells with separation dates and reasons (Art. 21, 38)', async () => {
    const person = await findPerson(sim, 'eligible');
    const { employments } = await sim.clients.tax.getPersonEmployments(person.idNumber);
    const last = employments[employments.length - 1]!;
    expect(last.endDate).toBe(person.separationDate);
    expect(last.employerUscc).toBe(person.lastEmployerUscc);
    expect(last.separationReason).not.toBeNull();
  });

  it('sums an employer’s monthly contributions (Art. 25 单位缴费信息, Art. 49)', async () => {
    const person = await findPerson(sim, 'employed,long_history');
    const uscc = person.lastEmployerUscc!;
    const own = (await sim.clients.tax.getPersonContributions(person.idNumber)).records.filter(
      (r) => r.employerUscc === uscc,
    );
    const month = own[own.length - 1]!.month;
    const { months } = (await sim.clients.tax.getEmployerContributions(uscc, { from: month, to: month }))!;
    expect(months.map((m) => m.month)).toEqual([month]);
    expect(months[0]!.insuredCount).toBeGreaterThanOrEqual(1);
    expect(months[0]!.amountPaidTotalFen).toBeGreaterThanOrEqual(own[own.length - 1]!.amountPaidFen);
    const year = (await sim.clients.tax.getEmployerContributions(uscc, { from: '2025-01', to: '2025-12' }))!.months;
    expect(year.every((m) => m.month >= '2025-01' && m.month <= '2025-12')).toBe(true);
    expect(year.map((m) => m.month)).toEqual([...year.map((m) => m.month)].sort());
  });

  it('answers null for an employer it does not know, and an empty history for an unknown person (Art. 16, 24)', async () => {
    const first17 = '91210100MA0QQQQQ1';
    expect(await sim.clients.tax.getEmployer(first17 + usccCheckChar(first17))).toBeNull();
    const unknownId = '210102195001011234'.slice(0, 17);
    const idNumber = unknownId + residentIdCheckChar(unknownId);
    expect(await sim.clients.tax.getPersonContributions(idNumber)).toEqual({ idNumber, records: [] });
  });
});

describe('household registration, civil affairs, pension and work-injury insurance', () => {
  it('checks identity and returns the hukou locality (Art. 35)', async () => {
    const person = await findPerson(sim, 'eligible,hukou_outside_liaoning');
    expect(await sim.clients.hukou.checkIdentity({ idNumber: person.idNumber, name: person.name })).toEqual({
      result: 'match',
      hukouDivisionCode: person.hukouDivisionCode,
      registrationStatus: 'active',
    });
    expect(await sim.clients.hukou.checkIdentity({ idNumber: person.idNumber, name: '某某某' })).toEqual({
      result: 'name_mismatch',
    });
    const first17 = '21010219500101123';
    expect(
      await sim.clients.hukou.checkIdentity({ idNumber: first17 + residentIdCheckChar(first17), name: '张三' }),
    ).toEqual({ result: 'not_found' });
  });

  it('reports a death with its date, and none for the living (Art. 42, 47)', async () => {
    const dead = await findPerson(sim, 'deceased');
    expect(await sim.clients.civil.getDeath(dead.idNumber)).toEqual({ deceased: true, dateOfDeath: dead.dateOfDeath });
    const hukou = await sim.clients.hukou.checkIdentity({ idNumber: dead.idNumber, name: dead.name });
    expect(hukou).toMatchObject({ result: 'match', registrationStatus: 'cancelled' });
    const alive = await findPerson(sim, 'eligible,!deceased');
    expect(await sim.clients.civil.getDeath(alive.idNumber)).toEqual({ deceased: false, dateOfDeath: null });
  });

  it('reports pension receipt with its start date, a stop condition (Art. 38, 42)', async () => {
    const pensioner = await findPerson(sim, 'pensioner');
    expect(await sim.clients.pension.getPensionReceipt(pensioner.idNumber)).toEqual({
      receivesPension: true,
      startDate: pensioner.pensionStartDate,
    });
    const other = await findPerson(sim, 'eligible');
    expect(await sim.clients.pension.getPensionReceipt(other.idNumber)).toEqual({
      receivesPension: false,
      startDate: null,
    });
  });

  it('answers the monthly comparison lists, one result per person, as the single lookups do (Art. 42 比对查询)', async () => {
    const dead = await findPerson(sim, 'deceased');
    const pensioner = await findPerson(sim, 'pensioner,!deceased');
    const reemployed = await findPerson(sim, 'reemployed,!deceased,!pensioner');
    const clear = await findPerson(sim, 'eligible,!deceased,!pensioner,!reemployed,!employed');
    const ids = [dead, pensioner, reemployed, clear].map((p) => p.idNumber);
    const [deaths, pensions, employment] = await Promise.all([
      sim.clients.civil.getDeaths(ids),
      sim.clients.pension.getPensionReceipts(ids),
      sim.clients.employment.getEmploymentStatuses(ids),
    ]);
    for (const id of ids) {
      expect(deaths.get(id)).toMatchObject(await sim.clients.civil.getDeath(id));
      expect(pensions.get(id)).toMatchObject(await sim.clients.pension.getPensionReceipt(id));
      expect(employment.get(id)).toMatchObject(await sim.clients.employment.getEmploymentStatus(id));
    }
    expect([...deaths].filter(([, d]) => d.deceased).map(([id]) => id)).toEqual([dead.idNumber]);
    expect(pensions.get(pensioner.idNumber)).toMatchObject({ receivesPension: true });
    expect(employment.get(reemployed.idNumber)?.employed).toBe(true);
    expect(employment.get(clear.idNumber)).toMatchObject({ employed: false, startDate: null });
  });

  it('refuses a comparison list of over 500 people, and reads a garbled list as malformed, for nobody (Art. 7, 42)', async () => {
    const clear = await findPerson(sim, 'eligible');
    const tooMany = Array.from({ length: 501 }, () => clear.idNumber);
    expect(await failure(() => sim.clients.civil.getDeaths(tooMany))).toMatchObject({ kind: 'rejected', status: 400 });
    await sim.admin('PUT', '/faults', { prefix: '/pension', malformed: 'shape' });
    try {
      const garbled = await failure(() => sim.clients.pension.getPensionReceipts([clear.idNumber]));
      expect(garbled).toBeInstanceOf(SourceError);
      expect(garbled).toMatchObject({ kind: 'malformed', source: 'pension', operation: 'getPensionReceipts' });
    } finally {
      await sim.admin('DELETE', '/faults');
    }
  });

  it('reports funeral grants already paid by pension or work-injury insurance (Art. 47)', async () => {
    const person = await findPerson(sim, 'funeral_grant_paid');
    const detail = await personDetail(sim, person.idNumber);
    const fromPension = await sim.clients.pension.getFuneralGrants(person.idNumber);
    const fromInjury = await sim.clients.injury.getFuneralGrants(person.idNumber);
    expect(fromPension.grants).toEqual(detail.pensionFuneralGrant ? [detail.pensionFuneralGrant] : []);
    expect(fromInjury.grants).toEqual(detail.injuryFuneralGrant ? [detail.injuryFuneralGrant] : []);
    const grants = [...fromPension.grants, ...fromInjury.grants];
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((g) => g.grantDate >= person.dateOfDeath! && g.funeralGrantFen > 0)).toBe(true);
  });
});

describe('certificates and credit', () => {
  it('lists vocational certificates with occupation, level and issue date (Art. 50)', async () => {
    const person = await findPerson(sim, 'has_certificates');
    const detail = await personDetail(sim, person.idNumber);
    const { certificates } = await sim.clients.certificates.getCertificates(person.idNumber);
    expect(certificates).toEqual(detail.certificates);
    for (const c of certificates) {
      expect(['junior', 'intermediate', 'senior']).toContain(c.level);
      expect(c.occupationName.length).toBeGreaterThan(0);
      expect(c.issueDate <= '2026-06-15').toBe(true);
    }
    const none = await findPerson(sim, 'eligible,!has_certificates');
    expect(await sim.clients.certificates.getCertificates(none.idNumber)).toEqual({ certificates: [] });
  });

  it('reads an employer’s credit status (Art. 49)', async () => {
    const page = await sim.admin<{ items: { uscc: string; credit: { listedDate: string } }[] }>(
      'GET',
      '/employers?filter=seriously_dishonest&limit=1',
    );
    const listed = page.items[0]!;
    expect(await sim.clients.credit.getEmployerCredit(listed.uscc)).toEqual({
      uscc: listed.uscc,
      status: 'seriously_dishonest',
      listedDate: listed.credit.listedDate,
    });
    const good = (await sim.admin<{ items: { uscc: string }[] }>('GET', '/employers?filter=good_credit&limit=1'))
      .items[0]!;
    expect(await sim.clients.credit.getEmployerCredit(good.uscc)).toEqual({
      uscc: good.uscc,
      status: 'good',
      listedDate: null,
    });
  });
});

describe('medical insurance, employment service, SMS', () => {
  it('enrols a beneficiary, pays each premium once per payment ID and ends cover with the benefit (Art. 44)', async () => {
    const person = await findPerson(sim, 'eligible');
    const { medical } = sim.clients;
    const request = {
      idNumber: person.idNumber,
      name: person.name,
      agencyDivisionCode: '210100',
      startDate: '2026-06-01',
    };
    expect(await medical.enrol(request)).toMatchObject({
      status: 'enrolled',
      startDate: '2026-06-01',
      duplicate: false,
    });
    expect(await medical.enrol(request)).toMatchObject({ status: 'enrolled', duplicate: true });

    const premium = {
      paymentId: `med-${person.index}-2026-06`,
      idNumber: person.idNumber,
      month: '2026-06',
      amountFen: 23_456,
      agencyDivisionCode: '210100',
    };
    expect(await medical.payPremium(premium)).toMatchObject({ status: 'accepted', duplicate: false });
    expect(await medical.payPremium(premium)).toMatchObject({ status: 'accepted', duplicate: true });
    const err = await failure(() => medical.payPremium({ ...premium, paymentId: 'med-x', month: '2026-05' }));
    expect(err).toMatchObject({ kind: 'rejected', status: 409, code: 'not_covered', retryable: false });

    expect(
      await medical.leave({ idNumber: person.idNumber, endDate: '2026-12-31', reason: 'benefit_ended' }),
    ).toMatchObject({ status: 'left', endDate: '2026-12-31', leaveReason: 'benefit_ended' });
    expect(await medical.getBeneficiary(person.idNumber)).toMatchObject({ status: 'left' });

    const ledger = await sim.admin<{ premiums: { paymentId: string; timesReceived: number; amountFen: number }[] }>(
      'GET',
      '/medical/ledger',
    );
    expect(ledger.premiums.filter((p) => p.paymentId === premium.paymentId)).toEqual([
      expect.objectContaining({ amountFen: 23_456, timesReceived: 2 }),
    ]);
  });

  it('takes a run batch of premiums at once, a result per payment ID, each recorded once (Art. 44, 63 代缴)', async () => {
    const [enrolled, never] = (await findPersons(sim, 'eligible,!deceased', 2)) as [PersonSummary, PersonSummary];
    const { medical } = sim.clients;
    await medical.enrol({
      idNumber: enrolled.idNumber,
      name: enrolled.name,
      agencyDivisionCode: '210100',
      startDate: '2026-07-01',
    });
    const item = (paymentId: string, idNumber: string, month: string) => ({
      paymentId,
      idNumber,
      month,
      amountFen: 23_456,
      agencyDivisionCode: '210100',
    });
    const batch = [
      item('medb-1', enrolled.idNumber, '2026-07'),
      item('medb-2', never.idNumber, '2026-07'),
      item('medb-3', enrolled.idNumber, '2026-06'),
    ];
    const first = await medical.payPremiums(batch);
    expect(first.get('medb-1')).toMatchObject({ status: 'accepted', duplicate: false });
    expect(first.get('medb-2')).toEqual({ paymentId: 'medb-2', status: 'refused', code: 'not_enrolled' });
    expect(first.get('medb-3')).toEqual({ paymentId: 'medb-3', status: 'refused', code: 'not_covered' });
    // Sent again (a retried batch): the same answers, nothing recorded twice.
    const again = await medical.payPremiums(batch);
    expect(again.get('medb-1')).toMatchObject({ status: 'accepted', duplicate: true });
    const ledger = await sim.admin<{ premiums: { paymentId: string; timesReceived: number }[] }>(
      'GET',
      '/medical/ledger',
    );
    expect(ledger.premiums.filter((p) => p.paymentId.startsWith('medb-'))).toEqual([
      expect.objectContaining({ paymentId: 'medb-1', timesReceived: 2 }),
    ]);
  });

  it('refuses a premium for a person never enrolled, not retryable (Art. 44)', async () => {
    const person = await findPerson(sim, 'employed');
    const err = await failure(() =>
      sim.clients.medical.payPremium({
        paymentId: 'med-never',
        idNumber: person.idNumber,
        month: '2026-06',
        amountFen: 100,
        agencyDivisionCode: '210100',
      }),
    );
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ source: 'medical', operation: 'payPremium', code: 'not_enrolled', retryable: false });
    expect(await sim.clients.medical.getBeneficiary(person.idNumber)).toBeNull();
  });

  it('reads a re-employment date and registers beneficiaries for unemployment registration (Art. 40, 42)', async () => {
    const reemployed = await findPerson(sim, 'reemployed');
    const status = await sim.clients.employment.getEmploymentStatus(reemployed.idNumber);
    expect(status).toEqual({
      employed: true,
      startDate: reemployed.employment!.startDate,
      employerName: reemployed.employment!.employerName,
      employerUscc: reemployed.employment!.employerUscc,
    });

    const person = await findPerson(sim, 'eligible');
    expect(await sim.clients.employment.getEmploymentStatus(person.idNumber)).toMatchObject({ employed: false });
    const request = {
      requestId: `reg-${person.index}`,
      idNumber: person.idNumber,
      name: person.name,
      agencyDivisionCode: '210200',
      benefitStartDate: '2026-06-01',
      benefitEndDate: '2027-05-31',
    };
    const first = await sim.clients.employment.registerUnemployment(request);
    const second = await sim.clients.employment.registerUnemployment(request);
    expect(first).toMatchObject({ status: 'registered', duplicate: false });
    expect(second).toEqual({ ...first, duplicate: true });
    expect(first.registrationNumber).toMatch(/^SYDJ210200\d{8}$/);
  });

  it('sends an SMS once per message ID (Art. 38, 42)', async () => {
    const person = await findPerson(sim, 'eligible');
    const message = {
      messageId: `sms-expiry-${person.index}`,
      mobile: person.mobile,
      text: '您的失业保险金领取期限将于下月届满。',
    };
    const first = await sim.clients.sms.send(message);
    const second = await sim.clients.sms.send(message);
    expect(first).toMatchObject({ status: 'accepted', duplicate: false });
    expect(second).toMatchObject({ status: 'accepted', duplicate: true, acceptedAt: first.acceptedAt });
    const outbox = await sim.admin<{ messages: { messageId: string; mobile: string; timesReceived: number }[] }>(
      'GET',
      '/sms/outbox',
    );
    expect(outbox.messages.filter((m) => m.messageId === message.messageId)).toEqual([
      expect.objectContaining({ mobile: person.mobile, timesReceived: 2 }),
    ]);
    expect((await sim.clients.sms.getStatus(message.messageId))!.status).toMatch(/^(delivered|undeliverable)$/);
    expect(await sim.clients.sms.getStatus('sms-unknown')).toBeNull();
  });
});

describe('national transfer platform', () => {
  it('lists inbound transfer letters for an agency and accepts one (Art. 52, 53)', async () => {
    const person = await findPerson(sim, 'transfer_in');
    const detail = await personDetail(sim, person.idNumber);
    const letterId = detail.inboundLetter!.letterId;
    const inbox = await sim.clients.transfer.listInbound({ toAgencyCode: detail.inboundLetter!.toAgencyCode });
    const letter = inbox.find((l) => l.letterId === letterId)!;
    expect(letter).toMatchObject({ direction: 'inbound', idNumber: person.idNumber, status: 'sent' });
    expect(letter.fromAgencyCode.startsWith('21')).toBe(false);
    expect(letter.contributionMonths).toBeGreaterThan(0);

    const accepted = await sim.clients.transfer.acknowledge(letterId, { status: 'accepted' });
    expect(accepted).toMatchObject({ status: 'accepted', duplicate: false });
    expect(await sim.clients.transfer.acknowledge(letterId, { status: 'accepted' })).toMatchObject({ duplicate: true });
    expect((await sim.clients.transfer.getLetter(letterId))!.status).toBe('accepted');
    const err = await failure(() => sim.clients.transfer.acknowledge(letterId, { status: 'rejected' }));
    expect(err).toMatchObject({ status: 409, code: 'already_acknowledged', retryable: false });
  });

  it('sends a transfer letter once per letter ID and records the funds transfer (Art. 54, 56)', async () => {
    const person = await findPerson(sim, 'eligible');
    const request = {
      letterId: `TLO-${person.index}`,
      kind: 'unemployed_person' as const,
      idNumber: person.idNumber,
      name: person.name,
      fromAgencyCode: '210100',
      toAgencyCode: '110100',
      issuedDate: '2026-06-15',
      contributionMonths: 36,
      contributionPeriods: [{ from: '2023-01', to: '2025-12' }],
      benefitMonthsRemaining: 9,
    };
    const sent = await sim.clients.transfer.sendLetter(request);
    expect(sent).toMatchObject({ direction: 'outbound', status: 'sent', duplicate: false });
    expect(await sim.clients.transfer.sendLetter(request)).toMatchObject({ status: 'sent', duplicate: true });
    await sim.admin('POST', `/transfer/letters/${request.letterId}/status`, { status: 'accepted' });
    const funded = await sim.clients.transfer.recordFundsTransfer(request.letterId, {
      amountFen: 1_234_500,
      transferDate: '2026-07-10',
    });
    expect(funded).toMatchObject({
      status: 'funds_transferred',
      fundAmountFen: 1_234_500,
      fundTransferDate: '2026-07-10',
    });
    expect(await sim.clients.transfer.getLetter('TLO-unknown')).toBeNull();
  });
});
