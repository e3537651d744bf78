/**
 * The requests of the register of insured persons (Art. 19-22): one zod schema each is the TypeScript type, the
 * runtime validation and the OpenAPI document. Every field error names the field and the rule in Chinese; unknown
 * fields are refused.
 */
import { z } from 'zod';
import { MAINLAND_MOBILE_PATTERN, validateIdentityDocument } from '../../domain/identity';
import {
  PERSON_ID_TYPE_LABELS,
  PERSON_ID_TYPES,
  PERSON_IDENTITY_ITEMS,
  PERSON_SELF_SERVICE_ITEMS,
  SEX_LABELS,
  TERMINATION_REASON_LABELS,
  TERMINATION_REASONS,
} from '../../domain/register/items';
import { disagreementsWithIdNumber } from '../../domain/register/persons';
import { FORMAT } from '../formats';
import { personName } from '../claims/schema';
import { writtenAtLeast } from '../../domain/written-text';

const isoDate = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });
const channel = z.enum(['online', 'window']).meta({ description: 'Art. 8: 网上服务平台 (agent) or 经办窗口 (clerk)' });

/** GB 11643: 18 characters, a real birth date, the check character; a mainland address code. */
const idNumber = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((v, ctx) => {
    const check = validateIdentityDocument('resident_id_card', v);
    if (!check.valid) ctx.addIssue({ code: 'custom', message: check.message, params: { rule: check.reason } });
  })
  .meta({ format: FORMAT.mainlandId, description: 'GB 11643 公民身份号码 with its check character' });

const mobile = z.string().trim().regex(MAINLAND_MOBILE_PATTERN, '联系方式须为11位大陆手机号码（1[3-9]开头）');
const place = (label: string) =>
  z
    .string()
    .regex(writtenAtLeast(4), { error: `请填写完整的${label}`, abort: true })
    .trim()
    .min(4, `请填写完整的${label}`)
    .max(200);

/** The declared sex and birth date must be what the ID number says (Art. 19). */
function agreeWithIdNumber(
  p: { idNumber?: string | undefined; sex?: 'male' | 'female' | undefined; birthDate?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!p.idNumber || !validateIdentityDocument('resident_id_card', p.idNumber).valid) return;
  for (const d of disagreementsWithIdNumber(p.idNumber, p)) {
    ctx.addIssue({ code: 'custom', path: [d.path], message: d.message, params: { rule: d.rule } });
  }
}

/** Art. 19: 个人参保登记, every item, with the day of hiring (用工之日). */
export const PersonRegistrationSchema = z
  .strictObject({
    channel,
    idType: z.enum(PERSON_ID_TYPES, {
      message: `证件类型须为以下之一：${PERSON_ID_TYPES.map((t) => `${t}（${PERSON_ID_TYPE_LABELS[t]}）`).join('、')}`,
    }),
    idNumber,
    name: personName(),
    sex: z.enum(['male', 'female'], {
      message: `性别须为 male（${SEX_LABELS.male}）或 female（${SEX_LABELS.female}）`,
    }),
    birthDate: isoDate,
    phone: mobile,
    hukouDivision: z
      .string()
      .regex(/^\d{6}$/, '户籍所在地须为6位行政区划代码')
      .meta({ description: '户籍所在地: the administrative division code (GB/T 2260)' }),
    hukouAddress: place('户籍地址'),
    residence: place('居住地'),
    insuredSince: isoDate.meta({
      description: '参加保险时间; for a person in the register already, the register keeps its own',
    }),
    hiredOn: isoDate.meta({ description: '用工之日: the registration is due within 30 days of it (Art. 19)' }),
  })
  .superRefine(agreeWithIdNumber)
  .meta({ id: 'PersonRegistration', description: '个人参保登记 (Art. 19)' });
export type PersonRegistration = z.infer<typeof PersonRegistrationSchema>;

/** Art. 20 para 1: name, birth date and ID number, changed by a clerk after checking the new identity document. */
export const PersonIdentityChangeSchema = z
  .strictObject({
    name: personName().optional(),
    birthDate: isoDate.optional(),
    idNumber: idNumber.optional(),
    documentChecked: z.literal(true, { message: '须审核参保人员变更后的有效身份证件（第二十条）' }).meta({
      description: 'Art. 20: the clerk checked the new identity document',
    }),
  })
  .superRefine((c, ctx) => {
    if (!PERSON_IDENTITY_ITEMS.some((k) => c[k] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: '请至少填写姓名、出生日期或证件号码中的一项',
        params: { rule: 'nothing_to_change' },
      });
    }
  })
  .meta({
    id: 'PersonIdentityChange',
    description: '个人重要信息变更，审核无误后即时办结 (Art. 20 para 1)',
    // The document states the rule the superRefine holds: at least one of the items (nothing_to_change).
    anyOf: PERSON_IDENTITY_ITEMS.map((k) => ({ required: [k] })),
  });
export type PersonIdentityChange = z.infer<typeof PersonIdentityChangeSchema>;

/**
 * Art. 20 para 2: the residence and phone, changed by the person online. The important items are named with their
 * rule, so the person learns they need the agency's review.
 */
export const PersonSelfServiceChangeSchema = z
  .object({ residence: place('居住地').optional(), phone: mobile.optional() })
  .catchall(z.unknown())
  .superRefine((c, ctx) => {
    for (const key of Object.keys(c)) {
      if ((PERSON_SELF_SERVICE_ITEMS as readonly string[]).includes(key)) continue;
      const reviewed = (PERSON_IDENTITY_ITEMS as readonly string[]).includes(key);
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: reviewed ? '姓名、出生日期、证件号码的变更须由经办机构审核有效身份证件后办理（第二十条）' : '未知字段',
        params: { rule: reviewed ? 'change_needs_review' : 'unknown_field' },
      });
    }
    if (!PERSON_SELF_SERVICE_ITEMS.some((k) => c[k] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: '请至少填写一项变更内容',
        params: { rule: 'nothing_to_change' },
      });
    }
  })
  .meta({ id: 'PersonSelfServiceChange', description: '居住地址、联系电话，本人网上自行变更 (Art. 20 para 2)' });
export type PersonSelfServiceChange = { residence?: string; phone?: string };

/** Art. 22: retirement, emigration or death, and the day. */
export const PersonTerminationSchema = z
  .strictObject({
    channel,
    reason: z.enum(TERMINATION_REASONS, {
      message: `终止原因须为以下之一：${TERMINATION_REASONS.map((r) => `${r}（${TERMINATION_REASON_LABELS[r]}）`).join('、')}`,
    }),
    on: isoDate.meta({ description: 'The day of the retirement, emigration or death' }),
  })
  .meta({ id: 'PersonTermination', description: '终止参保 (Art. 22, 33)' });
export type PersonTermination = z.infer<typeof PersonTerminationSchema>;

/** Find a person by the ID number, in the body (never in a URL, Art. 30). */
export const PersonSearchSchema = z.strictObject({ idNumber }).meta({
  id: 'PersonSearch',
  description: 'A person found by the ID number (Art. 30: in the body, never in the URL)',
});

export const PersonNumberParamSchema = z.object({
  personNumber: z.string().regex(/^\d{16}$/, '个人编号须为16位数字'),
});

export const StaffListQuerySchema = z.strictObject({
  status: z.enum(['insured', 'ended', 'all'], { message: '须为 insured（在册）、ended（已减少）或 all' }).optional(),
});
