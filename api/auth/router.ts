/**
 * Sign-in and sign-out (Art. 95 用户身份鉴别).
 *   POST /auth/login   { username, password, mode?: 'cookie' | 'bearer' } → the user; a session cookie, or a token
 *   POST /auth/logout  ends the session
 *   GET  /auth/me      who am I
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { ApiError, dependencyOutage, parseOr400 } from '../errors';
import type { SmsClient } from '../../integrations/sms';
import { MAINLAND_MOBILE_PATTERN, isValidResidentIdNumber, maskIdNumber } from '../../domain/identity';
import { endApplicantSession, sendLoginCode, verifyLoginCode, type ApplicantAuthPolicy } from './applicant';
import { FORMAT } from '../formats';
import { DEVICE_COOKIE, SESSION_COOKIE, readCookie } from './middleware';
import { login, logout, type AuthPolicy } from './service';
import type { ThrottleScope } from './throttle';
import { writtenText } from '../../domain/written-text';

export const LoginRequestSchema = z
  .strictObject({
    username: writtenText(1, 64, '不能为空'),
    password: z.string().min(1, '不能为空').max(256),
    mode: z.enum(['cookie', 'bearer']).default('cookie'),
  })
  .meta({ id: 'LoginRequest' });

export const StaffUserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    agencyCode: z.string(),
    roles: z.array(z.string()),
  })
  .meta({ id: 'StaffUser' });

export const MeSchema = z
  .union([
    StaffUserSchema.extend({ kind: z.literal('staff') }),
    z.object({ kind: z.literal('applicant'), idNumberMasked: z.string() }),
  ])
  .meta({ id: 'CurrentPrincipal' });

export const LoginResponseSchema = z
  .object({ user: StaffUserSchema, expiresAt: z.string(), token: z.string().optional() })
  .meta({ id: 'LoginResponse' });

const applicantIdentity = {
  idNumber: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isValidResidentIdNumber, '须为18位公民身份号码，校验码符合 GB 11643')
    .meta({ format: FORMAT.gb11643 }),
  phone: z.string().trim().regex(MAINLAND_MOBILE_PATTERN, '须为11位大陆手机号码（1[3-9]开头）'),
};
export const ApplicantCodeRequestSchema = z.strictObject(applicantIdentity).meta({ id: 'ApplicantCodeRequest' });
export const ApplicantLoginRequestSchema = z
  .strictObject({
    ...applicantIdentity,
    code: z.string().regex(/^\d{6}$/, '须为6位验证码'),
    mode: z.enum(['cookie', 'bearer']).default('cookie'),
  })
  .meta({ id: 'ApplicantLoginRequest' });

/** What a refused sign-in says (Art. 95), by the rule that refused it; the code is stable, the text for people. */
const LOCK_ANSWERS: Record<ThrottleScope, (minutes: number) => { code: string; message: string }> = {
  account_client: (m) => ({
    code: 'account_locked',
    message: `该账户从本网络地址登录失败次数过多，已暂停从本地址登录，请${m}分钟后再试，或请系统管理员解锁`,
  }),
  account_device: (m) => ({
    code: 'account_locked',
    message: `该账户在本设备上登录失败次数过多，已暂停在本设备登录，请${m}分钟后再试，或请系统管理员解锁`,
  }),
  account: (m) => ({
    code: 'account_locked',
    message: `该账户近期登录失败次数过多，已暂停从未登录过的设备登录，请在常用设备上登录，或${m}分钟后再试，或请系统管理员解锁`,
  }),
  client: (m) => ({
    code: 'client_locked',
    message: `本网络地址登录失败次数过多，已暂停从本地址登录，请${m}分钟后再试`,
  }),
  applicant_client: (m) => ({
    code: 'client_locked',
    message: `本网络地址验证码错误次数过多，已暂停从本地址登录，请${m}分钟后再试`,
  }),
};

/** A wait in Chinese: seconds under a minute, else whole minutes. */
function waitText(seconds: number): string {
  return seconds < 60 ? `${seconds}秒` : `${Math.ceil(seconds / 60)}分钟`;
}

export function authRouter(deps: {
  db: Db;
  policy: AuthPolicy;
  cookieSecure: boolean;
  sms: Pick<SmsClient, 'send'>;
  applicantPolicy: ApplicantAuthPolicy;
}): Router {
  const router = Router();
  const setSessionCookie = (res: Response, token: string, expires: Date) =>
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.cookieSecure,
      path: '/',
      expires,
    });

  router.post('/auth/login', async (req, res) => {
    const body = parseOr400(LoginRequestSchema, req.body);
    const result = await login(deps.db, deps.policy, {
      username: body.username,
      password: body.password,
      kind: body.mode,
      client: { address: req.ip ?? req.socket.remoteAddress, device: readCookie(req, DEVICE_COOKIE) },
      requestId: String(req.id),
    });
    if (!result.ok && result.reason === 'locked') {
      const seconds = Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 1000));
      const { code, message } = LOCK_ANSWERS[result.scope](Math.ceil(seconds / 60));
      throw new ApiError(429, code, message, [], { 'Retry-After': String(seconds) });
    }
    if (!result.ok) throw new ApiError(401, 'invalid_credentials', '用户名或密码错误');
    const { token, user, expiresAt } = result;
    if (body.mode === 'cookie') setSessionCookie(res, token, expiresAt);
    // The browser is known to the account from now on (OWASP device cookie): only sent to sign-in, never readable by
    // scripts; a machine client may keep it too.
    res.cookie(DEVICE_COOKIE, result.device.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.cookieSecure,
      path: '/auth',
      expires: result.device.expiresAt,
    });
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

  // Applicants: a code by SMS, then sign-in with it. The answer is the same whether or not the person has cases.
  router.post('/auth/applicant/code', async (req, res) => {
    const body = parseOr400(ApplicantCodeRequestSchema, req.body);
    const client = req.ip ?? req.socket.remoteAddress;
    const result = await sendLoginCode(deps.db, deps.sms, deps.applicantPolicy, { ...body, client }).catch(
      (err: unknown) => {
        throw (
          dependencyOutage(err) ??
          new ApiError(503, 'sms_unavailable', '短信平台暂时无法发送，请稍后再试', [], { 'Retry-After': '30' })
        );
      },
    );
    if (!result.ok) {
      const wait = waitText(result.retryAfterSeconds);
      throw new ApiError(
        429,
        result.reason === 'client' ? 'too_many_codes_from_client' : 'too_many_codes',
        result.reason === 'client'
          ? `本网络地址获取验证码过于频繁，请${wait}后再试`
          : `该手机号获取验证码过于频繁，请${wait}后再试`,
        [],
        { 'Retry-After': String(result.retryAfterSeconds) },
      );
    }
    res.status(202).json({ expiresAt: result.expiresAt.toISOString() });
  });

  router.post('/auth/applicant/login', async (req, res) => {
    const body = parseOr400(ApplicantLoginRequestSchema, req.body);
    const result = await verifyLoginCode(deps.db, deps.applicantPolicy, {
      ...body,
      client: req.ip ?? req.socket.remoteAddress,
    });
    if (!result.ok && result.reason === 'locked') {
      const seconds = Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 1000));
      const { code, message } = LOCK_ANSWERS.applicant_client(Math.ceil(seconds / 60));
      throw new ApiError(429, code, message, [], { 'Retry-After': String(seconds) });
    }
    if (!result.ok) throw new ApiError(401, 'invalid_code', '验证码错误或已失效，请重新获取');
    if (body.mode === 'cookie') setSessionCookie(res, result.token, result.expiresAt);
    res.json({
      applicant: { idNumberMasked: maskIdNumber(body.idNumber) },
      expiresAt: result.expiresAt.toISOString(),
      ...(body.mode === 'bearer' ? { token: result.token } : {}),
    });
  });

  router.post('/auth/logout', async (req, res) => {
    if (req.applicant) await endApplicantSession(deps.db, req.applicant.sessionId);
    else if (req.user) await logout(deps.db, req.user, String(req.id));
    else throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', (req, res) => {
    if (req.applicant)
      return void res.json({ kind: 'applicant', idNumberMasked: maskIdNumber(req.applicant.idNumber) });
    if (!req.user) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const u = req.user;
    res.json({
      kind: 'staff',
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      agencyCode: u.agencyCode,
      roles: u.roles,
    });
  });

  return router;
}
