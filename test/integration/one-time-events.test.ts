/**
 * Art. 46, 47 one grant per event, in the database: the migration gives the cases already live their event (the
 * earliest application of each first, the same key the assessment computes), so a later claim of the same birth or
 * death meets them; and the unique index refuses a second holder, whatever races.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { oneTimeEventKey } from '../../activities/other-benefits';
import { scratchDatabaseBefore } from '../support/db';
import { seedEligibleDetermination } from '../support/seed';

let scratch: Awaited<ReturnType<typeof scratchDatabaseBefore>>;
let client: pg.Client;

beforeAll(async () => {
  scratch = await scratchDatabaseBefore('20261207003000_one_time_benefit_events');
  client = scratch.client;
});
afterAll(async () => {
  await scratch?.drop();
});

const MOTHER = '21010219900101002X';
const DECEASED = '210102198501011234';

async function claim(caseNumber: string, idNumber: string) {
  // An approved claim stands on an eligible determination (the read model refuses one without, Art. 38).
  await seedEligibleDetermination({ sql: async (text, values) => (await client.query(text, values)).rows }, caseNumber);
  await client.query(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, 'benefit_claim', 'approved', '210100', $1, now(), now())`,
    [caseNumber],
  );
  await client.query(
    `INSERT INTO benefit_claim VALUES ($1, 'online', 'resident_id_card', $2, '张三', '13812345678', '91210100MA0XYP12AD',
       '沈阳某机械有限公司', '2026-09-30', 'contract_expired', 'last_insured', 'social_security_card', NULL,
       '6214830012345678', now())`,
    [caseNumber, idNumber],
  );
}
async function otherBenefit(
  caseNumber: string,
  kind: 'childbirth_subsidy' | 'survivor_benefits',
  benefitCaseNumber: string,
  status: string,
  eventDate: string,
  submittedAt: string,
) {
  await client.query(
    `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
     VALUES ($1, $2, $3, '210100', $1, now(), now())`,
    [caseNumber, kind, status],
  );
  await client.query(
    `INSERT INTO other_benefit_claim (case_number, kind, benefit_case_number, request_key, channel, id_type, id_number,
       name, phone, event_date, payment_method, account_number, submitted_at)
     VALUES ($1, $2, $3, $1, 'window', 'resident_id_card', '210102197001011111', '李四', '13912345678', $4,
       'social_security_card', '6214830012345679', $5)`,
    [caseNumber, kind, benefitCaseNumber, eventDate, submittedAt],
  );
}
const keys = async () =>
  Object.fromEntries(
    (
      await client.query<{ case_number: string; event_key: string | null }>(
        'SELECT case_number, event_key FROM other_benefit_claim ORDER BY case_number',
      )
    ).rows.map((r) => [r.case_number, r.event_key]),
  );

describe('one grant per event in the database (Art. 46, 47)', () => {
  it('gives the live cases already there their event, the earliest first, with the key the assessment computes', async () => {
    await claim('SYJ-2026-210100-EVT0000001', MOTHER);
    await claim('SYJ-2026-210100-EVT0000002', DECEASED);
    // The same birth three times: refused first, then two live ones; the earlier live one keeps the event.
    await otherBenefit(
      'YLB-2026-210100-EVT0000001',
      'childbirth_subsidy',
      'SYJ-2026-210100-EVT0000001',
      'refused',
      '2026-11-02',
      '2026-11-03T01:00:00Z',
    );
    await otherBenefit(
      'YLB-2026-210100-EVT0000002',
      'childbirth_subsidy',
      'SYJ-2026-210100-EVT0000001',
      'paid',
      '2026-11-02',
      '2026-11-04T01:00:00Z',
    );
    await otherBenefit(
      'YLB-2026-210100-EVT0000003',
      'childbirth_subsidy',
      'SYJ-2026-210100-EVT0000001',
      'awaiting_review',
      '2026-11-02',
      '2026-11-05T01:00:00Z',
    );
    // The death, whatever date a survivor stated.
    await otherBenefit(
      'SZF-2026-210100-EVT0000001',
      'survivor_benefits',
      'SYJ-2026-210100-EVT0000002',
      'in_payment',
      '2026-11-20',
      '2026-11-21T01:00:00Z',
    );
    await scratch.migrateThrough();
    expect(await keys()).toEqual({
      'YLB-2026-210100-EVT0000001': null,
      'YLB-2026-210100-EVT0000002': oneTimeEventKey('childbirth_subsidy', MOTHER, '2026-11-02'),
      'YLB-2026-210100-EVT0000003': null,
      'SZF-2026-210100-EVT0000001': oneTimeEventKey('survivor_benefits', DECEASED, '2026-11-20'),
    });
    expect(oneTimeEventKey('survivor_benefits', DECEASED, '2026-11-20')).toBe(
      oneTimeEventKey('survivor_benefits', DECEASED, '2026-11-25'),
    );
  });

  it('lets one case hold an event: a second holder is refused (the race of two assessments)', async () => {
    const key = oneTimeEventKey('childbirth_subsidy', MOTHER, '2026-11-02');
    await expect(
      client.query('UPDATE other_benefit_claim SET event_key = $1 WHERE case_number = $2', [
        key,
        'YLB-2026-210100-EVT0000003',
      ]),
    ).rejects.toThrow(/other_benefit_claim_event_key_key/);
  });
});
