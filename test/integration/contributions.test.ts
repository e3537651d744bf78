/**
 * The contribution store (Art. 24, 25) on real PostgreSQL: one current record per person, employer and month; a
 * changed record is a new version and the old one is kept, naming it; a stale or repeated item writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contributionRecordsOf, employerMonthsOf, storeContributionRecords } from '../../activities/contributions';
import { RECORD_ID_NUMBER as ID, contributionRow as row } from '../support/contributions';
import { sqlOf } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

describe('contribution records (Art. 24, 25)', () => {
  it('a changed record is a new version; the old one is kept and names it; stale and repeated items write nothing (Art. 25)', async () => {
    const q = sqlOf(tdb.db);
    const meta = { source: 'feed' as const, sourceRun: 'test-run' };
    expect(await storeContributionRecords(q, [row(), row({ month: '2025-04', taxSeq: 11 })], meta)).toEqual({
      received: 2,
      inserted: 2,
      revised: 0,
    });
    // The same items again: nothing written.
    expect(await storeContributionRecords(q, [row(), row({ month: '2025-04', taxSeq: 11 })], meta)).toMatchObject({
      inserted: 0,
      revised: 0,
    });
    // Tax sends the March record changed (a later sequence number): version 2.
    expect(await storeContributionRecords(q, [row({ taxSeq: 20, amountPaidFen: 5_500 })], meta)).toMatchObject({
      inserted: 0,
      revised: 1,
    });
    // An item older than the kept one, arriving late (out of order): left.
    expect(await storeContributionRecords(q, [row({ taxSeq: 15, amountPaidFen: 4_000 })], meta)).toMatchObject({
      revised: 0,
    });
    const versions = await tdb.sql<{
      version: number;
      amount_paid_fen: string;
      superseded_by: string | null;
      id: string;
    }>(
      `SELECT id, version, amount_paid_fen, superseded_by FROM contribution_record WHERE month = '2025-03' ORDER BY version`,
    );
    expect(versions.map((v) => [v.version, Number(v.amount_paid_fen)])).toEqual([
      [1, 5_000],
      [2, 5_500],
    ]);
    expect(versions[0]!.superseded_by).toBe(versions[1]!.id);
    expect(versions[1]!.superseded_by).toBeNull();
    const current = await contributionRecordsOf(tdb.db, ID);
    expect(current.map((r) => [r.month, r.amountPaidFen, r.version])).toEqual([
      ['2025-03', 5_500, 2],
      ['2025-04', 5_000, 1],
    ]);
    expect(await contributionRecordsOf(tdb.db, ID, '2025-04', '2025-04')).toHaveLength(1);
    expect(await employerMonthsOf(tdb.db, '91210100MA0XYP12AD')).toEqual([
      expect.objectContaining({ month: '2025-03', insuredCount: 1, amountPaidTotalFen: 5_500 }),
      expect.objectContaining({ month: '2025-04', insuredCount: 1, amountPaidTotalFen: 5_000 }),
    ]);
  });
});
