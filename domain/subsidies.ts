/**
 * Words and rules of the subsidies paid after a public notice (Art. 49 稳岗返还, Art. 50 技能提升补贴): the reasons a
 * subsidy is refused, in the 规程's words, and the classifications the job-retention screening needs. Pure.
 */
import type { EmployerType } from '../integrations/tax';
import type { SeparationReason } from './separation';

/** What a notice lists: employers' refunds (Art. 49) or persons' subsidies (Art. 50). */
export type NoticeKind = 'job_retention_refund' | 'skill_subsidy';

/**
 * Separations that are not layoffs (不纳入裁员率计算人数, Art. 49): the person left of their own will or the contract
 * ran out. UNCONFIRMED: the 稳岗返还 notices that define the layoff rate were not seen; a clerk can correct a case on
 * objection.
 */
export const NOT_COUNTED_IN_LAYOFF_RATE: readonly SeparationReason[] = ['voluntary_resignation', 'contract_expired'];

/**
 * Employer types outside the refund: public institutions are financed by the budget. UNCONFIRMED (secondary sources:
 * 稳岗返还 covers 参保企业 and 社会团体、基金会、社会服务机构、律师事务所、会计师事务所、以单位形式参保的个体工商户).
 */
export const JOB_RETENTION_EXCLUDED_TYPES: readonly EmployerType[] = ['public_institution'];

export const JOB_RETENTION_REASON_TEXT: Record<string, string> = {
  insufficient_contribution_months: '上年度足额缴纳失业保险费不满规定月数',
  layoff_rate_too_high: '裁员率高于规定标准',
  serious_dishonesty: '单位列入严重失信主体名单',
  type_not_covered: '单位类型不在稳岗返还范围内',
  nothing_paid: '上年度未缴纳失业保险费',
  unknown_employer: '共享数据中未查到该单位的参保缴费信息，需提供相关证明材料',
  credit_unknown: '共享数据中未查到该单位的信用状况，需提供相关证明材料',
};

export const SKILL_SUBSIDY_REASON_TEXT: Record<string, string> = {
  not_insured: '申领时未处于参保状态',
  insufficient_insured_time: '累计缴纳失业保险费时间不足规定期限',
  certificate_not_verified: '国家职业资格证书网未查到该证书（证书编号、职业资格名称、技能等级或核发时间不符）',
  yearly_claim_limit_reached: '本年度申领技能提升补贴次数已达上限',
  already_claimed_for_occupation_and_level: '同一职业同一技能等级的技能提升补贴已享受，不能重复申领',
  no_amount_for_level: '该技能等级尚无补贴标准',
};

export const CERTIFICATE_LEVEL_LABELS: Record<string, string> = {
  junior: '初级（五级）',
  intermediate: '中级（四级）',
  senior: '高级（三级）',
};
