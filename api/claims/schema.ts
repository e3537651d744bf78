/**
 * POST /claims: an unemployment-benefit claim (失业保险金申领, Art. 34-36, 39, 96). One zod schema is the TypeScript
 * type, the runtime validation and the OpenAPI document. Unknown fields are refused.
 */
import { z } from 'zod';
import {
  IDENTITY_DOCUMENT_KINDS,
  MAINLAND_MOBILE_PATTERN,
  isValidUscc,
  validateIdentityDocument,
} from '../../domain/identity';
import { CASE_NUMBER_PATTERN } from '../../domain/case-number';
import { separationReasonSchema } from '../../domain/separation';
import {
  documentBirthDate,
  organisationNameProblem,
  personNameProblem,
  separationDateProblem,
  socialSecurityCardNumberProblem,
  type RuleBroken,
} from '../../domain/plausibility';
import { FORMAT, ID_DOCUMENT_VARIANTS } from '../formats';
import { writtenAtLeast } from '../../domain/written-text';

export const IdTypeSchema = z.enum(IDENTITY_DOCUMENT_KINDS).meta({
  description: 'Art. 96 身份证件: 居民身份证, 社会保障卡, 港澳台居民居住证, 外国人永久居留身份证, 中国护照, 外国护照',
});

export const SeparationReasonSchema = separationReasonSchema.meta({
  description: "Why employment ended (Art. 34: only a separation not by the person's own will qualifies)",
});

const isoDate = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });

/** A plausibility rule broken (domain/plausibility.ts): its text for people and its stable code on the field error. */
export function addBroken(ctx: z.RefinementCtx, path: PropertyKey[], broken: RuleBroken | null): void {
  if (broken) ctx.addIssue({ code: 'custom', path, message: broken.message, params: { rule: broken.code } });
}

/** A trimmed, non-empty text of at most `max` characters that must also keep a plausibility rule. */
const keeping = (max: number, problem: (v: string) => RuleBroken | null, format: string) =>
  z
    .string()
    .trim()
    .min(1, '不能为空')
    .max(max)
    .superRefine((v, ctx) => {
      if (v) addBroken(ctx, [], problem(v));
    })
    .meta({ format });

/** A person's name (Art. 96): letters and the middle dot of minority names; no digits, symbols or markup. */
export const personName = (max = 64) => keeping(max, personNameProblem, FORMAT.personName);

/** An organisation's name as registered: no markup or control characters. */
export const organisationName = (max: number) => keeping(max, organisationNameProblem, FORMAT.organisationName);

/** A unified social credit code (GB 32100) with its check character. */
export const usccSchema = (message: string) =>
  z.string().trim().toUpperCase().refine(isValidUscc, message).meta({ format: FORMAT.uscc });

/** A person who applies or is paid: an Art. 96 identity document checked by its format, name and mobile. */
export const PersonSchema = z
  .strictObject({
    idType: IdTypeSchema,
    idNumber: z.string().trim().toUpperCase().min(5, '过短').max(32),
    name: personName(),
    phone: z.string().trim().regex(MAINLAND_MOBILE_PATTERN, '须为11位大陆手机号码（1[3-9]开头）'),
  })
  .superRefine((a, ctx) => {
    // Art. 96: each kind of document by its format (GB 11643 check character and birth date for the 18-digit ones).
    const check = validateIdentityDocument(a.idType, a.idNumber);
    if (!check.valid) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: check.message });
  })
  .meta(ID_DOCUMENT_VARIANTS);

const ACCOUNT_DIGITS = /^\d{12,30}$/;

/**
 * Art. 39: where a payment goes — the social security card first, else a bank account (with its bank); `extra` are
 * fields both methods take. One variant per method, so the document states each one's rule: a social security card's
 * number in its format (api/formats.ts: a UnionPay number with its Luhn digit), a bank account's as a pattern, with its
 * bank required.
 */
export const paymentAccount = <E extends z.ZodRawShape>(extra: E) =>
  z.discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('social_security_card').meta({ description: 'Art. 39: social security card first' }),
      bankName: z
        .string()
        .regex(writtenAtLeast(1), { error: '不能只填空白', abort: true })
        .trim()
        .min(1)
        .max(64)
        .optional(),
      accountNumber: z
        .string()
        .trim()
        .refine((v) => ACCOUNT_DIGITS.test(v), '须为12至30位数字')
        // Art. 39: a social security card's number is a UnionPay card number with its check digit.
        .superRefine((v, ctx) => {
          if (ACCOUNT_DIGITS.test(v)) addBroken(ctx, [], socialSecurityCardNumberProblem(v));
        })
        .meta({ format: FORMAT.unionpayCard }),
      ...extra,
    }),
    z.strictObject({
      method: z.literal('bank_account'),
      bankName: z
        .string({ error: (iss) => (iss.input === undefined ? '发放方式为银行账户时必填' : undefined) })
        .trim()
        .min(1, '发放方式为银行账户时必填')
        .max(64),
      accountNumber: z.string().trim().regex(ACCOUNT_DIGITS, '须为12至30位数字'),
      ...extra,
    }),
  ]);

export const PaymentAccountSchema = paymentAccount({});

export const ClaimRequestSchema = z
  .strictObject({
    channel: z.enum(['online', 'window', 'kiosk']).meta({ description: 'Art. 35 申领渠道' }),
    applicant: PersonSchema,
    employer: z.strictObject({
      uscc: usccSchema('must be an 18-character unified social credit code with a valid GB 32100 check character'),
      name: organisationName(128),
    }),
    separation: z.strictObject({
      date: isoDate.meta({
        // The first rule as a pattern (the document states it; 1999-01-22 or later); the second depends on the ID number.
        pattern: '^(?:1999-01-(?:2[2-9]|3[01])|1999-(?:0[2-9]|1[0-2])-\\d{2}|[2-9]\\d{3}-\\d{2}-\\d{2})$',
        description:
          'Date employment ended (Asia/Shanghai); not before 1999-01-22 (《失业保险条例》) nor before the applicant turned 16',
      }),
      reason: SeparationReasonSchema,
    }),
    payingLocality: z.strictObject({
      basis: z.enum(['last_insured', 'hukou']).meta({ description: 'Art. 35 最后参保地 or 户籍所在地' }),
      agencyCode: z
        .string()
        .regex(/^\d{6}$/, '须为6位行政区划代码')
        .meta({ description: 'Division code of the paying agency (Art. 36, 39)', example: '210100' }),
    }),
    payment: PaymentAccountSchema,
  })
  .superRefine((c, ctx) => {
    // Art. 34: the separation within the span contributions can exist (the birth date from the ID number).
    if (/^\d{4}-\d{2}-\d{2}$/.test(c.separation.date)) {
      const birth = documentBirthDate(c.applicant.idType, c.applicant.idNumber);
      addBroken(ctx, ['separation', 'date'], separationDateProblem(c.separation.date, birth));
    }
  })
  .meta({ id: 'ClaimRequest', description: '失业保险金申领 (Art. 34-36)' });

export type ClaimRequest = z.infer<typeof ClaimRequestSchema>;

export const ClaimCreatedSchema = z
  .object({
    caseNumber: z.string().meta({ example: 'SYJ-2026-210100-7K3M9Q2XHD' }),
    status: z.string().meta({ example: 'awaiting_acceptance' }),
  })
  .meta({ id: 'ClaimCreated' });

export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{8,128}$/, '须为8至128个可打印的英文字符')
  .optional();

export const CaseNumberParamSchema = z.object({
  // A pattern, not a refinement, so the OpenAPI document says what is enforced (issue 21).
  caseNumber: z.string().regex(CASE_NUMBER_PATTERN, '须为案件编号，如 SYJ-2026-210100-7K3M9Q2XHD'),
});
