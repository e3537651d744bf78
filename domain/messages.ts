/**
 * The texts sent to people by SMS (Art. 37 一次性告知, Art. 38 到期提醒, Art. 42 停发告知, Art. 39 发放失败), in the
 * 规程's words. Decisions that can be contested state the remedies and their time limits (Art. 13: 60 days to apply
 * for administrative reconsideration, 6 months to sue). Pure: the texts never carry ID numbers or names.
 */
import { formatYuan } from './money';

const SIGN = '【辽宁失业保险】';
const REMEDIES =
  '如有异议，可向作出决定的经办机构申请复核，或自收到本通知之日起60日内申请行政复议、6个月内提起行政诉讼。';

export type MessageKind =
  | 'claim_refused'
  | 'materials_requested'
  | 'materials_not_supplied'
  | 'arrears_notice'
  | 'claim_approved'
  | 'claim_redetermined'
  | 'payment_stopped'
  | 'account_correction'
  | 'expiry_reminder'
  | 'other_benefit_refused'
  | 'other_benefit_materials'
  | 'other_benefit_approved'
  | 'other_benefit_account'
  | 'other_benefit_withdrawn'
  | 'objection_concluded'
  | 'recovery_notice'
  | 'recovery_recomputed'
  | 'skill_subsidy_refused'
  | 'skill_subsidy_granted'
  | 'subsidy_withdrawn'
  | 'subsidy_paid'
  | 'subsidy_account'
  | 'job_retention_granted'
  | 'determination_revoked'
  | 'job_retention_approved'
  | 'job_retention_refused';

export type MessageParams = {
  claim_refused: {
    caseNumber: string;
    /** acceptance: 不予受理 on the shared data (Art. 37); review: 审核不通过 by a person (Art. 11, 38). */
    stage: 'acceptance' | 'review';
    reasons: string[];
    /** Art. 13: last day to apply for administrative reconsideration / to sue, from receipt of this notice. */
    reconsiderationUntil: string;
    litigationUntil: string;
  };
  materials_requested: { caseNumber: string; materials: string[]; dueDate: string };
  materials_not_supplied: { caseNumber: string };
  arrears_notice: { caseNumber: string; months: number };
  claim_approved: {
    caseNumber: string;
    months: number;
    monthlyAmountFen: number;
    startDate: string;
    endDate: string;
    /** Art. 39, 63: the pay day of the first month (absent in notices sent before it was told). */
    firstPayDate?: string;
  };
  /** Art. 28, 38: determined again after a correction of the contribution record (the correction's case number). */
  claim_redetermined: {
    caseNumber: string;
    correctionNumber: string;
    contributionMonths: number;
    months: number;
    monthlyAmountFen: number;
    endDate: string;
  };
  payment_stopped: { caseNumber: string; reason: string; date: string };
  account_correction: { caseNumber: string; month: string };
  expiry_reminder: { caseNumber: string; endDate: string };
  other_benefit_refused: { caseNumber: string; benefit: string; reasons: string[] } & Partial<Remedies>;
  other_benefit_materials: { caseNumber: string; benefit: string; materials: string[]; dueDate: string };
  other_benefit_approved: { caseNumber: string; benefit: string; totalFen: number };
  other_benefit_account: { caseNumber: string; benefit: string };
  other_benefit_withdrawn: { caseNumber: string; benefit: string; reasons: string[] };
  objection_concluded: {
    caseNumber: string;
    objectionNumber: string;
    outcome: 'upheld' | 'corrected';
    reasons: string[];
    /** Art. 13: last day to apply for administrative reconsideration / to sue, from receipt of this notice. */
    reconsiderationUntil: string;
    litigationUntil: string;
    /** An employer objected (贵单位); else the person. */
    objector?: 'employer';
  };
  recovery_notice: { caseNumber: string; amountFen: number; months: string[]; stopDate: string; repayDays: number };
  /** Art. 43: the stop re-dated earlier by an auditor: the new amount, what was repaid, what is left. */
  recovery_recomputed: {
    caseNumber: string;
    amountFen: number;
    repaidFen: number;
    balanceFen: number;
    months: string[];
    stopDate: string;
    repayDays: number;
  };
  skill_subsidy_refused: { caseNumber: string; reasons: string[] } & Partial<Remedies>;
  skill_subsidy_granted: { caseNumber: string; amountFen: number; noticeEndDate: string };
  /** Withdrawn after an objection during the notice was founded (经公示有异议): never for a refusal by the review. */
  subsidy_withdrawn: { caseNumber: string; subsidy: string; reasons: string[] } & Partial<Remedies>;
  subsidy_paid: { caseNumber: string; subsidy: string; amountFen: number };
  subsidy_account: { caseNumber: string; subsidy: string };
  /** Found by the screening without application (免申即享). */
  job_retention_granted: { caseNumber: string; year: number; amountFen: number; noticeEndDate: string | null };
  determination_revoked: {
    caseNumber: string;
    revocationNumber: string;
    reasons: string[];
    from: string;
    reconsiderationUntil: string;
    litigationUntil: string;
  };
  /** The employer's own application, reviewed and approved. */
  job_retention_approved: { caseNumber: string; year: number; amountFen: number; noticeEndDate: string | null };
  /** The employer's application refused by the review (automatic, or on the evidence), before any notice. */
  job_retention_refused: { caseNumber: string; reasons: string[] } & Partial<Remedies>;
};

/**
 * Art. 13: the last days to apply for administrative reconsideration and to sue, from receipt of the notice. A
 * decision whose case waits for an objection states them (cases decided before: the time limits only).
 */
interface Remedies {
  reconsiderationUntil: string;
  litigationUntil: string;
}

const DIGITS = '零一二三四五六七八九';
/** 'Art. 38' → '第三十八条' (the 规程 numbers its articles 1-98 in Chinese). */
export function articleLabel(article: string): string {
  const n = Number(/\d+/.exec(article)?.[0]);
  if (!Number.isInteger(n) || n < 1 || n > 99) return article;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const text = (tens > 1 ? DIGITS[tens] : '') + (tens > 0 ? '十' : '') + (ones > 0 ? DIGITS[ones] : '');
  return `第${text}条`;
}

/** Art. 13: the remedies with their last days, counted from receipt of the notice. */
function remediesUntil(q: Record<string, unknown>): string {
  return `如有异议，可向作出决定的经办机构申请复核；或于${q.reconsiderationUntil}前申请行政复议，于${q.litigationUntil}前提起行政诉讼。`;
}

/** The remedies with their last days when the notice has them, else with their time limits. */
const remedies = (q: Record<string, unknown>) => (q.litigationUntil ? remediesUntil(q) : REMEDIES);

export function messageText<K extends MessageKind>(kind: K, p: MessageParams[K]): string {
  const q = p as never as Record<string, unknown> & { caseNumber: string };
  switch (kind) {
    case 'claim_refused':
      return `${SIGN}您的失业保险金申领（${q.caseNumber}）${q.stage === 'review' ? '审核不通过' : '不予受理'}，原因：${(q.reasons as string[]).join('；')}。${remediesUntil(q)}`;
    case 'materials_requested':
      return `${SIGN}您的失业保险金申领（${q.caseNumber}）需补充以下材料：${(q.materials as string[]).join('、')}。请于${q.dueDate}前提交，逾期未补充的将终止办理。`;
    case 'materials_not_supplied':
      return `${SIGN}您的失业保险金申领（${q.caseNumber}）因未在期限内补充材料已终止办理，您可重新申领。`;
    case 'arrears_notice':
      return `${SIGN}您的失业保险金申领（${q.caseNumber}）：原单位有${q.months}个月失业保险费欠缴，请与原单位沟通补缴；放弃补缴的，请签署《个人放弃补缴失业保险欠费承诺书》，欠费期限不计入缴费期限。`;
    case 'claim_approved':
      return `${SIGN}您的失业保险金（${q.caseNumber}）已核定：领取期限${q.months}个月，每月${formatYuan(q.monthlyAmountFen as number)}元，自${q.startDate}至${q.endDate}。${q.firstPayDate ? `首次发放日为${q.firstPayDate}，此后按月发放至社会保障卡或银行账户。` : ''}${REMEDIES}`;
    case 'claim_redetermined':
      return `${SIGN}您的个人缴费记录已更正（${q.correctionNumber}），失业保险金（${q.caseNumber}）已重新核定：累计缴费${q.contributionMonths}个月，领取期限${q.months}个月，每月${formatYuan(q.monthlyAmountFen as number)}元，至${q.endDate}止。${REMEDIES}`;
    case 'payment_stopped':
      return `${SIGN}您的失业保险金（${q.caseNumber}）自${q.date}起停止发放，原因：${q.reason}。${REMEDIES}`;
    case 'account_correction':
      return `${SIGN}您${q.month}的失业保险金（${q.caseNumber}）发放未成功，请通过网上服务平台或经办窗口更正社会保障卡或银行账户信息。`;
    case 'expiry_reminder':
      return `${SIGN}您的失业保险金（${q.caseNumber}）领取期限将于${q.endDate}届满。`;
    case 'other_benefit_refused':
      return `${SIGN}您申领的${q.benefit}（${q.caseNumber}）不予核发，原因：${(q.reasons as string[]).join('；')}。${remedies(q)}`;
    case 'other_benefit_materials':
      return `${SIGN}您申领的${q.benefit}（${q.caseNumber}）需补充以下材料：${(q.materials as string[]).join('、')}。请于${q.dueDate}前提交，逾期未补充的将终止办理。`;
    case 'other_benefit_approved':
      return `${SIGN}您申领的${q.benefit}（${q.caseNumber}）已核定，共${formatYuan(q.totalFen as number)}元，将随本市下一次发放批次拨付。${REMEDIES}`;
    case 'other_benefit_account':
      return `${SIGN}您申领的${q.benefit}（${q.caseNumber}）发放未成功，请通过网上服务平台或经办窗口更正社会保障卡或银行账户信息。`;
    case 'other_benefit_withdrawn':
      return `${SIGN}您申领的${q.benefit}（${q.caseNumber}）经稽核核查不予发放，原因：${(q.reasons as string[]).join('；')}。${REMEDIES}`;
    case 'objection_concluded':
      return `${SIGN}${q.objector === 'employer' ? '贵单位' : '您'}对${q.caseNumber}提出的复核申请（${q.objectionNumber}）已作出复核结论：${q.outcome === 'upheld' ? '维持原决定' : '纠正原决定'}，理由：${(q.reasons as string[]).join('；')}。如不服，可于${q.reconsiderationUntil}前申请行政复议，或于${q.litigationUntil}前提起行政诉讼。`;
    case 'recovery_notice':
      return `${SIGN}您自${q.stopDate}起已符合停发条件，${(q.months as string[]).join('、')}多领失业保险金等待遇共${formatYuan(q.amountFen as number)}元，请自收到本通知之日起${q.repayDays}日内退还（${q.caseNumber}）；逾期不退还的，将依法提起民事诉讼。`;
    case 'recovery_recomputed':
      return `${SIGN}经核查，您自${q.stopDate}起已符合停发条件，多领失业保险金等待遇重新核定为${(q.months as string[]).join('、')}共${formatYuan(q.amountFen as number)}元，已退回${formatYuan(q.repaidFen as number)}元，尚需退回${formatYuan(q.balanceFen as number)}元，请自收到本通知之日起${q.repayDays}日内退还（${q.caseNumber}）；逾期不退还的，将依法提起民事诉讼。`;
    case 'skill_subsidy_refused':
      return `${SIGN}您申领的技能提升补贴（${q.caseNumber}）未通过审核，原因：${(q.reasons as string[]).join('；')}。${remedies(q)}`;
    case 'skill_subsidy_granted':
      return `${SIGN}您申领的技能提升补贴（${q.caseNumber}）已审核通过，补贴${formatYuan(q.amountFen as number)}元，正在公示${q.noticeEndDate ? `（至${q.noticeEndDate}）` : ''}，经公示无异议的将及时发放。`;
    case 'subsidy_withdrawn':
      return `${SIGN}您的${q.subsidy}（${q.caseNumber}）经公示有异议，核实后不予发放，原因：${(q.reasons as string[]).join('；')}。${remedies(q)}`;
    case 'subsidy_paid':
      return `${SIGN}您的${q.subsidy}（${q.caseNumber}）${formatYuan(q.amountFen as number)}元已发放，请查收。`;
    case 'subsidy_account':
      return `${SIGN}${q.subsidy}（${q.caseNumber}）发放未成功，请通过网上服务平台或经办窗口更正收款账户信息，更正后随下一发放批次重新发放。`;
    case 'determination_revoked':
      return `${SIGN}您的失业保险金核定结果（${q.caseNumber}）经核查有误，已予撤销（${q.revocationNumber}），自${q.from}起停止发放，原因：${(q.reasons as string[]).join('；')}；已领取的将依规退回。${remediesUntil(q)}`;
    case 'job_retention_granted':
      return `${SIGN}贵单位符合${q.year}年度稳岗返还条件（免申即享），返还${formatYuan(q.amountFen as number)}元（${q.caseNumber}），${q.noticeEndDate ? `公示至${q.noticeEndDate}，` : ''}经公示无异议的将拨付至单位账户。${REMEDIES}`;
    case 'job_retention_approved':
      return `${SIGN}贵单位申请的${q.year}年度稳岗返还（${q.caseNumber}）已审核通过，返还${formatYuan(q.amountFen as number)}元，${q.noticeEndDate ? `公示至${q.noticeEndDate}，` : ''}经公示无异议的将拨付至单位账户。${REMEDIES}`;
    case 'job_retention_refused':
      return `${SIGN}贵单位申请的稳岗返还（${q.caseNumber}）未通过审核，原因：${(q.reasons as string[]).join('；')}。${remedies(q)}`;
  }
  throw new RangeError(`unknown message kind ${String(kind)}`);
}

/** Reasons a benefit stops (Art. 42; 条例 Art. 15), in the 规程's words. */
export const STOP_REASON_LABELS: Record<string, string> = {
  reemployed: '重新就业',
  pension: '开始领取基本养老保险待遇',
  death: '死亡',
  enlisted: '应征服兵役',
  emigrated: '移居境外',
  imprisoned: '被判刑收监执行',
  refused_offer: '无正当理由拒不接受当地人民政府指定部门或者机构介绍的适当工作或者提供的培训',
  self_reported: '本人申报停领',
  revoked: '待遇核定结果经核查有误予以撤销',
  // Art. 80: the rectification of a confirmed suspicious item (纠错), decided by an approver.
  audit_finding: '经稽核核查不符合领取条件',
};
