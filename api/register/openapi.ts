/** The register's operations in the OpenAPI document (Art. 15-18), beside the routes of api/register/router.ts. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ErrorBodySchema } from '../errors';
import {
  EmployerDeregistrationSchema,
  EmployerRegistrationSchema,
  EmployerReviewedChangeSchema,
  EmployerSearchSchema,
  EmployerSelfServiceChangeSchema,
  RegisterNumberParamSchema,
} from './schema';

export function registerRegisterOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const params = RegisterNumberParamSchema;
  const entry = { description: 'The register entry (Art. 16)', content: json(z.object({}).loose()) };
  const tags = ['employer register'];
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/employers',
    summary:
      '单位参保登记: every item of Art. 16, by the employer agent online or an intake clerk at a window (Art. 8, 15, 16)',
    tags,
    request: { body: { required: true, content: json(EmployerRegistrationSchema) } },
    responses: {
      200: { description: 'A retried Idempotency-Key: the registration it made', content: json(z.object({}).loose()) },
      201: {
        description: 'Registered; the pension registration is consulted and informed',
        content: json(z.object({}).loose()),
      },
      202: {
        description: 'Registered; the pension coordination starts when the request is retried',
        content: json(z.object({}).loose()),
      },
      400: error('Not valid: each field named with its rule'),
      403: error('Not the employer the agent acts for, a channel not permitted, or outside the agency scope'),
      409: error('The USCC is registered already (named), or the Idempotency-Key was used for another body'),
      422: error(
        'The tax record or the market registry disagrees, the parent of a branch is not registered, a date is after today (date_in_future), or insured before founded (insured_before_founded)',
      ),
      503: error('A source or Temporal is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employers',
    summary:
      "Staff find employers registered within their agency's scope, by USCC or the start of the name (Art. 5, 16)",
    tags,
    request: { query: EmployerSearchSchema },
    responses: {
      200: { description: 'At most 50 entries', content: json(z.object({}).loose()) },
      400: error('Give the USCC or the start of the name'),
      422: error('Neither the USCC nor the start of the name given (search_term_required)'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employers/mine',
    summary: "The employer agent's own employer's register entry (Art. 8, 16)",
    tags,
    responses: { 200: entry, 404: error('Not registered') },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/employers/{registerNumber}',
    summary: "An employer's register entry: its own agent, staff in scope (Art. 8, 16, 30)",
    tags,
    request: { params },
    responses: { 200: entry, 404: error('No such employer for you') },
  });
  registry.registerPath({
    ...security,
    method: 'patch',
    path: '/employers/{registerNumber}',
    summary: 'Address, contacts and legal representative changed by the agent, effective at once (Art. 17 para 2)',
    tags,
    request: { params, body: { required: true, content: json(EmployerSelfServiceChangeSchema) } },
    responses: {
      200: { description: 'The items changed', content: json(z.object({}).loose()) },
      400: error('Not valid; name, USCC and bank account need the reviewed change (rule change_needs_review)'),
      404: error('No such employer for you'),
      409: error('Deregistered'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/employers/{registerNumber}/changes',
    summary: 'Name, USCC or bank account with the documents: a case reviewed by the agency (Art. 17 para 1)',
    tags,
    request: { params, body: { required: true, content: json(EmployerReviewedChangeSchema) } },
    responses: {
      201: { description: 'The change case, awaiting review', content: json(z.object({}).loose()) },
      400: error('Not valid, or documents missing (rule documents_required)'),
      404: error('No such employer for you'),
      409: error('A change is under review already, the USCC is registered, or deregistered'),
      422: error('The day of the change is before the founding or after today (date_out_of_range)'),
      503: error('Temporal is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/employers/{registerNumber}/deregistration',
    summary: '单位注销登记: refused while the employer owes contributions (Art. 18)',
    tags,
    request: { params, body: { required: true, content: json(EmployerDeregistrationSchema) } },
    responses: {
      200: { description: 'Deregistered; late by so many days after the 30', content: json(z.object({}).loose()) },
      400: error('Not valid'),
      404: error('No such employer for you'),
      409: error('Arrears (each month with its amount), or deregistered already'),
      422: error('The day the employer ended is before its founding or after today (date_out_of_range)'),
      503: error('The tax platform is unavailable: nothing was written'),
    },
  });
}
