/**
 * Art. 42, 43 in the database: the migration records the stops already made (from the periods' timelines and rows,
 * numbered per period in the order found) and gives each recovery already open the stop of its date; after it, a
 * recovery is unique per stop, no longer per claim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { scratchDatabaseBefore } from '../support/db';
import { seedEligibleDetermination } from '../support/seed';

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>;
let client: pg.Client;

beforeAll(async () => {
  scratch = await scratchDatabaseBefore('20261207004000_recoveries_per_stop');
  client = scratch.client;
});
afterAll(async () => {
  await scratch?.drop();
});

/** An approved claim with its period, stopped (`stop`) or paying. */
async function claimWithPeriod(caseNumber: string, stop: { reason: string; date: string } | null) {
  await seedEligibleDetermination({ sql: async (text, values) => (await client.query(text, values)).rows }, caseNumber);
  await client.query(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [caseNumber],
  );
  await client.query(
    `INSERT INTO benefit_period (id, case_number, agency_code, status, start_date, end_date, months, monthly_amount_fen,
       determination_version, stop_reason, stop_date, created_at, updated_at)
     VALUES ($1, $2, '210100', $3, '2026-07-01', '2026-12-31', 6, 189550, 1, $4, $5, now(), '2026-11-20T01:00:00Z')`,
    [`${caseNumber}.P`, caseNumber, stop ? 'stopped' : 'active', stop?.reason ?? null, stop?.date ?? null],
  );
}
async function stopped(caseNumber: string, reason: string, date: string, at: string) {
  await client.query(
    `INSERT INTO case_event (case_number, event_key, type, at, actor, data)
     VALUES ($1, $2, 'benefit_stopped', $3, 'system', $4)`,
    [caseNumber, `${caseNumber}/benefit_stopped/${reason}/${date}`, at, { reason, date, article: 'Art. 42' }],
  );
}
async function recovery(caseNumber: string, stopDate: string, origin: string) {
  await client.query(
    `INSERT INTO recovery (id, case_number, agency_code, period_id, origin, stop_date, amount_fen, balance_fen, items,
       explanation, status, started_by, created_at, updated_at)
     VALUES ($1, $2, '210100', $3, $4, $5, 189550, 189550, '[]', '[]', 'awaiting_delivery', 'system', now(), now())`,
    [`${caseNumber}.R`, caseNumber, `${caseNumber}.P`, origin, stopDate],
  );
}

describe('the stops and recoveries already made, migrated (Art. 42, 43)', () => {
  it('records each stop once, numbered per period in the order found, and gives each recovery the stop of its date', async () => {
    // A stop lifted on objection, then a later one that stopped the period and went to recovery.
    await claimWithPeriod('SYJ-2026-210100-STP0000001', { reason: 'pension', date: '2026-10-01' });
    await stopped('SYJ-2026-210100-STP0000001', 'reemployed', '2026-08-10', '2026-08-11T01:00:00Z');
    await stopped('SYJ-2026-210100-STP0000001', 'pension', '2026-10-01', '2026-11-02T01:00:00Z');
    await recovery('SYJ-2026-210100-STP0000001', '2026-10-01', 'benefit_period');
    // A period stopped before stops were on the timeline (its row only), with no recovery.
    await claimWithPeriod('SYJ-2026-210100-STP0000002', { reason: 'death', date: '2026-09-15' });
    // An auditor's recovery of a period never stopped: it keeps no stop.
    await claimWithPeriod('SYJ-2026-210100-STP0000003', null);
    await recovery('SYJ-2026-210100-STP0000003', '2026-08-20', 'auditor');

    await scratch.migrateThrough();
    const stops = await client.query(
      `SELECT id, case_number, seq, reason, found_date::text, stop_date::text, found_by
         FROM period_stop ORDER BY case_number, seq`,
    );
    expect(stops.rows).toEqual([
      {
        id: 'SYJ-2026-210100-STP0000001.S1',
        case_number: 'SYJ-2026-210100-STP0000001',
        seq: 1,
        reason: 'reemployed',
        found_date: '2026-08-10',
        stop_date: '2026-08-10',
        found_by: 'unrecorded',
      },
      {
        id: 'SYJ-2026-210100-STP0000001.S2',
        case_number: 'SYJ-2026-210100-STP0000001',
        seq: 2,
        reason: 'pension',
        found_date: '2026-10-01',
        stop_date: '2026-10-01',
        found_by: 'unrecorded',
      },
      {
        id: 'SYJ-2026-210100-STP0000002.S1',
        case_number: 'SYJ-2026-210100-STP0000002',
        seq: 1,
        reason: 'death',
        found_date: '2026-09-15',
        stop_date: '2026-09-15',
        found_by: 'unrecorded',
      },
    ]);
    const recoveries = await client.query('SELECT id, stop_id FROM recovery ORDER BY id');
    expect(recoveries.rows).toEqual([
      { id: 'SYJ-2026-210100-STP0000001.R', stop_id: 'SYJ-2026-210100-STP0000001.S2' },
      { id: 'SYJ-2026-210100-STP0000003.R', stop_id: null },
    ]);
  });

  it('takes a second recovery of a claim for another stop, and refuses a second for the same stop', async () => {
    const caseNumber = 'SYJ-2026-210100-STP0000001';
    await client.query(
      `INSERT INTO recovery (id, case_number, agency_code, period_id, stop_id, origin, stop_date, amount_fen, balance_fen,
         items, explanation, status, started_by, created_at, updated_at)
       VALUES ($1, $2, '210100', $3, $4, 'revocation', '2026-08-10', 1000, 1000, '[]', '[]', 'awaiting_delivery',
         'system', now(), now())`,
      [`${caseNumber}.R1`, caseNumber, `${caseNumber}.P`, `${caseNumber}.S1`],
    );
    await expect(
      client.query(
        `INSERT INTO recovery (id, case_number, agency_code, period_id, stop_id, origin, stop_date, amount_fen,
           balance_fen, items, explanation, status, started_by, created_at, updated_at)
         VALUES ($1, $2, '210100', $3, $4, 'auditor', '2026-08-10', 1000, 1000, '[]', '[]', 'awaiting_delivery',
           'system', now(), now())`,
        [`${caseNumber}.R9`, caseNumber, `${caseNumber}.P`, `${caseNumber}.S1`],
      ),
    ).rejects.toThrow(/recovery_stop_id_key/);
  });
});
