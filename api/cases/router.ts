/**
 * GET /cases/:caseNumber: a case as the read model has it, with its timeline and its payments (Art. 39, 63). Personal data is masked until roles
 * exist that may see it (Art. 30: entitlement records are not disclosed to others).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { ownCaseNumbers, ownsCase, partyOf } from '../../lib/own-cases';
import { maskIdNumber, maskTail } from '../../domain/identity';
import { ApiError, parseOr400, validationError } from '../errors';
import {
  PERSON_SEARCH_ROLES,
  PERSON_UNMASKED_ROLES,
  STAFF_ROLES,
  agencyCovers,
  agencyScopePrefix,
} from '../../domain/access';
import { audit } from '../../lib/audit';
import { CASE_NUMBER_PATTERN } from '../../domain/case-number';
import { currentUser, requireRole } from '../auth/middleware';
import { CaseNumberParamSchema } from '../claims/schema';
import { caseSections, CaseSectionsSchema, maskName } from './views';
import { benefitStateOf, claimPaymentLabel } from '../../domain/period-stops';
import { stopsAndRecoveriesOf } from '../../lib/period-stops';
import { eventsForParty } from './party-view';
import { nextPaymentOf } from '../../contracts/pay-day';
import type { AmountChange } from '../../domain/period-amounts';
import { writtenAtLeast } from '../../domain/written-text';

export interface CasesDeps {
  db: Db;
  temporalUiUrl?: string;
  namespace: string;
  /** The API's clock (the next pay day is counted from it). */
  now?: () => Date;
}

/** Art. 39, 63: the benefit period of a claim as the person follows it: months paid and left, the next pay day. */
const PeriodViewSchema = z.object({
  periodId: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  months: z.number().int(),
  monthlyAmountFen: z.number().int(),
  monthsPaid: z.number().int(),
  monthsRemaining: z.number().int(),
  nextPayment: z
    .object({ date: z.string(), months: z.array(z.string()), amountFen: z.number().int() })
    .nullable()
    .meta({ description: 'the next pay day (the 10th, Art. 63), the months it pays and their amount; null: none' }),
});

type PeriodRow = {
  id: string;
  status: string;
  startDate: Date;
  endDate: Date;
  months: number;
  monthlyAmountFen: number;
  amountChanges: unknown;
};

/** The period's view from its row and the ledger's paid benefit months. */
function periodView(p: PeriodRow, paid: ReadonlySet<string>, nowMs: number): z.infer<typeof PeriodViewSchema> {
  const startDate = p.startDate.toISOString().slice(0, 10);
  const monthsPaid = paid.size;
  return {
    periodId: p.id,
    startDate,
    endDate: p.endDate.toISOString().slice(0, 10),
    months: p.months,
    monthlyAmountFen: p.monthlyAmountFen,
    monthsPaid,
    monthsRemaining: p.status === 'active' ? Math.max(0, p.months - monthsPaid) : 0,
    nextPayment:
      p.status === 'active'
        ? nextPaymentOf(
            {
              startMonth: startDate.slice(0, 7),
              months: p.months,
              monthlyAmountFen: p.monthlyAmountFen,
              amountChanges: (Array.isArray(p.amountChanges) ? p.amountChanges : []) as AmountChange[],
            },
            paid,
            nowMs,
          )
        : null,
  };
}

/** Art. 39, 63: when money comes, for a person or the public: months paid and left, the next pay day and amount. */
export const PaymentSummarySchema = z.object({
  monthsPaid: z.number().int(),
  monthsRemaining: z.number().int(),
  nextPayDate: z.string().nullable(),
  nextAmountFen: z.number().int().nullable(),
});

/** The payment summaries of the claims that have a benefit period, by case number (periods and ledger read at once). */
async function paymentSummaries(
  db: Db,
  caseNumbers: string[],
  nowMs: number,
): Promise<Map<string, { periodStatus: string; payment: z.infer<typeof PaymentSummarySchema> }>> {
  if (caseNumbers.length === 0) return new Map();
  const [periods, paid] = await Promise.all([
    db.benefitPeriod.findMany({ where: { caseNumber: { in: caseNumbers } } }),
    db.payable.findMany({
      where: { caseNumber: { in: caseNumbers }, kind: 'unemployment_benefit', status: 'paid' },
      select: { caseNumber: true, month: true },
    }),
  ]);
  return new Map(
    periods.map((p) => {
      const d = periodView(p, new Set(paid.filter((x) => x.caseNumber === p.caseNumber).map((x) => x.month)), nowMs);
      return [
        p.caseNumber,
        {
          periodStatus: p.status,
          payment: {
            monthsPaid: d.monthsPaid,
            monthsRemaining: d.monthsRemaining,
            nextPayDate: d.nextPayment?.date ?? null,
            nextAmountFen: d.nextPayment?.amountFen ?? null,
          },
        },
      ];
    }),
  );
}

/** The status as a person reads it: an approved claim reads as its benefit does (domain/period-stops.ts). */
function statusLabelOf(status: string, periodStatus: string | null | undefined): string {
  return (status === 'approved' && claimPaymentLabel(periodStatus)) || (CASE_STATUS_LABELS[status] ?? status);
}

export { maskName };

export const CaseViewSchema = z
  .object({
    caseNumber: z.string(),
    caseType: z.string(),
    status: z.string(),
    /** The status in the 规程's words, as the person and the employer read it. */
    statusLabel: z.string(),
    agency: z.object({ code: z.string(), name: z.string() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    claim: z
      .object({
        channel: z.string(),
        applicant: z.object({
          idType: z.string(),
          idNumberMasked: z.string(),
          nameMasked: z.string(),
          phoneMasked: z.string(),
        }),
        employer: z.object({ uscc: z.string(), name: z.string() }),
        separation: z.object({ date: z.string(), reason: z.string() }),
        payingLocality: z.object({ basis: z.string(), agencyCode: z.string() }),
        payment: z.object({ method: z.string(), bankName: z.string().nullable(), accountNumberMasked: z.string() }),
        submittedAt: z.string(),
      })
      .nullable(),
    events: z.array(z.object({ type: z.string(), at: z.string(), actor: z.string(), data: z.unknown() })),
    /** The payment ledger of the case (Art. 39, 44, 63): each attempt, newest month last; no account numbers. */
    payments: z.array(
      z.object({
        month: z.string(),
        kind: z.string(),
        attempt: z.number().int(),
        amountFen: z.number().int(),
        status: z.string(),
        resultCode: z.string().nullable(),
        paidAt: z.string().nullable(),
      }),
    ),
    /**
     * Art. 80: confirmed suspicious items holding the case's payments out of the runs, and their rectification
     * (held, released, stopped, withdrawn). The item and the decision are shown to staff only.
     */
    holds: z.array(
      z.object({
        itemCaseNumber: z.string().nullable(),
        status: z.enum(['held', 'released', 'stopped', 'withdrawn']),
        heldAt: z.string(),
        decidedAt: z.string().nullable(),
        decision: z.unknown().nullable(),
      }),
    ),
    /**
     * Art. 42, 43: beside the claim's own status (its decision), the benefit's: 发放中, 已停发, 已领取完毕, and 追回中 while
     * an overpayment is being recovered. Null for cases without a benefit period.
     */
    benefit: z
      .object({
        status: z.enum(['in_payment', 'stopped', 'completed', 'recovering']),
        period: z.string(),
        recovering: z.boolean(),
        label: z.string(),
        periodDetail: PeriodViewSchema,
      })
      .nullable(),
    /** Art. 42: the stops of the claim's period, oldest first: reason, date, who or what found it, in force or lifted. */
    stops: z.array(
      z.object({
        stopId: z.string(),
        reason: z.string(),
        reasonLabel: z.string(),
        date: z.string(),
        foundDate: z.string(),
        foundBy: z.object({ kind: z.string(), ref: z.string().nullable(), label: z.string() }),
        foundAt: z.string(),
        status: z.enum(['in_force', 'lifted']),
        liftedBy: z.string().nullable(),
        redates: z.array(z.unknown()),
        recoveryIds: z.array(z.string()),
      }),
    ),
    /** Art. 43: every recovery of the claim, one per stop: amount, what was repaid, balance, where it stands. */
    recoveries: z.array(
      z.object({
        recoveryId: z.string(),
        stopId: z.string().nullable(),
        stopDate: z.string(),
        amountFen: z.number().int(),
        repaidFen: z.number().int(),
        balanceFen: z.number().int(),
        status: z.string(),
        statusLabel: z.string(),
        deliveredOn: z.string().nullable(),
        dueDate: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
    links: z.object({ temporalUi: z.string().optional() }),
  })
  .extend(CaseSectionsSchema.shape)
  .meta({ id: 'Case' });

/**
 * POST /cases/search: one criterion (the case number, the applicant's ID number, or the applicant's full name), a
 * page of 1-50 rows. A POST so that names and ID numbers stay out of URLs and request logs.
 */
export const CaseSearchSchema = z
  .strictObject({
    caseNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(CASE_NUMBER_PATTERN, '须为案件编号，如 SYJ-2026-210100-7K3M9Q2XHD')
      .optional(),
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[0-9A-Z]{5,32}$/, '须为证件号码（5至32位数字或大写字母）')
      .optional(),
    name: z
      .string()
      .regex(writtenAtLeast(1), { error: '不能为空', abort: true })
      .trim()
      .min(1, '不能为空')
      .max(50, '不能超过50个字符')
      .optional(),
    page: z.number().int('须为整数').min(1, '须不小于1').max(10_000, '不能大于10000').default(1),
    pageSize: z.number().int('须为整数').min(1, '须不小于1').max(50, '不能大于50').default(20),
  })
  .meta({
    id: 'CaseSearch',
    description: 'Exactly one of caseNumber, idNumber, name',
    // The route's rule, stated: exactly one criterion.
    oneOf: [{ required: ['caseNumber'] }, { required: ['idNumber'] }, { required: ['name'] }],
  });

export const CaseSearchResultSchema = z
  .object({
    items: z.array(
      z.object({
        caseNumber: z.string(),
        caseType: z.string(),
        status: z.string(),
        statusLabel: z.string(),
        agencyCode: z.string(),
        createdAt: z.string(),
        applicant: z
          .object({ name: z.string(), idNumber: z.string(), masked: z.boolean() })
          .nullable()
          .meta({ description: 'Whole for the roles that need it (intake, auditor), else masked (Art. 30)' }),
      }),
    ),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'CaseSearchResult' });

export function casesRouter(deps: CasesDeps): Router {
  const router = Router();
  const now = () => (deps.now ? deps.now() : new Date()).getTime();

  /**
   * Staff of an agency whose scope covers the case see it; a person or an employer sees their own cases of every type
   * (Art. 31, lib/own-cases.ts); nobody else learns whether it exists (404).
   */
  router.get('/cases/:caseNumber', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await deps.db.case.findUnique({
      where: { caseNumber },
      include: { agency: true, claim: true, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    const staff = req.user?.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r)) ?? false;
    const party = partyOf(req);
    const allowed =
      c &&
      ((staff && agencyCovers(req.user!.agencyCode, c.agencyCode)) ||
        (party !== undefined && (await ownsCase(deps.db, party, caseNumber))));
    if (!c || !allowed) throw new ApiError(404, 'case_not_found', `没有案件${caseNumber}`);
    const claimCase = c.caseType === 'benefit_claim';
    const [payables, holds, period, stopped] = await Promise.all([
      deps.db.payable.findMany({
        where: { caseNumber },
        orderBy: [{ month: 'asc' }, { kind: 'desc' }, { attempt: 'asc' }],
        take: 500,
      }),
      deps.db.paymentHold.findMany({ where: { caseNumber }, orderBy: { heldAt: 'asc' } }),
      claimCase ? deps.db.benefitPeriod.findUnique({ where: { caseNumber } }) : null,
      claimCase ? stopsAndRecoveriesOf(deps.db, caseNumber) : { stops: [], recoveries: [] },
    ]);
    const events = c.events.map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data }));
    const view: z.infer<typeof CaseViewSchema> = {
      caseNumber: c.caseNumber,
      caseType: c.caseType,
      status: c.status,
      statusLabel: statusLabelOf(c.status, period?.status),
      agency: { code: c.agency.code, name: c.agency.name },
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      claim: c.claim && {
        channel: c.claim.channel,
        applicant: {
          idType: c.claim.idType,
          idNumberMasked: maskIdNumber(c.claim.idNumber),
          nameMasked: maskName(c.claim.name),
          phoneMasked: maskTail(c.claim.phone),
        },
        employer: { uscc: c.claim.employerUscc, name: c.claim.employerName },
        separation: { date: c.claim.separationDate.toISOString().slice(0, 10), reason: c.claim.separationReason },
        payingLocality: { basis: c.claim.payingLocalityBasis, agencyCode: c.agencyCode },
        payment: {
          method: c.claim.paymentMethod,
          bankName: c.claim.bankName,
          accountNumberMasked: maskTail(c.claim.accountNumber),
        },
        submittedAt: c.claim.submittedAt.toISOString(),
      },
      events: staff ? events : await eventsForParty(deps.db, events),
      payments: payables.map((p) => ({
        month: p.month,
        kind: p.kind,
        attempt: p.attempt,
        amountFen: p.amountFen,
        status: p.status,
        resultCode: p.resultCode,
        paidAt: p.paidAt?.toISOString() ?? null,
      })),
      ...(await caseSections(deps.db, c.caseNumber, c.caseType)),
      benefit: benefitOf(
        period,
        stopped.recoveries.map((r) => r.status),
        payables,
        now(),
      ),
      // Who found a stop (a monitoring item, a clerk) is shown to staff only, as the holds' items are.
      stops: stopped.stops.map(({ seq: _seq, ...x }) =>
        staff ? x : { ...x, foundBy: { ...x.foundBy, ref: null }, liftedBy: x.liftedBy },
      ),
      recoveries: stopped.recoveries.map(({ origin: _origin, ...r }) => r),
      holds: holds.map((h) => ({
        itemCaseNumber: staff ? h.itemCaseNumber : null,
        status: h.status as 'held' | 'released' | 'stopped' | 'withdrawn',
        heldAt: h.heldAt.toISOString(),
        decidedAt: h.decidedAt?.toISOString() ?? null,
        decision: staff ? (h.decision ?? null) : null,
      })),
      // The workflow engine's page is the agency's tool, not the applicant's (issue 21 item 5).
      links:
        staff && deps.temporalUiUrl
          ? {
              temporalUi: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(c.workflowId)}`,
            }
          : {},
    };
    res.json(view);
  });

  /**
   * Case search for staff, within their agency's scope (Art. 5), newest first. By case number: any staff role. By the
   * applicant's ID number or full name (exact): PERSON_SEARCH_ROLES only, audited (who searched, by what, how many
   * found; not the value); names and ID numbers whole only for PERSON_UNMASKED_ROLES (Art. 30).
   */
  router.post('/cases/search', requireRole(...STAFF_ROLES), async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(CaseSearchSchema, req.body);
    const given = (['caseNumber', 'idNumber', 'name'] as const).filter((k) => q[k] !== undefined);
    if (given.length !== 1)
      throw validationError(
        (given.length ? given : ['caseNumber']).map((path) => ({
          path,
          message: '案件编号、证件号码、姓名三者须且只须填写一项',
        })),
      );
    const by = given[0]!;
    if (by !== 'caseNumber' && !user.roles.some((r) => PERSON_SEARCH_ROLES.includes(r as never)))
      throw new ApiError(403, 'forbidden', '您的岗位不能按人员查询案件（第三十条）', [
        { path: by, message: '您的岗位不能按此条件查询' },
      ]);
    const where = {
      agencyCode: { startsWith: agencyScopePrefix(user.agencyCode) },
      ...(by === 'caseNumber'
        ? { caseNumber: q.caseNumber! }
        : by === 'idNumber'
          ? { claim: { idNumber: q.idNumber! } }
          : { claim: { name: q.name! } }),
    };
    const [total, rows] = await Promise.all([
      deps.db.case.count({ where }),
      deps.db.case.findMany({
        where,
        include: { claim: { select: { name: true, idNumber: true } } },
        orderBy: [{ createdAt: 'desc' }, { caseNumber: 'asc' }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      }),
    ]);
    const whole = user.roles.some((r) => PERSON_UNMASKED_ROLES.includes(r as never));
    if (by !== 'caseNumber')
      await audit(deps.db, {
        actor: { id: user.id, username: user.username },
        action: 'case_search_by_person',
        entity: 'case_search',
        entityId: String(req.id),
        after: { by, found: total },
        requestId: String(req.id),
      });
    const result: z.infer<typeof CaseSearchResultSchema> = {
      items: rows.map((c) => ({
        caseNumber: c.caseNumber,
        caseType: c.caseType,
        status: c.status,
        statusLabel: CASE_STATUS_LABELS[c.status] ?? c.status,
        agencyCode: c.agencyCode,
        createdAt: c.createdAt.toISOString(),
        applicant: c.claim
          ? whole
            ? { name: c.claim.name, idNumber: c.claim.idNumber, masked: false }
            : { name: maskName(c.claim.name), idNumber: maskIdNumber(c.claim.idNumber), masked: true }
          : null,
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
    res.json(result);
  });

  /**
   * Art. 31: the caller's own cases of every type, newest first: a person's (signed in with ID number and SMS code) or
   * an employer's (its agent).
   */
  router.get('/my/cases', async (req, res) => {
    const party = partyOf(req);
    if (!party) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const rows = await deps.db.case.findMany({
      where: { caseNumber: { in: await ownCaseNumbers(deps.db, party) } },
      orderBy: [{ createdAt: 'desc' }, { caseNumber: 'asc' }],
      take: 100,
    });
    const payments = await paymentSummaries(
      deps.db,
      rows.filter((c) => c.caseType === 'benefit_claim').map((c) => c.caseNumber),
      now(),
    );
    res.json({
      items: rows.map((c) => ({
        caseNumber: c.caseNumber,
        caseType: c.caseType,
        status: c.status,
        statusLabel: statusLabelOf(c.status, payments.get(c.caseNumber)?.periodStatus),
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
        ...(payments.has(c.caseNumber) ? { payment: payments.get(c.caseNumber)!.payment } : {}),
      })),
    });
  });

  /**
   * The public claim-status lookup (no sign-in): the case number and the applicant's ID number together give the
   * status and nothing else; any mismatch answers exactly like a missing case.
   */
  router.post('/public/claim-status', async (req, res) => {
    const body = parseOr400(PublicStatusQuerySchema, req.body);
    const c = await deps.db.case.findUnique({
      where: { caseNumber: body.caseNumber },
      include: { claim: { select: { idNumber: true } } },
    });
    if (!c || c.claim?.idNumber !== body.idNumber)
      throw new ApiError(404, 'case_not_found', '没有与此案件编号和证件号码相符的案件');
    const summary = (await paymentSummaries(deps.db, [c.caseNumber], now())).get(c.caseNumber);
    res.json({
      caseNumber: c.caseNumber,
      status: c.status,
      statusLabel: statusLabelOf(c.status, summary?.periodStatus),
      updatedAt: c.updatedAt.toISOString(),
      // Art. 39, 63: when money comes (months paid and left, the next pay day and amount), nothing about the person.
      ...(summary ? { payment: summary.payment } : {}),
    });
  });

  return router;
}

/** The benefit beside the claim's decision, with its period's months and next pay day (null without a period). */
function benefitOf(
  period: (PeriodRow & { status: string }) | null,
  recoveryStatuses: string[],
  payables: { kind: string; month: string; status: string }[],
  nowMs: number,
) {
  const state = benefitStateOf(period?.status ?? null, recoveryStatuses);
  if (!state || !period) return null;
  const paid = new Set(
    payables.filter((p) => p.kind === 'unemployment_benefit' && p.status === 'paid').map((p) => p.month),
  );
  return { ...state, periodDetail: periodView(period, paid, nowMs) };
}

/** The statuses in the 规程's words, for applicants and the public. */
export const CASE_STATUS_LABELS: Record<string, string> = {
  received: '已收到申请',
  awaiting_acceptance: '待受理',
  awaiting_review: '审核中',
  awaiting_second_review: '复核中',
  awaiting_approval: '审批中',
  approved: '审核通过',
  refused: '不予受理或审核不通过',
  cancelled: '已撤销',
  awaiting_materials: '待补充材料',
  awaiting_evidence: '待提供证明材料',
  granted: '审核通过',
  in_notice: '公示中',
  in_payment: '待发放',
  paid: '已发放',
  withdrawn: '经公示有异议，不予发放',
  under_review: '复核中',
  upheld: '维持原决定',
  corrected: '纠正原决定',
  closed: '已办结',
  // Art. 31: an objection to the entitlement record.
  awaiting_check: '核查中',
  explained: '已核查说明',
  // Art. 27, 64: a refund of contributions.
  checking: '核实中',
  awaiting_fund: '待退费（等待基金退费流程）',
  rejected: '审核不通过',
};

export const PublicStatusQuerySchema = z
  .strictObject({
    caseNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(CASE_NUMBER_PATTERN, '须为案件编号，如 SYJ-2026-210100-7K3M9Q2XHD'),
    idNumber: z.string().trim().toUpperCase().min(5).max(32),
  })
  .meta({ id: 'PublicClaimStatusQuery' });
