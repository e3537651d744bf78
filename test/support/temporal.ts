import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { createActivities, type ActivityDeps } from '../../activities';
import { createCalendarStore } from '../../lib/calendar-store';
import { loadPolicyData } from '../../policy/load';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';

/** The run's Temporal dev server (real server: visibility, search attributes, update-with-start). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({
    address: inject('devServerAddress'),
    namespace: 'default',
  });
}

/**
 * The run's time-skipping test server. The SDK's public factory would start a server per call; the run shares one
 * (started in global setup), so this uses the same internal factory with time skipping on. Timer test files run one
 * at a time (vitest project `timers`), because skipping time is global to the server.
 */
export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const factory = (TestWorkflowEnvironment as unknown as { create(opts: object): Promise<TestWorkflowEnvironment> })
    .create;
  return factory.call(TestWorkflowEnvironment, {
    server: { type: 'existing' },
    address: inject('timeSkippingAddress'),
    namespace: 'default',
    supportsTimeSkipping: true,
    // The test server (grpc-java) allows a keepalive ping only every 5 minutes; the client's default of 30 s makes it
    // close the connection ("excess pings") under a long test file, and an `env.sleep` in flight then never returns.
    connectionOptions: { channelArgs: { 'grpc.keepalive_time_ms': 330_000, 'grpc.keepalive_permit_without_calls': 0 } },
  });
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
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
    activities: createActivities({
      policy: loadPolicyData(),
      calendar: createCalendarStore(deps.db, { ttlMs: 0 }),
      sources,
      bank: sources.bank,
      medical: sources.medical,
      ...deps,
    }),
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
