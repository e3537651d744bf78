import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { createActivities, type ActivityDeps } from '../../activities';
import { createCalendarStore } from '../../lib/calendar-store';
import { loadPolicyData } from '../../policy/load';
import { createPolicyStore } from '../../lib/policy-store';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import { shanghaiInstant } from '../../domain/business-time';
import { eventually } from './wait';
import { Connection } from '@temporalio/client';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSearchAttributes } from '../../lib/temporal';
import { startService, waitUntil } from '../../scripts/services';
import { temporalBinary } from '../../scripts/temporal-bin';
import { freePort, temporalReady } from '../../scripts/throwaway-servers';

/** The run's Temporal dev server (real server: visibility, search attributes, update-with-start). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({
    address: inject('devServerAddress'),
    namespace: 'default',
  });
}

/**
 * A time-skipping test server of the calling file's own, and its environment; `teardown()` stops the server too.
 * Its clock starts at the real now, whatever other files did with theirs, so a file's dates do not depend on the order
 * the files run in; and a workflow a file leaves with an activity in flight (terminated at its end) holds only its own
 * server's clock: on a shared server that hold stopped the next file's time skipping (its pay day never came,
 * intermittently; temporalio/sdk-java#1618's kind). Used by the `timers` and `scenarios` projects.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const port = await freePort();
  const server = startService(
    'temporal time-skipping test server',
    temporalBinary('temporal-test-server'),
    [String(port)],
    {
      logFile: join(tmpdir(), `ui-cases-time-skipping-${port}.log`),
    },
  );
  const address = `127.0.0.1:${port}`;
  await waitUntil('Temporal time-skipping test server', () => temporalReady(address), 90_000, server);
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, 'default');
  await connection.close();
  const factory = (TestWorkflowEnvironment as unknown as { create(opts: object): Promise<TestWorkflowEnvironment> })
    .create;
  const env = await factory.call(TestWorkflowEnvironment, {
    server: { type: 'existing' },
    address,
    namespace: 'default',
    supportsTimeSkipping: true,
    // The test server (grpc-java) allows a keepalive ping only every 5 minutes; the client's default of 30 s makes it
    // close the connection ("excess pings") under a long test file, and an `env.sleep` in flight then never returns.
    connectionOptions: { channelArgs: { 'grpc.keepalive_time_ms': 330_000, 'grpc.keepalive_permit_without_calls': 0 } },
  });
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    await teardown().catch(() => undefined);
    await server.stop();
  };
  return env;
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** What the activities need: the database, the sources, and the project's own policy and calendar, uncached. */
export function activityDeps(db: ActivityDeps['db'], sources: ActivityDeps['sources']): ActivityDeps {
  return {
    db,
    sources,
    bank: sources.bank,
    medical: sources.medical,
    policy: createPolicyStore(db, loadPolicyData(), { ttlMs: 0 }),
    calendar: createCalendarStore(db, { ttlMs: 0 }),
  };
}

/**
 * A worker with the test workflow bundle (the project's workflows and test/support/workflows.ts) and the real
 * activities, running until stop(). Policy and calendar default to the project's own.
 */
export async function startWorker(
  connection: NativeConnection,
  taskQueue: string,
  deps: Pick<ActivityDeps, 'db'> & Partial<ActivityDeps>,
): Promise<RunningWorker> {
  // No simulator unless the test gives one: calls to sources then fail as unavailable.
  const sources = deps.sources ?? createSourceClients(parseSourceConfig({ SIMULATOR_URL: 'http://127.0.0.1:1' }));
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ ...activityDeps(deps.db, sources), ...deps }),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/**
 * Moves the time-skipping server's clock to `ms` (never backwards), in steps of at most `stepMs`, pausing between
 * steps so each step's work (activities run in real time) settles before the clock moves on.
 */
export async function advanceTo(env: TestWorkflowEnvironment, ms: number, stepMs = 20 * 86_400_000): Promise<void> {
  for (;;) {
    const now = await env.currentTimeMs();
    if (now >= ms) return;
    await env.sleep(Math.min(ms - now, stepMs));
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Past the city's payment run of `month` (the 10th, Art. 63) to the 20th: the run's bank calls take real time, so the
 * clock stops on the 12th until the run has completed, then goes on past the 16th, when cases read their results.
 */
export async function throughRunOf(
  env: TestWorkflowEnvironment,
  tdb: { sql<T extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> },
  agencyCode: string,
  month: string,
  stepMs?: number,
): Promise<void> {
  await advanceTo(env, shanghaiInstant(`${month}-12`, 12), stepMs);
  await eventually(
    () =>
      tdb.sql<{ status: string }>('SELECT status FROM payment_run WHERE agency_code = $1 AND month = $2', [
        agencyCode,
        month,
      ]),
    (r) => r.length > 0 && r.every((x) => x.status === 'completed'),
    300,
  );
  await advanceTo(env, shanghaiInstant(`${month}-20`, 12), stepMs);
}
