/**
 * Reasons for leaving a job (失业原因), as the employer records them at staff reduction (Art. 21) or the person states
 * them (Art. 38). Which of them are involuntary (非因本人意愿中断就业, Art. 34) is policy data (policy/eligibility.json),
 * not code; a reason listed neither as involuntary nor as voluntary goes to a clerk.
 */
import { z } from 'zod';

export const SEPARATION_REASONS = [
  'contract_expired', // 劳动合同期满终止
  'employer_dissolved', // 用人单位破产、解散、被吊销营业执照、责令关闭、撤销
  'employer_terminated', // 用人单位解除劳动合同
  'dismissed', // 被用人单位开除、除名、辞退
  'employee_terminated_for_employer_fault', // 因用人单位过错由本人解除劳动合同 (劳动合同法 第三十八条)
  'mutual_agreement_employer_proposed', // 用人单位提出、双方协商一致解除
  'voluntary_resignation', // 本人辞职
  'other', // 其他: 人工审核
] as const;

export type SeparationReason = (typeof SEPARATION_REASONS)[number];

export const separationReasonSchema = z.enum(SEPARATION_REASONS);

/** Chinese labels for explanations and notices. */
export const SEPARATION_REASON_LABELS: Record<SeparationReason, string> = {
  contract_expired: '劳动合同期满终止',
  employer_dissolved: '用人单位破产、解散、撤销等终止',
  employer_terminated: '用人单位解除劳动合同',
  dismissed: '被用人单位开除、除名、辞退',
  employee_terminated_for_employer_fault: '因用人单位过错本人解除劳动合同',
  mutual_agreement_employer_proposed: '用人单位提出协商一致解除',
  voluntary_resignation: '本人辞职',
  other: '其他原因',
};
