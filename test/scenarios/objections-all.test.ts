/**
 * 复核 (Art. 13) for every decision that refuses, of every case type, end to end through the public API: the person or
 * employer the decision concerns objects (a person signed in by SMS code, an employer's agent, Art. 8, 31), nobody else
 * can (404, as for a case that does not exist); the review concludes within 5 workdays and the conclusion carries
 * itself out: the refused case is reopened at its review, a reviewer decides with the conclusion on the case, and the
 * case goes on as its review would have (paid, published). Every notice states the remedies with their dates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeIdOf } from '../../workflows/public-notice';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';
const EVIDENCE = [{ kind: 'written_statement', title: '复核申请书及证明材料' }];

beforeAll(async () => {
  s = await startScenario({ name: 'objections-all' });
});
afterAll(async () => {
  await s?.close();
});

const statusOf = (caseNumber: string, done: (st: string) => boolean) =>
  eventually(
    () => s.tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
    (r) => done(r[0]?.status ?? ''),
    300,
  ).then((r) => r[0]?.status);
const objectionRow = (n: string, done: (o: any) => boolean = () => true) =>
  eventually(
    () =>
      s.tdb.sql<{ status: string; objector: string; conclusion: any; reconsideration: string; litigation: string }>(
        `SELECT status, objector, conclusion, reconsideration_until::text AS reconsideration,
                litigation_until::text AS litigation FROM objection WHERE case_number = $1`,
        [n],
      ),
    (r) => r.length === 1 && done(r[0]),
    300,
  ).then((r) => r[0]!);
const object = (caseNumber: string, headers: Record<string, string>, subject = 'refusal') =>
  s.call('POST', `/cases/${caseNumber}/objections`, {
    headers,
    body: { subject, grounds: '原决定所依据的事实有误，附证明材料', evidence: EVIDENCE },
  });
const reopenAtReview = (reasons: string[]) => ({
  decision: 'correct',
  correction: { kind: 'reopen', step: 'review' },
  reasons,
});
/** The texts the simulator's SMS gateway accepted for a mobile that name a case. */
const textsAbout = async (mobile: string, caseNumber: string) =>
  (await s.smsTo(mobile)).map((m) => m.text).filter((t) => t.includes(caseNumber));

/** The remedies with the dates the objection's conclusion recorded (Art. 13). */
const remediesOf = (o: { reconsideration: string; litigation: string }) =>
  `于${o.reconsideration}前申请行政复议，或于${o.litigation}前提起行政诉讼`;

describe('复核 of every case type (Art. 13)', () => {
  let mother: Person;
  let motherHeaders: Record<string, string>;
  let childbirth: string;
  let childbirthObjection: string;
  let refund: { caseNumber: string; uscc: string; phone: string };
  let refundObjection: string;

  it('Art. 13, 46: a person objects to the childbirth subsidy the reviewer refused; the corrected conclusion reopens it at its review, and it is granted and paid', async () => {
    [mother] = (await s.people(`${CLEAN},female`, 1)) as [Person];
    const claim = await s.approvedClaim(mother);
    motherHeaders = await s.applicant(mother);
    const applied = await s.call('POST', `/cases/${claim}/childbirth-subsidy`, {
      headers: motherHeaders,
      body: {
        channel: 'online',
        birthDate: await s.today(),
        compliesWithFamilyPlanning: true,
        materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
      },
    });
    expect(applied.status).toBe(201);
    childbirth = applied.body.caseNumber;
    expect(await statusOf(childbirth, (st) => st === 'awaiting_review')).toBe('awaiting_review');
    const refused = await s.complete(childbirth, 'childbirth_subsidy_review', 'reviewer', {
      decision: 'reject',
      reasons: ['住院费用票据所载日期与生育日期不符'],
    });
    expect(refused.status).toBe(200);
    expect(await statusOf(childbirth, (st) => st === 'refused')).toBe('refused');
    // The refusal states the remedies with their last days (Art. 13).
    const told = await eventually(
      () => textsAbout(mother.mobile, childbirth),
      (t) => t.length > 0,
    );
    expect(told[0]).toMatch(/不予核发.*于\d{4}-\d{2}-\d{2}前申请行政复议，于\d{4}-\d{2}-\d{2}前提起行政诉讼/);

    // She objects herself, signed in by SMS code, with the hospital's corrected bill.
    const filed = await object(childbirth, motherHeaders);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    childbirthObjection = filed.body.caseNumber;
    expect(childbirthObjection).toMatch(new RegExp(`^FHJ-\\d{4}-${s.agencyOf(childbirth)}-`));
    expect((await objectionRow(childbirthObjection)).objector).toBe('person');

    // A correction must fit the case: a childbirth subsidy is reopened at its review, not at a claim's determination.
    const unfit = await s.complete(childbirthObjection, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: { kind: 'reopen', step: 'determination' },
      reasons: ['票据日期系医院开具错误'],
    });
    expect(unfit.status).toBe(422);
    expect(unfit.body.error.fields).toEqual([{ path: 'form.correction.step', message: expect.any(String) }]);
    const concluded = await s.complete(
      childbirthObjection,
      'objection_review',
      'reviewer',
      reopenAtReview(['医院出具更正说明，票据日期系开具错误']),
    );
    expect(concluded.status, JSON.stringify(concluded.body)).toBe(200);

    // Reopened at its review: the reviewer's task, the conclusion on the case in front of them.
    const view = await s.caseWhen(childbirth, (v) => v.status === 'awaiting_review');
    const reopened = view.events.find((e: any) => e.type === 'other_benefit_reopened_1');
    expect(reopened?.data).toMatchObject({
      objectionNumber: childbirthObjection,
      correction: { kind: 'reopen', step: 'review' },
      reasons: ['医院出具更正说明，票据日期系开具错误'],
    });
    const granted = await s.complete(childbirth, 'childbirth_subsidy_review', 'reviewer', { decision: 'approve' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(await statusOf(childbirth, (st) => st === 'in_payment')).toBe('in_payment');
    const o = await objectionRow(childbirthObjection, (x) => x.conclusion?.carriedOut !== undefined);
    expect(o.status).toBe('corrected');
    expect(o.conclusion.carriedOut).toEqual({ kind: 'reopened', step: 'review' });

    // Paid with the city's next run.
    await s.nextPayDay(s.agencyOf(childbirth));
    const paid = await eventually(
      () =>
        s.tdb.sql<{ status: string; amount_fen: number }>(
          "SELECT status, amount_fen FROM payable WHERE case_number = $1 AND kind = 'childbirth_subsidy'",
          [childbirth],
        ),
      (r) => r.some((p) => p.status === 'paid'),
      300,
    );
    expect(paid.filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(paid[0]!.amount_fen).toBeGreaterThan(0);
    expect(await statusOf(childbirth, (st) => st === 'paid')).toBe('paid');
  });

  it('Art. 13, 49, 8: an employer agent objects to its refused job-retention refund; reopened at its review, it is approved and published', async () => {
    const today = await s.today();
    const year = Number(today.slice(0, 4)) - (today.slice(5, 7) < '03' ? 2 : 1);
    const employers = (
      await s.sim.admin<{ items: { uscc: string; agencyDivisionCode: string; type: string; bankOutcome: string }[] }>(
        'GET',
        '/employers?limit=200&filter=good_credit',
      )
    ).items.filter((e) => e.agencyDivisionCode === CITY && e.type === 'enterprise' && e.bankOutcome === 'paid');
    for (const [i, e] of employers.entries()) {
      // The credit platform has no record of the employer: the review cannot decide and asks for evidence.
      const { fault } = await s.sim.admin<{ fault: { id: string } }>('PUT', '/faults', {
        route: `/credit/employers/${e.uscc}`,
        status: 404,
        code: 'not_found',
      });
      const phone = `1390000${String(2000 + i)}`;
      const res = await s.call('POST', '/job-retention/applications', {
        headers: await s.employerAgent(e.uscc),
        body: { agencyCode: CITY, year, contactPhone: phone },
      });
      expect(res.status).toBe(201);
      const st = await statusOf(res.body.caseNumber, (x) => ['awaiting_evidence', 'refused'].includes(x));
      if (st === 'awaiting_evidence') {
        const done = await s.complete(res.body.caseNumber, 'job_retention_evidence', 'reviewer', {
          decision: 'reject',
          reasons: ['未提供单位信用状况证明材料'],
        });
        expect(done.status).toBe(200);
        expect(await statusOf(res.body.caseNumber, (x) => x === 'refused')).toBe('refused');
        refund = { caseNumber: res.body.caseNumber, uscc: e.uscc, phone };
      }
      await s.sim.admin('DELETE', `/faults/${fault.id}`);
      if (refund) break;
    }
    expect(refund).toBeDefined();

    // Its agent objects for the company, with the credit platform's certificate.
    const agent = await s.employerAgent(refund.uscc);
    const filed = await object(refund.caseNumber, agent);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    refundObjection = filed.body.caseNumber;
    expect((await objectionRow(refundObjection)).objector).toBe('employer');
    // Its objection is among its company's cases (Art. 31).
    const mine = await s.call<{ items: { caseNumber: string }[] }>('GET', '/my/cases', { headers: agent });
    expect(mine.body.items.map((c) => c.caseNumber)).toContain(refundObjection);

    const concluded = await s.complete(
      refundObjection,
      'objection_review',
      'reviewer',
      reopenAtReview(['单位已提供信用中国出具的信用状况证明，信用状况良好']),
    );
    expect(concluded.status, JSON.stringify(concluded.body)).toBe(200);
    const view = await s.caseWhen(refund.caseNumber, (v) => v.status === 'awaiting_review');
    expect(view.events.map((e: any) => e.type)).toContain('job_retention_reopened_1');
    const approved = await s.complete(refund.caseNumber, 'job_retention_review', 'reviewer', { decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await statusOf(refund.caseNumber, (st) => st === 'in_notice')).toBe('in_notice');
    const notice = await eventually(
      () => s.call('GET', `/public/notices/${noticeIdOf(refund.caseNumber)}`),
      (r) => r.status === 200,
    );
    expect(notice.body.items).toHaveLength(1);

    // The employer is told as employers are (its contact mobile): the conclusion, then the approval.
    const texts = await eventually(
      () => textsAbout(refund.phone, refund.caseNumber),
      (t) => t.some((x) => x.includes('复核结论')) && t.some((x) => x.includes('审核通过')),
    );
    expect(texts.find((x) => x.includes('复核结论'))).toContain(`贵单位对${refund.caseNumber}提出的复核申请`);
  });

  it('Art. 13, 49: a refund withdrawn after an objection to its notice, found wrong on the employer’s objection, is paid with the next run', async () => {
    const { objected, verified } = await s.withdrawAtNotice(refund.caseNumber, '该单位裁员人数未如实申报', [
      '核实上年度裁员率高于规定标准',
    ]);
    expect(objected.status).toBe(201);
    expect(verified.status).toBe(200);
    expect(await statusOf(refund.caseNumber, (st) => st === 'withdrawn')).toBe('withdrawn');
    // Told 经公示有异议, with the remedies' dates.
    const told = await eventually(
      () => textsAbout(refund.phone, refund.caseNumber),
      (t) => t.some((x) => x.includes('经公示有异议')),
    );
    expect(told.find((x) => x.includes('经公示有异议'))).toMatch(/于\d{4}-\d{2}-\d{2}前申请行政复议/);

    const agent = await s.employerAgent(refund.uscc);
    // A withdrawal is not a refusal: the case has none now (409 naming subject).
    const wrong = await object(refund.caseNumber, agent, 'refusal');
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['subject']);
    const filed = await object(refund.caseNumber, agent, 'withdrawal');
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    // A grant is paid whole: no month to resume from.
    const unfit = await s.complete(filed.body.caseNumber, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: { kind: 'resume', fromMonth: (await s.today()).slice(0, 7) },
      reasons: ['裁员人员系劳动合同期满终止，不计入裁员率'],
    });
    expect(unfit.status).toBe(422);
    expect(unfit.body.error.fields).toEqual([{ path: 'form.correction.fromMonth', message: expect.any(String) }]);
    const concluded = await s.complete(filed.body.caseNumber, 'objection_review', 'reviewer', {
      decision: 'correct',
      correction: { kind: 'resume' },
      reasons: ['裁员人员系劳动合同期满终止，不计入裁员率'],
    });
    expect(concluded.status, JSON.stringify(concluded.body)).toBe(200);
    expect(await statusOf(refund.caseNumber, (st) => st === 'in_payment')).toBe('in_payment');
    const o = await objectionRow(filed.body.caseNumber, (x) => x.conclusion?.carriedOut !== undefined);
    expect(o.conclusion.carriedOut).toEqual({ kind: 'resumed', resumedFrom: null });

    await s.nextPayDay(CITY);
    const paid = await eventually(
      () =>
        s.tdb.sql<{ status: string }>(
          "SELECT status FROM payable WHERE case_number = $1 AND kind = 'job_retention_refund'",
          [refund.caseNumber],
        ),
      (r) => r.some((p) => p.status === 'paid'),
      300,
    );
    expect(paid.filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(await statusOf(refund.caseNumber, (st) => st === 'paid')).toBe('paid');
  });

  it('Art. 13, 50: a person objects to a refused skill subsidy; reviewed again from the data, it is granted and published', async () => {
    const h = await s.certificateHolder(CITY);
    const headers = await s.applicant(h.person);
    const application = {
      channel: 'online',
      agencyCode: CITY,
      employee: {
        idType: 'resident_id_card',
        idNumber: h.person.idNumber,
        name: h.person.name,
        phone: h.person.mobile,
      },
      employer: { uscc: h.uscc, name: h.name },
      certificateNumber: h.certificateNumber,
      payment: { method: 'social_security_card', accountNumber: h.person.bankAccount.accountNumber },
    };
    // Applied twice for the same certificate: the first granted and published, the second refused as a repeat.
    const first = await s.call('POST', '/skill-subsidies', { headers, body: application });
    expect(first.status).toBe(201);
    expect(await statusOf(first.body.caseNumber, (st) => st === 'in_notice' || st === 'refused')).toBe('in_notice');
    const second = await s.call('POST', '/skill-subsidies', { headers: s.channel, body: application });
    expect(second.status).toBe(201);
    const repeat = second.body.caseNumber as string;
    expect(await statusOf(repeat, (st) => st === 'refused' || st === 'in_notice')).toBe('refused');

    // The first is withdrawn after an objection to its notice (经公示有异议): it is no longer received.
    const { objected, verified } = await s.withdrawAtNotice(first.body.caseNumber, '申领时提交的收款账户非本人账户', [
      '核实收款账户非本人账户',
    ]);
    expect([objected.status, verified.status]).toEqual([201, 200]);
    expect(await statusOf(first.body.caseNumber, (st) => st === 'withdrawn')).toBe('withdrawn');

    // The person objects to the refusal of the second: the grant it repeated was withdrawn.
    const filed = await object(repeat, headers);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const concluded = await s.complete(
      filed.body.caseNumber,
      'objection_review',
      'reviewer',
      reopenAtReview(['此前同一证书的补贴已撤回未发放，不属重复申领']),
    );
    expect(concluded.status, JSON.stringify(concluded.body)).toBe(200);
    await s.caseWhen(repeat, (v) => v.status === 'awaiting_review');
    const granted = await s.complete(repeat, 'skill_subsidy_review', 'reviewer', { decision: 'approve' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(await statusOf(repeat, (st) => st === 'in_notice')).toBe('in_notice');
    const texts = await eventually(
      () => textsAbout(h.person.mobile, repeat),
      (t) => t.some((x) => x.includes('已审核通过')),
    );
    expect(texts.some((x) => x.includes('纠正原决定'))).toBe(true);
  });

  it('Art. 13, 31, 8: only the person or employer a decision concerns objects to it; another person’s or company’s case answers 404, as one that does not exist', async () => {
    // Her own case is hers to object to; decided already, it has no other refusal (409 naming subject).
    const own = await object(childbirth, motherHeaders, 'withdrawal');
    expect(own.status).toBe(409);
    expect(own.body.error.fields).toEqual([{ path: 'subject', message: expect.stringContaining('已发放') }]);

    const [stranger] = (await s.people('!deceased', 1)) as [Person];
    const strangerHeaders = await s.applicant(stranger);
    const others = (
      await s.sim.admin<{ items: { uscc: string; agencyDivisionCode: string }[] }>('GET', '/employers?limit=200')
    ).items.filter((e) => e.agencyDivisionCode === CITY && e.uscc !== refund.uscc);
    const otherAgent = await s.employerAgent(others[0]!.uscc);
    const ownAgent = await s.employerAgent(refund.uscc);
    for (const [headers, caseNumber, who] of [
      [strangerHeaders, childbirth, 'another person'],
      [otherAgent, childbirth, 'an employer'],
      [otherAgent, refund.caseNumber, 'another company'],
      [motherHeaders, refund.caseNumber, 'a person'],
      [ownAgent, childbirth, 'the company, of a person’s benefit'],
    ] as const) {
      const r = await object(caseNumber, headers);
      expect(r.status, `${who}: ${caseNumber}`).toBe(404);
      expect(r.body.error.code).toBe('case_not_found');
    }
    // An employer agent objects only in its company's name.
    const asPerson = await s.call('POST', `/cases/${refund.caseNumber}/objections`, {
      headers: ownAgent,
      body: { subject: 'refusal', objector: 'person', grounds: '原决定有误，附证明材料', evidence: EVIDENCE },
    });
    expect(asPerson.status).toBe(409);
    expect(asPerson.body.error.code).toBe('objector_not_party');
    expect(asPerson.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['objector']);
  });

  it('Art. 13: each conclusion notice states the remedies with their dates, from the day it went out', async () => {
    const person = await objectionRow(childbirthObjection, (o) => o.status === 'corrected');
    const toMother = await textsAbout(mother.mobile, childbirthObjection);
    expect(toMother).toHaveLength(1);
    expect(toMother[0]).toContain('纠正原决定');
    expect(toMother[0]).toContain(remediesOf(person));

    const employer = await objectionRow(refundObjection, (o) => o.status === 'corrected');
    const toEmployer = await textsAbout(refund.phone, refundObjection);
    expect(toEmployer).toHaveLength(1);
    expect(toEmployer[0]).toContain(remediesOf(employer));
    // Also on the online service platform, on the refund and on the objection (Art. 49 及时告知).
    for (const caseNumber of [refund.caseNumber, refundObjection]) {
      const informed = await s.tdb.sql<{ data: { text: string } }>(
        `SELECT data FROM case_event WHERE case_number = $1 AND type = 'employer_informed'`,
        [caseNumber],
      );
      expect(informed.map((e) => e.data.text)).toContainEqual(expect.stringContaining(remediesOf(employer)));
    }
    // 60 days and 6 months (Art. 13): the litigation date is the later.
    expect(person.litigation > person.reconsideration).toBe(true);
  });
});
