/** The simulated world comes from the seed alone: same seed, same data; plausible identifiers; lazy generation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMainlandMobile, isValidResidentIdNumber, isValidUscc, residentIdBirthDate } from '../../domain/identity';
import { createSimulatorApp } from '../../simulators/app';
import type { PersonSummary, RunningSimulator } from './support';
import { findPerson, startSimulator } from './support';

let a: RunningSimulator;
let b: RunningSimulator;
let c: RunningSimulator;
beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startSimulator({ seed: 'same-seed' }),
    startSimulator({ seed: 'same-seed' }),
    startSimulator({ seed: 'other-seed' }),
  ]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), c.close()]);
});

const page = (sim: RunningSimulator, query: string) =>
  sim.admin<{ items: PersonSummary[] }>('GET', `/persons?${query}`).then((p) => p.items);

describe('determinism', () => {
  it('serves identical persons, contributions and employers from two instances with the same seed', async () => {
    const [fromA, fromB] = await Promise.all([page(a, 'limit=200'), page(b, 'limit=200')]);
    expect(fromB).toEqual(fromA);
    const eligible = await findPerson(a, 'eligible,has_arrears');
    const [contribA, contribB] = await Promise.all([
      a.clients.tax.getPersonContributions(eligible.idNumber),
      b.clients.tax.getPersonContributions(eligible.idNumber),
    ]);
    expect(contribA.records.length).toBeGreaterThan(0);
    expect(contribB).toEqual(contribA);
    const [employerA, employerB] = await Promise.all([
      a.clients.tax.getEmployerStaff(eligible.lastEmployerUscc!),
      b.clients.tax.getEmployerStaff(eligible.lastEmployerUscc!),
    ]);
    expect(employerB).toEqual(employerA);
  });

  it('serves different data under a different seed', async () => {
    const [fromA, fromC] = await Promise.all([page(a, 'limit=50'), page(c, 'limit=50')]);
    const idsA = new Set(fromA.map((p) => p.idNumber));
    expect(fromC.filter((p) => idsA.has(p.idNumber)).length).toBeLessThan(5);
    expect(fromC.map((p) => p.name)).not.toEqual(fromA.map((p) => p.name));
    const person = fromA[0]!;
    expect(await c.clients.hukou.checkIdentity({ idNumber: person.idNumber, name: person.name })).toEqual({
      result: 'not_found',
    });
  });
});

describe('plausible data (Art. 16, 19)', () => {
  it('gives valid resident IDs (GB 11643), mostly Liaoning hukou, mobiles, and valid USCCs (GB 32100)', async () => {
    const persons = await page(a, 'limit=1000');
    expect(persons).toHaveLength(1000);
    expect(persons.every((p) => isValidResidentIdNumber(p.idNumber))).toBe(true);
    expect(new Set(persons.map((p) => p.idNumber)).size).toBe(1000);
    expect(persons.every((p) => p.idNumber.startsWith(p.hukouDivisionCode))).toBe(true);
    expect(persons.every((p) => residentIdBirthDate(p.idNumber)! <= '2004-12-31')).toBe(true);
    expect(persons.every((p) => isMainlandMobile(p.mobile))).toBe(true);
    expect(persons.every((p) => /^[\u4e00-\u9fff]{2,3}$/.test(p.name))).toBe(true);
    const liaoning = persons.filter((p) => /^21(0[1-9]|1[0-4])00$/.test(p.hukouDivisionCode)).length;
    expect(liaoning / persons.length).toBeGreaterThan(0.85);
    const employers = persons.map((p) => p.lastEmployerUscc).filter((u): u is string => u !== null);
    expect(employers.length).toBeGreaterThan(800);
    expect(employers.every(isValidUscc)).toBe(true);
  });

  it('covers the histories the rules need: short, overlapping, gaps, > 10 years, arrears, back payments', async () => {
    const histories = [
      'short_history',
      'long_history',
      'overlapping_months',
      'contribution_gaps',
      'has_arrears',
      'back_payments',
      'involuntary_separation',
      'voluntary_separation',
    ];
    for (const trait of histories) {
      const person = await findPerson(a, trait);
      expect(person.traits).toContain(trait);
    }
    const short = await findPerson(a, 'short_history,separated');
    expect(short.paidMonths).toBeLessThan(12);
    const long = await findPerson(a, 'long_history');
    expect(long.paidMonths).toBeGreaterThan(120);
  });

  it('covers the events that stop or change payment: deaths, pensions, re-employment, transfers, certificates', async () => {
    for (const trait of [
      'deceased',
      'pensioner',
      'reemployed',
      'transfer_in',
      'has_certificates',
      'funeral_grant_paid',
      'bank_frozen_card',
      'bank_invalid_account',
    ]) {
      expect((await findPerson(a, trait)).traits).toContain(trait);
    }
  });

  it('starts 100,000 persons without generating them up front, and finds the last one by identity number', async () => {
    const started = performance.now();
    const app = createSimulatorApp({ seed: 'large', persons: 100_000, asOf: '2026-06-15' });
    expect(performance.now() - started).toBeLessThan(2000);
    const large = await startSimulator({ seed: 'large', persons: 100_000 });
    try {
      const [last] = await page(large, 'offset=99999&limit=1');
      expect(last!.index).toBe(99_999);
      const check = await large.clients.hukou.checkIdentity({ idNumber: last!.idNumber, name: last!.name });
      expect(check.result).toBe('match');
    } finally {
      await large.close();
    }
    expect(app).toBeTypeOf('function');
  });
});
