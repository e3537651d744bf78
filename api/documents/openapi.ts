/** The documents' operations in the OpenAPI document (Art. 14, 84, 85), beside the routes of ./router.ts. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ErrorBodySchema } from '../errors';
import { CaseNumberParamSchema } from '../claims/schema';
import { DOCUMENT_KIND_NAMES, DOCUMENT_MEDIA_TYPES } from '../../domain/documents';
import { CertificationSchema, DocumentSchema } from './router';

export function registerDocumentsOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const error = (description: string) => ({ description, content: json(ErrorBodySchema) });
  const tags = ['documents'];
  const idParam = z.object({ id: z.string().meta({ description: 'The document ID (UUID)' }) });
  // Exactly the two parts: another field is refused 400 (the router's UploadFieldsSchema), and the file's part is one
  // of the media types below (read by content: a PDF, JPEG or PNG whatever the part says).
  const upload = z
    .strictObject({
      kind: z.enum(DOCUMENT_KIND_NAMES).meta({ description: 'The material this file is (domain/documents.ts)' }),
      file: z.string().meta({ format: 'binary', description: 'A scan or photo: PDF, JPEG or PNG, read by content' }),
    })
    .meta({ id: 'DocumentUpload' });

  registry.registerPath({
    method: 'post',
    path: '/cases/{caseNumber}/documents',
    summary:
      'Upload a document for a material of the case (Art. 14, 84): the applicant for their own case, an employer agent for its own, a clerk whose agency covers it',
    tags,
    ...security,
    request: {
      params: CaseNumberParamSchema,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: upload,
            encoding: { file: { contentType: DOCUMENT_MEDIA_TYPES.join(', ') } },
          },
        },
      },
    },
    responses: {
      201: { description: 'Kept (by SHA-256; the same content is stored once)', content: json(DocumentSchema) },
      200: {
        description: 'The same file for the same case and kind: the document kept already',
        content: json(DocumentSchema),
      },
      400: error(
        'No file, no kind, a field other than kind and file, or a form that is not multipart (fields[].rule: required, multipart)',
      ),
      404: error('No such case for you'),
      413: error('Larger than DOCUMENT_MAX_BYTES (document_too_large, rule max_bytes)'),
      415: error('Not multipart, or the content is not PDF, JPEG or PNG (unsupported_document_type, rule media_type)'),
      422: error('A kind this case does not ask for (kind_not_for_case)'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/cases/{caseNumber}/documents',
    summary: 'The documents of a case (Art. 14): to those who may see the case',
    tags,
    ...security,
    request: { params: CaseNumberParamSchema },
    responses: {
      200: { description: 'The documents, oldest first', content: json(z.object({ items: z.array(DocumentSchema) })) },
      404: error('No such case for you'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/documents/{id}/content',
    summary: 'The file (checked against its hash), to those who may see its case; audited (Art. 30)',
    tags,
    ...security,
    request: { params: idParam },
    responses: {
      200: {
        description: 'The bytes as uploaded',
        content: {
          'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
          'image/jpeg': { schema: z.string().meta({ format: 'binary' }) },
          'image/png': { schema: z.string().meta({ format: 'binary' }) },
        },
      },
      404: error('No such document for you'),
      500: error('The content is missing or does not match its hash (document_content_missing)'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/documents/{id}/certification',
    summary:
      'The clerk’s 与原件核对无误 mark on a copy of an original (Art. 14); marked once: the same clerk again gets the same answer, another clerk 409',
    tags,
    ...security,
    request: { params: idParam, body: { required: true, content: json(CertificationSchema) } },
    responses: {
      200: { description: 'Marked: who and when', content: json(DocumentSchema) },
      400: error('The body is not { "checked": true }'),
      403: error('Not a clerk of the case (clerk_only)'),
      404: error('No such document for you'),
      409: error(
        'Marked already by another clerk (document_already_certified, rule certified_once): the message names who and when; the first mark stands',
      ),
    },
  });
}
