/**
 * The refunds page (退收退款, Art. 27; 待退费, Art. 64): the employer's agent applies online for a refund of one of its
 * staff for a month (a refused application's error next to its field), the case shown with the person masked and the
 * amount in 元; the reviewer's decision taken on the task; finance's list waiting for the fund with the case, the
 * employer's sum and the total. In Chinese, WCAG 2.1 AA checked on each state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { businessDateOf } from '../../domain/calendar';
import { eventually } from '../support/wait';
import { userWithToken } from '../support/users';
import { registrationBody, type SimEmployer } from '../scenarios/employers';
import { screenshot, signIn, signOut, SKIP } from './support';
import { startRegisterServers, type RegisterServers } from './servers';

let servers: RegisterServers;
let page: Page;

describe.skipIf(SKIP)('the refunds page (Art. 27, 64)', () => {
  beforeAll(async () => {
    servers = await startRegisterServers('browser-refunds');
    page = servers.browser.page;
  });
  afterAll(async () => {
    await servers?.close();
  });

  it('takes an employer’s refund of a person’s month, shows it masked in 元, and lists it for finance once reviewed (Art. 27, 64)', async () => {
    const { sim, tdb, api } = servers;
    // A Shenyang employer with a member of staff, and that person's last month paid there.
    const employers = (await sim.admin<{ items: SimEmployer[] }>('GET', '/employers?limit=200&filter=good_credit'))
      .items;
    let ours: SimEmployer | undefined;
    let idNumber = '';
    for (const e of employers.filter((x) => x.agencyDivisionCode === '210100')) {
      const staff = await sim.clients.tax.getEmployerStaff(e.uscc);
      const open = staff?.staff.find((p) => p.endDate === null);
      if (open) [ours, idNumber] = [e, open.idNumber];
      if (ours) break;
    }
    const paid = (await sim.clients.tax.getPersonContributions(idNumber)).records
      .filter((r) => r.employerUscc === ours!.uscc)
      .sort((a, b) => a.month.localeCompare(b.month))
      .at(-1)!;
    const agent = await userWithToken(tdb.db, api.url, {
      username: 'agent.refund',
      displayName: '单位经办人',
      agencyCode: '210100',
      roles: ['employer_agent'],
      employerUscc: ours!.uscc,
    });
    const tax = await sim.clients.tax.getEmployer(ours!.uscc);
    const registered = await fetch(`${api.url}/employers`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      body: JSON.stringify(
        registrationBody(ours!, {
          foundedOn: tax!.registeredDate,
          insuredSince: businessDateOf(new Date()),
          sequence: 7,
          agentPhone: '13900000007',
        }),
      ),
    });
    expect(registered.status).toBe(201);
    const reviewer = await userWithToken(tdb.db, api.url, {
      username: 'reviewer.refund',
      agencyCode: '210100',
      roles: ['reviewer'],
    });
    await userWithToken(tdb.db, api.url, {
      username: 'finance.refund',
      displayName: '财务',
      agencyCode: '210100',
      roles: ['finance'],
    });

    await signIn(page, api.url, 'agent.refund', '/app/refunds');
    await page.goto(`${api.url}/app/refunds`);
    await page.locator('#apply').waitFor();
    await screenshot(page, '40-refunds-apply');

    // A month with no record at the employer: refused next to its field, in Chinese.
    await page.getByLabel('退费原因').fill('职工离职当月多缴');
    await page.getByLabel('退费人员及费款所属期').fill(`${idNumber} 2001-01`);
    await page.getByRole('button', { name: '提交退费申请' }).click();
    const summary = page.locator('.error-summary');
    await expect.poll(() => summary.isVisible()).toBe(true);
    expect(await summary.textContent()).toContain('没有 2001-01 的缴费记录');
    await screenshot(page, '41-refunds-apply-refused');

    // The month paid: taken, the case shown with the person masked and the amount in 元.
    await page.getByLabel('退费人员及费款所属期').fill(`${idNumber} ${paid.month}`);
    await page.getByRole('button', { name: '提交退费申请' }).click();
    const detail = page.locator('#detail');
    await expect.poll(() => detail.isVisible()).toBe(true);
    const shown = (await detail.textContent()) ?? '';
    expect(shown).not.toContain(idNumber);
    expect(shown).toContain(paid.month);
    expect(shown).toContain('元');
    const caseNumber = /TFK-\d{4}-\d{6}-[0-9A-Z]{10}/.exec(shown)![0];
    await screenshot(page, '42-refunds-case');
    await signOut(page);

    // The reviewer's decision on its task (审核通过后按照退费流程办理).
    const [task] = await eventually(
      () => tdb.sql<{ id: string }>("SELECT id FROM task WHERE case_number = $1 AND status = 'open'", [caseNumber]),
      (rows) => rows.length > 0,
      300,
    );
    const done = await fetch(`${api.url}/tasks/${task!.id}/complete`, {
      method: 'POST',
      headers: { ...reviewer.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ form: { decision: 'approve' } }),
    });
    expect(done.status).toBe(200);
    await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM refund_case WHERE case_number = $1', [caseNumber]),
      (rows) => rows[0]?.status === 'awaiting_fund',
      300,
    );

    // Finance: the case waiting for the fund, the employer's sum and the total in 元.
    await signIn(page, api.url, 'finance.refund', '/app/refunds');
    await page.goto(`${api.url}/app/refunds`);
    const fund = page.locator('#fund');
    await expect.poll(() => fund.textContent()).toContain(caseNumber);
    const text = (await fund.textContent()) ?? '';
    expect(text).toContain('第六十四条');
    expect(text).toContain(ours!.name);
    expect(await page.locator('#fund-total').textContent()).toMatch(/共 1 件，合计 .*元/);
    await screenshot(page, '43-refunds-awaiting-fund');
    await signOut(page);
  });
});
