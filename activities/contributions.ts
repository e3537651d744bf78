/**
 * Contribution records kept by the agency (Art. 23-25): the store, the sync from the tax platform's feed, the
 * reconciliation against its totals, and the one reader every other part uses (`contributionRecordsOf`).
 *
 * - Records: one per person, employer and contribution month (domain/contributions.ts), never edited in place: a
 *   record that tax sends changed becomes a new version, the old one names it (`superseded_by`). Written in bulk by one
 *   statement per page (INSERT … SELECT FROM unnest(...)): bench/contributions.ts measures it against COPY.
 * - Sync (Art. 23, 24): workflows/contribution-sync.ts pages through the feed; the cursor lives in PostgreSQL and moves
 *   in the same transaction as the page's records, so a retried or overlapping run stores nothing twice and a stopped
 *   run resumes where it stopped. Garbled rows are listed for a clerk and fetched again by later runs.
 * - Readers (Art. 38): a claim, a determination, a subsidy review pull the person's records through the per-person
 *   query when they are not synced (`freshMs`), store them the same way, and read them back from the store, so what a
 *   clerk sees is what the determination used. Workflows get counts and cursors, never records.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type pg from 'pg';
import {
  latestPerKey,
  reconcile,
  receiptFollowsMonth,
  type ContributionRecordRow,
  type EmployerMonthTotals,
} from '../domain/contributions';
import type { SourceClients } from '../integrations/config';
import {
  CONTRIBUTION_TOTALS_MAX,
  contributionChangeSchema,
  type ContributionRecord,
  type PersonContributions,
  type TaxClient,
} from '../integrations/tax';
import type { CallOptions } from '../integrations/http';
import { asJson, sqlOf, type Db } from '../lib/db';
import { openCase } from '../lib/case-store';
import { recordCaseEvent } from '../lib/case-events';
import { audit } from '../lib/audit';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';
import type { ContributionReconciliationForm } from '../domain/forms';
import { callOptions, guarded } from './source-call';

/** The feed's name in contribution_sync_state. */
export const TAX_FEED = 'tax-contributions';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface StoreResult {
  received: number;
  inserted: number;
  revised: number;
}

/** The columns a version of a record is written with (besides id, version and recorded_at). */
const RECORD_COLUMNS = `id_number, person_number, employer_uscc, employer_name, month, base_fen, amount_paid_fen,
                   receipt_date, back_payment, source, source_run, tax_seq`;

/**
 * Art. 24: stores records as tax passed them on: a new key is version 1; a key whose current version differs is a new
 * version (an item older than the kept one, by the platform's sequence number, is stale and left); an identical one is
 * left as it is. With `touchRun`, the employer-months are queued for reconciliation. Two statements at most per page,
 * each over the whole page (unnest), the second only when some keys were kept already.
 */
export async function storeContributionRecords(
  q: Queryable,
  input: readonly ContributionRecordRow[],
  meta: { source: 'feed' | 'person_pull' | 'back_payment'; sourceRun: string; touchRun?: string },
): Promise<StoreResult> {
  const rows = latestPerKey(input);
  if (rows.length === 0) return { received: 0, inserted: 0, revised: 0 };
  const params = [
    rows.map((x) => x.idNumber),
    rows.map((x) => x.employerUscc),
    rows.map((x) => x.employerName),
    rows.map((x) => x.month),
    rows.map((x) => x.baseFen),
    rows.map((x) => x.amountPaidFen),
    rows.map((x) => x.receiptDate),
    rows.map((x) => x.backPayment),
    rows.map((x) => x.taxSeq),
    meta.source,
    meta.sourceRun,
  ];
  const incoming = `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],
                                       $7::date[], $8::boolean[], $9::bigint[])
         AS t(id_number, employer_uscc, employer_name, month, base_fen, amount_paid_fen, receipt_date, back_payment,
              tax_seq)`;
  const columns = RECORD_COLUMNS;
  // 1. Keys not kept yet: version 1, in one statement against the index of current versions.
  const first = await q.query<{ inserted: number }>(
    `WITH i AS (${incoming}), ins AS (
       INSERT INTO contribution_record (${columns}, version, recorded_at)
       -- The register's person number, one probe of its unique ID number index per row: as a join, the planner
       -- hashed the whole register for each page (a seq scan of every insured person: half the import's speed at
       -- 250,000 persons, bench measure 8).
       SELECT i.id_number, (SELECT p.person_number FROM insured_person p WHERE p.id_number = i.id_number),
              i.employer_uscc, i.employer_name, i.month, i.base_fen, i.amount_paid_fen, i.receipt_date, i.back_payment,
              $10::text, $11::text, i.tax_seq, 1, now()
         FROM i
       ON CONFLICT (id_number, month, employer_uscc) WHERE superseded_by IS NULL DO NOTHING
       RETURNING 1
     ) SELECT count(*)::int AS inserted FROM ins`,
    params,
  );
  const inserted = first.rows[0]!.inserted;
  if (meta.touchRun) {
    await q.query(
      `INSERT INTO contribution_sync_touched (employer_uscc, month, run_id)
       SELECT DISTINCT u, m, $3::text FROM unnest($1::text[], $2::text[]) AS t(u, m) ON CONFLICT DO NOTHING`,
      [params[1], params[3], meta.touchRun],
    );
  }
  if (inserted === rows.length) return { received: rows.length, inserted, revised: 0 };
  // 2. Keys kept already: a record that differs is a new version, the current one superseded by it in the same
  // statement; an identical one, or one older than the kept one (the platform's sequence number), is left.
  const second = await q.query<{ revised: number }>(
    `WITH i AS (${incoming}), todo AS (
       SELECT i.*, c.id AS old_id, c.version + 1 AS version, c.person_number,
              nextval(pg_get_serial_sequence('contribution_record', 'id')) AS new_id
         FROM i CROSS JOIN LATERAL (
                -- Each key looked up in the index of current versions (LIMIT 1 keeps the planner from flattening it
                -- into a merge join over a whole employer's index: seconds per page).
                SELECT * FROM contribution_record r
                 WHERE r.id_number = i.id_number AND r.month = i.month AND r.employer_uscc = i.employer_uscc
                   AND r.superseded_by IS NULL
                 LIMIT 1
              ) c
        -- Art. 28: a version a correction wrote is the agency's decision on three levels: tax sending the record as it
        -- had it before does not undo it (a later correction does).
        WHERE c.source <> 'correction'
          AND (i.tax_seq IS NULL OR c.tax_seq IS NULL OR i.tax_seq > c.tax_seq)
          AND (i.employer_name, i.base_fen, i.amount_paid_fen, i.receipt_date, i.back_payment)
              IS DISTINCT FROM (c.employer_name, c.base_fen, c.amount_paid_fen, c.receipt_date, c.back_payment)
     ), sup AS (
       UPDATE contribution_record r SET superseded_by = todo.new_id FROM todo
        WHERE r.id = todo.old_id AND r.superseded_by IS NULL
       RETURNING todo.*
     ), ins AS (
       INSERT INTO contribution_record (id, ${columns}, version, recorded_at)
       SELECT new_id, id_number, person_number, employer_uscc, employer_name, month, base_fen, amount_paid_fen,
              receipt_date, back_payment, $10::text, $11::text, tax_seq, version, now()
         FROM sup
       RETURNING 1
     ) SELECT count(*)::int AS revised FROM ins`,
    params,
  );
  return { received: rows.length, inserted, revised: second.rows[0]!.revised };
}

/** What the correction's writer needs of a connection: a pg client, or a Prisma transaction (`sqlRunnerOf`). */
export interface SqlRunner {
  query<R>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

/** A Prisma interactive transaction as a SqlRunner: the correction is written with the case's audit entry. */
export const sqlRunnerOf = (tx: {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}): SqlRunner => ({
  async query<R>(text: string, values: unknown[]) {
    return { rows: await tx.$queryRawUnsafe<R[]>(text, ...values) };
  },
});

/** A correction to write (Art. 28): the record's key, the values after it, and the version it was asked against. */
export interface CorrectedContribution {
  caseNumber: string;
  idNumber: string;
  kind: 'create' | 'amend';
  month: string;
  employerUscc: string;
  newEmployerUscc: string;
  newEmployerName: string;
  baseFen: number;
  amountPaidFen: number;
  receiptDate: string;
  /** amend: the version the application showed (null: the current one, whichever it is). */
  expectedVersion: number | null;
}

export type CorrectionWrite =
  { ok: true; recordId: string; version: number; supersededId: string | null } | { ok: false; conflict: string };

/**
 * Art. 28: the one writer of a correction: a NEW version of the person's record (source `correction`, source run the
 * case number), never an edit in place. An amended record's current version is superseded by it in the same
 * statement (kept, shown in the record's history); a created month must have no current record with the employer.
 * Written with the store's columns. On a client in a transaction (the caller's, with its audit entry); a record that
 * changed since the application (another version, or the month now recorded) writes nothing: a conflict.
 */
export async function storeCorrectedContribution(q: SqlRunner, c: CorrectedContribution): Promise<CorrectionWrite> {
  // Both keys locked for the transaction: two corrections of one record never both supersede it.
  await q.query(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS l`, [
    `${c.idNumber}/${c.month}`,
  ]);
  const current = await q.query<{ id: string; version: number; employer_uscc: string; back_payment: boolean }>(
    `SELECT id::text AS id, version, employer_uscc, back_payment FROM contribution_record
      WHERE id_number = $1 AND month = $2 AND employer_uscc = ANY($3::text[]) AND superseded_by IS NULL`,
    [c.idNumber, c.month, [c.employerUscc, c.newEmployerUscc]],
  );
  const old = current.rows.find((r) => r.employer_uscc === c.employerUscc) ?? null;
  const atNew =
    c.newEmployerUscc !== c.employerUscc ? current.rows.find((r) => r.employer_uscc === c.newEmployerUscc) : undefined;
  if (c.kind === 'create' && old) return { ok: false, conflict: '该月份已有此单位的缴费记录' };
  if (c.kind === 'amend' && !old) return { ok: false, conflict: '该月份没有此单位的缴费记录' };
  if (c.kind === 'amend' && c.expectedVersion !== null && old!.version !== c.expectedVersion)
    return { ok: false, conflict: '申请后缴费记录已有新版本，请重新申请' };
  if (atNew) return { ok: false, conflict: '该月份已有新单位的缴费记录' };
  const prior = await q.query<{ v: number }>(
    `SELECT coalesce(max(version), 0)::int AS v FROM contribution_record
      WHERE id_number = $1 AND month = $2 AND employer_uscc = $3`,
    [c.idNumber, c.month, c.newEmployerUscc],
  );
  const version = prior.rows[0]!.v + 1;
  // The new version's ID first: the current one names it before the new one becomes current (one current per key).
  const next = await q.query<{ id: string }>(
    `SELECT nextval(pg_get_serial_sequence('contribution_record', 'id'))::text AS id`,
    [],
  );
  const recordId = next.rows[0]!.id;
  if (old) {
    await q.query('UPDATE contribution_record SET superseded_by = $2 WHERE id = $1 AND superseded_by IS NULL', [
      old.id,
      recordId,
    ]);
  }
  // 补缴 (Art. 26) stays what the record said; a created month is not one (a back payment comes from tax).
  await q.query(
    `INSERT INTO contribution_record (id, ${RECORD_COLUMNS}, version, recorded_at)
     SELECT $10::bigint, $1::text, p.person_number, $2::text, $3::text, $4::text, $5::bigint, $6::bigint, $7::date,
            $11::boolean, 'correction', $8::text, NULL, $9::int, now()
       FROM (SELECT 1) AS one LEFT JOIN insured_person p ON p.id_number = $1`,
    [
      c.idNumber,
      c.newEmployerUscc,
      c.newEmployerName,
      c.month,
      c.baseFen,
      c.amountPaidFen,
      c.receiptDate,
      c.caseNumber,
      version,
      recordId,
      old?.back_payment ?? false,
    ],
  );
  return { ok: true, recordId, version, supersededId: old?.id ?? null };
}

/** A record kept, as readers see it. */
export interface KeptContributionRecord extends ContributionRecord {
  version: number;
  /** False for a version a later one replaced (shown with `allVersions`). */
  current: boolean;
  source: string;
  sourceRun: string;
  recordedAt: string;
}

/**
 * The statement of `contributionRecordsOf` and its parameters, exported so that the bench EXPLAINs the very query a
 * determination runs (bench/contribution-read.ts). Each call is planned with its values (pg's unnamed statement), so
 * `($4 OR superseded_by IS NULL)` folds to the predicate of `contribution_record_current_person_partial`.
 */
export const CONTRIBUTION_RECORDS_SQL = `SELECT employer_uscc, employer_name, month, base_fen, amount_paid_fen, to_char(receipt_date, 'YYYY-MM-DD') AS receipt_date,
            back_payment, version, superseded_by IS NULL AS current, source, source_run, recorded_at
       FROM contribution_record
      WHERE id_number = $1 AND ($4 OR superseded_by IS NULL) AND month >= $2 AND month <= $3
      ORDER BY month, employer_uscc, version`;

export const contributionRecordsParams = (
  idNumber: string,
  from?: string,
  to?: string,
  opts: { allVersions?: boolean } = {},
) => [idNumber, from ?? '0000-01', to ?? '9999-12', opts.allVersions === true];

/**
 * THE reader of a person's contribution records (Art. 25, 29, 38): the current version of every record kept for the
 * ID number, months `from`..`to` inclusive (both optional, YYYY-MM), by month then employer; with `allVersions`, the
 * versions replaced too (a clerk sees what a correction changed). Other parts (the entitlement record, claims,
 * subsidies) read through this function.
 */
export async function contributionRecordsOf(
  db: Db,
  idNumber: string,
  from?: string,
  to?: string,
  opts: { allVersions?: boolean } = {},
): Promise<KeptContributionRecord[]> {
  const r = await sqlOf(db).query<{
    employer_uscc: string;
    employer_name: string;
    month: string;
    base_fen: string;
    amount_paid_fen: string;
    receipt_date: string;
    back_payment: boolean;
    version: number;
    current: boolean;
    source: string;
    source_run: string;
    recorded_at: Date;
  }>(CONTRIBUTION_RECORDS_SQL, contributionRecordsParams(idNumber, from, to, opts));
  return r.rows.map((x) => ({
    employerUscc: x.employer_uscc,
    employerName: x.employer_name,
    month: x.month,
    contributionBaseFen: Number(x.base_fen),
    amountPaidFen: Number(x.amount_paid_fen),
    receiptDate: x.receipt_date,
    backPayment: x.back_payment,
    version: x.version,
    current: x.current,
    source: x.source,
    sourceRun: x.source_run,
    recordedAt: x.recorded_at.toISOString(),
  }));
}

/** Art. 25 单位缴费信息, derived from the current records: one row per month of the employer in the range. */
export async function employerMonthsOf(
  db: Db,
  uscc: string,
  from?: string,
  to?: string,
): Promise<(EmployerMonthTotals & { lastReceiptDate: string })[]> {
  const r = await sqlOf(db).query<{
    month: string;
    n: number;
    base: string;
    amount: string;
    receipt: string;
  }>(
    `SELECT month, count(*)::int AS n, sum(base_fen) AS base, sum(amount_paid_fen) AS amount,
            to_char(max(receipt_date), 'YYYY-MM-DD') AS receipt
       FROM contribution_record
      WHERE employer_uscc = $1 AND superseded_by IS NULL AND month >= $2 AND month <= $3
      GROUP BY month ORDER BY month`,
    [uscc, from ?? '0000-01', to ?? '9999-12'],
  );
  return r.rows.map((x) => ({
    employerUscc: uscc,
    month: x.month,
    insuredCount: x.n,
    baseTotalFen: Number(x.base),
    amountPaidTotalFen: Number(x.amount),
    lastReceiptDate: x.receipt,
  }));
}

/** A record as tax passes it on (Art. 24), as the store takes it: the person's, with the feed's sequence number. */
export const contributionRowOf = (
  idNumber: string,
  r: ContributionRecord,
  taxSeq: number | null,
): ContributionRecordRow => ({
  idNumber,
  employerUscc: r.employerUscc,
  employerName: r.employerName,
  month: r.month,
  baseFen: r.contributionBaseFen,
  amountPaidFen: r.amountPaidFen,
  receiptDate: r.receiptDate,
  backPayment: r.backPayment,
  taxSeq,
});

/**
 * Art. 24, 38: the person's records refreshed from tax when they are not synced: unless the feed was read to its end,
 * or this person pulled, within `freshMs`, the person's records are pulled (the per-person query, all months: a back
 * payment lands on an old month, Art. 26) and stored like the feed's. Then read back from the store.
 */
export async function refreshedContributionsOf(
  deps: { db: Db; tax: Pick<TaxClient, 'getPersonContributions'>; freshMs: number },
  idNumber: string,
  sourceRun: string,
  options?: CallOptions,
): Promise<KeptContributionRecord[]> {
  const { db, tax, freshMs } = deps;
  const pool = sqlOf(db);
  const since = new Date(Date.now() - freshMs);
  const fresh =
    freshMs > 0 &&
    (
      await pool.query(
        `SELECT 1 FROM contribution_sync_state WHERE feed = $1 AND drained_at >= $3
         UNION ALL SELECT 1 FROM contribution_person_pull WHERE id_number = $2 AND pulled_at >= $3`,
        [TAX_FEED, idNumber, since],
      )
    ).rowCount! > 0;
  if (!fresh) {
    const pulled = await tax.getPersonContributions(idNumber, {}, options);
    await storeContributionRecords(
      pool,
      pulled.records.map((r) => contributionRowOf(idNumber, r, null)),
      { source: 'person_pull', sourceRun },
    );
    await pool.query(
      `INSERT INTO contribution_person_pull (id_number, pulled_at, records) VALUES ($1, now(), $2)
       ON CONFLICT (id_number) DO UPDATE SET pulled_at = now(), records = EXCLUDED.records`,
      [idNumber, pulled.records.length],
    );
  }
  return contributionRecordsOf(db, idNumber);
}

/**
 * The tax client's per-person contributions answered through the store (refreshed first): the readers that took
 * `tax.getPersonContributions` keep their shape and now read the records the agency keeps.
 */
export function keptContributionSource(
  deps: { db: Db; tax: Pick<TaxClient, 'getPersonContributions'>; freshMs: number },
  sourceRun: string,
) {
  return {
    async getPersonContributions(idNumber: string, _range = {}, options?: CallOptions): Promise<PersonContributions> {
      const records = await refreshedContributionsOf(deps, idNumber, sourceRun, options);
      return {
        idNumber,
        records: records.map((r) => ({
          employerUscc: r.employerUscc,
          employerName: r.employerName,
          month: r.month,
          contributionBaseFen: r.contributionBaseFen,
          amountPaidFen: r.amountPaidFen,
          receiptDate: r.receiptDate,
          backPayment: r.backPayment,
        })),
      };
    },
  };
}

/** Art. 25 单位缴费信息 of one month, as the readers see it, and where it came from. */
export interface EmployerMonthForReaders {
  month: string;
  insuredCount: number;
  baseTotalFen: number;
  amountPaidTotalFen: number;
  receiptDate: string;
}

/**
 * Art. 25 单位缴费信息 of an employer for the readers (the job-retention review, Art. 49; the employer's entitlement
 * record, Art. 29): from the kept records when the feed was read to its end within `freshMs` (every record the platform
 * had then is kept); else the platform's own totals, as before any sync ran (an employer's staff cannot be pulled one by
 * one at a screening's scale). `source` says which.
 */
export async function employerContributionsOf(
  deps: { db: Db; tax: Pick<TaxClient, 'getEmployerContributions'>; freshMs: number },
  uscc: string,
  range: { from?: string; to?: string },
  options?: CallOptions,
): Promise<{ source: 'kept' | 'tax'; months: EmployerMonthForReaders[] } | null> {
  const synced = await sqlOf(deps.db).query(
    'SELECT 1 FROM contribution_sync_state WHERE feed = $1 AND drained_at >= $2',
    [TAX_FEED, new Date(Date.now() - deps.freshMs)],
  );
  if (synced.rowCount === 0) {
    const found = await deps.tax.getEmployerContributions(uscc, range, options);
    if (!found) return null;
    return {
      source: 'tax',
      months: found.months.map((m) => ({
        month: m.month,
        insuredCount: m.insuredCount,
        baseTotalFen: m.contributionBaseTotalFen,
        amountPaidTotalFen: m.amountPaidTotalFen,
        receiptDate: m.receiptDate,
      })),
    };
  }
  const months = await employerMonthsOf(deps.db, uscc, range.from, range.to);
  return { source: 'kept', months: months.map(employerMonthForReaders) };
}

/** A kept employer-month (`employerMonthsOf`) as readers and the employer agent see it. */
export const employerMonthForReaders = (
  m: EmployerMonthTotals & { lastReceiptDate: string },
): EmployerMonthForReaders => ({
  month: m.month,
  insuredCount: m.insuredCount,
  baseTotalFen: m.baseTotalFen,
  amountPaidTotalFen: m.amountPaidTotalFen,
  receiptDate: m.lastReceiptDate,
});

/** A feed item read: a record, or a garbled row with what is wrong (never its values). */
type ParsedItem = { ok: true; row: ContributionRecordRow } | { ok: false; seq: number | null; issues: string[] };

function parseItem(raw: unknown): ParsedItem {
  const parsed = contributionChangeSchema.safeParse(raw);
  const seqOf = () => {
    const s = (raw as { seq?: unknown } | null)?.seq;
    return typeof s === 'number' && Number.isSafeInteger(s) && s > 0 ? s : null;
  };
  if (!parsed.success) {
    return { ok: false, seq: seqOf(), issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const c = parsed.data;
  if (!receiptFollowsMonth(c.month, c.receiptDate)) {
    return { ok: false, seq: c.seq, issues: ['receiptDate: 到账日期早于费款所属期'] };
  }
  return { ok: true, row: contributionRowOf(c.idNumber, c, c.seq) };
}

export interface ContributionActivityDeps {
  db: Db;
  sources: SourceClients;
}

export interface SyncPageResult {
  received: number;
  inserted: number;
  revised: number;
  garbled: number;
  cursor: number;
  hasMore: boolean;
}

export function contributionActivities({ db, sources }: ContributionActivityDeps) {
  const pool = sqlOf(db);

  /** One transaction under the feed's lock: a page's records, its garbled rows, the cursor and the run's counts. */
  async function inFeedTransaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [TAX_FEED]);
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async function listGarbled(c: pg.PoolClient, runId: string, raws: unknown[], items: ParsedItem[], at: Date) {
    let n = 0;
    for (let k = 0; k < items.length; k++) {
      const it = items[k]!;
      if (it.ok) continue;
      n++;
      const raw = JSON.stringify(raws[k]) ?? 'null';
      // The employer-month of a garbled row, when it can be read, is reconciled too: its total shows the row missing.
      const r = raws[k] as { employerUscc?: unknown; month?: unknown } | null;
      if (typeof r?.employerUscc === 'string' && typeof r.month === 'string' && /^\d{4}-\d{2}$/.test(r.month)) {
        await c.query(
          `INSERT INTO contribution_sync_touched (employer_uscc, month, run_id) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING`,
          [r.employerUscc.slice(0, 30), r.month, runId],
        );
      }
      const key = it.seq !== null ? `seq:${it.seq}` : `hash:${createHash('sha256').update(raw).digest('hex')}`;
      await c.query(
        `INSERT INTO contribution_sync_problem (problem_key, run_id, tax_seq, raw, issues, status, found_at)
         VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT (problem_key) DO NOTHING`,
        [key, runId, it.seq, raw, JSON.stringify(it.issues), at],
      );
    }
    return n;
  }

  return {
    /** Art. 23, 24: a sync run begins from the stored cursor (a retried start changes nothing). */
    async beginContributionSync(input: { runId: string; trigger: string; at: string }): Promise<{ cursor: number }> {
      await pool.query(
        `INSERT INTO contribution_sync_state (feed, cursor, updated_at) VALUES ($1, 0, $2) ON CONFLICT (feed) DO NOTHING`,
        [TAX_FEED, input.at],
      );
      const s = await pool.query<{ cursor: string }>('SELECT cursor FROM contribution_sync_state WHERE feed = $1', [
        TAX_FEED,
      ]);
      const cursor = Number(s.rows[0]!.cursor);
      await pool.query(
        `INSERT INTO contribution_sync_run (run_id, trigger, status, started_at, from_cursor, to_cursor)
         VALUES ($1, $2, 'running', $3, $4, $4) ON CONFLICT (run_id) DO NOTHING`,
        [input.runId, input.trigger, input.at, cursor],
      );
      return { cursor };
    },

    /**
     * Art. 23, 24: the next page after the stored cursor, stored with the cursor in one transaction: a retried page
     * that was stored already stores nothing twice (same keys, same values) and moves the cursor no further back.
     */
    async syncContributionPage(input: { runId: string; limit: number }): Promise<SyncPageResult> {
      // Under the feed's lock from reading the cursor to storing the page: an overlapping run waits, then goes on
      // from where this one left the cursor, instead of fetching the same page for nothing.
      return inFeedTransaction(async (c) => {
        const s = await c.query<{ cursor: string }>('SELECT cursor FROM contribution_sync_state WHERE feed = $1', [
          TAX_FEED,
        ]);
        const after = Number(s.rows[0]?.cursor ?? 0);
        const page = await guarded(() =>
          sources.tax.getContributionChanges({ after, limit: input.limit }, callOptions()),
        );
        if (page.nextCursor < after) {
          throw ApplicationFailure.nonRetryable(
            'the feed answered a cursor before the one asked for',
            'SourceMalformed',
          );
        }
        const items = page.items.map(parseItem);
        const at = new Date();
        const stored = await storeContributionRecords(
          c,
          items.flatMap((i) => (i.ok ? [i.row] : [])),
          { source: 'feed', sourceRun: input.runId, touchRun: input.runId },
        );
        const garbled = await listGarbled(c, input.runId, page.items, items, at);
        const st = await c.query<{ cursor: string }>(
          `UPDATE contribution_sync_state SET cursor = GREATEST(cursor, $2), updated_at = $3,
                  drained_at = CASE WHEN $4::boolean THEN $3 ELSE drained_at END
            WHERE feed = $1 RETURNING cursor`,
          [TAX_FEED, page.nextCursor, at, !page.hasMore],
        );
        const cursor = Number(st.rows[0]!.cursor);
        await c.query(
          `UPDATE contribution_sync_run SET pages = pages + 1, received = received + $2, inserted = inserted + $3,
                  revised = revised + $4, garbled = garbled + $5, to_cursor = $6 WHERE run_id = $1`,
          [input.runId, page.items.length, stored.inserted, stored.revised, garbled, cursor],
        );
        return {
          received: page.items.length,
          inserted: stored.inserted,
          revised: stored.revised,
          garbled,
          cursor,
          hasMore: page.hasMore,
        };
      });
    },

    /** Garbled rows listed before: each fetched again by its sequence number; stored and resolved when readable now. */
    async retryGarbledContributionRows(input: { runId: string }): Promise<{ retried: number; resolved: number }> {
      const open = await pool.query<{ id: string; tax_seq: string }>(
        `SELECT id, tax_seq FROM contribution_sync_problem WHERE status = 'open' AND tax_seq IS NOT NULL
          ORDER BY tax_seq LIMIT 200`,
      );
      let resolved = 0;
      for (const p of open.rows) {
        const seq = Number(p.tax_seq);
        const page = await guarded(() =>
          sources.tax.getContributionChanges({ after: seq - 1, limit: 1 }, callOptions()),
        );
        const item = page.items[0] === undefined ? null : parseItem(page.items[0]);
        if (!item?.ok || item.row.taxSeq !== seq) continue;
        await inFeedTransaction(async (c) => {
          await storeContributionRecords(c, [item.row], {
            source: 'feed',
            sourceRun: input.runId,
            touchRun: input.runId,
          });
          await c.query(
            `UPDATE contribution_sync_problem SET status = 'resolved', resolved_at = now(), resolved_by_run = $2
              WHERE id = $1`,
            [p.id, input.runId],
          );
        });
        resolved++;
      }
      return { retried: open.rows.length, resolved };
    },

    /**
     * Art. 24, 25: once the feed is read to its end, each employer-month brought since the last reconciliation is
     * compared with the platform's totals (headcount, bases, amounts paid); each difference is listed for a clerk.
     */
    async reconcileContributions(input: {
      runId: string;
      at: string;
    }): Promise<{ checked: number; differences: number }> {
      let checked = 0;
      let differences = 0;
      for (;;) {
        const batch = await pool.query<{ employer_uscc: string; month: string }>(
          `SELECT employer_uscc, month FROM contribution_sync_touched ORDER BY employer_uscc, month LIMIT $1`,
          [CONTRIBUTION_TOTALS_MAX],
        );
        if (batch.rows.length === 0) break;
        const usccs = batch.rows.map((r) => r.employer_uscc);
        const months = batch.rows.map((r) => r.month);
        const totals = await guarded(() =>
          sources.tax.getContributionTotals(
            batch.rows.map((r) => ({ uscc: r.employer_uscc, month: r.month })),
            callOptions(),
          ),
        );
        const kept = await pool.query<{
          employer_uscc: string;
          month: string;
          n: number;
          base: string;
          amount: string;
        }>(
          `SELECT r.employer_uscc, r.month, count(*)::int AS n, sum(r.base_fen) AS base, sum(r.amount_paid_fen) AS amount
             FROM contribution_record r
             JOIN unnest($1::text[], $2::text[]) AS t(employer_uscc, month) USING (employer_uscc, month)
            WHERE r.superseded_by IS NULL GROUP BY r.employer_uscc, r.month`,
          [usccs, months],
        );
        const found = reconcile(
          kept.rows.map((k) => ({
            employerUscc: k.employer_uscc,
            month: k.month,
            insuredCount: k.n,
            baseTotalFen: Number(k.base),
            amountPaidTotalFen: Number(k.amount),
          })),
          totals.items.map((t) => ({
            employerUscc: t.uscc,
            month: t.month,
            insuredCount: t.insuredCount,
            baseTotalFen: t.contributionBaseTotalFen,
            amountPaidTotalFen: t.amountPaidTotalFen,
          })),
        );
        await inFeedTransaction(async (c) => {
          if (found.length > 0) {
            await c.query(
              `INSERT INTO contribution_reconciliation_difference (run_id, employer_uscc, month, kept_count,
                 kept_base_fen, kept_amount_fen, tax_count, tax_base_fen, tax_amount_fen, status, found_at)
               SELECT $1::text, d.*, 'open', $10::timestamptz FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[],
                 $7::int[], $8::bigint[], $9::bigint[]) AS d
               ON CONFLICT (run_id, employer_uscc, month) DO NOTHING`,
              [
                input.runId,
                found.map((d) => d.employerUscc),
                found.map((d) => d.month),
                found.map((d) => d.kept.insuredCount),
                found.map((d) => d.kept.baseTotalFen),
                found.map((d) => d.kept.amountPaidTotalFen),
                found.map((d) => d.tax.insuredCount),
                found.map((d) => d.tax.baseTotalFen),
                found.map((d) => d.tax.amountPaidTotalFen),
                input.at,
              ],
            );
          }
          await c.query(
            `DELETE FROM contribution_sync_touched t USING unnest($1::text[], $2::text[]) AS d(employer_uscc, month)
              WHERE t.employer_uscc = d.employer_uscc AND t.month = d.month`,
            [usccs, months],
          );
        });
        checked += batch.rows.length;
        differences += found.length;
      }
      if (differences > 0) {
        await pool.query('UPDATE contribution_sync_run SET differences = differences + $2 WHERE run_id = $1', [
          input.runId,
          differences,
        ]);
      }
      return { checked, differences };
    },

    /**
     * Art. 24, 25: the case of a run whose records disagree with tax's totals or whose rows could not be read, for the
     * clerks of the province (its number derived from the run: a retry opens no second case).
     */
    async openContributionReconciliationCase(input: { runId: string; at: string }): Promise<{ caseNumber: string }> {
      const serial = serialFromBytes(createHash('sha256').update(input.runId).digest());
      const at = new Date(input.at);
      const caseNumber = formatCaseNumber(
        'contribution_reconciliation',
        Number(input.at.slice(0, 4)),
        '210000',
        serial,
      );
      const run = await db.contributionSyncRun.findUniqueOrThrow({ where: { runId: input.runId } });
      await db.$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber,
          caseType: 'contribution_reconciliation',
          status: 'awaiting_review',
          agencyCode: '210000',
          at,
          event: {
            type: 'contribution_differences_found',
            actor: 'system',
            data: { runId: input.runId, differences: run.differences, garbled: run.garbled, article: 'Art. 24, 25' },
          },
        });
      });
      return { caseNumber };
    },

    /** The clerk's outcome: the run's differences are closed with it, on the case and in the audit trail. */
    async recordContributionReconciliation(input: {
      caseNumber: string;
      runId: string;
      decision: ContributionReconciliationForm;
      by: { userId: string; username: string };
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.contributionReconciliationDifference.updateMany({
          where: { runId: input.runId, status: 'open' },
          data: { status: 'resolved' },
        });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: input.decision.decision, updatedAt: at },
        });
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/contribution_differences_${input.decision.decision}`,
          type: `contribution_differences_${input.decision.decision}`,
          at,
          actor: input.by.username,
          data: { runId: input.runId, decision: asJson(input.decision) },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: `contribution_differences_${input.decision.decision}`,
          entity: 'contribution_sync_run',
          entityId: input.runId,
          caseNumber: input.caseNumber,
          after: { decision: input.decision },
          at,
        });
      });
    },

    /** The run's end: completed, or interrupted with the reason (the next run resumes from the stored cursor). */
    async finishContributionSync(input: {
      runId: string;
      status: 'completed' | 'interrupted';
      reason?: string;
      at: string;
    }): Promise<{ openProblems: number; openDifferences: number }> {
      await pool.query(
        `UPDATE contribution_sync_run SET status = $2, finished_at = $3, stopped_reason = $4 WHERE run_id = $1`,
        [input.runId, input.status, input.at, input.reason?.slice(0, 200) ?? null],
      );
      const r = await pool.query<{ p: number; d: number }>(
        `SELECT (SELECT count(*) FROM contribution_sync_problem WHERE status = 'open')::int AS p,
                (SELECT count(*) FROM contribution_reconciliation_difference WHERE status = 'open')::int AS d`,
      );
      return { openProblems: r.rows[0]!.p, openDifferences: r.rows[0]!.d };
    },
  };
}
