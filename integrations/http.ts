/**
 * The small HTTP core every source client shares: Node's global fetch, base URL from configuration, a timeout per
 * request, JSON in and out, every answer validated by its zod schema, every failure a classified SourceError.
 *
 * Personal identifiers (identity numbers, names, mobiles) travel in request bodies, never in URLs, so that access
 * logs on either side hold none; error messages carry the source's error code, never its free text.
 */
import type { z } from 'zod';
import { SourceError, kindOfStatus } from './errors';
import type { SourceName } from './errors';

export interface SourceHttpOptions {
  source: SourceName;
  /** e.g. `http://127.0.0.1:4010/tax`; paths are appended to it. */
  baseUrl: string;
  timeoutMs: number;
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }` from configuration. */
  headers?: Record<string, string>;
  /** Defaults to the global fetch (tests never replace it). */
  fetch?: typeof globalThis.fetch;
}

/** Options every client method accepts as its last argument. */
export interface CallOptions {
  /** Cancels the call, e.g. the activity's `Context.current().cancellationSignal`; its reason is rethrown. */
  signal?: AbortSignal;
  /** Overrides the configured timeout for this call. */
  timeoutMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestSpec<S extends z.ZodType> {
  operation: string;
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  response: S;
  /** Extra headers computed from the serialized body (the bank's signature). */
  sign?: (rawBody: string) => Record<string, string>;
  options?: CallOptions;
}

const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
/** The error code of a 404 that means "the source has no such record" (`{ error: { code: 'not_found' } }`). */
export const NOT_FOUND_CODE = 'not_found';

export class SourceHttpClient {
  readonly source: SourceName;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(options: SourceHttpOptions) {
    this.source = options.source;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** A request whose 404 is an error like any other 4xx. */
  async call<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const result = await this.send(spec, false);
    return result as z.output<S>;
  }

  /** A lookup: 404 with code `not_found` means "the source has no such record" and gives null. */
  async find<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S> | null> {
    return this.send(spec, true);
  }

  /** Builds the error of this client, e.g. for a call refused before it is sent. */
  error(operation: string, init: Omit<ConstructorParameters<typeof SourceError>[0], 'source' | 'operation'>) {
    return new SourceError({ source: this.source, operation, ...init });
  }

  private async send<S extends z.ZodType>(spec: RequestSpec<S>, notFoundIsNull: boolean): Promise<z.output<S> | null> {
    const { operation } = spec;
    const url = this.url(spec.path, spec.query);
    const rawBody = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (rawBody !== undefined) headers['content-type'] = 'application/json';
    if (spec.sign) Object.assign(headers, spec.sign(rawBody ?? ''));

    const timeout = AbortSignal.timeout(spec.options?.timeoutMs ?? this.timeoutMs);
    const caller = spec.options?.signal;
    const signal = caller ? AbortSignal.any([timeout, caller]) : timeout;

    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.fetchImpl(url, { method: spec.method, headers, body: rawBody, signal });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (err) {
      if (caller?.aborted) throw caller.reason;
      if (timeout.aborted) {
        throw this.error(operation, { kind: 'unavailable', code: 'timeout', detail: `no answer within the timeout` });
      }
      throw this.error(operation, { kind: 'unavailable', code: 'connection_failed', detail: connectionDetail(err) });
    }

    if (status < 200 || status > 299) {
      const code = errorCodeOf(text);
      // Only the source's own "no such record" is an answer; a 404 without it (a wrong base URL, a gateway's
      // page) stays an error, so a misconfiguration cannot pass for "nothing found".
      if (status === 404 && notFoundIsNull && code === NOT_FOUND_CODE) return null;
      const retryAfterMs = parseRetryAfter(retryAfter);
      throw this.error(operation, {
        kind: kindOfStatus(status),
        status,
        code: code ?? `http_${status}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }

    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw this.error(operation, {
        kind: 'malformed',
        code: 'malformed_response',
        status,
        detail: 'body is not JSON',
      });
    }
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => {
        const path = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
        return `${path}: ${issue.message}`;
      });
      throw this.error(operation, {
        kind: 'malformed',
        code: 'malformed_response',
        status,
        issues: parsed.error.issues.map((issue) => issue.path.map(String).join('.') || '(body)'),
        detail: issues.slice(0, 5).join('; '),
      });
    }
    return parsed.data;
  }

  private url(path: string, query: RequestSpec<z.ZodType>['query']): string {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }
}

/** `{ error: { code } }`, the error body of the simulators (and the format asked of real systems' adapters). */
function errorCodeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown } } | null;
    const code = body?.error?.code;
    return typeof code === 'string' && ERROR_CODE.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function connectionDetail(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ?? (err instanceof Error ? err.name : 'unknown');
}

/** Path segment for an identifier that is not personal data (USCC, payment ID, letter ID). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
