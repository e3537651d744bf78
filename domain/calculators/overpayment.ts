/**
 * Overpayment when a stop was found late (待遇退回, 规程 Art. 43): a beneficiary who met a stop condition (Art. 42) but
 * did not report it returns the unemployment benefit and other payments (medical-insurance premiums paid by the fund,
 * price subsidy, …) made for the months after the stop. The person reports in the month the stop occurs (Art. 42), so
 * the month of the stop is still due; every month after it is overpaid. The recovery notice gives 30 days to repay
 * (deadline parameter art43.repayment).
 */
import {
  addMonthsToMonth,
  assertIsoMonth,
  dueDate,
  monthOf,
  type IsoDate,
  type IsoMonth,
  type WorkdayCalendar,
} from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { assertFen, sumFen, type Fen } from '../money';
import { resolveParameter } from '../policy/resolve';
import type { PolicyData } from '../policy/schemas';

export const PAYMENT_KINDS = [
  'unemployment_benefit', // 失业保险金
  'medical_insurance_premium', // 代缴职工基本医疗保险费 (Art. 44)
  'price_subsidy', // 价格临时补贴 (Art. 45)
  'childbirth_subsidy', // 医疗补助金 (Art. 46)
  'other',
] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

export interface BenefitPayment {
  kind: PaymentKind;
  /** Month the payment is for. */
  month: IsoMonth;
  amountFen: Fen;
  reference?: string;
}

export interface OverpaymentInput {
  /** Date the stop condition occurred (e.g. re-employment). */
  stopDate: IsoDate;
  payments: readonly BenefitPayment[];
  /** Date the recovery notice was served, if it has been. */
  noticeServedOn?: IsoDate;
  /** A revoked determination: every month from this one was paid without entitlement (Art. 42, 43). */
  overpaidFromMonth?: IsoMonth;
}

export interface OverpaymentResult {
  /** First month whose payments are overpaid (the month after the stop). */
  overpaidFromMonth: IsoMonth;
  items: BenefitPayment[];
  byKind: Partial<Record<PaymentKind, Fen>>;
  totalFen: Fen;
  /** Last day to repay (notice + 30 days), when the notice date is given. */
  repaymentDueDate: IsoDate | null;
}

/** Art. 43 overpayment for a stop found late, on `determinationDate`. */
export function calculateOverpayment(
  input: OverpaymentInput,
  policy: PolicyData,
  determinationDate: IsoDate,
  calendar?: WorkdayCalendar,
): Calculation<OverpaymentResult> {
  for (const p of input.payments) {
    assertIsoMonth(p.month);
    assertFen(p.amountFen);
  }
  const x = new ExplanationBuilder();
  const stopMonth = monthOf(input.stopDate);
  if (input.overpaidFromMonth !== undefined) assertIsoMonth(input.overpaidFromMonth);
  const overpaidFromMonth = input.overpaidFromMonth ?? addMonthsToMonth(stopMonth, 1);
  const items = input.payments.filter((p) => p.month >= overpaidFromMonth).sort((a, b) => (a.month < b.month ? -1 : 1));
  x.step(
    'Art. 43',
    input.overpaidFromMonth === undefined
      ? '符合停发条件因未及时办理停领业务多领的失业保险金及其他待遇资金应退回：停发情形发生当月以后各月的发放为多领'
      : '待遇核定结果经核查有误予以撤销的，自核定有误之月起发放的失业保险金及其他待遇资金均应退回',
    { stopDate: input.stopDate, overpaidFromMonth, payments: input.payments.length },
    { stopMonth, overpaidMonths: [...new Set(items.map((i) => i.month))] },
  );

  const byKind: Partial<Record<PaymentKind, Fen>> = {};
  for (const i of items) byKind[i.kind] = (byKind[i.kind] ?? 0) + i.amountFen;
  const totalFen = sumFen(items.map((i) => i.amountFen));
  x.step('Art. 43', '多领金额合计（按待遇项目分列）', { items: items.length }, { byKind, totalFen });

  let repaymentDueDate: IsoDate | null = null;
  if (input.noticeServedOn !== undefined) {
    const deadline = resolveParameter(policy, 'deadline', 'art43.repayment', determinationDate);
    if (deadline.value.unit === 'dayOfMonth') throw new Error('art43.repayment must be a period, not a day of month');
    repaymentDueDate = dueDate(input.noticeServedOn, deadline.value, calendar);
    x.step(
      'Art. 43',
      '追返通知送达后，告知其30日内退还多领资金；逾期仍不退还的，依法提起民事诉讼',
      { noticeServedOn: input.noticeServedOn },
      repaymentDueDate,
      { parameters: [deadline] },
    );
  }
  return x.done({ overpaidFromMonth, items, byKind, totalFen, repaymentDueDate });
}
