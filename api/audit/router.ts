/**
 * The audit trail's integrity (issue 9; Art. 76, 78: the audit team checks the records and ledgers):
 *
 *   GET /audit/verify   walks the hash chain (lib/audit.ts) and reports the first broken link
 *
 * Auditors, supervisors and administrators only. The walk reads every row: on a large trail it takes seconds.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { verifyAuditChain } from '../../lib/audit';
import type { Db } from '../../lib/db';
import { requireRole } from '../auth/middleware';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ErrorBodySchema } from '../errors';

export const AuditVerificationSchema = z
  .object({
    ok: z.boolean(),
    rows: z.number().meta({ description: 'Rows checked, legacy rows included' }),
    legacyRows: z.number().meta({ description: 'Rows written before the chain started: counted, not protected' }),
    head: z.object({ lastId: z.string().nullable(), lastHash: z.string().nullable() }),
    firstBroken: z
      .object({
        id: z.string().meta({ description: 'audit_log.id of the first row whose link is broken' }),
        reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'unchained', 'head_mismatch']).meta({
          description:
            'hash_mismatch: the row was edited; prev_hash_mismatch: a row before it was deleted or inserted; ' +
            'unchained: written around the audit module; head_mismatch: the last rows were deleted',
        }),
      })
      .nullable(),
  })
  .meta({ id: 'AuditVerification' });

export const AUDIT_VERIFIERS = ['auditor', 'supervisor', 'administrator'] as const;

export function auditRouter(deps: { db: Db }): Router {
  const router = Router();
  router.get('/audit/verify', requireRole(...AUDIT_VERIFIERS), async (_req, res) => {
    const result = await verifyAuditChain(deps.db);
    res.json(AuditVerificationSchema.parse(result));
  });
  return router;
}

export function registerAuditOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  registry.registerPath({
    ...(options.security ? { security: options.security } : {}),
    method: 'get',
    path: '/audit/verify',
    summary: '稽核: verify the audit trail hash chain and report the first broken link (Art. 78, 93)',
    tags: ['audit'],
    responses: {
      200: { description: 'The result of the walk', content: json(AuditVerificationSchema) },
      401: { description: 'Not signed in', content: json(ErrorBodySchema) },
      403: { description: 'Not an auditor, supervisor or administrator', content: json(ErrorBodySchema) },
    },
  });
}
