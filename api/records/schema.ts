/** Requests of the entitlement record (Art. 9, 29-31): one zod schema each, for validation and the OpenAPI document. */
import { z } from 'zod';
import '../../domain/zod-locale';
import { RECORD_SECTIONS } from '../../domain/records/record';

/** Art. 9, 30: staff look at a record only with a stated reason, kept in the audit trail. */
// No trim(): the document states the rule as it is checked (at least two characters, one of them not blank).
const reason = z
  .string({ error: '须写明查询理由（第三十条）' })
  .min(2, '须写明查询理由（第三十条）')
  .max(200, '查询理由不超过200字')
  .regex(/\S/, '须写明查询理由（第三十条）');

export const StaffLookQuerySchema = z.object({ reason: reason.optional() });
/** As documented: staff give the reason (the employer's agent may leave it out: its own staff). */
export const StaffLookQueryDocSchema = z
  .object({ reason })
  .meta({ id: 'RecordLookQuery', description: 'Staff: the reason for looking (Art. 9, 30), required' });

export const PersonNumberParamSchema = z.object({
  personNumber: z.string().regex(/^\d{6,16}$/, '须为个人编号'),
});
export const RegisterNumberParamSchema = z.object({
  registerNumber: z.string().regex(/^\d{6,16}$/, '须为单位编号'),
});

export const PersonRecordQueryBodySchema = z
  .strictObject({
    idNumber: z.string().regex(/^[0-9A-Za-z]{5,32}$/, '须为证件号码（5至32位字母或数字）'),
    reason,
  })
  .meta({
    id: 'PersonRecordQuery',
    description: 'A clerk at any agency of the province finds a record by ID (Art. 9)',
  });

export const RecordObjectionBodySchema = z
  .strictObject({
    /** person (default) | employer */
    kind: z.enum(['person', 'employer']).default('person'),
    /** online: the person or the employer's agent; window: an intake clerk. */
    channel: z.enum(['online', 'window']),
    /** A clerk at a window names whose record. */
    personNumber: z
      .string()
      .regex(/^\d{6,16}$/, '须为个人编号')
      .optional(),
    registerNumber: z
      .string()
      .regex(/^\d{6,16}$/, '须为单位编号')
      .optional(),
    sections: z
      .array(z.enum(RECORD_SECTIONS, { message: `须为 ${RECORD_SECTIONS.join('、')} 之一` }))
      .min(1, '须至少指明一项有异议的记录')
      .max(RECORD_SECTIONS.length),
    statement: z
      .string()
      .min(10, '请写明异议的内容和理由（不少于10字，第三十一条）')
      .max(2000)
      .regex(/\S/, '请写明异议的内容和理由（第三十一条）'),
    materials: z.array(z.string().min(1).max(100).regex(/\S/, '须写明材料名称')).max(20).default([]),
    /** Where the outcome is told (a window objection by an employer: its contact). */
    phone: z
      .string()
      .regex(/^1[3-9]\d{9}$/, '须为11位手机号码')
      .optional(),
  })
  .meta({ id: 'RecordObjection', description: '权益记录核查申请 (Art. 31 para 2)' });
export type RecordObjectionBody = z.infer<typeof RecordObjectionBodySchema>;

export const VerificationCodeParamSchema = z.object({ code: z.string().min(1).max(32) });
