/**
 * The workflow bundle, built once: the start command and the test run build it a single time and every worker loads
 * it (`workflowBundle.codePath`), instead of each worker running webpack at start. A content hash of the workflow
 * sources decides whether the bundle on disk is still current.
 *
 *   tsx worker/bundle.ts [out.js]     builds (if stale) and prints the path
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_PATH = join(ROOT, 'workflows', 'index.ts');
export const DEFAULT_BUNDLE_PATH = join(ROOT, 'dist', 'workflow-bundle.js');
/** The workflow interceptors every case workflow runs with (workflows/interceptors.ts). */
export const WORKFLOW_INTERCEPTORS_PATH = join(ROOT, 'workflows', 'interceptors.ts');

/** Folders whose code workflows may import (pure code only). */
const SOURCE_DIRS = ['workflows', 'contracts', 'domain'];

function sourceHash(workflowsPath: string): string {
  const h = createHash('sha256');
  h.update(workflowsPath).update(readFileSync(workflowsPath));
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(name)) h.update(p).update(readFileSync(p));
    }
  };
  for (const d of SOURCE_DIRS) walk(join(ROOT, d));
  h.update(readFileSync(join(ROOT, 'package-lock.json')));
  return h.digest('hex');
}

/**
 * Builds the bundle of `workflowsPath` at `outPath` unless the one there was built from the same sources. Returns the
 * path. Tests bundle their own entry (the project's workflows plus test-only ones) the same way.
 */
export async function ensureWorkflowBundle(
  outPath = DEFAULT_BUNDLE_PATH,
  workflowsPath = WORKFLOWS_PATH,
): Promise<string> {
  const hash = sourceHash(workflowsPath);
  const hashPath = `${outPath}.sha256`;
  if (existsSync(outPath) && existsSync(hashPath) && readFileSync(hashPath, 'utf8') === hash) return outPath;
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH],
    logger: quietLogger,
  });
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, code);
  writeFileSync(hashPath, hash);
  return outPath;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWorkflowBundle(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (p) => console.log(p),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
