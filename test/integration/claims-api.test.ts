/**
 * The spine end to end on real servers: POST /claims over HTTP → benefitClaim workflow on the Temporal dev server →
 * activity → PostgreSQL row → GET /cases. Art. 34-36 (the claim), Art. 30 (personal data not disclosed).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { writeClaimReceived } from '../../lib/claim-received';
import { startClaimsNotStarted } from '../../lib/claim-starts';
import { createTemporalClient } from '../../lib/temporal';
import { claimStatus } from '../../contracts/claim';
import { CASE_STATUS } from '../../contracts/search-attributes';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { claimBody, residentId, uscc } from '../support/fixtures';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { onlineChannel, userWithToken } from '../support/users';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let worker: RunningWorker;
let api: RunningApi;
let client: Client;
let channel: Record<string, string> = {};
let clerk: Record<string, string> = {};
const taskQueue = uniqueTaskQueue('claims');

/** POST /claims as the online service platform (a machine client with its token). */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/claims`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: channel.authorization!, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

/** Visibility is eventually consistent: poll until `count` workflows of this test's queue match. */
async function workflowsMatching(query: string, expected: number): Promise<number> {
  const full = `TaskQueue = '${taskQueue}'${query ? ` AND ${query}` : ''}`;
  let n = -1;
  for (let i = 0; i < 40; i++) {
    n = (await client.workflow.count(full)).count;
    if (n === expected) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
  return n;
}

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db });
  client = env.client;
  api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue,
    temporalUiUrl: 'http://ui.example',
  });
  channel = (await onlineChannel(tdb.db, api.url)).headers;
  clerk = (await userWithToken(tdb.db, api.url, { username: 'reviewer.sy', agencyCode: '210100', roles: ['reviewer'] }))
    .headers;
});

afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await tdb?.drop();
  await env?.teardown();
});

describe('POST /claims (Art. 34-36)', () => {
  it('opens a case: 201 with the case number, the row in PostgreSQL, the workflow in visibility', async () => {
    const res = await post(claimBody());
    expect(res.status).toBe(201);
    const caseNumber = res.body.caseNumber as string;
    expect(caseNumber).toMatch(/^SYJ-\d{4}-210100-[0-9A-Z]{10}$/);
    expect(res.headers.get('location')).toBe(`/cases/${caseNumber}`);
    expect(res.body.status).toBe('awaiting_acceptance');

    // The read model has it the moment 201 is returned.
    const rows = await tdb.sql(
      'SELECT case_type, status, agency_code, workflow_id FROM "case" WHERE case_number = $1',
      [caseNumber],
    );
    expect(rows).toEqual([
      { case_type: 'benefit_claim', status: 'awaiting_acceptance', agency_code: '210100', workflow_id: caseNumber },
    ]);
    const claims = await tdb.sql(
      'SELECT id_number, separation_date::text AS d, channel FROM benefit_claim WHERE case_number = $1',
      [caseNumber],
    );
    expect(claims).toEqual([{ id_number: residentId(), d: '2026-10-31', channel: 'online' }]);

    // Temporal: the workflow ID is the case number, found by the project's search attributes.
    const desc = await client.workflow.getHandle(caseNumber).describe();
    expect(desc.type).toBe('benefitClaim');
    expect(desc.status.name).toBe('RUNNING');
    expect(
      await workflowsMatching(
        `CaseType = 'benefit_claim' AND AgencyCode = '210100' AND CaseStatus = 'awaiting_acceptance' AND WorkflowId = '${caseNumber}'`,
        1,
      ),
    ).toBe(1);
    expect(desc.typedSearchAttributes.get(CASE_STATUS)).toBe('awaiting_acceptance');

    // No personal data in the workflow ID, the search attributes or the API's logs.
    const attributes = JSON.stringify(desc.searchAttributes);
    for (const secret of [residentId(), '张三', '13812345678', '6214830012345678']) {
      expect(caseNumber).not.toContain(secret);
      expect(attributes).not.toContain(secret);
      expect(api.logs.join('\n')).not.toContain(secret);
    }
  });

  it('GET /cases/:caseNumber reads the case from PostgreSQL with masked personal data (Art. 30)', async () => {
    const { body } = await post(claimBody());
    const res = await fetch(`${api.url}/cases/${body.caseNumber}`, { headers: clerk });
    expect(res.status).toBe(200);
    const view = (await res.json()) as Record<string, any>;
    expect(view).toMatchObject({
      caseNumber: body.caseNumber,
      caseType: 'benefit_claim',
      status: 'awaiting_acceptance',
      agency: { code: '210100', name: '沈阳市失业保险经办机构' },
      claim: {
        applicant: {
          idNumberMasked: '210102********' + residentId().slice(-4),
          nameMasked: '张*',
          phoneMasked: '*******5678',
        },
        separation: { date: '2026-10-31', reason: 'contract_expired' },
        payment: { method: 'social_security_card', accountNumberMasked: '************5678' },
      },
      links: { temporalUi: `http://ui.example/namespaces/default/workflows/${body.caseNumber}` },
    });
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(['claim_received']);
    expect(JSON.stringify(view)).not.toContain(residentId());
  });

  it('refuses an invalid claim with 400 naming every field, and starts and writes nothing', async () => {
    const before = await tdb.sql<{ n: string }>('SELECT count(*) AS n FROM "case"');
    const bad = claimBody({
      applicant: { idType: 'resident_id_card', idNumber: residentId().slice(0, 17) + 'Y', name: '', phone: '12345' },
      separation: { date: '2026-02-30', reason: 'contract_expired' },
    });
    const res = await post({ ...bad, nickname: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = (res.body.error.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(['applicant.idNumber', 'applicant.name', 'applicant.phone', 'nickname', 'separation.date']);
    expect(await tdb.sql('SELECT count(*) AS n FROM "case"')).toEqual(before);
    expect(await workflowsMatching('', Number(before[0]!.n))).toBe(Number(before[0]!.n));
  });

  it('refuses implausible input — a separation in 1990, a card number failing its check digit, markup as a name — naming each field and rule in Chinese, writing and starting nothing (Art. 34, 39, 96)', async () => {
    const before = await tdb.sql<{ n: string }>('SELECT count(*) AS n FROM "case"');
    const res = await post(
      claimBody({
        applicant: { ...claimBody().applicant, name: '<script>alert(1)</script>' },
        separation: { date: '1990-06-30', reason: 'contract_expired' },
        payment: { method: 'social_security_card', accountNumber: '6214830012345678' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const fields = res.body.error.fields as { path: string; rule: string; message: string }[];
    expect(fields.map((f) => [f.path, f.rule]).sort()).toEqual([
      ['applicant.name', 'person_name'],
      ['payment.accountNumber', 'card_check_digit'],
      ['separation.date', 'separation_before_regulation'],
    ]);
    for (const f of fields) expect(f.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await tdb.sql('SELECT count(*) AS n FROM "case"')).toEqual(before);
    expect(await workflowsMatching('', Number(before[0]!.n))).toBe(Number(before[0]!.n));
    // A minority name with its middle dot is a name.
    const minority = await post(claimBody({ applicant: { ...claimBody().applicant, name: '阿依古丽·买买提' } }));
    expect(minority.status, JSON.stringify(minority.body)).toBe(201);
  });

  it('refuses an unknown paying agency (Art. 36, 39) with the field path, writing nothing', async () => {
    const res = await post(claimBody({ payingLocality: { basis: 'hukou', agencyCode: '999999' } }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('agency_not_paying');
    expect(res.body.error.fields).toEqual([
      { path: 'payingLocality.agencyCode', message: expect.stringContaining('市级或县级经办机构') },
    ]);
    const provincial = await post(claimBody({ payingLocality: { basis: 'hukou', agencyCode: '210000' } }));
    expect(provincial.status).toBe(422);
    expect(await tdb.sql("SELECT 1 FROM \"case\" WHERE agency_code IN ('999999', '210000')")).toEqual([]);
  });

  it('refuses a separation date in the future (Asia/Shanghai)', async () => {
    const res = await post(claimBody({ separation: { date: '2999-01-01', reason: 'contract_expired' } }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('date_in_future');
    expect(res.body.error.fields).toEqual([{ path: 'separation.date', message: '不能晚于今天' }]);
  });

  it('answers a retried request with the same Idempotency-Key with the same case (200), and a reused key with 409', async () => {
    const key = `retry-${Date.now()}`;
    const first = await post(claimBody(), { 'Idempotency-Key': key });
    const again = await post(claimBody(), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.caseNumber).toBe(first.body.caseNumber);
    expect(
      await tdb.sql('SELECT count(*)::int AS n FROM "case" WHERE case_number = $1', [first.body.caseNumber]),
    ).toEqual([{ n: 1 }]);

    const other = await post(claimBody({ employer: { uscc: claimBody().employer.uscc, name: '另一家公司' } }), {
      'Idempotency-Key': key,
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await tdb.sql("SELECT count(*)::int AS n FROM benefit_claim WHERE employer_name = '另一家公司'")).toEqual([
      { n: 0 },
    ]);
  });

  it('answers a retried request whose case has closed with the case it created, whatever its status (200, Art. 36)', async () => {
    const key = `closed-${Date.now()}`;
    const first = await post(claimBody(), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const handle = client.workflow.getHandle(first.body.caseNumber);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const again = await post(claimBody(), { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ caseNumber: first.body.caseNumber, status: 'cancelled' });
    expect(
      await tdb.sql('SELECT count(*)::int AS n FROM benefit_claim WHERE case_number = $1', [first.body.caseNumber]),
    ).toEqual([{ n: 1 }]);
  });

  it('refuses bodies that are not JSON (415), malformed JSON (400) and oversized bodies (413)', async () => {
    const text = await fetch(`${api.url}/claims`, {
      method: 'POST',
      headers: { ...channel, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as any).error.code).toBe('unsupported_media_type');
    const broken = await post('{"channel": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const huge = await post({ ...claimBody(), padding: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toEqual({ code: 'payload_too_large', message: expect.any(String), fields: [] });
  });

  it('opens the case in PostgreSQL before any worker has run it (201), and the workflow takes it up once one runs', async () => {
    // The API writes the row itself after the start (issue 11): no workflow task is on the way to the answer.
    const idleQueue = uniqueTaskQueue('idle');
    const early = await startApi({ db: tdb.db, temporal: client, taskQueue: idleQueue, recordWaitMs: 1_500 });
    try {
      const res = await fetch(`${early.url}/claims`, {
        method: 'POST',
        headers: channel,
        body: JSON.stringify(claimBody()),
      });
      expect(res.status).toBe(201);
      const { caseNumber } = (await res.json()) as { caseNumber: string };
      expect(await tdb.sql('SELECT status FROM "case" WHERE case_number = $1', [caseNumber])).toEqual([
        { status: 'awaiting_acceptance' },
      ]);
      const handle = client.workflow.getHandle(caseNumber);
      const late = await startWorker(env.nativeConnection, idleQueue, { db: tdb.db });
      try {
        // Its first step writes the same row again, which changes nothing: one case, one claim_received event.
        let status = 'received';
        for (let i = 0; i < 60 && status === 'received'; i++) {
          await new Promise((r) => setTimeout(r, 250));
          status = await handle.query(claimStatus).catch(() => 'received');
        }
        expect(status).not.toBe('received');
        const events = await tdb.sql<{ type: string }>('SELECT type FROM case_event WHERE case_number = $1', [
          caseNumber,
        ]);
        expect(events.filter((e) => e.type === 'claim_received')).toHaveLength(1);
        expect(
          await tdb.sql('SELECT count(*)::int AS n FROM benefit_claim WHERE case_number = $1', [caseNumber]),
        ).toEqual([{ n: 1 }]);
      } finally {
        await handle.terminate('test over').catch(() => undefined);
        await late.stop();
      }
    } finally {
      await early.close();
    }
  });

  it('starts a claim written but never started, once: the system, not the channel, makes sure (Art. 36)', async () => {
    // The API wrote the claim, then neither its start nor its withdrawal went through (both stores failing at once).
    const caseNumber = 'SYJ-2026-210100-LEFT000001';
    await writeClaimReceived(tdb.db, {
      caseNumber,
      receivedAt: new Date().toISOString(),
      application: claimBody(),
      status: 'awaiting_acceptance',
      submissionFingerprint: 'left-behind',
    });
    await tdb.sql(`UPDATE "case" SET created_at = now() - interval '5 minutes' WHERE case_number = $1`, [caseNumber]);
    expect(await startClaimsNotStarted(tdb.db, client, taskQueue, 60_000)).toContain(caseNumber);
    const desc = await client.workflow.getHandle(caseNumber).describe();
    expect(desc.type).toBe('benefitClaim');
    // Its history holds no personal data: the case number and what routes it.
    const history = JSON.stringify((await client.workflow.getHandle(caseNumber).fetchHistory()).events);
    for (const secret of [residentId(), '张三', '13812345678', '6214830012345678'])
      expect(history).not.toContain(secret);
    // Never started twice.
    expect(await startClaimsNotStarted(tdb.db, client, taskQueue, 60_000)).not.toContain(caseNumber);
  });

  it('records a cancelled case in the read model and its timeline', async () => {
    const { body } = await post(claimBody());
    const handle = client.workflow.getHandle(body.caseNumber);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const rows = await tdb.sql('SELECT status FROM "case" WHERE case_number = $1', [body.caseNumber]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    const events = await tdb.sql<{ type: string }>(
      'SELECT type FROM case_event WHERE case_number = $1 ORDER BY at, id',
      [body.caseNumber],
    );
    const types = events.map((e) => e.type);
    expect([types[0], types.at(-1)]).toEqual(['claim_received', 'case_cancelled']);
    expect((await handle.describe()).typedSearchAttributes.get(CASE_STATUS)).toBe('cancelled');
  });

  it('lets only the channels file: 401 without a token, 403 for a channel the caller may not use (Art. 35-36)', async () => {
    const anonymous = await fetch(`${api.url}/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(claimBody()),
    });
    expect(anonymous.status).toBe(401);
    const kiosk = await post(claimBody({ channel: 'kiosk' }));
    expect(kiosk.status).toBe(403);
    expect(kiosk.body.error.code).toBe('channel_not_permitted');
    // An intake clerk files at the window of any agency (全省通办, Art. 4, 9, 36).
    const dalianClerk = (
      await userWithToken(tdb.db, api.url, { username: 'intake.dl', agencyCode: '210200', roles: ['intake'] })
    ).headers;
    const window = await fetch(`${api.url}/claims`, {
      method: 'POST',
      headers: dalianClerk,
      body: JSON.stringify(claimBody({ channel: 'window' })),
    });
    expect(window.status).toBe(201);
    const { caseNumber } = (await window.json()) as { caseNumber: string };
    const [event] = await tdb.sql<{ actor: string; data: any }>(
      "SELECT actor, data FROM case_event WHERE case_number = $1 AND type = 'claim_received'",
      [caseNumber],
    );
    expect(event).toMatchObject({ actor: 'intake.dl', data: { filedBy: 'clerk', channel: 'window' } });
  });

  it('shows a case only to staff whose agency covers it (404 for others, 401 without sign-in)', async () => {
    const { body } = await post(claimBody());
    expect((await fetch(`${api.url}/cases/${body.caseNumber}`)).status).toBe(401);
    const dalian = (
      await userWithToken(tdb.db, api.url, { username: 'reviewer.dl', agencyCode: '210200', roles: ['reviewer'] })
    ).headers;
    expect((await fetch(`${api.url}/cases/${body.caseNumber}`, { headers: dalian })).status).toBe(404);
    expect((await fetch(`${api.url}/cases/${body.caseNumber}`, { headers: channel })).status).toBe(404);
  });

  it('shows an employer agent the claims naming their employer, masked, and nothing else (Art. 8)', async () => {
    const { body } = await post(claimBody());
    const agent = (
      await userWithToken(tdb.db, api.url, {
        username: 'hr.sy',
        agencyCode: '210100',
        roles: ['employer_agent'],
        employerUscc: uscc(),
      })
    ).headers;
    const other = (
      await userWithToken(tdb.db, api.url, {
        username: 'hr.other',
        agencyCode: '210100',
        roles: ['employer_agent'],
        employerUscc: uscc('91210100MA0XYP13B'),
      })
    ).headers;
    const mine = (await (await fetch(`${api.url}/employer/claims`, { headers: agent })).json()) as any;
    expect(mine.items.map((c: { caseNumber: string }) => c.caseNumber)).toContain(body.caseNumber);
    const item = mine.items.find((c: { caseNumber: string }) => c.caseNumber === body.caseNumber);
    expect(item.applicant).toEqual({ nameMasked: '张*', idNumberMasked: expect.stringMatching(/^210102\*{8}\w{4}$/) });
    expect(((await (await fetch(`${api.url}/employer/claims`, { headers: other })).json()) as any).items).toEqual([]);
    expect((await fetch(`${api.url}/cases/${body.caseNumber}`, { headers: agent })).status).toBe(404);
    expect((await fetch(`${api.url}/tasks`, { headers: agent })).status).toBe(403);
    expect((await fetch(`${api.url}/employer/claims`, { headers: clerk })).status).toBe(403);
  });

  it('answers the public status lookup only for the right case number and ID number together', async () => {
    const { body } = await post(claimBody());
    const lookup = (b: unknown) =>
      fetch(`${api.url}/public/claim-status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
    const ok = await lookup({ caseNumber: body.caseNumber, idNumber: residentId() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      caseNumber: body.caseNumber,
      status: 'awaiting_acceptance',
      statusLabel: '待受理',
    });
    const wrong = await lookup({ caseNumber: body.caseNumber, idNumber: residentId('210102', '19900101', '001') });
    expect(wrong.status).toBe(404);
    expect(JSON.stringify(await wrong.json())).not.toContain('awaiting');
  });

  it('GET /cases answers 404 for an unknown case and 400 for a malformed number', async () => {
    const missing = await fetch(`${api.url}/cases/SYJ-2026-210100-0000000000`, { headers: clerk });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe('case_not_found');
    const malformed = await fetch(`${api.url}/cases/not-a-case`, { headers: clerk });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.fields[0].path).toBe('params.caseNumber');
  });
});

describe('operations endpoints', () => {
  it('GET /healthz and /readyz answer 200 when Temporal and PostgreSQL are up', async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgresql: { ok: true }, temporal: { ok: true } },
    });
  });

  it('GET /readyz answers 503 naming what is down', async () => {
    const { createDb } = await import('../../lib/db');
    const deadDb = createDb('postgresql://postgres:postgres@127.0.0.1:1/none');
    const deadTemporal = createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' });
    const down = await startApi({ db: deadDb, temporal: deadTemporal, taskQueue, readyTimeoutMs: 1_000 });
    try {
      const res = await fetch(`${down.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = (await res.json()) as any;
      expect(body.status).toBe('unavailable');
      expect(body.checks.postgresql.ok).toBe(false);
      expect(body.checks.temporal.ok).toBe(false);
      // A claim while both are down: a clear 503, no stack.
      const claim = await fetch(`${down.url}/claims`, {
        method: 'POST',
        headers: channel,
        body: JSON.stringify(claimBody()),
      });
      expect(claim.status).toBe(503);
      expect(((await claim.json()) as any).error.code).toBe('database_unavailable');
    } finally {
      await down.close();
      await deadDb.$disconnect();
    }
  });

  it('GET /metrics exposes HTTP and Temporal client metrics', async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/claims",status="201"\} \d+/);
    expect(text).toMatch(/temporal_client_requests_total\{operation="start",outcome="ok"\} \d+/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('GET /openapi.json documents the routes from the zod schemas, browsable at /docs', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/claims', '/cases/{caseNumber}', '/healthz', '/readyz', '/metrics']),
    );
    expect(doc.components.schemas.ClaimRequest.properties.applicant.required).toEqual([
      'idType',
      'idNumber',
      'name',
      'phone',
    ]);
    const docs = await fetch(`${api.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });

  it('answers unknown routes with the JSON error format', async () => {
    const res = await fetch(`${api.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: '没有此接口：GET /nope', fields: [] } });
  });
});
