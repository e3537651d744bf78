/**
 * Contribution records (Art. 23-25, 32): the rules the store and the reconciliation follow, without I/O.
 *
 * A record is one person's contribution to one employer for one contribution month (费款所属期): the natural key is
 * (ID number, employer USCC, month). Art. 25 lists what it holds: the employer's name, the base, the amount paid, the
 * month and the receipt date. The employer-month record (单位缴费信息) is the sum of its staff's records.
 */

/** Art. 25 个人缴费信息 as the agency keeps it (money in fen, month YYYY-MM, receipt date YYYY-MM-DD). */
export interface ContributionRecordRow {
  idNumber: string;
  employerUscc: string;
  employerName: string;
  month: string;
  baseFen: number;
  amountPaidFen: number;
  receiptDate: string;
  /** 补缴 (Art. 26): paid after its due date. */
  backPayment: boolean;
  /** The platform's sequence number (feed items only). */
  taxSeq: number | null;
}

/** Art. 25 单位缴费信息: one employer-month. */
export interface EmployerMonthTotals {
  employerUscc: string;
  month: string;
  /** 缴费人数 */
  insuredCount: number;
  baseTotalFen: number;
  amountPaidTotalFen: number;
}

export const naturalKey = (r: Pick<ContributionRecordRow, 'idNumber' | 'employerUscc' | 'month'>) =>
  `${r.idNumber}/${r.employerUscc}/${r.month}`;

/**
 * One row per natural key: a page that carries the same record twice (asked twice, or changed since) keeps the item
 * the platform sent last (the highest sequence number; without one, the later in the page).
 */
export function latestPerKey(rows: readonly ContributionRecordRow[]): ContributionRecordRow[] {
  const kept = new Map<string, ContributionRecordRow>();
  for (const row of rows) {
    const key = naturalKey(row);
    const had = kept.get(key);
    if (!had || (row.taxSeq ?? Infinity) >= (had.taxSeq ?? -Infinity)) kept.set(key, row);
  }
  return [...kept.values()];
}

/** A receipt before the month it pays for cannot be (the platform garbled the row). */
export function receiptFollowsMonth(month: string, receiptDate: string): boolean {
  return receiptDate >= `${month}-01`;
}

export interface ReconciliationDifference {
  employerUscc: string;
  month: string;
  kept: Omit<EmployerMonthTotals, 'employerUscc' | 'month'>;
  tax: Omit<EmployerMonthTotals, 'employerUscc' | 'month'>;
}

/**
 * Art. 24, 25: the employer-months whose kept records do not add up to the platform's totals (headcount, bases,
 * amounts paid). An employer-month the agency keeps nothing of counts as zeros.
 */
export function reconcile(
  kept: readonly EmployerMonthTotals[],
  tax: readonly EmployerMonthTotals[],
): ReconciliationDifference[] {
  const zero = { insuredCount: 0, baseTotalFen: 0, amountPaidTotalFen: 0 };
  const ours = new Map(kept.map((k) => [`${k.employerUscc}/${k.month}`, k]));
  const out: ReconciliationDifference[] = [];
  for (const t of tax) {
    const k = ours.get(`${t.employerUscc}/${t.month}`) ?? { ...zero, employerUscc: t.employerUscc, month: t.month };
    if (
      k.insuredCount !== t.insuredCount ||
      k.baseTotalFen !== t.baseTotalFen ||
      k.amountPaidTotalFen !== t.amountPaidTotalFen
    ) {
      out.push({
        employerUscc: t.employerUscc,
        month: t.month,
        kept: { insuredCount: k.insuredCount, baseTotalFen: k.baseTotalFen, amountPaidTotalFen: k.amountPaidTotalFen },
        tax: { insuredCount: t.insuredCount, baseTotalFen: t.baseTotalFen, amountPaidTotalFen: t.amountPaidTotalFen },
      });
    }
  }
  return out;
}
