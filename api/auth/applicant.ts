/**
 * Applicants on the built-in pages sign in with their ID number and a one-time code sent by SMS to their mobile
 * (Art. 8: 信息化认证方式; Art. 38, 42 use the same gateway). The code is random, 6 digits, valid 5 minutes, tried at
 * most 5 times, and only its hash is stored; codes are limited per phone. A signed-in applicant sees only the cases
 * filed under that ID number and mobile.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { SmsClient } from '../../integrations/sms';
import type { Db } from '../../lib/db';

export interface ApplicantPrincipal {
  kind: 'applicant';
  idNumber: string;
  phone: string;
  sessionId: string;
}

export interface ApplicantAuthPolicy {
  codeTtlMinutes: number;
  maxAttempts: number;
  /** Codes per phone in the window. */
  maxCodes: number;
  windowMinutes: number;
  sessionTtlMinutes: number;
}

export const DEFAULT_APPLICANT_POLICY: ApplicantAuthPolicy = {
  codeTtlMinutes: 5,
  maxAttempts: 5,
  maxCodes: 3,
  windowMinutes: 10,
  sessionTtlMinutes: 60,
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export type CodeResult =
  { ok: true; expiresAt: Date } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

export async function sendLoginCode(
  db: Db,
  sms: Pick<SmsClient, 'send'>,
  policy: ApplicantAuthPolicy,
  input: { idNumber: string; phone: string },
  now = new Date(),
): Promise<CodeResult> {
  const since = new Date(now.getTime() - policy.windowMinutes * 60_000);
  const recent = await db.loginCode.findMany({
    where: { phone: input.phone, createdAt: { gte: since } },
    orderBy: { createdAt: 'asc' },
    select: { createdAt: true },
  });
  if (recent.length >= policy.maxCodes) {
    const freeAt = recent[0]!.createdAt.getTime() + policy.windowMinutes * 60_000;
    return {
      ok: false,
      reason: 'rate_limited',
      retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)),
    };
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + policy.codeTtlMinutes * 60_000);
  const row = await db.loginCode.create({
    data: {
      idNumber: input.idNumber,
      phone: input.phone,
      codeHash: sha256(`${input.idNumber}|${input.phone}|${code}`),
      createdAt: now,
      expiresAt,
    },
  });
  await sms.send({
    messageId: `login-code-${row.id}`,
    mobile: input.phone,
    text: `【辽宁失业保险】您的登录验证码为${code}，${policy.codeTtlMinutes}分钟内有效。如非本人操作，请忽略。`,
  });
  return { ok: true, expiresAt };
}

export type VerifyResult = { ok: true; token: string; expiresAt: Date } | { ok: false };

export async function verifyLoginCode(
  db: Db,
  policy: ApplicantAuthPolicy,
  input: { idNumber: string; phone: string; code: string },
  now = new Date(),
): Promise<VerifyResult> {
  const latest = await db.loginCode.findFirst({
    where: { idNumber: input.idNumber, phone: input.phone, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
  });
  if (!latest || latest.attempts >= policy.maxAttempts) return { ok: false };
  if (latest.codeHash !== sha256(`${input.idNumber}|${input.phone}|${input.code}`)) {
    await db.loginCode.update({ where: { id: latest.id }, data: { attempts: { increment: 1 } } });
    return { ok: false };
  }
  // Single use; a fresh session token each time.
  const used = await db.loginCode.updateMany({ where: { id: latest.id, usedAt: null }, data: { usedAt: now } });
  if (used.count !== 1) return { ok: false };
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
