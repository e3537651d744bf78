/** Staff reduction and the register's reminders in the OpenAPI document (Art. 17, 19, 21, 22, 33), beside api/register/separations.ts. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ErrorBodySchema } from '../errors';
import { RegisterNumberParamSchema } from './schema';
import { RelationParamSchema, StaffReductionSchema } from './separations';

export function registerSeparationOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const loose = (description: string) => ({ description, content: json(z.object({}).loose()) });
  const params = RegisterNumberParamSchema;
  const tags = ['employer register'];
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/employers/{registerNumber}/reductions',
    summary:
      '减员申报 (暂停参保, Art. 21): the separation date and reason of the termination certificate, by the employer’s agent online for its own staff or an intake clerk at a window; the person gets the 《失业保险金申领告知书》 by SMS; a declaration later than the 15 days (policy deadline art21.staffReduction) is recorded and flagged to a clerk. Claims read it first (Art. 38).',
    tags,
    request: {
      params,
      headers: z.object({ 'Idempotency-Key': z.string().optional() }),
      body: { required: true, content: json(StaffReductionSchema) },
    },
    responses: {
      200: loose('The same Idempotency-Key and body again: the declaration it made'),
      201: loose('Suspended; the claim notice letter is sent (noticeUrl: the printable notice)'),
      202: loose(
        'Suspended; the notice letter goes out when the request is retried with its key (Temporal was unreachable)',
      ),
      400: error('Not valid: each field named (an unknown separationReason, a malformed date)'),
      403: error('A channel not permitted (Art. 8)'),
      404: error('No such employer for you, or the person is not on its staff (not_own_staff)'),
      409: error('The relation is suspended or ended already (already_suspended)'),
      422: error('separationDate in the future (not_in_future) or before the hiring (not_before_hiring)'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employers/{registerNumber}/reminders',
    summary:
      'The reminders the daily comparison sent the employer: staff hired more than 30 days ago and not registered (Art. 19), market-registration changes not declared within 30 days (Art. 17), each with the last day of the reminder period',
    tags,
    request: { params },
    responses: {
      200: loose('Newest first, at most 100'),
      400: error('The register number is not 14 digits'),
      404: error('No such employer for you'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/register/claim-notices/{relationId}',
    summary:
      'The 《失业保险金申领告知书》 of a suspended relation, to print (Art. 21; who may claim, where and how: Art. 34, 35): the employer’s agent, staff in scope',
    tags,
    request: { params: RelationParamSchema },
    responses: {
      200: loose('The notice letter'),
      400: error('The relation ID is not a number'),
      404: error('No reduction of this relation for you'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/register/comparisons',
    summary:
      'The daily comparison with the shared data now (the workflow of the schedule register-comparison-daily): staff lists (Art. 19), market-registration changes (Art. 17), pension and death (Art. 22, 33)',
    tags,
    responses: { 202: loose('Started: its run ID'), 503: error('Temporal is unavailable') },
  });
}
