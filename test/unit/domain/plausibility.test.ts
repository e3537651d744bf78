/**
 * Plausibility rules on input (Art. 34, 39, 96; domain/plausibility.ts): each rule with its stable code and its text.
 */
import { describe, expect, it } from 'vitest';
import {
  documentBirthDate,
  organisationNameProblem,
  personNameProblem,
  separationDateProblem,
  socialSecurityCardNumberProblem,
} from '../../../domain/plausibility';
import { residentId } from '../../support/fixtures';

describe('a separation date within the span contributions can exist (Art. 34)', () => {
  it('refuses a separation before the 条例 took effect on 1999-01-22, accepts that day', () => {
    expect(separationDateProblem('1990-06-30', null)).toMatchObject({ code: 'separation_before_regulation' });
    expect(separationDateProblem('1999-01-21', null)?.message).toMatch(/1999-01-22.*《失业保险条例》/);
    expect(separationDateProblem('1999-01-22', null)).toBeNull();
  });

  it('refuses a separation before the applicant turned 16 (劳动法 第十五条), from the birth date in the ID number', () => {
    const birth = documentBirthDate('resident_id_card', residentId('210102', '20080315', '011'));
    expect(birth).toBe('2008-03-15');
    expect(separationDateProblem('2024-03-14', birth)).toMatchObject({
      code: 'separation_before_working_age',
      message: expect.stringMatching(/2024-03-15.*十六周岁/),
    });
    expect(separationDateProblem('2024-03-15', birth)).toBeNull();
    // Born on 29 February: 16 on 1 March of a common year, by the order of the dates.
    expect(separationDateProblem('2020-02-29', '2004-02-29')).toBeNull();
    expect(separationDateProblem('2020-02-28', '2004-02-29')).not.toBeNull();
  });

  it('knows the birth date of the documents that carry one, and none of passports', () => {
    const id = residentId('210102', '19800101', '001');
    expect(documentBirthDate('social_security_card', id)).toBe('1980-01-01');
    expect(documentBirthDate('chinese_passport', 'E12345678')).toBeNull();
    expect(documentBirthDate('foreign_permanent_residence_id', 'USA123456789012')).toBeNull();
  });
});

describe('a social security card number with its check digit (Art. 39)', () => {
  it('accepts a UnionPay card number (62…, 16-19 digits) whose Luhn check digit holds', () => {
    expect(socialSecurityCardNumberProblem('6214830012055678')).toBeNull();
    expect(socialSecurityCardNumberProblem('6217000000000000004')).toBeNull(); // 19 digits
  });

  it('refuses a wrong check digit, and a number that is not a UnionPay card number', () => {
    expect(socialSecurityCardNumberProblem('6214830012345678')).toMatchObject({ code: 'card_check_digit' });
    expect(socialSecurityCardNumberProblem('4111111111111111')).toMatchObject({ code: 'card_number_format' });
    expect(socialSecurityCardNumberProblem('621483001205567')).toMatchObject({ code: 'card_number_format' });
  });
});

describe('a name that is a name (Art. 96)', () => {
  it('accepts Chinese names, minority names with the middle dot, and foreign names', () => {
    for (const name of [
      '张三',
      '欧阳娜娜',
      '阿依古丽·买买提',
      '阿依古丽•买买提',
      '𠮷野家',
      'John Smith',
      "O'Brien",
      'Jean-Luc Picard',
      'J. R. Smith',
    ]) {
      expect(personNameProblem(name), name).toBeNull();
    }
  });

  it('refuses markup, digits and symbols', () => {
    for (const name of ['<script>', '<b>张三</b>', '张三1', '张三;', '·张三', '张三··李', '张 ', '"张三"', 'a&b']) {
      expect(personNameProblem(name), name).toMatchObject({
        code: 'person_name',
        message: expect.stringMatching(/姓名/),
      });
    }
  });

  it('takes an organisation name as registered, without markup or control characters', () => {
    expect(organisationNameProblem('沈阳某机械有限公司（第一分公司）')).toBeNull();
    expect(organisationNameProblem('3M中国有限公司')).toBeNull();
    expect(organisationNameProblem('<script>alert(1)</script>')).toMatchObject({ code: 'organisation_name' });
    expect(organisationNameProblem('某公司\u0007')).toMatchObject({ code: 'organisation_name' });
    expect(organisationNameProblem('123')).toMatchObject({ code: 'organisation_name' });
  });
});
