/**
 * Words and rules of the subsidies paid after a public notice (Art. 49 稳岗返还, Art. 50 技能提升补贴): the reasons a
 * subsidy is refused, in the 规程's words, and the classifications the job-retention screening needs. Pure.
 */
import type { EmployerType } from './employer';
import { agencyCovers } from './access';
import { addMonthsToMonth, monthOf, yearOf, type IsoDate, type IsoMonth } from './calendar';
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
  not_own_employee: '申请单位不是该职工的参保单位：单位经办人只能为本单位参保职工申请（规程第八条）',
  not_insured_here: '技能提升补贴应向参保地失业保险经办机构申请，该职工不在本市参保',
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

/**
 * Art. 49: a refund is reviewed for a year that has ended (上年度: its contributions and layoffs are known), never for
 * the current or a future year. The problem in the 规程's words, or null when `year` may be reviewed on `today`.
 */
export function jobRetentionYearProblem(year: number, today: IsoDate): string | null {
  const current = yearOf(today);
  return year < current
    ? null
    : `须为已结束的年度（${current - 1}年或以前）：稳岗返还按上年度的缴费和裁员情况审核（规程第四十九条）`;
}

/** The person's insured employer as the tax platform has it, with the agency of its city (参保地). */
export interface InsuredEmployer {
  uscc: string;
  name: string;
  /** The city agency where the employer is insured (Art. 50: 参保地失业保险经办机构); null: no registration found. */
  agencyCode: string | null;
}

/** Months back in which paid contributions still count as insured now (参保状态) without an open employment. */
const INSURED_RECENT_MONTHS = 3;

/**
 * Art. 50 参保状态: the employer the person is insured with now, per the tax platform: the employment still open (the
 * latest begun, if several), else the employer of contributions paid for one of the last months. Null: not insured.
 */
export function currentInsuredEmployer(
  employments: readonly { employerUscc: string; employerName: string; startDate: IsoDate; endDate: IsoDate | null }[],
  contributions: readonly { employerUscc: string; employerName: string; month: IsoMonth }[],
  asOf: IsoDate,
): { uscc: string; name: string } | null {
  const open = employments.filter((e) => e.endDate === null).sort((a, b) => b.startDate.localeCompare(a.startDate));
  if (open[0]) return { uscc: open[0].employerUscc, name: open[0].employerName };
  const since = addMonthsToMonth(monthOf(asOf), -INSURED_RECENT_MONTHS);
  const recent = contributions.filter((r) => r.month >= since).sort((a, b) => b.month.localeCompare(a.month));
  return recent[0] ? { uscc: recent[0].employerUscc, name: recent[0].employerName } : null;
}

export type SkillSubsidyPartyReason = 'not_own_employee' | 'not_insured_here';

/**
 * Art. 8, 50: who applies for whom, and where. An employer agent applies only for its own company's employee (the
 * person's insured employer on record is the agent's company); the application goes to the agency where the person
 * is insured (参保地), whoever files it. Where the declared employer and the record differ, the record prevails: a
 * conflict shown on the case, not a refusal. A person insured nowhere is the review's `not_insured`, not a party rule.
 */
export function skillSubsidyParties(
  application: { agencyCode: string; declaredUscc: string; agentUscc: string | null },
  insured: InsuredEmployer | null,
): { reasons: SkillSubsidyPartyReason[]; employerConflict: boolean } {
  const reasons: SkillSubsidyPartyReason[] = [];
  if (application.agentUscc !== null && insured?.uscc !== application.agentUscc) reasons.push('not_own_employee');
  if (insured?.agencyCode && !agencyCovers(application.agencyCode, insured.agencyCode))
    reasons.push('not_insured_here');
  return { reasons, employerConflict: !!insured && insured.uscc !== application.declaredUscc };
}
