/**
 * Users, passwords and sessions (Art. 94 用户管理, Art. 95 身份鉴别). Passwords are hashed with argon2id; session
 * tokens are random and only their SHA-256 is stored. Repeated failures are slowed down per account and client
 * (api/auth/throttle.ts), never by a lock on a username alone that anyone could set.
 */
import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sqlOf, type Db } from '../../lib/db';
import { audit } from '../../lib/audit';
import { agencyCovers, type Role } from '../../domain/access';
import {
  clientAddressKey,
  reserveAttempt,
  settleAttempt,
  sweepThrottle,
  type ThrottleRule,
  type ThrottleScope,
  type ThrottleTiming,
} from './throttle';

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
  /** Failures of one account from one client (an address, or a browser the account knows) before that pair locks. */
  maxFailures: number;
  /** Failures of one account from all clients together before clients the account does not know are locked out. */
  maxAccountFailures: number;
  /** Failures from one client address, all accounts together, before the address is locked out. */
  maxClientFailures: number;
  /** How long a lock lasts; also the window in which failures are counted. */
  lockMinutes: number;
  /** How long a browser stays known to an account after its last sign-in there (the device cookie). */
  deviceDays: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  sessionTtlMinutes: 480,
  maxFailures: 5,
  maxAccountFailures: 20,
  maxClientFailures: 30,
  lockMinutes: 15,
  deviceDays: 90,
};

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A password hash for comparisons with unknown usernames, so a missing user costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** Who is signing in from where: the client address, and the device cookie the browser sent (if any). */
export interface LoginClient {
  address: string | undefined;
  device?: string | undefined;
}

export type LoginResult =
  | { ok: true; token: string; user: AuthUser; expiresAt: Date; device: { token: string; expiresAt: Date } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date; scope: ThrottleScope };

/**
 * An administrator whom no other active administrator can unlock (none whose agency covers theirs, Art. 5, 94): the
 * lock of the account as a whole never binds them, or nobody could let them in again.
 */
export async function isLastAdministrator(
  db: Db,
  user: { id: string; agencyCode: string; roles: string[]; active: boolean },
): Promise<boolean> {
  if (!user.active || !user.roles.includes('administrator')) return false;
  const others = await db.user.findMany({
    where: { active: true, roles: { has: 'administrator' }, id: { not: user.id } },
    select: { agencyCode: true },
  });
  return !others.some((o) => agencyCovers(o.agencyCode, user.agencyCode));
}

/** The rules one staff sign-in attempt is counted under (api/auth/throttle.ts). */
export function signInRules(
  policy: AuthPolicy,
  a: { username: string; address: string; knownDevice: string | null; accountBinds: boolean },
): ThrottleRule[] {
  const pair: ThrottleRule = a.knownDevice
    ? {
        key: `account_device:${a.username}|${a.knownDevice}`,
        scope: 'account_device',
        subject: a.username,
        client: 'device',
        max: policy.maxFailures,
        binds: true,
        clearOnSuccess: true,
      }
    : {
        key: `account_client:${a.username}|${a.address}`,
        scope: 'account_client',
        subject: a.username,
        client: a.address,
        max: policy.maxFailures,
        binds: true,
        clearOnSuccess: true,
      };
  return [
    pair,
    {
      key: `client:${a.address}`,
      scope: 'client',
      subject: '',
      client: a.address,
      max: policy.maxClientFailures,
      // A browser the account knows is not held up by what others do from its network.
      binds: a.knownDevice === null,
      clearOnSuccess: false,
    },
    {
      key: `account:${a.username}`,
      scope: 'account',
      subject: a.username,
      client: null,
      max: policy.maxAccountFailures,
      binds: a.accountBinds,
      clearOnSuccess: false,
    },
  ];
}

const timing = (policy: AuthPolicy, now: Date): ThrottleTiming => ({
  now,
  windowMs: policy.lockMinutes * 60_000,
  lockMs: policy.lockMinutes * 60_000,
});

export async function login(
  db: Db,
  policy: AuthPolicy,
  input: { username: string; password: string; kind: 'cookie' | 'bearer'; client: LoginClient; requestId?: string },
  now = new Date(),
): Promise<LoginResult> {
  const t = timing(policy, now);
  const address = clientAddressKey(input.client.address);
  const found = await db.user.findUnique({ where: { username: input.username } });
  const user = found?.active ? found : null;
  const deviceHash =
    input.client.device && /^[\w-]{43}$/.test(input.client.device) ? tokenId(input.client.device) : null;
  const knownDevice =
    user && deviceHash
      ? (await db.loginDevice.count({ where: { deviceHash, userId: user.id, expiresAt: { gt: now } } })) > 0
      : false;
  // Unknown usernames are counted by the same rules, so the answers do not tell which accounts exist.
  const rules = signInRules(policy, {
    username: input.username,
    address,
    knownDevice: knownDevice ? deviceHash : null,
    accountBinds: !knownDevice && !(user && (await isLastAdministrator(db, user))),
  });
  await sweepThrottle(db, t);
  const reserved = await reserveAttempt(db, rules, t);
  if (!reserved.ok) return { ok: false, reason: 'locked', until: reserved.until, scope: reserved.rule.scope };

  let good = false;
  if (user) good = await verify(user.passwordHash, input.password).catch(() => false);
  else {
    dummyHash ??= hash('not a password of anyone');
    await verify(await dummyHash, input.password).catch(() => false);
  }
  const request = input.requestId ? { requestId: input.requestId } : {};

  if (!good) {
    const locks = await db.$transaction(async (tx) => {
      const locks = await settleAttempt(tx, rules, 'failure', t);
      if (user) {
        await audit(tx, {
          actor: { id: user.id, username: user.username },
          action: 'login_failed',
          entity: 'user',
          entityId: user.id,
          after: { client: address, knownDevice },
          ...request,
          at: now,
        });
      }
      // Art. 78, 95: every lock on the audit trail (OWASP: account lockouts logged and reviewed), set by the system.
      for (const lock of locks) {
        if (lock.rule.scope !== 'client' && !user) continue;
        await audit(tx, {
          actor: { id: null, username: 'system' },
          action: 'login_locked',
          entity: lock.rule.scope === 'client' ? 'sign_in_client' : 'user',
          entityId: lock.rule.scope === 'client' ? address : user!.id,
          after: {
            scope: lock.rule.scope,
            client: lock.rule.client,
            until: lock.until.toISOString(),
            binds: lock.rule.binds,
          },
          ...request,
          at: now,
        });
      }
      return locks;
    });
    const binding = locks.filter((l) => l.rule.binds).sort((a, b) => b.until.getTime() - a.until.getTime())[0];
    return binding
      ? { ok: false, reason: 'locked', until: binding.until, scope: binding.rule.scope }
      : { ok: false, reason: 'invalid' };
  }
  const u = user!;
  // A fresh token at every sign-in: a session identifier is never carried over from before (session fixation).
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.sessionTtlMinutes * 60_000);
  const sessionId = tokenId(token);
  // The browser becomes (or stays) known to the account: its device cookie, new unless it sent a well-formed one.
  const deviceToken = deviceHash ? input.client.device! : randomBytes(32).toString('base64url');
  const deviceExpiresAt = new Date(now.getTime() + policy.deviceDays * 86_400_000);
  await db.$transaction(async (tx) => {
    await settleAttempt(tx, rules, 'success', t);
    await tx.session.create({
      data: { id: sessionId, userId: u.id, kind: input.kind, createdAt: now, expiresAt, lastSeenAt: now },
    });
    await tx.loginDevice.upsert({
      where: { deviceHash_userId: { deviceHash: tokenId(deviceToken), userId: u.id } },
      create: {
        deviceHash: tokenId(deviceToken),
        userId: u.id,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: deviceExpiresAt,
      },
      update: { lastUsedAt: now, expiresAt: deviceExpiresAt },
    });
    await audit(tx, {
      actor: { id: u.id, username: u.username },
      action: 'login',
      entity: 'user',
      entityId: u.id,
      after: { kind: input.kind, client: address, knownDevice },
      ...request,
      at: now,
    });
  });
  return {
    ok: true,
    token,
    expiresAt,
    device: { token: deviceToken, expiresAt: deviceExpiresAt },
    user: {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      agencyCode: u.agencyCode,
      roles: u.roles as Role[],
      employerUscc: u.employerUscc,
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
