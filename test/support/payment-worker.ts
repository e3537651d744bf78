/**
 * A worker in its own process, for crash tests (test/integration/payments-crash.test.ts): the test bundle, the real
 * activities, the sources at SIMULATOR_URL with the bank key. The test kills it with SIGKILL, as a machine dies.
 *
 *   node --import tsx test/support/payment-worker.ts
 *   env: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, WORKFLOW_BUNDLE_PATH, SIMULATOR_URL, BANK_SIGNING_KEY_ID,
 *        BANK_SIGNING_KEY
 * Prints `worker ready` once it polls.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import { createCalendarStore } from '../../lib/calendar-store';
import { createDb } from '../../lib/db';
import { loadPolicyData } from '../../policy/load';
import { createPolicyStore } from '../../lib/policy-store';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name}: required`);
    process.exit(2);
  }
  return value;
}

const noop = () => undefined;
Runtime.install({ logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error } });

const db = createDb(required('DATABASE_URL'), { poolMax: 4 });
const sources = createSourceClients(
  parseSourceConfig({
    SIMULATOR_URL: required('SIMULATOR_URL'),
    SOURCE_TIMEOUT_MS: '10000',
    BANK_SIGNING_KEY_ID: required('BANK_SIGNING_KEY_ID'),
    BANK_SIGNING_KEY: required('BANK_SIGNING_KEY'),
  }),
);
const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: required('TASK_QUEUE'),
  workflowBundle: { codePath: required('WORKFLOW_BUNDLE_PATH') },
  activities: createActivities({
    db,
    policy: createPolicyStore(db, loadPolicyData()),
    calendar: createCalendarStore(db),
    sources,
    bank: sources.bank,
    medical: sources.medical,
  }),
});
process.stdout.write('worker ready\n');
await worker.run();
await connection.close();
await db.$disconnect();
