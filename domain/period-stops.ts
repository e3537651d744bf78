/**
 * 停发 (Art. 42) and 待遇退回 (Art. 43) as the claim's case shows them, in the 规程's words: who found a stop, where a
 * recovery stands, and the benefit's state beside the claim's own status (a claim approved and then stopped is still
 * 审核通过; its benefit is 已停发, 追回中).
 */

/** Where a recovery stands (workflows/overpayment-recovery.ts). */
export const RECOVERY_STATUS_LABELS: Record<string, string> = {
  opening: '正在核算多领金额',
  awaiting_delivery: '待送达追回通知',
  awaiting_repayment: '待退回',
  litigation: '逾期未退回，依法提起民事诉讼',
  repaid: '已全部退回',
  closed: '已办结',
};

/** A recovery still to be settled. */
export const RECOVERY_OPEN = ['opening', 'awaiting_delivery', 'awaiting_repayment', 'litigation'];

/** Who or what found a stop (Art. 42). */
export const STOP_FOUND_BY_LABELS: Record<string, string> = {
  monthly_check: '每月发放前信息比对',
  report: '本人申报停领',
  case: '其他案件核实',
  revocation: '撤销核定',
  unrecorded: '未记录',
};

export type BenefitState = 'in_payment' | 'stopped' | 'completed' | 'recovering';

/**
 * An approved claim's progress as one word (Art. 39, 63; issue 21): 发放中 while its period pays, 已结束 once it stopped
 * or completed (the benefit's label says which); null without a period.
 */
export function claimPaymentLabel(period: string | null | undefined): string | null {
  if (!period) return null;
  return period === 'active' ? '发放中' : '已结束';
}

/**
 * The benefit beside the claim's status: paying, stopped, paid out, and whether overpaid benefits are being recovered.
 * `period`: the benefit period's status (active | stopped | completed), null when the claim has none.
 */
export function benefitStateOf(
  period: string | null,
  recoveryStatuses: readonly string[],
): { status: BenefitState; period: string; recovering: boolean; label: string } | null {
  if (period === null) return null;
  const recovering = recoveryStatuses.some((s) => RECOVERY_OPEN.includes(s));
  const base = period === 'stopped' ? '已停发' : period === 'completed' ? '已领取完毕' : claimPaymentLabel(period)!;
  const status: BenefitState = recovering
    ? 'recovering'
    : period === 'stopped'
      ? 'stopped'
      : period === 'completed'
        ? 'completed'
        : 'in_payment';
  return { status, period, recovering, label: recovering ? `${base}，追回中` : base };
}
