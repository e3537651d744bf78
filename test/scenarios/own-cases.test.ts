/**
 * 记录查询 (Art. 31, 8): a person signed in by SMS code and an employer's agent see their own cases of every type (a
 * skill-upgrade subsidy, a childbirth medical subsidy, an objection, a job-retention refund), masked as claims are
 * (Art. 30), and learn nothing of another person's or company's case (404, as for a case that does not exist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type CertificateHolder, type Person, type Scenario } from './harness';

let s: Scenario;
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid,female';

beforeAll(async () => {
  s = await startScenario({ name: 'own-cases' });
});
afterAll(async () => {
  await s?.close();
});

const skillApplication = (h: CertificateHolder) => ({
  channel: 'online',
  agencyCode: '210100',
  employee: { idType: 'resident_id_card', idNumber: h.person.idNumber, name: h.person.name, phone: h.person.mobile },
  employer: { uscc: h.uscc, name: h.name },
  certificateNumber: h.certificateNumber,
  payment: { method: 'social_security_card', accountNumber: h.person.bankAccount.accountNumber },
});

const mine = async (headers: Record<string, string>) => {
  const r = await s.call<{ items: { caseNumber: string; caseType: string }[] }>('GET', '/my/cases', { headers });
  expect(r.status).toBe(200);
  return r.body.items;
};

describe('记录查询 (Art. 31)', () => {
  let h: CertificateHolder;
  let skillByPerson: string;
  let skillByEmployer: string;
  let claim: string;
  let childbirth: string;
  let objection: string;
  let refund: string;
  let personHeaders: Record<string, string>;
  let mother: Person;
  let motherHeaders: Record<string, string>;

  beforeAll(async () => {
    h = await s.certificateHolder('210100');
    personHeaders = await s.applicant(h.person);
    const own = await s.call('POST', '/skill-subsidies', { headers: personHeaders, body: skillApplication(h) });
    expect(own.status).toBe(201);
    skillByPerson = own.body.caseNumber;
    const agent = await s.employerAgent(h.uscc);
    const byEmployer = await s.call('POST', '/skill-subsidies', {
      headers: agent,
      body: { ...skillApplication(h), channel: 'online' },
    });
    expect(byEmployer.status).toBe(201);
    skillByEmployer = byEmployer.body.caseNumber;
    const today = await s.today();
    const year = Number(today.slice(0, 4)) - (today.slice(5, 7) < '03' ? 2 : 1);
    const jr = await s.call('POST', '/job-retention/applications', {
      headers: agent,
      body: { agencyCode: '210100', year, contactPhone: '13900001234' },
    });
    expect(jr.status).toBe(201);
    refund = jr.body.caseNumber;

    mother = (await s.people(CLEAN, 1, (p) => p.paidMonths < 48))[0]!;
    const filed = await s.file(await s.claimFor(mother!));
    expect(filed.status).toBe(201);
    claim = filed.body.caseNumber;
    await s.caseWhen(claim, (v) => v.status === 'approved');
    motherHeaders = await s.applicant(mother!);
    const birth = await s.call('POST', `/cases/${claim}/childbirth-subsidy`, {
      headers: motherHeaders,
      body: {
        channel: 'online',
        birthDate: today,
        compliesWithFamilyPlanning: true,
        materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
      },
    });
    expect(birth.status).toBe(201);
    childbirth = birth.body.caseNumber;
    const obj = await s.call('POST', `/cases/${claim}/objections`, {
      headers: motherHeaders,
      body: {
        subject: 'review_result',
        grounds: '核定的领取期限少算了视同缴费年限',
        evidence: [{ kind: 'deemed_contribution_proof', title: '视同缴费年限证明' }],
      },
    });
    expect(obj.status).toBeLessThan(300);
    objection = obj.body.caseNumber;
  });

  it('Art. 31: a person signed in by SMS code lists and reads their own subsidy, other-benefit and objection cases, masked, and gets 404 for another person’s (Art. 30)', async () => {
    expect((await mine(motherHeaders)).map((c) => c.caseNumber).sort()).toEqual([claim, childbirth, objection].sort());
    expect((await mine(personHeaders)).map((c) => c.caseNumber).sort()).toEqual(
      [skillByPerson, skillByEmployer].sort(),
    );
    for (const [headers, caseNumber, who] of [
      [motherHeaders, childbirth, mother],
      [motherHeaders, objection, mother],
      [personHeaders, skillByPerson, h.person],
    ] as const) {
      const r = await s.call('GET', `/cases/${caseNumber}`, { headers });
      expect(r.status, caseNumber).toBe(200);
      expect(r.body.caseNumber).toBe(caseNumber);
      const text = JSON.stringify(r.body);
      expect(text).not.toContain(who.idNumber);
      expect(text).not.toContain(who.mobile);
      expect(text).not.toContain(who.bankAccount.accountNumber);
    }
    const skill = (await s.call('GET', `/cases/${skillByPerson}`, { headers: personHeaders })).body;
    expect(skill.skillSubsidy.employee.idNumberMasked).toMatch(/^\d{6}\*+/);

    // Another person's case of any type: 404, as for a case that does not exist (Art. 30).
    for (const caseNumber of [skillByPerson, skillByEmployer, refund]) {
      const r = await s.call('GET', `/cases/${caseNumber}`, { headers: motherHeaders });
      expect(r.status, caseNumber).toBe(404);
      expect(r.body.error.code).toBe('case_not_found');
    }
    for (const caseNumber of [claim, childbirth, objection, refund]) {
      expect((await s.call('GET', `/cases/${caseNumber}`, { headers: personHeaders })).status, caseNumber).toBe(404);
    }
  });

  it('Art. 31, 8: an employer agent lists and reads its company’s cases (its refund, the subsidy it applied for), and gets 404 for another company’s', async () => {
    const agent = await s.employerAgent(h.uscc);
    expect((await mine(agent)).map((c) => c.caseNumber).sort()).toEqual([refund, skillByEmployer].sort());
    for (const caseNumber of [refund, skillByEmployer]) {
      const r = await s.call('GET', `/cases/${caseNumber}`, { headers: agent });
      expect(r.status, caseNumber).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain(h.person.idNumber);
    }
    // The employee's own application, and the person's other cases, are not the company's.
    for (const caseNumber of [skillByPerson, claim, childbirth, objection])
      expect((await s.call('GET', `/cases/${caseNumber}`, { headers: agent })).status, caseNumber).toBe(404);

    const other = (
      await s.sim.admin<{ items: { uscc: string; agencyDivisionCode: string }[] }>('GET', '/employers?limit=200')
    ).items.find((e) => e.agencyDivisionCode === '210100' && e.uscc !== h.uscc)!;
    const stranger = await s.employerAgent(other.uscc);
    expect(await mine(stranger)).toEqual([]);
    for (const caseNumber of [refund, skillByEmployer]) {
      const r = await s.call('GET', `/cases/${caseNumber}`, { headers: stranger });
      expect(r.status, caseNumber).toBe(404);
      expect(r.body.error.code).toBe('case_not_found');
    }
  });
});
