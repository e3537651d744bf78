/**
 * A claim's facts and inputs as the verdict reads them (domain/claim-verdict.ts): a Shenyang person with a recorded
 * separation and `paid` months of contributions up to it. Shared by the verdict's tests and the pages' explanation test.
 */
import { addMonthsToMonth } from '../../../domain/calendar';
import type { ClaimFacts, ClaimInputs } from '../../../domain/claim-verdict';

export const DATE = '2026-12-06';
export const EMPLOYER = '91210100MA0XYP12AD';
export const OTHER = '91210200MA0XYP12AE';

/** A Shenyang person with `paid` months of contributions up to the month of a recorded separation. */
export function facts(paid = 36, over: Partial<ClaimFacts> = {}, separation = '2026-10-31'): ClaimFacts {
  const last = separation.slice(0, 7);
  return {
    gatheredOn: DATE,
    declared: {
      separationDate: separation,
      separationReason: 'contract_expired',
      employerUscc: EMPLOYER,
      payingLocality: { basis: 'last_insured', agencyCode: '210100' },
    },
    hukou: { result: 'match', hukouDivisionCode: '210102', registrationStatus: 'active' },
    tax: {
      employments: [
        { employerUscc: EMPLOYER, startDate: '2015-01-01', endDate: separation, separationReason: 'contract_expired' },
      ],
      employerDivisions: { [EMPLOYER]: '210100' },
      paid: Array.from({ length: paid }, (_, i) => ({
        employerUscc: EMPLOYER,
        month: addMonthsToMonth(last, -i),
        amountFen: 5000,
      })),
      arrears: [],
    },
    pension: { receivesPension: false, startDate: null },
    employment: { employed: false, startDate: null },
    civil: { deceased: false, dateOfDeath: null },
    system: { activePeriodCaseNumber: null },
    ...over,
  };
}
export const inputs = (over: Partial<ClaimInputs> = {}): ClaimInputs => ({
  applicationDate: DATE,
  suppliedMaterials: [],
  waivedMonths: [],
  rulings: [],
  ...over,
});
