/**
 * 补收补缴 (Art. 26) on the employer agent's page: the agent applies online for owed months, the case shows the
 * assessment per month (养老保险缴费基数, 参保人数, the rates, 滞纳金) in 元 and its status, in Chinese, WCAG 2.1 AA
 * checked; a month tax records as paid is refused naming it. The assessment is made by the case's own activity (no
 * worker runs here).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import type { Page } from 'playwright-core';
import { backPaymentActivities } from '../../activities/back-payment';
import { loadPolicyData } from '../../policy/load';
import { staticPolicyStore } from '../../lib/policy-store';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, uniqueTaskQueue } from '../support/temporal';
import { userWithToken } from '../support/users';
import { startSimulator, type RunningSimulator } from '../sources/support';
import { launchBrowser, screenshot, signIn, signOut, SKIP, type Browser } from './support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let api: RunningApi;
let browser: Browser;
let page: Page;
const taskQueue = uniqueTaskQueue('browser-back-payment');

describe.skipIf(SKIP)('the back payment on the agent’s page (Art. 26)', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    page = browser.page;
    env = await devServerEnv();
    tdb = await createTestDatabase();
    sim = await startSimulator();
    api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue, tax: sim.clients.tax });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await sim?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  it('applies online for owed months and shows the assessment per month with the late fee, in Chinese (Art. 26)', async () => {
    const { items } = await sim.admin<{ items: { uscc: string; agencyDivisionCode: string }[] }>(
      'GET',
      '/employers?limit=50&filter=recent_arrears',
    );
    let uscc = '';
    let owed: string[] = [];
    for (const e of items) {
      const a = await sim.clients.tax.getEmployerArrears(e.uscc);
      owed = (a?.months ?? []).filter((m) => m.insuredCount > 0).map((m) => m.month);
      if (owed.length) {
        uscc = e.uscc;
        await userWithToken(tdb.db, api.url, {
          username: 'agent.backpay',
          displayName: '单位经办人',
          agencyCode: e.agencyDivisionCode,
          roles: ['employer_agent'],
          employerUscc: uscc,
        });
        break;
      }
    }
    expect(uscc).not.toBe('');

    await signIn(page, api.url, 'agent.backpay', '/app/back-payment');
    await page.goto(`${api.url}/app/back-payment`);
    await page.locator('#apply').waitFor();
    expect(await page.getByLabel('统一社会信用代码').inputValue()).toBe(uscc);
    // A month tax records as paid: refused, naming it.
    await page.getByLabel('欠费的费款所属期').fill('2001-01');
    await page.getByRole('button', { name: '提交补缴申请' }).click();
    await expect
      .poll(async () => (await page.locator('#apply').textContent()) ?? '', { timeout: 15_000 })
      .toContain('2001-01');
    await screenshot(page, '40-back-payment-refused-month');

    await page.getByLabel('欠费的费款所属期').fill(owed.join(', '));
    await page.getByRole('button', { name: '提交补缴申请' }).click();
    const detail = page.locator('#detail');
    await expect.poll(() => detail.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(async () => (await detail.textContent()) ?? '', { timeout: 15_000 })
      .toContain('经办机构正在核定欠费');
    const [row] = await tdb.sql<{ case_number: string }>('SELECT case_number FROM back_payment');
    const caseNumber = row!.case_number;
    expect(await detail.textContent()).toContain(caseNumber);

    // The case's assessment, as its activity makes it.
    const acts = backPaymentActivities({
      db: tdb.db,
      sources: sim.clients,
      policy: staticPolicyStore(loadPolicyData()),
    });
    const a: { totalFen: number } = await new MockActivityEnvironment().run(acts.assessBackPaymentCase, {
      caseNumber,
      at: new Date().toISOString(),
    });
    await page.reload();
    await page.getByRole('button', { name: `查看${caseNumber}` }).click();
    await expect.poll(async () => (await detail.textContent()) ?? '', { timeout: 15_000 }).toContain('欠费核定');
    const text = (await detail.textContent()) ?? '';
    for (const word of ['养老保险缴费基数合计', '参保人数', '失业保险缴费比例', '滞纳金', '应一次性全额补足', '未核实'])
      expect(text).toContain(word);
    expect((await page.locator('#bp-total').textContent())?.replace(/,/g, '')).toBe(
      `${(a.totalFen / 100).toFixed(2)} 元`,
    );
    await expect.poll(() => page.locator('#detail tbody tr').count()).toBeGreaterThanOrEqual(owed.length);
    await screenshot(page, '41-back-payment-assessed');
    await signOut(page);
  });
});
