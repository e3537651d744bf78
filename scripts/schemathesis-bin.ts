/**
 * schemathesis, the OpenAPI fuzzer the API's document is checked with (issue 21; test/integration/schemathesis.test.ts):
 * the pinned PyPI release, installed like the Temporal binaries into the git-ignored `.tools/schemathesis`.
 *
 *   tsx scripts/schemathesis-bin.ts         installs it when missing and prints the command that runs it
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, pipInstall, pythonWithPip } from './temporal-bin';

export const SCHEMATHESIS = 'schemathesis==4.32.5';
const DIR = join(PROJECT_ROOT, '.tools', 'schemathesis');
const MARK = join(DIR, `${SCHEMATHESIS.replace('==', '-')}.dist-info`);

/** The command (python3 -m schemathesis.cli) and the environment that runs the pinned release, installing it first. */
export function schemathesisCommand(): { command: string; args: string[]; env: Record<string, string> } {
  const python = pythonWithPip('schemathesis');
  if (!existsSync(MARK)) pipInstall('schemathesis', [SCHEMATHESIS], DIR);
  if (!existsSync(MARK)) throw new Error(`${SCHEMATHESIS} was not installed in ${DIR}`);
  return { command: python, args: ['-m', 'schemathesis.cli'], env: { PYTHONPATH: DIR, PYTHONDONTWRITEBYTECODE: '1' } };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { command, args, env } = schemathesisCommand();
    console.log(`PYTHONPATH=${env.PYTHONPATH} ${command} ${args.join(' ')}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
