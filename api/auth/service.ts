/**
 * Users, passwords and sessions (Art. 94 用户管理, Art. 95 身份鉴别). Passwords are hashed with argon2id; session
 * tokens are random and only their SHA-256 is stored; repeated failures lock the account for a while.
 */
import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sqlOf, type Db } from '../../lib/db';
import { audit } from '../../lib/audit';
import type { Role } from '../../domain/access';

export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  agencyCode: string;
  roles: Role[];
  /** Employer agents: the employer they act for (Art. 8). */
  employerUscc: string | null;
  sessionId: string;
}

export interface AuthPolicy {
  sessionTtlMinutes: number;
  maxFailures: number;
  lockMinutes: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { sessionTtlMinutes: 480, maxFailures: 5, lockMinutes: 15 };

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A password hash for comparisons with unknown usernames, so a missing user costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export type LoginResult =
  | { ok: true; token: string; user: AuthUser; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

export async function login(
  db: Db,
  policy: AuthPolicy,
  input: { username: string; password: string; kind: 'cookie' | 'bearer'; requestId?: string },
  now = new Date(),
): Promise<LoginResult> {
  const user = await db.user.findUnique({ where: { username: input.username } });
  if (!user || !user.active) {
    dummyHash ??= hash('not a password of anyone');
    await verify(await dummyHash, input.password).catch(() => false);
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: 'locked', until: user.lockedUntil };
  const good = await verify(user.passwordHash, input.password).catch(() => false);
  const actor = { id: user.id, username: user.username };
  if (!good) {
    const failures = user.failedLogins + 1;
    const lock = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMinutes * 60_000) : null;
    await db.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: user.id },
        data: { failedLogins: lock ? 0 : failures, lockedUntil: lock, updatedAt: now },
      });
      await audit(tx, {
        actor,
        action: lock ? 'login_locked' : 'login_failed',
        entity: 'user',
        entityId: user.id,
        after: { failures, lockedUntil: lock },
        ...(input.requestId ? { requestId: input.requestId } : {}),
        at: now,
      });
    });
    return lock ? { ok: false, reason: 'locked', until: lock } : { ok: false, reason: 'invalid' };
  }
  // A fresh token at every sign-in: a session identifier is never carried over from before (session fixation).
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.sessionTtlMinutes * 60_000);
  const sessionId = tokenId(token);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null, updatedAt: now } });
    await tx.session.create({
      data: { id: sessionId, userId: user.id, kind: input.kind, createdAt: now, expiresAt, lastSeenAt: now },
    });
    await audit(tx, {
      actor,
      action: 'login',
      entity: 'user',
      entityId: user.id,
      after: { kind: input.kind },
      ...(input.requestId ? { requestId: input.requestId } : {}),
      at: now,
    });
  });
  return {
    ok: true,
    token,
    expiresAt,
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      agencyCode: user.agencyCode,
      roles: user.roles as Role[],
      employerUscc: user.employerUscc,
      sessionId,
    },
  };
}

/**
 * The user behind a token, if the session is live and the user active (Art. 95). Asked on every request, so as one SQL
 * statement over the shared pool rather than a Prisma query (issue 11, measure 3: Prisma's cost per query was most of
 * the API's CPU on the worklist). Nothing is cached: a signed-out session or a deactivated user (Art. 94) is refused at
 * the very next request.
 */
export async function authenticate(db: Db, token: string, now = new Date()): Promise<AuthUser | undefined> {
  const { rows } = await sqlOf(db).query<SessionRow>({
    text: `SELECT s.id AS session_id, $2::timestamptz - s.last_seen_at > interval '60 seconds' AS stale,
                  u.id, u.username, u.display_name, u.agency_code, u.roles, u.employer_uscc
             FROM session s JOIN app_user u ON u.id = s.user_id
            WHERE s.id = $1 AND s.expires_at > $2::timestamptz AND u.active`,
    values: [tokenId(token), now.toISOString()],
  });
  const row = rows[0];
  if (!row) return undefined;
  if (row.stale) {
    await sqlOf(db).query('UPDATE session SET last_seen_at = $2::timestamptz WHERE id = $1', [
      row.session_id,
      now.toISOString(),
    ]);
  }
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    agencyCode: row.agency_code,
    roles: row.roles as Role[],
    employerUscc: row.employer_uscc,
    sessionId: row.session_id,
  };
}

interface SessionRow {
  session_id: string;
  stale: boolean;
  id: string;
  username: string;
  display_name: string;
  agency_code: string;
  roles: string[];
  employer_uscc: string | null;
}

export async function logout(db: Db, user: AuthUser, requestId?: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { id: user.sessionId } });
    await audit(tx, {
      actor: user,
      action: 'logout',
      entity: 'user',
      entityId: user.id,
      ...(requestId ? { requestId } : {}),
    });
  });
}

export interface NewUser {
  username: string;
  displayName: string;
  agencyCode: string;
  roles: Role[];
  password: string;
  employerUscc?: string;
}

/** Creates a user (administrators only; audited). */
export async function createUser(
  db: Db,
  actor: { id: string | null; username: string },
  input: NewUser,
  requestId?: string,
): Promise<{ id: string }> {
  const now = new Date();
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  await db.$transaction(async (tx) => {
    await tx.user.create({
      data: {
        id,
        username: input.username,
        displayName: input.displayName,
        agencyCode: input.agencyCode,
        roles: input.roles,
        employerUscc: input.employerUscc ?? null,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      },
    });
    await audit(tx, {
      actor,
      action: 'user_created',
      entity: 'user',
      entityId: id,
      after: {
        username: input.username,
        agencyCode: input.agencyCode,
        roles: input.roles,
        employerUscc: input.employerUscc ?? null,
      },
      ...(requestId ? { requestId } : {}),
      at: now,
    });
  });
  return { id };
}

/**
 * The first administrator, when there are no users yet (a fresh installation). Returns the password if one was
 * generated, so the start command can show it once.
 */
export async function ensureFirstAdministrator(
  db: Db,
  password?: string,
): Promise<{ created: boolean; username: string; generatedPassword?: string }> {
  if ((await db.user.count()) > 0) return { created: false, username: 'admin' };
  const generated = password ? undefined : randomBytes(12).toString('base64url');
  await createUser(
    db,
    { id: null, username: 'system' },
    {
      username: 'admin',
      displayName: '系统管理员',
      agencyCode: '210000',
      roles: ['administrator', 'supervisor'],
      password: password ?? generated!,
    },
  );
  return { created: true, username: 'admin', ...(generated ? { generatedPassword: generated } : {}) };
}

/**
 * A long-lived bearer token for a machine client (the online service platform, a kiosk), issued by an administrator.
 * Returned once; only its hash is kept. Audited with the reason.
 */
export async function issueServiceToken(
  db: Db,
  actor: { id: string | null; username: string },
  input: { userId: string; days: number; reason: string; requestId?: string },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + input.days * 86_400_000);
  await db.$transaction(async (tx) => {
    await tx.session.create({
      data: { id: tokenId(token), userId: input.userId, kind: 'bearer', createdAt: now, expiresAt, lastSeenAt: now },
    });
    await audit(tx, {
      actor,
      action: 'service_token_issued',
      entity: 'user',
      entityId: input.userId,
      after: { expiresAt: expiresAt.toISOString() },
      reason: input.reason,
      ...(input.requestId ? { requestId: input.requestId } : {}),
      at: now,
    });
  });
  return { token, expiresAt };
}
