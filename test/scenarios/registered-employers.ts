/**
 * Employers registered through the API by their own agents (Art. 16), for the scenarios of the register and what it
 * feeds (persons, tax): one of a city without arrears, never one handed out before in the file.
 */
import { employerRegistrationBody, type SimEmployer } from '../support/employer-registration';
import type { Scenario } from './harness';

/** An employer registered through the API by its own agent (Art. 16). */
export interface RegisteredEmployer {
  registerNumber: string;
  uscc: string;
  agencyCode: string;
  agent: Record<string, string>;
}

/**
 * `registeredEmployer(city)`: a seeded employer of `city` without arrears, never one handed out before in the file,
 * registered through the API by its own agent (Art. 16).
 */
export function registeredEmployers(scenario: () => Scenario) {
  const handedOut = new Set<string>();
  return async function registeredEmployer(city: string): Promise<RegisteredEmployer> {
    const s = scenario();
    let found: SimEmployer | undefined;
    for (let offset: number | null = 0; offset !== null && !found;) {
      const page: { items: SimEmployer[]; nextOffset: number | null } = await s.sim.admin(
        'GET',
        `/employers?limit=200&offset=${offset}&filter=!has_arrears`,
      );
      found = page.items.find((e) => e.agencyDivisionCode === city && !handedOut.has(e.uscc));
      offset = page.nextOffset;
    }
    if (!found) throw new Error(`no employer in ${city}`);
    handedOut.add(found.uscc);
    const tax = await s.sim.clients.tax.getEmployer(found.uscc);
    const agent = await s.employerAgent(found.uscc, city);
    const r = await s.call('POST', '/employers', {
      headers: agent,
      body: employerRegistrationBody(found, tax!.registeredDate),
    });
    if (r.status !== 201) throw new Error(`POST /employers: ${r.status} ${JSON.stringify(r.body)}`);
    return { registerNumber: r.body.registerNumber, uscc: found.uscc, agencyCode: city, agent };
  };
}
