/**
 * When the money comes (Art. 39, 63; issue 21 item 2): an approved claim says its first pay day in the approval SMS;
 * the case (staff and applicant) shows the benefit period, the months paid and left, the next pay day and its amount,
 * and reads 发放中 while it pays; the public lookup says the same without anything about the person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPayDay, payDayOf } from '../../contracts/pay-day';
import { shanghaiDate } from '../../domain/business-time';
import { launchBrowser, screenshot, SKIP, signIn } from '../browser/support';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ name: 'pay-dates' });
});
afterAll(async () => {
  await s?.close();
});

const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';

describe('pay dates (Art. 39, 63)', () => {
  it('Art. 39, 63: the approval SMS names the first pay day; the case shows 发放中, months paid and left, the next pay day and amount, before and after it', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const caseNumber = await s.approvedClaim(person!);
    const agency = s.agencyOf(caseNumber);
    const view = await s.caseView(caseNumber);
    const period = view.benefit.periodDetail;
    const now = await s.env.currentTimeMs();
    const startMonth = period.startDate.slice(0, 7);
    const run = nextPayDay(now).month;
    const firstPayDate = shanghaiDate(payDayOf(run > startMonth ? run : startMonth));

    expect(view.statusLabel).toBe('发放中');
    expect(view.benefit.label).toBe('发放中');
    expect(period).toMatchObject({ periodId: `${caseNumber}.P`, monthsPaid: 0, monthsRemaining: period.months });
    expect(period.nextPayment.date).toBe(firstPayDate);
    expect(period.nextPayment.months[0]).toBe(startMonth);
    expect(period.nextPayment.amountFen).toBe(period.monthlyAmountFen * period.nextPayment.months.length);
    const approval = (await s.smsTo(person!.mobile)).find((m) => m.text.includes('已核定'));
    expect(approval?.text).toContain(`首次发放日为${firstPayDate}`);

    // The applicant sees the same, and the public lookup says when money comes, nothing about the person.
    const own = await s.call('GET', `/cases/${caseNumber}`, { headers: await s.applicant(person!) });
    expect(own.body.benefit.periodDetail.nextPayment).toEqual(period.nextPayment);
    const lookup = await s.call('POST', '/public/claim-status', {
      body: { caseNumber, idNumber: person!.idNumber },
    });
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      statusLabel: '发放中',
      payment: { monthsPaid: 0, nextPayDate: firstPayDate, nextAmountFen: period.nextPayment.amountFen },
    });

    // After the pay day: what the bank paid is counted, and the next pay day is a month on.
    const month = await s.nextPayDay(agency);
    const paid = (await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid');
    expect(paid.length).toBeGreaterThanOrEqual(1);
    const after = (await s.caseView(caseNumber)).benefit.periodDetail;
    expect(after.monthsPaid).toBe(paid.length);
    expect(after.monthsRemaining).toBe(period.months - paid.length);
    expect(after.nextPayment.date > shanghaiDate(payDayOf(month))).toBe(true);

    // The clerk's case page and the public lookup page say it in Chinese.
    if (SKIP) return;
    const browser = await launchBrowser();
    try {
      const page = browser.page;
      await s.staffOf(agency);
      await signIn(page, s.api.url, `reviewer.${agency}`, `/app/case?n=${caseNumber}`);
      await page.locator('#payments dl.facts').waitFor();
      const payments = await page.locator('#payments').innerText();
      expect(payments).toContain(`已发放\n${paid.length} 个月`);
      expect(payments).toContain(after.nextPayment.date);
      await screenshot(page, 'pay-dates-case');
      await page.goto(`${s.api.url}/app/public`);
      await page.getByLabel('案件编号').fill(caseNumber);
      await page.getByLabel('身份证件号码').fill(person!.idNumber);
      await page.getByRole('button', { name: '查询' }).click();
      await page.locator('#result dl').waitFor();
      expect(await page.locator('#result').innerText()).toContain(`下次发放日 ${after.nextPayment.date}`);
      await screenshot(page, 'pay-dates-public');
    } finally {
      await browser.close();
    }
  });
});
