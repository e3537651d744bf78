import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrate, withDatabase } from '../../db/migrate';
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
