/**
 * The employer agent's page shows the company's registration (Art. 16) and changes the self-service items at once
 * (Art. 17 para 2), in Chinese, with the field errors of a refused change next to their fields; WCAG 2.1 AA checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateResidentId } from '../../domain/identity';
import { userWithToken } from '../support/users';
import { registrationBody } from '../support/employer-registration';
import { screenshot, signIn, signOut, SKIP, unlabelledFields } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let page: Page;

describe.skipIf(SKIP)('the employer register on the agent’s page (Art. 16, 17)', () => {
  beforeAll(async () => {
    servers = await startRegisterServers('browser-register');
    page = servers.browser.page;
  });
  afterAll(async () => {
    await servers?.close();
  });

  it('shows the company’s registration to its agent and changes the address and the legal representative at once (Art. 16, 17 para 2)', async () => {
    const { sim, tdb, api } = servers;
    const companies = (
      await sim.admin<{
        items: { uscc: string; name: string; type: string; agencyDivisionCode: string; bankAccount: any }[];
      }>('GET', '/employers?limit=200&filter=good_credit')
    ).items.filter((e) => e.agencyDivisionCode === '210100');
    const [ours, unregistered] = companies as [(typeof companies)[0], (typeof companies)[0]];
    const agent = await userWithToken(tdb.db, api.url, {
      username: 'agent.reg',
      displayName: '单位经办人',
      agencyCode: '210100',
      roles: ['employer_agent'],
      employerUscc: ours.uscc,
    });
    await userWithToken(tdb.db, api.url, {
      username: 'agent.unreg',
      displayName: '单位经办人乙',
      agencyCode: '210100',
      roles: ['employer_agent'],
      employerUscc: unregistered.uscc,
    });
    const tax = await sim.clients.tax.getEmployer(ours.uscc);
    const registered = await fetch(`${api.url}/employers`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...registrationBody(ours, { foundedOn: tax!.registeredDate, insuredSince: tax!.registeredDate, sequence: 1 }),
        economicType: '173',
        industry: 'F',
      }),
    });
    expect(registered.status).toBe(201);
    const { registerNumber } = (await registered.json()) as { registerNumber: string };

    await signIn(page, api.url, 'agent.reg');
    expect(new URL(page.url()).pathname).toBe('/app/employer');
    const entry = page.locator('#register');
    await expect.poll(() => entry.textContent()).toContain(registerNumber);
    const text = (await entry.textContent()) ?? '';
    for (const item of [ours.name, ours.uscc, '私营有限责任（公司）', '批发和零售业', '参保', '王建国', '居民身份证'])
      expect(text).toContain(item);
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, '20-employer-register');

    // A refused change: the rule next to its field, in Chinese; nothing changed.
    await page.getByLabel('联系电话', { exact: true }).fill('12345');
    await page.getByRole('button', { name: '提交变更' }).click();
    await expect.poll(() => page.locator('#s-phone-error').textContent()).toMatch(/手机号码|固定电话/);
    await screenshot(page, '21-employer-register-error');

    await page.getByLabel('联系电话', { exact: true }).fill('024-88888888');
    await page.getByRole('textbox', { name: '联系地址' }).fill('沈阳市沈河区青年大街100号');
    await page.getByLabel('法定代表人（负责人）姓名').fill('赵敏');
    await page
      .getByLabel('法定代表人居民身份证号码')
      .fill(generateResidentId({ birthDate: '1975-11-11', sequence: 7 }));
    await page.getByRole('button', { name: '提交变更' }).click();
    await expect.poll(() => page.locator('#messages').textContent()).toContain('变更已生效');
    await expect.poll(() => entry.textContent()).toContain('沈阳市沈河区青年大街100号');
    expect(await entry.textContent()).toContain('赵敏');
    const history = await tdb.sql<{ fields: string[] }>(
      "SELECT fields FROM employer_change WHERE register_number = $1 AND kind = 'changed'",
      [registerNumber],
    );
    expect(history).toEqual([{ fields: ['address', 'phone', 'legalRepresentative'] }]);
    await screenshot(page, '22-employer-register-changed');
    await signOut(page);

    // Another company's agent: its own company is not registered; ours is not shown.
    await signIn(page, api.url, 'agent.unreg');
    await expect.poll(() => page.locator('#register').textContent()).toContain('尚未办理失业保险参保登记');
    expect(await page.locator('main').textContent()).not.toContain(registerNumber);
    expect(await page.locator('#self-change').isHidden()).toBe(true);
    await signOut(page);
  });
});
