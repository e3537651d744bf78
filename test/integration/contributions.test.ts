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

  it("a registered person's records carry the register's person number, an unregistered one's none (Art. 25)", async () => {
    const q = sqlOf(tdb.db);
    const registered = '210102199001011236';
    await tdb.sql(
      `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
         hukou_address, residence, insured_since, agency_code, status, registered_at, updated_at)
       VALUES ('21010000000777', 'resident_id_card', $1, '李四', 'male', '1990-01-01', '13800000000', '210100',
         '辽宁省', '辽宁省', '2016-01-01', '210100', 'insured', now(), now())`,
      [registered],
    );
    const unregistered = '210102199202021230';
    await storeContributionRecords(
      q,
      [row({ idNumber: registered, month: '2025-05', taxSeq: 31 }), row({ idNumber: unregistered, taxSeq: 32 })],
      { source: 'feed', sourceRun: 'test-run' },
    );
    const linked = await tdb.sql<{ id_number: string; person_number: string | null }>(
      `SELECT id_number, person_number FROM contribution_record WHERE id_number IN ($1, $2) ORDER BY id_number`,
      [registered, unregistered],
    );
    expect(linked).toEqual([
      { id_number: registered, person_number: '21010000000777' },
      { id_number: unregistered, person_number: null },
    ]);
  });
});
