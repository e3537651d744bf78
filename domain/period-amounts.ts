/**
 * Art. 38 para 2: a benefit period's monthly amount, corrected from a month on (through an objection, Art. 13). Pure:
 * shared by the period's workflow (the months it queues itself) and the city's monthly comparison (the others).
 */

/** A corrected amount in force from `fromMonth` ('YYYY-MM') on. */
export type AmountChange = { fromMonth: string; amountFen: number };

/** The amount of `month`: the latest change in force from it, else the determination's `monthlyAmountFen`. */
export function amountOfMonth(changes: readonly AmountChange[], monthlyAmountFen: number, month: string): number {
  return [...changes].reverse().find((c) => c.fromMonth <= month)?.amountFen ?? monthlyAmountFen;
}
