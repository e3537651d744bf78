import { describe, expect, it } from 'vitest';
import { REFUND_REFUSAL_REASONS, refundVerdict, type RefundPersonFacts } from '../../../domain/refunds';

const none: RefundPersonFacts = { benefitMonthsPaid: [], benefitPeriodStarts: [], transfersOut: [] };
const facts = (f: Partial<RefundPersonFacts>) => ({ ...none, ...f });

describe('退收退款 verdict (Art. 27)', () => {
  it('accepts a month when nobody has received benefits or moved since (Art. 27)', () => {
    const v = refundVerdict(
      [
        { idNumber: 'A', month: '2026-08', amountFen: 1234 },
        { idNumber: 'B', month: '2026-08', amountFen: 766 },
      ],
      () => facts({ benefitMonthsPaid: ['2026-07'], transfersOut: ['2026-07-31'] }),
    );
    expect(v.verdict).toBe('accepted');
    expect(v.acceptedFen).toBe(2000);
    expect(v.items.every((i) => i.refusal === null)).toBe(true);
  });

  it('refuses when a person was paid benefits for the month or later, naming that person (Art. 27)', () => {
    const v = refundVerdict(
      [
        { idNumber: 'A', month: '2026-08', amountFen: 1000 },
        { idNumber: 'B', month: '2026-08', amountFen: 1000 },
      ],
      (id) => (id === 'B' ? facts({ benefitMonthsPaid: ['2026-10'] }) : undefined),
    );
    expect(v.verdict).toBe('refused');
    expect(v.acceptedFen).toBe(0);
    expect(v.items.find((i) => i.idNumber === 'A')!.refusal).toBeNull();
    expect(v.items.find((i) => i.idNumber === 'B')!.refusal).toMatchObject({
      rule: 'benefits_received',
      reason: REFUND_REFUSAL_REASONS.benefits_received,
      detail: '已领取2026-10失业保险金',
    });
  });

  it('refuses a month a benefit period starting then or later was determined on (Art. 27, 38)', () => {
    const v = refundVerdict([{ idNumber: 'A', month: '2026-08', amountFen: 1 }], () =>
      facts({ benefitPeriodStarts: ['2026-11-06'] }),
    );
    expect(v.items[0]!.refusal?.rule).toBe('benefits_received');
    const before = refundVerdict([{ idNumber: 'A', month: '2026-12', amountFen: 1 }], () =>
      facts({ benefitPeriodStarts: ['2026-11-06'] }),
    );
    expect(before.verdict).toBe('accepted');
  });

  it('refuses when the relation was transferred out on or after the first day of the month (Art. 27)', () => {
    const v = refundVerdict([{ idNumber: 'A', month: '2026-08', amountFen: 1 }], () =>
      facts({ transfersOut: ['2026-08-01'] }),
    );
    expect(v.items[0]!.refusal).toMatchObject({ rule: 'transferred_out', detail: '2026-08-01失业保险关系已转移' });
  });
});
