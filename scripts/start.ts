/**
 * The start command (`npm start`): the whole system on one machine, on embedded defaults.
 *
 *   PostgreSQL      DATABASE_URL, else embedded PostgreSQL in DATA_DIR/pg; migrations applied
 *   Temporal        TEMPORAL_ADDRESS, else the Temporal dev server with SQLite in DATA_DIR (cases survive restarts),
 *                   the Web UI on, the project's search attributes registered
 *   simulators      of the external systems (tax, hukou, bank, SMS...), unless START_SIMULATORS=false
 *   worker, API     separate processes; the workflow bundle is built once and shared
 *   first user      `admin` when there are no users (ADMIN_PASSWORD, else generated and shown once)
 *
 * Prints the URLs; Ctrl-C stops every child, API first and PostgreSQL last. A second start reuses the data.
 */
import { Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigOrExit } from '../config/env';
import { databaseAccepts, embeddedDatabaseUrl } from '../db/embedded-url';
import { migrate } from '../db/migrate';
import { ensureFirstAdministrator } from '../api/auth/service';
import { createDb } from '../lib/db';
import { connectTemporal, ensureSearchAttributes, temporalTarget } from '../lib/temporal';
import { ensurePaymentCycles } from '../lib/payment-cycles';
import { ensureMonitoringScheduleAt } from '../lib/monitoring-schedule';
import { ensureJobRetentionSchedulesAt } from '../lib/job-retention-schedule';
import { ensureCalendarScheduleAt } from '../lib/calendar-schedule';
import { ensureRegisterScheduleAt } from '../lib/register-schedule';
import { ensureTaxSchedulesAt } from '../lib/contribution-sync-schedule';
import { ensureWorkflowBundle } from '../worker/bundle';
import { searchAttributeCliFlags } from '../contracts/search-attributes';
import { portInUse, startService, waitUntil, type Service } from './services';
import { PROJECT_ROOT, temporalBinary } from './temporal-bin';

const cfg = loadConfigOrExit();
const dataDir = resolve(PROJECT_ROOT, cfg.DATA_DIR);
const services: Service[] = [];
let shuttingDown = false;

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);
const tsx = (script: string) => [process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, script)]] as const;

async function assertPortFree(port: number, variable: string) {
  if (await portInUse(port)) {
    throw new Error(`port ${port} is in use (is the system already running?): stop it or set ${variable}`);
  }
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return; // a second Ctrl-C while stopping: the stop in progress finishes
  shuttingDown = true;
  say('stopping...');
  // Reverse order of start: API, worker, simulators, Temporal, PostgreSQL.
  for (const s of [...services].reverse()) {
    await s.stop();
    say(`${s.name} stopped`);
  }
  process.exit(code);
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: cfg.LOG_LEVEL };

  // PostgreSQL
  let databaseUrl = cfg.DATABASE_URL;
  if (!databaseUrl) {
    await assertPortFree(cfg.PG_PORT, 'PG_PORT');
    const [node, args] = tsx('db/embedded-main.ts');
    const pg = startService('postgresql', node, [...args], {
      env: { ...env, PG_DIR: join(dataDir, 'pg'), PG_PORT: String(cfg.PG_PORT), PG_DATABASE: 'ui_cases' },
      logFile: join(dataDir, 'postgresql.log'),
    });
    services.push(pg);
    databaseUrl = embeddedDatabaseUrl(cfg.PG_PORT, 'ui_cases');
    const url = databaseUrl;
    await waitUntil('embedded PostgreSQL accepting connections', () => databaseAccepts(url), 120_000, pg);
  }
  const applied = await migrate(databaseUrl);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  const db = createDb(databaseUrl, { poolMax: 1 });
  const admin = await ensureFirstAdministrator(db, cfg.ADMIN_PASSWORD).finally(() => db.$disconnect());
  if (admin.generatedPassword) {
    const file = join(dataDir, 'admin-password.txt');
    writeFileSync(file, `${admin.generatedPassword}\n`, { mode: 0o600 });
    say(`first administrator created: user "admin", password ${admin.generatedPassword} (also in ${file}; change it)`);
  }

  // Simulators of the external systems, with a bank signing key shared with the worker for this run.
  const sourcesEnv: NodeJS.ProcessEnv = {};
  if (cfg.START_SIMULATORS) {
    await assertPortFree(cfg.SIMULATOR_PORT, 'SIMULATOR_PORT');
    const bankKey = process.env.BANK_SIGNING_KEY || randomBytes(32).toString('base64url');
    Object.assign(sourcesEnv, { SIMULATOR_URL: `http://127.0.0.1:${cfg.SIMULATOR_PORT}`, BANK_SIGNING_KEY: bankKey });
    const [node, simArgs] = tsx('simulators/main.ts');
    const simulators = startService('simulators', node, [...simArgs], {
      env: { ...env, ...sourcesEnv, SIMULATOR_PORT: String(cfg.SIMULATOR_PORT), SIMULATOR_HOST: '127.0.0.1' },
    });
    services.push(simulators);
    await waitUntil(
      'simulators listening',
      async () => (await fetch(`http://127.0.0.1:${cfg.SIMULATOR_PORT}/healthz`)).ok,
      60_000,
      simulators,
    );
  }

  // Temporal
  const target = temporalTarget(cfg);
  let temporalUiUrl = cfg.TEMPORAL_UI_URL;
  if (!cfg.TEMPORAL_ADDRESS) {
    await assertPortFree(cfg.TEMPORAL_PORT, 'TEMPORAL_PORT');
    await assertPortFree(cfg.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');
    const [node, guardArgs] = tsx('scripts/guard.ts');
    const temporal = startService(
      'temporal',
      node,
      [
        ...guardArgs,
        temporalBinary('temporal'),
        'server',
        'start-dev',
        '--db-filename',
        join(dataDir, 'temporal.sqlite'),
        '--ip',
        '127.0.0.1',
        '--port',
        String(cfg.TEMPORAL_PORT),
        '--ui-port',
        String(cfg.TEMPORAL_UI_PORT),
        '--namespace',
        cfg.TEMPORAL_NAMESPACE,
        '--log-level',
        'warn',
        ...searchAttributeCliFlags(),
      ],
      { env, logFile: join(dataDir, 'temporal.log') },
    );
    services.push(temporal);
    temporalUiUrl ??= `http://127.0.0.1:${cfg.TEMPORAL_UI_PORT}`;
    await waitUntil(
      'Temporal dev server accepting connections',
      async () => {
        const c = await Connection.connect({ address: target.address, connectTimeout: 1_000 });
        try {
          await c.withDeadline(Date.now() + 1_000, () => c.workflowService.getSystemInfo({}));
          return true;
        } finally {
          await c.close();
        }
      },
      60_000,
      temporal,
    );
  }
  const connection = await connectTemporal(target);
  try {
    const added = await ensureSearchAttributes(connection, target.namespace);
    if (added.length) say(`search attributes registered: ${added.join(', ')}`);
  } catch (err) {
    say(`could not check the search attributes (${(err as Error).message}); register them with the cluster's operator`);
  } finally {
    await connection.close();
  }

  // Worker and API
  const bundle = await ensureWorkflowBundle();
  const shared: NodeJS.ProcessEnv = {
    ...env,
    ...sourcesEnv,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: target.address,
    WORKFLOW_BUNDLE_PATH: bundle,
    ...(temporalUiUrl ? { TEMPORAL_UI_URL: temporalUiUrl } : {}),
  };
  await assertPortFree(Number(cfg.WORKER_METRICS_ADDRESS.split(':')[1]), 'WORKER_METRICS_ADDRESS');
  const [node, workerArgs] = tsx('worker/main.ts');
  services.push(startService('worker', node, [...workerArgs], { env: shared }));
  await assertPortFree(cfg.API_PORT, 'API_PORT');
  const [, apiArgs] = tsx('api/server.ts');
  const api = startService('api', node, [...apiArgs], { env: shared });
  services.push(api);

  const apiUrl = `http://${cfg.API_HOST}:${cfg.API_PORT}`;
  await waitUntil('API ready', async () => (await fetch(`${apiUrl}/readyz`)).ok, 60_000, api);
  // Art. 39, 63: each city's pay-day loop (the 10th at 09:00), once per city however often the system starts.
  try {
    const cycles = await ensurePaymentCycles({ databaseUrl, target, taskQueue: cfg.TEMPORAL_TASK_QUEUE });
    say(`payment cycles running for ${cycles.length} city agencies (payment-cycle-<code>)`);
  } catch (err) {
    say(`could not start the cities' payment cycles (${(err as Error).message}); restart to try again`);
  }
  // Art. 78: the monitoring rules run daily at 06:00 (a Temporal Schedule, created once).
  try {
    const { scheduleId } = await ensureMonitoringScheduleAt(target, cfg.TEMPORAL_TASK_QUEUE);
    say(`monitoring rules run daily at 06:00 Asia/Shanghai (schedule ${scheduleId})`);
  } catch (err) {
    say(`could not create the monitoring schedule (${(err as Error).message}); restart to try again`);
  }

  // Art. 17, 19, 22, 33: the register compared daily with the shared data at 05:00 (a Temporal Schedule, created once).
  try {
    const { scheduleId } = await ensureRegisterScheduleAt(target, cfg.TEMPORAL_TASK_QUEUE);
    say(`register compared with the shared data daily at 05:00 Asia/Shanghai (schedule ${scheduleId})`);
  } catch (err) {
    say(`could not create the register comparison schedule (${(err as Error).message}); restart to try again`);
  }

  // Art. 49 免申即享: each city's job-retention screening once a year (1 March, a Temporal Schedule, created once).
  try {
    const screenings = await ensureJobRetentionSchedulesAt({ databaseUrl, target, taskQueue: cfg.TEMPORAL_TASK_QUEUE });
    say(
      `job-retention screening yearly on 1 March for ${screenings.length} city agencies (job-retention-screening-<code>)`,
    );
  } catch (err) {
    say(`could not create the job-retention screening schedules (${(err as Error).message}); restart to try again`);
  }
  // Art. 94 工作日历: the daily check warns administrators from 1 November while next year's notice is missing.
  try {
    const { scheduleId } = await ensureCalendarScheduleAt(target, cfg.TEMPORAL_TASK_QUEUE);
    say(`working-day calendar checked daily at 07:00 Asia/Shanghai (schedule ${scheduleId})`);
  } catch (err) {
    say(`could not create the calendar check schedule (${(err as Error).message}); restart to try again`);
  }
  // Art. 23, 24, 27: contribution records pulled from the tax platform hourly, the register's changes pushed to it every
  // minute, tax's whole-month refund requests fetched hourly and answered (Temporal Schedules, created once).
  try {
    const tax = await ensureTaxSchedulesAt(target, cfg.TEMPORAL_TASK_QUEUE);
    say(`contribution records pulled from the tax platform hourly (schedule ${tax.contributionSync.scheduleId})`);
    say(`the register's changes passed to the tax platform every minute (schedule ${tax.taxRegisterPush.scheduleId})`);
    say(`refund requests fetched from the tax platform hourly (schedule ${tax.refundRequestSync.scheduleId})`);
  } catch (err) {
    say(`could not create the tax platform's schedules (${(err as Error).message}); restart to try again`);
  }
  for (const s of services) {
    void s.exited.then((code) => {
      if (shuttingDown) return;
      say(`${s.name} exited unexpectedly (code ${code}); stopping everything`);
      void shutdown(1);
    });
  }

  const pgLine = cfg.DATABASE_URL
    ? 'DATABASE_URL'
    : `postgresql://postgres:***@127.0.0.1:${cfg.PG_PORT}/ui_cases (embedded, ${join(cfg.DATA_DIR, 'pg')})`;
  process.stdout.write(
    [
      '',
      '失业保险经办系统 is running',
      `  API            ${apiUrl}   (docs ${apiUrl}/docs, OpenAPI ${apiUrl}/openapi.json, metrics ${apiUrl}/metrics)`,
      `  Temporal UI    ${temporalUiUrl ?? '(not configured: set TEMPORAL_UI_URL)'}`,
      `  Temporal       ${target.address} (namespace ${target.namespace}, task queue ${cfg.TEMPORAL_TASK_QUEUE})`,
      `  PostgreSQL     ${pgLine}`,
      `  Worker metrics http://${cfg.WORKER_METRICS_ADDRESS}/metrics`,
      `  Simulators     ${cfg.START_SIMULATORS ? `http://127.0.0.1:${cfg.SIMULATOR_PORT} (admin: /admin/persons, /admin/bank/ledger, /admin/sms/outbox)` : 'not started (START_SIMULATORS=false)'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

main().catch(async (err: Error) => {
  process.stderr.write(`[start] ${err.message}\n`);
  await shutdown(1);
});
