/**
 * Text that PostgreSQL cannot store is refused at the door: a NUL character (U+0000) in any string of a JSON body or
 * the query string. Without this a request would pass its schema, start a case, and the case's first write would fail
 * on every retry (found by the generated requests of test/integration/fuzz.test.ts).
 */
import type { RequestHandler } from 'express';
import { validationError, type FieldError } from './errors';

function nulFields(value: unknown, path: string[], out: FieldError[], depth = 0): void {
  if (out.length >= 20 || depth > 32) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ path: path.join('.'), message: '不能含有空字符（NUL）' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulFields(v, [...path, String(i)], out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) out.push({ path: [...path, k].join('.'), message: '不能含有空字符（NUL）' });
      nulFields(v, [...path, k], out, depth + 1);
    }
  }
}

export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  const fields: FieldError[] = [];
  nulFields(req.body, [], fields);
  nulFields(req.query, ['query'], fields);
  if (fields.length) throw validationError(fields, '文本不能含有空字符（NUL）');
  next();
};
