/**
 * 纠错机制 (Art. 79, 80) end to end: a suspicious item the audit team confirms holds the payments it concerns out of
 * the city's pay run until another person decides its rectification; released, each month is paid once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOutcome } from '../../simulators/simulator';
import { addToMonth } from '../../domain/business-time';
import { nextPayDay } from '../../contracts/pay-day';
import { eventually } from '../support/wait';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';

beforeAll(async () => {
  s = await startScenario({ name: 'monitoring-holds' });
});
afterAll(async () => {
  await s?.close();
});

/** An account of nobody the bank knows, which it pays. */
function payingAccount(): string {
  for (let i = 1; ; i++) {
    const candidate = `622202${String(40_000_000_000 + i * 7919).padStart(13, '0')}`;
    if (accountOutcome(candidate) === 'paid') return candidate;
  }
}

describe('纠错机制 (Art. 80)', () => {
  it('Art. 80: a confirmed monitoring finding keeps the payments it concerns out of the pay run until released, then each is paid once', async () => {
    const staff = await s.staffOf(CITY);
    // Two beneficiaries paid to one account (Art. 39: the person's own card or account): the sharedBankAccount rule.
    const account = payingAccount();
    const claims: string[] = [];
    for (const person of await s.peopleIn(CITY, CLEAN, 2)) {
      claims.push(
        await s.approvedClaim(person, (c) => ({
          ...c,
          payment: { method: 'bank_account', bankName: '中国工商银行', accountNumber: account },
        })),
      );
    }
    const first = (await s.today()).slice(0, 7);
    for (const c of claims) {
      await eventually(
        () => s.tdb.sql("SELECT 1 FROM payable WHERE period_id = $1 AND status = 'pending'", [`${c}.P`]),
        (r) => r.length > 0,
      );
    }

    // Art. 79: the rules run; the item names both cases.
    const run = await s.call('POST', '/monitoring/runs', { headers: staff.auditor.headers });
    expect(run.status).toBe(202);
    await eventually(
      () => s.call('GET', `/monitoring/runs/${run.body.runId}`, { headers: staff.auditor.headers }),
      (r) => r.body?.status === 'completed',
    );
    const items = await s.call('GET', '/monitoring/items?rule=sharedBankAccount', { headers: staff.auditor.headers });
    const item = items.body.items.find((i: any) => claims.every((c) => i.details.caseNumbers.includes(c)));
    expect(item).toBeDefined();

    // Art. 79 para 2, 80: the audit team confirms it, with the rectification opinion.
    const confirmed = await s.complete(item.caseNumber, 'monitoring_verification', 'auditor', {
      decision: 'confirmed',
      reasons: ['两名领金人员使用同一银行账户，经查阅原始档案属实'],
      rectification: '暂停向该账户发放，核实后由本人社会保障卡领取',
    });
    expect(confirmed.status).toBe(200);

    // The next pay day: nothing of theirs goes to the bank.
    const payDay = nextPayDay(await s.env.currentTimeMs()).month;
    await s.throughPayDay(CITY, payDay);
    for (const c of claims) expect(await s.bankPayments(c)).toEqual([]);

    // The hold is on the cases, and in finance's funds request (Art. 62), not in what is asked for.
    for (const c of claims) {
      const view = await s.caseView(c);
      expect(view.holds).toEqual([expect.objectContaining({ itemCaseNumber: item.caseNumber, status: 'held' })]);
    }
    const funds = await s.call('GET', `/finance/funds-request?agencyCode=${CITY}&month=${payDay}`, {
      headers: staff.finance.headers,
    });
    expect(funds.status).toBe(200);
    const benefit = funds.body.kinds.find((k: any) => k.kind === 'unemployment_benefit');
    expect(benefit.held.count).toBeGreaterThanOrEqual(2);

    // Art. 80 按程序报批: another person decides; the auditor who confirmed cannot.
    const selfDecided = await s.complete(item.caseNumber, 'monitoring_rectification', 'auditor', {
      decision: 'release',
      reasons: ['两人为夫妻，共用账户经本人书面同意'],
    });
    expect(selfDecided.status).toBeGreaterThanOrEqual(400);
    const released = await s.complete(item.caseNumber, 'monitoring_rectification', 'approver', {
      decision: 'release',
      reasons: ['两人为夫妻，共用账户经本人书面同意'],
    });
    expect(released.status).toBe(200);

    // Released: paid with the next run, each month once.
    const next = addToMonth(payDay, 1);
    await s.throughPayDay(CITY, next);
    for (const c of claims) {
      const paid = (await s.bankPayments(c)).filter((p) => p.result === 'paid' && p.paymentId.includes('.UB.'));
      const months = paid.map((p) => p.paymentId.split('.UB.')[1]!.slice(0, 6));
      expect(months).toContain(first.replace('-', ''));
      expect(new Set(months).size).toBe(months.length);
      const view = await s.caseView(c);
      expect(view.holds).toEqual([expect.objectContaining({ itemCaseNumber: item.caseNumber, status: 'released' })]);
    }
  });
});
