/**
 * Decision forms of the objection (Art. 13) and recovery (Art. 43) tasks, registered in FORM_SCHEMAS (domain/forms.ts).
 * Workflow-safe.
 */
import { z } from 'zod';
import { writtenText } from './written-text';

/** Art. 11 明确告知不通过原因: the reasons of a refusal, each a sentence. Shared by every decision form. */
export const reasons = z
  .array(writtenText(2, 200, '须写明存在的问题'))
  .min(1, '须至少写明一条原因（第十一条：明确告知不通过原因）')
  .max(20);
export const comment = z.string().trim().max(1000).optional();
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为月份，格式 YYYY-MM');

/** Art. 38 para 3: the separation as the conclusion found it, and what that rests on. */
export const SeparationFindingSchema = z.strictObject({
  involuntary: z.boolean({ message: '须写明是否为非本人意愿中断就业（第三十四条）' }),
  basis: z.enum(['termination_certificate', 'written_commitment'], {
    message:
      '须写明认定依据：终止或解除劳动关系证明（termination_certificate）或书面承诺（written_commitment）（第三十八条第三款）',
  }),
});

/**
 * Art. 13 不予受理、审核结果、停止发放等决定: what a person or employer may object to. A withdrawal is a grant taken back
 * before it was paid (经公示有异议, Art. 49, 50; a confirmed audit finding, Art. 80).
 */
export const OBJECTION_SUBJECTS = ['refusal', 'review_result', 'determination', 'stop_decision', 'withdrawal'] as const;
export type ObjectionSubject = (typeof OBJECTION_SUBJECTS)[number];

/** The step a corrected refusal is reopened at: a claim's acceptance or determination, another case's review. */
export const REOPEN_STEPS = ['acceptance', 'determination', 'review'] as const;
export type ReopenStep = (typeof REOPEN_STEPS)[number];

/**
 * What a correction carries out, by what was objected to (Art. 13: 确定存在问题的，及时进行更正):
 *   reopen               a refusal or review result found wrong: the case is reopened at the step named, under the
 *                        facts the conclusion found (a separation reason on a termination certificate, Art. 38 para 3)
 *   contribution_record  the entitlement record found wrong (deemed contribution months, Art. 35): a record correction,
 *                        confirmed on three levels by three people (Art. 28) before the case is determined again
 *   resume               a stop decision found wrong: payment resumes from a month (Art. 42); a withdrawal found
 *                        wrong: the grant is paid
 */
export const ObjectionCorrectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('reopen'),
    step: z.enum(REOPEN_STEPS, {
      message: '须写明重新办理的环节：受理（acceptance）、核定（determination）或审核（review）',
    }),
    separation: SeparationFindingSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('contribution_record'),
    deemedContributionMonths: z.number().int().min(1, '须至少为1个月').max(600),
  }),
  z.strictObject({ kind: z.literal('resume'), fromMonth: month.optional() }),
]);
export type ObjectionCorrection = z.infer<typeof ObjectionCorrectionSchema>;

/** How a decision objected to may be corrected: the steps a refusal is reopened at, the other kinds that fit. */
interface Fit {
  reopen?: readonly ReopenStep[];
  contributionRecord?: true;
  resume?: 'period' | 'grant';
}

const CLAIM_REFUSAL: Fit = { reopen: ['acceptance', 'determination'], contributionRecord: true };
/** A one-off grant or subsidy: refused, reopened at its review; withdrawn, paid after all. */
const GRANT: Partial<Record<ObjectionSubject, Fit>> = {
  refusal: { reopen: ['review'] },
  withdrawal: { resume: 'grant' },
};

/**
 * Art. 13, by case type: the decisions that may be objected to, and the corrections that fit each. A case type not
 * listed has no decision open to 复核 (an objection's conclusion is contested by reconsideration or litigation).
 */
export const OBJECTABLE_DECISIONS: Record<string, Partial<Record<ObjectionSubject, Fit>>> = {
  benefit_claim: {
    refusal: CLAIM_REFUSAL,
    review_result: CLAIM_REFUSAL,
    determination: { contributionRecord: true },
    stop_decision: { resume: 'period' },
  },
  childbirth_subsidy: GRANT,
  survivor_benefits: GRANT,
  skill_subsidy: GRANT,
  job_retention_refund: GRANT,
};

/** What a correction's refusal names, in the 规程's words (Art. 13). */
const SUBJECT_NAMES: Record<ObjectionSubject, string> = {
  refusal: '不予受理决定',
  review_result: '审核结果',
  determination: '待遇核定',
  stop_decision: '停止发放决定',
  withdrawal: '撤回发放决定',
};
const KIND_NAMES: Record<string, string> = {
  reopen: '重新办理（reopen）',
  contribution_record: '更正缴费记录（contribution_record）',
  resume: '恢复发放（resume）',
};
const STEP_NAMES: Record<ReopenStep, string> = { acceptance: '受理', determination: '核定', review: '审核' };

/**
 * Why `correction` does not fit the decision objected to (Art. 13), as the form field and the rule; null when it fits.
 * Checked when the conclusion is given, before anything reaches history. Objections filed before the case type was
 * recorded are to benefit claims.
 */
export function correctionMisfit(
  caseType: string | undefined,
  subject: string,
  correction: ObjectionCorrection,
): { path: string; message: string } | null {
  const fit = OBJECTABLE_DECISIONS[caseType ?? 'benefit_claim']?.[subject as ObjectionSubject] ?? {};
  const kinds = [
    ...(fit.reopen ? ['reopen'] : []),
    ...(fit.contributionRecord ? ['contribution_record'] : []),
    ...(fit.resume ? ['resume'] : []),
  ];
  if (!kinds.includes(correction.kind)) {
    return {
      path: 'correction.kind',
      message: `${SUBJECT_NAMES[subject as ObjectionSubject] ?? subject}的更正方式为：${kinds.map((k) => KIND_NAMES[k]).join('或') || '不予更正'}（第十三条）`,
    };
  }
  if (correction.kind === 'reopen' && !fit.reopen!.includes(correction.step)) {
    return {
      path: 'correction.step',
      message: `本案重新办理的环节为：${fit.reopen!.map((s) => STEP_NAMES[s]).join('或')}（第十三条）`,
    };
  }
  if (correction.kind === 'resume' && fit.resume === 'grant' && correction.fromMonth) {
    return { path: 'correction.fromMonth', message: '补助金一次性足额发放，没有恢复发放的月份（第十三条）' };
  }
  return null;
}

/** Art. 13 复核结论: uphold the decision with the reasons, or correct it. */
export const ObjectionFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('uphold'), reasons, comment }),
    z.strictObject({ decision: z.literal('correct'), correction: ObjectionCorrectionSchema, reasons, comment }),
  ])
  .meta({
    id: 'ObjectionForm',
    description: '复核结论: uphold the decision with the reasons, or correct it (Art. 13, 38 para 2, 42)',
  });
export type ObjectionForm = z.infer<typeof ObjectionFormSchema>;

/** Art. 43: overpaid benefits not repaid in time: the audit team sues (依法提起民事诉讼), or says why not. */
export const LitigationFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('litigation_filed'),
      court: writtenText(2, 100, '须写明受理法院'),
      filedOn: z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' }),
      comment,
    }),
    z.strictObject({ decision: z.literal('not_pursued'), reasons, comment }),
  ])
  .meta({
    id: 'LitigationForm',
    description: '依法提起民事诉讼: filed (court, date), or not pursued with the reasons (Art. 43)',
  });
export type LitigationForm = z.infer<typeof LitigationFormSchema>;
