/**
 * The API process. Starts even when Temporal or PostgreSQL is down (GET /readyz says which); stops cleanly on SIGTERM.
 */
import { createDocumentStore } from '../lib/document-store';
import { join } from 'node:path';
import { loadConfigOrExit } from '../config/env';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createTemporalClient, temporalTarget } from '../lib/temporal';
import { createCalendarStore } from '../lib/calendar-store';
import { loadPolicyData } from '../policy/load';
import { createPolicyStore } from '../lib/policy-store';
import { createSourceClients, parseSourceConfig } from '../integrations/config';
import { createApp } from './app';
import { createApiMetrics } from './metrics';
import { exitWithParent } from '../lib/parent-watch';
import { startClaimsNotStarted } from '../lib/claim-starts';
import { startPendingEmployerRegistrations } from '../lib/employer-registration-starts';

const cfg = loadConfigOrExit();
const logger = createLogger('api', cfg.LOG_LEVEL);
if (!cfg.DATABASE_URL) {
  logger.fatal('DATABASE_URL: required by the API (the start command sets it)');
  process.exit(2);
}

let sms, tax, credit, hukou;
try {
  ({ sms, tax, credit, hukou } = createSourceClients(parseSourceConfig()));
} catch (err) {
  logger.fatal((err as Error).message);
  process.exit(2);
}
const metrics = createApiMetrics();
const db = createDb(cfg.DATABASE_URL, { poolMax: cfg.DB_POOL_MAX });
const temporal = createTemporalClient(temporalTarget(cfg), [metrics.temporalInterceptor]);
const policy = createPolicyStore(db, loadPolicyData());
const app = createApp({
  db,
  temporal,
  taskQueue: cfg.TEMPORAL_TASK_QUEUE,
  logger,
  metrics,
  recordWaitMs: cfg.API_RECORD_WAIT_MS,
  readyTimeoutMs: cfg.READY_TIMEOUT_MS,
  ...(cfg.TEMPORAL_UI_URL ? { temporalUiUrl: cfg.TEMPORAL_UI_URL } : {}),
  authPolicy: {
    sessionTtlMinutes: cfg.SESSION_TTL_MINUTES,
    maxFailures: cfg.LOGIN_MAX_FAILURES,
    maxAccountFailures: cfg.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    maxClientFailures: cfg.LOGIN_MAX_FAILURES_PER_ADDRESS,
    lockMinutes: cfg.LOGIN_LOCK_MINUTES,
    deviceDays: cfg.LOGIN_DEVICE_DAYS,
  },
  ...(cfg.TRUST_PROXY ? { trustProxy: cfg.TRUST_PROXY.split(',').map((s) => s.trim()) } : {}),
  cookieSecure: cfg.COOKIE_SECURE,
  policy,
  calendar: createCalendarStore(db, { policy }),
  sms,
  tax,
  credit,
  hukou,
  documents: { store: createDocumentStore(db, cfg), maxBytes: cfg.DOCUMENT_MAX_BYTES },
  records: {
    sealDir: join(cfg.DATA_DIR, 'seal'),
    ...(cfg.SEAL_P12_PATH ? { sealP12Path: cfg.SEAL_P12_PATH, sealPassphrase: cfg.SEAL_P12_PASSWORD ?? '' } : {}),
    ...(cfg.RECORD_PDF_FONT ? { font: cfg.RECORD_PDF_FONT } : {}),
  },
});

// Art. 15, 36: a case written whose workflow did not start (its start failed and it could not be taken back, or
// answered 202) is started by the system within minutes (lib/written-starts.ts): claims, employers' coordinations.
const leftUnstarted = [
  { what: 'claims', start: startClaimsNotStarted },
  { what: 'pension coordinations', start: startPendingEmployerRegistrations },
] as const;
const writtenStarts = setInterval(() => {
  for (const { what, start } of leftUnstarted) {
    start(db, temporal, cfg.TEMPORAL_TASK_QUEUE)
      .then((started) => {
        if (started.length) logger.warn({ what, started: started.length }, 'started cases left unstarted');
      })
      .catch((err: unknown) =>
        logger.warn({ what, err: (err as Error).message }, 'cases left unstarted: will try again'),
      );
  }
}, 60_000);
writtenStarts.unref();

const server = app.listen(cfg.API_PORT, cfg.API_HOST, () => {
  logger.info({ url: `http://${cfg.API_HOST}:${cfg.API_PORT}` }, 'api listening');
});
server.on('error', (err) => {
  logger.fatal({ err }, 'api could not listen');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(writtenStarts);
    logger.info({ signal }, 'api stopping');
    server.close(async () => {
      await Promise.allSettled([db.$disconnect(), temporal.connection.close()]);
      logger.info('api stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}

// Started by the start command: stop with it, even if it dies without stopping us.
exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
