/**
 * Hostile input (issue 12): ~1,000 requests generated from the OpenAPI document against every endpoint — bodies,
 * path parameters and query strings from the schemas, then broken (missing and unknown fields, wrong types, huge
 * strings, broken JSON, the wrong content type) and sent as every kind of caller. No answer is a 5xx; every 4xx has
 * the error format with a code, and a validation error names the field paths. The long run (10,000) is
 * `npm run test:chaos`; FUZZ_SEED and FUZZ_REQUESTS change the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzEnvironment, FUZZ_SEED, runFuzz, type FuzzEnvironment } from '../support/fuzz-run';

let env: FuzzEnvironment;
beforeAll(async () => {
  env = await fuzzEnvironment();
});
afterAll(async () => {
  await env?.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${env.api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; fields: any[] } }).error;

describe('hostile input', () => {
  it('answers ~1,000 generated requests over every endpoint without a 5xx, each refusal with a code and field paths', async () => {
    const count = Number(process.env.FUZZ_REQUESTS ?? 1_000);
    const result = await runFuzz(env, { count, seed: FUZZ_SEED });
    console.log(`fuzz: ${result.requests} requests, ${result.operations} operations, statuses`, result.byStatus);
    // What the API logged as unexpected, to point at the route that failed.
    const unexpected = new Set(
      env.api.logs.filter((l) => l.includes('unexpected error')).map((l) => JSON.parse(l).err?.message?.slice(0, 300)),
    );
    if (unexpected.size) console.log('unexpected errors:', [...unexpected]);
    expect(result.problems.map((p) => ({ ...p, example: JSON.stringify(p.example) }))).toEqual([]);
    expect(result.serverErrors).toBe(0);
    expect(result.requests).toBe(count);
    // The generated requests reach past the first checks: refusals of every kind and successes.
    expect(Object.keys(result.byStatus).map(Number)).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 415]));
  }, 300_000);

  it('refuses a body over 64 kB with 413 payload_too_large, before anything reads it', async () => {
    const huge = JSON.stringify({ username: 'x'.repeat(70_000), password: 'p' });
    for (const path of ['/auth/login', '/claims', '/tasks/1/complete', '/no/such/route']) {
      const res = await post(path, huge);
      expect(res.status, path).toBe(413);
      expect((await errorOf(res)).code).toBe('payload_too_large');
    }
  });

  it('refuses a body that is not JSON with 415, and broken JSON with 400 invalid_json', async () => {
    const form = await post('/auth/login', 'username=a&password=b', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect((await errorOf(form)).code).toBe('unsupported_media_type');
    const broken = await post('/auth/login', '{"username":');
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe('invalid_json');
  });

  it('refuses unknown fields, naming each one by its path', async () => {
    const res = await post('/auth/login', JSON.stringify({ username: 'a', password: 'b', isAdmin: true }));
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'isAdmin', message: '未知字段' }],
    });
    const nested = await post(
      '/auth/applicant/code',
      JSON.stringify({ idNumber: '210102198503151235', phone: '13812345678', extra: { a: 1 } }),
    );
    expect(nested.status).toBe(400);
    expect((await errorOf(nested)).fields).toContainEqual({ path: 'extra', message: '未知字段' });
  });
});
