/**
 * The employer agent's page shows the company's contribution records (Art. 23 缴费人员明细, Art. 25 单位缴费信息) as the
 * agency keeps them: the months with headcount, bases and amounts in 元, and a month's staff with masked identity
 * numbers; in Chinese, WCAG 2.1 AA checked; another company's records never shown.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Page } from 'playwright-core';
import { contributionRowOf, storeContributionRecords } from '../../activities/contributions';
import { sqlOf } from '../../lib/db';
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
const taskQueue = uniqueTaskQueue('browser-contributions');

describe.skipIf(SKIP)('the staff’s contribution records on the agent’s page (Art. 23, 25)', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    page = browser.page;
    env = await devServerEnv();
    tdb = await createTestDatabase();
    sim = await startSimulator();
    api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await sim?.close();
    await tdb?.drop();
    await env?.teardown();
  });

  it('lists the company’s months and a month’s staff in Chinese, identity numbers masked (Art. 23, 25)', async () => {
    // An employer with staff: their records as the sync would have stored them.
    const { items } = await sim.admin<{ items: { uscc: string }[] }>('GET', '/employers?limit=20&filter=good_credit');
    let uscc = '';
    let staff: string[] = [];
    for (const e of items) {
      const s = await sim.clients.tax.getEmployerStaff(e.uscc);
      if ((s?.staff.length ?? 0) >= 2) {
        uscc = e.uscc;
        staff = [...new Set(s!.staff.map((m) => m.idNumber))];
        break;
      }
    }
    for (const idNumber of staff) {
      const { records } = await sim.clients.tax.getPersonContributions(idNumber);
      await storeContributionRecords(
        sqlOf(tdb.db),
        records.map((r) => contributionRowOf(idNumber, r, null)),
        { source: 'person_pull', sourceRun: 'browser-test' },
      );
    }
    const months = (await sim.clients.tax.getEmployerContributions(uscc))!.months;
    const last = months.at(-1)!;
    await userWithToken(tdb.db, api.url, {
      username: 'agent.contrib',
      displayName: '单位经办人',
      agencyCode: '210100',
      roles: ['employer_agent'],
      employerUscc: uscc,
    });

    await signIn(page, api.url, 'agent.contrib');
    const section = page.locator('#contributions');
    await expect.poll(() => section.textContent()).toContain(last.month);
    const text = (await section.textContent()) ?? '';
    for (const word of ['费款所属期', '缴费人数', '缴费基数总额', '实际缴费金额', '到账日期'])
      expect(text).toContain(word);
    await screenshot(page, '30-employer-contributions');

    await page.getByRole('button', { name: `查看${last.month}缴费人员明细` }).click();
    const detail = page.locator('#contribution-staff');
    await expect.poll(() => detail.isVisible()).toBe(true);
    await expect.poll(() => page.locator('#contribution-staff tbody tr').count()).toBe(last.insuredCount);
    const shown = (await detail.textContent()) ?? '';
    for (const idNumber of staff) expect(shown).not.toContain(idNumber);
    expect(shown).toMatch(/\*{4,}/);
    await screenshot(page, '31-employer-contribution-staff');
    await signOut(page);
  });
});
