/**
 * Users and access (Art. 8, 77, 94, 95): sign-in with argon2 hashes, cookie sessions and bearer tokens, failures slowed
 * down per account and client (never a lock on a username anyone could set, never the last administrator locked out),
 * administrators manage and unlock users within their agency's scope, every change audited, the audit trail
 * append-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/auth/service';
import { createDb } from '../../lib/db';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { PASSWORD, userWithToken } from '../support/users';
import type { Role } from '../../domain/access';
import { createTemporalClient } from '../../lib/temporal';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import { claimBody, residentId } from '../support/fixtures';
import { cookieFrom, fetchFrom } from '../support/from-address';
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
    authPolicy: {
      sessionTtlMinutes: 60,
      maxFailures: 3,
      maxAccountFailures: 6,
      maxClientFailures: 10,
      lockMinutes: 15,
      deviceDays: 30,
    },
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

  it('answers a wrong password and an unknown user alike, and locks the account from that address after repeated failures (Art. 95)', async () => {
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
    expect(((await third.json()) as any).error).toMatchObject({ code: 'account_locked', message: /请15分钟后再试/ });
    // Locked from this address: even the right password is refused here until the lock ends.
    expect((await login('clerk.b', PASSWORD)).status).toBe(429);
    const audit = await tdb.sql<{ action: string; actor_name: string; after: any }>(
      `SELECT a.action, a.actor_name, a.after FROM audit_log a JOIN app_user u ON u.id::text = a.entity_id
        WHERE u.username = 'clerk.b' AND a.action LIKE 'login%' ORDER BY a.id`,
    );
    expect(audit.map((r) => [r.action, r.actor_name])).toEqual([
      ['login_failed', 'clerk.b'],
      ['login_failed', 'clerk.b'],
      ['login_failed', 'clerk.b'],
      ['login_locked', 'system'],
    ]);
    expect(audit[3]!.after).toMatchObject({ scope: 'account_client', client: '127.0.0.1' });
  });

  it('answers 401 to requests without a session where one is needed', async () => {
    const res = await fetch(`${api.url}/admin/users`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as any).error.code).toBe('unauthenticated');
  });
});

describe('sign-in throttling an outsider cannot turn against an account (Art. 95)', () => {
  const staffUser = (username: string, agencyCode = '210100', roles: Role[] = ['reviewer']) =>
    createUser(
      tdb.db,
      { id: null, username: 't' },
      { username, displayName: username, agencyCode, roles, password: PASSWORD },
    );
  const from = (address: string, username: string, password: string, cookie?: string) =>
    fetchFrom(address, `${api.url}/auth/login`, {
      body: { username, password, mode: 'bearer' },
      ...(cookie ? { headers: { cookie } } : {}),
    });

  it('locks an account from one address only: the same account signs in from another (Art. 95)', async () => {
    await staffUser('clerk.c');
    for (let i = 0; i < 3; i++) await from('127.0.0.11', 'clerk.c', `wrong ${i}`);
    expect((await from('127.0.0.11', 'clerk.c', PASSWORD)).status).toBe(429);
    expect((await from('127.0.0.12', 'clerk.c', PASSWORD)).status).toBe(200);
  });

  it('lets parallel guesses from one address past the count no more than it allows (Art. 95)', async () => {
    const { id } = await staffUser('clerk.p');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => from('127.0.0.13', 'clerk.p', `parallel ${i}`).then((r) => r.status)),
    );
    expect(answers.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    const failed = await tdb.sql("SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'login_failed'", [id]);
    expect(failed.length).toBe(3);
  });

  it('holds up clients an account does not know after failures from many addresses, not a browser it signed in on, never the last administrator (Art. 94, 95)', async () => {
    const { id } = await staffUser('clerk.d');
    // The only administrator whose scope covers Dalian (admin.sy's is Shenyang).
    const dalian = await staffUser('admin.dl', '210200', ['administrator']);
    const known = await from('127.0.0.20', 'clerk.d', PASSWORD);
    const device = cookieFrom(known.headers, 'ui_device')!;
    expect(device).toMatch(/^ui_device=[\w-]{43}$/);
    expect(String(known.headers['set-cookie'])).toMatch(
      /ui_device=[^;]+; Path=\/auth; Expires=[^;]+; HttpOnly; SameSite=Strict/,
    );
    for (const address of ['127.0.2.1', '127.0.2.2', '127.0.2.3']) {
      for (let i = 0; i < 3; i++) {
        await from(address, 'clerk.d', `wrong ${i}`);
        await from(address, 'admin.dl', `wrong ${i}`);
      }
    }
    const stranger = await from('127.0.0.21', 'clerk.d', PASSWORD);
    expect(stranger.status).toBe(429);
    expect(stranger.body.error).toMatchObject({ code: 'account_locked', message: /常用设备/ });
    expect((await from('127.0.0.21', 'clerk.d', PASSWORD, device)).status).toBe(200);
    expect((await from('127.0.0.21', 'admin.dl', PASSWORD)).status).toBe(200);
    // The administrator sees the lock, and the audit trail has it.
    const users = (await (await fetch(`${api.url}/admin/users`, { headers: admin.headers })).json()) as any;
    const row = users.users.find((u: { id: string }) => u.id === id);
    // Two addresses locked their pair; the sixth failure locked the account, so the third address was refused uncounted.
    expect(row.signInLocks.map((l: { scope: string }) => l.scope).sort()).toEqual([
      'account',
      'account_client',
      'account_client',
    ]);
    expect(row.lockedUntil).not.toBeNull();
    const locks = await tdb.sql<{ after: any }>(
      "SELECT after FROM audit_log WHERE entity_id = $1 AND action = 'login_locked' ORDER BY id",
      [id],
    );
    expect(locks.map((l) => l.after.scope)).toContain('account');
    expect(dalian.id).toBeTruthy();
  });

  it('holds up an address that fails for many accounts, except browsers an account knows (Art. 95)', async () => {
    await staffUser('clerk.e');
    const known = await from('127.0.0.30', 'clerk.e', PASSWORD);
    const device = cookieFrom(known.headers, 'ui_device')!;
    for (let i = 0; i < 10; i++) await from('127.0.0.30', `guessed${i}`, 'whatever');
    const held = await from('127.0.0.30', 'clerk.e', PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body.error).toMatchObject({ code: 'client_locked', message: /本网络地址/ });
    expect((await from('127.0.0.30', 'clerk.e', PASSWORD, device)).status).toBe(200);
    const [lock] = await tdb.sql<{ actor_name: string; entity: string; entity_id: string }>(
      "SELECT actor_name, entity, entity_id FROM audit_log WHERE action = 'login_locked' AND entity = 'sign_in_client'",
    );
    expect(lock).toEqual({ actor_name: 'system', entity: 'sign_in_client', entity_id: '127.0.0.30' });
  });

  it('lets an administrator of the scope unlock an account, with the reason audited; others may not (Art. 94, 95)', async () => {
    const { id } = await staffUser('clerk.f');
    for (let i = 0; i < 3; i++) await from('127.0.0.40', 'clerk.f', `wrong ${i}`);
    expect((await from('127.0.0.40', 'clerk.f', PASSWORD)).status).toBe(429);
    const unlock = (headers: Record<string, string>, body: unknown = { reason: '本人确认' }) =>
      fetch(`${api.url}/admin/users/${id}/unlock`, { method: 'POST', headers, body: JSON.stringify(body) });
    const dalianAdmin = await userWithToken(tdb.db, api.url, {
      username: 'admin.dl2',
      agencyCode: '210200',
      roles: ['administrator'],
    });
    expect((await unlock(dalianAdmin.headers)).status).toBe(403);
    const noReason = await unlock(admin.headers, {});
    expect(noReason.status).toBe(400);
    const res = await unlock(admin.headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, lockedUntil: null, signInLocks: [] });
    expect((await from('127.0.0.40', 'clerk.f', PASSWORD)).status).toBe(200);
    // Unlocking again changes nothing and answers the same.
    expect((await unlock(admin.headers)).status).toBe(200);
    const rows = await tdb.sql<{ actor_name: string; reason: string; before: any }>(
      "SELECT actor_name, reason, before FROM audit_log WHERE entity_id = $1 AND action = 'login_unlocked'",
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_name: 'admin.sy', reason: '本人确认' });
    expect(rows[0]!.before).toEqual(
      expect.arrayContaining([expect.objectContaining({ scope: 'account_client', client: '127.0.0.40' })]),
    );
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
      { path: 'employerUscc', message: '单位经办人必填（第八条）' },
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
      applicantPolicy: {
        codeTtlMinutes: 5,
        maxAttempts: 3,
        maxCodes: 3,
        maxCodesPerPhone: 5,
        maxCodesPerClient: 8,
        maxClientFailures: 8,
        windowMinutes: 10,
        sessionTtlMinutes: 60,
      },
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

  it('counts codes per mobile and address: asked from elsewhere they do not use up the person’s own; the mobile and the address have limits of their own (Art. 8, 95)', async () => {
    const mobile = '13900003333';
    const who = { idNumber: residentId('210102', '19900101', '333'), phone: mobile };
    const code = (address: string, body: unknown = who) =>
      fetchFrom(address, `${applicantApi.url}/auth/applicant/code`, { body });
    expect([
      (await code('127.0.0.50')).status,
      (await code('127.0.0.50')).status,
      (await code('127.0.0.50')).status,
    ]).toEqual([202, 202, 202]);
    const limited = await code('127.0.0.50');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({
      code: 'too_many_codes',
      message: /^该手机号获取验证码过于频繁，请\d+(秒|分钟)后再试$/,
    });
    // The person, elsewhere, still gets codes — until the mobile's own limit (5 in the window) keeps it from a flood.
    expect((await code('127.0.0.51')).status).toBe(202);
    expect((await code('127.0.0.51')).status).toBe(202);
    expect((await code('127.0.0.52')).status).toBe(429);
    // One address asking for many mobiles is held up too (8 in the window).
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++)
      statuses.push((await code('127.0.0.53', { idNumber: who.idNumber, phone: `1390000${String(4000 + i)}` })).status);
    expect(statuses.slice(0, 8).every((s) => s === 202)).toBe(true);
    const held = await code('127.0.0.53', { idNumber: who.idNumber, phone: '13900005000' });
    expect(held.status).toBe(429);
    expect(held.body.error).toMatchObject({ code: 'too_many_codes_from_client', message: /本网络地址/ });
    const rows = await tdb.sql<{ client: string }>(
      'SELECT DISTINCT client FROM login_code WHERE phone = $1 ORDER BY 1',
      [mobile],
    );
    expect(rows.map((r) => r.client)).toEqual(['127.0.0.50', '127.0.0.51']);
  });

  it('holds up an address that sends many wrong codes, whoever it names; other addresses sign in (Art. 8, 95)', async () => {
    const mobile = '13900006666';
    const who = { idNumber: residentId('210102', '19910101', '666'), phone: mobile };
    expect((await fetchFrom('127.0.0.60', `${applicantApi.url}/auth/applicant/code`, { body: who })).status).toBe(202);
    const { messages } = await sim.admin<{ messages: { mobile: string; text: string }[] }>('GET', '/sms/outbox');
    const right = /验证码为(\d{6})/.exec(messages.filter((m) => m.mobile === mobile).pop()!.text)![1]!;
    const answers: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await fetchFrom('127.0.0.61', `${applicantApi.url}/auth/applicant/login`, {
        body: { idNumber: residentId('210102', '19920101', String(100 + i)), phone: '13900007777', code: '000000' },
      });
      answers.push(r.status);
    }
    expect(answers.slice(0, 7)).toEqual([401, 401, 401, 401, 401, 401, 401]);
    expect(answers.slice(7)).toEqual([429, 429]);
    const held = await fetchFrom('127.0.0.61', `${applicantApi.url}/auth/applicant/login`, {
      body: { ...who, code: right },
    });
    expect(held.body.error).toMatchObject({ code: 'client_locked', message: /验证码错误次数过多/ });
    const ok = await fetchFrom('127.0.0.60', `${applicantApi.url}/auth/applicant/login`, {
      body: { ...who, code: right, mode: 'bearer' },
    });
    expect(ok.status).toBe(200);
    const [lock] = await tdb.sql<{ actor_name: string; entity_id: string; after: any }>(
      "SELECT actor_name, entity_id, after FROM audit_log WHERE action = 'applicant_login_locked'",
    );
    expect(lock).toMatchObject({
      actor_name: 'system',
      entity_id: '127.0.0.61',
      after: { phoneMasked: '*******7777' },
    });
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
