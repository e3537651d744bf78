/**
 * The one builder of registration bodies for tests: every item of Art. 16 for a simulator employer, as its agent
 * declares them online (POST /employers), and of Art. 19 for a simulator person as the employer declares them.
 * `test/support/employers.ts` and `test/scenarios/employers.ts` call it with their own seeds.
 */
import { generateResidentId, residentIdBirthDate, residentIdSex } from '../../domain/identity';
import type { Person } from './claimants';

export interface SimEmployer {
  uscc: string;
  name: string;
  type: string;
  agencyDivisionCode?: string;
  bankAccount: { bankName: string; accountName: string; accountNumber: string };
}

export interface RegistrationSeed {
  foundedOn: string;
  insuredSince: string;
  /** Tells the legal representative's and the agent's ID numbers apart (0-499). */
  sequence: number;
  agentPhone?: string;
}

/** Every item of Art. 16 for a seeded employer, as its agent would declare them. */
export function registrationBody(e: SimEmployer, o: RegistrationSeed) {
  const day = (o.sequence % 9) + 1;
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
      idNumber: generateResidentId({ birthDate: `1970-05-0${day}`, sequence: o.sequence % 500 }),
      phone: '13800000001',
    },
    agent: {
      name: '李娜',
      idType: 'resident_id_card',
      idNumber: generateResidentId({ birthDate: `1988-08-0${day}`, sequence: o.sequence % 500, sex: 'female' }),
      phone: o.agentPhone ?? '13900000002',
    },
  };
}

let sequence = 0;
/** An employer registered as insured since the day it was founded (`registeredDate`). */
export function employerRegistrationBody(e: SimEmployer, registeredDate: string) {
  sequence += 1;
  return registrationBody(e, { foundedOn: registeredDate, insuredSince: registeredDate, sequence: 100 + sequence });
}

/** Every item of Art. 19 for a simulator person, as the employer declares them online (增员), with changes. */
export function personRegistrationBody(
  p: Pick<Person, 'idNumber' | 'name' | 'mobile' | 'hukouDivisionCode'>,
  hiredOn: string,
  change: Record<string, unknown> = {},
) {
  return {
    channel: 'online',
    idType: 'resident_id_card',
    idNumber: p.idNumber,
    name: p.name,
    sex: residentIdSex(p.idNumber),
    birthDate: residentIdBirthDate(p.idNumber),
    phone: p.mobile,
    hukouDivision: p.hukouDivisionCode,
    hukouAddress: '辽宁省沈阳市和平区某街道',
    residence: '辽宁省沈阳市沈河区某小区1号楼',
    insuredSince: hiredOn,
    hiredOn,
    ...change,
  };
}
