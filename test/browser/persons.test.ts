/**
 * The staff tab of the employer agent's page (Art. 19, 22): the agent registers a member of staff (增员) with the items
 * of Art. 19, sees a refusal of the identity source next to its field, the staff list, and declares a retirement;
 * the clerk's person page finds the person by ID number and shows the history. In Chinese, every field labelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { residentIdBirthDate, residentIdSex } from '../../domain/identity';
import type { RunningApi } from '../support/api';
import type { TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';
import { employerRegistrationBody, type SimEmployer } from '../support/employer-registration';
import { findPeople } from '../support/claimants';
import type { RunningSimulator } from '../sources/support';
import { screenshot, signIn, signOut, SKIP, unlabelledFields, type Browser } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let sim: RunningSimulator;
let api: RunningApi;
let tdb: TestDatabase;
let browser: Browser;
let page: Page;

describe.skipIf(SKIP)('the staff tab on the agent’s page and the clerk’s person page (Art. 19, 20, 22)', () => {
  // The servers of the register's page tests (test/browser/servers.ts), the person's sources among them.
  beforeAll(async () => {
    servers = await startRegisterServers('browser-persons');
    ({ sim, api, tdb, browser } = servers);
    page = browser.page;
  });
  afterAll(async () => {
    await servers?.close();
  });

  it('registers a member of staff online, lists them and declares their retirement (Art. 19, 22)', async () => {
    const ours = (
      await sim.admin<{ items: SimEmployer[] }>('GET', '/employers?limit=200&filter=!has_arrears')
    ).items.find((e) => e.agencyDivisionCode === '210100')!;
    const agent = await userWithToken(tdb.db, api.url, {
      username: 'agent.staff',
      displayName: '单位经办人',
      agencyCode: '210100',
      roles: ['employer_agent'],
      employerUscc: ours.uscc,
    });
    await userWithToken(tdb.db, api.url, {
      username: 'intake.persons',
      displayName: '受理员',
      agencyCode: '210100',
      roles: ['intake'],
    });
    const tax = await sim.clients.tax.getEmployer(ours.uscc);
    const registered = await fetch(`${api.url}/employers`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      body: JSON.stringify(employerRegistrationBody(ours, tax!.registeredDate)),
    });
    expect(registered.status).toBe(201);
    const { registerNumber } = (await registered.json()) as { registerNumber: string };
    const [p] = await findPeople(sim, 'employed', 1);

    await signIn(page, api.url, 'agent.staff');
    const staff = page.locator('#staff');
    await staff.waitFor();
    await expect.poll(() => staff.textContent()).toContain('暂无参保职工');
    const form = page.locator('#staff-form');
    const labelled = (text: string) => form.getByLabel(text, { exact: true });
    await labelled('证件号码').fill(p!.idNumber);
    await labelled('姓名').fill(`${p!.name}伟`);
    await labelled('性别').selectOption(residentIdSex(p!.idNumber)!);
    await labelled('出生日期').fill(residentIdBirthDate(p!.idNumber)!);
    await labelled('联系方式（手机号码）').fill(p!.mobile);
    await labelled('户籍所在地（行政区划代码）').fill(p!.hukouDivisionCode);
    await labelled('户籍地址').fill('辽宁省沈阳市和平区某街道');
    await labelled('居住地').fill('辽宁省沈阳市沈河区某小区1号楼');
    expect(await unlabelledFields(page)).toEqual([]);
    // The identity source holds another name: refused, next to the name, in Chinese.
    await page.getByRole('button', { name: '提交增员' }).click();
    await expect.poll(() => page.locator('#p-name-error').textContent()).toContain('户籍信息');
    await screenshot(page, '40-staff-refused');

    await labelled('姓名').fill(p!.name);
    await page.getByRole('button', { name: '提交增员' }).click();
    await expect.poll(() => page.locator('#messages').textContent()).toContain('已办理参保登记');
    await expect.poll(() => staff.textContent()).toContain(p!.name);
    const [row] = await tdb.sql<{ person_number: string; status: string }>(
      'SELECT person_number, status FROM insured_person WHERE id_number = $1',
      [p!.idNumber],
    );
    expect(row).toMatchObject({ status: 'insured' });
    const relations = await tdb.sql('SELECT register_number, status FROM insurance_relation WHERE person_number = $1', [
      row!.person_number,
    ]);
    expect(relations).toEqual([{ register_number: registerNumber, status: 'insured' }]);
    await screenshot(page, '41-staff-registered');

    // Art. 22: the retirement declared from the list.
    await page.getByRole('button', { name: `申报终止参保 ${p!.name}` }).click();
    await expect.poll(() => page.locator('#messages').textContent()).toContain('已终止参保');
    const [after] = await tdb.sql<{ status: string; termination_reason: string }>(
      'SELECT status, termination_reason FROM insured_person WHERE id_number = $1',
      [p!.idNumber],
    );
    expect(after).toEqual({ status: 'terminated', termination_reason: 'retirement' });
    await signOut(page);

    // The clerk's person page: found by ID number, the history shown.
    await signIn(page, api.url, 'intake.persons', '/app/persons');
    await page.getByLabel('证件号码').fill(p!.idNumber);
    await page.getByRole('button', { name: '查询' }).click();
    const person = page.locator('#person');
    await expect.poll(() => person.textContent()).toContain(row!.person_number);
    for (const text of ['终止参保', '退休', '参保登记', '规程第33条'])
      expect(await person.textContent()).toContain(text);
    await screenshot(page, '42-person-page');
  });
});
