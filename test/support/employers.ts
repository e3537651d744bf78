/**
 * Every item of Art. 16 for a simulator's employer, as its agent declares them online (POST /employers): for tests
 * that need employers registered through the API (the entitlement record's scenarios and page).
 */
import { generateResidentId } from '../../domain/identity';
import type { TaxEmployer } from '../../integrations/tax';

export function employerRegistrationBody(tax: TaxEmployer, sequence: number) {
  const day = (sequence % 9) + 1;
  return {
    channel: 'online',
    codeType: 'uscc',
    code: tax.uscc,
    name: tax.name,
    nature: tax.type,
    economicType: '150',
    industry: 'C',
    registrationAuthority: '沈阳市市场监督管理局',
    foundedOn: tax.registeredDate,
    insuredSince: tax.registeredDate,
    address: '沈阳市和平区南京北街1号',
    phone: '024-23456789',
    email: 'hr@example.cn',
    bankAccount: {
      bankName: tax.bankAccount.bankName,
      bankCode: '102221000011',
      accountName: tax.bankAccount.accountName,
      accountNumber: tax.bankAccount.accountNumber,
    },
    legalRepresentative: {
      name: '王建国',
      idType: 'resident_id_card',
      idNumber: generateResidentId({ birthDate: `1970-05-0${day}`, sequence: 400 + (sequence % 99) }),
      phone: '13800000001',
    },
    agent: {
      name: '李娜',
      idType: 'resident_id_card',
      idNumber: generateResidentId({ birthDate: `1988-08-0${day}`, sequence: 400 + (sequence % 99), sex: 'female' }),
      phone: '13900000002',
    },
  };
}
