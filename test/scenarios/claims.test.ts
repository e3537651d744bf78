/**
 * 失业保险金 end to end (Art. 11, 13, 32, 34-43): a person the simulators hold files online through the public API; the
 * case, its determination, the bank's ledger and the SMS outbox show what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPayDay } from '../../workflows/pay-day';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';

beforeAll(async () => {
  s = await startScenario({ name: 'claims' });
});
afterAll(async () => {
  await s?.close();
});

describe('失业保险金 (Art. 34-43)', () => {
  it('Art. 34, 38, 39: an eligible person is approved, told by SMS, and paid once on the pay day', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48);
    const res = await s.file(await s.claimFor(person!));
    expect(res.status).toBe(201);
    const caseNumber = res.body.caseNumber as string;
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    expect(view.status).toBe('approved');

    // The next pay day (the scenario clock is shared: other files may have moved it past this month's).
    const month = nextPayDay(await s.env.currentTimeMs()).month;
    await s.throughPayDay(caseNumber.split('-')[2]!, month);
    const paid = (await s.bankPayments(caseNumber)).filter((p) => p.result === 'paid');
    expect(paid).toHaveLength(1);
    const sms = await s.smsTo(person!.mobile);
    expect(sms.some((m) => m.text.includes('核定'))).toBe(true);
  });
});
