/**
 * Seeded employers for the register's scenarios (Art. 16): one of a city with traits, never one handed out before in
 * the file, and every item of Art. 16 as its agent would declare them (`agentPhone` to tell reminders apart).
 */
import { generateResidentId } from '../../domain/identity';
import type { Scenario } from './harness';

export interface SimEmployer {
  uscc: string;
  name: string;
  type: string;
  agencyDivisionCode: string;
  traits: string[];
  bankAccount: { bankName: string; accountName: string; accountNumber: string };
}

export function employerHelpers(scenario: () => Scenario) {
  const handedOut = new Set<string>();
  let sequence = 0;

  /** A seeded employer of `city` with the traits (and the predicate), never one handed out before in this file. */
  async function employer(
    city: string,
    filter: string,
    predicate: (e: SimEmployer) => boolean | Promise<boolean> = () => true,
  ): Promise<SimEmployer> {
    const s = scenario();
    for (let offset: number | null = 0; offset !== null;) {
      const page: { items: SimEmployer[]; nextOffset: number | null } = await s.sim.admin(
        'GET',
        `/employers?limit=200&offset=${offset}&filter=${filter}`,
      );
      for (const e of page.items) {
        if (e.agencyDivisionCode !== city || handedOut.has(e.uscc) || !(await predicate(e))) continue;
        handedOut.add(e.uscc);
        return e;
      }
      offset = page.nextOffset;
    }
    throw new Error(`no employer of ${city} with ${filter}`);
  }

  /** Every item of Art. 16 for a seeded employer, as its agent would declare them. */
  async function registrationOf(e: SimEmployer, change: Record<string, unknown> = {}, agentPhone = '13900000002') {
    const s = scenario();
    const tax = await s.sim.clients.tax.getEmployer(e.uscc);
    sequence += 1;
    return {
      ...registrationBody(e, { foundedOn: tax!.registeredDate, insuredSince: await s.today(), sequence, agentPhone }),
      ...change,
    };
  }

  return { employer, registrationOf };
}

/** Every item of Art. 16 for a seeded employer (its tax record's founding day), as its agent would declare them. */
export function registrationBody(
  e: SimEmployer,
  o: { foundedOn: string; insuredSince: string; sequence: number; agentPhone: string },
) {
  const { sequence } = o;
  return {
    channel: 'online',
    codeType: 'uscc',
    code: e.uscc,
    name: e.name,
    nature: e.type,
    economicType: '150',
    industry: 'C',
    registrationAuthority: '沈阳市市场监督管理局',
    foundedOn: o.foundedOn,
    insuredSince: o.insuredSince,
    address: '沈阳市和平区南京北街1号',
    phone: '024-23456789',
    email: 'hr@example.cn',
    bankAccount: {
      bankName: e.bankAccount.bankName,
      bankCode: '102221000011',
      accountName: e.bankAccount.accountName,
      accountNumber: e.bankAccount.accountNumber,
    },
    legalRepresentative: {
      name: '王建国',
      idType: 'resident_id_card',
      idNumber: generateResidentId({ birthDate: '1970-05-0' + ((sequence % 9) + 1), sequence }),
      phone: '13800000001',
    },
    agent: {
      name: '李娜',
      idType: 'resident_id_card',
      idNumber: generateResidentId({ birthDate: '1988-08-0' + ((sequence % 9) + 1), sequence, sex: 'female' }),
      phone: o.agentPhone,
    },
  };
}
