/**
 * The README's start command, as a user runs it: on embedded defaults it brings the whole system up, a claim goes in
 * and is found in the API and in `temporal workflow list`, the README's walk-through (scripts/walkthrough.sh) takes an
 * eligible person's claim to the bank twice, Ctrl-C stops everything, and a second start finds the case again
 * (Temporal SQLite and embedded PostgreSQL in the data folder).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { portInUse } from '../../scripts/services';
import { temporalBinary } from '../../scripts/temporal-bin';
import { claimBody } from '../support/fixtures';
import { freePort } from '../support/ports';
import { eventually } from '../support/wait';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Runs the README's walk-through as a user does (`scripts/walkthrough.sh`), against the given start. */
function walkthrough(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile('bash', ['scripts/walkthrough.sh'], { cwd: ROOT, env, timeout: 240_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, out: `${stdout}${stderr}` });
    });
  });
}
const dataDir = mkdtempSync(join(tmpdir(), 'ui-cases-start-'));
chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as the postgres user when the test runs as root
const running: ChildProcess[] = [];

afterAll(async () => {
  // Ctrl-C first, so the start command stops its children; they also stop by themselves if it is gone.
  for (const p of running) if (p.exitCode === null) p.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 3_000));
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'WORKFLOW_BUNDLE_PATH', 'NODE_OPTIONS'])
    delete env[k];
  return env;
}

function start(env: NodeJS.ProcessEnv): {
  proc: ChildProcess;
  output: () => string;
  ready: Promise<void>;
  exit: Promise<number | null>;
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(proc);
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = new Promise<void>((resolveReady, reject) => {
    const check = () => {
      if (out.includes('Press Ctrl-C to stop.')) resolveReady();
      else if (proc.exitCode !== null) reject(new Error(`start exited with ${proc.exitCode}:\n${out}`));
      else setTimeout(check, 200);
    };
    check();
  });
  ready.catch(() => undefined); // awaited by the tests that expect a start; others look at exit
  return { proc, output: () => out, ready, exit };
}

describe('the start command (README)', () => {
  it('refuses a bad configuration with one line naming the variable', async () => {
    const s = start(baseEnv({ API_PORT: 'eighty', DATA_DIR: dataDir }));
    expect(await s.exit).toBe(2);
    expect(s.output().trim()).toBe('Invalid configuration: API_PORT: must be a port number (1-65535) (got "eighty")');
    expect(s.output().trim().split('\n')).toHaveLength(1);
  });

  it('starts everything, takes a claim, runs the README walk-through to the bank twice (Art. 34-39, 63), stops on Ctrl-C, and finds the case again after a restart', async () => {
    const ports = {
      api: await freePort(),
      temporal: await freePort(),
      ui: await freePort(),
      pg: await freePort(),
      metrics: await freePort(),
      simulators: await freePort(),
    };
    const env = baseEnv({
      DATA_DIR: dataDir,
      API_PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      PG_PORT: String(ports.pg),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
      SIMULATOR_PORT: String(ports.simulators),
      LOG_LEVEL: 'warn',
    });
    const api = `http://127.0.0.1:${ports.api}`;
    const temporalList = () =>
      execFileSync(
        temporalBinary('temporal'),
        ['workflow', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--output', 'json'],
        { encoding: 'utf8' },
      );

    const first = start(env);
    await first.ready;
    expect(first.output()).toContain(`API            ${api}`);
    expect(first.output()).toContain(`Temporal UI    http://127.0.0.1:${ports.ui}`);

    expect((await fetch(`http://127.0.0.1:${ports.simulators}/healthz`)).status).toBe(200);
    // The first administrator, with the generated password shown once and kept in the data folder.
    const password = readFileSync(join(dataDir, 'admin-password.txt'), 'utf8').trim();
    expect(first.output()).toContain(password);
    const admin = await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password, mode: 'bearer' }),
    });
    expect(admin.status).toBe(200);
    const adminAuth = {
      'content-type': 'application/json',
      authorization: `Bearer ${((await admin.json()) as { token: string }).token}`,
    };
    // The online service platform's account and token, as the README shows.
    const account = await fetch(`${api}/admin/users`, {
      method: 'POST',
      headers: adminAuth,
      body: JSON.stringify({
        username: 'gov-app',
        displayName: '网上服务平台',
        agencyCode: '210000',
        roles: ['online_channel'],
        password: 'a service account password',
      }),
    });
    expect(account.status).toBe(201);
    const { id } = (await account.json()) as { id: string };
    const issued = await fetch(`${api}/admin/users/${id}/tokens`, {
      method: 'POST',
      headers: adminAuth,
      body: JSON.stringify({ days: 30, reason: 'system test' }),
    });
    const channel = {
      'content-type': 'application/json',
      authorization: `Bearer ${((await issued.json()) as { token: string }).token}`,
    };

    const created = await fetch(`${api}/claims`, {
      method: 'POST',
      headers: channel,
      body: JSON.stringify(claimBody()),
    });
    expect(created.status).toBe(201);
    const { caseNumber } = (await created.json()) as { caseNumber: string };
    expect((await fetch(`${api}/cases/${caseNumber}`, { headers: adminAuth })).status).toBe(200);
    // The worker goes on with the case (the automatic acceptance check); the status it comes to rest at must survive
    // the restart. This applicant is unknown to the simulated sources: materials are asked for (Art. 37).
    const statusNow = async () =>
      ((await (await fetch(`${api}/cases/${caseNumber}`, { headers: adminAuth })).json()) as { status: string }).status;
    const settled = await eventually(statusNow, (s) => s !== 'received' && s !== 'awaiting_acceptance', 300);
    expect(settled).toBe('awaiting_materials');
    expect(temporalList()).toContain(caseNumber);
    // The cities' standing jobs: the pay-day loops (Art. 39, 63), the daily monitoring rules (Art. 78) and the yearly
    // job-retention screening, granted without application (Art. 49 免申即享), one schedule per city.
    const schedules = execFileSync(
      temporalBinary('temporal'),
      ['schedule', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--output', 'json'],
      { encoding: 'utf8' },
    );
    expect(schedules).toContain('job-retention-screening-210100');
    expect(schedules).toContain('monitoring-daily');
    expect(temporalList()).toContain('payment-cycle-210100');
    expect(first.output()).toMatch(/job-retention screening yearly on 1 March for \d+ city agencies/);
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
    const workerMetrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    expect(workerMetrics).toMatch(/temporal_workflow_task_schedule_to_start_latency|temporal_request/);

    // The README's walk-through (Art. 34-39, 63): an eligible seeded person's claim through acceptance, the review
    // route, approval and the period to a payment at the bank simulator and the approval SMS; run again, it reuses
    // the accounts (gov-app exists already: made above) and files for another person.
    const sim = `http://127.0.0.1:${ports.simulators}`;
    const walkEnv = { ...env, API: api, SIM: sim };
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('```sh\nscripts/walkthrough.sh\n```');
    const cases: string[] = [];
    for (const run of [1, 2]) {
      const w = await walkthrough(walkEnv);
      expect(w.code, `walk-through run ${run}:\n${w.out}`).toBe(0);
      const caseNumber = /^CASE=(\S+)$/m.exec(w.out)?.[1];
      expect(caseNumber, w.out).toMatch(/^SYJ-\d{4}-210100-/);
      expect(w.out).toMatch(/✓ \[7 review\] (no review \(Art\. 11 免复审\)|claim_approve completed)/);
      cases.push(caseNumber!);
    }
    expect(new Set(cases).size).toBe(2);
    const ledger = (await (await fetch(`${sim}/admin/bank/ledger`)).json()) as {
      payments: { paymentId: string; result: string; amountFen: number }[];
    };
    const outbox = (await (await fetch(`${sim}/admin/sms/outbox`)).json()) as { messages: { text: string }[] };
    for (const c of cases) {
      const view = (await (await fetch(`${api}/cases/${c}`, { headers: adminAuth })).json()) as {
        benefit: { periodDetail: { monthlyAmountFen: number; monthsPaid: number } };
      };
      const paid = ledger.payments.filter((p) => p.paymentId.startsWith(`${c}.P.`) && p.result === 'paid');
      expect(paid.map((p) => p.amountFen)).toEqual([view.benefit.periodDetail.monthlyAmountFen]);
      expect(view.benefit.periodDetail.monthsPaid).toBe(1);
      expect(outbox.messages.filter((m) => m.text.includes(c) && m.text.includes('已核定'))).toHaveLength(1);
    }
    const users = (await (await fetch(`${api}/admin/users`, { headers: adminAuth })).json()) as {
      users: { username: string }[];
    };
    expect(users.users.filter((u) => u.username === 'gov-app')).toHaveLength(1);
    // A failed request stops it with a non-zero exit naming the step.
    const refused = await walkthrough({ ...walkEnv, ADMIN_PASSWORD: 'not the password' });
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('✗ [1 sign in] POST');

    first.proc.kill('SIGINT');
    expect(await first.exit).toBe(0);
    for (const port of Object.values(ports)) expect(await portInUse(port)).toBe(false);

    const second = start(env);
    await second.ready;
    expect(second.output()).toContain('database schema is up to date');
    const again = await fetch(`${api}/cases/${caseNumber}`, { headers: adminAuth });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe(settled);
    expect(temporalList()).toContain(caseNumber);
    expect(second.output()).not.toContain('first administrator created');
    second.proc.kill('SIGINT');
    expect(await second.exit).toBe(0);

    // Killed outright, the start command cannot stop its children: they notice and stop by themselves.
    const third = start(env);
    await third.ready;
    third.proc.kill('SIGKILL');
    await third.exit;
    const deadline = Date.now() + 30_000;
    let stillListening: number[] = Object.values(ports);
    while (stillListening.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      stillListening = (
        await Promise.all(Object.values(ports).map(async (p) => ((await portInUse(p)) ? p : 0)))
      ).filter(Boolean);
    }
    expect(stillListening).toEqual([]);
  }, 600_000);
});
