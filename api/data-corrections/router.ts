/**
 * 数据维护 (issue 9 item 6; Art. 93): a manual correction of one field of a record, its own case.
 *
 *   POST /data-corrections               request it: the record, field, old and new value, the reason
 *   GET  /data-corrections/:caseNumber   the correction and where it stands
 *
 * Only the fields the province allows (policy/data-correction-field.json) may be corrected: another field is a 400
 * naming it. The case and the request are written in one transaction, then its workflow starts (review, approval by
 * another person, applied and audited); if the workflow cannot start, the rows are removed again and the answer is
 * 503: nothing is left half-written.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { agencyCovers } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { CASE_NUMBER_PATTERN, formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { maskTail } from '../../domain/identity';
import { personNameProblem } from '../../domain/plausibility';
import {
  approvalAgency,
  CORRECTABLE_FIELDS,
  CORRECTION_ENTITIES,
  correctionRule,
  type CorrectableField,
} from '../../domain/monitoring';
import type { PolicyStore } from '../../lib/policy-store';
import type { Db } from '../../lib/db';
import { currentUser, requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ApiError, ErrorBodySchema, parseOr400, validationError } from '../errors';
import { openCase } from '../../lib/case-store';
import { FORMAT } from '../formats';
import { MAINLAND_MOBILE_PATTERN } from '../../domain/identity';
import { writtenText } from '../../domain/written-text';
import { startCaseOrTakeBack } from '../case-start';

/** Who may ask for a correction; reviewers and approvers then decide (and the requester's role is not enough). */
export const CORRECTION_REQUESTERS = ['intake', 'reviewer', 'supervisor'] as const;
/** Who sees the values in full; others see them masked. */
const SEE_VALUES = ['reviewer', 'approver', 'auditor', 'supervisor'];

export const DataCorrectionRequestSchema = z
  .strictObject({
    entity: z.enum(CORRECTION_ENTITIES).meta({ description: 'The table of the record' }),
    caseNumber: z.string().regex(CASE_NUMBER_PATTERN, '须为案件编号，如 SYJ-2026-210100-7K3M9Q2XHD'),
    field: z.string().min(1).max(32).meta({ description: 'e.g. phone, accountNumber, bankName, name' }),
    oldValue: z.string().max(200).meta({ description: 'The value on record now (checked)' }),
    newValue: writtenText(1, 200, '不能为空'),
    reason: writtenText(4, 1000, '须说明为何不能通过正常业务流程更正（第九十三条）'),
  })
  .meta({
    id: 'DataCorrectionRequest',
    description: '数据维护 (Art. 93)',
    // The fields the code can correct, each with the rule of its new value (domain/monitoring.ts CORRECTABLE_FIELDS).
    oneOf: [
      { properties: { field: { const: 'phone' }, newValue: { pattern: MAINLAND_MOBILE_PATTERN.source } } },
      {
        properties: {
          field: { const: 'name' },
          newValue: { type: 'string', format: FORMAT.personName, maxLength: 64 },
        },
      },
      { properties: { field: { const: 'accountNumber' }, newValue: { pattern: '^\\d{12,30}$' } } },
      { properties: { field: { const: 'bankName' }, newValue: { pattern: '\\S', maxLength: 64 } } },
    ] satisfies { properties: { field: { const: CorrectableField }; newValue: object } }[],
  });

export const DataCorrectionCaseParamSchema = z.object({
  caseNumber: z.string().regex(CASE_NUMBER_PATTERN, '须为案件编号，如 SJW-2026-210100-7K3M9Q2XHD'),
});

export function dataCorrectionsRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: PolicyStore;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  router.post('/data-corrections', requireRole(...CORRECTION_REQUESTERS), async (req, res) => {
    const user = currentUser(req);
    const b = parseOr400(DataCorrectionRequestSchema, req.body);
    // A corrected name is still a name (Art. 96; domain/plausibility.ts): what field and newValue say together, 422
    // (the document states it per field in its oneOf).
    const notAName = b.field === 'name' ? personNameProblem(b.newValue) : null;
    if (notAName) {
      throw new ApiError(422, 'new_value_implausible', notAName.message, [
        { path: 'newValue', message: notAName.message, rule: notAName.code },
      ]);
    }
    const today = businessDateOf(now());
    const rule = correctionRule(await deps.policy.current(), b.entity, b.field, today);
    if (!rule.ok) {
      // A field the code cannot correct breaks the document (400); one the code can correct but the policy in force
      // does not allow today is the policy's state (422, Art. 93).
      const fields = [{ path: 'field', message: rule.message }];
      if (!(b.field in CORRECTABLE_FIELDS)) throw validationError(fields, '此字段不能通过数据维护更正');
      throw new ApiError(422, 'field_not_correctable', '此字段不能通过数据维护更正', fields);
    }
    const field = b.field as CorrectableField;
    const invalid = CORRECTABLE_FIELDS[field].check(b.newValue);
    if (invalid) throw validationError([{ path: 'newValue', message: invalid }]);
    // 422: two fields that agree break no rule of either; the request changes nothing.
    if (b.newValue === b.oldValue)
      throw new ApiError(422, 'no_change', '新值与原值相同', [
        { path: 'newValue', message: '须与原值（oldValue）不同' },
      ]);

    const target =
      b.entity === 'benefit_claim'
        ? await db.benefitClaim.findUnique({ where: { caseNumber: b.caseNumber }, include: { case: true } })
        : await db.otherBenefitClaim.findUnique({ where: { caseNumber: b.caseNumber } });
    const targetCase = target ? await db.case.findUnique({ where: { caseNumber: b.caseNumber } }) : null;
    if (!target || !targetCase || !agencyCovers(user.agencyCode, targetCase.agencyCode)) {
      throw new ApiError(404, 'case_not_found', `No ${b.entity} ${b.caseNumber}`, [
        { path: 'caseNumber', message: '您所在经办机构的管辖范围内没有此记录' },
      ]);
    }
    if ((target[field] ?? '') !== b.oldValue) {
      throw new ApiError(409, 'old_value_mismatch', '记录中的值与所给原值不符', [
        { path: 'oldValue', message: '与记录中的值不符（请重新读取记录）' },
      ]);
    }

    const at = now();
    const agencyCode = targetCase.agencyCode;
    const approvalAgencyCode = approvalAgency(agencyCode, rule.approvalLevel);
    const caseNumber = formatCaseNumber(
      'data_correction',
      Number(today.slice(0, 4)),
      agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    await db.$transaction(async (tx) => {
      await openCase(tx, {
        caseNumber,
        caseType: 'data_correction',
        status: 'received',
        agencyCode,
        at,
        ifOpen: 'fail',
      });
      await tx.dataCorrection.create({
        data: {
          caseNumber,
          targetEntity: b.entity,
          targetCaseNumber: b.caseNumber,
          field,
          oldValue: b.oldValue,
          newValue: b.newValue,
          reason: b.reason,
          agencyCode,
          approvalAgencyCode,
          status: 'received',
          requestedById: user.id,
          requestedBy: user.username,
          requestedAt: at,
        },
      });
    });
    // Nothing half-written: without its workflow the request is removed again.
    await startCaseOrTakeBack(
      deps.temporal,
      {
        workflowType: 'dataCorrection',
        caseNumber,
        taskQueue: deps.taskQueue,
        args: [{ caseNumber, agencyCode, approvalAgencyCode }],
        caseType: 'data_correction',
        agencyCode: agencyCode,
        status: 'received',
      },
      async () => {
        await db.$transaction([
          db.dataCorrection.delete({ where: { caseNumber } }),
          db.case.delete({ where: { caseNumber } }),
        ]);
      },
    );
    res.location(`/data-corrections/${caseNumber}`);
    res.status(201).json({ caseNumber, status: 'awaiting_review', approvalAgencyCode });
  });

  router.get(
    '/data-corrections/:caseNumber',
    requireRole(...CORRECTION_REQUESTERS, 'approver', 'auditor'),
    async (req, res) => {
      const user = currentUser(req);
      const { caseNumber } = parseOr400(DataCorrectionCaseParamSchema, req.params, 'params');
      const c = await db.dataCorrection.findUnique({ where: { caseNumber } });
      if (!c || !(agencyCovers(user.agencyCode, c.agencyCode) || agencyCovers(user.agencyCode, c.approvalAgencyCode))) {
        throw new ApiError(404, 'case_not_found', `没有数据维护案件${caseNumber}`);
      }
      const full = user.roles.some((r) => SEE_VALUES.includes(r)) || c.requestedById === user.id;
      const show = (v: string) => (full ? v : maskTail(v));
      res.json({
        caseNumber: c.caseNumber,
        target: { entity: c.targetEntity, caseNumber: c.targetCaseNumber, field: c.field },
        oldValue: show(c.oldValue),
        newValue: show(c.newValue),
        reason: c.reason,
        status: c.status,
        agencyCode: c.agencyCode,
        approvalAgencyCode: c.approvalAgencyCode,
        requestedBy: c.requestedBy,
        requestedAt: c.requestedAt.toISOString(),
        reviewedBy: c.reviewedBy,
        approvedBy: c.approvedBy,
        appliedAt: c.appliedAt?.toISOString() ?? null,
      });
    },
  );

  return router;
}

export function registerDataCorrectionsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/data-corrections',
    summary:
      '数据维护: request a manual correction of one allowed field; reviewed, approved by another person (Art. 93)',
    tags: ['data maintenance'],
    request: { body: { required: true, content: json(DataCorrectionRequestSchema) } },
    responses: {
      201: {
        description: 'The correction case, awaiting review',
        content: json(z.object({ caseNumber: z.string(), status: z.string(), approvalAgencyCode: z.string() })),
      },
      400: error('Not valid; a field the system cannot correct is named in `field` with the allowed ones'),
      422: error(
        'field_not_correctable: the policy in force does not allow correcting the field (Art. 93); no_change: newValue is oldValue; new_value_implausible: a corrected name that is not a name (Art. 96)',
      ),
      403: error('Not a clerk who may request corrections'),
      404: error('No such record in your agency scope'),
      409: error('The record does not hold oldValue'),
      503: error('Temporal is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/data-corrections/{caseNumber}',
    summary: 'A data correction and where it stands (Art. 93)',
    tags: ['data maintenance'],
    request: { params: DataCorrectionCaseParamSchema },
    responses: {
      200: { description: 'The correction', content: json(z.object({}).loose()) },
      404: error('No such correction for you'),
    },
  });
}
