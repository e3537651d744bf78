/**
 * GET /supervision/assignees: the active staff a supervisor may give a task to (Art. 76 业务监督: reassign), in the
 * supervisor's agency scope, optionally holding a role. Supervisors are not administrators: they see names and roles,
 * not accounts (no tokens, no lock state). The web pages use it for the reassign forms.
 */
import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { agencyCovers, agencyScopePrefix, STAFF_ROLES } from '../../domain/access';
import type { Db } from '../../lib/db';
import type { OpenApiRouteOptions } from '../calculations/router';
import { currentUser, requireRole } from '../auth/middleware';
import { ApiError, ErrorBodySchema, parseOr400 } from '../errors';

export const AssigneesQuerySchema = z.strictObject({
  role: z.enum(STAFF_ROLES).optional(),
  agencyCode: z
    .string()
    .regex(/^\d{6}$/, '须为6位行政区划代码')
    .optional(),
});

export const AssigneesSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        username: z.string(),
        displayName: z.string(),
        agencyCode: z.string(),
        roles: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'Assignees' });

const MAX = 500;

export function assigneesRouter(deps: { db: Db }): Router {
  const router = Router();
  router.get('/supervision/assignees', requireRole('supervisor'), async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(AssigneesQuerySchema, req.query, 'query');
    const scope = q.agencyCode ?? user.agencyCode;
    if (!agencyCovers(user.agencyCode, scope))
      throw new ApiError(403, 'outside_scope', `经办机构${scope}不在您所在经办机构的管辖范围内（第五条 分级管理）`);
    const rows = await deps.db.user.findMany({
      where: {
        active: true,
        agencyCode: { startsWith: agencyScopePrefix(scope) },
        roles: q.role ? { has: q.role } : { hasSome: [...STAFF_ROLES] },
      },
      orderBy: { username: 'asc' },
      take: MAX,
    });
    const body: z.infer<typeof AssigneesSchema> = {
      items: rows.map((u) => ({
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        agencyCode: u.agencyCode,
        roles: u.roles,
      })),
    };
    res.json(body);
  });
  return router;
}

export function registerAssigneesOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  registry.registerPath({
    ...(options.security ? { security: options.security } : {}),
    method: 'get',
    path: '/supervision/assignees',
    summary: 'Active staff in scope a supervisor may reassign tasks to, optionally with a role (Art. 76)',
    tags: ['supervision'],
    request: { query: AssigneesQuerySchema },
    responses: {
      200: { description: 'Staff', content: json(AssigneesSchema) },
      400: { description: 'Bad query', content: json(ErrorBodySchema) },
      403: { description: 'Not a supervisor, or outside scope', content: json(ErrorBodySchema) },
    },
  });
}
