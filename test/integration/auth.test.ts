/**
 * Users and access (Art. 8, 77, 94, 95): sign-in with argon2 hashes, cookie sessions and bearer tokens, lockout after
 * repeated failures, administrators manage users within their agency's scope, every change audited, the audit trail
 * append-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/auth/service';
import { createDb } from '../../lib/db';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { PASSWORD, userWithToken } from '../support/users';
import { createTemporalClient } from '../../lib/temporal';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import { claimBody, residentId } from '../support/fixtures';
import { startSimulator, type RunningSimulator } from '../sources/support';

let tdb: TestDatabase;
let api: RunningApi;
let admin: { id: string; headers: Record<string, string> };

beforeAll(async () => {
  tdb = await createTestDatabase();
  // No Temporal needed here: a client that is never used.
  api = await startApi({
    db: tdb.db,
    temporal: createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' }),
    taskQueue: 'unused',
    authPolicy: { sessionTtlMinutes: 60, maxFailures: 3, lockMinutes: 15 },
  });
  admin = await userWithToken(tdb.db, api.url, {
    username: 'admin.sy',
    agencyCode: '210100',
    roles: ['administrator'],
  });
});
afterAll(async () => {
  await api?.close();
  await tdb?.drop();
});

const login = (username: string, password: string, mode?: string) =>
  fetch(`${api.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, ...(mode ? { mode } : {}) }),
  });

describe('sign-in (Art. 95)', () => {
  it('sets an httpOnly SameSite=Strict session cookie that identifies the user, and signs out', async () => {
    await createUser(
      tdb.db,
      { id: null, username: 't' },
      { username: 'clerk.a', displayName: '甲', agencyCode: '210100', roles: ['intake'], password: PASSWORD },
    );
    const res = await login('clerk.a', PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ui_session=[\w-]{43}; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(';')[0]!;
    const me = await fetch(`${api.url}/auth/me`, { headers: { cookie: session } });
    expect(await me.json()).toMatchObject({ username: 'clerk.a', agencyCode: '210100', roles: ['intake'] });
    // Only the token's hash is stored.
    const token = session.split('=')[1]!;
    expect(await tdb.sql('SELECT 1 FROM session WHERE id = $1', [token])).toEqual([]);

    expect((await fetch(`${api.url}/auth/logout`, { method: 'POST', headers: { cookie: session } })).status).toBe(204);
    expect((await fetch(`${api.url}/auth/me`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('issues a fresh session at every sign-in (no session fixation)', async () => {
    const a = (await login('clerk.a', PASSWORD)).headers.get('set-cookie')!.split(';')[0];
    const b = (await login('clerk.a', PASSWORD)).headers.get('set-cookie')!.split(';')[0];
    expect(a).not.toBe(b);
  });

  it('answers a wrong password and an unknown user alike, and locks the account after repeated failures', async () => {
    await createUser(
      tdb.db,
      { id: null, username: 't' },
      { username: 'clerk.b', displayName: '乙', agencyCode: '210100', roles: ['reviewer'], password: PASSWORD },
    );
    const unknown = await login('nobody', 'whatever');
    const wrong = await login('clerk.b', 'wrong password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());

    await login('clerk.b', 'wrong again');
    const third = await login('clerk.b', 'wrong a third time');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(800);
    // Locked: even the right password is refused until the lock ends.
    expect((await login('clerk.b', PASSWORD)).status).toBe(429);
    const audit = await tdb.sql<{ action: string }>(
      "SELECT a.action FROM audit_log a JOIN app_user u ON u.id = a.actor_id WHERE u.username = 'clerk.b' ORDER BY a.id",
    );
    expect(audit.map((r) => r.action)).toEqual(['login_failed', 'login_failed', 'login_locked']);
  });

  it('answers 401 to requests without a session where one is needed', async () => {
    const res = await fetch(`${api.url}/admin/users`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as any).error.code).toBe('unauthenticated');
  });
});

describe('user administration (Art. 94)', () => {
  it('lets an administrator create a user in their scope, audited; refuses other cities and non-administrators', async () => {
    const created = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({
        username: 'reviewer.sy',
        displayName: '沈阳审核员',
        agencyCode: '210100',
        roles: ['reviewer'],
        password: 'another long password',
      }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as any;
    expect(user).toMatchObject({ username: 'reviewer.sy', agencyCode: '210100', roles: ['reviewer'], active: true });
    expect(user).not.toHaveProperty('passwordHash');
    const rows = await tdb.sql<{ action: string; actor_name: string }>(
      "SELECT action, actor_name FROM audit_log WHERE entity = 'user' AND entity_id = $1",
      [user.id],
    );
    expect(rows).toEqual([{ action: 'user_created', actor_name: 'admin.sy' }]);
    const hash = await tdb.sql<{ password_hash: string }>('SELECT password_hash FROM app_user WHERE id = $1', [
      user.id,
    ]);
    expect(hash[0]!.password_hash).toMatch(/^\$argon2id\$/);

    const dalian = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({
        username: 'clerk.dl',
        displayName: '大连',
        agencyCode: '210200',
        roles: ['intake'],
        password: 'another long password',
      }),
    });
    expect(dalian.status).toBe(403);
    expect(((await dalian.json()) as any).error.code).toBe('outside_agency_scope');

    const clerk = await userWithToken(tdb.db, api.url, {
      username: 'intake.sy',
      agencyCode: '210100',
      roles: ['intake'],
    });
    const denied = await fetch(`${api.url}/admin/users`, { headers: clerk.headers });
    expect(denied.status).toBe(403);
  });

  it('creates an employer agent only with the employer it acts for, and no other role (Art. 8)', async () => {
    const base = { displayName: '人事', agencyCode: '210100', password: 'another long password' };
    const missing = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ ...base, username: 'hr.a', roles: ['employer_agent'] }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.fields).toEqual([
      { path: 'employerUscc', message: 'is required for an employer agent (Art. 8)' },
    ]);
    const mixed = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({
        ...base,
        username: 'hr.b',
        roles: ['employer_agent', 'reviewer'],
        employerUscc: '91210100MA0XYP12AD',
      }),
    });
    expect(mixed.status).toBe(400);
    const ok = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({
        ...base,
        username: 'hr.c',
        roles: ['employer_agent'],
        employerUscc: '91210100ma0xyp12ad',
      }),
    });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as any).employerUscc).toBe('91210100MA0XYP12AD');
  });

  it('refuses a duplicate username (409) and an invalid body naming the fields (400)', async () => {
    const body = {
      username: 'reviewer.sy',
      displayName: 'x',
      agencyCode: '210100',
      roles: ['reviewer'],
      password: 'another long password',
    };
    const dup = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify(body),
    });
    expect(dup.status).toBe(409);
    const bad = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ ...body, username: 'X Y', roles: ['king'], password: 'short' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'password',
      'roles.0',
      'username',
    ]);
  });

  it('deactivates a user who leaves the post: sessions end at once, with the reason audited (Art. 94)', async () => {
    const leaver = await userWithToken(tdb.db, api.url, {
      username: 'leaver',
      agencyCode: '210100',
      roles: ['intake'],
    });
    expect((await fetch(`${api.url}/auth/me`, { headers: leaver.headers })).status).toBe(200);
    const res = await fetch(`${api.url}/admin/users/${leaver.id}`, {
      method: 'PATCH',
      headers: admin.headers,
      body: JSON.stringify({ active: false, reason: '调离岗位' }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${api.url}/auth/me`, { headers: leaver.headers })).status).toBe(401);
    expect((await login('leaver', PASSWORD)).status).toBe(401);
    const [row] = await tdb.sql<{ action: string; reason: string; before: any; after: any }>(
      "SELECT action, reason, before, after FROM audit_log WHERE entity_id = $1 AND action = 'user_deactivated'",
      [leaver.id],
    );
    expect(row).toMatchObject({ reason: '调离岗位', before: { active: true }, after: { active: false } });
    expect(JSON.stringify(row)).not.toContain('argon2');
  });

  it('keeps the audit trail append-only: UPDATE and DELETE are refused by the database', async () => {
    await expect(tdb.sql("UPDATE audit_log SET reason = 'changed'")).rejects.toThrow(/append-only/);
    await expect(tdb.sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const raw = createDb(tdb.url);
    try {
      await expect(raw.auditLog.deleteMany({})).rejects.toThrow();
    } finally {
      await raw.$disconnect();
    }
  });
});

describe('machine clients (online channel, kiosks)', () => {
  it('gives an online-channel service account a long-lived bearer token, audited; the token files claims', async () => {
    const created = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({
        username: 'gov-app',
        displayName: '辽宁人社APP',
        agencyCode: '210100',
        roles: ['online_channel'],
        password: 'a service account password',
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const issued = await fetch(`${api.url}/admin/users/${id}/tokens`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ days: 365, reason: '对接省政务服务平台' }),
    });
    expect(issued.status).toBe(201);
    const { token, expiresAt } = (await issued.json()) as { token: string; expiresAt: string };
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000);
    const me = await fetch(`${api.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ kind: 'staff', username: 'gov-app', roles: ['online_channel'] });
    const [row] = await tdb.sql<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE action = 'service_token_issued' AND entity_id = $1",
      [id],
    );
    expect(row!.reason).toBe('对接省政务服务平台');
    // A service account has no business in the staff worklist.
    expect((await fetch(`${api.url}/tasks`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
  });
});

describe('applicants: ID number and a one-time SMS code (Art. 8)', () => {
  let sim: RunningSimulator;
  let applicantApi: RunningApi;
  const idNumber = residentId('210102', '19880808', '456');
  const phone = '13900001111';

  beforeAll(async () => {
    sim = await startSimulator();
    const sms = createSourceClients(parseSourceConfig({ SIMULATOR_URL: sim.url })).sms;
    applicantApi = await startApi({
      db: tdb.db,
      temporal: createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' }),
      taskQueue: 'unused',
      sms,
      applicantPolicy: { codeTtlMinutes: 5, maxAttempts: 3, maxCodes: 3, windowMinutes: 10, sessionTtlMinutes: 60 },
    });
  });
  afterAll(async () => {
    await applicantApi?.close();
    await sim?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${applicantApi.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  async function lastCode(): Promise<string> {
    const { messages } = await sim.admin<{ messages: { mobile: string; text: string }[] }>('GET', '/sms/outbox');
    const mine = messages.filter((m) => m.mobile === phone);
    return /验证码为(\d{6})/.exec(mine[mine.length - 1]!.text)![1]!;
  }

  it('sends a code to the mobile through the SMS gateway, signs in with it once, and shows only their own cases', async () => {
    // A case of theirs and one of someone else, in the read model.
    await tdb.sql(`INSERT INTO "case" VALUES ('SYJ-2026-210100-APPX000001', 'benefit_claim', 'awaiting_review', '210100', 'SYJ-2026-210100-APPX000001', now(), now()),
                                             ('SYJ-2026-210100-APPX000002', 'benefit_claim', 'awaiting_review', '210100', 'SYJ-2026-210100-APPX000002', now(), now())`);
    await tdb.sql(
      `INSERT INTO benefit_claim VALUES ('SYJ-2026-210100-APPX000001', 'online', 'resident_id_card', $1, '李四', $2, '91210100MA0XYP12AD', '某公司', '2026-10-31', 'contract_expired', 'last_insured', 'social_security_card', NULL, '6214830012345678', now()),
                                                   ('SYJ-2026-210100-APPX000002', 'online', 'resident_id_card', $3, '王五', '13700000000', '91210100MA0XYP12AD', '某公司', '2026-10-31', 'contract_expired', 'last_insured', 'social_security_card', NULL, '6214830012345679', now())`,
      [idNumber, phone, residentId()],
    );

    const sent = await post('/auth/applicant/code', { idNumber, phone });
    expect(sent.status).toBe(202);
    const code = await lastCode();
    expect(await tdb.sql('SELECT 1 FROM login_code WHERE code_hash LIKE $1', [`%${code}%`])).toEqual([]);

    const wrong = await post('/auth/applicant/login', {
      idNumber,
      phone,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(401);
    const ok = await post('/auth/applicant/login', { idNumber, phone, code, mode: 'bearer' });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    expect((await post('/auth/applicant/login', { idNumber, phone, code })).status).toBe(401); // used once

    const mine = (await (await fetch(`${applicantApi.url}/my/cases`, { headers: auth })).json()) as any;
    expect(mine.items.map((c: { caseNumber: string }) => c.caseNumber)).toEqual(['SYJ-2026-210100-APPX000001']);
    expect(mine.items[0].statusLabel).toBe('审核中');
    expect((await fetch(`${applicantApi.url}/cases/SYJ-2026-210100-APPX000001`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${applicantApi.url}/cases/SYJ-2026-210100-APPX000002`, { headers: auth })).status).toBe(404);
    // An applicant is not staff.
    expect((await fetch(`${applicantApi.url}/tasks`, { headers: auth })).status).toBe(401);
    // Filing for someone else is refused.
    const forOther = await post('/claims', claimBody(), auth);
    expect(forOther.status).toBe(403);
    expect(((await forOther.json()) as any).error.code).toBe('not_your_identity');
  });

  it('limits codes per phone (429 with Retry-After) and locks a code after repeated wrong tries', async () => {
    const other = '13900002222';
    for (let i = 0; i < 3; i++)
      expect((await post('/auth/applicant/code', { idNumber, phone: other })).status).toBe(202);
    const limited = await post('/auth/applicant/code', { idNumber, phone: other });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const { messages } = await sim.admin<{ messages: { mobile: string; text: string }[] }>('GET', '/sms/outbox');
    const code = /验证码为(\d{6})/.exec(messages.filter((m) => m.mobile === other).pop()!.text)![1]!;
    const bad = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++)
      expect((await post('/auth/applicant/login', { idNumber, phone: other, code: bad })).status).toBe(401);
    expect((await post('/auth/applicant/login', { idNumber, phone: other, code })).status).toBe(401);
  });

  it('refuses a malformed ID number or mobile naming the field', async () => {
    const res = await post('/auth/applicant/code', { idNumber: '123', phone: '12345' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.fields.map((f: { path: string }) => f.path)).toEqual([
      'idNumber',
      'phone',
    ]);
  });
});
