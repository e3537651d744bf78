/**
 * An employer of the tax simulator registered through the API (POST /employers) as insured since its founding: for
 * tests that need registered employers (the entitlement record's scenarios and page). The body: the one builder.
 */
import type { TaxEmployer } from '../../integrations/tax';
import { registrationBody } from './employer-registration';

export function employerRegistrationBody(tax: TaxEmployer, sequence: number) {
  return registrationBody(tax, {
    foundedOn: tax.registeredDate,
    insuredSince: tax.registeredDate,
    sequence: 400 + (sequence % 99),
  });
}
