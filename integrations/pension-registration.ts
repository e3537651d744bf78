/**
 * The pension registration (企业职工基本养老保险 / 机关事业单位养老保险参保登记), with which the unemployment-insurance
 * registration is coordinated (Art. 15: 与养老保险对应业务协同办理): consulted (is the employer registered there
 * already?) and informed (the registration pushed). Served under the pension source's prefix; the calls are methods
 * of `PensionClient` (integrations/pension.ts).
 */
import { z } from 'zod';
import { dateSchema, divisionCodeSchema, usccSchema } from './schemas';

/** The employer as the pension registration has it. */
export const pensionEmployerRegistrationSchema = z.object({
  uscc: z.string(),
  /** 养老保险单位编号. */
  unitNumber: z.string(),
  agencyDivisionCode: divisionCodeSchema,
  registeredDate: dateSchema,
});
export type PensionEmployerRegistration = z.infer<typeof pensionEmployerRegistrationSchema>;

/** Art. 15: the unemployment-insurance registration pushed to the pension registration. Idempotent by USCC. */
export const pensionEmployerRegistrationRequestSchema = z.object({
  uscc: usccSchema,
  name: z.string().min(1).max(200),
  agencyDivisionCode: divisionCodeSchema,
  registeredDate: dateSchema,
  /** The unemployment-insurance register number (单位编号) the pension side keeps as the reference. */
  unemploymentRegisterNumber: z.string().min(1).max(16),
});
export type PensionEmployerRegistrationRequest = z.infer<typeof pensionEmployerRegistrationRequestSchema>;

export const pensionEmployerRegistrationAnswerSchema = pensionEmployerRegistrationSchema.extend({
  /** True when the employer was registered there before this request (a retry, or registered on its own). */
  duplicate: z.boolean(),
});
export type PensionEmployerRegistrationAnswer = z.infer<typeof pensionEmployerRegistrationAnswerSchema>;

/**
 * Art. 15: a later step of the unemployment-insurance registration told to the pension registration (a reviewed change
 * of the name or USCC, a deregistration): the employer as it stands now, once per `noticeId`.
 */
export const pensionEmployerUpdateRequestSchema = z.object({
  noticeId: z.string().min(1).max(64),
  /** The USCC the pension registration knows the employer by (before a change of it). */
  uscc: usccSchema,
  /** The USCC now, when it changed. */
  newUscc: usccSchema.optional(),
  name: z.string().min(1).max(200),
  status: z.enum(['insured', 'deregistered']),
  endedOn: dateSchema.optional(),
});
export type PensionEmployerUpdateRequest = z.infer<typeof pensionEmployerUpdateRequestSchema>;

export const pensionEmployerUpdateAnswerSchema = z.object({ noticeId: z.string(), duplicate: z.boolean() });
export type PensionEmployerUpdateAnswer = z.infer<typeof pensionEmployerUpdateAnswerSchema>;
