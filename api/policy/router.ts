/**
 * GET /policy/parameters: the policy parameters in force on a date (Art. 12: amounts and standards follow
 * 辽人社〔2021〕26号 "and the documents adjusting it"), each with its effective dates, source and whether it is confirmed
 * against that source (POLICY.md). A clerk checks here which values a determination on that date uses: the entries of
 * policy/*.json and those administrators added (POST /admin/policy/entries), from the policy store.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { FAMILIES, parametersInForce, type Family, type PolicyData } from '../../domain/policy';
import type { PolicyStore } from '../../lib/policy-store';
import { ErrorBodySchema, parseOr400 } from '../errors';

export interface PolicyDeps {
  policy: PolicyStore;
  /** Today's business date 'YYYY-MM-DD' (Asia/Shanghai): the default date. */
  today: () => string;
}

const DATE_MESSAGE = '须为存在的日期，格式 YYYY-MM-DD';
const FAMILY_MESSAGE = `须为以下参数类别之一：${FAMILIES.join('、')}`;

export const PolicyFamilySchema = z
  .enum(FAMILIES as [Family, ...Family[]], { error: FAMILY_MESSAGE })
  .meta({ description: 'Parameter family (one file in policy/, e.g. benefitLevel = policy/benefit-level.json)' });

export const PolicyParametersQuerySchema = z.strictObject({
  date: z.iso
    .date({ error: DATE_MESSAGE })
    .optional()
    .meta({ description: 'The date the parameters are in force on (default: today)', example: '2026-01-01' }),
  family: PolicyFamilySchema.optional(),
});

export const PolicyParameterSchema = z
  .object({
    family: PolicyFamilySchema,
    key: z.string().meta({ example: '210000' }),
    value: z.unknown().meta({ description: 'The value; its shape depends on the family (money in fen, rates in bp)' }),
    effectiveFrom: z.string().meta({ example: '2022-01-01' }),
    effectiveUntil: z.string().optional().meta({ description: 'Last day in force, when the policy lapses' }),
    source: z.object({ document: z.string(), article: z.string(), url: z.string().optional() }),
    confirmed: z.boolean().meta({ description: 'false: not confirmed against the source (POLICY.md)' }),
    note: z.string().optional(),
  })
  .meta({ id: 'PolicyParameter', description: 'A policy parameter in force on the date, with its source (Art. 12)' });

export const PolicyParametersResponseSchema = z
  .object({
    date: z.string().meta({ example: '2026-01-01' }),
    parameters: z.array(PolicyParameterSchema),
  })
  .meta({ id: 'PolicyParameters' });

export type PolicyParameter = z.infer<typeof PolicyParameterSchema>;
export type PolicyParametersResponse = z.infer<typeof PolicyParametersResponseSchema>;

/** Every parameter in force on `date` (of one family when given), by family in FAMILIES order, then key. */
export function listParametersInForce(policy: PolicyData, date: string, family?: Family): PolicyParameter[] {
  const inForce = parametersInForce(policy, date);
  const out: PolicyParameter[] = [];
  for (const f of FAMILIES) {
    if (family !== undefined && f !== family) continue;
    const byKey: Record<string, (typeof inForce)[Family][string]> = inForce[f];
    for (const key of Object.keys(byKey).sort()) {
      const p = byKey[key]!;
      out.push({
        family: p.family,
        key: p.key,
        value: p.value,
        effectiveFrom: p.effectiveFrom,
        ...(p.effectiveUntil !== undefined ? { effectiveUntil: p.effectiveUntil } : {}),
        source: p.source,
        confirmed: p.confirmed,
        ...(p.note !== undefined ? { note: p.note } : {}),
      });
    }
  }
  return out;
}

export function policyRouter(deps: PolicyDeps): Router {
  const router = Router();

  router.get('/policy/parameters', async (req, res) => {
    const query = parseOr400(PolicyParametersQuerySchema, req.query, 'query');
    const date = query.date ?? deps.today();
    const body: PolicyParametersResponse = {
      date,
      parameters: listParametersInForce(await deps.policy.current(), date, query.family),
    };
    res.json(body);
  });

  return router;
}

/** Registers GET /policy/parameters in the OpenAPI document; `security` when the app mounts it behind sign-in. */
export function registerPolicyOpenApi(
  registry: OpenAPIRegistry,
  options: { security?: Record<string, string[]>[] } = {},
): void {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: ErrorBodySchema } },
  });
  registry.registerPath({
    ...(options.security ? { security: options.security } : {}),
    method: 'get',
    path: '/policy/parameters',
    summary: 'Policy parameters in force on a date, with source and confirmed flag (Art. 12)',
    tags: ['policy'],
    request: { query: PolicyParametersQuerySchema },
    responses: {
      200: {
        description: 'Every parameter in force on the date',
        content: { 'application/json': { schema: PolicyParametersResponseSchema } },
      },
      400: error('The date is not a real date YYYY-MM-DD, the family is unknown or a query parameter is unknown'),
      ...(options.security
        ? { 401: error('Not signed in'), 403: error('The signed-in user may not read the parameters') }
        : {}),
    },
  });
}
