/**
 * The read model's database client: Prisma 7 over the `pg` driver adapter. One pool per process, shared by Prisma and
 * the few hot reads that go to SQL directly (`sqlOf`).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type Db = PrismaClient;

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(databaseUrl: string, opts: { poolMax?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolMax ?? 10,
    connectionTimeoutMillis: 5_000,
    // A statement that hangs (server stopped mid-query) fails instead of holding a request forever.
    statement_timeout: 30_000,
    application_name: 'ui-cases',
  });
  // An idle connection the server dropped is replaced at the next query; it must not take the process down (Prisma
  // listens only once it has connected, and the SQL reads may come first).
  pool.on('error', () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The `pg` pool under a client made by `createDb`, for the reads on every request that Prisma made too costly (issue
 * 11, measure 3: the session lookup and the worklist). Parameters always go as values, never into the text.
 */
export function sqlOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('sqlOf: this client was not made by createDb');
  return pool;
}

/** A business date 'YYYY-MM-DD' as the value of a PostgreSQL DATE column through Prisma (midnight UTC). */
export function dbDate(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** A DATE column's value back as 'YYYY-MM-DD'. */
export function isoDate(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** Any value as Prisma JSON input (dropping what JSON cannot carry). */
export function asJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? {})) as Prisma.InputJsonValue;
}

/** `SELECT 1` with a deadline: for readiness checks. */
export async function pingDb(db: Db, timeoutMs: number): Promise<void> {
  await withTimeout(db.$queryRaw`SELECT 1`, timeoutMs, 'PostgreSQL did not answer');
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
