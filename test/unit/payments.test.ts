import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { idempotencyKeySchema } from '../../integrations/schemas';
import { batchIdFor, medicalAgencyName, paymentIdFor } from '../../activities/payments';
import { addMonths, nextPayDay, payDayOf } from '../../contracts/pay-day';

describe('the pay day (Art. 63: funds by the 10th, paid by the 15th)', () => {
  it('is the 10th at 09:00 Asia/Shanghai (01:00 UTC)', () => {
    expect(new Date(payDayOf('2026-12')).toISOString()).toBe('2026-12-10T01:00:00.000Z');
  });

  it("is this month's while it is ahead, else next month's, across the new year", () => {
    const at = (iso: string) => nextPayDay(Date.parse(iso));
    expect(at('2026-12-01T00:00:00+08:00').month).toBe('2026-12');
    expect(at('2026-12-10T08:59:59.999+08:00').month).toBe('2026-12');
    expect(at('2026-12-10T09:00:00+08:00').month).toBe('2027-01');
    expect(at('2026-12-31T23:30:00+08:00').month).toBe('2027-01');
    // 2026-11-30 17:00 UTC is already 1 December in Shanghai.
    expect(at('2026-11-30T17:00:00Z')).toEqual({ month: '2026-12', at: payDayOf('2026-12') });
  });

  it('always lies ahead, within about a month', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), (now) => {
        const { month, at } = nextPayDay(now);
        expect(at).toBeGreaterThan(now);
        expect(at - now).toBeLessThanOrEqual(32 * 86_400_000);
        expect(payDayOf(addMonths(month, -1))).toBeLessThanOrEqual(now);
      }),
    );
  });
});

describe('payment and batch IDs (Art. 39: idempotent by payment ID, no personal data)', () => {
  it('derive from the period, kind, month and attempt', () => {
    expect(paymentIdFor('SYJ-2026-210100-7K3M9Q2XHD.P1', 'unemployment_benefit', '2026-12', 2)).toBe(
      'SYJ-2026-210100-7K3M9Q2XHD.P1.UB.202612.2',
    );
    expect(paymentIdFor('SYJ-2026-210100-7K3M9Q2XHD.P1', 'medical_premium', '2026-12', 1)).toBe(
      'SYJ-2026-210100-7K3M9Q2XHD.P1.MP.202612.1',
    );
    expect(batchIdFor('payment-run-210100-2026-12', 3)).toBe('payment-run-210100-2026-12.b3');
  });

  it('are always valid bank keys (≤ 64 of [A-Za-z0-9_.:-]) and distinct per attempt, whatever the period ID', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.integer({ min: 1, max: 999 }), (periodId, attempt) => {
        const id = paymentIdFor(periodId, 'unemployment_benefit', '2026-12', attempt);
        expect(idempotencyKeySchema.safeParse(id).success).toBe(true);
        expect(id).not.toBe(paymentIdFor(periodId, 'unemployment_benefit', '2026-12', attempt + 1));
        expect(id).not.toBe(paymentIdFor(periodId, 'medical_premium', '2026-12', attempt));
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), fc.integer({ min: 1, max: 9999 }), (runId, batch) => {
        const id = batchIdFor(runId, batch);
        expect(idempotencyKeySchema.safeParse(id).success).toBe(true);
        expect(id).not.toBe(batchIdFor(runId, batch + 1));
      }),
    );
  });

  it("names the city's medical insurance agency as the premiums' payee (Art. 44)", () => {
    expect(medicalAgencyName('沈阳市失业保险经办机构')).toBe('沈阳市医疗保险经办机构');
  });
});
