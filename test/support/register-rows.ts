/**
 * Rows the tests put straight into the register where the API that writes them is not what is tested: a person as the
 * person registration (Art. 19) would register them, and the open task of a case a test completes on a page.
 */
import { residentIdBirthDate, residentIdSex } from '../../domain/identity';
import type { Person } from './claimants';
import type { TestDatabase } from './db';

/** The person in insured_person (Art. 19), with `personNumber` at `agencyCode`. */
export async function insertInsuredPerson(
  tdb: Pick<TestDatabase, 'sql'>,
  p: Pick<Person, 'idNumber' | 'name' | 'mobile' | 'hukouDivisionCode'>,
  o: { personNumber: string; agencyCode: string; insuredSince?: string; status?: string },
): Promise<void> {
  await tdb.sql(
    `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
       hukou_address, residence, insured_since, agency_code, status, registered_at, updated_at)
     VALUES ($1, 'resident_id_card', $2, $3, $4, $5, $6, $7, '辽宁省', '辽宁省', $8, $9, $10, now(), now())`,
    [
      o.personNumber,
      p.idNumber,
      p.name,
      residentIdSex(p.idNumber),
      residentIdBirthDate(p.idNumber),
      p.mobile,
      p.hukouDivisionCode,
      o.insuredSince ?? '2010-01-01',
      o.agencyCode,
      o.status ?? 'suspended',
    ],
  );
}

/** The ID of the case's open task of `type`, once the workflow has opened it (about 15 s at most). */
export async function openTaskId(tdb: Pick<TestDatabase, 'sql'>, caseNumber: string, type: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const rows = await tdb.sql<{ id: string }>(
      "SELECT id FROM task WHERE case_number = $1 AND type = $2 AND status = 'open'",
      [caseNumber, type],
    );
    if (rows[0]) return rows[0].id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no open ${type} task for ${caseNumber}`);
}
