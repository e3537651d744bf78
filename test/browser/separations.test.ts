/**
 * The employer agent's staff reduction (减员, Art. 21) on its page: the field error of a refused declaration next to its
 * field, the declaration taken, the staff list showing the suspension, and the printable 《失业保险金申领告知书》; in
 * Chinese, WCAG 2.1 AA checked on each state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addDays, businessDateOf } from '../../domain/calendar';
import { userWithToken } from '../support/users';
import { registrationBody, type SimEmployer } from '../scenarios/employers';
import { screenshot, signIn, signOut, SKIP, unlabelledFields } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let page: Page;

describe.skipIf(SKIP)('the staff reduction on the agent’s page (Art. 21)', () => {
  beforeAll(async () => {
    servers = await startRegisterServers('browser-separations');
    page = servers.browser.page;
  });
  afterAll(async () => {
    await servers?.close();
  });

  it('declares a separation with the date and reason of the termination certificate and prints the claim notice letter (Art. 21)', async () => {
    const { sim, tdb, api } = servers;
    const ours = (
      await sim.admin<{ items: SimEmployer[] }>('GET', '/employers?limit=200&filter=good_credit')
    ).items.find((e) => e.agencyDivisionCode === '210100')!;
    const agent = await userWithToken(tdb.db, api.url, {
      username: 'agent.sep',
      displayName: '单位经办人',
      agencyCode: '210100',
      roles: ['employer_agent'],
      employerUscc: ours.uscc,
    });
    const today = businessDateOf(new Date());
    const tax = await sim.clients.tax.getEmployer(ours.uscc);
    const registered = await fetch(`${api.url}/employers`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      body: JSON.stringify(
        registrationBody(ours, {
          foundedOn: tax!.registeredDate,
          insuredSince: today,
          sequence: 3,
          agentPhone: '13900000003',
        }),
      ),
    });
    expect(registered.status).toBe(201);
    const { registerNumber } = (await registered.json()) as { registerNumber: string };
    // A person on its staff in the register (the persons slice registers them; written here directly).
    const person = (
      await sim.admin<{ items: { idNumber: string; name: string; mobile: string }[] }>(
        'GET',
        '/persons?limit=1&filter=employed,!pensioner,!deceased',
      )
    ).items[0]!;
    const personNumber = `${registerNumber.slice(0, 6)}0000000001`;
    await tdb.sql(
      `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
         hukou_address, residence, insured_since, agency_code, status, registered_at, updated_at)
       VALUES ($1, 'resident_id_card', $2, $3, 'male', '1990-01-01', $4, '210102', '辽宁省', '沈阳市', '2021-04-01',
         '210100', 'insured', now(), now())`,
      [personNumber, person.idNumber, person.name, person.mobile],
    );
    await tdb.sql(
      `INSERT INTO insurance_relation (person_number, register_number, hired_on, late_by_days, status, origin, created_at, updated_at)
       VALUES ($1, $2, '2021-04-01', 0, 'insured', 'registration', now(), now())`,
      [personNumber, registerNumber],
    );

    await signIn(page, api.url, 'agent.sep');
    const section = page.locator('#reduction');
    await expect.poll(() => section.textContent()).toContain(person.name);
    expect(await unlabelledFields(page)).toEqual([]);
    await screenshot(page, '30-employer-reduction');

    // A separation date in the future: the rule next to its field, nothing declared.
    await page.getByLabel('职工', { exact: true }).selectOption(personNumber);
    await page.getByLabel('失业时间（解除劳动关系证明记载）').fill(addDays(today, 2));
    await page.getByLabel('失业原因（解除劳动关系证明记载）').selectOption('employer_terminated');
    await page.getByRole('button', { name: '提交减员申报' }).click();
    await expect.poll(() => page.locator('#r-date-error').textContent()).toContain('不能晚于今天');
    await screenshot(page, '31-employer-reduction-error');

    await page.getByLabel('失业时间（解除劳动关系证明记载）').fill(addDays(today, -2));
    await page.getByRole('button', { name: '提交减员申报' }).click();
    await expect.poll(() => page.locator('#messages').textContent()).toContain('减员申报已办理');
    await expect.poll(() => section.textContent()).toContain('暂停参保');
    expect(await section.textContent()).toContain('用人单位解除劳动合同');
    await screenshot(page, '32-employer-reduction-done');

    // The claim notice letter, to print and hand over.
    await page.getByRole('link', { name: `打印 ${person.name} 的告知书` }).click();
    await expect.poll(() => page.locator('#letter').textContent()).toContain(`失业时间为 ${addDays(today, -2)}`);
    const letter = (await page.locator('#letter').textContent()) ?? '';
    expect(letter).toContain('网上服务平台、手机APP等线上方式申领失业保险金');
    expect(letter).toContain(ours.name);
    await screenshot(page, '33-claim-notice-letter');
    await signOut(page);
  });
});
