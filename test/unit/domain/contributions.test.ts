import { describe, expect, it } from 'vitest';
import { latestPerKey, reconcile, receiptFollowsMonth } from '../../../domain/contributions';
import { contributionRow as row } from '../../support/contributions';

describe('contribution records (Art. 24, 25)', () => {
  it('keeps one record per person, employer and month: the item tax sent last (Art. 25)', () => {
    const kept = latestPerKey([
      row({ taxSeq: 12, amountPaidFen: 6000 }),
      row({ taxSeq: 11 }),
      row({ month: '2025-04' }),
    ]);
    expect(kept).toHaveLength(2);
    expect(kept.find((r) => r.month === '2025-03')!.amountPaidFen).toBe(6000);
  });

  it('a receipt before its contribution month is a garbled row (Art. 24)', () => {
    expect(receiptFollowsMonth('2025-03', '2025-02-28')).toBe(false);
    expect(receiptFollowsMonth('2025-03', '2025-03-01')).toBe(true);
  });

  it('lists each employer-month whose records do not add up to tax totals, a missing one as zeros (Art. 24, 25)', () => {
    const t = { insuredCount: 2, baseTotalFen: 1_000_000, amountPaidTotalFen: 10_000 };
    const d = reconcile(
      [
        { employerUscc: 'A', month: '2025-03', ...t },
        { employerUscc: 'A', month: '2025-04', ...t, insuredCount: 1, amountPaidTotalFen: 5_000 },
      ],
      [
        { employerUscc: 'A', month: '2025-03', ...t },
        { employerUscc: 'A', month: '2025-04', ...t },
        { employerUscc: 'B', month: '2025-04', ...t },
      ],
    );
    expect(d.map((x) => `${x.employerUscc}/${x.month}`)).toEqual(['A/2025-04', 'B/2025-04']);
    expect(d[1]!.kept).toEqual({ insuredCount: 0, baseTotalFen: 0, amountPaidTotalFen: 0 });
  });
});
