/**
 * Measure 8 of `npm run bench` (issue 23): importing N person-month contribution records (Art. 24, 25; 1,000,000 at
 * `--large`) the way the sync stores a feed page (activities/contributions.ts `storeContributionRecords`: one
 * INSERT … SELECT FROM unnest per page, versions checked against the current records), against PostgreSQL's COPY of the
 * same rows into the same table with the same indexes, in the same run. A determination's read of a person's records
 * is measure 9 (bench/contribution-read.ts), at sizes of its own.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { storeContributionRecords } from '../activities/contributions';
import type { ContributionRecordRow } from '../domain/contributions';

/** The sync's page (workflows/contribution-sync.ts), the platform's largest. */
const PAGE = 5000;
const MONTHS = 120; // 10 years per person

/** Deterministic rows: person p contributes 10 years to one of 500 employers. */
function rowsOf(n: number): ContributionRecordRow[] {
  const rows: ContributionRecordRow[] = [];
  for (let i = 0; i < n; i++) {
    const p = Math.floor(i / MONTHS);
    const m = i % MONTHS;
    const year = 2016 + Math.floor(m / 12);
    const month = `${year}-${String((m % 12) + 1).padStart(2, '0')}`;
    rows.push({
      idNumber: `2101021980${String(p).padStart(8, '0')}`,
      employerUscc: `91210100MA${String(p % 500).padStart(7, '0')}X`,
      employerName: `沈阳基准测试有限公司${p % 500}`,
      month,
      baseFen: 500_000 + (p % 97) * 1000,
      amountPaidFen: 5_000 + (p % 97) * 10,
      receiptDate: `${month}-15`,
      backPayment: false,
      taxSeq: i + 1,
    });
  }
  return rows;
}

const COLUMNS =
  'id_number, person_number, employer_uscc, employer_name, month, base_fen, amount_paid_fen, receipt_date, ' +
  'back_payment, source, source_run, tax_seq, version, recorded_at';

function copyLines(rows: ContributionRecordRow[], at: string): Readable {
  let i = 0;
  return new Readable({
    read() {
      const chunk: string[] = [];
      for (let k = 0; k < 2000 && i < rows.length; k++, i++) {
        const r = rows[i]!;
        chunk.push(
          `${r.idNumber}\t\\N\t${r.employerUscc}\t${r.employerName}\t${r.month}\t${r.baseFen}\t${r.amountPaidFen}\t` +
            `${r.receiptDate}\t${r.backPayment ? 't' : 'f'}\tfeed\tbench-copy\t${r.taxSeq}\t1\t${at}\n`,
        );
      }
      this.push(chunk.length ? chunk.join('') : null);
    },
  });
}

export interface ContributionBench {
  records: number;
  copyRecordsPerSecond: number;
  importRecordsPerSecond: number;
  ratio: number;
  reimportSeconds: number;
}

export async function benchContributionImport(
  sql: pg.Pool,
  n: number,
  progress: (done: number) => void = () => undefined,
): Promise<ContributionBench> {
  const rows = rowsOf(n);
  const at = new Date().toISOString();
  // COPY: the same rows into the same (empty) table with its indexes.
  const copy = async () => {
    await sql.query('TRUNCATE contribution_record');
    await sql.query('VACUUM ANALYZE contribution_record');
    const client = await sql.connect();
    try {
      const t0 = performance.now();
      await pipeline(copyLines(rows, at), client.query(copyFrom(`COPY contribution_record (${COLUMNS}) FROM STDIN`)));
      return (performance.now() - t0) / 1000;
    } finally {
      client.release();
    }
  };
  // The import as the sync stores a feed: page after page, each page one statement.
  const store = async () => {
    await sql.query('TRUNCATE contribution_record');
    await sql.query('VACUUM ANALYZE contribution_record');
    const t1 = performance.now();
    for (let i = 0; i < rows.length; i += PAGE) {
      await storeContributionRecords(sql, rows.slice(i, i + PAGE), { source: 'feed', sourceRun: 'bench-import' });
      progress(Math.min(rows.length, i + PAGE));
    }
    return (performance.now() - t1) / 1000;
  };
  // Two rounds, alternating, the best of each: a shared machine's load moves either by half from one minute to the next.
  const c1 = await copy();
  const s1 = await store();
  const c2 = await copy();
  const s2 = await store();
  const copySeconds = Math.min(c1, c2);
  const importSeconds = Math.min(s1, s2);
  // The same pages again (a re-run): nothing written, every row compared.
  const t2 = performance.now();
  for (let i = 0; i < Math.min(rows.length, 100_000); i += PAGE) {
    const r = await storeContributionRecords(sql, rows.slice(i, i + PAGE), {
      source: 'feed',
      sourceRun: 'bench-again',
    });
    if (r.inserted + r.revised !== 0) throw new Error('a re-import wrote rows');
  }
  const reimportSeconds = (performance.now() - t2) / 1000;
  const copyRate = n / copySeconds;
  const importRate = n / importSeconds;
  return {
    records: n,
    copyRecordsPerSecond: Math.round(copyRate),
    importRecordsPerSecond: Math.round(importRate),
    ratio: Math.round((importRate / copyRate) * 100) / 100,
    reimportSeconds: Math.round(reimportSeconds * 100) / 100,
  };
}
