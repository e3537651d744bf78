/**
 * Every 4xx/5xx body is `{ "error": { "code", "message", "fields": [{ "path", "message" }] } }`.
 * Codes are stable identifiers for programs; messages are for people; field paths are dotted (`applicant.idNumber`).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import '../domain/zod-locale';

export interface FieldError {
  path: string;
  message: string;
  /** The rule broken, a stable code, where the rule has one (domain/plausibility.ts). */
  rule?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const FieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
  rule: z.string().optional().meta({ description: 'The rule broken, a stable code', example: 'person_name' }),
});
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      fields: z.array(FieldErrorSchema),
    }),
  })
  .meta({ id: 'Error' });

function joinPath(prefix: string, path: PropertyKey[]): string {
  const parts = path.map(String);
  return [prefix, ...parts].filter(Boolean).join('.');
}

/** Turns zod issues into field errors; an unknown key becomes one error at that key's own path. */
export function zodFields(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: joinPath(prefix, [...issue.path, key]), message: '未知字段' }));
    }
    const rule = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
    return [
      { path: joinPath(prefix, issue.path), message: issue.message, ...(typeof rule === 'string' ? { rule } : {}) },
    ];
  });
}

export function validationError(fields: FieldError[], message = '请求有误，请按提示修改'): ApiError {
  return new ApiError(400, 'validation_failed', message, fields);
}

/** Parses `value` with `schema` or throws a 400 naming every field and rule. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(zodFields(r.error, prefix));
  return r.data;
}

export function sendError(res: Parameters<RequestHandler>[1], err: ApiError): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.status(err.status).json({ error: { code: err.code, message: err.message, fields: err.fields } });
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, new ApiError(404, 'not_found', `没有此接口：${req.method} ${req.path}`));
};

/** Maps body-parser failures, dependency outages and bugs to the error format; never leaks a stack. */
export function errorHandler(onUnexpected: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof ApiError) return sendError(res, err);
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') return sendError(res, new ApiError(413, 'payload_too_large', '请求内容过大'));
    if (type === 'entity.parse.failed')
      return sendError(res, new ApiError(400, 'invalid_json', '请求内容不是有效的 JSON'));
    // A path segment that is not valid percent-encoding (`/cases/%zz`): the router cannot decode it.
    if (err instanceof URIError && (err as { status?: number }).status === 400)
      return sendError(res, new ApiError(400, 'invalid_path', '请求路径的百分号编码无效'));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendError(res, new ApiError(415, 'unsupported_media_type', '不支持的请求内容编码'));
    }
    const unavailable = dependencyOutage(err);
    if (unavailable) return sendError(res, unavailable);
    onUnexpected(err);
    return sendError(res, new ApiError(500, 'internal_error', '发生意外错误，已记录'));
  };
}

/** 503 with Retry-After when PostgreSQL or Temporal cannot be reached. */
export function dependencyOutage(err: unknown): ApiError | undefined {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown };
  const text = `${e?.name ?? ''} ${e?.message ?? ''}`;
  // An Update the case did not answer within its deadline (lib/temporal.ts boundedUpdates): Temporal may have it.
  if (e?.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') {
    return new ApiError(
      503,
      'case_not_answering',
      '案件未及时响应，操作仍可能生效：请先查看案件，再决定是否重新提交',
      [],
      { 'Retry-After': '5' },
    );
  }
  const grpcUnavailable = e?.code === 14 || e?.code === 4 || /ServiceError|UNAVAILABLE|DEADLINE_EXCEEDED/.test(text);
  if (grpcUnavailable && /ServiceError|grpc|UNAVAILABLE|DEADLINE|Temporal/i.test(text)) {
    return new ApiError(503, 'temporal_unavailable', '流程服务暂不可用，请稍后再试', [], {
      'Retry-After': '5',
    });
  }
  // P1017: the server closed the connection (PostgreSQL stopped or unreachable mid-session; issue 12). The reads that
  // go to `pg` directly (lib/db.ts sqlOf) fail with pg's own errors: a refused or dropped connection, or none free
  // from the pool in time.
  const pgCodes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', 'P1001', 'P1002', 'P1017', 'P2024'];
  if (
    (typeof e?.code === 'string' && pgCodes.includes(e.code)) ||
    /DriverAdapterError|Can't reach database|connect ECONNREFUSED|Connection terminated|Server has closed the connection|timeout exceeded when trying to connect|not queryable/.test(
      text,
    )
  ) {
    return new ApiError(503, 'database_unavailable', '数据库暂不可用，请稍后再试', [], {
      'Retry-After': '5',
    });
  }
  if (e?.cause && e.cause !== err) return dependencyOutage(e.cause);
  return undefined;
}
