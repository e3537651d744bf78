/**
 * The subsidies and public notices over the API (issue 8; Art. 49, 50) on the Temporal dev server and real
 * PostgreSQL: bad input is refused naming the field and the rule, with nothing written; a skill-subsidy application
 * opens its own case before its workflow starts; the public notice pages need no sign-in and show ID numbers masked;
 * an objection names a wrong item; a screening needs a supervisor.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureJobRetentionSchedule } from '../../lib/job-retention-schedule';
import { startApi, type RunningApi } from '../support/api';
import { findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
let clerk: Record<string, string> = {};
let person: Person;
const taskQueue = uniqueTaskQueue('subsidyapi');

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  const sources = sourcesOf(sim);
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue, sms: sources.sms });
  clerk = (await userWithToken(tdb.db, api.url, { username: 'intake.sy', agencyCode: '210100', roles: ['intake'] }))
    .headers;
  person = (await findPeople(sim, 'employed', 1))[0]!;
});
afterAll(async () => {
  const open = await tdb.sql<{ workflow_id: string }>('SELECT workflow_id FROM "case"');
  for (const r of open)
    await env.client.workflow
      .getHandle(r.workflow_id)
      .terminate('test done')
      .catch(() => undefined);
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

const post = (path: string, body: unknown, headers: Record<string, string> = clerk) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const body = () => ({
  channel: 'window',
  agencyCode: '210100',
  employee: { idType: 'resident_id_card', idNumber: person.idNumber, name: person.name, phone: person.mobile },
  employer: { uscc: '91210100MA0XYP12AD', name: '沈阳某机械有限公司' },
  certificateNumber: '20264210100001234567',
  payment: { method: 'social_security_card', accountNumber: person.bankAccount.accountNumber },
});

describe('POST /skill-subsidies (Art. 50)', () => {
  it('refuses bad input naming each field and its rule, and writes nothing (Art. 50)', async () => {
    const res = await post('/skill-subsidies', {
      ...body(),
      agencyCode: '210102',
      employee: { ...body().employee, phone: '12345' },
      employer: { uscc: '91210100MA0XYP12AX', name: '' },
      certificateNumber: 'x',
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { fields: { path: string; message: string }[] } };
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { path: 'agencyCode', message: '须为市级经办机构的6位行政区划代码' },
        { path: 'employee.phone', message: expect.stringContaining('大陆手机号码') },
        { path: 'employer.uscc', message: '须为统一社会信用代码（GB 32100）' },
        { path: 'employer.name', message: '不能为空' },
        { path: 'certificateNumber', message: expect.stringContaining('证书编号') },
      ]),
    );
    expect(await tdb.sql('SELECT 1 FROM skill_subsidy_claim')).toHaveLength(0);
  });

  it('refuses an unknown certificate and tells the person why; the case opened before its workflow (Art. 50, 11)', async () => {
    const res = await post('/skill-subsidies', body(), { ...clerk, 'Idempotency-Key': 'skill-subsidy-0001' });
    expect(res.status).toBe(201);
    const { caseNumber } = (await res.json()) as { caseNumber: string };
    expect(caseNumber).toMatch(/^JNB-\d{4}-210100-/);
    const again = await post('/skill-subsidies', body(), { ...clerk, 'Idempotency-Key': 'skill-subsidy-0001' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { caseNumber: string }).caseNumber).toBe(caseNumber);
    const status = await eventually(
      () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_number = $1', [caseNumber]),
      (r) => r[0]?.status === 'refused',
    );
    expect(status[0]!.status).toBe('refused');
    const sms = await eventually(
      () => tdb.sql<{ text: string }>('SELECT text FROM message WHERE case_number = $1', [caseNumber]),
      (r) => r.length === 1,
    );
    expect(sms[0]!.text).toContain('国家职业资格证书网未查到该证书');
  });
});

describe('public notices and the screening (Art. 49, 50)', () => {
  it('serves notices without sign-in, masks ID numbers, and names a wrong item of an objection (Art. 50)', async () => {
    await tdb.sql(
      `INSERT INTO public_notice (id, kind, agency_code, title, start_date, end_date, ends_at, status, published_at)
       VALUES ('GSH-2026-210100-TEST000001', 'skill_subsidy', '210100', '沈阳市技能提升补贴公示', '2026-11-27',
         '2026-12-04', '2026-12-04T16:00:00Z', 'open', now())`,
    );
    await tdb.sql(
      `INSERT INTO public_notice_item (notice_id, item_no, case_number, display, amount_fen, status, updated_at)
       VALUES ('GSH-2026-210100-TEST000001', 1, 'JNB-2026-210100-TEST000001', $1, 150000, 'listed', now())`,
      [JSON.stringify({ name: '张三', idNumberMasked: '210102********1235', employerName: '沈阳某公司' })],
    );
    const list = await fetch(`${api.url}/public/notices?agencyCode=210100`);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((n) => n.id)).toContain(
      'GSH-2026-210100-TEST000001',
    );
    const one = (await (await fetch(`${api.url}/public/notices/GSH-2026-210100-TEST000001`)).json()) as {
      items: Record<string, unknown>[];
    };
    expect(one.items).toEqual([
      {
        itemNo: 1,
        name: '张三',
        idNumberMasked: '210102********1235',
        employerName: '沈阳某公司',
        amountFen: 150000,
        status: 'listed',
      },
    ]);
    const bad = await post(
      '/public/notices/GSH-2026-210100-TEST000001/objections',
      { itemNo: 7, reason: '不符合条件' },
      { 'content-type': 'application/json' },
    );
    expect(bad.status).toBe(422);
    const badBody = (await bad.json()) as { error: { code: string; fields: unknown[] } };
    expect(badBody.error.code).toBe('notice_item_unknown');
    expect(badBody.error.fields).toEqual([{ path: 'itemNo', message: '公示中没有第7条' }]);
    const empty = await post(
      '/public/notices/GSH-2026-210100-TEST000001/objections',
      { itemNo: 1, reason: '' },
      { 'content-type': 'application/json' },
    );
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { fields: { path: string }[] } }).error.fields[0]!.path).toBe('reason');
  });

  it('lets only a supervisor start a screening, and names a wrong agency (Art. 49)', async () => {
    expect((await post('/job-retention/screenings', { agencyCode: '210100' })).status).toBe(403);
    const boss = (
      await userWithToken(tdb.db, api.url, { username: 'boss.sy', agencyCode: '210100', roles: ['supervisor'] })
    ).headers;
    const res = await post('/job-retention/screenings', { agencyCode: '2101' }, boss);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { fields: { path: string }[] } }).error.fields[0]!.path).toBe('agencyCode');
  });

  it('screens only a year that has ended, naming the year and the rule (Art. 49)', async () => {
    const boss = (
      await userWithToken(tdb.db, api.url, { username: 'boss2.sy', agencyCode: '210100', roles: ['supervisor'] })
    ).headers;
    const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    for (const year of [thisYear, thisYear + 1]) {
      const res = await post('/job-retention/screenings', { agencyCode: '210100', year }, boss);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { fields: unknown[] } }).error.fields).toEqual([
        { path: 'year', message: expect.stringContaining('规程第四十九条') },
      ]);
    }
  });
});

describe('the yearly screening schedule (Art. 49 免申即享)', () => {
  it('is created once, and when it runs opens cases only for eligible employers of the city (Art. 49)', async () => {
    const scheduleId = `job-retention-screening-210100-${taskQueue}`;
    expect(
      await ensureJobRetentionSchedule({ client: env.client, taskQueue, agencyCode: '210100', scheduleId }),
    ).toEqual({
      scheduleId,
      created: true,
    });
    expect(
      await ensureJobRetentionSchedule({ client: env.client, taskQueue, agencyCode: '210100', scheduleId }),
    ).toEqual({
      scheduleId,
      created: false,
    });
    const handle = env.client.schedule.getHandle(scheduleId);
    try {
      await handle.trigger();
      const cases = await eventually(
        () =>
          tdb.sql<{ case_number: string; uscc: string; screening_id: string; amount_fen: number }>(
            'SELECT case_number, uscc, screening_id, amount_fen FROM job_retention_case',
          ),
        (r) => r.length > 0,
        600,
      );
      // Against the simulator's data: no employer on the serious-dishonesty list, none of another city.
      const employers: { uscc: string; agencyDivisionCode: string; credit: { status: string }; type: string }[] = [];
      for (let offset: number | null = 0; offset !== null;) {
        const page: { items: typeof employers; nextOffset: number | null } = await sim.admin(
          'GET',
          `/employers?limit=200&offset=${offset}`,
        );
        employers.push(...page.items);
        offset = page.nextOffset;
      }
      const byUscc = new Map(employers.map((e) => [e.uscc, e]));
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        expect(c.screening_id).toMatch(/^(job-retention-screening-|S[0-9a-f]{40}$)/);
        expect(c.amount_fen).toBeGreaterThan(0);
        expect(byUscc.get(c.uscc)).toMatchObject({ agencyDivisionCode: '210100' });
        expect(byUscc.get(c.uscc)!.credit.status).not.toBe('seriously_dishonest');
        expect(byUscc.get(c.uscc)!.type).not.toBe('public_institution');
      }
      const city = employers.filter((e) => e.agencyDivisionCode === '210100');
      expect(cases.length).toBeLessThan(city.length);
      // Each case runs as its own workflow, named by its case number.
      const started = await eventually(
        () => tdb.sql<{ status: string }>('SELECT status FROM "case" WHERE case_type = $1', ['job_retention_refund']),
        (r) => r.length === cases.length && r.every((x) => x.status === 'in_notice'),
      );
      expect(started.every((x) => x.status === 'in_notice')).toBe(true);
    } finally {
      await handle.delete();
    }
  }, 300_000);
});
