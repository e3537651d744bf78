/**
 * The worker process: runs the case workflows and their activities on the task queue. Scale out by running more of
 * these against the same Temporal cluster and PostgreSQL (configuration only).
 * Temporal SDK metrics are served for Prometheus at http://WORKER_METRICS_ADDRESS/metrics.
 */
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfigOrExit } from '../config/env';
import { createDb } from '../lib/db';
import { createCalendarStore } from '../lib/calendar-store';
import { loadPolicyData } from '../policy/load';
import { createPolicyStore } from '../lib/policy-store';
import { createSourceClients, parseSourceConfig } from '../integrations/config';
import { createLogger } from '../lib/logger';
import { connectionOptions, temporalTarget } from '../lib/temporal';
import { ensureWorkflowBundle } from './bundle';
import { WORKER_TUNING } from './options';
import { exitWithParent } from '../lib/parent-watch';

const cfg = loadConfigOrExit();
const log = createLogger('worker', cfg.LOG_LEVEL);

if (!cfg.DATABASE_URL) {
  log.fatal('DATABASE_URL: required by the worker (the start command sets it)');
  process.exit(2);
}
const sourceConfig = (() => {
  try {
    return parseSourceConfig();
  } catch (err) {
    log.fatal((err as Error).message);
    process.exit(2);
  }
})();

Runtime.install({
  logger: {
    log: (level, message, meta) =>
      log[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')]({ ...meta }, message),
    trace: (m, meta) => log.trace({ ...meta }, m),
    debug: (m, meta) => log.debug({ ...meta }, m),
    info: (m, meta) => log.info({ ...meta }, m),
    warn: (m, meta) => log.warn({ ...meta }, m),
    error: (m, meta) => log.error({ ...meta }, m),
  },
  telemetryOptions: {
    logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
    metrics: { prometheus: { bindAddress: cfg.WORKER_METRICS_ADDRESS } },
  },
});

async function main() {
  const target = temporalTarget(cfg);
  const db = createDb(cfg.DATABASE_URL!, { poolMax: cfg.DB_POOL_MAX });
  const connection = await NativeConnection.connect(connectionOptions(target));
  const codePath = cfg.WORKFLOW_BUNDLE_PATH ?? (await ensureWorkflowBundle());
  const sources = createSourceClients(sourceConfig);
  const policy = createPolicyStore(db, loadPolicyData());
  const worker = await Worker.create({
    connection,
    namespace: target.namespace,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath },
    ...WORKER_TUNING,
    activities: createActivities({
      db,
      policy,
      calendar: createCalendarStore(db, { policy }),
      sources,
      bank: sources.bank,
      medical: sources.medical,
    }),
  });
  log.info(
    {
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      temporal: target.address,
      metrics: `http://${cfg.WORKER_METRICS_ADDRESS}/metrics`,
    },
    'worker running',
  );
  // Runtime shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves when it has drained.
  await worker.run();
  await connection.close();
  await db.$disconnect();
  log.info('worker stopped');
}

main().catch((err: Error) => {
  log.fatal({ err }, 'worker failed');
  process.exit(1);
});

// Started by the start command: stop with it, even if it dies without stopping us.
exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
