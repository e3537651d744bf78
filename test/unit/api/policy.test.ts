import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyRouter, registerPolicyOpenApi } from '../../../api/policy/router';
import { addParameterEntry, FAMILIES } from '../../../domain/policy';
import { staticPolicyStore } from '../../../lib/policy-store';
import { policy } from '../domain/helpers';
import { getJson, serveRouters, type RunningRouters } from './helpers';

const TODAY = '2026-03-02';

describe('GET /policy/parameters', () => {
  let api: RunningRouters;
  beforeAll(async () => {
    api = await serveRouters(policyRouter({ policy: staticPolicyStore(policy), today: () => TODAY }));
  });
  afterAll(async () => {
    expect(api.unexpected).toEqual([]);
    await api.close();
  });
  const get = (query: string) => getJson(`${api.url}/policy/parameters${query}`);
  const find = (body: any, family: string, key: string) =>
    body.parameters.find((p: any) => p.family === family && p.key === key);

  it('lists the benefit level in force on 2026-01-01, unconfirmed, with its source (Art. 12, 38)', async () => {
    const r = await get('?date=2026-01-01');
    expect(r.status).toBe(200);
    expect(r.body.date).toBe('2026-01-01');
    const level = find(r.body, 'benefitLevel', '210000');
    expect(level).toMatchObject({
      effectiveFrom: '2022-01-01',
      confirmed: false,
      value: {
        basis: 'minimumWageOfPayingLocality',
        brackets: [
          { minYears: 0, shareBp: 8500 },
          { minYears: 10, shareBp: 9000 },
        ],
      },
    });
    expect(level.source.document).toContain('辽人社〔2021〕26号');
    expect(level.source.article.length).toBeGreaterThan(0);
    expect(level.note).toContain('UNCONFIRMED');
    expect(level).not.toHaveProperty('effectiveUntil');

    // National rules are confirmed; the minimum wage of 2025-12-01 is in force.
    expect(find(r.body, 'eligibility', 'national')).toMatchObject({
      confirmed: true,
      value: { minContributionMonths: 12 },
    });
    expect(find(r.body, 'minimumWage', 'tier1')).toMatchObject({
      value: { monthlyFen: 223000 },
      effectiveFrom: '2025-12-01',
    });
    // The skill-upgrade subsidy rule lapsed after 2024-12-31 (Art. 50): nothing in force.
    expect(find(r.body, 'skillSubsidyRule', '210000')).toBeUndefined();
    // Every entry carries its source and confirmed flag; the list is ordered by family, then key.
    for (const p of r.body.parameters) {
      expect(typeof p.confirmed).toBe('boolean');
      expect(p.source.document.length).toBeGreaterThan(0);
      expect(p.effectiveFrom <= '2026-01-01').toBe(true);
    }
    const order = r.body.parameters.map((p: any) => [FAMILIES.indexOf(p.family), p.key]);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
  });

  it('shows effectiveUntil of a policy that lapses, and leaves it out after the lapse (Art. 12, 49)', async () => {
    const during = await get('?date=2025-06-01&family=jobRetentionRatio');
    expect(during.body.parameters.map((p: any) => [p.key, p.value.ratioBp, p.effectiveUntil])).toEqual([
      ['large', 3000, '2025-12-31'],
      ['sme', 6000, '2025-12-31'],
    ]);
    const after = await get('?date=2026-01-01&family=jobRetentionRatio');
    expect(after.body.parameters).toEqual([]);
  });

  it('defaults the date to today (Art. 12)', async () => {
    const r = await get('');
    expect(r.status).toBe(200);
    expect(r.body.date).toBe(TODAY);
    expect(r.body.parameters.length).toBeGreaterThan(10);
  });

  it('filters by family and refuses an unknown family (Art. 12)', async () => {
    const r = await get('?date=2026-01-01&family=minimumWage');
    expect(r.status).toBe(200);
    expect(r.body.parameters.map((p: any) => `${p.family}/${p.key}`)).toEqual([
      'minimumWage/tier1',
      'minimumWage/tier2',
      'minimumWage/tier3',
    ]);
    const bad = await get('?family=pensionLevel');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.fields).toHaveLength(1);
    expect(bad.body.error.fields[0].path).toBe('query.family');
    expect(bad.body.error.fields[0].message).toContain('benefitLevel');
  });

  it('refuses a bad date at query.date and an unknown query parameter (Art. 12)', async () => {
    for (const date of ['2026-02-30', '2026-1-1', 'today']) {
      const r = await get(`?date=${date}`);
      expect(r.status, date).toBe(400);
      expect(r.body.error.fields).toEqual([{ path: 'query.date', message: '须为存在的日期，格式 YYYY-MM-DD' }]);
    }
    const repeated = await get('?date=2026-01-01&date=2026-01-02');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.fields[0].path).toBe('query.date');
    const unknown = await get('?date=2026-01-01&city=210100');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual([{ path: 'query.city', message: '未知字段' }]);
  });

  it('lists nothing before any parameter took effect (Art. 12)', async () => {
    const r = await get('?date=1990-01-01');
    expect(r.status).toBe(200);
    expect(r.body.parameters).toEqual([]);
  });
});

describe('a later-dated entry (Art. 12: 如遇政策调整，按调整后文件执行)', () => {
  it('changes the answer only for dates on or after its effective date (Art. 12, 38)', async () => {
    const adjusted = addParameterEntry(policy, 'minimumWage', {
      key: 'tier1',
      effectiveFrom: '2027-01-01',
      value: { monthlyFen: 240000 },
      source: { document: '辽宁省最低工资标准调整 (test)', article: '一档' },
      confirmed: true,
      note: 'test adjustment',
    });
    const api = await serveRouters(policyRouter({ policy: staticPolicyStore(adjusted), today: () => TODAY }));
    try {
      const tier1 = async (date: string) =>
        (await getJson(`${api.url}/policy/parameters?date=${date}&family=minimumWage`)).body.parameters.find(
          (p: any) => p.key === 'tier1',
        );
      expect(await tier1('2026-12-31')).toMatchObject({
        value: { monthlyFen: 223000 },
        effectiveFrom: '2025-12-01',
        confirmed: false,
      });
      expect(await tier1('2027-01-01')).toMatchObject({
        value: { monthlyFen: 240000 },
        effectiveFrom: '2027-01-01',
        confirmed: true,
        note: 'test adjustment',
      });
      expect(await tier1('2030-06-01')).toMatchObject({ value: { monthlyFen: 240000 } });
      // The other tiers are unchanged.
      const tier2 = (await getJson(`${api.url}/policy/parameters?date=2027-01-01&family=minimumWage`)).body
        .parameters[1];
      expect(tier2).toMatchObject({ key: 'tier2', value: { monthlyFen: 208000 } });
    } finally {
      await api.close();
    }
  });
});

describe('OpenAPI of /policy/parameters (Art. 12)', () => {
  it('documents GET /policy/parameters with its query and response', () => {
    const registry = new OpenAPIRegistry();
    registerPolicyOpenApi(registry);
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'test', version: '0' },
    });
    const op = doc.paths?.['/policy/parameters']?.get;
    expect(op).toBeDefined();
    const params = (op!.parameters as any[]).map((p) => `${p.in}:${p.name}`);
    expect(params).toEqual(['query:date', 'query:family']);
    const family = (op!.parameters as any[]).find((p) => p.name === 'family');
    expect(family.schema.enum).toEqual(FAMILIES);
    expect(Object.keys(op!.responses!)).toEqual(['200', '400']);
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['PolicyParameters', 'PolicyParameter', 'Error']),
    );
  });

  it('adds the security requirement and 401/403 when mounted behind sign-in (Art. 77)', () => {
    const registry = new OpenAPIRegistry();
    registerPolicyOpenApi(registry, { security: [{ session: [] }, { bearer: [] }] });
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'test', version: '0' },
    });
    const op = doc.paths?.['/policy/parameters']?.get;
    expect(op?.security).toEqual([{ session: [] }, { bearer: [] }]);
    expect(Object.keys(op!.responses!)).toEqual(['200', '400', '401', '403']);
  });
});
