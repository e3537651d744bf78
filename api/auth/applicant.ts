/**
 * Applicants on the built-in pages sign in with their ID number and a one-time code sent by SMS to their mobile
 * (Art. 8: 信息化认证方式; Art. 38, 42 use the same gateway). The code is random, 6 digits, valid 5 minutes, tried at
 * most 5 times, and only its hash is stored. A signed-in applicant sees only the cases filed under that ID number and
 * mobile.
 *
 * Fair to the person (as staff sign-in, api/auth/throttle.ts): codes are limited per phone and client address, so
 * someone asking codes for another's phone from elsewhere does not use up that person's own; a higher limit per phone
 * (all clients) keeps the phone from being flooded, and one per client address keeps one client from sending many.
 * Wrong codes are counted per client address too (all identities), so one client cannot go on guessing.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { SmsClient } from '../../integrations/sms';
import type { Db } from '../../lib/db';
import { audit } from '../../lib/audit';
import { maskTail } from '../../domain/identity';
import { clientAddressKey, reserveAttempt, settleAttempt, type ThrottleRule, type ThrottleTiming } from './throttle';

export interface ApplicantPrincipal {
  kind: 'applicant';
  idNumber: string;
  phone: string;
  sessionId: string;
}

export interface ApplicantAuthPolicy {
  codeTtlMinutes: number;
  /** Tries of one code, from all clients together (the code is 6 digits: this is what keeps it from being guessed). */
  maxAttempts: number;
  /** Codes per phone from one client address in the window. */
  maxCodes: number;
  /** Codes per phone from all clients together in the window (no flood of SMS to one phone). */
  maxCodesPerPhone: number;
  /** Codes from one client address, all phones together, in the window. */
  maxCodesPerClient: number;
  /** Wrong codes from one client address, all identities together, before it is locked for the window. */
  maxClientFailures: number;
  windowMinutes: number;
  sessionTtlMinutes: number;
}

export const DEFAULT_APPLICANT_POLICY: ApplicantAuthPolicy = {
  codeTtlMinutes: 5,
  maxAttempts: 5,
  maxCodes: 3,
  maxCodesPerPhone: 10,
  // Many phones share one public address behind a carrier's NAT or a service hall's network: the limits per address
  // are set for that, the ones per phone and per code keep the person safe.
  maxCodesPerClient: 30,
  maxClientFailures: 30,
  windowMinutes: 10,
  sessionTtlMinutes: 60,
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export type CodeResult =
  | { ok: true; expiresAt: Date }
  | {
      ok: false;
      /** `phone`: this phone's codes (from this client, or from all); `client`: this client's codes. */
      reason: 'phone' | 'client';
      retryAfterSeconds: number;
    };

export async function sendLoginCode(
  db: Db,
  sms: Pick<SmsClient, 'send'>,
  policy: ApplicantAuthPolicy,
  input: { idNumber: string; phone: string; client?: string | undefined },
  now = new Date(),
): Promise<CodeResult> {
  const client = clientAddressKey(input.client);
  const windowMs = policy.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + policy.codeTtlMinutes * 60_000);
  // Counted and written under a lock per phone and one per client, so parallel requests cannot pass the count together.
  const outcome = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`login_code:phone:${input.phone}`}))`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`login_code:client:${client}`}))`;
    const [c] = await tx.$queryRaw<
      {
        pair: number;
        phone: number;
        client: number;
        pair_first: Date | null;
        phone_first: Date | null;
        client_first: Date | null;
      }[]
    >`
      SELECT count(*) FILTER (WHERE phone = ${input.phone} AND client = ${client})::int AS pair,
             count(*) FILTER (WHERE phone = ${input.phone})::int AS phone,
             count(*) FILTER (WHERE client = ${client})::int AS client,
             min(created_at) FILTER (WHERE phone = ${input.phone} AND client = ${client}) AS pair_first,
             min(created_at) FILTER (WHERE phone = ${input.phone}) AS phone_first,
             min(created_at) FILTER (WHERE client = ${client}) AS client_first
        FROM login_code
       WHERE created_at >= ${since} AND (phone = ${input.phone} OR client = ${client})`;
    const wait = (first: Date | null) =>
      Math.max(1, Math.ceil(((first?.getTime() ?? now.getTime()) + windowMs - now.getTime()) / 1000));
    if (c!.pair >= policy.maxCodes)
      return { ok: false as const, reason: 'phone' as const, retryAfterSeconds: wait(c!.pair_first) };
    if (c!.phone >= policy.maxCodesPerPhone)
      return { ok: false as const, reason: 'phone' as const, retryAfterSeconds: wait(c!.phone_first) };
    if (c!.client >= policy.maxCodesPerClient)
      return { ok: false as const, reason: 'client' as const, retryAfterSeconds: wait(c!.client_first) };
    const row = await tx.loginCode.create({
      data: {
        idNumber: input.idNumber,
        phone: input.phone,
        codeHash: sha256(`${input.idNumber}|${input.phone}|${code}`),
        createdAt: now,
        expiresAt,
        client,
      },
    });
    return { ok: true as const, id: row.id };
  });
  if (!outcome.ok) return outcome;
  const row = { id: outcome.id };
  await sms.send({
    messageId: `login-code-${row.id}`,
    mobile: input.phone,
    text: `【辽宁失业保险】您的登录验证码为${code}，${policy.codeTtlMinutes}分钟内有效。如非本人操作，请忽略。`,
  });
  return { ok: true, expiresAt };
}

export type VerifyResult =
  | { ok: true; token: string; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

export async function verifyLoginCode(
  db: Db,
  policy: ApplicantAuthPolicy,
  input: { idNumber: string; phone: string; code: string; client?: string | undefined },
  now = new Date(),
): Promise<VerifyResult> {
  const client = clientAddressKey(input.client);
  const t: ThrottleTiming = { now, windowMs: policy.windowMinutes * 60_000, lockMs: policy.windowMinutes * 60_000 };
  const rules: ThrottleRule[] = [
    {
      key: `applicant_client:${client}`,
      scope: 'applicant_client',
      subject: '',
      client,
      max: policy.maxClientFailures,
      binds: true,
      clearOnSuccess: false,
    },
  ];
  const reserved = await reserveAttempt(db, rules, t);
  if (!reserved.ok) return { ok: false, reason: 'locked', until: reserved.until };
  const fail = async (): Promise<VerifyResult> => {
    const locks = await db.$transaction(async (tx) => {
      const locks = await settleAttempt(tx, rules, 'failure', t);
      for (const lock of locks) {
        await audit(tx, {
          actor: { id: null, username: 'system' },
          action: 'applicant_login_locked',
          entity: 'sign_in_client',
          entityId: client,
          after: { scope: lock.rule.scope, until: lock.until.toISOString(), phoneMasked: maskTail(input.phone) },
          at: now,
        });
      }
      return locks;
    });
    return locks[0] ? { ok: false, reason: 'locked', until: locks[0].until } : { ok: false, reason: 'invalid' };
  };
  const latest = await db.loginCode.findFirst({
    where: { idNumber: input.idNumber, phone: input.phone, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
  });
  if (!latest || latest.attempts >= policy.maxAttempts) return fail();
  if (latest.codeHash !== sha256(`${input.idNumber}|${input.phone}|${input.code}`)) {
    await db.loginCode.update({ where: { id: latest.id }, data: { attempts: { increment: 1 } } });
    return fail();
  }
  // Single use; a fresh session token each time.
  const used = await db.loginCode.updateMany({ where: { id: latest.id, usedAt: null }, data: { usedAt: now } });
  if (used.count !== 1) return fail();
  await db.$transaction((tx) => settleAttempt(tx, rules, 'success', t));
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.sessionTtlMinutes * 60_000);
  await db.applicantSession.create({
    data: { id: sha256(token), idNumber: input.idNumber, phone: input.phone, createdAt: now, expiresAt },
  });
  return { ok: true, token, expiresAt };
}

export async function applicantOf(db: Db, token: string, now = new Date()): Promise<ApplicantPrincipal | undefined> {
  const s = await db.applicantSession.findUnique({ where: { id: sha256(token) } });
  if (!s || s.expiresAt <= now) return undefined;
  return { kind: 'applicant', idNumber: s.idNumber, phone: s.phone, sessionId: s.id };
}

export async function endApplicantSession(db: Db, sessionId: string): Promise<void> {
  await db.applicantSession.deleteMany({ where: { id: sessionId } });
}
