/**
 * Decision forms of the objection (Art. 13) and recovery (Art. 43) tasks, registered in FORM_SCHEMAS (domain/forms.ts).
 * Workflow-safe.
 */
import { z } from 'zod';

const reasons = z
  .array(z.string().trim().min(2, 'must say what is wrong').max(200))
  .min(1, 'must give at least one reason (Art. 11: 明确告知不通过原因)')
  .max(20);
const comment = z.string().trim().max(1000).optional();
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

/** Art. 38 para 3: the separation as the conclusion found it, and what that rests on. */
export const SeparationFindingSchema = z.strictObject({
  involuntary: z.boolean({ message: 'must say whether the separation was not by the person’s own will (Art. 34)' }),
  basis: z.enum(['termination_certificate', 'written_commitment'], {
    message: 'must say what it rests on: termination_certificate or written_commitment (Art. 38 para 3)',
  }),
});

/**
 * What a correction carries out, by what was objected to (Art. 13: 确定存在问题的，及时进行更正):
 *   reopen               a refusal or review result found wrong: the case is reopened at the step named, under the
 *                        facts the conclusion found (a separation reason on a termination certificate, Art. 38 para 3)
 *   contribution_record  the entitlement record found wrong (deemed contribution months, Art. 35): a record correction,
 *                        confirmed on three levels by three people (Art. 28) before the case is determined again
 *   resume               a stop decision found wrong: payment resumes from a month (Art. 42)
 */
export const ObjectionCorrectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('reopen'),
    step: z.enum(['acceptance', 'determination'], {
      message: 'must name the step the case is reopened at: acceptance or determination',
    }),
    separation: SeparationFindingSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('contribution_record'),
    deemedContributionMonths: z.number().int().min(1, 'must be at least 1 month').max(600),
  }),
  z.strictObject({ kind: z.literal('resume'), fromMonth: month.optional() }),
]);
export type ObjectionCorrection = z.infer<typeof ObjectionCorrectionSchema>;

/** Which corrections fit which subject (Art. 13): checked when the conclusion is given. */
export const CORRECTIONS_BY_SUBJECT: Record<string, readonly ObjectionCorrection['kind'][]> = {
  refusal: ['reopen', 'contribution_record'],
  review_result: ['reopen', 'contribution_record'],
  determination: ['contribution_record'],
  stop_decision: ['resume'],
};

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
      court: z.string().trim().min(2, 'must name the court').max(100),
      filedOn: z.iso.date({ message: 'must be a date YYYY-MM-DD' }),
      comment,
    }),
    z.strictObject({ decision: z.literal('not_pursued'), reasons, comment }),
  ])
  .meta({
    id: 'LitigationForm',
    description: '依法提起民事诉讼: filed (court, date), or not pursued with the reasons (Art. 43)',
  });
export type LitigationForm = z.infer<typeof LitigationFormSchema>;
