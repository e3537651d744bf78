/**
 * Documents (业务材料): the materials a case asks for are supplied as the files themselves, kept by content hash,
 * with who supplied them and the clerk's 与原件核对无误 mark (Art. 14), electronised as they are taken (Art. 84), and
 * not asked for again while a valid one is held (Art. 85). On the real servers: API, worker, workflows, PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentId } from '../support/fixtures';
import { startScenario, type Person, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';

beforeAll(async () => {
  s = await startScenario({ name: 'documents', cities: [CITY] });
});
afterAll(async () => {
  await s?.close();
});

/** A small but real PDF (its magic bytes are what counts, Art. 84: a scan). */
const pdf = (text: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);

async function upload(
  caseNumber: string,
  kind: string,
  bytes: Buffer,
  headers: Record<string, string>,
  name = 'scan.pdf',
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', new Blob([new Uint8Array(bytes)]), name);
  // fetch writes the multipart boundary itself: the caller's JSON content-type is left out.
  const { 'content-type': _json, ...auth } = headers;
  const r = await fetch(`${s.api.url}/cases/${caseNumber}/documents`, { method: 'POST', headers: auth, body: form });
  return { status: r.status, body: await r.json() };
}

/**
 * A claim whose ID number the household register does not know: the identity is to be verified with a material
 * (Art. 35, 37), so the case waits for it. The same `idNumber` again: the same person's second claim.
 */
async function claimAwaitingMaterials(person: Person, idNumber: string) {
  const filed = await s.file(await s.claimFor(person, (c) => ({ ...c, applicant: { ...c.applicant, idNumber } })));
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  return filed.body.caseNumber as string;
}

let person: Person;
let idNumber: string;
let firstCase: string;
let firstDocument: string;

describe('Documents supplied for the materials asked for (Art. 14, 84, 85)', () => {
  it('Art. 14, 84: the applicant uploads the scan asked for, supplies it by its document, and the case moves on', async () => {
    const [found] = await s.peopleIn(CITY, 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 1);
    person = found!;
    idNumber = residentId('210102', '19800101', '851');
    firstCase = await claimAwaitingMaterials(person, idNumber);
    const asked = await s.caseWhen(firstCase, (v) => v.status === 'awaiting_materials', 100);
    const kinds = asked.events.find((e: any) => e.type.startsWith('materials_requested')).data.materials;
    expect(kinds).toEqual(['identity_verification']);
    const me = await s.applicant({ idNumber, mobile: person.mobile });

    const scan = pdf(`identity ${idNumber}`);
    const up = await upload(firstCase, 'identity_verification', scan, me);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({
      kind: 'identity_verification',
      mediaType: 'application/pdf',
      sizeBytes: scan.length,
      sha256: createHash('sha256').update(scan).digest('hex'),
      suppliedBy: { role: 'applicant' },
      certified: null,
    });
    firstDocument = up.body.id;
    // The same file again for the same material: the same document, the bytes kept once.
    const again = await upload(firstCase, 'identity_verification', scan, me);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(firstDocument);
    expect(
      await s.tdb.sql('SELECT count(*)::int AS n FROM document_content WHERE sha256 = $1', [up.body.sha256]),
    ).toEqual([{ n: 1 }]);

    const supplied = await s.call('POST', `/cases/${firstCase}/materials`, {
      headers: me,
      body: { documents: [firstDocument] },
    });
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
    expect(supplied.body.stillMissing).toEqual([]);
    // The case row and its events are read by two statements (GET /cases/:n): a poll between them may see the event
    // and the status before it, so the wait is for both (CI once caught that moment).
    const moved = await s.caseWhen(
      firstCase,
      (v) => v.events.some((e: any) => e.type.startsWith('materials_supplied')) && v.status !== 'awaiting_materials',
    );
    expect(moved.status).not.toBe('awaiting_materials');
    const [material] = await s.tdb.sql<{ status: string; meta: any }>(
      "SELECT status, meta FROM case_material WHERE case_number = $1 AND kind = 'identity_verification'",
      [firstCase],
    );
    expect(material).toMatchObject({ status: 'supplied', meta: { documents: [firstDocument] } });
    const [doc] = await s.tdb.sql<{ used: boolean }>('SELECT used_at IS NOT NULL AS used FROM document WHERE id = $1', [
      firstDocument,
    ]);
    expect(doc!.used).toBe(true);

    // The file comes back as it was given, to the applicant and to the clerk of the case's agency.
    const staff = await s.staffOf(CITY);
    for (const headers of [me, staff.reviewer.headers]) {
      const r = await fetch(`${s.api.url}/documents/${firstDocument}/content`, { headers });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await r.arrayBuffer()).equals(scan)).toBe(true);
    }
  });

  it('Art. 14: the clerk marks the copy 与原件核对无误, in their name and at that time; the applicant cannot', async () => {
    const staff = await s.staffOf(CITY);
    const me = await s.applicant({ idNumber, mobile: person.mobile });
    const byApplicant = await s.call('POST', `/documents/${firstDocument}/certification`, {
      headers: me,
      body: { checked: true },
    });
    expect(byApplicant.status).toBe(403);
    expect(byApplicant.body.error.code).toBe('clerk_only');
    const marked = await s.call('POST', `/documents/${firstDocument}/certification`, {
      headers: staff.intake.headers,
      body: { checked: true },
    });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.certified.by).toBe(staff.intake.username);
    const list = await s.call('GET', `/cases/${firstCase}/documents`, { headers: staff.reviewer.headers });
    expect(list.body.items).toEqual([expect.objectContaining({ id: firstDocument, certified: marked.body.certified })]);
    const trail = await s.tdb.sql<{ actor_name: string }>(
      "SELECT actor_name FROM audit_log WHERE action = 'document_certified' AND entity_id = $1",
      [firstDocument],
    );
    expect(trail).toEqual([{ actor_name: staff.intake.username }]);
  });

  it('Art. 85: the same person’s next case does not ask again for a valid document held; the case counts it', async () => {
    const second = await claimAwaitingMaterials(person, idNumber);
    const view = await s.caseWhen(second, (v) => v.events.some((e: any) => e.type === 'materials_held'), 100);
    expect(view.events.some((e: any) => e.type.startsWith('materials_requested'))).toBe(false);
    expect(view.status).not.toBe('awaiting_materials');
    const [material] = await s.tdb.sql<{ status: string; supplied_by: string; meta: any }>(
      "SELECT status, supplied_by, meta FROM case_material WHERE case_number = $1 AND kind = 'identity_verification'",
      [second],
    );
    expect(material).toMatchObject({
      status: 'supplied',
      supplied_by: 'held',
      meta: { documents: [firstDocument], heldFrom: firstCase },
    });
    const texts = (await s.smsTo(person.mobile)).filter((m) => m.text.includes(second));
    expect(texts.some((m) => m.text.includes('需补充以下材料'))).toBe(false);
  });

  it('Art. 14, 30: another person, another employer and another agency are refused the documents (404)', async () => {
    const [other] = await s.peopleIn(CITY, 'eligible,!has_arrears,!pensioner,!deceased', 1);
    const stranger = await s.applicant({ idNumber: other!.idNumber, mobile: other!.mobile });
    // Even the agent of the claimant's last employer: a claim is the person's case, not the employer's (Art. 31).
    const agent = await s.employerAgent((await s.claimFor(person)).employer.uscc);
    const elsewhere = (await s.staffOf('210200')).reviewer.headers;
    for (const headers of [stranger, agent, elsewhere]) {
      expect((await s.call('GET', `/cases/${firstCase}/documents`, { headers })).status).toBe(404);
      expect((await fetch(`${s.api.url}/documents/${firstDocument}/content`, { headers })).status).toBe(404);
      expect((await upload(firstCase, 'identity_verification', pdf('x'), headers)).status).toBe(404);
    }
  });

  it('Art. 14, 84: bad files and the old form are refused with a stable code naming the field; nothing is written', async () => {
    const second = await claimAwaitingMaterials(person, residentId('210102', '19800101', '853'));
    await s.caseWhen(second, (v) => v.status === 'awaiting_materials', 100);
    const intake = (await s.staffOf(CITY)).intake.headers;
    const before = await s.tdb.sql('SELECT count(*)::int AS n FROM document');
    // A text file named .pdf: the content decides (415).
    const text = await upload(second, 'identity_verification', Buffer.from('not a scan at all'), intake, 'x.pdf');
    expect(text.status).toBe(415);
    expect(text.body.error).toMatchObject({
      code: 'unsupported_document_type',
      fields: [{ path: 'file', rule: 'media_type' }],
    });
    // A kind this case cannot ask for (422), and no kind (400).
    const wrongKind = await upload(second, 'hospitalBills', PNG, intake, 'bill.png');
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.error.fields[0]).toMatchObject({ path: 'kind', rule: 'kind_not_for_case' });
    expect((await upload(second, '', PNG, intake)).status).toBe(400);
    // Larger than the limit (10 MiB by default): 413.
    const big = Buffer.concat([pdf('big'), Buffer.alloc(10 * 1024 * 1024 + 1)]);
    const tooBig = await upload(second, 'identity_verification', big, intake);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('document_too_large');
    expect(await s.tdb.sql('SELECT count(*)::int AS n FROM document')).toEqual(before);
    // Kinds without files: 422, the case still waiting.
    const old = await s.call('POST', `/cases/${second}/materials`, {
      headers: intake,
      body: { kinds: ['identity_verification'] },
    });
    expect(old.status).toBe(422);
    expect(old.body.error).toMatchObject({ code: 'documents_required', fields: [{ path: 'kinds' }] });
    expect(old.body.error.message).toMatch(/上传/);
    // A PNG photo taken by the clerk is a document too (Art. 84).
    const photo = await upload(second, 'identity_verification', PNG, intake, 'photo.png');
    expect(photo.status, JSON.stringify(photo.body)).toBe(201);
    expect(photo.body).toMatchObject({ mediaType: 'image/png', suppliedBy: { role: 'intake' } });
  });
});
