/**
 * The requests of the register (Art. 16, 17): one zod schema each is the TypeScript type and the runtime validation.
 * Every field error names the field and the rule in Chinese; unknown fields are refused.
 */
import { z } from 'zod';
import { MAINLAND_MOBILE_PATTERN, usccCheckChar, validateIdentityDocument } from '../../domain/identity';
import {
  CHANGE_DOCUMENT_LABELS,
  CHANGE_DOCUMENTS,
  ECONOMIC_TYPES,
  missingChangeDocuments,
  END_REASON_LABELS,
  END_REASONS,
  EMPLOYER_NATURE_LABELS,
  EMPLOYER_NATURES,
  INDUSTRIES,
  type EconomicType,
  type Industry,
  REVIEWED_ITEMS,
  SELF_SERVICE_ITEMS,
} from '../../domain/register/items';
import { addBroken, IdTypeSchema, organisationName, personName, usccSchema } from '../claims/schema';
import { FORMAT, ID_DOCUMENT_VARIANTS } from '../formats';
import { writtenText } from '../../domain/written-text';

const isoDate = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });

/** A telephone: a mainland mobile, or a landline with its area code (区号), e.g. 024-23456789. */
const telephone = z
  .string()
  .trim()
  .regex(
    new RegExp(`${MAINLAND_MOBILE_PATTERN.source}|^0\\d{2,3}-?\\d{7,8}$`),
    '须为11位手机号码，或带区号的固定电话（如024-23456789）',
  );

/** GB 32100: 18 characters of the code's alphabet, the last its check character. */
const uscc = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((v, ctx) => {
    if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(v)) {
      ctx.addIssue({
        code: 'custom',
        message: '统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成（GB 32100）',
        params: { rule: 'uscc_format' },
      });
    } else if (usccCheckChar(v.slice(0, 17)) !== v[17]) {
      ctx.addIssue({
        code: 'custom',
        message: '统一社会信用代码校验位不正确，请核对（GB 32100）',
        params: { rule: 'uscc_check_character' },
      });
    }
  })
  .meta({ format: FORMAT.uscc });

/** A person named in the registration (Art. 16 (三)(四)): identity document by its Art. 96 kind, and a contact. */
export const RegisteredPersonSchema = z
  .strictObject({
    name: personName(),
    idType: IdTypeSchema,
    idNumber: z.string().trim().toUpperCase().min(5, '过短').max(32),
    phone: telephone,
  })
  .superRefine((p, ctx) => {
    const check = validateIdentityDocument(p.idType, p.idNumber);
    if (!check.valid) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: check.message, params: { rule: check.reason } });
    }
  })
  .meta(ID_DOCUMENT_VARIANTS);

/** Art. 16 (二): the employer's bank account. */
export const EmployerBankAccountSchema = z.strictObject({
  bankName: writtenText(1, 100, '不能为空'),
  bankCode: z
    .string()
    .trim()
    .regex(/^\d{12}$/, '开户银行行号须为12位数字（支付系统行号）'),
  accountName: organisationName(200),
  // The digits only (the page takes out the spaces and dashes people type), so the document states the rule exactly.
  accountNumber: z
    .string()
    .trim()
    .regex(/^\d{12,30}$/, '银行账号应为12至30位数字'),
});

export const EmployerRegistrationSchema = z
  .strictObject({
    channel: z.enum(['online', 'window']).meta({ description: 'Art. 8: 网上服务平台 (agent) or 经办窗口 (clerk)' }),
    codeType: z.literal('uscc', { message: '暂只受理以统一社会信用代码登记' }),
    code: uscc,
    name: organisationName(200),
    nature: z.enum(EMPLOYER_NATURES, {
      message: `单位性质须为以下之一：${EMPLOYER_NATURES.map((n) => `${n}（${EMPLOYER_NATURE_LABELS[n]}）`).join('、')}`,
    }),
    economicType: z.enum(Object.keys(ECONOMIC_TYPES) as [EconomicType, ...EconomicType[]], {
      message: '经济类型须为GB/T 12402-2000的代码（如150 有限责任公司）',
    }),
    industry: z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]], {
      message: '单位行业须为GB/T 4754-2017的门类字母A至T',
    }),
    registrationAuthority: writtenText(1, 100, '不能为空'),
    foundedOn: isoDate,
    insuredSince: isoDate,
    address: writtenText(4, 200, '请填写完整的联系地址'),
    phone: telephone,
    email: z.email({ pattern: z.regexes.html5Email, message: '电子邮箱格式不正确' }).max(100),
    bankAccount: EmployerBankAccountSchema,
    legalRepresentative: RegisteredPersonSchema,
    agent: RegisteredPersonSchema,
    parentRegisterNumber: z
      .string()
      .regex(/^\d{14}$/, '上级单位的单位编号须为14位数字')
      .optional()
      .meta({ description: 'Art. 16 para 2: a branch names the employer it belongs to' }),
  })
  // Art. 16: insured from its founding, never before: a rule between two fields that JSON Schema cannot state, so the
  // route answers it 422 insured_before_founded (api/register/router.ts), documented on the operation.
  .meta({ id: 'EmployerRegistration', description: '单位参保登记 (Art. 16)' });
export type EmployerRegistration = z.infer<typeof EmployerRegistrationSchema>;

/**
 * Art. 17 para 2: what the agent changes online. The items of para 1 (name, code, bank account) are named with their
 * rule, so the agent learns they need the reviewed change.
 */
export const EmployerSelfServiceChangeSchema = z
  .object({
    address: writtenText(4, 200, '请填写完整的联系地址').optional(),
    phone: telephone.optional(),
    email: z.email({ pattern: z.regexes.html5Email, message: '电子邮箱格式不正确' }).max(100).optional(),
    legalRepresentative: RegisteredPersonSchema.optional(),
  })
  .catchall(z.unknown())
  .superRefine((c, ctx) => {
    for (const key of Object.keys(c)) {
      if ((SELF_SERVICE_ITEMS as readonly string[]).includes(key)) continue;
      const reviewed = (REVIEWED_ITEMS as readonly string[]).includes(key);
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: reviewed
          ? '单位名称、统一社会信用代码、银行账户信息须提供登记变更材料，经经办机构审核确认后变更（第十七条第一款）'
          : '未知字段',
        params: { rule: reviewed ? 'change_needs_review' : 'unknown_field' },
      });
    }
    if (!SELF_SERVICE_ITEMS.some((k) => c[k] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: '请至少填写一项变更内容',
        params: { rule: 'nothing_to_change' },
      });
    }
  });
export type EmployerSelfServiceChange = {
  address?: string;
  phone?: string;
  email?: string;
  legalRepresentative?: z.infer<typeof RegisteredPersonSchema>;
};

export const RegisterNumberParamSchema = z.object({
  registerNumber: z.string().regex(/^\d{14}$/, '单位编号须为14位数字'),
});

/** Art. 18: the employer ended (解散、破产、撤销、合并或其他情形) on `endedOn`; its registration is cancelled. */
export const EmployerDeregistrationSchema = z
  .strictObject({
    channel: z.enum(['online', 'window']).meta({ description: 'Art. 8: 网上服务平台 (agent) or 经办窗口 (clerk)' }),
    reason: z.enum(END_REASONS, {
      message: `注销原因须为以下之一：${END_REASONS.map((r) => `${r}（${END_REASON_LABELS[r]}）`).join('、')}`,
    }),
    endedOn: isoDate.meta({
      description: 'The day the employer ended (e.g. dissolved): 30 days to deregister from it',
    }),
  })
  .meta({ id: 'EmployerDeregistration', description: '单位注销登记 (Art. 18)' });
export type EmployerDeregistration = z.infer<typeof EmployerDeregistrationSchema>;

/**
 * Art. 17 para 1: a change of the name, the USCC or the bank account, with the kinds of supporting document supplied;
 * applied after the agency reviewed them.
 */
export const EmployerReviewedChangeSchema = z
  .strictObject({
    channel: z.enum(['online', 'window']).meta({ description: 'Art. 8: 网上服务平台 (agent) or 经办窗口 (clerk)' }),
    name: organisationName(200).optional(),
    code: uscc.optional(),
    bankAccount: EmployerBankAccountSchema.optional(),
    changedOn: isoDate.meta({ description: 'Art. 17: the day the items changed; to be declared within 30 days' }),
    documents: z
      .array(
        z.enum(CHANGE_DOCUMENTS, {
          message: `材料须为以下之一：${CHANGE_DOCUMENTS.map((d) => `${d}（${CHANGE_DOCUMENT_LABELS[d]}）`).join('、')}`,
        }),
      )
      .max(CHANGE_DOCUMENTS.length),
  })
  .superRefine((c, ctx) => {
    const items = (['name', 'code', 'bankAccount'] as const).filter((k) => c[k] !== undefined);
    if (!items.length) {
      addBroken(ctx, [], {
        code: 'nothing_to_change',
        message: '请至少填写单位名称、统一社会信用代码或银行账户中的一项',
      });
    }
    const missing = missingChangeDocuments(items, c.documents);
    if (missing.length) {
      addBroken(ctx, ['documents'], {
        code: 'documents_required',
        message: `须提供：${missing.map((d) => CHANGE_DOCUMENT_LABELS[d]).join('；')}（第十七条第一款）`,
      });
    }
  })
  .meta({ id: 'EmployerReviewedChange', description: '单位信息变更，须经审核 (Art. 17 para 1)' });
export type EmployerReviewedChange = z.infer<typeof EmployerReviewedChangeSchema>;

/** Staff's search of the register (Art. 16): by USCC, or by the start of the name (at least 2 characters). */
export const EmployerSearchSchema = z.strictObject({
  code: usccSchema('统一社会信用代码应为18位，校验位正确（GB 32100）').optional(),
  name: writtenText(2, 200, '单位名称至少输入2个字').optional(),
});
/** Art. 16: a search names the USCC or the start of the name (checked by the route: 422 `search_term_required`). */
export const searchTermGiven = (q: { code?: string; name?: string }) => q.code !== undefined || q.name !== undefined;
