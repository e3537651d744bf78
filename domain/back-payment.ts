/**
 * 补收补缴 (Art. 26): the arrears of an employer's owed months, assessed from the pension insurance base of those months
 * (养老保险缴费基数), the headcount (参保人数) and the unemployment-insurance rates in force in each month, with the late
 * fee of 社会保险法 Art. 86 (万分之五 per day from the day after the due date). Pure: the bases, the rates and the rules
 * come in, the assessment and its explanation go out.
 *
 * Rounding (all money integer fen): each person's employer share and personal share of a month are rounded half up
 * to the fen on their own (base × rate ÷ 10000); a month's amount is the sum of its persons' shares; a month's late
 * fee is its amount × daily rate × days ÷ 10000, rounded half up once per month. The total is the sum of the months.
 */

/** One person's pension base in an owed month, as the pension system has it (the record prevails). */
export interface PersonBase {
  idNumber: string;
  baseFen: number;
}

/** A rate in force in a month, with where it comes from. */
export interface RateInForce {
  rateBp: number;
  effectiveFrom: string;
  document: string;
  article: string;
  confirmed: boolean;
}

export interface BackPaymentMonthInput {
  month: string;
  persons: readonly PersonBase[];
  employerRate: RateInForce;
  personRate: RateInForce;
}

export interface BackPaymentRules {
  /** The contribution of month M is due on the last day of month M + `monthsAfter`. */
  dueMonthsAfter: number;
  /** 滞纳金 per calendar day, in basis points of the amount owed (万分之五 = 5). */
  lateFeeDailyBp: number;
  lateFeeConfirmed: boolean;
  dueDateConfirmed: boolean;
}

export interface AssessedPersonMonth {
  idNumber: string;
  month: string;
  baseFen: number;
  employerShareFen: number;
  personShareFen: number;
  amountFen: number;
}

export interface AssessedMonth {
  month: string;
  insuredCount: number;
  baseTotalFen: number;
  employerRateBp: number;
  personRateBp: number;
  employerShareFen: number;
  personShareFen: number;
  amountFen: number;
  dueDate: string;
  /** Calendar days from the day after the due date through `lateFeeThrough` (0 when not late yet). */
  lateDays: number;
  lateFeeFen: number;
  rates: { employer: RateInForce; person: RateInForce };
}

export interface BackPaymentAssessment {
  months: AssessedMonth[];
  persons: AssessedPersonMonth[];
  contributionsFen: number;
  lateFeeFen: number;
  totalFen: number;
  lateFeeThrough: string;
  /** Each figure's rule, in the words a clerk checks it by. */
  explanation: string[];
}

/** Half up to the fen: `numerator ÷ denominator` for non-negative integers. */
export function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

const DAY_MS = 86_400_000;
const utc = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));

/** The last day of month `month` + `after` (YYYY-MM), as YYYY-MM-DD. */
export function lastDayOfMonthAfter(month: string, after: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + after; // 0-based month index of the due month
  const last = new Date(Date.UTC(y, m + 1, 0));
  return last.toISOString().slice(0, 10);
}

/** Calendar days after `from` through `to` (0 when `to` is not after `from`). */
export function daysAfter(from: string, to: string): number {
  return Math.max(0, Math.round((utc(to) - utc(from)) / DAY_MS));
}

const yuan = (fen: number) => (fen / 100).toFixed(2);
const pct = (bp: number) => `${bp / 100}%`;

/** Art. 26, 社会保险法 Art. 86: the assessment of the owed months, late fee counted through `lateFeeThrough`. */
export function assessBackPayment(
  months: readonly BackPaymentMonthInput[],
  rules: BackPaymentRules,
  lateFeeThrough: string,
): BackPaymentAssessment {
  const assessed: AssessedMonth[] = [];
  const persons: AssessedPersonMonth[] = [];
  const explanation: string[] = [
    '第二十六条：按欠费对应期的养老保险缴费基数、参保人数和失业保险缴费比例核定欠费；每人每月单位部分、个人部分分别按“基数×费率÷10000”四舍五入到分。',
    `社会保险法第八十六条：自欠缴之日起按日加收万分之${rules.lateFeeDailyBp}的滞纳金，计至${lateFeeThrough}；每月滞纳金四舍五入到分。`,
  ];
  for (const m of [...months].sort((a, b) => a.month.localeCompare(b.month))) {
    let employerShareFen = 0;
    let personShareFen = 0;
    let baseTotalFen = 0;
    for (const p of [...m.persons].sort((a, b) => a.idNumber.localeCompare(b.idNumber))) {
      const e = divideHalfUp(p.baseFen * m.employerRate.rateBp, 10_000);
      const i = divideHalfUp(p.baseFen * m.personRate.rateBp, 10_000);
      persons.push({
        idNumber: p.idNumber,
        month: m.month,
        baseFen: p.baseFen,
        employerShareFen: e,
        personShareFen: i,
        amountFen: e + i,
      });
      employerShareFen += e;
      personShareFen += i;
      baseTotalFen += p.baseFen;
    }
    const amountFen = employerShareFen + personShareFen;
    const dueDate = lastDayOfMonthAfter(m.month, rules.dueMonthsAfter);
    const lateDays = daysAfter(dueDate, lateFeeThrough);
    const lateFeeFen = divideHalfUp(amountFen * rules.lateFeeDailyBp * lateDays, 10_000);
    assessed.push({
      month: m.month,
      insuredCount: m.persons.length,
      baseTotalFen,
      employerRateBp: m.employerRate.rateBp,
      personRateBp: m.personRate.rateBp,
      employerShareFen,
      personShareFen,
      amountFen,
      dueDate,
      lateDays,
      lateFeeFen,
      rates: { employer: m.employerRate, person: m.personRate },
    });
    explanation.push(
      `${m.month}：${m.persons.length}人，基数合计${yuan(baseTotalFen)}元，单位费率${pct(m.employerRate.rateBp)}、个人费率${pct(m.personRate.rateBp)}` +
        `（${m.employerRate.document}${m.employerRate.confirmed ? '' : '，未核实'}），应缴${yuan(amountFen)}元；` +
        `${dueDate}到期，逾期${lateDays}天，滞纳金${yuan(lateFeeFen)}元。`,
    );
  }
  const contributionsFen = assessed.reduce((n, m) => n + m.amountFen, 0);
  const lateFeeFen = assessed.reduce((n, m) => n + m.lateFeeFen, 0);
  return {
    months: assessed,
    persons,
    contributionsFen,
    lateFeeFen,
    totalFen: contributionsFen + lateFeeFen,
    lateFeeThrough,
    explanation,
  };
}
