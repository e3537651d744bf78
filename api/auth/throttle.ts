/**
 * Sign-in throttling that an outsider cannot turn against an account (Art. 95 身份鉴别). The OWASP Authentication
 * Cheat Sheet ("Login Throttling", "Account Lockout") counts failures per account and warns that a lock anyone can set
 * on a username is a denial of service; OWASP's "Slow Down Online Guessing Attacks with Device Cookies" keeps the
 * account's lock for clients it does not know and locks the browsers it does know one by one. So failures are counted
 * by rule, and each rule locks only what it counts:
 *
 * | scope            | counts the failures of                            | a lock refuses                                |
 * | ---------------- | ------------------------------------------------- | --------------------------------------------- |
 * | `account_client` | one account from one client address               | that account from that address               |
 * | `account_device` | one account from a browser it signed in on before | that account from that browser                |
 * | `client`         | one client address, all accounts                  | that address, except browsers an account knows |
 * | `account`        | one account from every client, all together       | that account from clients it does not know     |
 * | `applicant_client` | wrong SMS codes from one client address          | applicants' sign-in from that address          |
 *
 * The `account` lock never binds an administrator whom no other active administrator can unlock (there would be nobody
 * to let them in); the other rules still slow their account down. Counting happens before the password is checked (a
 * reservation), so a burst of parallel guesses cannot slip through before the first failure is written; a success
 * gives the reservation back. The state is in PostgreSQL (table login_throttle), shared by every API process.
 */
import ipaddr from 'ipaddr.js';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../lib/db';

export type ThrottleScope = 'account' | 'account_client' | 'account_device' | 'client' | 'applicant_client';

export interface ThrottleRule {
  key: string;
  scope: ThrottleScope;
  /** The username (or an applicant's hashed identity); empty for a client address alone. */
  subject: string;
  client: string | null;
  /** Failures within the window after which the rule locks. */
  max: number;
  /** Whether a lock of this rule refuses this attempt. */
  binds: boolean;
  /** A success clears this rule's count (the pair that just signed in); else it only gives its reservation back. */
  clearOnSuccess: boolean;
}

export interface ThrottleTiming {
  now: Date;
  /** The observation window: failures older than this no longer count. */
  windowMs: number;
  lockMs: number;
}

export type Reservation = { ok: true } | { ok: false; rule: ThrottleRule; until: Date };

/**
 * The client address a rule counts: IPv4 as is (also when mapped into IPv6), IPv6 by its /64 network (one subscriber
 * holds a whole /64, so counting single IPv6 addresses would not count anyone).
 */
export function clientAddressKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

type Tx = Prisma.TransactionClient;

/**
 * Takes one attempt from every rule, or refuses: when a binding rule is locked, or already has its full count of
 * attempts (some still being checked). Rows are locked in key order, so concurrent attempts queue instead of
 * deadlocking.
 */
export async function reserveAttempt(db: Db, rules: ThrottleRule[], t: ThrottleTiming): Promise<Reservation> {
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return db.$transaction(async (tx) => {
    for (const r of sorted) {
      await tx.loginThrottle.createMany({
        data: [
          { key: r.key, scope: r.scope, subject: r.subject, client: r.client, windowStart: t.now, updatedAt: t.now },
        ],
        skipDuplicates: true,
      });
    }
    const keys = sorted.map((r) => r.key);
    const rows = await tx.$queryRaw<{ key: string; failures: number; window_start: Date; locked_until: Date | null }[]>`
      SELECT key, failures, window_start, locked_until FROM login_throttle WHERE key = ANY(${keys}) ORDER BY key FOR UPDATE`;
    const byKey = new Map(rows.map((r) => [r.key, r]));
    let refused: { rule: ThrottleRule; until: Date } | null = null;
    const counts = new Map<string, { failures: number; windowStart: Date }>();
    for (const rule of sorted) {
      const row = byKey.get(rule.key)!;
      const fresh = row.window_start.getTime() <= t.now.getTime() - t.windowMs;
      const failures = fresh ? 0 : row.failures;
      counts.set(rule.key, { failures, windowStart: fresh ? t.now : row.window_start });
      if (!rule.binds) continue;
      const until =
        row.locked_until && row.locked_until > t.now
          ? row.locked_until
          : failures >= rule.max
            ? new Date(t.now.getTime() + t.lockMs)
            : null;
      if (until && (!refused || until > refused.until)) refused = { rule, until };
    }
    if (refused) return { ok: false as const, ...refused };
    for (const rule of sorted) {
      const c = counts.get(rule.key)!;
      await tx.loginThrottle.update({
        where: { key: rule.key },
        data: { failures: c.failures + 1, windowStart: c.windowStart, updatedAt: t.now },
      });
    }
    return { ok: true as const };
  });
}

export interface NewLock {
  rule: ThrottleRule;
  until: Date;
}

/**
 * The attempt's outcome, in the caller's transaction. A failure keeps the reservation as the failure it was, and locks
 * every rule whose count is full (the locks it set are returned, for the audit trail); a success gives the reservations
 * back and clears the pair that signed in.
 */
export async function settleAttempt(
  tx: Tx,
  rules: ThrottleRule[],
  outcome: 'success' | 'failure',
  t: ThrottleTiming,
): Promise<NewLock[]> {
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (outcome === 'success') {
    for (const rule of sorted) {
      if (rule.clearOnSuccess) {
        await tx.loginThrottle.updateMany({
          where: { key: rule.key },
          data: { failures: 0, lockedUntil: null, windowStart: t.now, updatedAt: t.now },
        });
      } else {
        await tx.$executeRaw`
          UPDATE login_throttle SET failures = GREATEST(failures - 1, 0), updated_at = ${t.now} WHERE key = ${rule.key}`;
      }
    }
    return [];
  }
  const until = new Date(t.now.getTime() + t.lockMs);
  const locks: NewLock[] = [];
  for (const rule of sorted) {
    const r = await tx.$executeRaw`
      UPDATE login_throttle SET locked_until = ${until}, failures = 0, window_start = ${t.now}, updated_at = ${t.now}
       WHERE key = ${rule.key} AND failures >= ${rule.max} AND (locked_until IS NULL OR locked_until <= ${t.now})`;
    if (r > 0) locks.push({ rule, until });
  }
  return locks;
}

/** Locks in force on an account (any of its scopes), latest end first. */
export async function accountLocks(
  db: Db | Tx,
  usernames: string[],
  now: Date,
): Promise<{ subject: string; scope: string; client: string | null; lockedUntil: Date }[]> {
  if (!usernames.length) return [];
  const rows = await db.loginThrottle.findMany({
    where: {
      subject: { in: usernames },
      scope: { in: ['account', 'account_client', 'account_device'] },
      lockedUntil: { gt: now },
    },
    orderBy: { lockedUntil: 'desc' },
    select: { subject: true, scope: true, client: true, lockedUntil: true },
  });
  return rows.map((r) => ({ ...r, lockedUntil: r.lockedUntil! }));
}

/**
 * An administrator unlocks an account: every count and lock of it goes (its client addresses' own counts stay).
 * Answers what was there that counted (failures, or a lock in force): nothing when the account was clear.
 */
export async function clearAccount(
  tx: Tx,
  username: string,
  now: Date,
): Promise<{ scope: string; client: string | null; failures: number; lockedUntil: Date | null }[]> {
  const where = { subject: username, scope: { in: ['account', 'account_client', 'account_device'] } };
  const rows = await tx.loginThrottle.findMany({
    where,
    select: { scope: true, client: true, failures: true, lockedUntil: true },
    orderBy: { key: 'asc' },
  });
  await tx.loginThrottle.deleteMany({ where });
  return rows.filter((r) => r.failures > 0 || (r.lockedUntil !== null && r.lockedUntil > now));
}

let lastSweep = 0;
/**
 * Rows whose window and lock are long over are removed now and then (at most once a minute per process), so guessed
 * usernames do not pile up.
 */
export async function sweepThrottle(db: Db, t: ThrottleTiming): Promise<void> {
  if (t.now.getTime() - lastSweep < 60_000) return;
  lastSweep = t.now.getTime();
  const before = new Date(t.now.getTime() - Math.max(t.windowMs, t.lockMs));
  await db.loginThrottle.deleteMany({
    where: { updatedAt: { lt: before }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: t.now } }] },
  });
}
