/**
 * Plausibility of what people type (Art. 34, 39, 96): a date within the span it can fall in, a card number whose check
 * digit holds, a name that is a name. Each rule answers a stable code (for programs) and the rule in Chinese (for
 * people); the API's schemas name the field (api/claims/schema.ts). Pure functions.
 *
 * | rule | code | source |
 * | --- | --- | --- |
 * | a separation not before 1999-01-22 | `separation_before_regulation` | 《失业保险条例》(国务院令第258号), 1999-01-22 公布施行: contributions under it begin then |
 * | a separation not before the person turned 16 | `separation_before_working_age` | 《劳动法》第十五条: 禁止用人单位招用未满十六周岁的未成年人; the birth date from the GB 11643 number |
 * | a social security card number: 62…, 16-19 digits, Luhn | `card_number_format`, `card_check_digit` | ISO/IEC 7812-1 (Luhn), UnionPay's range 62; below |
 * | a person's name: letters, the middle dot of minority names, no digits or markup | `person_name` | below |
 * | an organisation's name: no markup or control characters | `organisation_name` | |
 *
 * The two dates are facts of law that do not change with time (not policy parameters, POLICY.md): kept here with
 * their source.
 */
import { luhnValid, residentIdBirthDate, type IdentityDocumentKind } from './identity';

export interface RuleBroken {
  code: string;
  message: string;
}

/** 《失业保险条例》 (国务院令第258号) 公布施行之日. */
export const REGULATION_START = '1999-01-22';
/** 《劳动法》第十五条: the youngest age at which a person may be employed. */
export const MINIMUM_WORKING_AGE = 16;

/**
 * The birth date a document number carries (the GB 11643 form: resident ID, social security card, the residence
 * permits of Hong Kong, Macao and Taiwan residents, the 2023 foreigner's permanent residence ID); null for passports
 * and the 2017 permanent residence ID, which carry none.
 */
export function documentBirthDate(kind: IdentityDocumentKind, number: string): string | null {
  if (kind === 'chinese_passport' || kind === 'foreign_passport') return null;
  if (!/^\d{17}[\dX]$/.test(number)) return null;
  return residentIdBirthDate(number);
}

/** The day a person born on `birthDate` turns `years` (29 February → 1 March in a common year, by string order). */
function birthdayAt(birthDate: string, years: number): string {
  return `${String(Number(birthDate.slice(0, 4)) + years).padStart(4, '0')}${birthDate.slice(4)}`;
}

/**
 * Art. 34: a separation ends insured employment, so it falls within the span contributions can exist: not before the
 * 条例 took effect, and not before the person could be employed (16, from the birth date in the ID number).
 */
export function separationDateProblem(date: string, birthDate: string | null): RuleBroken | null {
  if (date < REGULATION_START) {
    return {
      code: 'separation_before_regulation',
      message: `离职日期不能早于${REGULATION_START}（《失业保险条例》施行之日），此前没有失业保险缴费`,
    };
  }
  if (birthDate) {
    const sixteen = birthdayAt(birthDate, MINIMUM_WORKING_AGE);
    if (date < sixteen) {
      return {
        code: 'separation_before_working_age',
        message: `离职日期不能早于${sixteen}：按证件号码中的出生日期，此前申请人未满十六周岁，不能参加工作（《劳动法》第十五条）`,
      };
    }
  }
  return null;
}

/**
 * Art. 39 (失业保险金优先通过社会保障卡发放): paid to a social security card means paid to its financial account, a bank
 * card. Decided here: such a card number is a UnionPay (银联) card number — it starts with 62 (China UnionPay's issuer
 * range under ISO/IEC 7812), has 16 to 19 digits, and ends with the Luhn check digit of ISO/IEC 7812-1. The simulated
 * bank (simulators/README.md) refuses a 62 number failing Luhn as invalid_account, as banks do. That the financial
 * account of every 社会保障卡 is a UnionPay card is our reading of how the cards are issued (人社部 and 人民银行 with the
 * banks), not a text we have: confirmed: false. A bank account (method bank_account) keeps its own looser rule
 * (domain/identity.ts validateBankAccountNumber: settlement and passbook accounts often have no Luhn digit).
 */
export function socialSecurityCardNumberProblem(number: string): RuleBroken | null {
  if (!/^62\d{14,17}$/.test(number)) {
    return { code: 'card_number_format', message: '社会保障卡卡号应为以62开头的16至19位数字（银联卡号）' };
  }
  if (!luhnValid(number)) {
    return { code: 'card_check_digit', message: '社会保障卡卡号校验位不正确，请核对卡号' };
  }
  return null;
}

/**
 * A person's name as written on an identity document: letters of any script (汉字, minority scripts, Latin), the middle
 * dot that separates the parts of a minority or foreign name (·, also typed as •, ・ or ‧), and for foreign names a
 * space, hyphen, apostrophe or full stop between parts. No digits, no markup, no other symbols.
 */
const NAME = /^\p{L}[\p{L}\p{M}]*(?:(?:[·•・‧'’-]|\.\s?|\s)\p{L}[\p{L}\p{M}]*)*\.?$/u;

export function personNameProblem(name: string): RuleBroken | null {
  if (NAME.test(name)) return null;
  return {
    code: 'person_name',
    message: '姓名只能由文字组成，少数民族或外国人姓名的各部分用间隔号“·”分隔，不能包含数字、符号或标记',
  };
}

/** An organisation's name as registered: any text, but no markup (<, >) and no control characters. */
export function organisationNameProblem(name: string): RuleBroken | null {
  if (!/[<>\p{Cc}]/u.test(name) && /\p{L}/u.test(name)) return null;
  return { code: 'organisation_name', message: '单位名称应与登记的名称一致，不能包含“<”“>”等标记或控制字符' };
}
