/**
 * The long hostile-input run (issue 12): 10,000 requests generated from the OpenAPI document (test/support/fuzz.ts),
 * the same rules as test/integration/fuzz.test.ts. FUZZ_REQUESTS and FUZZ_SEED change the run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fuzzEnvironment, FUZZ_SEED, runFuzz, type FuzzEnvironment } from '../support/fuzz-run';

let env: FuzzEnvironment;
beforeAll(async () => {
  env = await fuzzEnvironment();
});
afterAll(async () => {
  await env?.close();
});

it('answers 10,000 generated requests over every endpoint without a 5xx, each refusal with a code and field paths', async () => {
  const count = Number(process.env.FUZZ_REQUESTS ?? 10_000);
  const started = Date.now();
  const result = await runFuzz(env, { count, seed: FUZZ_SEED });
  console.log(
    JSON.stringify({
      fuzz: { requests: result.requests, operations: result.operations, seed: FUZZ_SEED, byStatus: result.byStatus },
      serverErrors: result.serverErrors,
      problems: result.problems.length,
      seconds: Math.round((Date.now() - started) / 1000),
    }),
  );
  expect(result.problems.map((p) => ({ ...p, example: JSON.stringify(p.example) }))).toEqual([]);
  expect(result.serverErrors).toBe(0);
  expect(result.requests).toBe(count);
});
