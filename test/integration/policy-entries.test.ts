/**
 * Policy parameter entries administrators add (Art. 12; POLICY.md "an agency corrects or extends them by adding entries
 * with a new effective date; history is never edited"): over real HTTP and PostgreSQL, a new minimum wage from a
 * future date reaches calculations, the parameters read API and the workers' activities without a restart; refusals
 * name the field and rule and leave nothing written; the table refuses edits.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { benefitActivities } from '../../activities/benefits';
import { createCalendarStore } from '../../lib/calendar-store';
import { createPolicyStore } from '../../lib/policy-store';
import { loadPolicyData } from '../../policy/load';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { userWithToken } from '../support/users';

let tdb: TestDatabase;
let api: RunningApi;
let admin: Record<string, string>;
let clerk: Record<string, string>;

// Today in Shanghai is 2026-12-15 for the API: 2027-01-01 is in the future, 2026-12-14 in the past.
const NOW = new Date('2026-12-15T02:00:00Z');

beforeAll(async () => {
  tdb = await createTestDatabase();
  api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue: 'policy-entries-unused',
    now: () => NOW,
  });
  admin = (await userWithToken(tdb.db, api.url, { username: 'admin', agencyCode: '210000', roles: ['administrator'] }))
    .headers;
  clerk = (await userWithToken(tdb.db, api.url, { username: 'clerk', agencyCode: '210100', roles: ['reviewer'] }))
    .headers;
});
afterAll(async () => {
  await api?.close();
  await tdb?.drop();
});

const post = async (path: string, body: unknown, headers = admin) => {
  const res = await fetch(`${api.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};
const get = async (path: string, headers = clerk) => {
  const res = await fetch(`${api.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

/** Tier 1 (Shenyang) minimum wage raised to 2410 yuan from 2027-01-01 (test data, not a real document). */
const raise = {
  family: 'minimumWage',
  key: 'tier1',
  effectiveFrom: '2027-01-01',
  value: { monthlyFen: 241000 },
  source: { document: '辽宁省最低工资标准调整通知 (test data)', article: '第一条' },
  confirmed: false,
};

const benefitOn = async (determinationDate: string) => {
  const r = await post(
    '/calculations/benefit',
    { determinationDate, input: { contributionMonths: 60, payingLocality: '210100' } },
    clerk,
  );
  expect(r.status).toBe(200);
  return r.body.result.monthlyAmountFen as number;
};

const counts = async () => {
  const [row] = await tdb.sql<{ entries: number; audits: number }>(
    `SELECT (SELECT count(*)::int FROM policy_entry) AS entries,
            (SELECT count(*)::int FROM audit_log WHERE entity = 'policy_entry') AS audits`,
  );
  return row;
};

describe('policy entries administrators add (Art. 12)', () => {
  it('refuses a value that breaks the family schema, naming the path and rule, and writes nothing', async () => {
    const negative = await post('/admin/policy/entries', { ...raise, value: { monthlyFen: -1 } });
    expect(negative.status).toBe(400);
    expect(negative.body.error.code).toBe('validation_failed');
    expect(negative.body.error.fields).toEqual([
      { path: 'value.monthlyFen', message: expect.stringMatching(/>=\s*0/) },
    ]);

    const text = await post('/admin/policy/entries', { ...raise, value: { monthlyFen: '2410元' } });
    expect(text.status).toBe(400);
    expect(text.body.error.fields).toEqual([{ path: 'value.monthlyFen', message: expect.stringMatching(/期望 数字/) }]);

    // A benefit-level bracket share above 100 %: the path inside the array is named.
    const share = await post('/admin/policy/entries', {
      ...raise,
      family: 'benefitLevel',
      key: '210000',
      value: { basis: 'minimumWageOfPayingLocality', brackets: [{ minYears: 0, shareBp: 12000 }] },
    });
    expect(share.status).toBe(400);
    expect(share.body.error.fields).toEqual([
      { path: 'value.brackets.0.shareBp', message: expect.stringMatching(/<=\s*10000/) },
    ]);

    const missing = await post('/admin/policy/entries', { ...raise, source: { document: ' ', article: '第一条' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual([
      { path: 'source.document', message: expect.stringMatching(/[\u4e00-\u9fff]/) }, // a Chinese rule
    ]);

    expect(await counts()).toEqual({ entries: 0, audits: 0 });
  });

  it('refuses an effective date before today in Shanghai (422): history is not edited', async () => {
    const past = await post('/admin/policy/entries', { ...raise, effectiveFrom: '2026-12-14' });
    expect(past.status).toBe(422);
    expect(past.body.error.code).toBe('policy_entry_not_applicable');
    expect(past.body.error.fields).toEqual([
      { path: 'effectiveFrom', message: expect.stringContaining('须为今天（2026-12-15，北京时间）或以后') },
    ]);
    const unknownKey = await post('/admin/policy/entries', { ...raise, key: 'tier4' });
    expect(unknownKey.status).toBe(422);
    expect(unknownKey.body.error.fields).toEqual([{ path: 'key', message: expect.stringContaining('tier1、tier2') }]);
    expect(await counts()).toEqual({ entries: 0, audits: 0 });
  });

  it('refuses anyone but an administrator (403), writing nothing', async () => {
    const r = await post('/admin/policy/entries', raise, clerk);
    expect(r.status).toBe(403);
    expect((await get('/admin/policy/entries', clerk)).status).toBe(403);
    expect(await counts()).toEqual({ entries: 0, audits: 0 });
  });

  it('applies a new minimum wage from its date to calculations, the parameters in force and activities, without a restart (Art. 12, 38, 44)', async () => {
    // A worker's own store, as another process would hold it (read before the entry exists).
    const files = loadPolicyData();
    const workerPolicy = createPolicyStore(tdb.db, files, { ttlMs: 0 });
    const sources = createSourceClients(parseSourceConfig({ SIMULATOR_URL: 'http://127.0.0.1:1' }));
    const activities = benefitActivities({
      db: tdb.db,
      sources,
      policy: workerPolicy,
      calendar: createCalendarStore(tdb.db, { ttlMs: 0 }),
    });
    const premium = (month: string) => activities.medicalPremiumFor({ agencyCode: '210100', month });
    expect(await premium('2027-02')).toBe(24000);

    // 85 % of 2230 yuan before (60 months of contributions, Shenyang, tier 1).
    expect(await benefitOn('2027-01-01')).toBe(189550);

    const added = await post('/admin/policy/entries', raise);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      origin: 'administrator',
      family: 'minimumWage',
      key: 'tier1',
      effectiveFrom: '2027-01-01',
      value: { monthlyFen: 241000 },
      confirmed: false,
      addedBy: 'admin',
    });

    // Before the date the old value, from it the new one: 85 % of 2410 yuan.
    expect(await benefitOn('2026-12-31')).toBe(189550);
    expect(await benefitOn('2027-01-01')).toBe(204850);
    const inForce = await get('/policy/parameters?date=2027-01-01&family=minimumWage');
    expect(inForce.body.parameters.find((p: any) => p.key === 'tier1')).toMatchObject({
      value: { monthlyFen: 241000 },
      effectiveFrom: '2027-01-01',
      source: { document: raise.source.document },
    });
    const before = await get('/policy/parameters?date=2026-12-31&family=minimumWage');
    expect(before.body.parameters.find((p: any) => p.key === 'tier1').value).toEqual({ monthlyFen: 223000 });

    // A medical premium for 2027 (Art. 44) reaches the worker's activity the same way.
    const premiumEntry = await post('/admin/policy/entries', {
      family: 'medicalPremium',
      key: '210100',
      effectiveFrom: '2027-01-01',
      value: { monthlyFen: 26000 },
      source: { document: '沈阳市职工医保缴费基数通知 (test data)', article: '二' },
      confirmed: true,
    });
    expect(premiumEntry.status).toBe(201);
    expect(await premium('2026-12')).toBe(24000);
    expect(await premium('2027-02')).toBe(26000);

    // Audited like other administrators' actions.
    const audit = await tdb.sql<{ action: string; actor_name: string; entity_id: string }>(
      "SELECT action, actor_name, entity_id FROM audit_log WHERE entity = 'policy_entry' ORDER BY id",
    );
    expect(audit).toEqual([
      { action: 'policy_entry_added', actor_name: 'admin', entity_id: added.body.id },
      { action: 'policy_entry_added', actor_name: 'admin', entity_id: premiumEntry.body.id },
    ]);

    // The listing shows the file entries and the added ones.
    const list = await get('/admin/policy/entries?family=minimumWage', admin);
    expect(list.status).toBe(200);
    expect(
      list.body.entries.filter((e: any) => e.key === 'tier1').map((e: any) => [e.origin, e.effectiveFrom]),
    ).toEqual([
      ['file', '2025-12-01'],
      ['administrator', '2027-01-01'],
    ]);
  });

  it('refuses a second entry for the same parameter and date (409), and the table refuses edits and deletions', async () => {
    const again = await post('/admin/policy/entries', { ...raise, value: { monthlyFen: 250000 } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('policy_entry_exists');
    const fileDate = await post('/admin/policy/entries', { ...raise, effectiveFrom: '2025-12-01' });
    expect(fileDate.status).toBe(422); // in the past as well
    expect(await counts()).toEqual({ entries: 2, audits: 2 });

    await expect(tdb.sql('UPDATE policy_entry SET value = \'{"monthlyFen": 1}\'')).rejects.toThrow(/append-only/);
    await expect(tdb.sql('DELETE FROM policy_entry')).rejects.toThrow(/append-only/);
    expect(await benefitOn('2027-01-01')).toBe(204850);
  });
});
