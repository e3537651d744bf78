import { describe, expect, it } from 'vitest';
import { assessBackPayment, daysAfter, divideHalfUp, lastDayOfMonthAfter } from '../../../domain/back-payment';

const rate = (rateBp: number) => ({
  rateBp,
  effectiveFrom: '2016-05-01',
  document: 'doc',
  article: 'a',
  confirmed: false,
});
const rules = { dueMonthsAfter: 1, lateFeeDailyBp: 5, lateFeeConfirmed: true, dueDateConfirmed: false };

describe('back payment assessment (Art. 26, 社会保险法 Art. 86)', () => {
  it('rounds each share half up to the fen and counts the late fee per calendar day after the due date (Art. 26)', () => {
    const a = assessBackPayment(
      [
        {
          month: '2026-01',
          // 333333 fen × 0.5 % = 1666.665 → 1667; 100001 × 0.5 % = 500.005 → 500
          persons: [
            { idNumber: 'B', baseFen: 333_333 },
            { idNumber: 'A', baseFen: 100_001 },
          ],
          employerRate: rate(50),
          personRate: rate(50),
        },
      ],
      rules,
      '2026-03-10',
    );
    const m = a.months[0]!;
    expect(m).toMatchObject({ insuredCount: 2, baseTotalFen: 433_334, employerShareFen: 2167, personShareFen: 2167 });
    expect(m.amountFen).toBe(4334);
    expect(m.dueDate).toBe('2026-02-28');
    expect(m.lateDays).toBe(10);
    // 4334 × 5 × 10 / 10000 = 21.67 → 22
    expect(m.lateFeeFen).toBe(22);
    expect(a.totalFen).toBe(4356);
    expect(a.persons.map((p) => p.idNumber)).toEqual(['A', 'B']);
  });

  it('charges no late fee before the due date has passed (Art. 26)', () => {
    const a = assessBackPayment(
      [
        {
          month: '2026-02',
          persons: [{ idNumber: 'A', baseFen: 500_000 }],
          employerRate: rate(150),
          personRate: rate(50),
        },
      ],
      rules,
      '2026-03-31',
    );
    expect(a.months[0]).toMatchObject({ employerShareFen: 7500, personShareFen: 2500, lateDays: 0, lateFeeFen: 0 });
  });

  it('computes due dates across a year end and half-up division', () => {
    expect(lastDayOfMonthAfter('2025-12', 1)).toBe('2026-01-31');
    expect(lastDayOfMonthAfter('2024-01', 1)).toBe('2024-02-29');
    expect(daysAfter('2026-01-31', '2026-03-01')).toBe(29);
    expect(divideHalfUp(5, 10)).toBe(1);
    expect(divideHalfUp(4, 10)).toBe(0);
  });
});
