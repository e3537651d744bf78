/**
 * Sign-in and sign-out (Art. 95 用户身份鉴别).
 *   POST /auth/login   { username, password, mode?: 'cookie' | 'bearer' } → the user; a session cookie, or a token
 *   POST /auth/logout  ends the session
 *   GET  /auth/me      who am I
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { ApiError, parseOr400 } from '../errors';
import { SESSION_COOKIE, currentUser } from './middleware';
import { login, logout, type AuthPolicy } from './service';

export const LoginRequestSchema = z
  .strictObject({
    username: z.string().trim().min(1, 'must not be empty').max(64),
    password: z.string().min(1, 'must not be empty').max(256),
    mode: z.enum(['cookie', 'bearer']).default('cookie'),
  })
  .meta({ id: 'LoginRequest' });

export const MeSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    agencyCode: z.string(),
    roles: z.array(z.string()),
  })
  .meta({ id: 'CurrentUser' });

export const LoginResponseSchema = z
  .object({ user: MeSchema, expiresAt: z.string(), token: z.string().optional() })
  .meta({ id: 'LoginResponse' });

export function authRouter(deps: { db: Db; policy: AuthPolicy; cookieSecure: boolean }): Router {
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    const body = parseOr400(LoginRequestSchema, req.body);
    const result = await login(deps.db, deps.policy, {
      username: body.username,
      password: body.password,
      kind: body.mode,
      requestId: String(req.id),
    });
    if (!result.ok && result.reason === 'locked') {
      const seconds = Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 1000));
      throw new ApiError(429, 'account_locked', 'Too many failed sign-ins; try again later', [], {
        'Retry-After': String(seconds),
      });
    }
    if (!result.ok) throw new ApiError(401, 'invalid_credentials', 'Wrong username or password');
    const { token, user, expiresAt } = result;
    if (body.mode === 'cookie') {
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.cookieSecure,
        path: '/',
        expires: expiresAt,
      });
    }
    res.json({
      user: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        agencyCode: user.agencyCode,
        roles: user.roles,
      },
      expiresAt: expiresAt.toISOString(),
      ...(body.mode === 'bearer' ? { token } : {}),
    });
  });

  router.post('/auth/logout', async (req, res) => {
    const user = currentUser(req);
    await logout(deps.db, user, String(req.id));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', (req, res) => {
    const u = currentUser(req);
    res.json({ id: u.id, username: u.username, displayName: u.displayName, agencyCode: u.agencyCode, roles: u.roles });
  });

  return router;
}
