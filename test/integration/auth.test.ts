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
