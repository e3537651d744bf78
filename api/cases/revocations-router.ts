/**
 * Decisions on determinations after the fact (Art. 11, 42, 43):
 *
 *   POST /cases/:caseNumber/revocations         reviewers, second reviewers, auditors: propose revoking the claim's
 *                                               determination found wrong after approval; an approver who did not
 *                                               propose it decides (a task: revocation_approval)
 *   GET  /supervision/decisions-without-review  supervisors, auditors: the claims decided with no person (Art. 11 免复审),
 *                                               each with the rule and the parameter that let it pass
 *   GET  /cases/:caseNumber/determination/:version/rerun
 *                                               auditors, supervisors, reviewers: the version computed again from its
 *                                               recorded facts and inputs with the parameters in force on its date
 *                                               (Art. 12, 38, 78): the same verdict and figures, or where they differ
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { agencyCovers, agencyScopePrefix } from '../../domain/access';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { businessDateOf } from '../../domain/calendar';
import { verdictOf, type ClaimFacts, type ClaimInputs } from '../../domain/claim-verdict';
import { isoDate, type Db } from '../../lib/db';
import type { PolicyStore } from '../../lib/policy-store';
import { REVOCATION_GROUNDS, type DeterminationRevocationWorkflow } from '../../contracts/revocation';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../contracts/search-attributes';
import { currentUser, requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { CaseNumberParamSchema } from '../claims/schema';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';
import { writtenText } from '../../domain/written-text';

const isoDateField = z.iso.date({ message: '必须是日期 YYYY-MM-DD' });

export const RevocationRequestSchema = z
  .strictObject({
    grounds: z.enum(REVOCATION_GROUNDS).meta({
      description: 'objection_upheld (复核认定有误), audit_finding (稽核发现), late_record (后到的记录)',
    }),
    reference: writtenText(2, 200, '必须注明依据（复核案件号、稽核编号或记录）'),
    reasons: z
      .array(
        z
          .string()
          .trim()
          .min(2, '必须说明核定结果错在何处')
          .max(200)
          // Two characters once trimmed: two that are not white space, stated (the pattern is unanchored).
          .meta({ pattern: '\\S[\\s\\S]*\\S' }),
      )
      .min(1, '必须说明撤销原因（第十一条：明确告知原因）')
      .max(20),
    effectiveFrom: isoDateField
      .optional()
      .meta({ description: 'The first day the determination was wrong; default: its start date' }),
  })
  .meta({ id: 'RevocationRequest' });

export const DecisionsWithoutReviewQuerySchema = z.strictObject({
  agencyCode: z
    .string()
    .regex(/^\d{6}$/, '必须是6位行政区划代码')
    .optional(),
  from: isoDateField.optional(),
  to: isoDateField.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Who may propose a revocation: those who review determinations or audit them (Art. 28, 78). */
const PROPOSERS = ['reviewer', 'second_reviewer', 'auditor'] as const;

export const RerunParamsSchema = z.strictObject({
  caseNumber: CaseNumberParamSchema.shape.caseNumber,
  // At most PostgreSQL's integer, the column's type (a larger number was a 500, found by schemathesis).
  version: z.coerce.number().int('须为整数').min(1, '须不小于1').max(2_147_483_647, '须为决定的版本号'),
});

/** Who may re-run a determination: those who audit, supervise or review determinations (Art. 28, 78). */
const RERUNNERS = ['auditor', 'supervisor', 'reviewer', 'second_reviewer', 'approver'] as const;

export function revocationsRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: PolicyStore;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  router.post('/cases/:caseNumber/revocations', requireRole(...PROPOSERS), async (req, res) => {
    const user = currentUser(req);
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    const c = await db.case.findUnique({ where: { caseNumber } });
    if (!c || c.caseType !== 'benefit_claim' || !agencyCovers(user.agencyCode, c.agencyCode))
      throw new ApiError(404, 'case_not_found', `没有案件${caseNumber}`);
    const body = parseOr400(RevocationRequestSchema, req.body);
    const d = await db.determination.findFirst({ where: { caseNumber }, orderBy: { version: 'desc' } });
    if (c.status !== 'approved' || !d || d.verdict !== 'eligible' || d.revokedAt) {
      throw new ApiError(409, 'nothing_to_revoke', `案件 ${caseNumber} 没有已审核通过、未撤销的核定结果`, [
        { path: 'caseNumber', message: '必须是已审核通过的失业保险金申领' },
      ]);
    }
    const running = await db.determinationRevocation.findFirst({
      where: { claimCaseNumber: caseNumber, status: 'awaiting_approval' },
    });
    if (running) {
      throw new ApiError(409, 'revocation_pending', `案件 ${caseNumber} 已有待审批的撤销（${running.caseNumber}）`, [
        { path: 'caseNumber', message: `已有待审批的撤销 ${running.caseNumber}` },
      ]);
    }
    const start = isoDate(d.startDate!);
    const end = isoDate(d.endDate!);
    const effectiveFrom = body.effectiveFrom ?? start;
    if (effectiveFrom < start || effectiveFrom > end) {
      throw new ApiError(400, 'validation_failed', '撤销起始日期不在核定的领取期限内', [
        { path: 'effectiveFrom', message: `必须在领取期限 ${start}..${end} 之内` },
      ]);
    }
    const at = now();
    const number = formatCaseNumber(
      'determination_revocation',
      Number(businessDateOf(at).slice(0, 4)),
      c.agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    try {
      await deps.temporal.workflow.start<DeterminationRevocationWorkflow>('determinationRevocation', {
        taskQueue: deps.taskQueue,
        workflowId: number,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'determination_revocation' },
          { key: AGENCY_CODE, value: c.agencyCode },
          { key: CASE_STATUS, value: 'awaiting_approval' },
        ],
        args: [
          {
            caseNumber: number,
            claimCaseNumber: caseNumber,
            agencyCode: c.agencyCode,
            version: d.version,
            grounds: body.grounds,
            reference: body.reference,
            reasons: body.reasons,
            effectiveFrom,
            proposedBy: { userId: user.id, username: user.username },
            filedAt: at.toISOString(),
          },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    res.status(201).location(`/cases/${number}`);
    res.json({ caseNumber: number, claimCaseNumber: caseNumber, version: d.version, status: 'awaiting_approval' });
  });

  router.get('/supervision/decisions-without-review', requireRole('supervisor', 'auditor'), async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(DecisionsWithoutReviewQuerySchema, req.query, 'query');
    const agency = q.agencyCode ?? user.agencyCode;
    if (!agencyCovers(user.agencyCode, agency)) throw new ApiError(404, 'agency_not_found', `没有经办机构${agency}`);
    const prefix = agencyScopePrefix(agency);
    const rows = await db.$queryRaw<
      {
        case_number: string;
        version: number;
        determined_on: Date;
        total_fen: number;
        review_route: { steps: string[]; rule: unknown };
        status: string;
      }[]
    >`
      SELECT d.case_number, d.version, d.determined_on, d.total_fen, d.review_route, c.status
      FROM determination d JOIN "case" c ON c.case_number = d.case_number
      WHERE d.verdict = 'eligible' AND jsonb_array_length(d.review_route -> 'steps') = 0
        AND c.agency_code LIKE ${`${prefix}%`}
        AND d.determined_on >= ${q.from ? new Date(q.from) : new Date('1970-01-01')}::date
        AND d.determined_on <= ${q.to ? new Date(q.to) : new Date('2999-12-31')}::date
        AND d.version = (SELECT max(v.version) FROM determination v WHERE v.case_number = d.case_number)
      ORDER BY d.determined_on DESC, d.case_number
      LIMIT ${q.limit}`;
    res.json({
      items: rows.map((r) => ({
        caseNumber: r.case_number,
        version: r.version,
        determinedOn: isoDate(r.determined_on),
        totalFen: r.total_fen,
        status: r.status,
        rule: r.review_route.rule,
      })),
    });
  });

  router.get('/cases/:caseNumber/determination/:version/rerun', requireRole(...RERUNNERS), async (req, res) => {
    const user = currentUser(req);
    const { caseNumber, version } = parseOr400(RerunParamsSchema, req.params, 'params');
    const c = await db.case.findUnique({ where: { caseNumber } });
    if (!c || !agencyCovers(user.agencyCode, c.agencyCode))
      throw new ApiError(404, 'case_not_found', `没有案件${caseNumber}`);
    const d = await db.determination.findUnique({ where: { caseNumber_version: { caseNumber, version } } });
    if (!d) throw new ApiError(404, 'determination_not_found', `案件 ${caseNumber} 没有第 ${version} 版核定`);
    if (!d.facts || !d.inputs) {
      throw new ApiError(409, 'no_recorded_facts', `第 ${version} 版核定没有记录所依据的事实，无法重新计算`, [
        { path: 'version', message: '没有记录所依据的事实' },
      ]);
    }
    const on = isoDate(d.determinedOn);
    const again = verdictOf(
      d.facts as unknown as ClaimFacts,
      d.inputs as unknown as ClaimInputs,
      d.manualCorrection,
      await deps.policy.current(),
      on,
    );
    const v = again.verdict;
    const recorded = {
      verdict: d.verdict,
      months: d.months,
      monthlyAmountFen: d.monthlyAmountFen,
      totalFen: d.totalFen,
      reasons: (d.reasons as { code: string }[]).map((r) => r.code),
    };
    const recomputed = {
      verdict: v.verdict,
      months: v.verdict === 'eligible' ? v.figures.months : null,
      monthlyAmountFen: v.verdict === 'eligible' ? v.figures.monthlyAmountFen : null,
      totalFen: v.verdict === 'eligible' ? v.figures.totalFen : null,
      reasons: v.verdict === 'ineligible' ? v.reasons.map((r) => r.code) : [],
    };
    res.json({
      caseNumber,
      version,
      determinedOn: on,
      matches: JSON.stringify(recorded) === JSON.stringify(recomputed),
      recorded,
      recomputed,
    });
  });

  return router;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

export function registerRevocationsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const loose = json(z.object({}).loose());
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/cases/{caseNumber}/revocations',
    summary: '撤销核定: propose revoking a determination found wrong after approval (Art. 42, 43)',
    description:
      'Opens a revocation case (CXH-…) with a task for an approver who did not propose it. Revoked: the benefit ' +
      'period stops from the first wrong month, what was paid from it goes to recovery, the person is told.',
    tags: ['cases'],
    request: {
      params: CaseNumberParamSchema,
      body: { required: true, content: json(RevocationRequestSchema) },
    },
    responses: {
      201: { description: 'Proposed: the revocation case number', content: loose },
      400: error('The body is not valid: the field is named'),
      403: error('Not a reviewer or auditor'),
      404: error('No such claim for you'),
      409: error('Nothing to revoke, or a revocation awaits approval'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/cases/{caseNumber}/determination/{version}/rerun',
    summary: 'A determination computed again from its recorded facts with the parameters of its date (Art. 12, 38, 78)',
    tags: ['cases'],
    request: { params: RerunParamsSchema },
    responses: {
      200: {
        description: 'The recorded and the recomputed verdict and figures, and whether they match',
        content: loose,
      },
      400: error('A path parameter is not valid'),
      403: error('Not an auditor, supervisor or reviewer'),
      404: error('No such case or version for you'),
      409: error('The version has no recorded facts'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/supervision/decisions-without-review',
    summary: 'Claims decided with no person (Art. 11 免复审), with the rule and parameter that let them pass',
    tags: ['supervision'],
    request: { query: DecisionsWithoutReviewQuerySchema },
    responses: {
      200: { description: 'The decisions, newest first', content: loose },
      400: error('A query parameter is not valid'),
      403: error('Not a supervisor or auditor'),
      404: error('agency_not_found: 没有此经办机构'),
    },
  });
}
