/**
 * The person's own entitlement record on the page (Art. 29, 31, 32): signed in (an applicant session), the record in
 * Chinese with the contribution months counted once (Art. 32), amounts in 元, the signed 权益记录单 to download, and
 * the objection form (Art. 31); WCAG 2.1 AA checked, screenshot kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createHash, randomBytes } from 'node:crypto';
import { residentIdBirthDate, residentIdSex } from '../../domain/identity';
import { employerRegistrationBody } from '../support/employers';
import type { RunningApi } from '../support/api';
import { findPeople } from '../support/claimants';
import type { TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';
import type { RunningSimulator } from '../sources/support';
import { screenshot, SKIP, type Browser } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let sim: RunningSimulator;
let api: RunningApi;
let tdb: TestDatabase;
let browser: Browser;
let page: Page;

describe.skipIf(SKIP)('the entitlement record on the person’s page (Art. 29, 31, 32)', () => {
  // The servers of the register's page tests (test/browser/servers.ts), the person's sources among them.
  beforeAll(async () => {
    servers = await startRegisterServers('browser-record');
    ({ sim, api, tdb, browser } = servers);
    page = browser.page;
  });
  afterAll(async () => {
    await servers?.close();
  });

  it('shows the person their record, months counted once, and downloads the signed 权益记录单 (Art. 29, 32, 10)', async () => {
    const [p] = await findPeople(sim, 'overlapping_months', 1, (x) => x.paidMonths >= 12);
    const detail = await sim.admin<{
      employments: { employerUscc: string; startDate: string; endDate: string | null }[];
    }>('GET', `/persons/${p!.idNumber}`);
    // The person's last employer, registered through the API by its agent (Art. 16).
    const uscc = detail.employments.at(-1)!.employerUscc;
    const tax = (await sim.clients.tax.getEmployer(uscc))!;
    const agent = await userWithToken(tdb.db, api.url, {
      username: 'agent.record',
      agencyCode: tax.agencyDivisionCode,
      roles: ['employer_agent'],
      employerUscc: uscc,
    });
    const reg = await fetch(`${api.url}/employers`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      body: JSON.stringify(employerRegistrationBody(tax, 1)),
    });
    expect(reg.status).toBe(201);
    const { registerNumber } = (await reg.json()) as { registerNumber: string };
    const personNumber = `${registerNumber.slice(0, 6)}80000001`;
    await tdb.sql(
      `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
         hukou_address, residence, insured_since, agency_code, status, registered_at, updated_at)
       VALUES ($1, 'resident_id_card', $2, $3, $4, $5, $6, $7, '辽宁省', '辽宁省', $8, $9, 'insured', now(), now())`,
      [
        personNumber,
        p!.idNumber,
        p!.name,
        residentIdSex(p!.idNumber),
        residentIdBirthDate(p!.idNumber),
        p!.mobile,
        p!.hukouDivisionCode,
        detail.employments[0]!.startDate,
        registerNumber.slice(0, 6),
      ],
    );
    await tdb.sql(
      `INSERT INTO insurance_relation (person_number, register_number, hired_on, late_by_days, status, origin,
         created_at, updated_at)
       VALUES ($1, $2, $3, 0, 'insured', 'registration', now(), now())`,
      [personNumber, registerNumber, detail.employments.at(-1)!.startDate],
    );
    // Signed in as the person (the applicants' sign-in by SMS code is tested on the apply page).
    const token = randomBytes(32).toString('base64url');
    await tdb.db.applicantSession.create({
      data: {
        id: createHash('sha256').update(token).digest('hex'),
        idNumber: p!.idNumber,
        phone: p!.mobile,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    await browser.context.addCookies([{ name: 'ui_session', value: token, url: api.url }]);

    const record = (await (
      await fetch(`${api.url}/my/record`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { contributions: { summary: { months: number; overlappingMonths: string[] } } };
    await page.goto(`${api.url}/app/record`);
    const summary = page.locator('#contribution-summary');
    await expect
      .poll(() => summary.textContent())
      .toContain(`累计缴费月数：${record.contributions.summary.months}个月`);
    expect(await summary.textContent()).toContain('缴费月数不重复计算（第三十二条）');
    expect(await page.locator('#record h2').textContent()).toBe(`${p!.name}的权益记录`);
    expect(await page.locator('#record').textContent()).toMatch(/\d[\d,]*\.\d{2} 元/);
    await screenshot(page, '30-record-applicant');

    // The signed 权益记录单 downloads from the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#record-pdf').click()]);
    expect(download.suggestedFilename()).toMatch(/^record-[0-9A-Z]{12}\.pdf$/);
    // The objection form (Art. 31): a statement too short is named next to its field, in Chinese.
    await page.locator('#objection-form').getByLabel('缴费记录', { exact: true }).check();
    await page.getByLabel('异议的内容和理由').fill('不对');
    await page.getByRole('button', { name: '提交核查申请' }).click();
    await expect.poll(() => page.locator('#ob-statement-error').textContent()).toContain('不少于10字');
    await screenshot(page, '30b-record-objection-errors');
  });
});
