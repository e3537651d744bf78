/**
 * 促进就业补贴 end to end (Art. 8, 49, 50): skill-upgrade subsidies applied for by employer agents, clerks and the
 * online platform for persons the simulators hold, and job-retention refunds applied for by employer agents and
 * screened without application (免申即享). What the person or employer would see: the answer of the API, the case,
 * the public notice and the SMS outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeIdOf } from '../../workflows/public-notice';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'subsidies' });
});
afterAll(async () => {
  await s?.close();
});

interface Employer {
  uscc: string;
  name: string;
  type: string;
  agencyDivisionCode: string;
  credit: { status: string };
}

/** The simulators' employers (one page of the admin API at a time). */
async function employers(filter = ''): Promise<Employer[]> {
  const all: Employer[] = [];
  for (let offset: number | null = 0; offset !== null;) {
    const page: { items: Employer[]; nextOffset: number | null } = await s.sim.admin(
      'GET',
      `/employers?limit=200&offset=${offset}${filter ? `&filter=${filter}` : ''}`,
    );
    all.push(...page.items);
    offset = page.nextOffset;
  }
  return all;
}

interface Holder {
  person: Person;
  employer: { uscc: string; name: string; city: string };
  certificateNumber: string;
}

/**
 * Persons insured now (an employment still open, Art. 50: 参保状态) at an employer of `city`, with a vocational
 * certificate, as the tax platform and the certificate registry hold them.
 */
async function holders(city: string, count: number, skip: string[] = []): Promise<Holder[]> {
  type Detail = {
    certificates: { certificateNumber: string }[];
    employments: { employerUscc: string; employerName: string; endDate: string | null }[];
  };
  const found: Holder[] = [];
  const people: Person[] = [];
  for (let offset: number | null = 0; offset !== null;) {
    const page: { items: Person[]; nextOffset: number | null } = await s.sim.admin(
      'GET',
      `/persons?limit=200&offset=${offset}&filter=employed,has_certificates,long_history,bank_paid`,
    );
    people.push(...page.items);
    offset = page.nextOffset;
  }
  for (const person of people) {
    if (skip.includes(person.idNumber)) continue;
    const d = await s.sim.admin<Detail>('GET', `/persons/${person.idNumber}`);
    const open = d.employments.filter((e) => e.endDate === null);
    if (open.length !== 1 || !d.certificates.length) continue;
    const e = await s.sim.clients.tax.getEmployer(open[0]!.employerUscc);
    if (e?.agencyDivisionCode !== city) continue;
    found.push({
      person,
      employer: { uscc: e.uscc, name: e.name, city },
      certificateNumber: d.certificates[0]!.certificateNumber,
    });
    if (found.length === count) return found;
  }
  throw new Error(`only ${found.length} certificate holders insured in ${city}`);
}

const skillApplication = (
  h: Holder,
  over: { agencyCode?: string; employer?: { uscc: string; name: string } } = {},
) => ({
  channel: 'online',
  agencyCode: over.agencyCode ?? h.employer.city,
  employee: { idType: 'resident_id_card', idNumber: h.person.idNumber, name: h.person.name, phone: h.person.mobile },
  employer: over.employer ?? { uscc: h.employer.uscc, name: h.employer.name },
  certificateNumber: h.certificateNumber,
  payment: { method: 'social_security_card', accountNumber: h.person.bankAccount.accountNumber },
});

const written = async (idNumber: string) =>
  (await s.tdb.sql('SELECT 1 FROM skill_subsidy_claim WHERE id_number = $1', [idNumber])).length;

const noticeItems = async (caseNumber: string) => {
  const r = await eventually(
    () => s.call('GET', `/public/notices/${noticeIdOf(caseNumber)}`),
    (x) => x.status === 200,
  );
  return r.body.items as { employerName: string; amountFen: number }[];
};

describe('技能提升补贴 (Art. 50)', () => {
  it('Art. 8, 50: an employer agent applying for another company’s employee is refused, and nothing is written', async () => {
    const [h] = await holders('210100', 1);
    const other = (await employers()).find(
      (e) => e.agencyDivisionCode === '210100' && e.uscc !== h!.employer.uscc && e.type === 'enterprise',
    )!;
    const agent = await s.employerAgent(other.uscc);
    const res = await s.call('POST', '/skill-subsidies', {
      headers: agent,
      body: { ...skillApplication(h!, { employer: { uscc: other.uscc, name: other.name } }), channel: 'online' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('not_own_employee');
    expect(res.body.error.message).toMatch(/第八条|第五十条/);
    expect(await written(h!.person.idNumber)).toBe(0);

    // The person's own employer may apply (Art. 50: 企业或职工), and the notice names it.
    const own = await s.employerAgent(h!.employer.uscc);
    const ok = await s.call('POST', '/skill-subsidies', { headers: own, body: skillApplication(h!) });
    expect(ok.status).toBe(201);
    const view = await s.caseWhen(ok.body.caseNumber, (v) => v.status !== 'received');
    expect(view.status).toBe('in_notice');
    expect((await noticeItems(ok.body.caseNumber)).map((i) => i.employerName)).toEqual([h!.employer.name]);
  });

  it('Art. 50: the notice names the person’s insured employer from the record, and the case shows a declared one that differs', async () => {
    const [h] = await holders(
      '210100',
      1,
      await s.tdb
        .sql<{ id_number: string }>('SELECT id_number FROM skill_subsidy_claim')
        .then((r) => r.map((x) => x.id_number)),
    );
    const other = (await employers()).find(
      (e) => e.agencyDivisionCode === '210100' && e.uscc !== h!.employer.uscc && e.type === 'enterprise',
    )!;
    // The person names another company than the one the tax platform has them insured with.
    const res = await s.call('POST', '/skill-subsidies', {
      headers: s.channel,
      body: skillApplication(h!, { employer: { uscc: other.uscc, name: other.name } }),
    });
    expect(res.status).toBe(201);
    const view = await s.caseWhen(res.body.caseNumber, (v) => v.status !== 'received');
    expect(view.status).toBe('in_notice');
    expect((await noticeItems(res.body.caseNumber)).map((i) => i.employerName)).toEqual([h!.employer.name]);
    const conflict = view.events.find((e: { type: string }) => e.type === 'skill_subsidy_employer_conflict');
    expect(conflict?.data).toMatchObject({
      declared: { uscc: other.uscc, name: other.name },
      recorded: { uscc: h!.employer.uscc, name: h!.employer.name },
    });
  });

  it('Art. 50: a Shenyang clerk cannot grant or publish a person insured in Tieling; the application goes to the 参保地 agency', async () => {
    const [h] = await holders('211200', 1);
    const shenyang = await s.staffOf('210100');
    // At the Shenyang window, into Shenyang: not the person's 参保地.
    const here = await s.call('POST', '/skill-subsidies', {
      headers: shenyang.intake.headers,
      body: { ...skillApplication(h!, { agencyCode: '210100' }), channel: 'window' },
    });
    expect(here.status).toBe(422);
    expect(here.body.error.code).toBe('not_insured_here');
    expect(here.body.error.fields).toEqual([{ path: 'agencyCode', message: expect.stringContaining('211200') }]);
    // At the Shenyang window, into Tieling: outside the clerk's agency.
    const there = await s.call('POST', '/skill-subsidies', {
      headers: shenyang.intake.headers,
      body: { ...skillApplication(h!, { agencyCode: '211200' }), channel: 'window' },
    });
    expect(there.status).toBe(403);
    // Online, addressed to Shenyang: the same rule, whoever applies.
    const online = await s.call('POST', '/skill-subsidies', {
      headers: s.channel,
      body: skillApplication(h!, { agencyCode: '210100' }),
    });
    expect(online.status).toBe(422);
    expect(await written(h!.person.idNumber)).toBe(0);
    const listed = await s.tdb.sql(
      `SELECT 1 FROM public_notice_item i JOIN public_notice n ON n.id = i.notice_id
        WHERE n.agency_code = '210100' AND i.display->>'idNumberMasked' LIKE $1`,
      [`${h!.person.idNumber.slice(0, 6)}%${h!.person.idNumber.slice(-4)}`],
    );
    expect(listed).toHaveLength(0);

    // Addressed to Tieling, the agency where the person is insured: received there.
    const right = await s.call('POST', '/skill-subsidies', { headers: s.channel, body: skillApplication(h!) });
    expect(right.status).toBe(201);
    expect(right.body.caseNumber).toMatch(/^JNB-\d{4}-211200-/);
  });
});

describe('稳岗返还 (Art. 49)', () => {
  let today: string;
  /** The last year whose contributions are all received (the screening runs on 1 March, Art. 49). */
  let year: number;
  const phoneOf = (i: number) => `1390000${String(1000 + i)}`;

  beforeAll(async () => {
    today = await s.today();
    year = Number(today.slice(0, 4)) - (today.slice(5, 7) < '03' ? 2 : 1);
  });

  const apply = (uscc: string, body: Record<string, unknown>, key?: string) =>
    s.employerAgent(uscc).then((agent) =>
      s.call('POST', '/job-retention/applications', {
        headers: { ...agent, ...(key ? { 'Idempotency-Key': key } : {}) },
        body,
      }),
    );
  const statusOf = (caseNumber: string, done: (st: string) => boolean) =>
    eventually(
      () => s.tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
      (r) => done(r[0]?.status ?? ''),
      300,
    ).then((r) => r[0]?.status);

  it('Art. 49: an application for the current year or a future year is refused naming the year, and nothing is written', async () => {
    const [e] = (await employers('good_credit')).filter((x) => x.agencyDivisionCode === '210100');
    for (const y of [Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 5]) {
      const res = await apply(e!.uscc, { agencyCode: '210100', year: y, contactPhone: phoneOf(0) });
      expect(res.status, `year ${y}`).toBe(422);
      expect(res.body.error.code).toBe('year_not_closed');
      expect(res.body.error.fields).toEqual([{ path: 'year', message: expect.stringContaining('第四十九条') }]);
    }
    expect(await s.tdb.sql('SELECT 1 FROM job_retention_case WHERE uscc = $1', [e!.uscc])).toHaveLength(0);
    expect(await s.tdb.sql(`SELECT 1 FROM "case" WHERE case_type = 'job_retention_refund'`)).toHaveLength(0);
  });

  /** Employers refused after the reviewer found no evidence of their credit status (the source had no record). */
  const refused: { uscc: string; caseNumber: string; phone: string }[] = [];

  it('Art. 49: a refused case blocks neither a later rightful application nor the 免申即享 screening', async () => {
    const candidates = (await employers('good_credit')).filter(
      (x) => x.agencyDivisionCode === '210100' && x.type === 'enterprise',
    );
    for (const [i, e] of candidates.entries()) {
      if (refused.length === 2) break;
      // The credit platform has no record of the employer: the review cannot decide and asks for evidence.
      const { fault } = await s.sim.admin<{ fault: { id: string } }>('PUT', '/faults', {
        route: `/credit/employers/${e.uscc}`,
        status: 404,
        code: 'not_found',
      });
      const res = await apply(e.uscc, { agencyCode: '210100', year, contactPhone: phoneOf(i + 1) });
      expect(res.status).toBe(201);
      const st = await statusOf(res.body.caseNumber, (x) => ['awaiting_evidence', 'refused'].includes(x));
      if (st === 'awaiting_evidence') {
        const done = await s.complete(res.body.caseNumber, 'job_retention_evidence', 'reviewer', {
          decision: 'reject',
          reasons: ['未提供单位信用状况证明材料'],
        });
        expect(done.status).toBeLessThan(300);
        expect(await statusOf(res.body.caseNumber, (x) => x === 'refused')).toBe('refused');
        refused.push({ uscc: e.uscc, caseNumber: res.body.caseNumber, phone: phoneOf(i + 1) });
      }
      await s.sim.admin('DELETE', `/faults/${fault.id}`);
    }
    expect(refused).toHaveLength(2);
    const [x, y] = refused as [(typeof refused)[0], (typeof refused)[0]];

    // The credit record is there now: the same employer's application is granted, in a case of its own.
    const again = await apply(x.uscc, { agencyCode: '210100', year, contactPhone: x.phone });
    expect(again.status).toBe(201);
    expect(again.body.caseNumber).not.toBe(x.caseNumber);
    expect(await statusOf(again.body.caseNumber, (st) => st === 'in_notice')).toBe('in_notice');
    x.caseNumber = again.body.caseNumber;

    // The yearly screening (免申即享) reviews the other refused employer again and opens its case.
    const supervisor = (await s.staffOf('210100')).supervisor.headers;
    const screening = await s.call('POST', '/job-retention/screenings', {
      headers: supervisor,
      body: { agencyCode: '210100', year },
    });
    expect(screening.status).toBe(202);
    const listed = await eventually(
      () =>
        s.tdb.sql<{ uscc: string; case_number: string }>(
          `SELECT j.uscc, j.case_number FROM public_notice_item i JOIN job_retention_case j USING (case_number)
            WHERE j.screening_id = $1`,
          [screening.body.screeningId],
        ),
      (r) => r.length > 0,
      600,
    );
    expect(listed.map((r) => r.uscc)).toContain(y.uscc);
    expect(listed.map((r) => r.uscc)).not.toContain(x.uscc);
    y.caseNumber = listed.find((r) => r.uscc === y.uscc)!.case_number;
  });

  it('Art. 49: the employer is told what happened: an application is not told 免申即享, an automatic refusal is not told 经公示有异议', async () => {
    const textsTo = async (phone: string, caseNumber: string) =>
      (await s.smsTo(phone)).map((m) => m.text).filter((t) => t.includes(caseNumber));

    // Refused by the automatic review (on the serious-dishonesty list): told why, not 经公示有异议.
    const dishonest = (await employers('seriously_dishonest')).find((e) => e.agencyDivisionCode === '210100')!;
    const res = await apply(dishonest.uscc, { agencyCode: '210100', year, contactPhone: phoneOf(90) });
    expect(res.status).toBe(201);
    expect(await statusOf(res.body.caseNumber, (st) => st === 'refused')).toBe('refused');
    const refusal = await eventually(
      () => textsTo(phoneOf(90), res.body.caseNumber),
      (t) => t.length > 0,
    );
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain('严重失信');
    expect(refusal[0]).not.toContain('经公示有异议');

    const [x, y] = refused as [(typeof refused)[0], (typeof refused)[0]];
    // Refused by the reviewer for want of evidence: told so.
    expect((await s.smsTo(x.phone)).map((m) => m.text).join('\n')).toMatch(/未通过审核.*未提供单位信用状况证明材料/);
    // Granted on its application: no 免申即享.
    const granted = await eventually(
      () => textsTo(x.phone, x.caseNumber),
      (t) => t.length > 0,
    );
    expect(granted).toHaveLength(1);
    expect(granted[0]).toContain('审核通过');
    expect(granted[0]).not.toContain('免申即享');
    // Found by the screening: 免申即享, on the online service platform (the screening has no mobile).
    const informed = await eventually(
      () =>
        s.tdb.sql<{ data: { text: string } }>(
          `SELECT data FROM case_event WHERE case_number = $1 AND type = 'employer_informed'`,
          [y.caseNumber],
        ),
      (r) => r.length > 0,
    );
    expect(informed[0]!.data.text).toContain('免申即享');

    // An objection during the notice that the verification founds: 经公示有异议.
    const { objected, verified } = await s.withdrawAtNotice(x.caseNumber, '该单位上年度有裁员未如实申报', [
      '核实上年度裁员率高于规定标准',
    ]);
    expect(objected.status).toBe(201);
    expect(verified.status).toBeLessThan(300);
    expect(await statusOf(x.caseNumber, (st) => st === 'withdrawn')).toBe('withdrawn');
    const withdrawn = await eventually(
      () => textsTo(x.phone, x.caseNumber),
      (t) => t.length > 1,
    );
    expect(withdrawn.at(-1)).toContain('经公示有异议');
  });
});
