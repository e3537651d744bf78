/**
 * Measure 9 of `npm run bench` (issue 23, "Speed"): a determination reading one person's 10 years of contribution
 * records (Art. 25, 38) among N stored records: the statement of `contributionRecordsOf`, the read that
 * `refreshedContributionsOf` ends with (and all of it when the records are fresh), timed over ≥ 1,000 random persons,
 * with the EXPLAIN (ANALYZE, BUFFERS) of one read and the sizes behind it (index depth, pages), so the paper goal at
 * 100,000,000 records can be argued from the plan (bench/README.md).
 *
 * The rows are generated in PostgreSQL (INSERT … SELECT generate_series), as the feed leaves them: month after month
 * for everyone, so a person's months lie on as many heap pages as there are months (the worst layout for this read,
 * and the real one). Persons have 96-144 months (120 on average) ending in the last two years, with 1-3 employers one
 * after the other; about 3 % of the records were revised by tax (a version 2, the version 1 superseded). The indexes of
 * the table are dropped for the load and built again from their own definitions (pg_indexes), as a restore would.
 */
import type pg from 'pg';
import {
  CONTRIBUTION_RECORDS_SQL,
  TAX_FEED,
  contributionRecordsOf,
  contributionRecordsParams,
  refreshedContributionsOf,
} from '../activities/contributions';
import type { Db } from '../lib/db';

/** The months a person can have records in: 2012-01 (0) to 2026-11 (178). */
const LAST_MONTH = 178;
/** Records per person on average, and the share revised by tax (a superseded version 1 beside the current one). */
const MONTHS_AVERAGE = 120;
const REVISED_EVERY = 33;
/** The index a determination's read must use. */
export const PERSON_INDEX = 'contribution_record_current_person_partial';

export interface ContributionReadBench {
  records: number;
  persons: number;
  revised: number;
  loadSeconds: number;
  indexSeconds: number;
  reads: number;
  rowsPerRead: number;
  readMs: { p50: number; p95: number; max: number };
  /** `refreshedContributionsOf` with the feed read to its end within `freshMs`: the freshness check, then the read. */
  freshReadMs: { p50: number; p95: number; max: number };
  plan: string[];
  indexed: boolean;
  indexLevels: number | null;
  sizesMiB: Record<string, number>;
}

/** A small deterministic generator (mulberry32): the same persons each run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const idOf = (p: number) => `2101021980${String(p).padStart(8, '0')}`;

function stat(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
  return { p50: at(0.5), p95: at(0.95), max: Math.round(s.at(-1)! * 100) / 100 };
}

export async function benchContributionRead(opts: {
  sql: pg.Pool;
  db: Db;
  records: number;
  reads: number;
  progress?: (done: number, total: number) => void;
}): Promise<ContributionReadBench> {
  const { sql, db, records, reads } = opts;
  const progress = opts.progress ?? (() => undefined);
  const persons = Math.max(1, Math.round(records / (MONTHS_AVERAGE * (1 + 1 / REVISED_EVERY))));
  const c = await sql.connect();
  let loadSeconds: number;
  let indexSeconds: number;
  try {
    await c.query('TRUNCATE contribution_record RESTART IDENTITY');
    const indexes = (
      await c.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes
          WHERE tablename = 'contribution_record' AND indexname <> 'contribution_record_pkey'`,
      )
    ).rows;
    for (const i of indexes) await c.query(`DROP INDEX "${i.indexname}"`);
    const t0 = performance.now();
    // The persons: their months (96-144, ending in the last 24), employers (1-3 in turn) and base, from a hash.
    await c.query(
      `CREATE TEMP TABLE bench_person ON COMMIT PRESERVE ROWS AS
       SELECT g AS p, x.h, 96 + x.h % 49 AS len, ${LAST_MONTH} - (x.h / 49) % 24 AS last, 1 + (x.h / 1176) % 3 AS k,
              400000 + (x.h % 97) * 5000 AS base
         FROM generate_series(0, $1::int - 1) AS g, LATERAL (SELECT abs(hashint4(g)) AS h) AS x`,
      [persons],
    );
    const employers = Math.max(1, Math.floor(persons / 20));
    // Month after month, everyone who contributed in it (the feed's order).
    for (let m = 0; m <= LAST_MONTH; m++) {
      await c.query(
        `INSERT INTO contribution_record (id_number, employer_uscc, employer_name, month, base_fen, amount_paid_fen,
           receipt_date, back_payment, source, source_run, tax_seq, version, recorded_at)
         SELECT '2101021980' || lpad(p.p::text, 8, '0'), '91210100MA' || lpad(e.e::text, 7, '0') || 'X',
                '沈阳基准测试有限公司' || e.e, to_char(d.first, 'YYYY-MM'), p.base, p.base / 50,
                (d.first + interval '1 month 14 days')::date, false, 'feed', 'bench-read', NULL, 1, now()
           FROM (SELECT date '2012-01-01' + make_interval(months => $1::int) AS first) AS d, bench_person p,
                LATERAL (SELECT (p.p * 7 + (($1::int - (p.last - p.len + 1)) * p.k / p.len) * 7919) % $2::int AS e) AS e
          WHERE $1::int BETWEEN p.last - p.len + 1 AND p.last
          ORDER BY p.p`,
        [m, employers],
      );
      progress(m + 1, LAST_MONTH + 2);
    }
    // Tax revised about one record in 33: a version 2, the version 1 superseded by it (as storeContributionRecords).
    await c.query(
      `WITH old AS (
         SELECT r.*, nextval(pg_get_serial_sequence('contribution_record', 'id')) AS new_id
           FROM contribution_record r WHERE r.id % ${REVISED_EVERY} = 0
       ), ins AS (
         INSERT INTO contribution_record (id, id_number, employer_uscc, employer_name, month, base_fen, amount_paid_fen,
           receipt_date, back_payment, source, source_run, tax_seq, version, recorded_at)
         SELECT new_id, id_number, employer_uscc, employer_name, month, base_fen + 10000, amount_paid_fen + 200,
                receipt_date, back_payment, source, source_run, tax_seq, 2, now()
           FROM old
       )
       UPDATE contribution_record r SET superseded_by = old.new_id FROM old WHERE r.id = old.id`,
    );
    loadSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await c.query(`SET maintenance_work_mem = '512MB'`);
    for (const i of indexes) await c.query(i.indexdef);
    await c.query('VACUUM ANALYZE contribution_record');
    indexSeconds = (performance.now() - t1) / 1000;
    progress(LAST_MONTH + 2, LAST_MONTH + 2);
  } finally {
    await c.query('DROP TABLE IF EXISTS bench_person').catch(() => undefined);
    c.release();
  }
  const counts = (
    await sql.query<{ n: string; revised: string }>(
      'SELECT count(*) AS n, count(superseded_by) AS revised FROM contribution_record',
    )
  ).rows[0]!;

  // One read explained first, of a person no timed read has warmed.
  const rnd = random(23);
  const plan = (
    await sql.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${CONTRIBUTION_RECORDS_SQL}`,
      contributionRecordsParams(idOf(Math.floor(persons / 2) + 1)),
    )
  ).rows.map((r) => r['QUERY PLAN']);
  const text = plan.join('\n');
  // An Index Scan, or a Bitmap Index Scan whose heap pages are then read in their order: either way on the index.
  const indexed =
    !/Seq Scan on contribution_record/.test(text) &&
    new RegExp(`(Index Scan using|Index Only Scan using|Bitmap Index Scan on) ${PERSON_INDEX}\\b`).test(text);
  if (!indexed) throw new Error(`a determination's read does not use ${PERSON_INDEX}:\n${text}`);

  // ≥ 1,000 reads of random persons: the function itself (through Prisma's pool), then the fresh path.
  const readMs: number[] = [];
  let rows = 0;
  for (let k = 0; k < reads; k++) {
    const id = idOf(Math.floor(rnd() * persons));
    const t = performance.now();
    const got = await contributionRecordsOf(db, id);
    readMs.push(performance.now() - t);
    if (got.length < 96 || got.some((r) => !r.current)) throw new Error(`${got.length} records read for a person`);
    rows += got.length;
  }
  await sql.query(
    `INSERT INTO contribution_sync_state (feed, cursor, drained_at, updated_at) VALUES ($1, 0, now(), now())
     ON CONFLICT (feed) DO UPDATE SET drained_at = now()`,
    [TAX_FEED],
  );
  const tax = {
    getPersonContributions: () => Promise.reject(new Error('the records are fresh: tax is not asked')),
  };
  const freshMs: number[] = [];
  for (let k = 0; k < reads; k++) {
    const id = idOf(Math.floor(rnd() * persons));
    const t = performance.now();
    await refreshedContributionsOf({ db, tax, freshMs: 3_600_000 }, id, 'bench-read');
    freshMs.push(performance.now() - t);
  }

  // The sizes behind the plan: pages of the table and its indexes, the levels of the person index.
  const sizes = await sql.query<{ name: string; mib: string }>(
    `SELECT c.relname AS name, round(pg_relation_size(c.oid) / 1048576.0, 1) AS mib
       FROM pg_class c WHERE c.relname = 'contribution_record'
        OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'contribution_record'::regclass)
      ORDER BY c.relname`,
  );
  let indexLevels: number | null = null;
  try {
    await sql.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
    const meta = await sql.query<{ level: string }>('SELECT level FROM bt_metap($1)', [PERSON_INDEX]);
    indexLevels = Number(meta.rows[0]!.level) + 1;
  } catch {
    // pageinspect is a contrib module; without it the depth is left out (the sizes still tell it).
  }
  return {
    records: Number(counts.n),
    persons,
    revised: Number(counts.revised),
    loadSeconds: Math.round(loadSeconds * 10) / 10,
    indexSeconds: Math.round(indexSeconds * 10) / 10,
    reads,
    rowsPerRead: Math.round((rows / reads) * 10) / 10,
    readMs: stat(readMs),
    freshReadMs: stat(freshMs),
    plan,
    indexed,
    indexLevels,
    sizesMiB: Object.fromEntries(sizes.rows.map((r) => [r.name, Number(r.mib)])),
  };
}
