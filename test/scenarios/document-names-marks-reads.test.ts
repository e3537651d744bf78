/**
 * What the documents and the person register left open (issue 22): a document's Chinese file name kept and given back
 * as it was (Art. 14, 84); two clerks marking the same copy 与原件核对无误 at once — the first mark stands, the second
 * is told whose it is (Art. 14); and every look at a person's entry by staff or by an employer's agent audited, who
 * looked at whom and when (Art. 30). On the real servers: API, worker, workflows, PostgreSQL, the simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentId } from '../support/fixtures';
import { employerRegistrationBody, personRegistrationBody, type SimEmployer } from '../support/employer-registration';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';

beforeAll(async () => {
  s = await startScenario({ name: 'document-names-marks-reads', cities: [CITY] });
});
afterAll(async () => {
  await s?.close();
});

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    '% 解除劳动合同证明\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function upload(caseNumber: string, kind: string, bytes: Buffer, headers: Record<string, string>, name: string) {
  const form = new FormData();
  form.set('kind', kind);
  // fetch (undici) writes the file name in UTF-8, as browsers do, without a filename* parameter.
  form.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  const { 'content-type': _json, ...auth } = headers;
  const r = await fetch(`${s.api.url}/cases/${caseNumber}/documents`, { method: 'POST', headers: auth, body: form });
  return { status: r.status, body: (await r.json()) as any };
}

let shape: Person | undefined;
/** A claim waiting for the identity material (an ID number the household register does not know, Art. 37). */
async function caseAwaitingMaterials(serial: string): Promise<string> {
  // The claim's shape only (its ID number is replaced): one seeded person serves every such case.
  shape ??= (await s.peopleIn(CITY, 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 1))[0]!;
  const person = shape;
  const idNumber = residentId('210102', '19810101', serial);
  const filed = await s.file(await s.claimFor(person!, (c) => ({ ...c, applicant: { ...c.applicant, idNumber } })));
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  await s.caseWhen(filed.body.caseNumber, (v) => v.status === 'awaiting_materials', 100);
  return filed.body.caseNumber;
}

describe('Documents: the file name and the 与原件核对无误 mark (Art. 14, 84)', () => {
  it('Art. 14, 84: a Chinese file name is kept and shown as uploaded, and the download gives it back', async () => {
    const caseNumber = await caseAwaitingMaterials('861');
    const intake = (await s.staffOf(CITY)).intake.headers;
    const name = '解除劳动合同证明.pdf';
    const up = await upload(caseNumber, 'identity_verification', PDF, intake, name);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.fileName).toBe(name);
    const [row] = await s.tdb.sql<{ file_name: string }>('SELECT file_name FROM document WHERE id = $1', [up.body.id]);
    expect(row!.file_name).toBe(name);
    const list = await s.call('GET', `/cases/${caseNumber}/documents`, { headers: intake });
    expect(list.body.items.map((d: any) => d.fileName)).toEqual([name]);
    const r = await fetch(`${s.api.url}/documents/${up.body.id}/content`, { headers: intake });
    expect(r.status).toBe(200);
    const disposition = r.headers.get('content-disposition') ?? '';
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '')).toBe(name);
  });

  it('Art. 14, 84: an upload is the kind and the file alone: another part, or the file sent as text, is refused 400 naming it; nothing is written', async () => {
    const caseNumber = await caseAwaitingMaterials('863');
    const { 'content-type': _json, ...intake } = (await s.staffOf(CITY)).intake.headers;
    const send = async (form: FormData) => {
      const r = await fetch(`${s.api.url}/cases/${caseNumber}/documents`, {
        method: 'POST',
        headers: intake,
        body: form,
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    const extra = new FormData();
    extra.set('kind', 'identity_verification');
    extra.set('note', '补充说明');
    extra.set('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'scan.pdf');
    const refused = await send(extra);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ path: 'note' })]);
    const asText = new FormData();
    asText.set('kind', 'identity_verification');
    asText.set('file', PDF.toString('latin1'));
    const text = await send(asText);
    expect(text.status).toBe(400);
    expect(text.body.error.fields).toEqual([expect.objectContaining({ path: 'file', rule: 'multipart' })]);
    expect(await s.tdb.sql('SELECT id FROM document WHERE case_number = $1', [caseNumber])).toEqual([]);
  });

  it('Art. 14: two clerks marking the same copy at once — one mark stands, the other is told whose it is (409); the same clerk again gets the same answer', async () => {
    const caseNumber = await caseAwaitingMaterials('862');
    const staff = await s.staffOf(CITY);
    const up = await upload(caseNumber, 'identity_verification', PDF, staff.intake.headers, 'scan.pdf');
    expect(up.status).toBe(201);
    const mark = (headers: Record<string, string>) =>
      s.call('POST', `/documents/${up.body.id}/certification`, { headers, body: { checked: true } });
    const [a, b] = await Promise.all([mark(staff.intake.headers), mark(staff.reviewer.headers)]);
    const answers = [a, b].map((r) => r.status).sort();
    expect(answers).toEqual([200, 409]);
    const won = a.status === 200 ? a : b;
    const lost = a.status === 200 ? b : a;
    const winner = a.status === 200 ? staff.intake : staff.reviewer;
    const loser = a.status === 200 ? staff.reviewer : staff.intake;
    expect(won.body.certified.by).toBe(winner.username);
    expect(lost.body.error).toMatchObject({
      code: 'document_already_certified',
      fields: [{ path: 'checked', rule: 'certified_once' }],
    });
    expect(lost.body.error.message).toContain(winner.username);
    const [row] = await s.tdb.sql<{ certified_by_name: string; at: string }>(
      'SELECT certified_by_name, certified_at AS at FROM document WHERE id = $1',
      [up.body.id],
    );
    expect(row!.certified_by_name).toBe(winner.username);
    expect(new Date(row!.at).toISOString()).toBe(won.body.certified.at);
    const trail = await s.tdb.sql<{ actor_name: string }>(
      "SELECT actor_name FROM audit_log WHERE action = 'document_certified' AND entity_id = $1",
      [up.body.id],
    );
    expect(trail).toEqual([{ actor_name: winner.username }]);

    // The same clerk again: the same answer; the other clerk after it: 409 again, nothing changed.
    const again = await mark(winner.headers);
    expect(again.status).toBe(200);
    expect(again.body.certified).toEqual(won.body.certified);
    const after = await mark(loser.headers);
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('document_already_certified');
    expect(
      await s.tdb.sql(
        "SELECT count(*)::int AS n FROM audit_log WHERE action = 'document_certified' AND entity_id = $1",
        [up.body.id],
      ),
    ).toEqual([{ n: 1 }]);
  });
});

describe('个人权益记录的查询留痕 (Art. 30)', () => {
  it('Art. 30: a clerk’s and an employer agent’s reads of a person’s entry each leave an audit row (who, whom, when); the person’s own does not', async () => {
    let found: SimEmployer | undefined;
    for (let offset: number | null = 0; offset !== null && !found;) {
      const page: { items: SimEmployer[]; nextOffset: number | null } = await s.sim.admin(
        'GET',
        `/employers?limit=200&offset=${offset}&filter=!has_arrears`,
      );
      found = page.items.find((e) => e.agencyDivisionCode === CITY);
      offset = page.nextOffset;
    }
    const tax = await s.sim.clients.tax.getEmployer(found!.uscc);
    const agent = await s.employerAgent(found!.uscc, CITY);
    const employer = await s.call('POST', '/employers', {
      headers: agent,
      body: employerRegistrationBody(found!, tax!.registeredDate),
    });
    expect(employer.status, JSON.stringify(employer.body)).toBe(201);
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const registered = await s.call('POST', `/employers/${employer.body.registerNumber}/persons`, {
      headers: agent,
      body: personRegistrationBody(p!, today),
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const pn = registered.body.personNumber as string;
    const reads = () =>
      s.tdb.sql<{ actor_name: string; action: string; entity: string; at: Date }>(
        "SELECT actor_name, action, entity, at FROM audit_log WHERE entity_id = $1 AND action LIKE 'person.read%' ORDER BY id",
        [pn],
      );
    expect(await reads()).toEqual([]);

    const staff = await s.staffOf(CITY);
    const before = Date.now();
    const byClerk = await s.call('GET', `/persons/${pn}`, { headers: staff.reviewer.headers });
    expect(byClerk.status).toBe(200);
    const afterClerk = await reads();
    expect(afterClerk).toEqual([
      expect.objectContaining({ actor_name: staff.reviewer.username, action: 'person.read', entity: 'insured_person' }),
    ]);
    expect(afterClerk[0]!.at.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // The agent of the person's employer, by number and by ID number; the clerk's history and search too.
    expect((await s.call('GET', `/persons/${pn}`, { headers: agent })).status).toBe(200);
    const search = await s.call('POST', '/persons/search', {
      headers: staff.intake.headers,
      body: { idNumber: p!.idNumber },
    });
    expect(search.status).toBe(200);
    expect((await s.call('GET', `/persons/${pn}/history`, { headers: staff.intake.headers })).status).toBe(200);
    expect((await reads()).map((r) => [r.actor_name, r.action])).toEqual([
      [staff.reviewer.username, 'person.read'],
      [`agent.${found!.uscc}`, 'person.read'],
      [staff.intake.username, 'person.read'],
      [staff.intake.username, 'person.read_history'],
    ]);
    // A refused look (another city's clerk) reads nothing and leaves no read row.
    const dalian = await s.staffOf('210200');
    expect((await s.call('GET', `/persons/${pn}`, { headers: dalian.reviewer.headers })).status).toBe(404);
    expect(await reads()).toHaveLength(4);

    // The person's own look at their entry is not someone else's look.
    const me = await s.applicant({ idNumber: p!.idNumber, mobile: p!.mobile });
    expect((await s.call('GET', '/persons/mine', { headers: me })).status).toBe(200);
    expect(await reads()).toHaveLength(4);
  });
});
