/**
 * Temporary price subsidy (价格临时补贴, 规程 Art. 45): paid to beneficiaries when the start condition is met; the agency
 * maintains the local monthly urban minimum living standard (城市低保标准) and the year-on-year rise of SCPI (城镇低收入
 * 居民基本生活费用价格指数), and the amount is computed automatically. Trigger and formula are parameters.
 *
 * Rates are integers in basis points of percent points: CPI up 3.5 % = 350.
 */
import { assertIsoMonth, type IsoDate, type IsoMonth } from '../calendar';
import { ExplanationBuilder, type Calculation } from '../explanation';
import { applyRate, assertFen, ROUNDING_RULE, type Fen } from '../money';
import { resolveParameter } from '../policy/resolve';
import type { PolicyData } from '../policy/schemas';

export interface PriceSubsidyInput {
  /** The month the price data and the subsidy are for. */
  month: IsoMonth;
  /** CPI, same month last year = 100 %, rise in basis points (3.5 % → 350; may be negative). */
  cpiYoyBp: number;
  /** Food component of CPI, rise in basis points. */
  foodCpiYoyBp: number;
  /** SCPI rise in basis points. */
  scpiYoyBp: number;
  /** 同期月均城市低保标准 of the paying locality. */
  urbanMinimumLivingStandardFen: Fen;
}

export interface PriceSubsidyResult {
  triggered: boolean;
  triggeredBy: ('cpi' | 'food_cpi')[];
  amountPerBeneficiaryFen: Fen;
}

/**
 * Art. 45 price subsidy for one beneficiary and month. The parameters are resolved on `determinationDate`: pass the
 * first day of the month the subsidy is for, so the trigger in force for that month applies.
 */
export function calculatePriceSubsidy(
  input: PriceSubsidyInput,
  policy: PolicyData,
  determinationDate: IsoDate,
): Calculation<PriceSubsidyResult> {
  assertIsoMonth(input.month);
  assertFen(input.urbanMinimumLivingStandardFen);
  for (const k of ['cpiYoyBp', 'foodCpiYoyBp', 'scpiYoyBp'] as const) {
    if (!Number.isSafeInteger(input[k])) throw new RangeError(`${k} 须为以基点计的整数`);
  }
  const x = new ExplanationBuilder();
  const trigger = resolveParameter(policy, 'priceSubsidyTrigger', 'national', determinationDate);
  const triggeredBy: PriceSubsidyResult['triggeredBy'] = [];
  if (input.cpiYoyBp >= trigger.value.cpiYoyBp) triggeredBy.push('cpi');
  if (input.foodCpiYoyBp >= trigger.value.foodCpiYoyBp) triggeredBy.push('food_cpi');
  const triggered = triggeredBy.length > 0;
  x.step(
    'Art. 45',
    `满足价格临时补贴启动条件：CPI单月同比涨幅达到${trigger.value.cpiYoyBp / 100}%，或CPI中食品价格单月同比涨幅达到${trigger.value.foodCpiYoyBp / 100}%`,
    { month: input.month, cpiYoyBp: input.cpiYoyBp, foodCpiYoyBp: input.foodCpiYoyBp },
    { triggered, triggeredBy },
    { parameters: [trigger] },
  );

  const formula = resolveParameter(policy, 'priceSubsidyAmount', 'national', determinationDate);
  const amount = triggered && input.scpiYoyBp > 0 ? applyRate(input.urbanMinimumLivingStandardFen, input.scpiYoyBp) : 0;
  x.step(
    'Art. 45',
    '价格临时补贴 = 同期月均城市低保标准 × 城镇低收入居民基本生活费用价格指数(SCPI)同比涨幅',
    {
      urbanMinimumLivingStandardFen: input.urbanMinimumLivingStandardFen,
      scpiYoyBp: input.scpiYoyBp,
      triggered,
    },
    amount,
    { parameters: [formula], rounding: ROUNDING_RULE.text },
  );
  return x.done({ triggered, triggeredBy, amountPerBeneficiaryFen: amount });
}
