import { describe, expect, it } from 'vitest';
import { ClaimRequestSchema } from '../../api/claims/schema';
import { zodFields } from '../../api/errors';
import { claimBody, residentId } from '../support/fixtures';

function fieldsOf(body: unknown) {
  const r = ClaimRequestSchema.safeParse(body);
  return r.success ? [] : zodFields(r.error);
}

describe('the claim request (Art. 34-36, 39, 96)', () => {
  it('accepts a complete claim and normalises identifiers', () => {
    const body = claimBody({
      applicant: {
        idType: 'resident_id_card',
        idNumber: residentId('210102', '19900101', '001').toLowerCase(),
        name: ' 李四 ',
        phone: '13900000000',
      },
    });
    const parsed = ClaimRequestSchema.parse(body);
    expect(parsed.applicant.name).toBe('李四');
    expect(parsed.applicant.idNumber).toBe(residentId('210102', '19900101', '001'));
  });

  it('checks the identity number by kind: GB 11643 check character and birth date, or a passport format (Art. 96)', () => {
    const wrongCheck = residentId().slice(0, 17) + (residentId().endsWith('0') ? '1' : '0');
    expect(
      fieldsOf(
        claimBody({
          applicant: { idType: 'resident_id_card', idNumber: wrongCheck, name: '张三', phone: '13812345678' },
        }),
      ),
    ).toEqual([{ path: 'applicant.idNumber', message: '居民身份证：证件号码校验位不正确' }]);
    const badBirth = residentId('210102', '19850230');
    expect(
      fieldsOf(
        claimBody({
          applicant: { idType: 'social_security_card', idNumber: badBirth, name: '张三', phone: '13812345678' },
        }),
      ),
    ).toHaveLength(1);
    expect(
      fieldsOf(
        claimBody({
          applicant: { idType: 'foreign_passport', idNumber: 'X12345678', name: 'John', phone: '13812345678' },
        }),
      ),
    ).toEqual([]);
    expect(
      fieldsOf(
        claimBody({
          applicant: { idType: 'chinese_passport', idNumber: 'E12-345', name: '张三', phone: '13812345678' },
        }),
      ),
    ).toEqual([{ path: 'applicant.idNumber', message: '中华人民共和国护照：证件号码格式不正确' }]);
  });

  it('checks the employer by its unified social credit code (GB 32100)', () => {
    expect(fieldsOf(claimBody({ employer: { uscc: '91210100MA0XYP12A0', name: 'x' } }))[0]?.path).toBe('employer.uscc');
  });

  it('requires the bank name for a bank account (Art. 39), and digits for the account', () => {
    expect(
      fieldsOf(claimBody({ payment: { method: 'bank_account', accountNumber: '6214830012345678' } as never })),
    ).toEqual([{ path: 'payment.bankName', message: '发放方式为银行账户时必填' }]);
    expect(
      fieldsOf(claimBody({ payment: { method: 'social_security_card', accountNumber: '6214-8300' } }))[0]?.path,
    ).toBe('payment.accountNumber');
  });

  it('refuses a social security card number whose check digit fails, with the rule (Art. 39)', () => {
    expect(
      fieldsOf(claimBody({ payment: { method: 'social_security_card', accountNumber: '6214830012345678' } })),
    ).toEqual([
      { path: 'payment.accountNumber', rule: 'card_check_digit', message: '社会保障卡卡号校验位不正确，请核对卡号' },
    ]);
    // A bank account keeps its looser rule: no Luhn digit required.
    expect(
      fieldsOf(
        claimBody({ payment: { method: 'bank_account', bankName: '某银行', accountNumber: '210100000000123456789' } }),
      ),
    ).toEqual([]);
  });

  it('refuses a separation before 1999-01-22 or before the applicant was 16, naming separation.date (Art. 34)', () => {
    expect(fieldsOf(claimBody({ separation: { date: '1990-06-30', reason: 'contract_expired' } }))).toEqual([
      { path: 'separation.date', rule: 'separation_before_regulation', message: expect.stringMatching(/1999-01-22/) },
    ]);
    const young = claimBody({
      applicant: { ...claimBody().applicant, idNumber: residentId('210102', '20080101', '017') },
      separation: { date: '2023-12-31', reason: 'contract_expired' },
    });
    expect(fieldsOf(young)).toEqual([
      { path: 'separation.date', rule: 'separation_before_working_age', message: expect.stringMatching(/十六周岁/) },
    ]);
    // A passport carries no birth date: only the 条例's date applies.
    const passport = claimBody({
      applicant: { idType: 'foreign_passport', idNumber: 'X12345678', name: 'John Smith', phone: '13812345678' },
      separation: { date: '2000-01-31', reason: 'contract_expired' },
    });
    expect(fieldsOf(passport)).toEqual([]);
  });

  it('refuses markup as a name or an employer name, and takes the middle dot of minority names (Art. 96)', () => {
    const named = (name: string) => claimBody({ applicant: { ...claimBody().applicant, name } });
    expect(fieldsOf(named('<script>alert(1)</script>'))).toEqual([
      { path: 'applicant.name', rule: 'person_name', message: expect.stringMatching(/姓名/) },
    ]);
    expect(fieldsOf(named('阿依古丽·买买提'))).toEqual([]);
    expect(fieldsOf(named(''))).toEqual([{ path: 'applicant.name', message: '不能为空' }]);
    expect(fieldsOf(claimBody({ employer: { uscc: claimBody().employer.uscc, name: '<img src=x>' } }))).toEqual([
      { path: 'employer.name', rule: 'organisation_name', message: expect.stringMatching(/单位名称/) },
    ]);
  });

  it('names every unknown field at its own path', () => {
    const body = { ...claimBody(), extra: 1, applicant: { ...claimBody().applicant, nickname: 'x' } };
    expect(fieldsOf(body)).toEqual([
      { path: 'applicant.nickname', message: '未知字段' },
      { path: 'extra', message: '未知字段' },
    ]);
  });

  it('refuses a date that does not exist and an unknown separation reason', () => {
    expect(fieldsOf(claimBody({ separation: { date: '2026-02-29', reason: 'contract_expired' } }))[0]?.path).toBe(
      'separation.date',
    );
    expect(fieldsOf({ ...claimBody(), separation: { date: '2026-01-31', reason: 'bored' } })[0]?.path).toBe(
      'separation.reason',
    );
  });
});
