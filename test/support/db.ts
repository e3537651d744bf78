import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrate, readMigrations, withDatabase } from '../../db/migrate';
import { createDb, type Db } from '../../lib/db';

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  /** Raw SQL against this database (for assertions independent of Prisma). */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, cloned from the migrated template (fast: a file copy on the server). On a
 * server of the test's own (`adminUrl`, the restart tests of issue 12) the database is created and migrated instead.
 */
export async function createTestDatabase(opts: { adminUrl?: string } = {}): Promise<TestDatabase> {
  const adminUrl = opts.adminUrl ?? inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${opts.adminUrl ? '' : ` TEMPLATE ${inject('templateDatabase')}`}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  if (opts.adminUrl) await migrate(url);
  const db = createDb(url, { poolMax: 5 });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // A server restarted under the test closes idle connections: the pool drops them (and must not crash the file).
  pool.on('error', () => undefined);
  return {
    name,
    url,
    db,
    async sql(text, values) {
      return (await pool.query(text, values)).rows;
    },
    async drop() {
      await db.$disconnect();
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A database of its own migrated up to (not including) `migration`, for a test of what that migration does to the rows
 * an earlier version wrote; `client` runs SQL on it, `migrateThrough` applies `migration` (and those before), `drop` ends
 * it.
 */
export async function scratchDatabaseBefore(migration: string): Promise<{
  client: pg.Client;
  migrateThrough(): Promise<void>;
  drop(): Promise<void>;
}> {
  const adminUrl = inject('pgAdminUrl');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `m_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  await migrate(
    url,
    readMigrations().filter((m) => m.name < migration),
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    client,
    async migrateThrough() {
      await migrate(
        url,
        readMigrations().filter((m) => m.name <= migration),
      );
    },
    async drop() {
      await client.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
