/**
 * Art. 50: what the tax platform says of a person's insurance now: the employments and paid months, the employer the
 * person is insured with (`currentInsuredEmployer`) and that employer's city agency (参保地). Read once by the API to
 * refuse an application that is not for the applicant to make or goes to the wrong agency, and again by the automatic
 * review, whose record prevails; both judge it with `skillSubsidyParties`.
 */
import { cityOf } from '../domain/calculators/benefit';
import type { IsoDate } from '../domain/calendar';
import { currentInsuredEmployer, type InsuredEmployer } from '../domain/subsidies';
import type { CallOptions } from '../integrations/http';
import type { TaxClient } from '../integrations/tax';

export type InsuranceSource = Pick<TaxClient, 'getEmployer' | 'getPersonEmployments' | 'getPersonContributions'>;

export async function insuranceOf(tax: InsuranceSource, idNumber: string, asOf: IsoDate, options?: CallOptions) {
  const [employments, contributions] = await Promise.all([
    tax.getPersonEmployments(idNumber, options),
    tax.getPersonContributions(idNumber, {}, options),
  ]);
  const current = currentInsuredEmployer(employments.employments, contributions.records, asOf);
  const registration = current ? await tax.getEmployer(current.uscc, options) : null;
  // The city agency of a Liaoning division code; an employer registered elsewhere keeps its own code (another place).
  const code = registration?.agencyDivisionCode;
  const insured: InsuredEmployer | null = current && {
    uscc: current.uscc,
    name: registration?.name ?? current.name,
    agencyCode: code ? (/^21\d{4}$/.test(code) ? cityOf(code) : code) : null,
  };
  return { employments: employments.employments, contributions: contributions.records, insured };
}
