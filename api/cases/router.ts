/**
 * GET /cases/:caseNumber: a case as the read model has it, with its timeline. Personal data is masked until roles
 * exist that may see it (Art. 30: entitlement records are not disclosed to others).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { maskIdNumber, maskTail } from '../../domain/identity';
import { ApiError, parseOr400 } from '../errors';
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
    links: z.object({ temporalUi: z.string().optional() }),
  })
  .meta({ id: 'Case' });

export function casesRouter(deps: CasesDeps): Router {
  const router = Router();

  router.get('/cases/:caseNumber', async (req, res) => {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    const c = await deps.db.case.findUnique({
      where: { caseNumber },
      include: { agency: true, claim: true, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    if (!c) throw new ApiError(404, 'case_not_found', `No case ${caseNumber}`);
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
      links: deps.temporalUiUrl
        ? {
            temporalUi: `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(c.workflowId)}`,
          }
        : {},
    };
    res.json(view);
  });

  return router;
}
