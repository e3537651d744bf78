/**
 * The migrations and prisma/schema/*.prisma cannot drift: the database the migration runner builds is compared with the
 * model Prisma generates from those files (its DMMF): tables, columns, types, nullability, defaults, primary keys,
 * unique and plain indexes, foreign keys with their actions. Also the runner's own guarantees.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getDMMF } from '@prisma/get-dmmf';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { MIGRATIONS_DIR, migrate, readMigrations, withDatabase } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/db';

type Dmmf = Extract<Awaited<ReturnType<typeof getDMMF>>, { datamodel: unknown }>;
let dmmf: Dmmf;
let tdb: TestDatabase;

beforeAll(async () => {
  const dir = join(MIGRATIONS_DIR, '..', 'schema');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.prisma'))
    .map((f): [string, string] => [f, readFileSync(join(dir, f), 'utf8')]);
  const result = await getDMMF({ datamodel: files });
  if (!('datamodel' in result)) throw new Error(`prisma/schema does not parse: ${JSON.stringify(result)}`);
  dmmf = result;
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

/** information_schema's name for the column type Prisma would create. */
function expectedType(field: Dmmf['datamodel']['models'][number]['fields'][number]): string {
  const [native, args] = (field.nativeType as [string, string[]] | null | undefined) ?? [undefined, []];
  if (field.isList) {
    // A scalar list is a PostgreSQL array; information_schema names its element type by udt_name.
    const element = { String: '_text', Int: '_int4', BigInt: '_int8', Boolean: '_bool' }[field.type as string];
    return `ARRAY(${field.type === 'DateTime' && native === 'Date' ? '_date' : element})`;
  }
  switch (field.type) {
    case 'String':
      if (native === 'Uuid') return 'uuid';
      if (native === 'Char') return 'character';
      return native === 'VarChar' ? `character varying(${args[0]})` : 'text';
    case 'DateTime':
      if (native === 'Date') return 'date';
      return native === 'Timestamptz'
        ? `timestamp with time zone(${args[0] ?? 3})`
        : `timestamp without time zone(${args[0] ?? 3})`;
    case 'BigInt':
      return 'bigint';
    case 'Int':
      return 'integer';
    case 'Boolean':
      return 'boolean';
    case 'Json':
      return 'jsonb';
    case 'Bytes':
      return 'bytea';
    case 'Decimal':
      return `numeric(${args.join(',')})`;
    default:
      throw new Error(`add a mapping for ${field.type}`);
  }
}

const ACTION: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  SetNull: 'SET NULL',
  NoAction: 'NO ACTION',
  SetDefault: 'SET DEFAULT',
};

describe('prisma/schema and the migrations', () => {
  it('agree on every table, column, type, nullability and default', async () => {
    const models = dmmf.datamodel.models;
    const tables = await tdb.sql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual(models.map((m) => m.dbName ?? m.name).sort());

    for (const model of models) {
      const table = model.dbName ?? model.name;
      const cols = await tdb.sql<{
        column_name: string;
        type: string;
        is_nullable: string;
        column_default: string | null;
      }>(
        `SELECT column_name, is_nullable, column_default,
                CASE WHEN data_type = 'ARRAY' THEN 'ARRAY(' || udt_name || ')'
                     WHEN data_type = 'character varying' THEN 'character varying(' || character_maximum_length || ')'
                     WHEN data_type LIKE 'timestamp%' THEN data_type || '(' || datetime_precision || ')'
                     WHEN data_type = 'numeric' THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')'
                     ELSE data_type END AS type
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY column_name`,
        [table],
      );
      const scalars = model.fields.filter((f) => f.kind === 'scalar');
      const expected = scalars
        .map((f) => ({
          column_name: f.dbName ?? f.name,
          type: expectedType(f),
          // Prisma creates scalar-list columns without NOT NULL.
          is_nullable: f.isRequired && !f.isList ? 'NO' : 'YES',
          has_default: f.hasDefaultValue,
        }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      const actual = cols.map((c) => ({
        column_name: c.column_name,
        type: c.type,
        is_nullable: c.is_nullable,
        has_default: c.column_default !== null,
      }));
      expect(actual, `columns of ${table}`).toEqual(expected);
    }
  });

  it('agree on primary keys, unique and plain indexes', async () => {
    const column = (model: string, field: string) => {
      const m = dmmf.datamodel.models.find((x) => x.name === model)!;
      const f = m.fields.find((x) => x.name === field)!;
      return f.dbName ?? f.name;
    };
    const table = (model: string) => {
      const m = dmmf.datamodel.models.find((x) => x.name === model)!;
      return m.dbName ?? m.name;
    };
    const expected = dmmf.datamodel.indexes
      .map((ix) => ({
        table: table(ix.model),
        kind: ix.type === 'id' ? 'primary' : ix.type === 'unique' ? 'unique' : 'index',
        columns: ix.fields.map((f) => column(ix.model, f.name)).join(','),
      }))
      .sort((a, b) => `${a.table}${a.columns}${a.kind}`.localeCompare(`${b.table}${b.columns}${b.kind}`));
    const rows = await tdb.sql<{ table: string; kind: string; columns: string }>(
      `SELECT t.relname AS table,
              CASE WHEN ix.indisprimary THEN 'primary' WHEN ix.indisunique THEN 'unique' ELSE 'index' END AS kind,
              string_agg(a.attname, ',' ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
          -- Partial indexes (... WHERE status = 'paid') cannot be modelled in Prisma: the migrations write them by hand
          -- and name them *_partial (payable_paid_once_partial, Art. 39: nobody paid twice); they are not compared.
          AND i.relname NOT LIKE '%\\_partial'
        GROUP BY t.relname, i.relname, ix.indisprimary, ix.indisunique`,
    );
    const actual = rows.sort((a, b) =>
      `${a.table}${a.columns}${a.kind}`.localeCompare(`${b.table}${b.columns}${b.kind}`),
    );
    expect(actual).toEqual(expected);
  });

  it('agree on foreign keys and their delete actions', async () => {
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === 'object' && f.relationFromFields?.length)
          .map((f) => {
            const target = dmmf.datamodel.models.find((x) => x.name === f.type)!;
            const col = (model: typeof m, name: string) => {
              const field = model.fields.find((x) => x.name === name)!;
              return field.dbName ?? field.name;
            };
            return {
              table: m.dbName ?? m.name,
              columns: f.relationFromFields!.map((n) => col(m, n)).join(','),
              target: target.dbName ?? target.name,
              target_columns: f.relationToFields!.map((n) => col(target, n)).join(','),
              on_delete: ACTION[f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull')],
            };
          }),
      )
      .sort((a, b) => `${a.table}|${a.columns}`.localeCompare(`${b.table}|${b.columns}`));
    const rows = await tdb.sql(
      `SELECT tc.table_name AS table, string_agg(DISTINCT kcu.column_name, ',') AS columns,
              ccu.table_name AS target, string_agg(DISTINCT ccu.column_name, ',') AS target_columns, rc.delete_rule AS on_delete
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
         JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name
        WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
        GROUP BY tc.table_name, tc.constraint_name, ccu.table_name, rc.delete_rule
`,
    );
    const key = (r: Record<string, unknown>) => `${String(r.table)}|${String(r.columns)}`;
    expect(rows.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected);
  });
});

describe('the migration runner', () => {
  async function scratchDatabase() {
    const adminUrl = inject('pgAdminUrl');
    const name = `m_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return {
      url: withDatabase(adminUrl, name),
      drop: async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }

  it('applies each migration once and records it as Prisma does (name, SHA-256 checksum, finished)', async () => {
    const scratch = await scratchDatabase();
    try {
      const all = readMigrations();
      expect(await migrate(scratch.url)).toEqual(all.map((m) => m.name));
      expect(await migrate(scratch.url)).toEqual([]);
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      const { rows } = await c.query(
        'SELECT migration_name, checksum, finished_at IS NOT NULL AS done, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      await c.end();
      expect(rows).toEqual(
        all.map((m) => ({ migration_name: m.name, checksum: m.checksum, done: true, applied_steps_count: 1 })),
      );
    } finally {
      await scratch.drop();
    }
  });

  it('refuses a migration edited after it was applied, and rolls back a failing one whole', async () => {
    const scratch = await scratchDatabase();
    try {
      const all = readMigrations();
      await migrate(scratch.url, all.slice(0, 1));
      const edited = [{ ...all[0]!, sql: `${all[0]!.sql}\n-- edited`, checksum: 'x'.repeat(64) }];
      await expect(migrate(scratch.url, edited)).rejects.toThrow(/edited after it was applied/);

      const broken = {
        name: '29990101000000_broken',
        sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();',
        checksum: 'y'.repeat(64),
      };
      await expect(migrate(scratch.url, [all[0]!, broken])).rejects.toThrow(/29990101000000_broken failed/);
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      const half = await c.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
      const recorded = await c.query("SELECT 1 FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'");
      await c.end();
      expect(half.rowCount).toBe(0);
      expect(recorded.rowCount).toBe(0);
    } finally {
      await scratch.drop();
    }
  });

  it('seeds the provincial agency and the 14 city agencies of Liaoning (Art. 5, 39)', async () => {
    const rows = await tdb.sql<{ level: string; n: number }>(
      'SELECT level, count(*)::int AS n FROM agency GROUP BY level ORDER BY level',
    );
    expect(rows).toEqual([
      { level: 'city', n: 14 },
      { level: 'province', n: 1 },
    ]);
  });
});
