/**
 * The OpenAPI document, generated from the same zod schemas that validate requests. Served at /openapi.json and
 * browsable at /docs. Every route registers itself here, so a route without a document entry stands out in review.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CaseViewSchema } from './cases/router';
import { CaseNumberParamSchema, ClaimCreatedSchema, ClaimRequestSchema } from './claims/schema';
import { ErrorBodySchema } from './errors';

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();

  registry.registerPath({
    method: 'post',
    path: '/claims',
    summary: '申领失业保险金: submit an unemployment-benefit claim (Art. 34-36)',
    tags: ['claims'],
    request: {
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .optional()
          .meta({ description: 'Same key and body on a retry return the same case' }),
      }),
      body: { required: true, content: json(ClaimRequestSchema) },
    },
    responses: {
      201: { description: 'The case is open and in the read model', content: json(ClaimCreatedSchema) },
      200: {
        description: 'A retried request: the case this Idempotency-Key created',
        content: json(ClaimCreatedSchema),
      },
      202: { description: 'The case is started; it appears in GET /cases shortly', content: json(ClaimCreatedSchema) },
      400: error('The body is not valid: every field and rule is listed'),
      409: error('The Idempotency-Key was used for another request'),
      413: error('The body is too large'),
      415: error('The body is not application/json'),
      503: error('Temporal or PostgreSQL is unavailable (Retry-After)'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/cases/{caseNumber}',
    summary: 'A case with its timeline',
    tags: ['cases'],
    request: { params: CaseNumberParamSchema },
    responses: {
      200: { description: 'The case', content: json(CaseViewSchema) },
      400: error('The case number is malformed'),
      404: error('No such case'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    responses: { 200: { description: 'Alive', content: json(z.object({ status: z.literal('ok') })) } },
  });
  const Readiness = z
    .object({
      status: z.enum(['ready', 'unavailable']),
      checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
    })
    .meta({ id: 'Readiness' });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and PostgreSQL reachable',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready', content: json(Readiness) },
      503: { description: 'Something is down; the body names it', content: json(Readiness) },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '失业保险经办系统 API',
      version: '0.1.0',
      description: 'Case system for the procedures of 《辽宁省失业保险经办规程》 (辽人社〔2021〕33号).',
    },
  });
}
