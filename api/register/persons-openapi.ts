/** The register of insured persons in the OpenAPI document (Art. 19-22, 33, 51), beside api/register/persons-router.ts. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ErrorBodySchema } from '../errors';
import { RegisterNumberParamSchema } from './schema';
import {
  PersonIdentityChangeSchema,
  PersonNumberParamSchema,
  PersonRegistrationSchema,
  PersonSearchSchema,
  PersonSelfServiceChangeSchema,
  PersonTerminationSchema,
  StaffListQuerySchema,
} from './persons-schema';

export function registerPersonsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const ok = (description: string) => ({ description, content: json(z.object({}).loose()) });
  const tags = ['person register'];
  const params = PersonNumberParamSchema;
  const notFound = error('No such person for you (Art. 30)');
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/employers/{registerNumber}/persons',
    summary:
      '个人参保登记: every item of Art. 19 with the day of hiring, by the employer agent online or an intake clerk at a window; a person known is resumed or moved in (Art. 19, 51)',
    tags,
    request: { params: RegisterNumberParamSchema, body: { required: true, content: json(PersonRegistrationSchema) } },
    responses: {
      200: ok('A retried Idempotency-Key: the registration it made'),
      201: ok('Registered: the personal number, the relation, its origin and the days late after the 30'),
      400: error(
        'Not valid: each field named with its rule (GB 11643 check character, sex and birth date as the ID number says)',
      ),
      403: error('A channel not permitted'),
      404: error('No such employer for you'),
      409: error(
        'Insured at this employer already (named), the employer deregistered, or the Idempotency-Key used for another body',
      ),
      422: error('The identity source disagrees (the field named), the hukou cancelled, or the person terminated'),
      503: error('The identity source is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employers/{registerNumber}/persons',
    summary: "The employer's staff list: its own agent, staff in scope (Art. 19, 30)",
    tags,
    request: { params: RegisterNumberParamSchema, query: StaffListQuerySchema },
    responses: {
      200: ok('At most 500 relations with their persons'),
      400: error('Not valid'),
      404: error('No such employer for you'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/persons/search',
    summary: 'A person found by the ID number in the body: staff in scope, the employer for its own staff (Art. 30)',
    tags,
    request: { body: { required: true, content: json(PersonSearchSchema) } },
    responses: { 200: ok('The person'), 400: error('Not valid'), 404: notFound },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/persons/mine',
    summary: "The signed-in person's own register entry (Art. 19, 30)",
    tags,
    responses: { 200: ok('The person'), 401: error('Not signed in as an applicant'), 404: error('Not registered') },
  });
  registry.registerPath({
    ...security,
    method: 'patch',
    path: '/persons/mine',
    summary: 'Residence and phone changed by the person online, effective at once (Art. 20 para 2)',
    tags,
    request: { body: { required: true, content: json(PersonSelfServiceChangeSchema) } },
    responses: {
      200: ok('The items changed'),
      400: error('Not valid; name, birth date and ID number need the agency (rule change_needs_review)'),
      401: error('Not signed in as an applicant'),
      404: error('Not registered'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/persons/{personNumber}',
    summary: 'A person with their relations: the person, the employer (its own relations), staff in scope (Art. 30)',
    tags,
    request: { params },
    responses: { 200: ok('The person'), 400: error('Not valid'), 404: notFound },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/persons/{personNumber}/history',
    summary: "The person's history (append-only): the person, staff in scope (Art. 19-22, 30)",
    tags,
    request: { params },
    responses: { 200: ok('The history rows, oldest first'), 400: error('Not valid'), 404: notFound },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/persons/{personNumber}/identity-changes',
    summary:
      'Name, birth date, ID number changed by an intake clerk, checked against the identity source, decided at once (Art. 20 para 1)',
    tags,
    request: { params, body: { required: true, content: json(PersonIdentityChangeSchema) } },
    responses: {
      200: ok('Changed: the items'),
      400: error('Not valid, unchanged, or a birth date the ID number does not say'),
      404: notFound,
      409: error('The new ID number is registered for another person (named)'),
      422: error('The identity source disagrees (the field named)'),
      503: error('The identity source is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/persons/{personNumber}/termination',
    summary:
      '终止参保: retirement, emigration or death ends every open relation and cancels the insured status (Art. 22, 33)',
    tags,
    request: { params, body: { required: true, content: json(PersonTerminationSchema) } },
    responses: {
      200: ok('Terminated: the relations ended'),
      400: error('Not valid, a day in the future or before a hiring'),
      403: error('A channel not permitted'),
      404: notFound,
      409: error('Terminated already'),
    },
  });
}
