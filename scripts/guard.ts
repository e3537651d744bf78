/**
 * Runs a command as a child and stops it (SIGTERM, then SIGKILL) when the start command is gone, for binaries that
 * cannot watch their parent themselves (the Temporal dev server). Forwards SIGTERM/SIGINT and exits with the child.
 *
 *   node --import tsx scripts/guard.ts <command> [args...]
 */
import { spawn } from 'node:child_process';
import { exitWithParent } from '../lib/parent-watch';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: guard <command> [args...]');
  process.exit(2);
}
const child = spawn(command, args, { stdio: 'inherit' });
const stop = () => {
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);
exitWithParent(stop);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (err) => {
  console.error(`guard: ${command}: ${err.message}`);
  process.exit(1);
});
