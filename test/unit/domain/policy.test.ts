import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../../domain/calendar';
import { determineBenefit } from '../../../domain/calculators';
import {
  addParameterEntry,
  createResolver,
  FAMILIES,
  familyFileName,
  ParameterNotInForceError,
  parametersInForce,
  parsePolicyData,
  PolicyDataError,
  resolveParameter,
} from '../../../domain/policy';
import { loadPolicyData, POLICY_DIR } from '../../../policy/load';
import { carriedForward, policy } from './helpers';

const LIAONING_CITIES = [
  '210100',
  '210200',
  '210300',
  '210400',
  '210500',
  '210600',
  '210700',
  '210800',
  '210900',
  '211000',
  '211100',
  '211200',
  '211300',
  '211400',
];

function readAll(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(POLICY_DIR).filter((n) => n.endsWith('.json'))) {
    files[name] = JSON.parse(readFileSync(join(POLICY_DIR, name), 'utf8'));
  }
  return files;
}

describe('policy data files (Art. 12)', () => {
  it('has one valid file per family, every entry with an effective date, a source and a confirmed flag (Art. 12)', () => {
    for (const family of FAMILIES) {
      expect(policy[family].length, family).toBeGreaterThan(0);
      for (const e of policy[family]) {
        expect(e.source.document.length).toBeGreaterThan(0);
        expect(e.source.article.length).toBeGreaterThan(0);
        expect(typeof e.confirmed).toBe('boolean');
      }
    }
    expect(Object.keys(readAll()).sort()).toEqual(FAMILIES.map(familyFileName).sort());
  });

  it('marks Liaoning values unconfirmed and national caps and the 规程 deadlines confirmed (Art. 12, 38)', () => {
    for (const family of ['benefitLevel', 'benefitPeriod', 'minimumWage', 'minimumWageTier'] as const) {
      for (const e of policy[family]) expect(e.confirmed, `${family}/${e.key}`).toBe(false);
    }
    for (const e of policy.durationCap) expect(e.confirmed).toBe(true);
    // The 规程's own deadlines (art*) are confirmed; the agency's time limits for clerks' steps (task*) are not.
    for (const e of policy.deadline.filter((d) => d.key.startsWith('art'))) {
      expect(e.confirmed, e.key).toBe(true);
      expect(e.source.document).toContain('辽宁省失业保险经办规程');
    }
    const service = policy.deadline.filter((d) => d.key.startsWith('task.'));
    expect(service.length).toBeGreaterThan(0);
    for (const e of service) expect(e.confirmed, e.key).toBe(false);
  });

  it('holds the POLICY.md starting values (Art. 38)', () => {
    const d = '2025-12-01';
    expect(resolveParameter(policy, 'benefitLevel', '210000', d).value.brackets).toEqual([
      { minYears: 0, shareBp: 8500 },
      { minYears: 10, shareBp: 9000 },
    ]);
    expect(resolveParameter(policy, 'benefitPeriod', '210000', d).value.rows.map((r) => r.months)).toEqual([
      3, 6, 9, 12, 13, 14, 15, 16, 18, 24,
    ]);
    expect(resolveParameter(policy, 'durationCap', 'national', d).value).toEqual({
      brackets: [
        { minYears: 1, maxMonths: 12 },
        { minYears: 5, maxMonths: 18 },
        { minYears: 10, maxMonths: 24 },
      ],
      overallMaxMonths: 24,
    });
    expect(
      ['tier1', 'tier2', 'tier3'].map((t) => resolveParameter(policy, 'minimumWage', t, d).value.monthlyFen),
    ).toEqual([223000, 208000, 193000]);
    expect(resolveParameter(policy, 'childbirthSubsidy', '210000', d).value).toMatchObject({
      shareBp: 5000,
      capMonths: 6,
    });
  });

  it('maps all 14 Liaoning cities to a tier and says the mapping is an assumption (Art. 38)', () => {
    for (const city of LIAONING_CITIES) {
      const p = resolveParameter(policy, 'minimumWageTier', city, '2025-12-01');
      expect(p.confirmed).toBe(false);
      expect(p.source.document).toMatch(/ASSUMPTION/);
    }
    expect(policy.minimumWageTier).toHaveLength(14);
  });

  it('returns the value in force with its effective date and citation (Art. 12)', () => {
    const p = resolveParameter(policy, 'priceSubsidyTrigger', 'national', '2022-10-15');
    expect(p.value.cpiYoyBp).toBe(300);
    expect(p.effectiveFrom).toBe('2022-09-01');
    expect(p.source.document.length).toBeGreaterThan(0);
    expect(resolveParameter(policy, 'priceSubsidyTrigger', 'national', '2022-08-31').value.cpiYoyBp).toBe(350);
    expect(resolveParameter(policy, 'priceSubsidyTrigger', 'national', '2023-04-01').value.cpiYoyBp).toBe(350);
    expect(createResolver(policy).resolve('jobRetentionRatio', 'sme', '2022-06-30').value.ratioBp).toBe(9000);
    expect(createResolver(policy).resolve('jobRetentionRatio', 'sme', '2024-06-30').value.ratioBp).toBe(6000);
  });

  it('refuses a date before the first entry and after a lapse with ParameterNotInForceError (Art. 12)', () => {
    expect(() => resolveParameter(policy, 'minimumWage', 'tier1', '2025-11-30')).toThrow(ParameterNotInForceError);
    let lapse: unknown;
    try {
      resolveParameter(policy, 'skillSubsidyAmount', 'junior', '2025-01-01');
    } catch (err) {
      lapse = err;
    }
    expect(lapse).toBeInstanceOf(ParameterNotInForceError);
    expect((lapse as ParameterNotInForceError).lapsedOn).toBe('2024-12-31');
    expect(resolveParameter(policy, 'skillSubsidyAmount', 'junior', '2024-12-31').value.amountFen).toBe(100000);
  });

  it('lists the parameters in force on a date, leaving out lapsed ones (Art. 12)', () => {
    const inForce = parametersInForce(policy, '2025-06-01');
    expect(inForce.jobRetentionRatio.large?.value.ratioBp).toBe(3000);
    expect(inForce.skillSubsidyAmount).toEqual({});
    expect(inForce.minimumWage).toEqual({});
    expect(Object.keys(parametersInForce(policy, '2025-12-01').minimumWageTier)).toHaveLength(14);
  });

  it('changes results only for determinations on or after a later effective date (Art. 12, 38)', () => {
    const raised = addParameterEntry(policy, 'minimumWage', {
      key: 'tier1',
      effectiveFrom: '2026-07-01',
      value: { monthlyFen: 240000 },
      source: { document: 'test: a later adjustment', article: '一档' },
      confirmed: false,
    });
    const input = { contributionMonths: 60, payingLocality: '210102' };
    const start = '2025-12-01';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: daysBetween(start, '2027-12-31') }), (offset) => {
        const date = addDays(start, offset);
        const before = determineBenefit(input, policy, date).result;
        const after = determineBenefit(input, raised, date).result;
        if (date < '2026-07-01') expect(after).toEqual(before);
        else {
          expect(after.minimumWageFen).toBe(240000);
          expect(after.monthlyAmountFen).toBe(204000);
          expect(before.monthlyAmountFen).toBe(189550);
        }
      }),
      { numRuns: 200 },
    );
    expect(determineBenefit(input, raised, '2026-06-30').result.monthlyAmountFen).toBe(189550);
    expect(determineBenefit(input, raised, '2026-07-01').result.monthlyAmountFen).toBe(204000);
    // history is not edited: the original data is unchanged and a second entry on the same date is refused
    expect(policy.minimumWage).toHaveLength(3);
    expect(() =>
      addParameterEntry(raised, 'minimumWage', {
        key: 'tier1',
        effectiveFrom: '2026-07-01',
        value: { monthlyFen: 250000 },
        source: { document: 'test', article: '一档' },
        confirmed: false,
      }),
    ).toThrow(/history is not edited/);
  });

  it('refuses an added entry whose value breaks the family schema (Art. 12)', () => {
    expect(() =>
      addParameterEntry(policy, 'minimumWage', {
        key: 'tier1',
        effectiveFrom: '2027-01-01',
        value: { monthlyFen: 2230.5 },
        source: { document: 'test', article: '一档' },
        confirmed: false,
      }),
    ).toThrow();
  });
});

describe('policy loader', () => {
  function dirWith(mutate: (files: Record<string, unknown>) => void): string {
    const files = readAll();
    mutate(files);
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return dir;
  }

  it('loads the shipped files', () => {
    expect(loadPolicyData().benefitPeriod[0]?.key).toBe('210000');
  });

  it('names the file and the path of a bad value', () => {
    const dir = dirWith((files) => {
      const level = files['benefit-level.json'] as { entries: { value: { brackets: { shareBp: unknown }[] } }[] };
      level.entries[0]!.value.brackets[1]!.shareBp = '90%';
    });
    let error: unknown;
    try {
      loadPolicyData(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyDataError);
    expect((error as PolicyDataError).file).toBe(join(dir, 'benefit-level.json'));
    expect((error as PolicyDataError).message).toContain('.entries[0].value.brackets[1].shareBp');
  });

  it('names the file of broken JSON, of a duplicate dated entry, and of a missing family', () => {
    expect(() => loadPolicyData(dirWith((f) => (f['deadline.json'] = '{ not json')))).toThrow(/deadline\.json/);
    const dup = dirWith((files) => {
      const wage = files['minimum-wage.json'] as { entries: unknown[] };
      wage.entries.push(wage.entries[0]);
    });
    expect(() => loadPolicyData(dup)).toThrow(/minimum-wage\.json[\s\S]*条目重复/);
    const files = readAll();
    delete files['eligibility.json'];
    expect(() => parsePolicyData(files)).toThrow(/eligibility\.json/);
    expect(() => parsePolicyData({ ...readAll(), 'unknown.json': {} })).toThrow(/unknown\.json/);
  });
});

describe('policy carried forward past a lapse (Art. 12, 49, 50)', () => {
  it('decides cases after the published lapse only with unconfirmed carried-forward entries, each saying so', () => {
    const forward = Object.values(carriedForward)
      .flat()
      .filter((e) => /carried forward/.test((e as { note?: string }).note ?? ''));
    expect(forward.length).toBeGreaterThan(0);
    for (const e of forward) {
      expect(e.confirmed).toBe(false);
      expect(e.note).toMatch(/^UNCONFIRMED/);
    }
    expect(() => resolveParameter(policy, 'skillSubsidyRule', '210000', '2025-06-01')).toThrow(
      ParameterNotInForceError,
    );
    expect(resolveParameter(carriedForward, 'skillSubsidyRule', '210000', '2025-06-01').confirmed).toBe(false);
  });
});
