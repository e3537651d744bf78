/**
 * One server of each kind per test run, started only when a selected project needs it, and stopped at the end:
 *   PostgreSQL        TEST_DATABASE_URL (an admin URL of any server), else embedded PostgreSQL in a temp folder;
 *                     a template database with the migrations applied, cloned per test file
 *   Temporal dev      real server with SQLite in memory and the project's search attributes (visibility queries)
 *   (time-skipping    Temporal's test server: each timer and scenario file starts its own, test/support/temporal.ts)
 * The workflow bundle is built once here and shared by every test worker.
 */
import type { TestProject } from 'vitest/node';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, withDatabase } from '../../db/migrate';
import { startThrowawayPostgres, startThrowawayTemporal } from '../../scripts/throwaway-servers';
import { ensureWorkflowBundle } from '../../worker/bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDatabase: string;
    devServerAddress: string;
    workflowBundlePath: string;
  }
}

const TEMPLATE = 'ui_test_template';
const ROOT = join(import.meta.dirname, '..', '..');

export default async function setup(project: TestProject) {
  const names = new Set(project.vitest.projects.map((p) => p.name));
  // browser: the web pages over a real API, worker and PostgreSQL on the dev server, like integration.
  const needsDev = names.has('integration') || names.has('browser');
  const needsPg = needsDev || names.has('timers') || names.has('scenarios');
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
            const pgServer = await startThrowawayPostgres('ui-cases');
            stops.push(pgServer.stop);
            adminUrl = pgServer.adminUrl;
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
          const dev = await startThrowawayTemporal('ui-cases');
          stops.push(dev.stop);
          const address = dev.address;
          project.provide('devServerAddress', address);
        })(),
      );
    }

    // Time-skipping servers: each timer and scenario file starts its own (test/support/temporal.ts timeSkippingEnv).

    if (needsDev || names.has('timers') || names.has('scenarios')) {
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
