/** The entitlement record's operations in the OpenAPI document (Art. 9, 10, 29-33), beside api/records/router.ts. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ErrorBodySchema } from '../errors';
import {
  PersonNumberParamSchema,
  PersonRecordQueryBodySchema,
  RecordObjectionBodySchema,
  RegisterNumberParamSchema,
  StaffLookQueryDocSchema,
  VerificationCodeParamSchema,
} from './schema';

export function registerRecordsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const record = {
    description: 'The record (Art. 29): registration, contributions (Art. 32: counted once), benefits, subsidies; fen',
    content: json(z.object({}).loose()),
  };
  const pdf = {
    description: '权益记录单: a PDF signed with the agency seal (adbe.pkcs7.detached, Art. 10); X-Verification-Code',
    content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
  };
  const hidden = error('Not yours to see, or no such record (Art. 30): the same answer');
  const noFont = error('pdf_font_unavailable: no Chinese font on this machine (RECORD_PDF_FONT), or a source down');
  const tags = ['entitlement record'];
  const staffRule =
    'Staff of any agency of the province (Art. 9) who handle, audit or supervise claims, with `reason` (400 reason_required); the employer agent for its own staff, what concerns its employer only (Art. 30); every look audited';

  registry.registerPath({
    ...security,
    method: 'get',
    path: '/my/record',
    summary: "The signed-in person's own record (applicant sign-in; Art. 29, 31); audited",
    tags,
    responses: { 200: record, 401: error('Not signed in as an applicant'), 404: error('Not in the register') },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/my/record/pdf',
    summary: "The person's own 权益记录单 (Art. 10, 31)",
    tags,
    responses: {
      200: pdf,
      401: error('Not signed in as an applicant'),
      404: error('Not in the register'),
      503: noFont,
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/records/persons/query',
    summary: `A person's record by ID number at a window: ${staffRule}`,
    tags,
    request: { body: { required: true, content: json(PersonRecordQueryBodySchema) } },
    responses: { 200: record, 400: error('ID number or reason missing'), 404: hidden },
  });
  for (const [path, params, what] of [
    ['/records/persons/{personNumber}', PersonNumberParamSchema, "A person's record"],
    ['/records/employers/{registerNumber}', RegisterNumberParamSchema, "An employer's record (its own agent; staff)"],
  ] as const) {
    registry.registerPath({
      ...security,
      method: 'get',
      path,
      summary: `${what}: ${staffRule}`,
      tags,
      request: { params, query: StaffLookQueryDocSchema },
      responses: { 200: record, 400: error('The reason is required (reason_required)'), 404: hidden, 503: noFont },
    });
    registry.registerPath({
      ...security,
      method: 'get',
      path: `${path}/pdf`,
      summary: `${what} as a signed 权益记录单 (Art. 10): ${staffRule}`,
      tags,
      request: { params, query: StaffLookQueryDocSchema },
      responses: { 200: pdf, 400: error('The reason is required (reason_required)'), 404: hidden, 503: noFont },
    });
  }
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/records/objections',
    summary:
      '权益记录核查申请 (Art. 31 para 2): the person or the employer agent online, an intake clerk at a window; a case (QYH-…) a reviewer closes corrected or explained, told by SMS',
    tags,
    request: { body: { required: true, content: json(RecordObjectionBodySchema) } },
    responses: {
      200: { description: 'A retried Idempotency-Key: the case it opened', content: json(z.object({}).loose()) },
      201: { description: 'The check case, awaiting the check', content: json(z.object({}).loose()) },
      400: error('Not valid: each field named with its rule'),
      403: error('Not a person, employer agent or intake clerk, or a channel not theirs (channel_not_permitted)'),
      404: error('Not in the register, or not your employer'),
      422: error('At a window: no such person (person_not_registered) or employer (employer_not_registered)'),
      503: error('Temporal is unavailable: nothing was written'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'get',
    path: '/records/objections/{caseNumber}',
    summary: 'An objection to the record with its outcome: the objector, staff of the province (Art. 31)',
    tags,
    request: { params: z.object({ caseNumber: z.string() }) },
    responses: { 200: { description: 'The objection', content: json(z.object({}).loose()) }, 404: hidden },
  });
  registry.registerPath({
    method: 'get',
    path: '/public/records/verify/{code}',
    summary:
      'Anyone checks a 权益记录单 by its code (Art. 10): the masked name, what it covers, when issued, the content and PDF hashes; no sign-in, no personal data',
    tags,
    request: { params: VerificationCodeParamSchema },
    responses: {
      200: { description: 'The document is genuine', content: json(z.object({}).loose()) },
      404: error('No document with this code'),
    },
  });
}
