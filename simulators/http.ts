/** Request parsing and error answers shared by the simulators' routes: `{ error: { code, message } }`. */
import type { ErrorRequestHandler, Request } from 'express';
import type { z } from 'zod';
import type { ErrorBody } from '../integrations/schemas';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Validates with the contract's schema; a bad request is 400 `invalid_request` naming the fields, never values. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`);
    throw new HttpError(400, 'invalid_request', fields.join('; '));
  }
  return parsed.data;
}

export function body<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parse(schema, req.body);
}

export function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `${what} not found`);
}

export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (err instanceof HttpError) {
    res.status(err.status).json(errorBody(err.code, err.message));
    return;
  }
  const parseError = err as { type?: string; status?: number };
  if (parseError.type === 'entity.parse.failed') {
    res.status(400).json(errorBody('invalid_json', 'the body is not valid JSON'));
    return;
  }
  if (typeof parseError.status === 'number' && parseError.status >= 400 && parseError.status < 500) {
    res.status(parseError.status).json(errorBody('bad_request', 'the request cannot be read'));
    return;
  }
  res.status(500).json(errorBody('internal_error', 'simulator error'));
};

export function nowIso(): string {
  return new Date().toISOString();
}
