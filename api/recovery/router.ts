/**
 * Objections (复核, Art. 13, 38 para 2, 42) and recoveries of overpaid benefits (待遇退回, Art. 43). Every write is an
 * Update to (or the start of) the case's workflow, validated here by zod (400 naming the field and rule) and by the
 * workflow's validator (403 role or scope, 409 state), and audited. Objections are concluded through the task API
 * (POST /tasks/:id/complete with the `objection` form); the litigation task likewise.
 *
 *   POST /cases/:caseNumber/objections          the person or employer a decision concerns (their own case of any
 *                                               type), or staff at the window: an objection with evidence
 *   GET  /objections/:caseNumber                staff: the objection and its conclusion
 *   POST /recoveries                            auditors: start the recovery of a claim's overpayment
 *   POST /recoveries/:caseNumber/delivery       the notice delivered (sms, post, in_person) with the proof
 *   POST /recoveries/:caseNumber/repayments     finance: a repayment received
 *   GET  /recoveries/:caseNumber/case-file      auditors, finance, supervisors: the exportable case file (JSON)
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { Router, type Request } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { agencyCovers, type StaffRole } from '../../domain/access';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { businessDateOf } from '../../domain/calendar';
import type { Actor } from '../../domain/tasks';
import { audit } from '../../lib/audit';
import { isoDate, type Db } from '../../lib/db';
import { ownsCase, partyOf } from '../../lib/own-cases';
import { objectionReceipt, type objectionReview } from '../../workflows/objection-review';
import { confirmRepayment, recordDelivery, type overpaymentRecovery } from '../../workflows/overpayment-recovery';
import { DELIVERY_METHODS, OBJECTION_SUBJECTS, recoveryIdOf } from '../../workflows/recovery-types';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../workflows/search-attributes';
import { currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import type { OpenApiRouteOptions } from '../calculations/router';
import { CaseNumberParamSchema } from '../claims/schema';
import { missingDecision, objectorsOf, SUBJECT_LABELS } from './objection-rules';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';

const isoDateField = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const ObjectionRequestSchema = z
  .strictObject({
    subject: z.enum(OBJECTION_SUBJECTS).meta({
      description:
        'What is objected to (Art. 13): refusal to accept or review refusal, review result, determination, stop ' +
        'decision (a claim), withdrawal of a grant (other benefits, subsidies)',
    }),
    objector: z
      .enum(['person', 'employer'])
      .optional()
      .meta({
        description:
          'Who objects: the person or employer the decision concerns. Default: the caller (a person signed in, an ' +
          'employer agent); staff filing at the window: the person, or the employer of a job-retention refund',
      }),
    grounds: z.string().trim().min(4, 'must say why the decision is wrong').max(2000),
    evidence: z
      .array(
        z.strictObject({
          kind: z.string().trim().min(1).max(48),
          title: z.string().trim().min(1).max(200),
          pages: z.number().int().min(1).max(999).optional(),
          receivedOn: isoDateField.optional(),
        }),
      )
      .min(1, 'must list the evidence (Art. 13: 提交相关证据材料)')
      .max(50),
  })
  .meta({ id: 'ObjectionRequest' });

export const StartRecoverySchema = z
  .strictObject({
    caseNumber: CaseNumberParamSchema.shape.caseNumber,
    stopDate: isoDateField.meta({ description: 'The day the stop condition began (Art. 42)' }),
    reason: z.string().trim().min(2, 'must say how the stop was found').max(500),
  })
  .meta({ id: 'StartRecovery' });

export const DeliverySchema = z
  .strictObject({
    method: z.enum(DELIVERY_METHODS),
    deliveredOn: isoDateField,
    proof: z.strictObject({
      reference: z.string().trim().min(1).max(64).optional(),
      receivedBy: z.string().trim().min(1).max(64).optional(),
      note: z.string().trim().max(500).optional(),
    }),
  })
  .superRefine((b, ctx) => {
    if (b.method === 'post' && !b.proof.reference)
      ctx.addIssue({
        code: 'custom',
        path: ['proof', 'reference'],
        message: 'is required for post (the receipt number)',
      });
    if (b.method === 'in_person' && !b.proof.receivedBy)
      ctx.addIssue({ code: 'custom', path: ['proof', 'receivedBy'], message: 'is required in person (who signed)' });
  })
  .meta({ id: 'RecoveryDelivery' });

export const RepaymentSchema = z
  .strictObject({
    amountFen: z.number().int('must be a whole number of fen').positive('must be more than 0'),
    receivedOn: isoDateField,
    reference: z.string().trim().min(1, 'must give the bank slip reference').max(64),
  })
  .meta({ id: 'Repayment' });

const actorOf = (u: AuthUser): Actor => ({
  userId: u.id,
  username: u.username,
  roles: u.roles,
  agencyCode: u.agencyCode,
});

/** A refusal from a workflow validator as an HTTP answer, naming the field where there is one. */
const REFUSALS: Record<string, { status: number; field?: string }> = {
  MissingRole: { status: 403 },
  OutsideScope: { status: 403 },
  InvalidAmount: { status: 400, field: 'amountFen' },
  InvalidDelivery: { status: 400, field: 'deliveredOn' },
  DuplicateRepayment: { status: 409, field: 'reference' },
};

const STAFF_WHO_FILE: StaffRole[] = ['intake', 'reviewer', 'second_reviewer', 'approver', 'supervisor'];

export function recoveryRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  now?: () => Date;
  /** How long filing an objection waits for its case to give the receipt; then 202 (default 10 s). */
  receiptWaitMs?: number;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = () => (deps.now ? deps.now() : new Date());

  async function update<R>(workflowId: string, run: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<R>) {
    try {
      return await run(deps.temporal.workflow.getHandle(workflowId));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const type = err.cause.type ?? 'refused';
        const r = REFUSALS[type] ?? { status: 409 };
        const code = r.status === 400 ? 'validation_failed' : type;
        throw new ApiError(
          r.status,
          code,
          err.cause.message,
          r.field ? [{ path: r.field, message: err.cause.message }] : [],
        );
      }
      if ((err as { name?: string }).name === 'WorkflowNotFoundError')
        throw new ApiError(409, 'not_running', 'The case is not at that stage');
      throw dependencyOutage(err) ?? err;
    }
  }

  async function recoveryFor(req: Request) {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    const user = currentUser(req);
    const r = await db.recovery.findUnique({ where: { caseNumber } });
    if (!r || !agencyCovers(user.agencyCode, r.agencyCode))
      throw new ApiError(404, 'recovery_not_found', `No recovery for case ${caseNumber}`);
    return r;
  }

  // Art. 13, 8, 31: an objection to a decision of a case of any type, by the person or employer it concerns (their
  // own case: lib/own-cases.ts), or for them by staff of the agency at the window. Anyone else: 404, as for a case that
  // does not exist.
  router.post('/cases/:caseNumber/objections', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', 'Sign in first', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await db.case.findUnique({ where: { caseNumber } });
    const staff =
      req.user &&
      req.user.roles.some((r) => (STAFF_WHO_FILE as string[]).includes(r)) &&
      c &&
      agencyCovers(req.user.agencyCode, c.agencyCode);
    const party = staff ? undefined : partyOf(req);
    if (!c || (!staff && !(party && (await ownsCase(db, party, caseNumber)))))
      throw new ApiError(404, 'case_not_found', `No case ${caseNumber}`);
    const body = parseOr400(ObjectionRequestSchema, req.body);

    // The person or employer the decision concerns: the caller, or whom staff file for.
    const concerned = await objectorsOf(db, c);
    const objector = party ? (party.kind === 'employer' ? 'employer' : 'person') : (body.objector ?? concerned[0]!);
    if ((body.objector && body.objector !== objector) || !concerned.includes(objector)) {
      const message = party
        ? `只能以${objector === 'person' ? '本人' : '本单位'}名义申请复核`
        : `必须是该决定涉及的${concerned.map((o) => (o === 'person' ? '个人' : '单位')).join('或')}（规程第十三条）`;
      throw new ApiError(400, 'validation_failed', '复核申请人与该决定不符', [{ path: 'objector', message }]);
    }
    // The decision objected to must exist on the case.
    const missing = await missingDecision(db, c, body.subject);
    if (missing) {
      throw new ApiError(409, 'no_such_decision', `该案件没有可申请复核的${SUBJECT_LABELS[body.subject]}：${missing}`, [
        { path: 'subject', message: missing },
      ]);
    }

    const at = now();
    const objectionNumber = formatCaseNumber(
      'objection_review',
      Number(businessDateOf(at).slice(0, 4)),
      c.agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    // Staff and employer agents by their account (no personal data); a person signed in by SMS code as the applicant.
    const filedBy = req.user ? req.user.username : 'applicant';
    try {
      const handle = await deps.temporal.workflow.start<typeof objectionReview>('objectionReview', {
        taskQueue: deps.taskQueue,
        workflowId: objectionNumber,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'objection_review' },
          { key: AGENCY_CODE, value: c.agencyCode },
          { key: CASE_STATUS, value: 'received' },
        ],
        args: [
          {
            caseNumber: objectionNumber,
            originalCaseNumber: caseNumber,
            caseType: c.caseType,
            agencyCode: c.agencyCode,
            subject: body.subject,
            objector,
            grounds: body.grounds,
            evidence: body.evidence,
            filedAt: at.toISOString(),
            filedBy,
          },
        ],
      });
      // The objection case exists from here on. Its receipt (number, due date) within the wait; a case that does not
      // answer in time (no worker running) is still filed: 202 with its number, never a request left hanging and
      // never a refusal that would make the person file a second objection (issue 12).
      const receipt = await deps.temporal.connection
        .withDeadline(Date.now() + (deps.receiptWaitMs ?? 10_000), () => handle.executeUpdate(objectionReceipt))
        .catch((err: unknown) => {
          if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return undefined;
          throw err;
        });
      await audit(db, {
        actor: req.user ? { id: req.user.id, username: req.user.username } : { id: null, username: 'applicant' },
        action: 'objection_filed',
        entity: 'objection',
        entityId: objectionNumber,
        caseNumber,
        after: { subject: body.subject, objector, evidence: body.evidence.length },
        requestId: String(req.id),
      });
      if (!receipt) {
        res.status(202).location(`/objections/${objectionNumber}`);
        res.json({ caseNumber: objectionNumber, originalCaseNumber: caseNumber, status: 'received' });
        return;
      }
      res.status(201).json({ ...receipt, originalCaseNumber: caseNumber, status: 'under_review' });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
  });

  router.get('/objections/:caseNumber', requireRole(...STAFF_WHO_FILE, 'auditor'), async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    const o = await db.objection.findUnique({ where: { caseNumber } });
    if (!o || !agencyCovers(currentUser(req).agencyCode, o.agencyCode))
      throw new ApiError(404, 'objection_not_found', `No objection ${caseNumber}`);
    res.json({
      caseNumber: o.caseNumber,
      originalCaseNumber: o.originalCaseNumber,
      subject: o.subject,
      objector: o.objector,
      grounds: o.grounds,
      evidence: o.evidence,
      filedAt: o.filedAt.toISOString(),
      dueDate: isoDate(o.dueDate),
      dueProvisional: o.dueProvisional,
      status: o.status,
      conclusion: o.conclusion,
      concludedAt: o.concludedAt?.toISOString() ?? null,
      reconsiderationUntil: o.reconsiderationUntil ? isoDate(o.reconsiderationUntil) : null,
      litigationUntil: o.litigationUntil ? isoDate(o.litigationUntil) : null,
    });
  });

  // Art. 43: an auditor starts a recovery (a stop found by audit after payments were made).
  router.post('/recoveries', requireRole('auditor'), async (req, res) => {
    const user = currentUser(req);
    const body = parseOr400(StartRecoverySchema, req.body);
    const c = await db.case.findUnique({ where: { caseNumber: body.caseNumber } });
    if (!c || !agencyCovers(user.agencyCode, c.agencyCode))
      throw new ApiError(404, 'case_not_found', `No case ${body.caseNumber}`);
    const period = await db.benefitPeriod.findUnique({ where: { caseNumber: body.caseNumber } });
    if (!period) {
      throw new ApiError(409, 'no_payments', 'The case has no benefit period: nothing was paid', [
        { path: 'caseNumber', message: 'has no benefit period' },
      ]);
    }
    const start = isoDate(period.startDate);
    const end = isoDate(period.endDate);
    if (body.stopDate < start || body.stopDate > end) {
      throw new ApiError(400, 'validation_failed', 'The stop date is outside the benefit period', [
        { path: 'stopDate', message: `must fall within the benefit period ${start}..${end}` },
      ]);
    }
    const recoveryId = recoveryIdOf(body.caseNumber);
    try {
      await deps.temporal.workflow.start<typeof overpaymentRecovery>('overpaymentRecovery', {
        taskQueue: deps.taskQueue,
        workflowId: recoveryId,
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'overpayment_recovery' },
          { key: AGENCY_CODE, value: c.agencyCode },
          { key: CASE_STATUS, value: 'opening' },
        ],
        args: [
          {
            recoveryId,
            caseNumber: body.caseNumber,
            agencyCode: c.agencyCode,
            periodId: period.id,
            stopDate: body.stopDate,
            origin: 'auditor',
            startedBy: user.username,
          },
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new ApiError(409, 'recovery_exists', `The case ${body.caseNumber} has a recovery already`);
      throw dependencyOutage(err) ?? err;
    }
    await audit(db, {
      actor: user,
      action: 'recovery_started',
      entity: 'recovery',
      entityId: recoveryId,
      caseNumber: body.caseNumber,
      after: body,
      reason: body.reason,
      requestId: String(req.id),
    });
    res.status(202).json({ recoveryId, caseNumber: body.caseNumber });
  });

  router.post('/recoveries/:caseNumber/delivery', requireRole('intake', 'auditor', 'supervisor'), async (req, res) => {
    const r = await recoveryFor(req);
    const body = parseOr400(DeliverySchema, req.body);
    const view = await update(r.id, (h) =>
      h.executeUpdate(recordDelivery, { args: [{ ...body, by: actorOf(currentUser(req)) }] }),
    );
    res.json(view); // audited by the workflow's activity with the delivery
  });

  router.post('/recoveries/:caseNumber/repayments', requireRole('finance'), async (req, res) => {
    const r = await recoveryFor(req);
    const body = parseOr400(RepaymentSchema, req.body);
    const view = await update(r.id, (h) =>
      h.executeUpdate(confirmRepayment, { args: [{ ...body, by: actorOf(currentUser(req)) }] }),
    );
    res.json(view); // audited by the workflow's activity with the repayment
  });

  // The case file for the litigation (Art. 43): amounts, payments, notices, delivery proof, repayments, timeline.
  router.get('/recoveries/:caseNumber/case-file', requireRole('auditor', 'finance', 'supervisor'), async (req, res) => {
    const r = await recoveryFor(req);
    const [repayments, messages, tasks, events, claim] = await Promise.all([
      db.repayment.findMany({ where: { recoveryId: r.id }, orderBy: { confirmedAt: 'asc' } }),
      db.message.findMany({ where: { caseNumber: r.caseNumber }, orderBy: { at: 'asc' } }),
      db.task.findMany({ where: { workflowId: r.id }, orderBy: { createdAt: 'asc' } }),
      db.caseEvent.findMany({ where: { caseNumber: r.caseNumber }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
      db.benefitClaim.findUnique({ where: { caseNumber: r.caseNumber } }),
    ]);
    await audit(db, {
      actor: currentUser(req),
      action: 'recovery_case_file_exported',
      entity: 'recovery',
      entityId: r.id,
      caseNumber: r.caseNumber,
      requestId: String(req.id),
    });
    res.json({
      recoveryId: r.id,
      caseNumber: r.caseNumber,
      agencyCode: r.agencyCode,
      origin: r.origin,
      status: r.status,
      article: 'Art. 43',
      person: claim && { idType: claim.idType, idNumber: claim.idNumber, name: claim.name, phone: claim.phone },
      amounts: {
        stopDate: isoDate(r.stopDate),
        amountFen: r.amountFen,
        repaidFen: r.amountFen - r.balanceFen,
        balanceFen: r.balanceFen,
        explanation: r.explanation,
      },
      payments: r.items,
      notices: messages
        .filter((m) => m.id.startsWith(r.id))
        .map((m) => ({ id: m.id, kind: m.kind, at: m.at.toISOString(), to: m.mobileMasked, text: m.text })),
      delivery: r.deliveredOn && {
        method: r.deliveryMethod,
        deliveredOn: isoDate(r.deliveredOn),
        proof: r.deliveryProof,
        recordedBy: r.deliveredBy,
        repaymentDueDate: r.dueDate ? isoDate(r.dueDate) : null,
        repaymentDueAt: r.dueAt?.toISOString() ?? null,
      },
      repayments: repayments.map((p) => ({
        reference: p.reference,
        amountFen: p.amountFen,
        receivedOn: isoDate(p.receivedOn),
        confirmedBy: p.confirmedBy,
        confirmedAt: p.confirmedAt.toISOString(),
      })),
      litigation: {
        escalatedAt: r.litigationAt?.toISOString() ?? null,
        tasks: tasks.map((t) => ({ id: t.id, status: t.status, dueDate: isoDate(t.dueDate), decision: t.decision })),
      },
      timeline: events
        .filter(
          (e) => e.type.startsWith('recovery') || e.type.startsWith('repayment') || e.type.startsWith('overpayment'),
        )
        .map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data })),
      exportedAt: now().toISOString(),
    });
  });

  return router;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

export function registerRecoveryOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const caseParam = z.object({ caseNumber: z.string() });
  const loose = json(z.object({}).loose());
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/cases/{caseNumber}/objections',
    summary: '复核: object to a decision that refuses or stops, of a case of any type, with evidence (Art. 13, 8, 31)',
    description:
      'Opens an objection case (FHJ-…) whose review task is due in 5 workdays on the working-day calendar; the ' +
      'conclusion is given through POST /tasks/{id}/complete with the `objection` form, and carries itself out ' +
      "(a refusal reopened at its review, a withdrawn grant paid). What may be objected to: a claim's refusal, " +
      'review result, determination and stop decision; the refusal and the withdrawal of a childbirth subsidy, ' +
      'survivor benefits, a skill subsidy or a job-retention refund. Who: the person signed in for their own case, ' +
      "an employer agent for its company's case (a job-retention refund, a skill subsidy it applied for), or staff " +
      'of the agency at the window. Anyone else is answered 404, as for a case that does not exist.',
    tags: ['objections'],
    request: { params: caseParam, body: { required: true, content: json(ObjectionRequestSchema) } },
    responses: {
      201: { description: 'Filed: the objection number and its due date', content: loose },
      202: {
        description: 'Filed; the review case has not answered yet: the objection number, due date to follow',
        content: loose,
      },
      400: error('The body is not valid, or the objector is not whom the decision concerns: the field is named'),
      401: error('Not signed in'),
      404: error('No such case for you'),
      409: error('The case has no such decision to object to (field subject)'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/objections/{caseNumber}',
    summary: 'Staff: an objection with its conclusion and the remedies stated (Art. 13)',
    tags: ['objections'],
    request: { params: caseParam },
    responses: { 200: { description: 'The objection', content: loose }, 404: error('No such objection for you') },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/recoveries',
    summary: 'Auditors: start the recovery of overpaid benefits of a claim (Art. 43)',
    tags: ['recoveries'],
    request: { body: { required: true, content: json(StartRecoverySchema) } },
    responses: {
      202: { description: 'Started', content: loose },
      400: error('The body is not valid: the field is named'),
      403: error('Not an auditor'),
      409: error('No benefit period, or a recovery exists already'),
    },
  });
  for (const [path, schema, summary] of [
    ['delivery', DeliverySchema, 'The recovery notice delivered (sms, post, in_person) with proof: the 30 days start'],
    ['repayments', RepaymentSchema, 'Finance: a repayment received (partial ones reduce the balance)'],
  ] as const) {
    registry.registerPath({
      ...security,
      method: 'post',
      path: `/recoveries/{caseNumber}/${path}`,
      summary: `${summary} (Art. 43)`,
      tags: ['recoveries'],
      request: { params: caseParam, body: { required: true, content: json(schema) } },
      responses: {
        200: { description: 'The recovery as it stands', content: loose },
        400: error('The body is not valid: the field is named'),
        403: error('Missing role, or outside your agency scope'),
        404: error('No such recovery for you'),
        409: error('The recovery is not at that stage'),
      },
    });
  }
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/recoveries/{caseNumber}/case-file',
    summary: 'The case file for litigation: amounts, payments, notices, delivery proof, repayments (Art. 43)',
    tags: ['recoveries'],
    request: { params: caseParam },
    responses: { 200: { description: 'The case file', content: loose }, 404: error('No such recovery for you') },
  });
}
