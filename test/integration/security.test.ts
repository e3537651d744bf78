/**
 * Security headers and cross-site writes (issue 12): helmet's headers on every answer, with a CSP that keeps the API
 * docs page and the web pages working (same-origin scripts and styles); a write a browser sends from another site with
 * the session cookie is refused before it is read (CSRF, login CSRF); bearer tokens are exempt. Lockout and a fresh
 * session at each sign-in (session fixation) are shown in auth.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemporalClient } from '../../lib/temporal';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { PASSWORD, userWithToken } from '../support/users';

let tdb: TestDatabase;
let api: RunningApi;
let bearer: Record<string, string>;
let cookie = '';

beforeAll(async () => {
  tdb = await createTestDatabase();
  api = await startApi({
    db: tdb.db,
    temporal: createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' }),
    taskQueue: 'unused',
  });
  bearer = (
    await userWithToken(tdb.db, api.url, { username: 'sec.admin', agencyCode: '210100', roles: ['administrator'] })
  ).headers;
  const login = await fetch(`${api.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: api.url },
    body: JSON.stringify({ username: 'sec.admin', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await api?.close();
  await tdb?.drop();
});

const newUser = (n: number) =>
  JSON.stringify({
    username: `sec.user${n}`,
    displayName: '用户',
    agencyCode: '210100',
    roles: ['intake'],
    password: 'another long password',
  });

describe('security headers (helmet)', () => {
  it('sends them on API answers, with a same-origin CSP that forbids framing', async () => {
    const res = await fetch(`${api.url}/healthz`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps the API docs page working: its scripts are same-origin files the CSP allows', async () => {
    const page = await fetch(`${api.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    // No inline script (the CSP would block it): every script is a file of this server, and it loads.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].filter((m) => m[1]!.trim());
    expect(inline).toEqual([]);
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const res = await fetch(new URL(src, `${api.url}/docs/`));
      expect(res.status, src).toBe(200);
    }
    expect((await fetch(`${api.url}/openapi.json`)).status).toBe(200);
  });

  it('keeps the web pages their own same-origin CSP', async () => {
    const res = await fetch(`${api.url}/app/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('cross-site writes (CSRF)', () => {
  it('refuses a cookie-authenticated write from another site, and does nothing', async () => {
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of foreign) {
      const res = await fetch(`${api.url}/admin/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: newUser(1),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).error.code).toBe('cross_site_request');
    }
    expect(await tdb.sql("SELECT 1 FROM app_user WHERE username = 'sec.user1'")).toEqual([]);
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const res = await fetch(`${api.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'sec.admin', password: PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the same write from the own origin with the cookie, and from any origin with a bearer token', async () => {
    const same = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: api.url, 'sec-fetch-site': 'same-origin' },
      body: newUser(2),
    });
    expect(same.status).toBe(201);
    const token = await fetch(`${api.url}/admin/users`, {
      method: 'POST',
      headers: { ...bearer, origin: 'https://other.example' },
      body: newUser(3),
    });
    expect(token.status).toBe(201);
    // Reads are not writes: a cross-site GET with the cookie is answered (SameSite=Strict keeps browsers from it).
    expect((await fetch(`${api.url}/auth/me`, { headers: { cookie, origin: 'https://evil.example' } })).status).toBe(
      200,
    );
  });
});
