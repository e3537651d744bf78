/**
 * 个人缴费记录修改 on the pages (Art. 28): the window's application form in Chinese, its errors named per field; a
 * correction opened by a record dispute (Art. 31) decided on its three levels by three clerks on the task page, each
 * seeing the record's old values beside the new ones; approved, the correction's page shows the new version with the
 * old one kept. WCAG 2.1 AA checked, screenshots kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addMonthsToMonth } from '../../domain/calendar';
import type { RunningApi } from '../support/api';
import { findPeople } from '../support/claimants';
import type { TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';
import { insertInsuredPerson, openTaskId } from '../support/register-rows';
import type { RunningSimulator } from '../sources/support';
import { screenshot, signIn, signOut, SKIP } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let sim: RunningSimulator;
let api: RunningApi;
let tdb: TestDatabase;
let page: Page;
const AGENCY = '210100';
const users: Record<string, { id: string; headers: Record<string, string> }> = {};

describe.skipIf(SKIP)('the record correction’s pages (Art. 28, 31)', () => {
  beforeAll(async () => {
    servers = await startRegisterServers('browser-correction');
    ({ sim, api, tdb } = servers);
    page = servers.browser.page;
    for (const [username, role] of [
      ['intake.corr', 'intake'],
      ['reviewer.corr', 'reviewer'],
      ['second.corr', 'second_reviewer'],
      ['approver.corr', 'approver'],
    ] as const) {
      users[username] = await userWithToken(tdb.db, api.url, { username, agencyCode: AGENCY, roles: [role] });
    }
  });
  afterAll(async () => {
    await servers?.close();
  });

  async function post(path: string, who: string, body: unknown) {
    const r = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { ...users[who]!.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  }

  it('shows the window’s application form in Chinese and names each field that is wrong (Art. 28)', async () => {
    await signIn(page, api.url, 'intake.corr', '/app/correction');
    await expect.poll(() => page.locator('#apply').isVisible()).toBe(true);
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.locator('#apply-form .error-summary').isVisible()).toBe(true);
    const summary = await page.locator('#apply-form .error-summary').textContent();
    expect(summary).toContain('个人编号');
    expect(summary).toContain('劳动合同（聘用合同）');
    await screenshot(page, 'record-correction-application-errors');
    await signOut(page);
  });

  it('decides a correction a record dispute opened on three levels, each clerk seeing the old and new values; the new version is shown with the old one kept (Art. 28, 31)', async () => {
    const [p] = await findPeople(sim, 'eligible,!has_arrears', 1);
    const detail = await sim.admin<{
      employments: { employerUscc: string; employerName: string }[];
      contributions: { month: string }[];
    }>('GET', `/persons/${p!.idNumber}`);
    const personNumber = `${AGENCY}70000001`;
    await insertInsuredPerson(tdb, p!, { personNumber, agencyCode: AGENCY });
    const month = addMonthsToMonth(detail.contributions.map((c) => c.month).sort()[0]!, -1);
    const employer = detail.employments[0]!;
    const filed = await post('/records/objections', 'intake.corr', {
      channel: 'window',
      personNumber,
      sections: ['contributions'],
      statement: `${month}在原单位工作并缴费，记录中缺少这个月`,
      materials: ['劳动合同', '缴费凭证'],
    });
    expect(filed.status).toBe(201);
    // The reviewer checks the record on the task page: the month is wrong, the correction's values entered (Art. 31).
    const check = await openTaskId(tdb, filed.body.caseNumber, 'record_objection_check');
    await signIn(page, api.url, 'reviewer.corr', `/app/task?id=${check}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain('权益记录核查');
    await page.getByLabel('记录有误，予以更正').check();
    await page.getByLabel('更正的内容或对记录的说明').fill(`${month}缴费记录缺失，转个人缴费记录修改补建`);
    await page.getByLabel('有误的是缴费月份').check();
    await page.getByLabel('费款所属期').fill(month);
    await page.getByLabel('参保单位统一社会信用代码').fill(employer.employerUscc);
    await page.getByLabel('参保单位名称').fill(employer.employerName);
    await page.getByLabel('缴费基数（元）').fill('3500');
    await page.getByLabel('实际缴费金额（元）').fill('35');
    await page.getByLabel('到账日期').fill(`${addMonthsToMonth(month, 1)}-05`);
    await screenshot(page, 'record-objection-check-contribution');
    await page.getByRole('button', { name: '提交办理意见' }).click();
    await expect.poll(() => page.locator('#decision').textContent()).toContain('记录有误，予以更正');
    await signOut(page);
    let correction = '';
    for (let i = 0; i < 150 && !correction; i++) {
      const rows = await tdb.sql<{ case_number: string }>(
        'SELECT case_number FROM contribution_correction WHERE objection_case_number = $1',
        [filed.body.caseNumber],
      );
      correction = rows[0]?.case_number ?? '';
      if (!correction) await new Promise((r) => setTimeout(r, 100));
    }
    expect(correction).toMatch(/^JFX-/);

    for (const [username, type, title] of [
      ['reviewer.corr', 'contribution_correction_review', '个人缴费记录修改初审'],
      ['second.corr', 'contribution_correction_second_review', '个人缴费记录修改复核'],
      ['approver.corr', 'contribution_correction_approve', '个人缴费记录修改审批'],
    ] as const) {
      const taskId = await openTaskId(tdb, correction, type);
      await signIn(page, api.url, username, `/app/task?id=${taskId}`);
      await expect.poll(() => page.locator('h1').textContent()).toContain(title);
      // The level sees what changes: 修改前 (none: a missing month) beside 修改后, in 元.
      const changes = page.getByRole('table', { name: '修改前后的缴费记录' });
      await expect.poll(() => changes.textContent()).toContain('35.00 元');
      expect(await changes.textContent()).toContain('（无）');
      if (type === 'contribution_correction_review') await screenshot(page, 'record-correction-review-task');
      await page.getByLabel('通过', { exact: true }).check();
      await page.getByRole('button', { name: '提交办理意见' }).click();
      await expect.poll(() => page.locator('#decision').textContent()).toContain('办理结果通过');
      await signOut(page);
    }

    await signIn(page, api.url, 'approver.corr', `/app/correction?n=${correction}`);
    const versions = page.getByRole('table', { name: '该月份缴费记录的各版本（原记录保留）' });
    await expect.poll(() => versions.textContent(), { timeout: 15_000 }).toContain(`个人缴费记录修改（${correction}）`);
    const levels = await page.getByRole('table', { name: /三级经办/ }).textContent();
    expect(levels).toContain('reviewer.corr');
    expect(levels).toContain('second.corr');
    await screenshot(page, 'record-correction-applied');
    await signOut(page);
  });
});
