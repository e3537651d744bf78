/**
 * Claimants from the simulators' seeded people: find people with given traits and build the claim they would file
 * (their own identity, last employer, separation, the paying city of their last employer, their bank card).
 */
import type { ClaimRequest } from '../../api/claims/schema';
import { cityOf } from '../../domain/calculators/benefit';
import type { SeparationReason } from '../../domain/separation';
import type { RunningSimulator } from '../sources/support';

export interface Person {
  index: number;
  idNumber: string;
  name: string;
  mobile: string;
  hukouDivisionCode: string;
  traits: string[];
  paidMonths: number;
  lastEmployerUscc: string | null;
  separationDate: string | null;
  separationReason: SeparationReason | null;
  bankAccount: { accountNumber: string; bankName: string };
  bankOutcome: string;
}

/** The first `count` people matching the simulator's trait filter and the predicate, scanning in pages. */
export async function findPeople(
  sim: RunningSimulator,
  filter: string,
  count: number,
  predicate: (p: Person) => boolean = () => true,
): Promise<Person[]> {
  const found: Person[] = [];
  let offset = 0;
  while (found.length < count) {
    const page = await sim.admin<{ items: Person[]; nextOffset: number | null }>(
      'GET',
      `/persons?limit=200&offset=${offset}&filter=${filter}`,
    );
    found.push(...page.items.filter(predicate).slice(0, count - found.length));
    if (page.nextOffset === null) break;
    offset = page.nextOffset;
  }
  if (found.length < count) throw new Error(`only ${found.length} people with ${filter}`);
  return found;
}

/** The claim `person` files through `channel`, paid in the city of their last employer (Art. 35, 36). */
export async function claimOf(
  sim: RunningSimulator,
  person: Person,
  channel: ClaimRequest['channel'] = 'online',
): Promise<ClaimRequest> {
  const employer = await sim.clients.tax.getEmployer(person.lastEmployerUscc!);
  if (!employer || !person.separationDate || !person.separationReason)
    throw new Error(`person ${person.index} has no separation`);
  return {
    channel,
    applicant: { idType: 'resident_id_card', idNumber: person.idNumber, name: person.name, phone: person.mobile },
    employer: { uscc: employer.uscc, name: employer.name },
    separation: { date: person.separationDate, reason: person.separationReason },
    payingLocality: { basis: 'last_insured', agencyCode: cityOf(employer.agencyDivisionCode) },
    payment: { method: 'social_security_card', accountNumber: person.bankAccount.accountNumber },
  };
}
