/**
 * Measure 6 (issue 22): the daily staff-list comparison of a city (Art. 19) at N staff. The register is generated
 * straight into PostgreSQL (N / 50 employers of 50 staff, 95 % of the staff registered); the tax platform's staff lists
 * are answered in process (the platform's own speed is not the system's), so what is measured is the comparison
 * itself: the `compareStaffPage` activity over every page of employers, as the daily workflow calls it (the lists
 * unnested into a temporary table, anti-joined with the register, findings written once, reminders to each employer).
 * Baseline in the same run: the bare anti-join of the same lists with the register, in one statement.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type pg from 'pg';
import type { Db } from '../lib/db';
import type { PolicyStore } from '../lib/policy-store';
import type { CalendarStore } from '../lib/calendar-store';
import type { EmployerStaff } from '../integrations/tax';
import type { StaffComparisonDeps } from '../activities/staff-comparison';
import { staffComparisonActivities } from '../activities/staff-comparison';

const PER_EMPLOYER = 50;
const PAGE = 200;
const HIRED = '2025-01-02';

const idOf = (k: number) => `B${String(k).padStart(17, '0')}`;

export async function benchStaffComparison(o: {
  sql: pg.Pool;
  db: Db;
  policy: PolicyStore;
  calendar: CalendarStore;
  staff: number;
  agencyCode: string;
  asOf: string;
}): Promise<Record<string, unknown>> {
  const employers = Math.ceil(o.staff / PER_EMPLOYER);
  const reg = (i: number) => `${o.agencyCode}${String(90_000_000 + i).padStart(8, '0')}`;
  // The register: employers, persons and their relations (every 20th staff member not registered).
  await o.sql.query(
    `INSERT INTO employer (register_number, agency_code, code_type, code, name, nature, economic_type, industry,
       registration_authority, founded_on, insured_since, address, phone, email, bank_name, bank_code,
       bank_account_name, bank_account_number, legal_rep_name, legal_rep_id_type, legal_rep_id_number, legal_rep_phone,
       agent_name, agent_id_type, agent_id_number, agent_phone, status, channel, pension_status, fingerprint,
       registered_at, updated_at)
     SELECT $1 || lpad((90000000 + i)::text, 8, '0'), $1, 'uscc', 'BENCH' || lpad(i::text, 13, '0'), '基准单位' || i,
       'enterprise', '150', 'C', '沈阳市市场监督管理局', '2000-01-01', '2020-01-01', '沈阳市', '024-23456789',
       'hr@example.cn', '中国工商银行', '102221000011', '基准单位' || i, '6222' || lpad(i::text, 12, '0'), '王建国',
       'resident_id_card', '210102197005010011', '13800000001', '李娜', 'resident_id_card', '210102198808080022',
       '139' || lpad(i::text, 8, '0'), 'insured', 'window', 'informed', 'bench', now() - interval '400 days', now()
     FROM generate_series(0, $2::int - 1) AS i`,
    [o.agencyCode, employers],
  );
  await o.sql.query(
    `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
       hukou_address, residence, insured_since, agency_code, status, registered_at, updated_at)
     SELECT '9' || lpad(k::text, 15, '0'), 'resident_id_card', 'B' || lpad(k::text, 17, '0'), '职工' || k, 'male',
       '1990-01-01', '13700000000', $1, '辽宁省', '沈阳市', $2, $1, 'insured', now(), now()
     FROM generate_series(0, $3::int - 1) AS k WHERE k % 20 <> 0`,
    [o.agencyCode, HIRED, o.staff],
  );
  await o.sql.query(
    `INSERT INTO insurance_relation (person_number, register_number, hired_on, late_by_days, status, origin,
       created_at, updated_at)
     SELECT '9' || lpad(k::text, 15, '0'), $1 || lpad((90000000 + k / ${PER_EMPLOYER})::text, 8, '0'), $2, 0,
       'insured', 'registration', now(), now()
     FROM generate_series(0, $3::int - 1) AS k WHERE k % 20 <> 0`,
    [o.agencyCode, HIRED, o.staff],
  );
  await o.sql.query('VACUUM ANALYZE employer, insured_person, insurance_relation');

  // The tax platform's lists, answered in process.
  const listOf = (uscc: string): EmployerStaff | null => {
    const i = Number(uscc.slice(5));
    if (!Number.isInteger(i) || i >= employers) return null;
    const staff = [];
    for (let k = i * PER_EMPLOYER; k < Math.min((i + 1) * PER_EMPLOYER, o.staff); k++) {
      staff.push({ idNumber: idOf(k), name: `职工${k}`, startDate: HIRED, endDate: null, separationReason: null });
    }
    return { uscc, staff };
  };
  let sms = 0;
  const sources = {
    tax: { getEmployerStaff: async (uscc: string) => listOf(uscc) },
    sms: {
      send: async (r: { messageId: string }) => {
        sms++;
        return {
          messageId: r.messageId,
          status: 'accepted' as const,
          acceptedAt: new Date().toISOString(),
          duplicate: false,
        };
      },
    },
  } as unknown as StaffComparisonDeps['sources'];
  const acts = staffComparisonActivities({ db: o.db, sources, policy: o.policy, calendar: o.calendar });
  const inActivity = new MockActivityEnvironment();

  const t0 = performance.now();
  let after: string | null = null;
  let found = 0;
  let reminders = 0;
  let pages = 0;
  do {
    const page: Awaited<ReturnType<typeof acts.compareStaffPage>> = await inActivity.run(acts.compareStaffPage, {
      asOf: o.asOf,
      after,
      limit: PAGE,
    });
    found += page.found;
    reminders += page.reminders;
    pages++;
    after = page.next;
  } while (after);
  const seconds = (performance.now() - t0) / 1000;

  // Baseline: the same lists anti-joined with the register in one statement.
  const ids: string[] = [];
  const regs: string[] = [];
  for (let k = 0; k < o.staff; k++) {
    ids.push(idOf(k));
    regs.push(reg(Math.floor(k / PER_EMPLOYER)));
  }
  const b0 = performance.now();
  const bare = await o.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM unnest($1::text[], $2::text[]) AS s(register_number, id_number)
     WHERE NOT EXISTS (SELECT 1 FROM insured_person p JOIN insurance_relation r ON r.person_number = p.person_number
       WHERE p.id_number = s.id_number AND r.register_number = s.register_number)`,
    [regs, ids],
  );
  const bareSeconds = (performance.now() - b0) / 1000;
  return {
    staff: o.staff,
    employers,
    pages,
    found,
    expected: bare.rows[0]!.n,
    reminders,
    smsSent: sms,
    seconds: Math.round(seconds * 10) / 10,
    bareSeconds: Math.round(bareSeconds * 10) / 10,
    staffPerSecond: Math.round(o.staff / seconds),
    target: '≤ 60 s for 200,000 staff',
  };
}
