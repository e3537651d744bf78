/**
 * 权益记录 (Chapter 5, Art. 29-33, with Art. 9 and 10) end to end on the real servers: persons put into the register
 * (a small SQL seeding helper: the person registration API is built elsewhere) at employers registered through the
 * API, their record read online by the person, by the employer's agent for its own staff, at any agency of the
 * province with a reason; the signed 权益记录单 read back; an objection checked and told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdBirthDate, residentIdSex } from '../../domain/identity';
import { employerRegistrationBody } from '../support/employers';
import { eventually } from '../support/wait';
import { pdfText, verifyPdfSignature } from '../support/pdf';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'entitlement-record', cities: ['210100'] });
});
afterAll(async () => {
  await s?.close();
});

interface SimDetail {
  employments: { employerUscc: string; employerName: string; startDate: string; endDate: string | null }[];
  contributions: { employerUscc: string; month: string; amountPaidFen: number; contributionBaseFen: number }[];
}
const detailOf = (p: Person) => s.sim.admin<SimDetail>('GET', `/persons/${p.idNumber}`);

const registered = new Map<string, { registerNumber: string; agent: Record<string, string> }>();
let sequence = 0;
/** The employer registered online by its agent (Art. 16), once per USCC; its register number and agent. */
async function registeredEmployer(uscc: string) {
  const known = registered.get(uscc);
  if (known) return known;
  const tax = (await s.sim.clients.tax.getEmployer(uscc))!;
  const credit = await s.sim.clients.credit.getEmployerCredit(uscc);
  if (!credit) throw new Error(`${uscc} unknown to the market registry`);
  const agent = await s.employerAgent(uscc, tax.agencyDivisionCode);
  sequence += 1;
  const r = await s.call('POST', '/employers', {
    headers: { ...agent, 'idempotency-key': `rec-${uscc}` },
    body: employerRegistrationBody(tax, sequence),
  });
  if (r.status !== 201 && r.status !== 200)
    throw new Error(`POST /employers ${uscc}: ${r.status} ${JSON.stringify(r.body)}`);
  const e = { registerNumber: r.body.registerNumber as string, agent };
  registered.set(uscc, e);
  return e;
}

let serial = 0;
/**
 * The person put into the register (insured_person and one insurance_relation per employment at a registered
 * employer), as the person registration (Art. 19) would; `terminated`: retired, emigrated or died (Art. 22, 33).
 */
async function seedPerson(p: Person, o: { terminated?: { on: string; reason: string } } = {}): Promise<string> {
  const d = await detailOf(p);
  const firstEmployer = await registeredEmployer(d.employments[0]!.employerUscc);
  const agencyCode = firstEmployer.registerNumber.slice(0, 6);
  serial += 1;
  const personNumber = `${agencyCode}${String(90_000_000 + serial)}`;
  const firstMonth = d.contributions.map((c) => c.month).sort()[0] ?? '2020-01';
  const status = o.terminated ? 'terminated' : d.employments.some((e) => e.endDate === null) ? 'insured' : 'suspended';
  await s.tdb.sql(
    `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
       hukou_address, residence, insured_since, agency_code, status, terminated_on, termination_reason, registered_at,
       updated_at)
     VALUES ($1, 'resident_id_card', $2, $3, $4, $5, $6, $7, '辽宁省', '辽宁省', $8, $9, $10, $11, $12, now(), now())`,
    [
      personNumber,
      p.idNumber,
      p.name,
      residentIdSex(p.idNumber),
      residentIdBirthDate(p.idNumber),
      p.mobile,
      p.hukouDivisionCode,
      `${firstMonth}-01`,
      agencyCode,
      status,
      o.terminated?.on ?? null,
      o.terminated?.reason ?? null,
    ],
  );
  for (const [i, e] of d.employments.entries()) {
    const { registerNumber } = await registeredEmployer(e.employerUscc);
    // Art. 22, 33: the last relation ends with the insured status.
    const ends = o.terminated && i === d.employments.length - 1;
    const ended = ends ? o.terminated!.on : e.endDate;
    await s.tdb.sql(
      `INSERT INTO insurance_relation (person_number, register_number, hired_on, late_by_days, status, ended_on,
         separation_reason, origin, created_at, updated_at)
       VALUES ($1, $2, $3, 0, $4, $5, $6, 'registration', now(), now())`,
      [
        personNumber,
        registerNumber,
        e.startDate,
        ends ? 'terminated' : ended === null ? 'insured' : 'suspended',
        ended,
        ends || ended === null ? null : 'contract_expired',
      ],
    );
  }
  return personNumber;
}

const auditOf = (entityId: string) =>
  s.tdb.sql<{ action: string; actor_name: string; reason: string | null; at: Date }>(
    `SELECT action, actor_name, reason, at FROM audit_log WHERE entity_id = $1 AND action LIKE 'entitlement_record_%'
     ORDER BY id`,
    [entityId],
  );

describe('权益记录 (Art. 29-33)', () => {
  it('Art. 29, 32: the person sees every contribution record, a month paid by two employers shown twice and counted once', async () => {
    const [p] = await s.people('overlapping_months', 1, (x) => x.paidMonths >= 12);
    const personNumber = await seedPerson(p!);
    const d = await detailOf(p!);
    const applicant = await s.applicant(p!);
    const r = await s.call('GET', '/my/record', { headers: applicant });
    expect(r.status).toBe(200);
    expect(r.body.person).toMatchObject({
      personNumber,
      name: p!.name,
      idNumber: p!.idNumber,
      statusLabel: expect.any(String),
    });
    // Art. 29: each employer's month, with base and amount (fen in the API).
    expect(r.body.contributions.records).toHaveLength(d.contributions.length);
    const distinct = new Set(d.contributions.map((c) => c.month));
    const twice = [...distinct].filter((m) => d.contributions.filter((c) => c.month === m).length > 1).sort();
    expect(twice.length).toBeGreaterThan(0);
    // Art. 32: counted once, both shown.
    expect(r.body.contributions.summary).toMatchObject({
      months: distinct.size,
      lines: d.contributions.length,
      overlappingMonths: twice,
      totalAmountFen: d.contributions.reduce((n, c) => n + c.amountPaidFen, 0),
    });
    const both = r.body.contributions.records.filter((c: any) => c.month === twice[0]);
    expect(new Set(both.map((c: any) => c.employerUscc)).size).toBe(2);
    // Art. 29: each insured relation with its employer and status.
    expect(r.body.relations).toHaveLength(d.employments.length);
    expect(r.body.relations[0]).toMatchObject({
      registerNumber: expect.stringMatching(/^\d{14}$/),
      hiredOn: d.employments[0]!.startDate,
    });
    // Art. 30: the look is audited (who, whom, why).
    expect(await auditOf(personNumber)).toContainEqual(
      expect.objectContaining({
        action: 'entitlement_record_viewed',
        actor_name: `applicant.${personNumber}`,
        reason: '本人查询',
      }),
    );
  });

  it('Art. 29, 9: benefits received (months and amounts, medical premiums) at any agency of the province, with a reason', async () => {
    const [p] = await s.peopleIn(
      '210100',
      'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid',
      1,
      (x) => x.paidMonths >= 12 && x.paidMonths < 60,
    );
    const caseNumber = await s.approvedClaim(p!);
    await s.nextPayDay('210100');
    const personNumber = await seedPerson(p!);
    const paid = (await s.bankPayments(caseNumber)).filter((x) => x.result === 'paid');
    expect(paid.length).toBeGreaterThan(0);
    // A clerk of another city (Art. 9: 全省任一经办机构).
    const dalian = await s.staffOf('210200');
    const noReason = await s.call('GET', `/records/persons/${personNumber}`, { headers: dalian.intake.headers });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toContainEqual(
      expect.objectContaining({ path: 'reason', rule: 'reason_required' }),
    );
    const r = await s.call('GET', `/records/persons/${personNumber}?reason=${encodeURIComponent('窗口查询打印')}`, {
      headers: dalian.intake.headers,
    });
    expect(r.status).toBe(200);
    const b = r.body.benefits.find((x: any) => x.caseNumber === caseNumber);
    expect(b.paid.length).toBe(paid.length);
    expect(b.paidTotalFen).toBe(paid.reduce((n, x) => n + x.amountFen, 0));
    expect(b.period).toMatchObject({ monthlyAmountFen: expect.any(Number), months: expect.any(Number) });
    // Art. 44: the medical premium paid for the beneficiary.
    const premiums = await s.tdb.sql<{ n: string; fen: string }>(
      `SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS fen FROM payable
       WHERE period_id = $1 AND kind = 'medical_premium' AND status = 'paid'`,
      [`${caseNumber}.P`],
    );
    expect(b.medicalPremiums).toEqual({ months: Number(premiums[0]!.n), totalFen: Number(premiums[0]!.fen) });
    expect(await auditOf(personNumber)).toContainEqual(
      expect.objectContaining({
        action: 'entitlement_record_viewed',
        actor_name: 'intake.210200',
        reason: '窗口查询打印',
      }),
    );
  });

  it('Art. 30: shown only to the person, the employer for its own staff (its part), and staff with a reason', async () => {
    const [p, other] = await s.people('employed,!overlapping_months', 2, (x) => x.paidMonths >= 12);
    const personNumber = await seedPerson(p!);
    const otherNumber = await seedPerson(other!);
    const d = await detailOf(p!);
    const own = await registeredEmployer(d.employments.at(-1)!.employerUscc);
    const stranger = await registeredEmployer((await detailOf(other!)).employments.at(-1)!.employerUscc);
    expect(stranger.registerNumber).not.toBe(own.registerNumber);

    // The employer's agent: its own staff member, only what concerns it.
    const mine = await s.call('GET', `/records/persons/${personNumber}`, { headers: own.agent });
    expect(mine.status).toBe(200);
    expect(mine.body.scope).toBe('employer');
    expect(mine.body.benefits).toEqual([]);
    expect(mine.body.relations.every((x: any) => x.registerNumber === own.registerNumber)).toBe(true);
    const ownUscc = d.employments.at(-1)!.employerUscc;
    expect(mine.body.contributions.records.every((c: any) => c.employerUscc === ownUscc)).toBe(true);
    // Another employer's agent learns nothing (404, as for no record).
    const theirs = await s.call('GET', `/records/persons/${personNumber}`, { headers: stranger.agent });
    expect(theirs.status).toBe(404);
    expect((await s.call('GET', `/records/persons/${personNumber}/pdf`, { headers: stranger.agent })).status).toBe(404);
    expect((await s.call('GET', `/records/employers/${own.registerNumber}`, { headers: stranger.agent })).status).toBe(
      404,
    );
    // The applicant sees only self: /my/record is theirs; the staff routes are not for applicants.
    const applicant = await s.applicant(p!);
    expect((await s.call('GET', '/my/record', { headers: applicant })).body.person.personNumber).toBe(personNumber);
    expect((await s.call('GET', `/records/persons/${otherNumber}`, { headers: applicant })).status).toBe(401);
    // Staff who do not handle claims (finance) see nothing; staff without a reason are refused.
    const staff = await s.staffOf('210100');
    expect(
      (await s.call('GET', `/records/persons/${personNumber}?reason=查看`, { headers: staff.finance.headers })).status,
    ).toBe(404);
    expect((await s.call('GET', `/records/persons/${personNumber}`, { headers: staff.reviewer.headers })).status).toBe(
      400,
    );
    // The employer's own record: its agent, and staff with a reason.
    const er = await s.call('GET', `/records/employers/${own.registerNumber}`, { headers: own.agent });
    expect(er.status).toBe(200);
    expect(er.body.staff.members.map((m: any) => m.personNumber)).toContain(personNumber);
    expect(er.body.contributions.months.length).toBeGreaterThan(0);
    const looks = await auditOf(personNumber);
    expect(looks.map((l) => l.actor_name)).toEqual(
      expect.arrayContaining([`agent.${ownUscc}`, `applicant.${personNumber}`]),
    );
    expect(looks.map((l) => l.actor_name)).not.toContain(`agent.${d.employments.length ? 'x' : ''}`);
  });

  it('Art. 33: a terminated insured status (death) is shown as 注销 with its reason and day', async () => {
    const [p] = await s.people('employed', 1, (x) => x.paidMonths >= 12);
    const personNumber = await seedPerson(p!, { terminated: { on: '2026-11-02', reason: 'death' } });
    const staff = await s.staffOf('210100');
    const r = await s.call('GET', `/records/persons/${personNumber}?reason=${encodeURIComponent('遗属待遇核查')}`, {
      headers: staff.reviewer.headers,
    });
    expect(r.status).toBe(200);
    expect(r.body.person).toMatchObject({
      status: 'terminated',
      statusLabel: '注销（终止参保）',
      terminated: { on: '2026-11-02', reason: 'death', reasonLabel: '死亡' },
    });
    expect(r.body.relations.find((x: any) => x.status === 'terminated')).toMatchObject({ endedOn: '2026-11-02' });
  });

  it('Art. 10, 31: the 权益记录单 is a signed PDF with the figures, its code verified publicly without personal data', async () => {
    const [p] = await s.people('overlapping_months', 1, (x) => x.paidMonths >= 12);
    await seedPerson(p!);
    const applicant = await s.applicant(p!);
    const record = (await s.call('GET', '/my/record', { headers: applicant })).body;
    const res = await fetch(`${s.api.url}/my/record/pdf`, { headers: applicant });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const code = res.headers.get('x-verification-code')!;
    const pdf = Buffer.from(await res.arrayBuffer());

    // The figures, read back from the PDF's text.
    const text = await pdfText(pdf);
    expect(text).toContain('失业保险个人权益记录单');
    expect(text).toContain(p!.name);
    expect(text).toContain(`累计缴费月数：${record.contributions.summary.months}个月`);
    const first = record.contributions.records[0];
    expect(text).toContain((first.amountFen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }));
    expect(text).toContain(record.contributions.summary.overlappingMonths[0]);
    expect(text).toContain(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);

    // Art. 10: signed by the agency's seal; any changed byte breaks it.
    const sig = await verifyPdfSignature(pdf);
    expect(sig).toMatchObject({ ok: true, subFilter: 'adbe.pkcs7.detached' });
    expect(sig.signer).toContain('电子印章');
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('/Title');
    tampered[at + 1] = 'U'.charCodeAt(0);
    expect((await verifyPdfSignature(tampered)).ok).toBe(false);

    // The public verification: masked name, what, when, the hashes; no ID number, no full name.
    const v = await s.call('GET', `/public/records/verify/${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      valid: true,
      kind: 'person',
      subjectMasked: `${Array.from(p!.name)[0]}${'*'.repeat(Array.from(p!.name).length - 1)}`,
      summary: { contributionMonths: record.contributions.summary.months },
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const body = JSON.stringify(v.body);
    expect(body).not.toContain(p!.idNumber);
    expect(body).not.toContain(p!.name);
    expect((await s.call('GET', '/public/records/verify/0000-0000-0000')).status).toBe(404);
  });

  it('Art. 31: a written objection opens a check that ends corrected, the person told by SMS', async () => {
    const [p] = await s.people('employed', 1, (x) => x.paidMonths >= 12);
    const personNumber = await seedPerson(p!);
    const applicant = await s.applicant(p!);
    const bad = await s.call('POST', '/records/objections', {
      headers: applicant,
      body: { channel: 'online', sections: [], statement: '短' },
    });
    expect(bad.status).toBe(400);
    const filed = await s.call('POST', '/records/objections', {
      headers: { ...applicant, 'idempotency-key': `obj-${personNumber}` },
      body: {
        channel: 'online',
        sections: ['contributions'],
        statement: '2019年3月至5月在原单位工作并缴费，记录中缺少这三个月',
        materials: ['劳动合同', '工资流水'],
      },
    });
    expect(filed.status).toBe(201);
    const { caseNumber } = filed.body;
    expect(caseNumber).toMatch(/^QYH-\d{4}-\d{6}-/);
    // A retry gets the same case.
    const again = await s.call('POST', '/records/objections', {
      headers: { ...applicant, 'idempotency-key': `obj-${personNumber}` },
      body: {
        channel: 'online',
        sections: ['contributions'],
        statement: '2019年3月至5月在原单位工作并缴费，记录中缺少这三个月',
      },
    });
    expect(again.body.caseNumber).toBe(caseNumber);
    // The clerk's task, due on the working-day calendar.
    const tasks = await eventually(
      () => s.openTasks(caseNumber),
      (ts) => ts.some((t) => t.type === 'record_objection_check'),
    );
    expect(tasks.find((t) => t.type === 'record_objection_check')).toMatchObject({ role: 'reviewer', step: 'review' });
    const empty = await s.complete(caseNumber, 'record_objection_check', 'reviewer', { decision: 'corrected' });
    expect(empty.status).toBe(422);
    const done = await s.complete(caseNumber, 'record_objection_check', 'reviewer', {
      decision: 'corrected',
      corrected: '补记2019年03月至05月缴费记录三条（原单位补缴）',
    });
    expect(done.status).toBe(200);
    const view = await eventually(
      () => s.call('GET', `/records/objections/${caseNumber}`, { headers: applicant }),
      (r) => r.body?.status === 'corrected',
    );
    expect(view.body).toMatchObject({ status: 'corrected', outcome: '补记2019年03月至05月缴费记录三条（原单位补缴）' });
    const sms = await eventually(
      () => s.smsTo(p!.mobile),
      (m) => m.some((x) => x.text.includes(caseNumber)),
    );
    expect(sms.find((x) => x.text.includes(caseNumber))!.text).toContain(
      '已予以更正：补记2019年03月至05月缴费记录三条',
    );
    // Another person cannot read it.
    const [q] = await s.people('employed', 1);
    await seedPerson(q!);
    const stranger = await s.applicant(q!);
    expect((await s.call('GET', `/records/objections/${caseNumber}`, { headers: stranger })).status).toBe(404);
  });
});
