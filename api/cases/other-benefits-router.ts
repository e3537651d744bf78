/**
 * Other benefits of a benefit period (Art. 46, 47), each its own case:
 *
 *   POST /cases/:caseNumber/childbirth-subsidy   医疗补助金: the beneficiary herself (online) or an intake clerk
 *   POST /cases/:caseNumber/survivor-benefits    丧葬补助金和抚恤金: a survivor, at a window (intake clerk)
 *   GET  /cases/:caseNumber/other-benefits       the other-benefit cases of a benefit claim
 *
 * The application is written to the read model first (with the new case, in one transaction), then the workflow
 * starts with only the case number: no personal data in its history. An Idempotency-Key makes a retried request
 * return the same case (and start its workflow if the first attempt could not).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { agencyCovers } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import { audit } from '../../lib/audit';
import { dbDate, isoDate, type Db } from '../../lib/db';
import { otherBenefit } from '../../workflows/other-benefit';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../contracts/search-attributes';
import type { OtherBenefitKind } from '../../activities/other-benefits';
import { ApiError, dependencyOutage, parseOr400 } from '../errors';
import { CaseNumberParamSchema, IdempotencyKeySchema, PaymentAccountSchema, PersonSchema } from '../claims/schema';
import { openCase } from '../../lib/case-store';

const date = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });
const flag = z.boolean({ error: 'must be true or false' });

export const ChildbirthSubsidyRequestSchema = z
  .strictObject({
    channel: z.enum(['online', 'window', 'kiosk']),
    birthDate: date.meta({ description: 'The day of the birth' }),
    compliesWithFamilyPlanning: flag.meta({ description: 'Within the national family-planning policy (生育登记单)' }),
    materials: z.strictObject({
      birthRegistration: flag.meta({ description: '生育登记单' }),
      medicalBirthCertificate: flag.meta({ description: '医学出生证明' }),
      hospitalBills: flag.meta({ description: '住院费用票据' }),
    }),
    payment: PaymentAccountSchema.optional().meta({ description: 'Default: the account the benefit is paid to' }),
  })
  .meta({ id: 'ChildbirthSubsidyRequest', description: 'Art. 46 医疗补助金' });

export const SurvivorBenefitsRequestSchema = z
  .strictObject({
    channel: z.enum(['online', 'window', 'kiosk']),
    survivor: PersonSchema,
    relationship: z.enum(['spouse', 'child', 'parent', 'other']),
    dateOfDeath: date.meta({ description: 'As the survivor states it; checked against civil affairs (Art. 47)' }),
    chosenScheme: z
      .enum(['unemployment', 'pension', 'work_injury'])
      .meta({ description: 'Art. 47: who qualifies under several schemes chooses one' }),
    materials: z.strictObject({
      survivorIdentity: flag.meta({ description: '遗属身份证件' }),
      deathCertificate: flag.meta({ description: '失业人员死亡证明 (obtained by data comparison when possible)' }),
      relationshipProof: flag.meta({ description: '遗属与失业人员关系证明' }),
    }),
    payment: PaymentAccountSchema,
  })
  .meta({ id: 'SurvivorBenefitsRequest', description: 'Art. 47 丧葬补助金和抚恤金' });

export const OtherBenefitCreatedSchema = z
  .object({ caseNumber: z.string(), status: z.string() })
  .meta({ id: 'OtherBenefitCreated' });

const INTAKE = ['intake', 'supervisor'];

export function otherBenefitsRouter(deps: { db: Db; temporal: Client; taskQueue: string; now?: () => Date }): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  /** The benefit claim the benefit belongs to, if the caller may apply on it. */
  async function benefitCase(req: Request, who: 'beneficiary_or_staff' | 'staff') {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await db.case.findUnique({ where: { caseNumber }, include: { claim: true } });
    const staff =
      !!req.user &&
      req.user.roles.some((r) => INTAKE.includes(r)) &&
      !!c &&
      agencyCovers(req.user.agencyCode, c.agencyCode);
    const own =
      who === 'beneficiary_or_staff' &&
      !!req.applicant &&
      !!c?.claim &&
      c.claim.idNumber === req.applicant.idNumber &&
      c.claim.phone === req.applicant.phone;
    if (!c || !c.claim || c.caseType !== 'benefit_claim' || (!staff && !own))
      throw new ApiError(404, 'case_not_found', `没有失业保险金申领案件${caseNumber}`);
    return {
      c: c as typeof c & { claim: NonNullable<typeof c.claim> },
      actor: staff ? { id: req.user!.id, username: req.user!.username } : { id: null, username: 'applicant' },
    };
  }

  /** Writes the case and the application once per request key, then starts (or finds) its workflow. */
  async function open(
    req: Request,
    kind: OtherBenefitKind,
    agencyCode: string,
    body: unknown,
    row: Omit<
      Parameters<Db['otherBenefitClaim']['create']>[0]['data'],
      'caseNumber' | 'kind' | 'requestKey' | 'submittedAt' | 'case'
    >,
  ) {
    const key = parseOr400(IdempotencyKeySchema, req.header('Idempotency-Key'), 'headers.Idempotency-Key');
    const requestKey = createHash('sha256')
      .update(key ? `${kind}\n${row.benefitCaseNumber}\n${key}` : randomUUID())
      .digest('hex');
    const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    let existing = await db.otherBenefitClaim.findUnique({ where: { requestKey } });
    let created = false;
    if (existing) {
      const first = await db.caseEvent.findFirst({
        where: { caseNumber: existing.caseNumber, type: 'other_benefit_received' },
      });
      if ((first?.data as { bodyHash?: string } | null)?.bodyHash !== bodyHash) {
        throw new ApiError(409, 'idempotency_key_reused', '此 Idempotency-Key 已用于另一个请求内容', [
          { path: 'headers.Idempotency-Key', message: '已使用过' },
        ]);
      }
    } else {
      const at = now();
      const caseNumber = formatCaseNumber(
        kind,
        Number(businessDateOf(at).slice(0, 4)),
        agencyCode,
        serialFromBytes(Buffer.from(requestKey, 'hex')),
      );
      existing = await db.$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber,
          caseType: kind,
          status: 'received',
          agencyCode,
          at,
          event: {
            type: 'other_benefit_received',
            actor: req.user?.username ?? 'applicant',
            data: { benefitCaseNumber: row.benefitCaseNumber, channel: row.channel, bodyHash },
          },
          ifOpen: 'fail',
        });
        return tx.otherBenefitClaim.create({ data: { ...row, caseNumber, kind, requestKey, submittedAt: at } });
      });
      created = true;
    }
    try {
      await deps.temporal.workflow.start(otherBenefit, {
        workflowId: existing.caseNumber,
        taskQueue: deps.taskQueue,
        args: [{ caseNumber: existing.caseNumber, kind, agencyCode }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: CASE_TYPE, value: kind },
          { key: AGENCY_CODE, value: agencyCode },
          { key: CASE_STATUS, value: 'received' },
        ],
      });
    } catch (err) {
      // Closed already: the same request again, answered with the case as it is.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw dependencyOutage(err) ?? err;
    }
    const c = await db.case.findUniqueOrThrow({ where: { caseNumber: existing.caseNumber } });
    return { caseNumber: c.caseNumber, status: c.status, created };
  }

  router.post('/cases/:caseNumber/childbirth-subsidy', async (req, res) => {
    const { c, actor } = await benefitCase(req, 'beneficiary_or_staff');
    const b = parseOr400(ChildbirthSubsidyRequestSchema, req.body);
    // 422: a date after today depends on today, which the schema cannot state.
    if (b.birthDate > businessDateOf(now()))
      throw new ApiError(422, 'date_in_future', '日期不能晚于今天', [{ path: 'birthDate', message: '不能晚于今天' }]);
    const pay = b.payment ?? {
      method: c.claim.paymentMethod as 'social_security_card' | 'bank_account',
      bankName: c.claim.bankName ?? undefined,
      accountNumber: c.claim.accountNumber,
    };
    const r = await open(req, 'childbirth_subsidy', c.agencyCode, b, {
      benefitCaseNumber: c.caseNumber,
      channel: b.channel,
      idType: c.claim.idType,
      idNumber: c.claim.idNumber,
      name: c.claim.name,
      phone: c.claim.phone,
      eventDate: dbDate(b.birthDate),
      compliesWithFamilyPlanning: b.compliesWithFamilyPlanning,
      materials: b.materials,
      paymentMethod: pay.method,
      bankName: pay.bankName ?? null,
      accountNumber: pay.accountNumber,
    });
    if (r.created) {
      await audit(db, {
        actor,
        action: 'childbirth_subsidy_applied',
        entity: 'case',
        entityId: r.caseNumber,
        caseNumber: r.caseNumber,
        after: { benefitCaseNumber: c.caseNumber, channel: b.channel, materials: b.materials },
        requestId: String(req.id),
      });
    }
    res.location(`/cases/${r.caseNumber}`);
    res.status(r.created ? 201 : 200).json({ caseNumber: r.caseNumber, status: r.status });
  });

  router.post('/cases/:caseNumber/survivor-benefits', async (req, res) => {
    const { c, actor } = await benefitCase(req, 'staff');
    const b = parseOr400(SurvivorBenefitsRequestSchema, req.body);
    if (b.dateOfDeath > businessDateOf(now()))
      throw new ApiError(422, 'date_in_future', '日期不能晚于今天', [{ path: 'dateOfDeath', message: '不能晚于今天' }]);
    // 422: the survivor is told apart from the case's own person, whom the body does not name (Art. 47).
    if (b.survivor.idNumber === c.claim.idNumber)
      throw new ApiError(422, 'survivor_is_deceased', '须为遗属，而非死亡人员本人', [
        { path: 'survivor.idNumber', message: '须为遗属，而非死亡人员本人' },
      ]);
    const r = await open(req, 'survivor_benefits', c.agencyCode, b, {
      benefitCaseNumber: c.caseNumber,
      channel: b.channel,
      idType: b.survivor.idType,
      idNumber: b.survivor.idNumber,
      name: b.survivor.name,
      phone: b.survivor.phone,
      relationship: b.relationship,
      eventDate: dbDate(b.dateOfDeath),
      chosenScheme: b.chosenScheme,
      materials: b.materials,
      paymentMethod: b.payment.method,
      bankName: b.payment.bankName ?? null,
      accountNumber: b.payment.accountNumber,
    });
    if (r.created) {
      await audit(db, {
        actor,
        action: 'survivor_benefits_applied',
        entity: 'case',
        entityId: r.caseNumber,
        caseNumber: r.caseNumber,
        after: { benefitCaseNumber: c.caseNumber, relationship: b.relationship, chosenScheme: b.chosenScheme },
        requestId: String(req.id),
      });
    }
    res.location(`/cases/${r.caseNumber}`);
    res.status(r.created ? 201 : 200).json({ caseNumber: r.caseNumber, status: r.status });
  });

  router.get('/cases/:caseNumber/other-benefits', async (req, res) => {
    const { c } = await benefitCase(req, 'beneficiary_or_staff');
    const rows = await db.otherBenefitClaim.findMany({
      where: { benefitCaseNumber: c.caseNumber },
      orderBy: { submittedAt: 'asc' },
    });
    const cases = await db.case.findMany({ where: { caseNumber: { in: rows.map((r) => r.caseNumber) } } });
    const statusOf = new Map(cases.map((x) => [x.caseNumber, x.status]));
    res.json({
      items: rows.map((r) => ({
        caseNumber: r.caseNumber,
        kind: r.kind,
        status: statusOf.get(r.caseNumber) ?? 'received',
        eventDate: isoDate(r.eventDate),
        submittedAt: r.submittedAt.toISOString(),
        assessment: r.assessment,
      })),
    });
  });

  return router;
}
