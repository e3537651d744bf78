/**
 * 个人缴费记录修改 (Art. 28): what a correction of a person's contribution record changes, as one zod schema shared by
 * the application (api/contribution-corrections), the record dispute's check form (Art. 31, domain/forms.ts) and the
 * OpenAPI document; and the three levels it is decided on. Pure and workflow-safe.
 *
 *   create  补建: the person contributed for a month with an employer and no record of it exists
 *   amend   补记、更改: the record exists and is wrong (its base, the amount paid, the month's employer)
 */
import { z } from 'zod';
import './zod-locale';
import { receiptFollowsMonth } from './contributions';
import { isValidUscc } from './identity';
import type { StaffRole } from './access';
import type { TaskStep } from './tasks';

export const CONTRIBUTION_CORRECTION_KINDS = ['create', 'amend'] as const;
export type ContributionCorrectionKind = (typeof CONTRIBUTION_CORRECTION_KINDS)[number];

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '须为费款所属期（YYYY-MM）');
const uscc = z.string().refine(isValidUscc, '须为统一社会信用代码（18位，GB 32100）');
const fen = z
  .number({ error: '须为以分计的金额' })
  .int('须为整数分')
  .min(0, '不得为负数')
  .max(100_000_000_00, '金额过大');
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '须为日期（YYYY-MM-DD）')
  .refine((v) => !Number.isNaN(Date.parse(v)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), '须为日期');

/**
 * The change asked for: the record (month, employer) and its values after the correction (Art. 25's contents), field
 * by field. The rules across fields are `contributionChangeProblems` (the API answers them with a 422).
 */
export const ContributionChangeFields = z.strictObject({
  kind: z.enum(CONTRIBUTION_CORRECTION_KINDS, { message: '须为 create（补建）或 amend（补记、更改）' }),
  month,
  /** The employer of the record (create: of the new record). */
  employerUscc: uscc,
  /** amend: the month's employer after the correction, when it is the employer that was wrong. */
  newEmployerUscc: uscc.optional(),
  /** The employer's name on the new record (create, or a new employer). No trim(): the rule as it is checked. */
  employerName: z.string().min(1, '不能为空').max(200).regex(/\S/, '不能为空').optional(),
  baseFen: fen.meta({ description: '缴费基数（分）' }),
  amountPaidFen: fen.meta({ description: '实际缴费金额（分）' }),
  receiptDate: date.meta({ description: '到账日期', format: 'date' }),
});

/** The rules across the change's fields (Art. 25, 28), each naming its field; empty when it holds together. */
export function contributionChangeProblems(
  c: z.infer<typeof ContributionChangeFields>,
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!receiptFollowsMonth(c.month, c.receiptDate))
    out.push({ path: 'receiptDate', message: '到账日期不得早于费款所属期（第二十五条）' });
  if (c.kind === 'create' && !c.employerName)
    out.push({ path: 'employerName', message: '补建缴费记录须写明参保单位名称（第二十五条）' });
  if (c.kind === 'create' && c.newEmployerUscc)
    out.push({ path: 'newEmployerUscc', message: '补建缴费记录只写 employerUscc' });
  if (c.newEmployerUscc && c.newEmployerUscc !== c.employerUscc && !c.employerName)
    out.push({ path: 'employerName', message: '更改所属单位须写明新单位名称（第二十五条）' });
  return out;
}

/** The change with its rules across fields: the record check's form (Art. 31) refuses it whole. */
export const ContributionChangeSchema = ContributionChangeFields.superRefine((c, ctx) => {
  for (const p of contributionChangeProblems(c)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
}).meta({ id: 'ContributionChange', description: '个人缴费记录修改的内容：补建、补记或更改 (Art. 25, 28)' });
export type ContributionChange = z.infer<typeof ContributionChangeSchema>;

const documentId = (what: string) => z.uuid({ message: `须为${what}的材料编号` });

/** Art. 28: the evidence the window checks, each a document held for the person (by its ID). */
export const ContributionEvidenceSchema = z
  .strictObject({
    labourContract: documentId('劳动合同（聘用合同）'),
    identity: documentId('参保人有效身份证件'),
    paymentProof: documentId('原已缴纳失业保险费的有效资料'),
  })
  .meta({
    id: 'ContributionEvidence',
    description: '劳动合同（聘用合同）、参保人有效身份证件和原已缴纳失业保险费的有效资料 (Art. 28)',
  });
export type ContributionEvidence = z.infer<typeof ContributionEvidenceSchema>;

/** The document kind each piece of evidence must be (domain/documents.ts). */
export const EVIDENCE_KINDS = {
  labourContract: 'labour_contract',
  identity: 'identity_verification',
  paymentProof: 'contribution_proof',
} as const satisfies Record<keyof ContributionEvidence, string>;

/** Art. 28 初审、复核、审批: the three levels, each by a different person (岗位不相容, domain/tasks.ts). */
export const CORRECTION_LEVELS: readonly {
  step: TaskStep;
  role: StaffRole;
  dueKey: string;
  /** The status while the level is open. */
  status: ContributionCorrectionStatus;
}[] = [
  { step: 'review', role: 'reviewer', dueKey: 'task.claimReview', status: 'awaiting_review' },
  {
    step: 'second_review',
    role: 'second_reviewer',
    dueKey: 'task.claimSecondReview',
    status: 'awaiting_second_review',
  },
  { step: 'approve', role: 'approver', dueKey: 'task.claimApproval', status: 'awaiting_approval' },
];

export type ContributionCorrectionStatus =
  | 'awaiting_review'
  | 'awaiting_second_review'
  | 'awaiting_approval'
  | 'applied'
  | 'rejected'
  | 'conflict'
  | 'cancelled';

/** The values of a record a correction shows beside the new ones. */
export interface RecordValues {
  employerUscc: string;
  employerName: string;
  baseFen: number;
  amountPaidFen: number;
  receiptDate: string;
  version: number;
}
