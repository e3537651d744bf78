import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculationsRouter, registerCalculationsOpenApi } from '../../../api/calculations/router';
import { CALCULATION_KIND_NAMES } from '../../../domain/calculators/schemas';
import { addParameterEntry, type PolicyData } from '../../../domain/policy';
import { staticPolicyStore } from '../../../lib/policy-store';
import { calendar, monthsEndingAt, paid, policy } from '../domain/helpers';
import { postJson, serveRouters, type RunningRouters } from './helpers';

const TODAY = '2026-01-05';

/** Eligibility input with `months` paid months up to the month of separation (2025-12). */
function eligibilityInput(months: number) {
  return {
    contributions: paid(monthsEndingAt('2025-12', months)),
    separationReason: 'contract_expired',
    separationDate: '2025-12-15',
  };
}

const childbirthInput = {
  sex: 'female',
  birthDate: '2026-03-10',
  benefitFirstMonth: '2026-01',
  benefitLastMonth: '2026-12',
  compliesWithFamilyPlanning: true,
  materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
  monthlyBenefitInBirthMonthFen: 189550,
  entitledMonths: 24,
};

async function serve(data: PolicyData = policy): Promise<RunningRouters> {
  return serveRouters(
    calculationsRouter({ policy: staticPolicyStore(data), calendar: () => calendar, today: () => TODAY }),
  );
}

describe('POST /calculations/:kind', () => {
  let api: RunningRouters;
  beforeAll(async () => {
    api = await serve();
  });
  afterAll(async () => {
    expect(api.unexpected).toEqual([]);
    await api.close();
  });
  const calc = (kind: string, body: unknown) => postJson(`${api.url}/calculations/${kind}`, body);

  it('flips eligibility between 11 and 12 months of contributions (Art. 34)', async () => {
    const eleven = await calc('eligibility', { input: eligibilityInput(11) });
    expect(eleven.status).toBe(200);
    expect(eleven.body).toMatchObject({
      kind: 'eligibility',
      determinationDate: TODAY,
      result: { status: 'ineligible', reasons: ['insufficient_contributions'], totalMonths: 11 },
    });

    const twelve = await calc('eligibility', { input: eligibilityInput(12) });
    expect(twelve.status).toBe(200);
    expect(twelve.body.result).toMatchObject({ status: 'eligible', reasons: [], totalMonths: 12, wholeYears: 1 });

    const articles = twelve.body.explanation.map((s: { article: string }) => s.article);
    expect(articles).toEqual(expect.arrayContaining(['Art. 32', 'Art. 34', 'Art. 35', 'Art. 41']));
    const threshold = twelve.body.explanation.find((s: any) => s.article === 'Art. 34' && s.parameters);
    expect(threshold.parameters[0]).toMatchObject({ family: 'eligibility', key: 'national', confirmed: true });
    // The national rule is confirmed: nothing to warn about.
    expect(twelve.body.unconfirmedParameters).toEqual([]);
  });

  it('refuses a voluntary resignation whatever the contributions (Art. 34)', async () => {
    const r = await calc('eligibility', {
      input: { ...eligibilityInput(36), separationReason: 'voluntary_resignation' },
    });
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ status: 'ineligible', reasons: ['voluntary_separation'] });
  });

  it('determines the benefit period and the monthly amount in fen, with the explanation (Art. 38)', async () => {
    const r = await calc('benefit', { input: { contributionMonths: 60, payingLocality: '210100' } });
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({
      wholeYears: 5,
      periodMonths: 13,
      cityCode: '210100',
      minimumWageFen: 223000,
      shareBp: 8500,
      monthlyAmountFen: 189550, // 2230 × 85 % = 1895.50 yuan
      totalAmountFen: 189550 * 13,
    });
    expect(r.body.explanation.length).toBeGreaterThan(3);
    expect(r.body.explanation.every((s: { article: string }) => s.article === 'Art. 38')).toBe(true);
    expect(r.body.explanation.some((s: { rounding?: string }) => s.rounding?.includes('四舍五入'))).toBe(true);
    // The Liaoning values are unconfirmed (POLICY.md): the clerk is warned.
    const unconfirmed = r.body.unconfirmedParameters.map((p: any) => `${p.family}/${p.key}`);
    expect(unconfirmed).toEqual(expect.arrayContaining(['benefitLevel/210000', 'minimumWage/tier1']));
    expect(r.body.unconfirmedParameters.every((p: { confirmed: boolean }) => p.confirmed === false)).toBe(true);
  });

  it('uses the determination date given, and a county pays at its city rate (Art. 38)', async () => {
    const r = await calc('benefit', {
      determinationDate: '2025-12-01',
      input: { contributionMonths: 120, payingLocality: '210102' },
    });
    expect(r.status).toBe(200);
    expect(r.body.determinationDate).toBe('2025-12-01');
    expect(r.body.result).toMatchObject({ cityCode: '210100', periodMonths: 24, monthlyAmountFen: 200700 });
  });

  it('refuses an unknown input field at input.<field> (Art. 38)', async () => {
    const r = await calc('benefit', { input: { contributionMonths: 60, payingLocality: '210100', bonus: 1 } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.fields).toEqual([{ path: 'input.bonus', message: '未知字段' }]);
  });

  it('names every invalid field with its input path (Art. 34, 38)', async () => {
    const bad = await calc('eligibility', {
      determinationDate: '2026-02-30',
      input: {
        ...eligibilityInput(12),
        contributions: [{ employerUscc: 'X', month: '2025-13', status: 'paid' }],
        separationDate: '2025/12/15',
      },
      extra: true,
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['determinationDate', 'extra', 'input.contributions.0.month', 'input.separationDate']);
    expect(bad.body.error.fields.find((f: any) => f.path === 'input.contributions.0.month').message).toBe(
      '须为月份，格式 YYYY-MM',
    );

    const benefit = await calc('benefit', { input: { contributionMonths: 12.5, payingLocality: '2101' } });
    expect(benefit.status).toBe(400);
    expect(benefit.body.error.fields).toEqual([
      { path: 'input.contributionMonths', message: 'must be a whole number of months from 0 to 1200' },
      { path: 'input.payingLocality', message: '须为6位行政区划代码' },
    ]);

    const outside = await calc('benefit', { input: { contributionMonths: 12, payingLocality: '110000' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields).toEqual([
      { path: 'input.payingLocality', message: '须为辽宁省行政区划代码（21xxxx）' },
    ]);

    const noInput = await calc('benefit', {});
    expect(noInput.status).toBe(400);
    expect(noInput.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['input']);

    const negative = await calc('benefit', {
      input: { contributionMonths: 12, payingLocality: '210100', minimumLivingStandardFen: -1 },
    });
    expect(negative.body.error.fields[0]).toMatchObject({ path: 'input.minimumLivingStandardFen' });
  });

  it('answers 404 unknown_calculation listing the kinds for an unknown kind (Art. 11)', async () => {
    for (const kind of ['pension', '__proto__', 'toString']) {
      const r = await calc(kind, { input: {} });
      expect(r.status, kind).toBe(404);
      expect(r.body.error.code).toBe('unknown_calculation');
      for (const k of CALCULATION_KIND_NAMES) expect(r.body.error.message).toContain(k);
    }
  });

  it('answers 422 parameter_not_in_force before the first minimum-wage entry (Art. 12, 38)', async () => {
    const r = await calc('benefit', {
      determinationDate: '2025-11-30',
      input: { contributionMonths: 60, payingLocality: '210100' },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('parameter_not_in_force');
    expect(r.body.error.message).toContain('minimumWageTier/210100');
    expect(r.body.error.message).toContain('2025-11-30');

    // With the city's tier known earlier, the minimum wage itself is what is missing.
    const withTier = addParameterEntry(policy, 'minimumWageTier', {
      key: '210100',
      effectiveFrom: '2020-01-01',
      value: { cityName: '沈阳', tier: 'tier1' },
      source: { document: 'test', article: '—' },
      confirmed: false,
    });
    const other = await serve(withTier);
    try {
      const m = await postJson(`${other.url}/calculations/benefit`, {
        determinationDate: '2025-11-30',
        input: { contributionMonths: 60, payingLocality: '210100' },
      });
      expect(m.status).toBe(422);
      expect(m.body.error).toMatchObject({
        code: 'parameter_not_in_force',
        fields: [{ path: 'determinationDate', message: '2025-11-30没有生效的政策参数minimumWage/tier1' }],
      });
    } finally {
      await other.close();
    }
  });

  it('answers 422 parameter_not_in_force for a lapsed policy, naming the lapse (Art. 12, 50)', async () => {
    const r = await calc('skill-subsidy', {
      input: {
        insuredActive: true,
        cumulativeContributionMonths: 24,
        certificate: { occupation: '电工', level: 'junior', issueDate: '2025-06-01', verified: true },
        previousClaims: [],
      },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('parameter_not_in_force');
    expect(r.body.error.message).toContain('skillSubsidyRule/210000');
    expect(r.body.error.message).toContain('已于2024-12-31后失效');

    const before = await calc('skill-subsidy', {
      determinationDate: '2024-06-01',
      input: {
        insuredActive: true,
        cumulativeContributionMonths: 24,
        certificate: { occupation: '电工', level: 'intermediate', issueDate: '2024-03-01', verified: true },
        previousClaims: [],
      },
    });
    expect(before.status).toBe(200);
    expect(before.body.result).toMatchObject({ status: 'eligible', amountFen: 150000 });
    expect(before.body.explanation.every((s: { article: string }) => s.article === 'Art. 50')).toBe(true);
  });

  it('answers 422 calendar_not_covered naming the year when a workday deadline leaves the calendar (Art. 43)', async () => {
    const workdays = addParameterEntry(policy, 'deadline', {
      key: 'art43.repayment',
      effectiveFrom: '2026-01-01',
      value: { unit: 'workdays', amount: 5, description: 'test: 5 workdays' },
      source: { document: 'test', article: '—' },
      confirmed: false,
    });
    const other = await serve(workdays);
    try {
      const r = await postJson(`${other.url}/calculations/overpayment`, {
        input: {
          stopDate: '2099-01-10',
          payments: [{ kind: 'unemployment_benefit', month: '2099-02', amountFen: 189550 }],
          noticeServedOn: '2099-03-01',
        },
      });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('calendar_not_covered');
      expect(r.body.error.message).toContain('2099');
      expect(other.unexpected).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('computes an overpayment and the 30-day repayment date (Art. 43)', async () => {
    const r = await calc('overpayment', {
      input: {
        stopDate: '2025-10-20',
        payments: [
          { kind: 'unemployment_benefit', month: '2025-10', amountFen: 189550 },
          { kind: 'unemployment_benefit', month: '2025-11', amountFen: 189550 },
          { kind: 'price_subsidy', month: '2025-11', amountFen: 1200 },
        ],
        noticeServedOn: '2026-01-05',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({
      overpaidFromMonth: '2025-11',
      totalFen: 190750,
      repaymentDueDate: '2026-02-04',
    });
  });

  it('resolves the price-subsidy trigger on the first day of the month by default (Art. 45)', async () => {
    const input = { cpiYoyBp: 300, foodCpiYoyBp: 100, scpiYoyBp: 400, urbanMinimumLivingStandardFen: 80000 };
    const during = await calc('price-subsidy', { input: { month: '2022-10', ...input } });
    expect(during.status).toBe(200);
    expect(during.body.determinationDate).toBe('2022-10-01');
    expect(during.body.result).toEqual({ triggered: true, triggeredBy: ['cpi'], amountPerBeneficiaryFen: 3200 });

    const after = await calc('price-subsidy', { input: { month: '2023-05', ...input } });
    expect(after.body.determinationDate).toBe('2023-05-01');
    expect(after.body.result).toMatchObject({ triggered: false, amountPerBeneficiaryFen: 0 });
  });

  it('computes the childbirth subsidy capped at 6 months of benefit (Art. 46)', async () => {
    const r = await calc('childbirth-subsidy', { input: childbirthInput });
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ status: 'eligible', amountFen: 189550 * 6 });
    expect(r.body.explanation.every((s: { article: string }) => s.article === 'Art. 46')).toBe(true);

    const reversed = await calc('childbirth-subsidy', {
      input: { ...childbirthInput, benefitFirstMonth: '2026-12', benefitLastMonth: '2026-01' },
    });
    expect(reversed.status).toBe(422);
    expect(reversed.body.error.code).toBe('input_inconsistent');
    expect(reversed.body.error.fields).toEqual([
      { path: 'input.benefitLastMonth', message: '不得早于领取失业保险金的首月（benefitFirstMonth）' },
    ]);
    const missing = await calc('childbirth-subsidy', {
      input: { ...childbirthInput, materials: { birthRegistration: true, hospitalBills: 'yes' } },
    });
    expect(missing.body.error.fields).toEqual([
      { path: 'input.materials.medicalBirthCertificate', message: '须为 true 或 false' },
      { path: 'input.materials.hospitalBills', message: '须为 true 或 false' },
    ]);
  });

  it('answers 422 input_out_of_range when an amount leaves the safe range (Art. 46)', async () => {
    const r = await calc('childbirth-subsidy', {
      input: { ...childbirthInput, monthlyBenefitInBirthMonthFen: Number.MAX_SAFE_INTEGER, entitledMonths: 1200 },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('input_out_of_range');
  });

  it('runs every kind through the registry: survivor benefits and job retention (Art. 47, 49)', async () => {
    const survivor = await calc('survivor-benefits', {
      input: {
        dateOfDeath: '2026-04-18',
        benefitFirstMonth: '2026-01',
        benefitLastMonth: '2026-12',
        monthlyBenefitFen: 189550,
        deathMonthBenefitPaid: false,
        chosenScheme: 'unemployment',
        paidByOtherScheme: false,
        materials: { survivorIdentity: true, deathCertificate: true, relationshipProof: true },
      },
    });
    expect(survivor.status).toBe(200);
    expect(survivor.body.result.unpaidDeathMonthBenefitFen).toBe(189550);
    expect(survivor.body.explanation.every((s: { article: string }) => s.article === 'Art. 47')).toBe(true);

    const retention = await calc('job-retention-refund', {
      determinationDate: '2025-06-01',
      input: {
        size: 'sme',
        insuredCount: 200,
        layoffCount: 11,
        excludedFromLayoffRate: 0,
        monthsPaidInFull: 12,
        contributionsPaidLastYearFen: 1_000_000,
        onSeriousDishonestyList: false,
      },
    });
    expect(retention.status).toBe(200);
    expect(retention.body.result).toMatchObject({ status: 'eligible', layoffRateBp: 550, refundFen: 600_000 });
  });
});

describe('policy changes and calculations (Art. 12)', () => {
  it('applies a later benefit level only to determinations on or after its date (Art. 12, 38)', async () => {
    const raised = addParameterEntry(policy, 'benefitLevel', {
      key: '210000',
      effectiveFrom: '2026-07-01',
      value: { basis: 'minimumWageOfPayingLocality', brackets: [{ minYears: 0, shareBp: 8000 }] },
      source: { document: 'test adjustment', article: '—' },
      confirmed: false,
    });
    const api = await serve(raised);
    try {
      const run = (determinationDate: string) =>
        postJson(`${api.url}/calculations/benefit`, {
          determinationDate,
          input: { contributionMonths: 60, payingLocality: '210100' },
        });
      expect((await run('2026-06-30')).body.result.monthlyAmountFen).toBe(189550);
      expect((await run('2026-07-01')).body.result.monthlyAmountFen).toBe(178400);
      expect((await run('2027-01-01')).body.result.monthlyAmountFen).toBe(178400);
    } finally {
      await api.close();
    }
  });
});

describe('OpenAPI of /calculations (Art. 11)', () => {
  it('documents POST /calculations/{kind} as one operation per kind, each with its input schema', () => {
    const registry = new OpenAPIRegistry();
    registerCalculationsOpenApi(registry);
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'test', version: '0' },
    });
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual(CALCULATION_KIND_NAMES.map((k) => `/calculations/${k}`).sort());
    for (const kind of CALCULATION_KIND_NAMES) {
      const op = doc.paths?.[`/calculations/${kind}`]?.post;
      expect(Object.keys(op!.responses!)).toEqual(expect.arrayContaining(['200', '400', '422']));
      const body = (op!.requestBody as any).content['application/json'].schema;
      expect(body.$ref).toBe(`#/components/schemas/CalculationRequest_${kind.replace(/-/g, '_')}`);
      expect(op!.security).toBeUndefined();
    }
    const schemas = Object.keys(doc.components?.schemas ?? {});
    expect(schemas).toEqual(
      expect.arrayContaining([
        'CalculationResponse',
        'EligibilityInput',
        'BenefitInput',
        'ChildbirthSubsidyInput',
        'SurvivorBenefitInput',
        'SkillSubsidyInput',
        'JobRetentionInput',
        'PriceSubsidyInput',
        'OverpaymentInput',
        'ExplanationStep',
      ]),
    );
    expect(JSON.stringify(doc)).not.toContain('undefined');
  });

  it('adds the security requirement and 401/403 when mounted behind sign-in (Art. 77)', () => {
    const registry = new OpenAPIRegistry();
    registerCalculationsOpenApi(registry, { security: [{ session: [] }] });
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'test', version: '0' },
    });
    const op = doc.paths?.['/calculations/benefit']?.post;
    expect(op?.security).toEqual([{ session: [] }]);
    expect(Object.keys(op!.responses!)).toEqual(expect.arrayContaining(['401', '403']));
  });
});
