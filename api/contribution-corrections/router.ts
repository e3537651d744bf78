/**
 * 个人缴费记录修改 (Art. 28): a person's contribution record created, added or amended, its own case (JFX-…).
 *
 *   POST /contribution-corrections              the application at the window: the person, the change, the reason
 *                                               and the evidence (labour contract, identity, proof of payment: the
 *                                               IDs of documents held for the person); Idempotency-Key
 *   GET  /contribution-corrections/:caseNumber  the correction: the record's old and new values, the evidence, who
 *                                               decided each level, and the record's versions of the month
 *
 * The case, the application and its audit entry are written in one transaction, then its workflow starts (初审、复核、
 * 审批 by three people, workflows/record-correction.ts); if it cannot start, the rows are removed again (503):
 * nothing is left half-written. A retried Idempotency-Key answers the case it created.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { agencyCovers } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { CASE_NUMBER_PATTERN, formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import {
  ContributionChangeFields,
  contributionChangeProblems,
  ContributionEvidenceSchema,
  EVIDENCE_KINDS,
  type ContributionEvidence,
} from '../../domain/contribution-correction';
import { DOCUMENT_KINDS } from '../../domain/documents';
import { maskTail } from '../../domain/identity';
import { STEP_NAMES } from '../../domain/tasks';
import type { Db } from '../../lib/db';
import { isoDate } from '../../lib/db';
import { audit } from '../../lib/audit';
import { openCase } from '../../lib/case-store';
import { contributionRecordsOf } from '../../activities/contributions';
import { correctionRow, currentRecord } from '../../activities/contribution-correction';
import type { RecordCorrectionInput } from '../../contracts/record-correction';
import { currentUser, requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ApiError, ErrorBodySchema, parseOr400 } from '../errors';
import { IdempotencyKeySchema } from '../claims/schema';
import { FORMAT } from '../formats';
import { startCaseOrTakeBack } from '../case-start';

/** Art. 28: the application is received at the window (经办窗口受理). */
export const CORRECTION_APPLICANTS = ['intake'] as const;
/** Who reads a correction: the window, the three levels, audit and supervision. */
export const CORRECTION_READERS = [
  'intake',
  'reviewer',
  'second_reviewer',
  'approver',
  'auditor',
  'supervisor',
] as const;

export const ContributionCorrectionRequestSchema = z
  .strictObject({
    personNumber: z.string().regex(/^\d{6,16}$/, '须为个人编号'),
    // The employers by their code as the document names its format (api/formats.ts); the rules across fields: 422.
    change: ContributionChangeFields.extend({
      employerUscc: ContributionChangeFields.shape.employerUscc.meta({ format: FORMAT.uscc }),
      newEmployerUscc: ContributionChangeFields.shape.newEmployerUscc.unwrap().meta({ format: FORMAT.uscc }).optional(),
    }).meta({ id: 'ContributionChangeRequest', description: '个人缴费记录修改的内容：补建、补记或更改 (Art. 25, 28)' }),
    // No trim(): the rule as it is checked (four characters, one of them not blank).
    reason: z
      .string()
      .min(4, '须写明申请补建、补记或更改的理由（第二十八条）')
      .max(1000)
      .regex(/\S/, '须写明申请补建、补记或更改的理由（第二十八条）'),
    evidence: ContributionEvidenceSchema,
  })
  .meta({
    id: 'ContributionCorrectionRequest',
    description: '个人缴费记录修改申请：补建、补记或更改，附劳动合同、身份证件和缴费资料 (Art. 28)',
  });

export const ContributionCorrectionParamSchema = z.object({
  caseNumber: z.string().regex(CASE_NUMBER_PATTERN, '须为案件编号，如 JFX-2026-210100-7K3M9Q2XHD'),
});

const CreatedSchema = z.object({ caseNumber: z.string(), status: z.string() });

export function contributionCorrectionsRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  router.post('/contribution-corrections', requireRole(...CORRECTION_APPLICANTS), async (req, res) => {
    const user = currentUser(req);
    const key = parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
    const b = parseOr400(ContributionCorrectionRequestSchema, req.body);
    const requestKey = key ? createHash('sha256').update(`user:${user.id}|${key}`).digest('hex') : null;
    if (requestKey) {
      const earlier = await db.contributionCorrection.findUnique({ where: { requestKey } });
      if (earlier) return void res.status(200).json({ caseNumber: earlier.caseNumber, status: earlier.status });
    }
    const person = await db.insuredPerson.findUnique({ where: { personNumber: b.personNumber } });
    if (!person || !agencyCovers(user.agencyCode, person.agencyCode)) {
      throw new ApiError(422, 'person_not_registered', '您所在经办机构的管辖范围内没有此个人编号的参保人员', [
        { path: 'personNumber', message: '须为已登记的参保人员的个人编号（第十九条）' },
      ]);
    }
    const ch = { ...b.change, ...(b.change.employerName ? { employerName: b.change.employerName.trim() } : {}) };
    const inconsistent = contributionChangeProblems(ch).map((p) => ({ ...p, path: `change.${p.path}` }));
    if (inconsistent.length)
      throw new ApiError(
        422,
        'change_inconsistent',
        '申请修改的内容前后不一致（第二十五条、第二十八条）',
        inconsistent,
      );
    const current = await currentRecord(db, person.idNumber, ch.month, ch.employerUscc);
    if (ch.kind === 'create' && current) {
      throw new ApiError(409, 'record_exists', '该月份已有此单位的缴费记录，请申请补记或更改（amend）', [
        { path: 'change.kind', message: '该月份已有缴费记录，须为 amend（第二十八条）' },
      ]);
    }
    if (ch.kind === 'amend' && !current) {
      throw new ApiError(422, 'record_not_found', '该月份没有此单位的缴费记录，请申请补建（create）', [
        { path: 'change.kind', message: '该月份没有缴费记录，须为 create（第二十八条）' },
      ]);
    }
    if (
      current &&
      (ch.newEmployerUscc ?? ch.employerUscc) === current.employerUscc &&
      ch.baseFen === current.baseFen &&
      ch.amountPaidFen === current.amountPaidFen &&
      ch.receiptDate === current.receiptDate &&
      (ch.employerName ?? current.employerName) === current.employerName
    ) {
      throw new ApiError(422, 'no_change', '申请的内容与现有缴费记录相同', [
        { path: 'change', message: '须与现有缴费记录不同（第二十八条）' },
      ]);
    }
    // Art. 28: the window checks the labour contract, the identity and the proof of payment: documents held for this
    // person, each of its kind.
    const ids = Object.values(b.evidence);
    const docs = await db.document.findMany({ where: { id: { in: ids } } });
    const wrong = (Object.keys(EVIDENCE_KINDS) as (keyof ContributionEvidence)[]).flatMap((field) => {
      const d = docs.find((x) => x.id === b.evidence[field]);
      const kind = EVIDENCE_KINDS[field];
      if (d && d.kind === kind && d.personIdNumber === person.idNumber) return [];
      return [{ path: `evidence.${field}`, message: `须为此人的「${DOCUMENT_KINDS[kind].label}」材料（第二十八条）` }];
    });
    if (wrong.length) throw new ApiError(422, 'evidence_invalid', '申请材料不符合要求（第二十八条）', wrong);

    const at = now();
    const caseNumber = formatCaseNumber(
      'contribution_correction',
      Number(businessDateOf(at).slice(0, 4)),
      person.agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    await db.$transaction(async (tx) => {
      await openCase(tx, {
        caseNumber,
        caseType: 'contribution_correction',
        status: 'awaiting_review',
        agencyCode: person.agencyCode,
        at,
        event: {
          type: 'contribution_correction_requested',
          actor: user.username,
          data: { month: ch.month, kind: ch.kind, article: 'Art. 28' },
        },
        ifOpen: 'fail',
      });
      await tx.contributionCorrection.create({
        data: {
          ...correctionRow(caseNumber, person.idNumber, person.personNumber, person.agencyCode, ch, current),
          reason: b.reason.trim(),
          evidence: b.evidence,
          requestedById: user.id,
          requestedBy: user.username,
          requestedAt: at,
          requestKey,
        },
      });
      await audit(tx, {
        actor: { id: user.id, username: user.username },
        action: 'contribution_correction_requested',
        entity: 'contribution_correction',
        entityId: caseNumber,
        caseNumber,
        after: { kind: ch.kind, month: ch.month, evidence: b.evidence },
        reason: b.reason.trim(),
        at,
      });
    });
    const input: RecordCorrectionInput = { caseNumber, agencyCode: person.agencyCode };
    // Nothing half-written: without its workflow the application is taken back.
    await startCaseOrTakeBack(
      deps.temporal,
      {
        workflowType: 'recordCorrection',
        caseNumber,
        taskQueue: deps.taskQueue,
        args: [input],
        caseType: 'contribution_correction',
        agencyCode: person.agencyCode,
        status: 'awaiting_review',
      },
      async () => {
        await db.$transaction([
          db.contributionCorrection.delete({ where: { caseNumber } }),
          db.caseEvent.deleteMany({ where: { caseNumber } }),
          db.case.delete({ where: { caseNumber } }),
        ]);
      },
    );
    res.location(`/contribution-corrections/${caseNumber}`);
    res.status(201).json({ caseNumber, status: 'awaiting_review' });
  });

  router.get('/contribution-corrections/:caseNumber', requireRole(...CORRECTION_READERS), async (req, res) => {
    const user = currentUser(req);
    const { caseNumber } = parseOr400(ContributionCorrectionParamSchema, req.params, 'params');
    const c = await db.contributionCorrection.findUnique({ where: { caseNumber } });
    if (!c || !agencyCovers(user.agencyCode, c.agencyCode)) {
      throw new ApiError(404, 'case_not_found', `没有个人缴费记录修改案件${caseNumber}`);
    }
    const versions = await contributionRecordsOf(db, c.idNumber, c.month, c.month, { allVersions: true });
    const evidence = c.evidence as Partial<ContributionEvidence> & { objectionNumber?: string; materials?: string[] };
    res.json({
      caseNumber: c.caseNumber,
      personNumber: c.personNumber,
      idNumberMasked: maskTail(c.idNumber),
      kind: c.kind,
      month: c.month,
      old: c.oldValues ?? null,
      new: {
        employerUscc: c.newEmployerUscc,
        employerName: c.newEmployerName,
        baseFen: Number(c.baseFen),
        amountPaidFen: Number(c.amountPaidFen),
        receiptDate: isoDate(c.receiptDate),
      },
      reason: c.reason,
      evidence,
      objectionCaseNumber: c.objectionCaseNumber,
      status: c.status,
      levels: [
        { step: 'review', name: STEP_NAMES.review, by: c.reviewedBy },
        { step: 'second_review', name: STEP_NAMES.second_review, by: c.secondReviewedBy },
        { step: 'approve', name: STEP_NAMES.approve, by: c.status === 'applied' ? c.approvedBy : null },
      ],
      requestedBy: c.requestedBy,
      requestedAt: c.requestedAt.toISOString(),
      recordVersion: c.recordVersion,
      appliedAt: c.appliedAt?.toISOString() ?? null,
      // The record's versions of the month (the old ones kept: Art. 28 never edits in place).
      history: versions.map((v) => ({
        employerUscc: v.employerUscc,
        employerName: v.employerName,
        baseFen: v.contributionBaseFen,
        amountPaidFen: v.amountPaidFen,
        receiptDate: v.receiptDate,
        version: v.version,
        current: v.current,
        source: v.source,
        sourceRun: v.sourceRun,
        recordedAt: v.recordedAt,
      })),
    });
  });

  return router;
}

export function registerContributionCorrectionsOpenApi(
  registry: OpenAPIRegistry,
  options: OpenApiRouteOptions = {},
): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/contribution-corrections',
    summary: '个人缴费记录修改: apply to create, add or amend a month of a person’s record, with evidence (Art. 28)',
    tags: ['contributions'],
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema }),
      body: { required: true, content: json(ContributionCorrectionRequestSchema) },
    },
    responses: {
      201: { description: 'The correction case, awaiting 初审', content: json(CreatedSchema) },
      200: { description: 'A retried Idempotency-Key: the case it created', content: json(CreatedSchema) },
      400: error('Not valid: each field named with its rule'),
      403: error('Not an intake clerk (the window receives the application)'),
      409: error('record_exists: the month is recorded with the employer (apply to amend)'),
      422: error(
        'change_inconsistent: the receipt date before the month, no employer name for a new record (each field named); person_not_registered; record_not_found (apply to create); no_change; evidence_invalid: a document is not the person’s or not of its kind',
      ),
      503: error('Temporal is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/contribution-corrections/{caseNumber}',
    summary: 'A record correction: old and new values, evidence, levels, the month’s versions (Art. 28)',
    tags: ['contributions'],
    request: { params: ContributionCorrectionParamSchema },
    responses: {
      200: { description: 'The correction', content: json(z.object({}).loose()) },
      404: error('No such correction for you'),
    },
  });
}
