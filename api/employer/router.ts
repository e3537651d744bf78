/**
 * Employer agents (单位经办人, Art. 8) act for their own employer only. They see the benefit claims that name their
 * employer as the last one (Art. 21: the employer records the separation; Art. 38: it may supply proof of the reason),
 * with the person's data masked; nothing of other employers, nothing of the agencies' worklists.
 */
import { Router } from 'express';
import { maskIdNumber } from '../../domain/identity';
import type { Db } from '../../lib/db';
import { currentUser, requireRole } from '../auth/middleware';
import { CASE_STATUS_LABELS, maskName } from '../cases/router';
import { ApiError } from '../errors';

export function employerRouter(deps: { db: Db }): Router {
  const router = Router();
  router.use('/employer', requireRole('employer_agent'));

  router.get('/employer/claims', async (req, res) => {
    const uscc = currentUser(req).employerUscc;
    if (!uscc) throw new ApiError(403, 'no_employer', '此账号未受任何单位委托');
    const rows = await deps.db.benefitClaim.findMany({
      where: { employerUscc: uscc },
      include: { case: true },
      orderBy: { submittedAt: 'desc' },
      take: 200,
    });
    res.json({
      employerUscc: uscc,
      items: rows.map((c) => ({
        caseNumber: c.caseNumber,
        status: c.case.status,
        statusLabel: CASE_STATUS_LABELS[c.case.status] ?? c.case.status,
        applicant: { nameMasked: maskName(c.name), idNumberMasked: maskIdNumber(c.idNumber) },
        separation: { date: c.separationDate.toISOString().slice(0, 10), reason: c.separationReason },
        submittedAt: c.submittedAt.toISOString(),
      })),
    });
  });

  return router;
}
