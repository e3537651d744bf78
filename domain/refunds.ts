/**
 * 退收退款 (Art. 27): whether a refund of contributions may be made, person-month by person-month. One verdict for
 * both ways a refund comes (a whole-month request passed on by tax, a refund for individual persons applied for at the
 * agency), judged on the agency's own records, never on what the employer or tax declare:
 *
 * | fact in the agency's records | rule | the month may not be refunded when |
 * | --- | --- | --- |
 * | unemployment benefit paid (the payment ledger) | `benefits_received` | a month paid is the refund month or later |
 * | a benefit period (its determination counted the months before it) | `benefits_received` | it starts in the refund month or later |
 * | a move to an employer of another agency (系统内转入 there, Art. 51) or a transfer letter out (Art. 54, 55) | `transferred_out` | on or after the first day of the refund month |
 *
 * 规程 Art. 27: 退费人员已有领取失业保险待遇、失业保险关系转移等后续业务发生不能办理退费的，及时反馈税务部门. Pure.
 */

export type RefundRefusalRule = 'benefits_received' | 'transferred_out';

/** The reasons as told to tax and to the employer, in the 规程's words. */
export const REFUND_REFUSAL_REASONS: Record<RefundRefusalRule, string> = {
  benefits_received: '退费人员已有领取失业保险待遇的后续业务发生，不能办理退费（第二十七条）',
  transferred_out: '退费人员已有失业保险关系转移的后续业务发生，不能办理退费（第二十七条）',
};

/** What the agency's records say of one person (by ID number), gathered by the activity. */
export interface RefundPersonFacts {
  /** Months (YYYY-MM) of unemployment benefit paid (status paid in the ledger). */
  benefitMonthsPaid: readonly string[];
  /** Start dates (YYYY-MM-DD) of the person's benefit periods not revoked. */
  benefitPeriodStarts: readonly string[];
  /** Dates (YYYY-MM-DD) the person's insurance relation moved out: to another agency, or by a transfer letter. */
  transfersOut: readonly string[];
}

export interface RefundItemInput {
  idNumber: string;
  /** 费款所属期, YYYY-MM */
  month: string;
  amountFen: number;
}

export interface RefundItemVerdict extends RefundItemInput {
  refusal: { rule: RefundRefusalRule; reason: string; detail: string } | null;
}

export interface RefundVerdict {
  /** accepted: every person-month may be refunded; refused: at least one may not (Art. 27: 不能办理退费). */
  verdict: 'accepted' | 'refused';
  items: RefundItemVerdict[];
  /** The amount that may be refunded: the total when accepted, 0 when refused. */
  acceptedFen: number;
  article: '27';
}

const NO_FACTS: RefundPersonFacts = { benefitMonthsPaid: [], benefitPeriodStarts: [], transfersOut: [] };

/** The first later-or-equal fact that stops the refund of `month`, if any. */
export function refusalOf(
  month: string,
  facts: RefundPersonFacts,
): { rule: RefundRefusalRule; reason: string; detail: string } | null {
  const paid = [...facts.benefitMonthsPaid].filter((m) => m >= month).sort()[0];
  if (paid !== undefined) {
    return {
      rule: 'benefits_received',
      reason: REFUND_REFUSAL_REASONS.benefits_received,
      detail: `已领取${paid}失业保险金`,
    };
  }
  const period = [...facts.benefitPeriodStarts].filter((d) => d.slice(0, 7) >= month).sort()[0];
  if (period !== undefined) {
    return {
      rule: 'benefits_received',
      reason: REFUND_REFUSAL_REASONS.benefits_received,
      detail: `已核定领取失业保险金，领取期自${period}起`,
    };
  }
  const moved = [...facts.transfersOut].filter((d) => d >= `${month}-01`).sort()[0];
  if (moved !== undefined) {
    return {
      rule: 'transferred_out',
      reason: REFUND_REFUSAL_REASONS.transferred_out,
      detail: `${moved}失业保险关系已转移`,
    };
  }
  return null;
}

/**
 * The verdict of a refund (Art. 27): each person-month judged on the person's facts; refused when any of them may
 * not be refunded (a whole-month request is answered as a whole; the reasons name the persons).
 */
export function refundVerdict(
  items: readonly RefundItemInput[],
  factsOf: (idNumber: string) => RefundPersonFacts | undefined,
): RefundVerdict {
  const judged = items.map((i) => ({ ...i, refusal: refusalOf(i.month, factsOf(i.idNumber) ?? NO_FACTS) }));
  const refused = judged.some((i) => i.refusal !== null);
  return {
    verdict: refused ? 'refused' : 'accepted',
    items: judged,
    acceptedFen: refused ? 0 : judged.reduce((s, i) => s + i.amountFen, 0),
    article: '27',
  };
}
