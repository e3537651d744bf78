/**
 * Fault injection per endpoint, for tests of the clients' error handling and of workflow retries: latency, error
 * statuses at a rate (drawn from a stream seeded like the data, so a run repeats), requests never answered
 * (timeouts) and wrong-shaped bodies. The admin API is never affected.
 */
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { errorBody } from './http';
import type { Rng } from './prng';

export const faultSpecSchema = z
  .object({
    /** Exact path, with `:name` matching any one segment: `/tax/employers/:uscc`. */
    route: z.string().startsWith('/').optional(),
    /** Path prefix at segment boundaries: `/tax` or `/tax/persons`. */
    prefix: z.string().startsWith('/').optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    /** Share of matching requests answered with `status` (default 1 when `status` is given). */
    errorRate: z.number().min(0).max(1).optional(),
    /** Error status to answer (default 503). */
    status: z.number().int().min(400).max(599).optional(),
    /** Error code of the answer (default `injected_fault`); `not_found` with 404 reads as "no such record". */
    code: z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .optional(),
    /** Sent with the error answer as Retry-After. */
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    /** Never answer: the client's timeout must fire. */
    timeout: z.boolean().optional(),
    /** Wrong-shaped body with status 200: `true`/`shape` changes one field's type, `not_json` sends HTML. */
    malformed: z.union([z.boolean(), z.enum(['shape', 'not_json'])]).optional(),
    /** Dotted path of the field to corrupt (`records.0.month`); default the first field. */
    field: z.string().optional(),
    /** Apply to the next N matching requests only, then remove the fault. */
    count: z.number().int().min(1).optional(),
  })
  .refine((f) => !(f.route && f.prefix), { message: 'give route or prefix, not both' });
export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface Fault extends FaultSpec {
  id: string;
  hits: number;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private next = 1;

  constructor(private readonly rng: Rng) {}

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault-${this.next++}`, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the faults that apply to one request, counting them down. */
  private take(method: string, path: string): Fault[] {
    const matching = this.faults.filter((f) => (!f.method || f.method === method) && matches(f, path));
    for (const fault of matching) {
      fault.hits++;
      if (fault.count !== undefined && fault.hits >= fault.count) this.remove(fault.id);
    }
    return matching;
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      if (req.path === '/admin' || req.path.startsWith('/admin/')) return next();
      const faults = this.take(req.method, req.path);
      if (faults.length === 0) return next();

      const latency = faults.reduce((sum, f) => sum + (f.latencyMs ?? 0), 0);
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      if (faults.some((f) => f.timeout)) return; // never answered; the connection closes when the client gives up

      for (const fault of faults) {
        if (fault.status === undefined && fault.errorRate === undefined) continue;
        if (this.rng.next() < (fault.errorRate ?? 1)) {
          const status = fault.status ?? 503;
          if (fault.retryAfterSeconds !== undefined) res.set('retry-after', String(fault.retryAfterSeconds));
          res.status(status).json(errorBody(fault.code ?? 'injected_fault', `injected fault ${fault.id}`));
          return;
        }
      }

      const malformed = faults.find((f) => f.malformed);
      if (malformed) corruptResponses(res, malformed);
      next();
    };
  }
}

function matches(fault: FaultSpec, path: string): boolean {
  if (fault.route) {
    const want = fault.route.split('/').filter(Boolean);
    const got = path.split('/').filter(Boolean);
    return want.length === got.length && want.every((segment, i) => segment.startsWith(':') || segment === got[i]);
  }
  if (fault.prefix) {
    const prefix = fault.prefix.replace(/\/+$/, '');
    return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
  }
  return true;
}

function corruptResponses(res: Response, fault: FaultSpec): void {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.statusCode >= 300) return json(body);
    if (fault.malformed === 'not_json') {
      res.type('text/html').send('<html><body>502 Bad Gateway</body></html>');
      return res;
    }
    return json(corrupt(body, fault.field?.split('.').filter(Boolean)));
  };
}

/** The body with one value replaced by one of another type: the field at `path`, else the first leaf. */
export function corrupt(body: unknown, path?: string[]): unknown {
  const copy = structuredClone(body);
  if (path && path.length > 0) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string, unknown> | null)?.[key];
    const last = path[path.length - 1]!;
    if (parent !== null && typeof parent === 'object' && last in parent) {
      const record = parent as Record<string, unknown>;
      record[last] = wrongType(record[last]);
      return copy;
    }
  }
  return corruptFirstLeaf(copy);
}

function corruptFirstLeaf(value: unknown): unknown {
  if (Array.isArray(value))
    return value.length === 0 ? 'not-an-array' : [corruptFirstLeaf(value[0]), ...value.slice(1)];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [];
    const [key, inner] = entries[0]!;
    return { ...value, [key]: corruptFirstLeaf(inner) };
  }
  return wrongType(value);
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not-a-number';
  if (typeof value === 'boolean') return 'not-a-boolean';
  if (Array.isArray(value)) return 'not-an-array';
  if (value === null) return { unexpected: true };
  return 'not-an-object';
}
