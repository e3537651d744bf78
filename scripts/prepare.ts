/**
 * What the test command needs before vitest starts, on a fresh clone: the Temporal binaries, schemathesis and the generated
 * Prisma client. Quick when both are there already.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT, temporalBinary } from './temporal-bin';
import { schemathesisCommand } from './schemathesis-bin';

try {
  temporalBinary('temporal');
  temporalBinary('temporal-test-server');
  // The OpenAPI fuzzer of test/integration/schemathesis.test.ts.
  schemathesisCommand();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
if (!existsSync(join(PROJECT_ROOT, 'generated', 'prisma', 'client.ts'))) {
  execFileSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'prisma-generate.ts')], {
    stdio: 'inherit',
  });
}
