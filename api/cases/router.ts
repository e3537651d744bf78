/**
 * GET /cases/:caseNumber: a case as the read model has it, with its timeline and its payments (Art. 39, 63). Personal data is masked until roles
 * exist that may see it (Art. 30: entitlement records are not disclosed to others).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { maskIdNumber, maskTail } from '../../domain/identity';
import { ApiError, parseOr400 } from '../errors';
import { STAFF_ROLES, agencyCovers } from '../../domain/access';
import { isCaseNumber } from '../../domain/case-number';
import { currentApplicant } from '../auth/middleware';
import { CaseNumberParamSchema } from '../claims/schema';

export interface CasesDeps {
  db: Db;
  temporalUiUrl?: string;
  namespace: string;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, as on public notices. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

export const CaseViewSchema = z
  .object({
    caseNumber: z.string(),
    caseType: z.string(),
    status: z.string(),
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
    links: z.object({ temporalUi: z.string().optional() }),
  })
  .meta({ id: 'Case' });

export function casesRouter(deps: CasesDeps): Router {
  const router = Router();

  /**
   * Staff of an agency whose scope covers the case see it; an applicant sees their own; nobody else learns whether
   * it exists (404).
   */
  router.get('/cases/:caseNumber', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', 'Sign in first', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await deps.db.case.findUnique({
      where: { caseNumber },
      include: { agency: true, claim: true, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    const staff = req.user?.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r)) ?? false;
    const allowed =
      c &&
      ((staff && agencyCovers(req.user!.agencyCode, c.agencyCode)) ||
        (req.applicant && c.claim?.idNumber === req.applicant.idNumber && c.claim.phone === req.applicant.phone));
    if (!c || !allowed) throw new ApiError(404, 'case_not_found', `No case ${caseNumber}`);
    const payables = await deps.db.payable.findMany({
      where: { caseNumber },
      orderBy: [{ month: 'asc' }, { kind: 'desc' }, { attempt: 'asc' }],
      take: 500,
    });
    const view: z.infer<typeof CaseViewSchema> = {
      caseNumber: c.caseNumber,
      caseType: c.caseType,
      status: c.status,
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
      events: c.events.map((e) => ({ type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data })),
      payments: payables.map((p) => ({
        month: p.month,
        kind: p.kind,
        attempt: p.attempt,
        amountFen: p.amountFen,
        status: p.status,
        resultCode: p.resultCode,
        paidAt: p.paidAt?.toISOString() ?? null,
      })),
      links: deps.temporalUiUrl
        ? {
            temporalUi: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(c.workflowId)}`,
          }
        : {},
    };
    res.json(view);
  });

  /** An applicant's own cases (signed in with ID number and SMS code). */
  router.get('/my/cases', async (req, res) => {
    const me = currentApplicant(req);
    const rows = await deps.db.case.findMany({
      where: { claim: { idNumber: me.idNumber, phone: me.phone } },
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
    res.json({
      items: rows.map((c) => ({
        caseNumber: c.caseNumber,
        caseType: c.caseType,
        status: c.status,
        statusLabel: CASE_STATUS_LABELS[c.status] ?? c.status,
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
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
      throw new ApiError(404, 'case_not_found', 'No case matches that case number and ID number');
    res.json({
      caseNumber: c.caseNumber,
      status: c.status,
      statusLabel: CASE_STATUS_LABELS[c.status] ?? c.status,
      updatedAt: c.updatedAt.toISOString(),
    });
  });

  return router;
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
};

export const PublicStatusQuerySchema = z
  .strictObject({
    caseNumber: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isCaseNumber, 'must be a case number like SYJ-2026-210100-7K3M9Q2XHD'),
    idNumber: z.string().trim().toUpperCase().min(5).max(32),
  })
  .meta({ id: 'PublicClaimStatusQuery' });
