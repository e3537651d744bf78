/**
 * 复核 (Art. 13) at the door: which decision of a case may be objected to, whether the case has it, and who objects.
 * Art. 13 names 不予受理、审核结果、停止发放等决定; the decisions of each case type and the corrections that fit them are
 * in domain/objection-forms.ts (`OBJECTABLE_DECISIONS`). The person or employer the decision concerns objects: the
 * person of a claim, an other benefit or a skill subsidy; the employer of a job-retention refund, of a skill subsidy it
 * applied for, or named by a claim (Art. 8, 31).
 */
import { OBJECTABLE_DECISIONS, type ObjectionSubject } from '../../domain/objection-forms';
import type { Db } from '../../lib/db';
import { CASE_STATUS_LABELS } from '../cases/router';

export type Objector = 'person' | 'employer';

/** The decisions in the 规程's words (Art. 13), for the messages people read. */
export const SUBJECT_LABELS: Record<ObjectionSubject, string> = {
  refusal: '不予受理或审核不通过的决定',
  review_result: '审核结果',
  determination: '待遇核定结果',
  stop_decision: '停止发放的决定',
  withdrawal: '不予发放（撤回已核定待遇或补贴）的决定',
};

const CASE_TYPE_LABELS: Record<string, string> = {
  benefit_claim: '失业保险金申领',
  childbirth_subsidy: '医疗补助金',
  survivor_benefits: '丧葬补助金和抚恤金',
  skill_subsidy: '技能提升补贴',
  job_retention_refund: '稳岗返还',
};

/** Who may object to the decisions of a case (Art. 13: the person or employer it concerns). */
export async function objectorsOf(db: Db, c: { caseNumber: string; caseType: string }): Promise<Objector[]> {
  switch (c.caseType) {
    case 'benefit_claim':
      return ['person', 'employer'];
    case 'job_retention_refund':
      return ['employer'];
    case 'skill_subsidy': {
      const s = await db.skillSubsidyClaim.findUnique({ where: { caseNumber: c.caseNumber } });
      return s?.appliedBy === 'employer' ? ['person', 'employer'] : ['person'];
    }
    default:
      return ['person'];
  }
}

/**
 * Why the case has no `subject` to object to (the field's message, in the 规程's words), or null when it has it: the
 * decision must exist on the case (Art. 13: 对…作出的…决定有异议的).
 */
export async function missingDecision(
  db: Db,
  c: { caseNumber: string; caseType: string; status: string },
  subject: ObjectionSubject,
): Promise<string | null> {
  const decisions = OBJECTABLE_DECISIONS[c.caseType];
  const status = CASE_STATUS_LABELS[c.status] ?? c.status;
  if (!decisions?.[subject]) {
    const open = Object.keys(decisions ?? {}).map((s) => SUBJECT_LABELS[s as ObjectionSubject]);
    return `${CASE_TYPE_LABELS[c.caseType] ?? '该'}案件${open.length ? `可申请复核的是${open.join('、')}` : '没有可申请复核的决定'}`;
  }
  switch (subject) {
    case 'refusal':
      return c.status === 'refused' ? null : `案件状态为“${status}”，没有不予受理或审核不通过的决定`;
    case 'review_result':
      return ['refused', 'approved'].includes(c.status) ? null : `案件状态为“${status}”，尚无审核结果`;
    case 'determination':
      return (await db.determination.count({ where: { caseNumber: c.caseNumber } })) ? null : '尚未核定待遇';
    case 'stop_decision': {
      const p = await db.benefitPeriod.findUnique({ where: { caseNumber: c.caseNumber } });
      return p?.status === 'stopped' ? null : '失业保险金未停止发放';
    }
    case 'withdrawal':
      return c.status === 'withdrawn' ? null : `案件状态为“${status}”，没有不予发放的决定`;
  }
}
