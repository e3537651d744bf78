/**
 * `prisma generate` on machines that cannot download Prisma's native engines (see ../shared/docs/RUNTIME.md).
 * Generating the Prisma 7 client needs no engine, but the CLI refuses to run unless PRISMA_SCHEMA_ENGINE_BINARY names
 * an existing file when the download fails. When no engine is configured we point it at this Node binary: generate never
 * executes it. Where Prisma's engines can be had (a developer laptop, a production build host) nothing changes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = require.resolve('prisma/build/index.js');
const r = spawnSync(process.execPath, [cli, 'generate'], { stdio: ['ignore', 'pipe', 'inherit'], env });
if (r.status !== 0) {
  process.stdout.write(r.stdout);
  console.error('prisma generate failed');
  process.exit(r.status ?? 1);
}
