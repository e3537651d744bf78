/**
 * Child processes of the start command: each service runs in its own process group (so Ctrl-C reaches only the
 * start command, which then stops them in order), writes to the console or to its log file, and stopping waits for
 * the process to exit (SIGTERM, then SIGKILL after a grace period). Readiness is probed, not read from output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';

export interface Service {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Where its output goes, when not to the console. */
  logFile?: string;
  stop(graceMs?: number): Promise<void>;
}

export function startService(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; logFile?: string; cwd?: string },
): Service {
  // The child writes straight to the console (or its log file), never through a pipe of ours: if this process dies,
  // a pipe would break under the child and stall its logging (and its shutdown) instead of letting it finish.
  const out = opts.logFile ? openSync(opts.logFile, 'a') : 'inherit';
  const child = spawn(command, args, {
    cwd: opts.cwd,
    // Children stop themselves if this process dies without stopping them (lib/parent-watch.ts).
    env: { ...(opts.env ?? process.env), UI_PARENT_PID: String(process.pid) },
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopping: Promise<void> | undefined;
  return {
    name,
    child,
    exited,
    logFile: opts.logFile,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Polls `probe` until it resolves true; rejects after `timeoutMs` or when the service exits. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  service?: Service,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service?.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service!.name} exited before ${what}${logTail(service!.logFile)}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/** The last lines of a service's log file, to say why it stopped. */
function logTail(file: string | undefined, lines = 15): string {
  if (!file || !existsSync(file)) return '';
  const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `; the end of ${file}:\n${tail}`;
}

/** True when something already listens on host:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
