/**
 * The servers a browser test of the register's pages needs (the agent's page, Art. 16-21): Chromium first (a missing
 * one fails at once, with how to install it), the dev server, a database of its own, the simulators, a worker and the
 * API with the register's sources; `close` stops them in reverse order.
 */
import { inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';
import { launchBrowser, type Browser } from './support';

export interface RegisterServers {
  browser: Browser;
  env: TestWorkflowEnvironment;
  tdb: TestDatabase;
  sim: RunningSimulator;
  worker: RunningWorker;
  api: RunningApi;
  close(): Promise<void>;
}

export async function startRegisterServers(name: string): Promise<RegisterServers> {
  const browser = await launchBrowser();
  const env = await devServerEnv();
  const tdb = await createTestDatabase();
  const sim = await startSimulator();
  const sources = sourcesOf(sim);
  const taskQueue = uniqueTaskQueue(name);
  const worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  const api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue,
    sms: sources.sms,
    tax: sources.tax,
    credit: sources.credit,
    hukou: sources.hukou,
  });
  return {
    browser,
    env,
    tdb,
    sim,
    worker,
    api,
    async close() {
      await browser.close();
      await api.close();
      await worker.stop();
      await sim.close();
      await tdb.drop();
      await env.teardown();
    },
  };
}
