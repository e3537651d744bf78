/**
 * Errors of the external systems (Art. 3: 与外部各应用系统信息交换) and their mapping to Temporal failures.
 *
 * Every failure of a source call is a `SourceError` that says which source and operation failed and whether trying
 * again can succeed: 5xx, 408, 429, timeouts and connection errors can (`retryable`); other 4xx and malformed bodies
 * cannot. `toActivityFailure` turns it into an `ApplicationFailure`, so Temporal retries what can succeed and fails
 * fast on what cannot. Messages never carry personal data: identity numbers, mobiles and account numbers are masked.
 */
import { ApplicationFailure } from '@temporalio/common';
import { maskIdNumber, maskTail } from '../domain/identity';

/** The external systems, one prefix each in the simulator and one client each. */
export const SOURCE_NAMES = [
  'tax',
  'hukou',
  'civil',
  'pension',
  'injury',
  'medical',
  'employment',
  'certificates',
  'credit',
  'bank',
  'sms',
  'transfer',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** unavailable: try again later; rejected: the source refused the request; malformed: the answer cannot be read. */
export type SourceErrorKind = 'unavailable' | 'rejected' | 'malformed';

export interface SourceErrorInit {
  source: SourceName;
  operation: string;
  kind: SourceErrorKind;
  /** Stable machine code: the source's own error code, `http_<status>`, `timeout`, `connection_failed`, ... */
  code: string;
  status?: number;
  /** Delay the source asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** Field paths of a malformed body (`records.0.month`). */
  issues?: string[];
  detail?: string;
}

/** Temporal failure type per kind, for `RetryPolicy.nonRetryableErrorTypes` and for workflow code. */
export const SOURCE_FAILURE_TYPES = {
  unavailable: 'SourceUnavailable',
  rejected: 'SourceRejected',
  malformed: 'SourceMalformed',
} as const satisfies Record<SourceErrorKind, string>;

export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly source: SourceName;
  readonly operation: string;
  readonly kind: SourceErrorKind;
  readonly retryable: boolean;
  readonly code: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly issues?: string[];

  constructor(init: SourceErrorInit) {
    const what = init.status === undefined ? init.code : `HTTP ${init.status} ${init.code}`;
    super(
      redact(
        `${init.source}.${init.operation}: ${describeKind(init.kind)} (${what})${init.detail ? `: ${init.detail}` : ''}`,
      ),
    );
    this.source = init.source;
    this.operation = init.operation;
    this.kind = init.kind;
    this.retryable = init.kind === 'unavailable';
    this.code = init.code;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.issues !== undefined) this.issues = init.issues;
  }
}

function describeKind(kind: SourceErrorKind): string {
  switch (kind) {
    case 'unavailable':
      return 'source unavailable';
    case 'rejected':
      return 'request rejected';
    case 'malformed':
      return 'malformed response';
  }
}

/** Classification of an HTTP status that is not a success. */
export function kindOfStatus(status: number): SourceErrorKind {
  if (status >= 500 || status === 408 || status === 429) return 'unavailable';
  return 'rejected';
}

/**
 * Masks personal data that might slip into a message: 18-character identity numbers (first 6 and last 4 kept),
 * bank account numbers (12-21 digits) and mainland mobiles (last 4 kept).
 */
export function redact(text: string): string {
  return text
    .replace(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, (id) => maskIdNumber(id))
    .replace(/(?<!\d)\d{12,21}(?!\d)/g, (account) => maskTail(account))
    .replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, (mobile) => maskTail(mobile));
}

/**
 * For activities: `catch (err) { throw toActivityFailure(err); }`. A SourceError becomes an ApplicationFailure of
 * type SourceUnavailable (retryable, honouring Retry-After), SourceRejected or SourceMalformed (both nonRetryable),
 * with `{ source, operation, status, code }` as details. Anything else is returned unchanged (an Error) or wrapped.
 */
export function toActivityFailure(err: unknown): Error {
  if (err instanceof SourceError) {
    return ApplicationFailure.create({
      message: err.message,
      type: SOURCE_FAILURE_TYPES[err.kind],
      nonRetryable: !err.retryable,
      details: [
        {
          source: err.source,
          operation: err.operation,
          code: err.code,
          ...(err.status === undefined ? {} : { status: err.status }),
          ...(err.issues === undefined ? {} : { issues: err.issues }),
        },
      ],
      ...(err.retryAfterMs === undefined ? {} : { nextRetryDelay: err.retryAfterMs }),
    });
  }
  if (err instanceof Error) return err;
  return new Error(redact(String(err)));
}
