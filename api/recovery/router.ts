/**
 * Objections (复核, Art. 13, 38 para 2, 42) and recoveries of overpaid benefits (待遇退回, Art. 43). Every write is an
 * Update to (or the start of) the case's workflow, validated here by zod (400 naming the field and rule) and by the
 * workflow's validator (403 role or scope, 409 state), and audited. Objections are concluded through the task API
 * (POST /tasks/:id/complete with the `objection` form); the litigation task likewise.
 *
 *   POST /cases/:caseNumber/objections          the person or employer a decision concerns (their own case of any
 *                                               type), or staff at the window: an objection with evidence
 *   GET  /objections/:caseNumber                staff: the objection and its conclusion
 *   POST /recoveries                            auditors: the recovery of a stop of a claim's period (Art. 43: a
 *                                               recovery needs a stop), or that stop re-dated earlier (re-computed)
 *   POST /recoveries/:recoveryId/delivery       the notice delivered (sms, post, in_person) with the proof
 *   POST /recoveries/:recoveryId/repayments     finance: a repayment received
 *   GET  /recoveries/:recoveryId/case-file      auditors, finance, supervisors: the exportable case file (JSON)
 *
 * A recovery is named by its ID (`<case>.R<stop seq>`), or by its claim's case number while the claim has only one.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { Router, type Request } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { agencyCovers, type StaffRole } from '../../domain/access';
import { CASE_NUMBER_PATTERN, formatCaseNumber, isCaseNumber, serialFromBytes } from '../../domain/case-number';
import { RECOVERY_OPEN } from '../../domain/period-stops';
import { businessDateOf } from '../../domain/calendar';
import type { Actor } from '../../domain/tasks';
import { audit } from '../../lib/audit';
import { isoDate, type Db } from '../../lib/db';
import { ownsCase, partyOf } from '../../lib/own-cases';
import { stopsAndRecoveriesOf } from '../../lib/period-stops';
import { objectionReceipt } from '../../contracts/objection';
import type { objectionReview } from '../../workflows/objection-review';
import type { overpaymentRecovery } from '../../workflows/overpayment-recovery';
import {
  confirmRepayment,
  DELIVERY_METHODS,
  OBJECTION_SUBJECTS,
  recordDelivery,
  recoveryIdOf,
  redateStop,
} from '../../contracts/recovery';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../contracts/search-attributes';
import { currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import type { OpenApiRouteOptions } from '../calculations/router';
import { CaseNumberParamSchema } from '../claims/schema';
import { missingDecision, objectorsOf, SUBJECT_LABELS } from './objection-rules';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400 } from '../errors';
import { caseCommands } from '../case-commands';
import { writtenAtLeast, writtenText } from '../../domain/written-text';

const isoDateField = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });

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
    grounds: writtenText(4, 2000, '须说明决定有何错误'),
    evidence: z
      .array(
        z.strictObject({
          kind: z.string().regex(writtenAtLeast(1), { error: '不能只填空白', abort: true }).trim().min(1).max(48),
          title: z.string().regex(writtenAtLeast(1), { error: '不能只填空白', abort: true }).trim().min(1).max(200),
          pages: z.number().int().min(1).max(999).optional(),
          receivedOn: isoDateField.optional(),
        }),
      )
      .min(1, '须列明证据（第十三条：提交相关证据材料）')
      .max(50),
  })
  .meta({ id: 'ObjectionRequest' });

export const StartRecoverySchema = z
  .strictObject({
    caseNumber: CaseNumberParamSchema.shape.caseNumber,
    stopDate: isoDateField.meta({
      description:
        "The day the stop condition began (Art. 42): the stop's date, or an earlier one found by audit (re-computed)",
    }),
    stopId: z
      .string()
      .regex(
        /^[A-Z]{3}-\d{4}-\d{6}-[0-9A-Z]{10}\.S\d{1,4}$/,
        'must be a stop number like SYJ-2026-210100-7K3M9Q2XHD.S1',
      )
      .optional()
      .meta({ description: "The period's stop (needed when more than one is in force)" }),
    reason: writtenText(2, 500, '须说明停发情形是如何发现的'),
  })
  .meta({ id: 'StartRecovery' });

export const RecoveryIdParamSchema = z.object({
  recoveryId: z
    .string()
    .trim()
    .toUpperCase()
    // A pattern (the case number, then .R and up to 4 digits, as parseRecoveryId reads it), so the OpenAPI document
    // says what is enforced (issue 21).
    .regex(
      new RegExp(`${CASE_NUMBER_PATTERN.source.slice(0, -1)}(\\.R\\d{0,4})?$`),
      '须为追回编号（如 SYJ-2026-210100-7K3M9Q2XHD.R1），或只有一笔追回的申领案件编号',
    )
    .meta({
      description: "The recovery's number (<case>.R<stop seq>), or the claim's case number while it has one recovery",
    }),
});

export const DeliverySchema = z
  .strictObject({
    method: z.enum(DELIVERY_METHODS),
    deliveredOn: isoDateField,
    proof: z.strictObject({
      reference: z
        .string()
        .regex(writtenAtLeast(1), { error: '不能只填空白', abort: true })
        .trim()
        .min(1)
        .max(64)
        .optional(),
      receivedBy: z
        .string()
        .regex(writtenAtLeast(1), { error: '不能只填空白', abort: true })
        .trim()
        .min(1)
        .max(64)
        .optional(),
      note: z.string().trim().max(500).optional(),
    }),
  })
  .superRefine((b, ctx) => {
    if (b.method === 'post' && !b.proof.reference)
      ctx.addIssue({
        code: 'custom',
        path: ['proof', 'reference'],
        message: '邮寄送达时必填（回执编号）',
      });
    if (b.method === 'in_person' && !b.proof.receivedBy)
      ctx.addIssue({ code: 'custom', path: ['proof', 'receivedBy'], message: '当面送达时必填（签收人）' });
  })
  .meta({ id: 'RecoveryDelivery' });

export const RepaymentSchema = z
  .strictObject({
    amountFen: z.number().int('须为整数（单位：分）').positive('须大于0'),
    receivedOn: isoDateField,
    reference: writtenText(1, 64, '须填写银行回单号'),
  })
  .meta({ id: 'Repayment' });

const actorOf = (u: AuthUser): Actor => ({
  userId: u.id,
  username: u.username,
  roles: u.roles,
  agencyCode: u.agencyCode,
});

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

  const commands = caseCommands(deps.temporal);

  /** The recovery named by its ID, or by its claim's case number while the claim has only one (404 outside scope). */
  async function recoveryFor(req: Request) {
    const { recoveryId } = parseOr400(RecoveryIdParamSchema, req.params, 'params');
    const user = currentUser(req);
    const found = isCaseNumber(recoveryId)
      ? await db.recovery.findMany({
          where: { caseNumber: recoveryId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        })
      : await db.recovery.findMany({ where: { id: recoveryId } });
    const mine = found.filter((r) => agencyCovers(user.agencyCode, r.agencyCode));
    if (!mine.length) throw new ApiError(404, 'recovery_not_found', `没有追回案件 ${recoveryId}`);
    if (mine.length > 1) {
      const ids = mine.map((r) => r.id).join('、');
      throw new ApiError(409, 'several_recoveries', `案件 ${recoveryId} 有多个追回（${ids}），请以追回编号办理`, [
        { path: 'recoveryId', message: `须为追回编号之一：${ids}` },
      ]);
    }
    return mine[0]!;
  }

  // Art. 13, 8, 31: an objection to a decision of a case of any type, by the person or employer it concerns (their
  // own case: lib/own-cases.ts), or for them by staff of the agency at the window. Anyone else: 404, as for a case that
  // does not exist.
  router.post('/cases/:caseNumber/objections', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await db.case.findUnique({ where: { caseNumber } });
    const staff =
      req.user &&
      req.user.roles.some((r) => (STAFF_WHO_FILE as string[]).includes(r)) &&
      c &&
      agencyCovers(req.user.agencyCode, c.agencyCode);
    const party = staff ? undefined : partyOf(req);
    if (!c || (!staff && !(party && (await ownsCase(db, party, caseNumber)))))
      throw new ApiError(404, 'case_not_found', `没有案件${caseNumber}`);
    const body = parseOr400(ObjectionRequestSchema, req.body);

    // The person or employer the decision concerns: the caller, or whom staff file for.
    const concerned = await objectorsOf(db, c);
    const objector = party ? (party.kind === 'employer' ? 'employer' : 'person') : (body.objector ?? concerned[0]!);
    if ((body.objector && body.objector !== objector) || !concerned.includes(objector)) {
      const message = party
        ? `只能以${objector === 'person' ? '本人' : '本单位'}名义申请复核`
        : `必须是该决定涉及的${concerned.map((o) => (o === 'person' ? '个人' : '单位')).join('或')}（规程第十三条）`;
      // 409: who may object follows from the case (whom the decision concerns) and the caller, not the body's form.
      throw new ApiError(409, 'objector_not_party', '复核申请人与该决定不符', [{ path: 'objector', message }]);
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
      throw new ApiError(404, 'objection_not_found', `没有异议案件${caseNumber}`);
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

  /**
   * Art. 43: 领金人员符合停发条件…多领 — a recovery stands on a stop of the period (Art. 42), one per stop. An auditor
   * opens the recovery of a stop that has none yet, or re-dates a stop earlier (the condition began before the date
   * first recorded): its recovery is re-computed (a running one by its workflow; a closed one started again), what was
   * repaid still counted, audited, the person told. A period never stopped has nothing to recover from: stop it first.
   */
  router.post('/recoveries', requireRole('auditor'), async (req, res) => {
    const user = currentUser(req);
    const body = parseOr400(StartRecoverySchema, req.body);
    const c = await db.case.findUnique({ where: { caseNumber: body.caseNumber } });
    if (!c || !agencyCovers(user.agencyCode, c.agencyCode))
      throw new ApiError(404, 'case_not_found', `没有案件${body.caseNumber}`);
    const period = await db.benefitPeriod.findUnique({ where: { caseNumber: body.caseNumber } });
    if (!period) {
      throw new ApiError(409, 'no_payments', '本案没有领取期：未发放任何待遇', [
        { path: 'caseNumber', message: '没有领取期' },
      ]);
    }
    const start = isoDate(period.startDate);
    const end = isoDate(period.endDate);
    if (body.stopDate < start || body.stopDate > end) {
      throw new ApiError(400, 'validation_failed', '停发日期不在领取期内', [
        { path: 'stopDate', message: `须在领取期限 ${start} 至 ${end} 之内` },
      ]);
    }
    const { stops, recoveries } = await stopsAndRecoveriesOf(db, body.caseNumber);
    const inForce = stops.filter((x) => x.status === 'in_force');
    if (!inForce.length) {
      throw new ApiError(
        409,
        'no_stop',
        '第四十三条：领金人员符合停发条件的，多领的待遇方予退回；该待遇期没有停发记录，请先依第四十二条停发（本人申报停领、稽核疑点整改或撤销核定）',
        [{ path: 'caseNumber', message: '待遇期未停发，不能追回' }],
      );
    }
    const stop = body.stopId ? inForce.find((x) => x.stopId === body.stopId) : inForce.length === 1 ? inForce[0] : null;
    if (!stop) {
      const ids = inForce.map((x) => x.stopId).join('、');
      throw new ApiError(400, 'validation_failed', `须指明停发记录（${ids}）`, [
        { path: 'stopId', message: `须为有效的停发记录之一：${ids}` },
      ]);
    }
    if (body.stopDate > stop.date) {
      throw new ApiError(
        409,
        'stop_date_later',
        `停发日期不能晚于已记录的 ${stop.date}：推迟停发日期会减少应退金额，须经复核更正（第十三条、第四十二条）`,
        [{ path: 'stopDate', message: `不能晚于 ${stop.date}` }],
      );
    }
    const existing = recoveries.find((r) => r.stopId === stop.stopId);
    if (existing && body.stopDate === stop.date) {
      throw new ApiError(409, 'recovery_exists', `停发记录 ${stop.stopId} 已有追回案件 ${existing.recoveryId}`, [
        { path: 'stopDate', message: `与已记录的停发日期相同，追回案件为 ${existing.recoveryId}` },
      ]);
    }
    if (existing && RECOVERY_OPEN.includes(existing.status)) {
      // The running recovery re-computes itself (its workflow validates the role, the scope and the date).
      const view = await commands.update(existing.recoveryId, redateStop, {
        stopDate: body.stopDate,
        reason: body.reason,
        by: actorOf(user),
      });
      res.json({ ...view, caseNumber: body.caseNumber }); // audited by the workflow's activity
      return;
    }
    // No recovery for the stop yet, or one closed before this earlier date was found: (started again) from the stop.
    const recoveryId = existing?.recoveryId ?? recoveryIdOf(body.caseNumber, stop.seq);
    try {
      await deps.temporal.workflow.start<typeof overpaymentRecovery>('overpaymentRecovery', {
        taskQueue: deps.taskQueue,
        workflowId: recoveryId,
        workflowIdReusePolicy: existing ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
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
            stopId: stop.stopId,
            stopDate: body.stopDate,
            ...(stop.reason === 'revoked' ? { overpaidFromMonth: body.stopDate.slice(0, 7) } : {}),
            origin: existing ? (existing.origin as 'benefit_period' | 'auditor' | 'revocation') : 'auditor',
            startedBy: user.username,
            ...(body.stopDate !== stop.date ? { redateReason: body.reason } : {}),
          },
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new ApiError(409, 'recovery_exists', `停发记录 ${stop.stopId} 已有追回案件 ${recoveryId}`);
      throw dependencyOutage(err) ?? err;
    }
    await audit(db, {
      actor: user,
      action: existing ? 'recovery_restarted' : 'recovery_started',
      entity: 'recovery',
      entityId: recoveryId,
      caseNumber: body.caseNumber,
      after: { ...body, stopId: stop.stopId },
      reason: body.reason,
      requestId: String(req.id),
    });
    res.status(202).json({ recoveryId, caseNumber: body.caseNumber, stopId: stop.stopId, stopDate: body.stopDate });
  });

  router.post('/recoveries/:recoveryId/delivery', requireRole('intake', 'auditor', 'supervisor'), async (req, res) => {
    const r = await recoveryFor(req);
    const body = parseOr400(DeliverySchema, req.body);
    const view = await commands.update(r.id, recordDelivery, { ...body, by: actorOf(currentUser(req)) });
    res.json(view); // audited by the workflow's activity with the delivery
  });

  router.post('/recoveries/:recoveryId/repayments', requireRole('finance'), async (req, res) => {
    const r = await recoveryFor(req);
    const body = parseOr400(RepaymentSchema, req.body);
    const view = await commands.update(r.id, confirmRepayment, { ...body, by: actorOf(currentUser(req)) });
    res.json(view); // audited by the workflow's activity with the repayment
  });

  // The case file for the litigation (Art. 43): amounts, payments, notices, delivery proof, repayments, timeline.
  router.get('/recoveries/:recoveryId/case-file', requireRole('auditor', 'finance', 'supervisor'), async (req, res) => {
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
      stopId: r.stopId,
      amounts: {
        stopDate: isoDate(r.stopDate),
        amountFen: r.amountFen,
        repaidFen: r.amountFen - r.balanceFen,
        balanceFen: r.balanceFen,
        explanation: r.explanation,
      },
      payments: r.items,
      notices: messages
        .filter((m) => m.id.startsWith(`${r.id}.`)) // this recovery's notices, not another stop's
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
      // This recovery's events (keyed by its ID), and its stop's.
      timeline: events
        .filter(
          (e) =>
            e.eventKey.startsWith(`${r.id}/`) ||
            (r.stopId !== null &&
              (e.eventKey.startsWith(`${r.stopId}/`) || (e.data as { stopId?: string })?.stopId === r.stopId)),
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
  const caseParam = CaseNumberParamSchema;
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
    summary: "Auditors: the recovery of a stop of a claim's benefit period, or the stop re-dated earlier (Art. 42, 43)",
    description:
      "Art. 43: a recovery stands on a stop of the period (领金人员符合停发条件), one per stop. With the stop's date: " +
      'opens its recovery when it has none. With an earlier date (the condition began before the date first ' +
      'recorded): the stop is re-dated and its recovery re-computed with the months that adds, what was repaid still ' +
      'counted, audited, the person told the new amount; its notice is delivered again. `stopId` names the stop when ' +
      'more than one is in force.',
    tags: ['recoveries'],
    request: { body: { required: true, content: json(StartRecoverySchema) } },
    responses: {
      200: { description: 'Re-computed: the running recovery of the stop as it stands', content: loose },
      202: { description: 'Started (or started again, a closed one): the recovery and its stop', content: loose },
      400: error('The body is not valid, the date is outside the period, or the stop is not named: the field'),
      403: error('Not an auditor, or outside your agency scope'),
      404: error('No such case for you'),
      409: error(
        'no_stop: the period was never stopped (Art. 43); recovery_exists: the stop has its recovery for that date; ' +
          "stop_date_later: a later date than the stop's (a correction on objection, Art. 13); no benefit period",
      ),
    },
  });
  const recoveryParam = RecoveryIdParamSchema;
  for (const [path, schema, summary] of [
    ['delivery', DeliverySchema, 'The recovery notice delivered (sms, post, in_person) with proof: the 30 days start'],
    ['repayments', RepaymentSchema, 'Finance: a repayment received (partial ones reduce the balance)'],
  ] as const) {
    registry.registerPath({
      ...security,
      method: 'post',
      path: `/recoveries/{recoveryId}/${path}`,
      summary: `${summary} (Art. 43)`,
      tags: ['recoveries'],
      request: { params: recoveryParam, body: { required: true, content: json(schema) } },
      responses: {
        200: { description: 'The recovery as it stands', content: loose },
        400: error('The body is not valid: the field is named'),
        403: error('Missing role, or outside your agency scope'),
        404: error('No such recovery for you'),
        409: error('The recovery is not at that stage, or the case number names several recoveries'),
      },
    });
  }
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/recoveries/{recoveryId}/case-file',
    summary: 'The case file for litigation: amounts, payments, notices, delivery proof, repayments (Art. 43)',
    tags: ['recoveries'],
    request: { params: recoveryParam },
    responses: {
      200: { description: 'The case file', content: loose },
      404: error('No such recovery for you'),
      409: error('The case number names several recoveries: use the recovery number'),
    },
  });
}
