/**
 * Hostile requests generated from the OpenAPI document (issue 12): for every operation, bodies, path parameters and
 * query strings built from its schemas with fast-check, then broken on purpose — a required field dropped, a value of
 * the wrong type, an unknown field, a huge string, a body that is not an object, a path segment that is not an ID.
 * `checkAnswer` says what every answer must be: never 5xx; a 4xx carries the error format with a code, and a
 * validation error names the field paths.
 */
import fc from 'fast-check';

export type JsonSchema = Record<string, any>;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** OpenAPI path template, e.g. `/cases/{caseNumber}`. */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema; required: boolean }[];
  body?: JsonSchema;
  /** The media types its request body is declared in (application/json; multipart/form-data for an upload). */
  mediaTypes: string[];
}

/** Every operation of an OpenAPI 3.1 document. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const params: any[] = op.parameters ?? [];
      ops.push({
        method: method as Method,
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: !!p.required })),
        body: op.requestBody?.content?.['application/json']?.schema,
        mediaTypes: Object.keys(op.requestBody?.content ?? {}),
      });
    }
  }
  return ops;
}

/** Strings that have broken servers before: control characters, SQL, path tricks, prototype keys, odd Unicode. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  "' OR '1'='1",
  '"; DROP TABLE "case"; --',
  '../../etc/passwd',
  '%2e%2e%2f',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '${7*7}',
  '\uD800',
  '\uFEFF210102198503151235',
  '𠮷𠮷𠮷',
  '２１０１００',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '2026-1-1',
  '9999-12-31',
  'SYJ-2026-210100-0000000001',
  'SYJ-0000-000000-0000000000',
  '210102198503151235',
  '13812345678',
];

const nastyString = fc.constantFrom(...NASTY_STRINGS);
/** Up to ~70 kB: around the 64 kB body limit. */
const hugeString = fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n));

export function resolve(doc: any, schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  nastyString,
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

function dateString(): fc.Arbitrary<string> {
  return fc
    .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
}

/** Values that mostly conform to `schema` (so requests reach past the first check), at depth ≤ 6. */
export function conforming(doc: any, schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const alternatives = s.oneOf ?? s.anyOf;
  if (Array.isArray(alternatives) && alternatives.length) {
    return fc.oneof(...alternatives.map((a: JsonSchema) => conforming(doc, a, depth + 1)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length) return conforming(doc, s.allOf[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      if (s.format === 'date') return dateString();
      if (s.format === 'date-time') return dateString().map((d) => `${d}T08:00:00+08:00`);
      if (s.pattern === '^\\d{6}$') return fc.constantFrom('210000', '210100', '210200', '210102', '999999');
      if (s.pattern) return fc.oneof(fc.stringMatching(new RegExp(s.pattern)), nastyString);
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 40, 200);
      return fc.oneof(fc.string({ minLength: min, maxLength: Math.max(min, max) }), nastyString);
    }
    case 'integer': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 10_000_000);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) });
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.min(s.maxItems ?? 3, Math.max(min, 3));
      return fc.array(conforming(doc, s.items, depth + 1), { minLength: min, maxLength: max });
    }
    case 'object': {
      const props: Record<string, JsonSchema> = s.properties ?? {};
      const required: string[] = s.required ?? [];
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) shape[k] = conforming(doc, v, depth + 1);
      if (!Object.keys(shape).length) {
        return s.additionalProperties && typeof s.additionalProperties === 'object'
          ? fc.dictionary(fc.string({ maxLength: 10 }), conforming(doc, s.additionalProperties, depth + 1), {
              maxKeys: 3,
            })
          : fc.constant({});
      }
      return fc.record(shape, { requiredKeys: required.filter((k) => k in shape) });
    }
    default:
      return anyJson;
  }
}

/** One way of breaking a value: at a random object path, drop a key, change a type, add an unknown key, blow it up. */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (path.length > 6) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.constantFrom('drop', 'wrong-type', 'unknown-field', 'huge', 'nasty', 'proto'),
      anyJson,
      hugeString,
      nastyString,
    )
    .map(([path, how, junk, huge, nasty]) => {
      const copy = structuredClone(value) as any;
      const set = (target: any, p: (string | number)[], f: (parent: any, key: string | number) => void) => {
        if (!p.length) return;
        let parent = target;
        for (const k of p.slice(0, -1)) parent = parent?.[k];
        if (parent && typeof parent === 'object') f(parent, p[p.length - 1]!);
      };
      if (!path.length) {
        if (how === 'drop') return undefined;
        if (how === 'wrong-type') return junk;
        if (how === 'huge') return huge;
        if (how === 'nasty') return nasty;
      }
      const objectAt = path.reduce<any>((o, k) => o?.[k], copy);
      switch (how) {
        case 'drop':
          set(copy, path, (parent, key) =>
            Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key],
          );
          return copy;
        case 'wrong-type':
          set(copy, path, (parent, key) => (parent[key] = junk));
          return copy;
        case 'huge':
          set(copy, path, (parent, key) => (parent[key] = huge));
          return copy;
        case 'nasty':
          set(copy, path, (parent, key) => (parent[key] = nasty));
          return copy;
        case 'unknown-field':
          if (objectAt && typeof objectAt === 'object' && !Array.isArray(objectAt)) objectAt.unexpectedField = junk;
          else if (copy && typeof copy === 'object' && !Array.isArray(copy)) copy.unexpectedField = junk;
          return copy;
        case 'proto':
          if (objectAt && typeof objectAt === 'object' && !Array.isArray(objectAt)) {
            Object.defineProperty(objectAt, '__proto__', { value: { admin: true }, enumerable: true });
          }
          return copy;
      }
      return copy;
    });
}

export interface GeneratedRequest {
  method: string;
  /** Path with query string, already encoded. */
  url: string;
  headers: Record<string, string>;
  /** Raw body text, if any. */
  body?: string;
  /** For the report: the operation and how the request was made. */
  operation: string;
  variant: string;
  /** The principal's own headers object (identity, not content), to tell real sessions from broken credentials. */
  principalHeaders?: Record<string, string>;
}

export interface FuzzContext {
  doc: any;
  /** Bearer headers of the principals to send as, and undefined for no credentials. */
  principals: (Record<string, string> | undefined)[];
  /** Known real values of path parameters (case numbers, task IDs…) so requests reach existing records too. */
  knownParams: Record<string, string[]>;
}

const hostileSegment = fc.oneof(
  nastyString,
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.integer({ min: 201, max: 3_000 }).map((n) => 'A'.repeat(n)),
  fc.constantFrom('%', '%zz', '%00', '..', '.', '%2F', 'a%2Fb', '%E4%B8'),
);

/** encodeURIComponent, with lone surrogates replaced (they cannot be encoded as UTF-8). */
const encode = (s: string) =>
  encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

function pathArb(ctx: FuzzContext, op: Operation): fc.Arbitrary<string> {
  if (!op.pathParams.length) return fc.constant(op.path);
  const values = op.pathParams.map(({ name, schema }) => {
    const known = ctx.knownParams[name] ?? [];
    const encodedHostile = hostileSegment.map((s) => (/^%|^\.{1,2}$/.test(s) ? s : encode(s)));
    const fromSchema = conforming(ctx.doc, schema).map((v) => encode(String(v)));
    return fc.oneof(...(known.length ? [fc.constantFrom(...known)] : []), fromSchema, encodedHostile);
  });
  return fc.tuple(...values).map((vals) => {
    let p = op.path;
    op.pathParams.forEach(({ name }, i) => (p = p.replace(`{${name}}`, vals[i]!)));
    return p;
  });
}

function queryArb(ctx: FuzzContext, op: Operation): fc.Arbitrary<string> {
  const entries = op.query.map((q) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: conforming(ctx.doc, q.schema).map((v) => [String(v)]) },
        { weight: 1, arbitrary: nastyString.map((v) => [v]) },
        { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 5 }), { minLength: 2, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.constant(['a[b]=c']) },
      ),
      { freq: 2 },
    ),
  );
  const extra = fc.option(fc.tuple(fc.constantFrom('unknown', '__proto__[x]', 'limit[]', 'x'), nastyString), {
    freq: 4,
  });
  return fc.tuple(fc.tuple(...entries), extra).map(([vals, more]) => {
    const params = new URLSearchParams();
    op.query.forEach((q, i) => {
      for (const v of vals[i] ?? []) params.append(q.name, v);
    });
    if (more) params.append(more[0], more[1]);
    const s = params.toString();
    return s ? `?${s}` : '';
  });
}

function bodyArb(ctx: FuzzContext, op: Operation): fc.Arbitrary<{ body?: string; variant: string; type?: string }> {
  const good = op.body ? conforming(ctx.doc, op.body) : fc.constant({});
  return fc.oneof(
    { weight: 4, arbitrary: good.map((v) => ({ body: JSON.stringify(v), variant: 'schema' })) },
    {
      weight: 6,
      arbitrary: good.chain((v) => mutate(v)).map((v) => ({ body: JSON.stringify(v) ?? '', variant: 'mutated' })),
    },
    { weight: 1, arbitrary: anyJson.map((v) => ({ body: JSON.stringify(v), variant: 'not-an-object' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '{"a":', '[1,2', 'nul', '{"a":1}}', '\u0000', '{"a":"\\u12"}').map((b) => ({
        body: b,
        variant: 'broken-json',
      })),
    },
    { weight: 1, arbitrary: fc.constant({ variant: 'no-body' }) },
    {
      weight: 1,
      // A type the operation does not take (multipart is the right one for an upload).
      arbitrary: fc
        .constantFrom(
          ...['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'].filter(
            (type) => !op.mediaTypes.includes(type.split(';')[0]!),
          ),
        )
        .map((type) => ({ body: 'a=1', variant: 'wrong-content-type', type })),
    },
  );
}

/** Requests for one operation: as one of the principals, with generated path, query and body. */
export function requestArb(ctx: FuzzContext, op: Operation): fc.Arbitrary<GeneratedRequest> {
  const hasBody = ['post', 'put', 'patch'].includes(op.method);
  return fc
    .tuple(
      fc.constantFrom(...ctx.principals),
      pathArb(ctx, op),
      queryArb(ctx, op),
      hasBody
        ? bodyArb(ctx, op)
        : fc.constant({ variant: 'no-body' } as { body?: string; variant: string; type?: string }),
      fc.option(fc.constantFrom('k1', 'k2', 'A'.repeat(300), '\u00e9'), { freq: 4 }),
    )
    .map(([principal, path, query, b, idempotencyKey]) => {
      const headers: Record<string, string> = { ...(principal ?? {}) };
      delete headers['content-type'];
      if (b.body !== undefined) headers['content-type'] = b.type ?? 'application/json';
      if (idempotencyKey) headers['idempotency-key'] = encodeURIComponent(idempotencyKey);
      return {
        method: op.method.toUpperCase(),
        url: path + query,
        headers,
        ...(b.body !== undefined ? { body: b.body } : {}),
        operation: `${op.method.toUpperCase()} ${op.path}`,
        variant: b.variant,
        ...(principal ? { principalHeaders: principal } : {}),
      };
    });
}

/** Requests spread evenly over every operation of the document. */
export function allRequestsArb(ctx: FuzzContext, ops: Operation[]): fc.Arbitrary<GeneratedRequest> {
  return fc.oneof(...ops.map((op) => requestArb(ctx, op)));
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** What is wrong with an answer, or undefined: never 5xx; a 4xx has a code; a validation error names fields. */
export function checkAnswer(req: GeneratedRequest, answer: Answer): string | undefined {
  if (answer.status >= 500) return `${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status < 400) return undefined;
  if (!answer.contentType.includes('application/json')) return `${answer.status} without a JSON body`;
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${answer.status} body is not JSON`;
  }
  const e = body?.error;
  if (!e || typeof e.code !== 'string' || !e.code || typeof e.message !== 'string' || !Array.isArray(e.fields)) {
    return `${answer.status} body is not the error format: ${answer.text.slice(0, 200)}`;
  }
  if (e.code === 'validation_failed') {
    if (!e.fields.length) return `${answer.status} validation_failed without fields`;
    if (!e.fields.every((f: any) => typeof f.path === 'string' && typeof f.message === 'string')) {
      return `${answer.status} a field error without path or message`;
    }
  }
  if (answer.status === 413 && e.code !== 'payload_too_large') return `413 with code ${e.code}`;
  // Bodies that are not JSON are refused before anything else reads them; only the method is judged first (405, api/app.ts:
  // a path segment '.' the URL drops can turn a POST path into a GET-only one, /employers/./persons → /employers/persons).
  if (req.variant === 'wrong-content-type' && answer.status !== 415 && answer.status !== 405)
    return `wrong content type answered ${answer.status}`;
  return undefined;
}

export async function send(baseUrl: string, req: GeneratedRequest, timeoutMs = 30_000): Promise<Answer> {
  const res = await fetch(baseUrl + req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}
