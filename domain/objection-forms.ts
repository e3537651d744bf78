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

/**
 * What a correction changes, by what was objected to: a determination is recalculated with the corrected information
 * (Art. 38 para 2); a stop decision is lifted from a month (Art. 42).
 */
export const ObjectionCorrectionSchema = z
  .strictObject({
    /** A determination: the deemed contribution months (视同缴费) the evidence proves. */
    deemedContributionMonths: z.number().int().min(0).max(600).optional(),
    /** A stop decision: the first month to pay again. */
    resumeFromMonth: month.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'must correct something');

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
