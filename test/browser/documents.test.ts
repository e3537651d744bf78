/**
 * Documents in the browser (Art. 14, 84): the applicant uploads a scan (a PDF with a Chinese file name) for the
 * material the case asks for on the applicant's page, and the case moves on; the clerk's task page lists the document
 * with its download link (the file comes back under its own name) and the 与原件核对无误 button, pressed: the mark
 * shows who and when. Over the real API, a worker on the Temporal dev server, PostgreSQL and the simulated sources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningApi } from '../support/api';
import { claimOf, findPeople, type Person } from '../support/claimants';
import type { TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import type { RunningSimulator } from '../sources/support';
import { screenshot, signIn, signInApplicant, SKIP, unlabelledFields } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let tdb: TestDatabase;
let sim: RunningSimulator;
let api: RunningApi;
let page: Page;

/** A small but real PDF (the content decides the type, not the name). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    '% browser scan\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const FILE_NAME = '居民身份证复印件.pdf';

describe.skipIf(SKIP)('documents on the applicant’s page and the clerk’s task page (Art. 14, 84)', () => {
  beforeAll(async () => {
    // The register's servers (test/browser/servers.ts): the household register among the sources (Art. 35, 37).
    servers = await startRegisterServers('browser-documents');
    ({ tdb, sim, api } = servers);
    page = servers.browser.page;
  });
  afterAll(async () => {
    await servers?.close();
  });

  it('the applicant uploads the PDF asked for and the case moves on; the clerk downloads it and marks it 与原件核对无误 (Art. 14, 84)', async () => {
    let person: Person | undefined;
    for (const p of await findPeople(sim, 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 20))
      if ((await claimOf(sim, p).catch(() => null))?.payingLocality.agencyCode === '210100') {
        person = p;
        break;
      }
    expect(person).toBeDefined();
    // The household register has no record of the person: the identity is to be verified with a material (Art. 37).
    const { idNumber } = person!;
    await sim.admin('POST', '/hukou/unrecorded', { idNumber });
    // Filed at a window: the intake clerk then accepts the case with its materials (Art. 14, 37).
    const claim = await claimOf(sim, person!, 'window');
    const clerk = await userWithToken(tdb.db, api.url, {
      username: 'clerk.docs',
      displayName: '受理员',
      agencyCode: '210100',
      roles: ['intake'],
    });
    const filed = await fetch(`${api.url}/claims`, {
      method: 'POST',
      headers: clerk.headers,
      body: JSON.stringify(claim),
    });
    expect(filed.status).toBe(201);
    const { caseNumber } = (await filed.json()) as { caseNumber: string };
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
      (r) => r[0]?.status === 'awaiting_materials',
    );

    await signInApplicant(page, api.url, sim, { idNumber, phone: person!.mobile });
    const mine = page.locator('#mine tbody tr', { hasText: caseNumber });
    await expect.poll(() => mine.textContent()).toContain('待补充材料');
    await mine.getByRole('button', { name: `补充材料 ${caseNumber}` }).click();
    const form = page.locator('#materials-form');
    // Nothing chosen: said next to the field, in Chinese.
    await page.getByRole('button', { name: '上传并提交材料' }).click();
    await expect.poll(() => page.locator('#file-identity_verification-error').textContent()).toContain('请选择文件');
    await form
      .getByLabel('本人有效身份证件（经办窗口核验）')
      .setInputFiles({ name: FILE_NAME, mimeType: 'application/pdf', buffer: PDF });
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, '50-applicant-upload');
    await page.getByRole('button', { name: '上传并提交材料' }).click();
    await expect.poll(() => page.locator('#messages').textContent()).toBe(`${caseNumber}：材料已上传并提交`);
    const [doc] = await tdb.sql<{ id: string; file_name: string; supplied_by_role: string; size_bytes: number }>(
      'SELECT id, file_name, supplied_by_role, size_bytes FROM document WHERE case_number = $1',
      [caseNumber],
    );
    expect(doc).toMatchObject({ file_name: FILE_NAME, supplied_by_role: 'applicant', size_bytes: PDF.length });
    // The case moves on: the material supplied by its document, no longer waiting.
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
      (r) => !!r[0] && r[0].status !== 'awaiting_materials',
    );
    const [material] = await tdb.sql<{ status: string; meta: { documents: string[] } }>(
      "SELECT status, meta FROM case_material WHERE case_number = $1 AND kind = 'identity_verification'",
      [caseNumber],
    );
    expect(material).toMatchObject({ status: 'supplied', meta: { documents: [doc!.id] } });
    await expect.poll(() => mine.textContent()).not.toContain('待补充材料');
    await page.getByRole('button', { name: '退出登录' }).click();

    // The clerk's task page: the document, its download link (its own name back), and the 与原件核对无误 button.
    const [task] = await eventually(
      () =>
        tdb.sql<{ id: string; type: string }>(
          "SELECT id, type FROM task WHERE case_number = $1 AND status = 'open' ORDER BY created_at LIMIT 1",
          [caseNumber],
        ),
      (r) => r.length === 1,
    );
    expect(task!.type).toBe('claim_acceptance');
    await signIn(page, api.url, 'clerk.docs', `/app/task?id=${task!.id}`);
    const documents = page.locator('#documents');
    const row = documents.locator('tbody tr', { hasText: '本人有效身份证件' });
    await expect.poll(() => row.textContent()).toContain('申请人');
    const link = row.getByRole('link', { name: new RegExp(FILE_NAME) });
    expect(await link.getAttribute('href')).toBe(`/documents/${doc!.id}/content`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(FILE_NAME);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path).equals(PDF)).toBe(true);
    await screenshot(page, '51-task-documents');

    await row.getByRole('button', { name: '与原件核对无误：本人有效身份证件（经办窗口核验）' }).click();
    await expect.poll(() => page.locator('#messages').textContent()).toContain('已注明“与原件核对无误”');
    await expect.poll(() => row.textContent()).toContain('与原件核对无误（clerk.docs，');
    expect(await row.getByRole('button').count()).toBe(0);
    const [marked] = await tdb.sql<{ certified_by_name: string; certified: boolean }>(
      'SELECT certified_by_name, certified_at IS NOT NULL AS certified FROM document WHERE id = $1',
      [doc!.id],
    );
    expect(marked).toEqual({ certified_by_name: 'clerk.docs', certified: true });
    await screenshot(page, '52-task-document-certified');
  });
});
