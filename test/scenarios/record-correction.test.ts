/**
 * 个人缴费记录修改 (Art. 28) end to end on the real servers: an application at the window with its evidence (documents
 * held for the person), decided on three levels (初审、复核、审批) by three people, the same person refused at a second
 * level (岗位不相容); approved, a new version of the record with the old one kept. A month added to a person whose claim
 * pays determines the claim again (Art. 38) and tells the person by SMS. A record dispute (Art. 31) that finds a month
 * wrong ends by opening the correction. Bad input: a 4xx naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthsToMonth } from '../../domain/calendar';
import { userWithToken } from '../support/users';
import { insertInsuredPerson } from '../support/register-rows';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'record-correction', cities: ['210100'] });
});
afterAll(async () => {
  await s?.close();
});

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);
const pdf = (text: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );

interface SimDetail {
  employments: { employerUscc: string; employerName: string; startDate: string; endDate: string | null }[];
  contributions: { employerUscc: string; employerName: string; month: string }[];
}
const detailOf = (p: Person) => s.sim.admin<SimDetail>('GET', `/persons/${p.idNumber}`);

let serial = 0;
/** The person in the register (Art. 19), as the person registration would put them: their person number. */
async function registered(p: Person, agencyCode: string): Promise<string> {
  serial += 1;
  const personNumber = `${agencyCode}${String(80_000_000 + serial)}`;
  await insertInsuredPerson(s.tdb, p, { personNumber, agencyCode });
  return personNumber;
}

async function upload(caseNumber: string, kind: string, bytes: Buffer, headers: Record<string, string>) {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', new Blob([new Uint8Array(bytes)]), `${kind}.pdf`);
  const { 'content-type': _json, ...auth } = headers;
  const r = await fetch(`${s.api.url}/cases/${caseNumber}/documents`, { method: 'POST', headers: auth, body: form });
  const body = (await r.json()) as { id: string };
  expect(r.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

/** Art. 28: the three materials the window checks, uploaded with the person's claim (held for the person). */
async function evidenceOn(claimNumber: string, headers: Record<string, string>) {
  return {
    labourContract: await upload(claimNumber, 'labour_contract', pdf(`contract ${claimNumber}`), headers),
    identity: await upload(claimNumber, 'identity_verification', PNG, headers),
    paymentProof: await upload(claimNumber, 'contribution_proof', pdf(`paid ${claimNumber}`), headers),
  };
}

/** The versions of one month of a person's record, oldest first. */
const versionsOf = (idNumber: string, month: string) =>
  s.tdb.sql<{ version: number; source: string; source_run: string; base_fen: string; superseded_by: string | null }>(
    `SELECT version, source, source_run, base_fen::text, superseded_by::text FROM contribution_record
      WHERE id_number = $1 AND month = $2 ORDER BY version`,
    [idNumber, month],
  );

/** A claim filed for the person and determined (its records pulled into the store). */
async function determinedClaim(p: Person): Promise<string> {
  const filed = await s.file(await s.claimFor(p));
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const caseNumber = filed.body.caseNumber as string;
  await eventually(
    () => s.tdb.sql('SELECT 1 FROM contribution_record WHERE id_number = $1', [p.idNumber]),
    (r) => r.length > 0,
  );
  return caseNumber;
}

/** A registered person whose claim is determined, with the three materials held for them (Art. 28). */
async function applicant() {
  const [p] = await s.people('eligible,!has_arrears', 1);
  const claim = await determinedClaim(p!);
  const agency = s.agencyOf(claim);
  const staff = await s.staffOf(agency);
  const personNumber = await registered(p!, agency);
  const evidence = await evidenceOn(claim, staff.intake.headers);
  return { p, agency, staff, personNumber, evidence };
}

describe('个人缴费记录修改 (Art. 28)', () => {
  it('is decided on three levels by three people, the same person refused at two levels; approved, it is a new version of the record and the old one is kept (Art. 28)', async () => {
    const { p, agency, staff, personNumber, evidence } = await applicant();
    const [kept] = await s.tdb.sql<{ month: string; employer_uscc: string; base_fen: string }>(
      `SELECT month, employer_uscc, base_fen::text FROM contribution_record
        WHERE id_number = $1 AND superseded_by IS NULL ORDER BY month LIMIT 1`,
      [p!.idNumber],
    );
    const newBase = Number(kept!.base_fen) + 50_000;
    const applied = await s.call('POST', '/contribution-corrections', {
      headers: { ...staff.intake.headers, 'idempotency-key': `corr-${personNumber}` },
      body: {
        personNumber,
        change: {
          kind: 'amend',
          month: kept!.month,
          employerUscc: kept!.employer_uscc,
          baseFen: newBase,
          amountPaidFen: Math.round(newBase * 0.01),
          receiptDate: `${addMonthsToMonth(kept!.month, 1)}-15`,
        },
        reason: '原单位申报缴费基数有误，劳动合同工资高于记录基数',
        evidence,
      },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const { caseNumber } = applied.body;
    expect(caseNumber).toMatch(/^JFX-\d{4}-21\d{4}-/);

    // 初审 by the reviewer.
    expect(
      (await s.complete(caseNumber, 'contribution_correction_review', 'reviewer', { decision: 'approve' })).status,
    ).toBe(200);
    // 复核 by a person who did the 初审 (a clerk holding both posts): refused (岗位不相容, Art. 5, 77).
    const both = await userWithToken(s.tdb.db, s.api.url, {
      username: `both.${agency}`,
      agencyCode: agency,
      roles: ['reviewer', 'second_reviewer'],
    });
    const again = await userWithToken(s.tdb.db, s.api.url, {
      username: `both2.${agency}`,
      agencyCode: agency,
      roles: ['reviewer', 'second_reviewer'],
    });
    // The 初审 of a second correction by `both`, then its 复核 by `both`: refused.
    const second = await s.call('POST', '/contribution-corrections', {
      headers: staff.intake.headers,
      body: {
        personNumber,
        change: {
          kind: 'create',
          month: '2003-01',
          employerUscc: kept!.employer_uscc,
          employerName: '测试单位',
          baseFen: 300_000,
          amountPaidFen: 3_000,
          receiptDate: '2003-02-10',
        },
        reason: '2003年1月在该单位工作并缴费，记录缺失',
        evidence,
      },
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const secondTasks = await eventually(
      () => s.openTasks(second.body.caseNumber),
      (ts) => ts.some((t) => t.type === 'contribution_correction_review'),
    );
    const review2 = secondTasks.find((t) => t.type === 'contribution_correction_review')!;
    expect(
      (
        await s.call('POST', `/tasks/${review2.id}/complete`, {
          headers: both.headers,
          body: { form: { decision: 'approve' } },
        })
      ).status,
    ).toBe(200);
    const sr = (
      await eventually(
        () => s.openTasks(second.body.caseNumber),
        (ts) => ts.some((t) => t.type === 'contribution_correction_second_review'),
      )
    ).find((t) => t.type === 'contribution_correction_second_review')!;
    const refused = await s.call('POST', `/tasks/${sr.id}/complete`, {
      headers: both.headers,
      body: { form: { decision: 'approve' } },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('separation_of_duties');
    expect(refused.body.error.message).toContain('岗位不相容');
    // Another clerk rejects it at 复核: the record is left as it was.
    const rejected = await s.call('POST', `/tasks/${sr.id}/complete`, {
      headers: again.headers,
      body: { form: { decision: 'reject', reasons: ['缴费资料不能证明2003年1月已缴费'] } },
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const secondView = await eventually(
      () => s.call('GET', `/contribution-corrections/${second.body.caseNumber}`, { headers: staff.reviewer.headers }),
      (r) => r.body?.status === 'rejected',
    );
    expect(secondView.body.status).toBe('rejected');
    expect(await versionsOf(p!.idNumber, '2003-01')).toEqual([]);
    const secondCase = await s.caseView(second.body.caseNumber);
    expect(secondCase.events.map((e: { type: string }) => e.type)).toContain(
      'contribution_correction_rejected_second_review',
    );

    // The first correction: 复核 and 审批 by two more people.
    expect(
      (await s.complete(caseNumber, 'contribution_correction_second_review', 'secondReviewer', { decision: 'approve' }))
        .status,
    ).toBe(200);
    expect(
      (await s.complete(caseNumber, 'contribution_correction_approve', 'approver', { decision: 'approve' })).status,
    ).toBe(200);
    const view = await eventually(
      () => s.call('GET', `/contribution-corrections/${caseNumber}`, { headers: staff.auditor.headers }),
      (r) => r.body?.status === 'applied',
    );
    expect(view.body.status).toBe('applied');
    expect(view.body.levels.map((l: { by: string }) => l.by)).toEqual([
      staff.reviewer.username,
      staff.secondReviewer.username,
      staff.approver.username,
    ]);
    expect(view.body.old).toMatchObject({ baseFen: Number(kept!.base_fen) });
    expect(view.body.new).toMatchObject({ baseFen: newBase });
    // A new version; the old one kept, superseded by it, both in the history.
    const versions = await versionsOf(p!.idNumber, kept!.month);
    const last = versions.at(-1)!;
    expect(last).toMatchObject({
      source: 'correction',
      source_run: caseNumber,
      base_fen: String(newBase),
      superseded_by: null,
    });
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions.at(-2)!.superseded_by).not.toBeNull();
    expect(view.body.history.filter((h: { current: boolean }) => !h.current).length).toBeGreaterThanOrEqual(1);
    // Each level audited.
    const audited = await s.tdb.sql<{ action: string }>(
      `SELECT action FROM audit_log WHERE case_number = $1 ORDER BY id`,
      [caseNumber],
    );
    expect(audited.map((a) => a.action)).toEqual([
      'contribution_correction_requested',
      'task_completed',
      'contribution_correction_review_passed',
      'task_completed',
      'contribution_correction_second_review_passed',
      'task_completed',
      'contribution_correction_applied',
    ]);
  });

  it('adding a month to a person whose claim pays determines the claim again, a new version, and tells the person by SMS (Art. 28, 38)', async () => {
    const [p] = await s.people('eligible,!has_arrears', 1);
    const claim = await s.approvedClaim(p!);
    const agency = s.agencyOf(claim);
    const staff = await s.staffOf(agency);
    const personNumber = await registered(p!, agency);
    const evidence = await evidenceOn(claim, staff.intake.headers);
    const before = (await s.determinations(claim)).versions as { version: number; contributionMonths: number }[];
    const d = await detailOf(p!);
    const first = d.contributions.map((c) => c.month).sort()[0]!;
    const month = addMonthsToMonth(first, -1);
    const employer = d.employments[0]!;
    const applied = await s.call('POST', '/contribution-corrections', {
      headers: staff.intake.headers,
      body: {
        personNumber,
        change: {
          kind: 'create',
          month,
          employerUscc: employer.employerUscc,
          employerName: employer.employerName,
          baseFen: 400_000,
          amountPaidFen: 4_000,
          receiptDate: `${addMonthsToMonth(month, 1)}-10`,
        },
        reason: '入职当月已缴费，缴费记录缺失',
        evidence,
      },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const { caseNumber } = applied.body;
    await s.complete(caseNumber, 'contribution_correction_review', 'reviewer', { decision: 'approve' });
    await s.complete(caseNumber, 'contribution_correction_second_review', 'secondReviewer', { decision: 'approve' });
    await s.complete(caseNumber, 'contribution_correction_approve', 'approver', { decision: 'approve' });

    // Art. 38: a new determination version from the corrected record, with its explanation.
    const after = await eventually(
      () => s.determinations(claim),
      (b) => (b?.versions ?? []).some((v: { reason: string }) => v.reason === 'record_correction'),
    );
    const v = (
      after.versions as { version: number; reason: string; contributionMonths: number; explanation: unknown }[]
    ).find((x) => x.reason === 'record_correction')!;
    expect(v.version).toBeGreaterThan(Math.max(...before.map((x) => x.version)));
    expect(v.contributionMonths).toBe(before.at(-1)!.contributionMonths + 1);
    const view = await s.caseWhen(claim, (c) =>
      c.events.some((e: { type: string }) => e.type === `claim_redetermined_${v.version}`),
    );
    expect(view.events.find((e: { type: string }) => e.type === `claim_redetermined_${v.version}`).data).toMatchObject({
      correctionNumber: caseNumber,
      determinationVersion: v.version,
    });
    // The person is told, in Chinese, naming the correction.
    const sms = await eventually(
      () => s.smsTo(p!.mobile),
      (m) => m.some((x) => x.text.includes(caseNumber)),
    );
    expect(sms.find((x) => x.text.includes(caseNumber))!.text).toContain('已重新核定');
  });

  it('a record dispute that finds a contribution month wrong ends by opening the record correction, which its timeline names (Art. 31, 28)', async () => {
    const [p] = await s.people('eligible,!has_arrears', 1);
    const staff = await s.staffOf('210100');
    const personNumber = await registered(p!, '210100');
    const d = await detailOf(p!);
    const first = d.contributions.map((c) => c.month).sort()[0]!;
    const month = addMonthsToMonth(first, -1);
    const employer = d.employments[0]!;
    const filed = await s.call('POST', '/records/objections', {
      headers: staff.intake.headers,
      body: {
        channel: 'window',
        personNumber,
        sections: ['contributions'],
        statement: `${month}在原单位工作并缴费，记录中缺少这个月`,
        materials: ['劳动合同', '缴费凭证'],
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const objection = filed.body.caseNumber as string;
    const done = await s.complete(objection, 'record_objection_check', 'reviewer', {
      decision: 'corrected',
      corrected: `${month}缴费记录缺失，转个人缴费记录修改补建`,
      contribution: {
        kind: 'create',
        month,
        employerUscc: employer.employerUscc,
        employerName: employer.employerName,
        baseFen: 350_000,
        amountPaidFen: 3_500,
        receiptDate: `${addMonthsToMonth(month, 1)}-05`,
      },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const view = await s.caseWhen(objection, (c) =>
      c.events.some((e: { type: string }) => e.type === 'record_objection_correction_opened'),
    );
    const opened = view.events.find((e: { type: string }) => e.type === 'record_objection_correction_opened');
    const correction = opened.data.correctionNumber as string;
    expect(correction).toMatch(/^JFX-/);
    const c = await s.call('GET', `/contribution-corrections/${correction}`, { headers: staff.reviewer.headers });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ objectionCaseNumber: objection, kind: 'create', month, status: 'awaiting_review' });
    expect(
      (await s.call('GET', `/records/objections/${objection}`, { headers: staff.intake.headers })).body.status,
    ).toBe('corrected');
    // The correction is decided on its three levels like any other.
    await s.complete(correction, 'contribution_correction_review', 'reviewer', { decision: 'approve' });
    await s.complete(correction, 'contribution_correction_second_review', 'secondReviewer', { decision: 'approve' });
    await s.complete(correction, 'contribution_correction_approve', 'approver', { decision: 'approve' });
    const written = await eventually(
      () => versionsOf(p!.idNumber, month),
      (r) => r.length === 1 && r[0]!.source_run === correction,
    );
    expect(written).toMatchObject([{ version: 1, source: 'correction', source_run: correction, base_fen: '350000' }]);
  });

  it('refuses bad input with a 4xx naming the field, and writes nothing (Art. 28)', async () => {
    const { p, staff, personNumber, evidence } = await applicant();
    const [kept] = await s.tdb.sql<{ month: string; employer_uscc: string }>(
      `SELECT month, employer_uscc FROM contribution_record WHERE id_number = $1 AND superseded_by IS NULL LIMIT 1`,
      [p!.idNumber],
    );
    const change = {
      kind: 'create',
      month: '2004-02',
      employerUscc: kept!.employer_uscc,
      employerName: '测试单位',
      baseFen: 300_000,
      amountPaidFen: 3_000,
      receiptDate: '2004-03-10',
    };
    const post = (body: unknown, headers = staff.intake.headers) =>
      s.call('POST', '/contribution-corrections', { headers, body });
    const body = { personNumber, change, reason: '缴费记录缺失，申请补建', evidence };
    const paths = (r: { body: { error: { fields: { path: string }[] } } }) => r.body.error.fields.map((f) => f.path);

    const noEvidence = await post({ ...body, evidence: { labourContract: evidence.labourContract } });
    expect(noEvidence.status).toBe(400);
    expect(paths(noEvidence)).toEqual(expect.arrayContaining(['evidence.identity', 'evidence.paymentProof']));
    const early = await post({ ...body, change: { ...change, receiptDate: '2004-01-31' } });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('change_inconsistent');
    expect(paths(early)).toContain('change.receiptDate');
    expect(early.body.error.fields[0].message).toContain('到账日期');
    const badMonth = await post({ ...body, change: { ...change, month: '2004-13' } });
    expect(badMonth.status).toBe(400);
    expect(paths(badMonth)).toEqual(['change.month']);
    const swapped = await post({ ...body, evidence: { ...evidence, identity: evidence.labourContract } });
    expect(swapped.status).toBe(422);
    expect(swapped.body.error.code).toBe('evidence_invalid');
    expect(paths(swapped)).toEqual(['evidence.identity']);
    const exists = await post({
      ...body,
      change: { ...change, month: kept!.month, receiptDate: `${addMonthsToMonth(kept!.month, 1)}-10` },
    });
    expect(exists.status).toBe(409);
    expect(exists.body.error.code).toBe('record_exists');
    const missing = await post({ ...body, change: { ...change, kind: 'amend' } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('record_not_found');
    const notIntake = await post(body, staff.reviewer.headers);
    expect(notIntake.status).toBe(403);
    expect(await s.tdb.sql('SELECT 1 FROM contribution_correction WHERE id_number = $1', [p!.idNumber])).toEqual([]);
    // A retried request gets the same answer.
    const once = await post(body, { ...staff.intake.headers, 'idempotency-key': `bad-${personNumber}` });
    const twice = await post(body, { ...staff.intake.headers, 'idempotency-key': `bad-${personNumber}` });
    expect(once.status).toBe(201);
    expect(twice.status).toBe(200);
    expect(twice.body.caseNumber).toBe(once.body.caseNumber);
  });
});
