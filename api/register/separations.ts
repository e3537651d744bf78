/**
 * Staff reduction (暂停参保, Art. 21) and what the register told the employer (Art. 17, 19).
 *
 * | request | who | article |
 * | --- | --- | --- |
 * | `POST /employers/:registerNumber/reductions` | the employer's agent online (its own staff only), an intake clerk at a window | 21 |
 * | `GET /employers/:registerNumber/reminders` | the employer's agent; staff in scope: the reminders of the daily comparison | 17, 19 |
 * | `GET /register/claim-notices/:relationId` | the employer's agent; staff in scope: the 《失业保险金申领告知书》 to print | 21 |
 * | `POST /register/comparisons` | supervisors, administrators: the daily comparison now | 17, 19, 22, 33 |
 *
 * A reduction declares the separation date and reason of the termination certificate (失业时间、失业原因, Art. 21) for a
 * person insured at the employer: the relation becomes suspended (暂停), the person too when no other relation is open,
 * with a history row and an audit entry, in one transaction; then the `staffReduction` workflow (given the relation ID
 * alone) sends the person the claim notice letter and, for a declaration later than the 15 days, opens a clerk's
 * follow-up. The declared date and reason are what a claim reads first (Art. 38, activities/determination.ts).
 * Same Idempotency-Key and body: the same answer (200); the relation suspended already: 409.
 */
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { dbDate, isoDate } from '../../lib/db';
import { audit } from '../../lib/audit';
import { canonicalJson } from '../../lib/canonical-json';
import type { CalendarStore } from '../../lib/calendar-store';
import type { PolicyStore } from '../../lib/policy-store';
import { PERSON_UNMASKED_ROLES, STAFF_ROLES, type StaffRole } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { lateness } from '../../domain/deadlines';
import { maskIdNumber } from '../../domain/identity';
import { RELATION_STATUS_LABELS, type RelationStatus } from '../../domain/register/items';
import { assertChannel } from './router';
import { CLAIM_NOTICE_LETTER } from '../../domain/register/notices';
import { SEPARATION_REASON_LABELS, separationReasonSchema, type SeparationReason } from '../../domain/separation';
import {
  REGISTER_DAILY_SCHEDULE_ID,
  staffReductionWorkflowId,
  type RegisterDailyRunInput,
  type StaffReductionInput,
} from '../../contracts/separations';
import { AGENCY_CODE, CASE_TYPE } from '../../contracts/search-attributes';
import { currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import { ApiError, dependencyOutage, parseOr400 } from '../errors';
import { IdempotencyKeySchema } from '../claims/schema';
import { RegisterNumberParamSchema } from './schema';
import { mayRead } from './view';

export interface SeparationDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Dated policy: the 15 days of Art. 21 (`deadline` art21.staffReduction). */
  policy: PolicyStore;
  calendar: CalendarStore;
  now?: () => Date;
}

const isoDateSchema = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });

/** Art. 21: the reduction as the termination certificate records it. */
export const StaffReductionSchema = z
  .strictObject({
    channel: z.enum(['online', 'window']).meta({ description: 'Art. 8: 网上服务平台 (agent) or 经办窗口 (clerk)' }),
    personNumber: z
      .string()
      .regex(/^\d{6,16}$/, '个人编号须为数字')
      .meta({ description: 'The insured person (个人编号), one of the employer’s staff' }),
    separationDate: isoDateSchema.meta({
      description: '失业时间 on the termination certificate: not before the hiring, not in the future',
    }),
    separationReason: separationReasonSchema.meta({ description: '失业原因 on the termination certificate' }),
  })
  .meta({ id: 'StaffReduction', description: '减员申报 (Art. 21): the separation date and reason' });
export type StaffReduction = z.infer<typeof StaffReductionSchema>;
export const RelationParamSchema = z.object({ relationId: z.string().regex(/^\d{1,18}$/, '须为数字') });

const unmaskedFor = (user: AuthUser) =>
  user.roles.includes('employer_agent') || user.roles.some((r) => PERSON_UNMASKED_ROLES.includes(r as StaffRole));

export function separationRouter(deps: SeparationDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  async function employerOf(req: Request) {
    const user = currentUser(req);
    const { registerNumber } = parseOr400(RegisterNumberParamSchema, req.params);
    const e = await deps.db.employer.findUnique({ where: { registerNumber } });
    if (!e || !mayRead(user, e)) {
      throw new ApiError(404, 'employer_not_found', `没有单位编号为 ${registerNumber} 的参保单位`);
    }
    return e;
  }

  /** Art. 21: the workflow that sends the claim notice letter (and flags a late declaration), once per relation. */
  async function startReduction(relationId: bigint): Promise<'started' | 'not_started'> {
    const input: StaffReductionInput = { relationId: String(relationId) };
    try {
      await deps.temporal.workflow.start('staffReduction', {
        workflowId: staffReductionWorkflowId(relationId),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'started';
      if (dependencyOutage(err)) return 'not_started';
      throw err;
    }
  }

  function answerOf(r: {
    id: bigint;
    personNumber: string;
    endedOn: Date | null;
    separationReason: string | null;
    declaredLateByDays: number | null;
  }) {
    return {
      relationId: String(r.id),
      personNumber: r.personNumber,
      status: 'suspended',
      statusLabel: RELATION_STATUS_LABELS.suspended,
      separationDate: r.endedOn ? isoDate(r.endedOn) : null,
      separationReason: r.separationReason,
      lateByDays: r.declaredLateByDays ?? 0,
      noticeUrl: `/app/claim-notice?relation=${r.id}`,
    };
  }

  /** The employer's staff in the register (open and suspended relations), to choose whom a reduction concerns. */
  router.post('/employers/:registerNumber/reductions', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const e = await employerOf(req);
    const key = parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
    const d = parseOr400(StaffReductionSchema, req.body);
    assertChannel(user, d.channel);
    const keyHash = key
      ? createHash('sha256')
          .update(`staff_reduction\nuser:${user.id}\n${key}\n${canonicalJson({ ...d, e: e.registerNumber })}`)
          .digest('hex')
      : null;
    const relation = await deps.db.insuranceRelation.findFirst({
      where: { registerNumber: e.registerNumber, personNumber: d.personNumber },
      orderBy: [{ status: 'asc' }, { hiredOn: 'desc' }], // an open relation first ('insured' < 'suspended')
    });
    if (!relation) {
      throw new ApiError(
        404,
        'not_own_staff',
        `个人编号 ${d.personNumber} 不是本单位的参保职工，只能为本单位职工办理减员（第八条、第二十一条）`,
        [{ path: 'personNumber', message: '不是本单位的参保职工' }],
      );
    }
    // A retry of the same declaration: the same answer, and its workflow started if it was not.
    if (keyHash && relation.reductionKey === keyHash) {
      const workflow = await startReduction(relation.id);
      res.location(`/employers/${e.registerNumber}/staff`);
      res.status(200).json({ ...answerOf(relation), workflow });
      return;
    }
    if (relation.status !== 'insured') {
      throw new ApiError(
        409,
        'already_suspended',
        `该职工在本单位的参保关系已${RELATION_STATUS_LABELS[relation.status as RelationStatus] ?? relation.status}（失业时间 ${relation.endedOn ? isoDate(relation.endedOn) : '—'}），不能重复办理减员`,
        [
          {
            path: 'personNumber',
            message: `已${RELATION_STATUS_LABELS[relation.status as RelationStatus] ?? relation.status}`,
          },
        ],
      );
    }
    const today = businessDateOf(now());
    const hiredOn = isoDate(relation.hiredOn);
    if (d.separationDate > today) {
      throw new ApiError(422, 'separation_in_future', '失业时间不能晚于今天', [
        { path: 'separationDate', message: '失业时间不能晚于今天', rule: 'not_in_future' },
      ]);
    }
    if (d.separationDate < hiredOn) {
      throw new ApiError(422, 'separation_before_hiring', `失业时间不能早于用工之日（${hiredOn}）`, [
        { path: 'separationDate', message: `失业时间不能早于用工之日（${hiredOn}）`, rule: 'not_before_hiring' },
      ]);
    }
    // Art. 21: within 15 days of the separation (the one deadline function); a later one is taken and flagged.
    const { dueDate, lateByDays } = lateness(
      await deps.policy.current(),
      'art21.staffReduction',
      d.separationDate,
      await deps.calendar.current(),
      today,
    );
    const at = now();
    const after = {
      status: 'suspended',
      separationDate: d.separationDate,
      separationReason: d.separationReason,
      channel: d.channel,
      dueOn: dueDate,
      lateByDays,
      registerNumber: e.registerNumber,
    };
    const updated = await deps.db.$transaction(
      async (tx) => {
        const moved = await tx.insuranceRelation.updateManyAndReturn({
          where: { id: relation.id, status: 'insured' },
          data: {
            status: 'suspended',
            endedOn: dbDate(d.separationDate),
            separationReason: d.separationReason,
            declaredAt: at,
            declaredLateByDays: lateByDays,
            endedBy: d.channel === 'online' ? 'employer' : 'agency',
            reductionKey: keyHash,
            updatedAt: at,
          },
        });
        const r = moved[0];
        if (!r) throw new ApiError(409, 'already_suspended', '该职工的参保关系已暂停，不能重复办理减员');
        // The person is suspended when no other relation of theirs is open (Art. 21).
        const open = await tx.insuranceRelation.count({
          where: { personNumber: r.personNumber, status: 'insured' },
        });
        if (!open) {
          await tx.insuredPerson.updateMany({
            where: { personNumber: r.personNumber, status: 'insured' },
            data: { status: 'suspended', updatedAt: at },
          });
        }
        await tx.personChange.create({
          data: {
            personNumber: r.personNumber,
            at,
            kind: 'suspended',
            article: '21',
            actorId: user.id,
            actorName: user.username,
            relationId: r.id,
            fields: ['status', 'endedOn', 'separationReason'],
            before: { status: 'insured' },
            after,
          },
        });
        await audit(tx, {
          actor: { id: user.id, username: user.username },
          action: 'person.suspend',
          entity: 'insurance_relation',
          entityId: String(r.id),
          before: { status: 'insured' },
          after,
          reason: `第二十一条：减员申报，失业原因：${SEPARATION_REASON_LABELS[d.separationReason]}${lateByDays ? `；逾期${lateByDays}日` : ''}`,
          requestId: String(req.id),
          at,
        });
        return r;
      },
      { maxWait: 10_000, timeout: 20_000 },
    );
    const workflow = await startReduction(updated.id);
    res.location(`/employers/${e.registerNumber}/staff`);
    // Suspended either way; the notice letter goes out once the workflow runs (a retry with the key starts it).
    res.status(workflow === 'started' ? 201 : 202).json({ ...answerOf(updated), dueOn: dueDate, workflow });
  });

  /** Art. 17, 19: the reminders the daily comparison sent the employer, newest first. */
  router.get(
    '/employers/:registerNumber/reminders',
    requireRole('employer_agent', ...STAFF_ROLES),
    async (req, res) => {
      const e = await employerOf(req);
      const rows = await deps.db.registerMessage.findMany({
        where: {
          registerNumber: e.registerNumber,
          kind: { in: ['unregistered_staff_reminder', 'undeclared_change_reminder'] },
        },
        orderBy: { sentAt: 'desc' },
        take: 100,
      });
      res.json({
        items: rows.map((m) => ({
          id: m.id,
          kind: m.kind,
          article: m.kind === 'unregistered_staff_reminder' ? 'Art. 19' : 'Art. 17',
          findings: m.findings,
          sentAt: m.sentAt.toISOString(),
          remindUntil: m.remindUntil ? isoDate(m.remindUntil) : null,
          mobileMasked: m.mobileMasked,
          text: m.text,
        })),
      });
    },
  );

  /** Art. 21: the 《失业保险金申领告知书》 of a suspended relation, for the printable page. */
  router.get('/register/claim-notices/:relationId', requireRole('employer_agent', ...STAFF_ROLES), async (req, res) => {
    const user = currentUser(req);
    const { relationId } = parseOr400(RelationParamSchema, req.params);
    const r = await deps.db.insuranceRelation.findUnique({
      where: { id: BigInt(relationId) },
      include: { person: true, employer: true },
    });
    if (!r || r.status !== 'suspended' || !mayRead(user, r.employer)) {
      throw new ApiError(404, 'claim_notice_not_found', '没有该职工的减员记录，无《失业保险金申领告知书》');
    }
    const sent = await deps.db.registerMessage.findUnique({ where: { id: `claim-notice-${r.id}` } });
    res.json({
      ...CLAIM_NOTICE_LETTER,
      relationId: String(r.id),
      person: {
        personNumber: r.personNumber,
        name: r.person.name,
        idNumber: unmaskedFor(user) ? r.person.idNumber : maskIdNumber(r.person.idNumber),
      },
      employer: { registerNumber: r.registerNumber, name: r.employer.name, code: r.employer.code },
      separationDate: isoDate(r.endedOn!),
      separationReason: r.separationReason,
      separationReasonLabel: SEPARATION_REASON_LABELS[r.separationReason as SeparationReason],
      declaredAt: r.declaredAt?.toISOString() ?? null,
      lateByDays: r.declaredLateByDays ?? 0,
      sms: sent ? { sentAt: sent.sentAt.toISOString(), mobileMasked: sent.mobileMasked } : null,
    });
  });

  /** Art. 17, 19, 22, 33: the daily comparison now (the same workflow the schedule starts). */
  router.post('/register/comparisons', requireRole('supervisor', 'administrator'), async (req, res) => {
    const user = currentUser(req);
    const runId = `register-comparison-manual-${randomUUID()}`;
    const input: RegisterDailyRunInput = { trigger: 'manual', requestedBy: user.username };
    try {
      await deps.temporal.workflow.start('registerDailyRun', {
        workflowId: runId,
        taskQueue: deps.taskQueue,
        args: [input],
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'register_comparison' },
          { key: AGENCY_CODE, value: user.agencyCode },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    await audit(deps.db, {
      actor: { id: user.id, username: user.username },
      action: 'register_comparison_requested',
      entity: 'register_comparison',
      entityId: runId,
      reason: `与每日比对（${REGISTER_DAILY_SCHEDULE_ID}）相同的比对，按需发起`,
      requestId: String(req.id),
    });
    res.status(202).json({ runId });
  });

  return router;
}
