/**
 * Decision forms of the human tasks: one zod schema each, used by the workflow's Update validator (a form that does
 * not match is refused before anything is written to history), by the API and by the OpenAPI document. Workflow-safe.
 */
import { z } from 'zod';
import './zod-locale';
import { LitigationFormSchema, ObjectionFormSchema, comment, reasons } from './objection-forms';
import { ContributionChangeSchema } from './contribution-correction';
import { writtenAtLeast, writtenText } from './written-text';

export { ObjectionFormSchema, LitigationFormSchema, type ObjectionForm, type LitigationForm } from './objection-forms';

/** A real calendar date written YYYY-MM-DD. */
const isRealDate = (v: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  !Number.isNaN(Date.parse(v)) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** Art. 37 受理: accept the claim, or refuse it with every reason. */
export const AcceptanceFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('accept'), comment }),
    z.strictObject({ decision: z.literal('refuse'), reasons, comment }),
  ])
  .meta({ id: 'AcceptanceForm', description: '受理: accept, or refuse with the reasons (Art. 37)' });
export type AcceptanceForm = z.infer<typeof AcceptanceFormSchema>;

/** Art. 38 para 2: what a reviewer corrects, on the proof the person or employer supplied. */
export const CorrectionsSchema = z
  .strictObject({
    /** Art. 35: deemed contribution months (视同缴费) proven by the materials. */
    deemedContributionMonths: z.number().int().min(0).max(600).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, '须至少更正一项');

/**
 * Art. 11, 28, 65 审核 / 复核 / 审批: pass, fail with the reasons, or correct the determination (Art. 38 para 2: it is
 * recalculated and reviewed again on three levels).
 */
export const ReviewFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('approve'), comment }),
    z.strictObject({ decision: z.literal('reject'), reasons, comment }),
    z.strictObject({ decision: z.literal('correct'), corrections: CorrectionsSchema, reasons, comment }),
  ])
  .meta({
    id: 'ReviewForm',
    description: '审核/复核/审批: approve, reject with the reasons, or correct and recalculate (Art. 11, 28, 38, 65)',
  });
export type ReviewForm = z.infer<typeof ReviewFormSchema>;

/**
 * Art. 38 para 3 失业原因认定: the shared data leaves the separation reason open (none recorded, or one the rules leave to
 * a clerk). The reviewer decides with the declaration and the record in front of them, on the termination certificate
 * the person brought, or on their own account with a written commitment (书面承诺, the benefit is then paid first and
 * flagged for audit). No decision is preselected.
 */
export const SeparationRulingFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('involuntary'),
      basis: z.enum(['termination_certificate', 'written_commitment'], {
        message:
          '须写明认定依据：终止或解除劳动关系证明（termination_certificate）或书面承诺（written_commitment）（第三十八条）',
      }),
      comment,
    }),
    z.strictObject({
      decision: z.literal('voluntary'),
      basis: z.enum(['termination_certificate', 'written_commitment'], {
        message:
          '须写明认定依据：终止或解除劳动关系证明（termination_certificate）或书面承诺（written_commitment）（第三十八条）',
      }),
      reasons,
      comment,
    }),
  ])
  .meta({
    id: 'SeparationRulingForm',
    description:
      '失业原因认定: involuntary or voluntary, on the termination certificate or the written commitment (Art. 34, 38 para 3)',
  });
export type SeparationRulingForm = z.infer<typeof SeparationRulingFormSchema>;

/** Art. 46, 47 审核: approve the assessed one-off benefit, or refuse it with the reasons. */
export const ApprovalFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('approve'), comment }),
    z.strictObject({ decision: z.literal('reject'), reasons, comment }),
  ])
  .meta({ id: 'ApprovalForm', description: '审核: approve, or reject with the reasons (Art. 11, 46, 47)' });
export type ApprovalForm = z.infer<typeof ApprovalFormSchema>;

const fen = z
  .number({ error: '须为以分计的金额' })
  .int('须为整数分')
  .min(0, '不得为负数')
  .max(100_000_000, '不得超过1000000元');

/**
 * Art. 47: the funeral grant and survivor pension set by a clerk from the local standard, while the standard is not in
 * the policy data (policy/survivor-benefit.json has no number of months yet), with the standard cited.
 */
export const SurvivorAmountsFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('set'),
      funeralGrantFen: fen,
      survivorPensionFen: fen,
      basis: writtenText(4, 500, '须写明金额所依据的标准'),
      comment,
    }),
    z.strictObject({ decision: z.literal('reject'), reasons, comment }),
  ])
  .meta({
    id: 'SurvivorAmountsForm',
    description: '核定丧葬补助金和抚恤金: the amounts with the standard they follow, or reject (Art. 47)',
  });
export type SurvivorAmountsForm = z.infer<typeof SurvivorAmountsFormSchema>;

/**
 * Art. 49, 50 公示: the verification of an objection to a notice item: the objection is unfounded and the item is
 * released to payment, or it is founded and the item withdrawn, with the reasons the person or employer is told.
 */
export const NoticeVerificationFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('release'), reasons, comment }),
    z.strictObject({ decision: z.literal('withdraw'), reasons, comment }),
  ])
  .meta({
    id: 'NoticeVerificationForm',
    description: '公示异议核实: release the item to payment, or withdraw it, with the reasons (Art. 49, 50)',
  });
export type NoticeVerificationForm = z.infer<typeof NoticeVerificationFormSchema>;

/**
 * Art. 79, 80 疑点核查: the audit team's finding on a suspicious item after checking the records (逐人逐条核实):
 * confirmed, with the rectification opinion (整改意见) sent on for approval, or dismissed, with the reasons either way.
 */
export const MonitoringVerificationFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('confirmed'),
      reasons,
      rectification: writtenText(2, 2000, '须写明整改意见（第八十条）'),
      evidence: z
        .array(z.string().regex(writtenAtLeast(1), { error: '不能只填空白', abort: true }).trim().min(1).max(200))
        .max(20)
        .optional(),
      comment,
    }),
    z.strictObject({ decision: z.literal('dismissed'), reasons, comment }),
  ])
  .meta({
    id: 'MonitoringVerificationForm',
    description: '疑点核查: confirmed with the rectification opinion, or dismissed, with the reasons (Art. 79, 80)',
  });
export type MonitoringVerificationForm = z.infer<typeof MonitoringVerificationFormSchema>;

/**
 * Art. 94: the administrators' task of a calendar year without its State Council notice. It is done by entering the
 * notice (PUT /calendar/years/:year, 系统管理 — 工作日历), which records {year, source} as its decision; the task's form
 * itself accepts nothing, so that no one closes the task without the notice.
 */
export const CalendarYearNoticeFormSchema = z
  .strictObject({ year: z.number().int(), source: z.string() })
  .refine(() => false, {
    message: '录入国务院办公厅节假日安排通知即办结本任务：请在“系统管理—工作日历”中录入该年的放假和调休日期',
  })
  .meta({
    id: 'CalendarYearNoticeForm',
    description: '工作日历: done by entering the year (PUT /calendar/years/:year)',
  });

/**
 * Art. 24, 25 缴费对账: the clerk's outcome for a sync run whose records disagree with tax's totals (or whose rows
 * could not be read): looked into and explained, or referred to the tax authority to check its data, with the reasons.
 */
export const ContributionReconciliationFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('explained'),
      comment: writtenText(1, 1000, '须说明核实情况'),
    }),
    z.strictObject({ decision: z.literal('referred'), reasons, comment }),
  ])
  .meta({
    id: 'ContributionReconciliationForm',
    description: '缴费对账: explained, or referred to the tax authority with the reasons (Art. 24, 25)',
  });
export type ContributionReconciliationForm = z.infer<typeof ContributionReconciliationFormSchema>;

/**
 * Art. 80 整改意见按程序报批后送相关环节执行: the decision, by another person than the auditor who confirmed the item,
 * on the payments the item holds: released to the next run, or stopped (a benefit period from `stopDate`: the months
 * after its month are not paid and what was paid for them is recovered, Art. 42, 43; a one-off grant withdrawn).
 */
export const MonitoringRectificationFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('release'), reasons, comment }),
    z.strictObject({
      decision: z.literal('stop'),
      // Not z.iso.date(): inside the workflow sandbox (the completeTask validator) it refused every date, 2026-12-28
      // included (seen here; zod tests its own shared RegExp, resetting its lastIndex first).
      stopDate: z.string().refine(isRealDate, '须为日期，格式 YYYY-MM-DD：自该日起不应享受待遇'),
      reasons,
      comment,
    }),
  ])
  .meta({
    id: 'MonitoringRectificationForm',
    description:
      '整改审批: release the held payments, or stop them from a date (recovery of what was paid after), with the reasons (Art. 42, 43, 80)',
  });
export type MonitoringRectificationForm = z.infer<typeof MonitoringRectificationFormSchema>;

/**
 * Art. 17, 19, 21 登记督办: the clerk who followed up an employer's overdue registration, undeclared change or late
 * staff reduction records what was done (督促办理, with what) or why nothing is to be done (核实无需办理).
 */
export const RegisterFollowUpFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('handled'), reasons, comment }),
    z.strictObject({ decision: z.literal('dismissed'), reasons, comment }),
  ])
  .meta({
    id: 'RegisterFollowUpForm',
    description:
      '登记督办: handled (what was done) or dismissed (why nothing is to be done), with the reasons (Art. 17, 19, 21)',
  });
export type RegisterFollowUpForm = z.infer<typeof RegisterFollowUpFormSchema>;

/**
 * Art. 31 复核确认: the check of a written objection to an entitlement record ends corrected (what was corrected) or
 * explained (the record stands, with the explanation the person is given).
 */
export const RecordCheckFormSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('corrected'),
      corrected: writtenText(4, 2000, '须写明更正的内容（第三十一条）'),
      /**
       * A contribution month found wrong: the correction of the record it opens (Art. 28: 初审、复核、审批), with the
       * dispute's materials as its evidence. Without it, the outcome is what the checker states.
       */
      contribution: ContributionChangeSchema.optional(),
      comment,
    }),
    z.strictObject({
      decision: z.literal('explained'),
      explanation: writtenText(4, 2000, '须写明对记录的说明（第三十一条）'),
      comment,
    }),
  ])
  .meta({
    id: 'RecordCheckForm',
    description:
      '权益记录核查: corrected with what was corrected (a contribution month: the record correction it opens, Art. 28), or explained with the explanation (Art. 31)',
  });
export type RecordCheckForm = z.infer<typeof RecordCheckFormSchema>;

export const FORM_SCHEMAS = {
  acceptance: AcceptanceFormSchema,
  review: ReviewFormSchema,
  separationRuling: SeparationRulingFormSchema,
  approval: ApprovalFormSchema,
  survivorAmounts: SurvivorAmountsFormSchema,
  objection: ObjectionFormSchema,
  litigation: LitigationFormSchema,
  monitoringVerification: MonitoringVerificationFormSchema,
  monitoringRectification: MonitoringRectificationFormSchema,
  noticeVerification: NoticeVerificationFormSchema,
  calendarYearNotice: CalendarYearNoticeFormSchema,
  registerFollowUp: RegisterFollowUpFormSchema,
  recordCheck: RecordCheckFormSchema,
  contributionReconciliation: ContributionReconciliationFormSchema,
} as const;
export type FormName = keyof typeof FORM_SCHEMAS;
export type FormOf<N extends FormName> = z.infer<(typeof FORM_SCHEMAS)[N]>;
