/**
 * Every item of Art. 16 for a simulator employer, as its agent declares them online, and of Art. 19 for a simulator
 * person as the employer declares them (for tests of the register).
 */
import { residentIdBirthDate, residentIdCheckChar, residentIdSex } from '../../domain/identity';
import type { Person } from './claimants';

export interface SimEmployer {
  uscc: string;
  name: string;
  type: string;
  agencyDivisionCode: string;
  bankAccount: { bankName: string; accountName: string; accountNumber: string };
}

let sequence = 0;
export function employerRegistrationBody(e: SimEmployer, registeredDate: string) {
  sequence += 1;
  const id = (birth: string) => {
    const first17 = `210102${birth}${String(100 + (sequence % 900)).slice(-3)}`;
    return first17 + residentIdCheckChar(first17);
  };
  return {
    channel: 'online',
    codeType: 'uscc',
    code: e.uscc,
    name: e.name,
    nature: e.type,
    economicType: '150',
    industry: 'C',
    registrationAuthority: '市场监督管理局',
    foundedOn: registeredDate,
    insuredSince: registeredDate,
    address: '辽宁省某市某区某街1号',
    phone: '024-23456789',
    email: 'hr@example.cn',
    bankAccount: { ...e.bankAccount, bankCode: '102221000011' },
    legalRepresentative: { name: '王建国', idType: 'resident_id_card', idNumber: id('19700505'), phone: '13800000001' },
    agent: { name: '李娜', idType: 'resident_id_card', idNumber: id('19880808'), phone: '13900000002' },
  };
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
