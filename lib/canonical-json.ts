/**
 * Canonical JSON (the subset of RFC 8785 / JCS that JSON data from this system uses): object keys sorted by UTF-16
 * code units (JavaScript's default sort), no whitespace, numbers and strings as `JSON.stringify` writes them (which is
 * what JCS prescribes), `undefined` members left out, Dates as ISO strings. Two equal values give the same text, so
 * its SHA-256 can be recomputed from the stored row (the audit chain, lib/audit.ts).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no number ${value}`);
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      return `{${Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
        .join(',')}}`;
    default:
      throw new TypeError(`canonical JSON has no ${typeof value}`);
  }
}
