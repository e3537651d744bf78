/**
 * The OpenAPI document is exact (issue 21): schemathesis (pinned, scripts/schemathesis-bin.ts), an OpenAPI fuzzer no
 * one here wrote, runs every check with a fixed seed and at least 50 examples per operation against the real API
 * (PostgreSQL, the Temporal dev server) as a staff user with every staff role, and any failure fails the test.
 * SCHEMATHESIS_SEED and SCHEMATHESIS_EXAMPLES change the run; SCHEMATHESIS_ONLY (a path regex) runs only those operations.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemathesisCommand } from '../../scripts/schemathesis-bin';
import { fuzzEnvironment, type FuzzEnvironment } from '../support/fuzz-run';

const HOOKS = fileURLToPath(new URL('./schemathesis_hooks.py', import.meta.url));
const CONFIG = fileURLToPath(new URL('./schemathesis.toml', import.meta.url));
const SEED = Number(process.env.SCHEMATHESIS_SEED ?? 20261206);
const EXAMPLES = Number(process.env.SCHEMATHESIS_EXAMPLES ?? 50);

let env: FuzzEnvironment;
beforeAll(async () => {
  // A worker and the simulators: the claims schemathesis files are followed to their cases' operations.
  env = await fuzzEnvironment({ withCases: true });
});
afterAll(async () => {
  await env?.close();
});

/** Runs schemathesis without blocking this process, whose event loop serves the API it tests. */
function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const st = schemathesisCommand();
  return new Promise((resolve, reject) => {
    // In a directory of its own: schemathesis keeps a cache of earlier failures (.schemathesis/) in its working
    // directory and replays them first, and every run is to be the same run of the fixed seed.
    const child = spawn(st.command, [...st.args, ...args], {
      cwd,
      // The generators of the document's custom formats (api/formats.ts).
      env: { ...process.env, ...st.env, SCHEMATHESIS_HOOKS: HOOKS, NO_COLOR: '1', COLUMNS: '160' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('OpenAPI document', () => {
  it('passes schemathesis with every check, a fixed seed and 50 examples per operation', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'schemathesis-'));
    const authorization = env.principals[1]!.authorization!;
    const { code, output } = await run(
      [
        // Which refusals of a valid request count as acceptance (422 for the state of the world), and why: the file.
        '--config-file',
        CONFIG,
        'run',
        `${env.api.url}/openapi.json`,
        '--checks',
        'all',
        '--seed',
        String(SEED),
        '--max-examples',
        String(EXAMPLES),
        // One worker: with the seed fixed, the same requests in the same order on every run.
        '--workers',
        '1',
        // A case's Update waits up to 15 s for its worker before the API answers 503 (lib/temporal.ts), a task action
        // 10 s before it answers 202 (api/tasks/router.ts): the client waits, and the response time check allows,
        // longer than those deadlines, so a slow answer is judged by its status, not cut off as a network error.
        '--request-timeout',
        '25',
        '--max-response-time',
        '20',
        '--header',
        `Authorization: ${authorization}`,
        // Signing out would end the very session the run uses, and every later request would be answered 401; signing
        // out is tested in test/integration/auth.test.ts.
        '--exclude-path',
        '/auth/logout',
        // SCHEMATHESIS_ONLY: a path regex (of the document's templates, e.g. '^/(persons|cases/\{caseNumber\}/documents)').
        ...(process.env.SCHEMATHESIS_ONLY ? ['--include-path-regex', process.env.SCHEMATHESIS_ONLY] : []),
        '--report',
        'junit',
        '--report-junit-path',
        join(reports, 'junit.xml'),
      ],
      reports,
    );
    // The failures and the summary (counts by kind), as schemathesis prints them.
    const start = output.indexOf('FAILURES');
    const summary = start >= 0 ? output.slice(start) : output.slice(-20_000);
    if (code !== 0) console.log(output);
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toContain('testsuite');
    expect(code, `schemathesis failed (exit ${code}):\n${summary.slice(-30_000)}`).toBe(0);
  }, 1_800_000);
});
