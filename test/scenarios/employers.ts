/**
 * Seeded employers for the register's scenarios (Art. 16): one of a city with traits, never one handed out before in
 * the file, and every item of Art. 16 as its agent would declare them (`agentPhone` to tell reminders apart).
 */
import { registrationBody, type SimEmployer as RegistrableEmployer } from '../support/employer-registration';
import type { Scenario } from './harness';

export interface SimEmployer extends RegistrableEmployer {
  agencyDivisionCode: string;
  traits: string[];
}

export { registrationBody };

export function employerHelpers(scenario: () => Scenario) {
  const handedOut = new Set<string>();
  let sequence = 0;

  /** A seeded employer of `city` with the traits (and the predicate), never one handed out before in this file. */
  async function employer(
    city: string,
    filter: string,
    predicate: (e: SimEmployer) => boolean | Promise<boolean> = () => true,
  ): Promise<SimEmployer> {
    const s = scenario();
    for (let offset: number | null = 0; offset !== null;) {
      const page: { items: SimEmployer[]; nextOffset: number | null } = await s.sim.admin(
        'GET',
        `/employers?limit=200&offset=${offset}&filter=${filter}`,
      );
      for (const e of page.items) {
        if (e.agencyDivisionCode !== city || handedOut.has(e.uscc) || !(await predicate(e))) continue;
        handedOut.add(e.uscc);
        return e;
      }
      offset = page.nextOffset;
    }
    throw new Error(`no employer of ${city} with ${filter}`);
  }

  /** Every item of Art. 16 for a seeded employer, as its agent would declare them. */
  async function registrationOf(e: SimEmployer, change: Record<string, unknown> = {}, agentPhone = '13900000002') {
    const s = scenario();
    const tax = await s.sim.clients.tax.getEmployer(e.uscc);
    sequence += 1;
    return {
      ...registrationBody(e, { foundedOn: tax!.registeredDate, insuredSince: await s.today(), sequence, agentPhone }),
      ...change,
    };
  }

  return { employer, registrationOf };
}
