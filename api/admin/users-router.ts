/**
 * User administration (Art. 94 系统用户管理): administrators create users, change their roles and agency, reset
 * passwords, deactivate users who leave their post, and unlock an account that repeated failed sign-ins locked
 * (Art. 95; api/auth/throttle.ts). Every change is audited with before and after.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../lib/db';
import { audit } from '../../lib/audit';
import { ROLES, agencyScopePrefix } from '../../domain/access';
import { usccSchema } from '../claims/schema';
import { ApiError, parseOr400 } from '../errors';
import { assertAgencyScope, currentUser, requireRole } from '../auth/middleware';
import { createUser, hashPassword, issueServiceToken } from '../auth/service';
import { StaffUserSchema } from '../auth/router';
import { accountLocks, clearAccount } from '../auth/throttle';
import { writtenAtLeast, writtenText } from '../../domain/written-text';

const password = z.string().min(12, '至少12个字符').max(256);
const roles = z.array(z.enum(ROLES)).min(1, '须至少有一个岗位').max(ROLES.length);
const agencyCode = z.string().regex(/^\d{6}$/, '须为6位行政区划代码');

export const UserIdParamSchema = z.object({ id: z.uuid('须为用户编号') });

export const CreateUserSchema = z
  .strictObject({
    username: z
      .string()
      .trim()
      .regex(/^[a-z0-9._-]{3,64}$/, '须为3至64位 a-z 0-9 . _ -'),
    displayName: z.string().regex(writtenAtLeast(1), { error: '不能只填空白', abort: true }).trim().min(1).max(64),
    agencyCode,
    roles,
    password,
    /** Art. 8: the employer an employer agent acts for (required for, and only for, employer agents). */
    employerUscc: usccSchema('须为统一社会信用代码（GB 32100）').optional(),
  })
  .superRefine((u, ctx) => {
    const agent = u.roles.includes('employer_agent');
    if (agent && !u.employerUscc) {
      ctx.addIssue({ code: 'custom', path: ['employerUscc'], message: '单位经办人必填（第八条）' });
    }
    if (agent && u.roles.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: '单位经办人不能兼任其他岗位' });
    }
    if (!agent && u.employerUscc) ctx.addIssue({ code: 'custom', path: ['employerUscc'], message: '仅限单位经办人' });
  })
  .meta({
    id: 'CreateUser',
    // The rule above, stated (Art. 8): an employer agent has that role alone and the employer's code; no one else has one.
    oneOf: [
      { properties: { roles: { maxItems: 1, items: { const: 'employer_agent' } } }, required: ['employerUscc'] },
      {
        properties: { roles: { not: { contains: { const: 'employer_agent' } } } },
        not: { required: ['employerUscc'] },
      },
    ],
  });

export const UpdateUserSchema = z
  .strictObject({
    displayName: z
      .string()
      .regex(writtenAtLeast(1), { error: '不能只填空白', abort: true })
      .trim()
      .min(1)
      .max(64)
      .optional(),
    agencyCode: agencyCode.optional(),
    roles: roles.optional(),
    active: z.boolean().optional(),
    password: password.optional(),
    reason: writtenText(2, 500, '须说明理由'),
  })
  .meta({ id: 'UpdateUser' });

export const IssueTokenSchema = z
  .strictObject({
    days: z.number().int().min(1).max(730).meta({ description: 'How long the token is valid' }),
    reason: writtenText(2, 500, '须说明理由'),
  })
  .meta({ id: 'IssueToken', description: 'A bearer token for a machine client (online channel, kiosk)' });

export const UnlockUserSchema = z
  .strictObject({
    reason: writtenText(2, 500, '须说明理由'),
  })
  .meta({ id: 'UnlockUser', description: 'Art. 95: why the account is unlocked (audited)' });

const SignInLockSchema = z
  .object({
    scope: z.enum(['account', 'account_client', 'account_device']).meta({
      description:
        'account: from clients the account does not know; account_client: from one client address; account_device: from one browser it knows',
    }),
    client: z.string().nullable().meta({ description: 'The client address (account_client)' }),
    until: z.string(),
  })
  .meta({ id: 'SignInLock' });

export const UserViewSchema = StaffUserSchema.extend({
  employerUscc: z.string().nullable(),
  active: z.boolean(),
  lockedUntil: z
    .string()
    .nullable()
    .meta({ description: 'The latest end of the sign-in locks in force on the account (signInLocks), or null' }),
  signInLocks: z.array(SignInLockSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'User' });

type UserRow = Prisma.UserGetPayload<object>;
type Lock = Awaited<ReturnType<typeof accountLocks>>[number];
const view = (u: UserRow, locks: Lock[]): z.infer<typeof UserViewSchema> => {
  const own = locks.filter((l) => l.subject === u.username);
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    agencyCode: u.agencyCode,
    roles: u.roles,
    employerUscc: u.employerUscc,
    active: u.active,
    lockedUntil: own[0]?.lockedUntil.toISOString() ?? null,
    signInLocks: own.map((l) => ({
      scope: l.scope as 'account' | 'account_client' | 'account_device',
      client: l.scope === 'account_client' ? l.client : null,
      until: l.lockedUntil.toISOString(),
    })),
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
};
const viewOf = async (db: Db, u: UserRow) => view(u, await accountLocks(db, [u.username], new Date()));

async function assertAgencyExists(db: Db, code: string) {
  if (!(await db.agency.findUnique({ where: { code } }))) {
    // 422: whether a code names an agency is the agency table's to say, not the code's form.
    throw new ApiError(422, 'agency_unknown', '不是已知的经办机构', [
      { path: 'agencyCode', message: '不是已知的经办机构' },
    ]);
  }
}

export function usersRouter(deps: { db: Db }): Router {
  const router = Router();
  const { db } = deps;
  router.use('/admin/users', requireRole('administrator'));

  /** The user of `:id`, if the administrator's agency covers theirs (Art. 5, 94); 404 if there is none. */
  async function userInScope(req: Request, opts: { active?: boolean } = {}) {
    const admin = currentUser(req);
    const { id } = parseOr400(UserIdParamSchema, req.params, 'params');
    const user = await db.user.findUnique({ where: { id } });
    if (!user || (opts.active && !user.active))
      throw new ApiError(404, 'user_not_found', opts.active ? '没有此在岗用户' : '没有此用户');
    assertAgencyScope(admin, user.agencyCode);
    return { admin, id, user };
  }

  router.get('/admin/users', async (req, res) => {
    const admin = currentUser(req);
    const users = await db.user.findMany({
      where: { agencyCode: { startsWith: agencyScopePrefix(admin.agencyCode) } },
      orderBy: { username: 'asc' },
      take: 500,
    });
    const locks = await accountLocks(
      db,
      users.map((u) => u.username),
      new Date(),
    );
    res.json({ users: users.map((u) => view(u, locks)) });
  });

  router.post('/admin/users', async (req, res) => {
    const admin = currentUser(req);
    const body = parseOr400(CreateUserSchema, req.body);
    assertAgencyScope(admin, body.agencyCode);
    await assertAgencyExists(db, body.agencyCode);
    try {
      const { id } = await createUser(db, admin, body, String(req.id));
      const created = await db.user.findUniqueOrThrow({ where: { id } });
      res
        .status(201)
        .location(`/admin/users/${id}`)
        .json(await viewOf(db, created));
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new ApiError(409, 'username_taken', '该用户名已被使用', [{ path: 'username', message: '已存在' }]);
      }
      throw err;
    }
  });

  router.patch('/admin/users/:id', async (req, res) => {
    const body = parseOr400(UpdateUserSchema, req.body);
    const { admin, id, user: before } = await userInScope(req);
    if (body.agencyCode) {
      assertAgencyScope(admin, body.agencyCode);
      await assertAgencyExists(db, body.agencyCode);
    }
    if (body.roles) {
      const agent = body.roles.includes('employer_agent');
      if (agent !== Boolean(before.employerUscc) || (agent && body.roles.length > 1)) {
        // Whether the user is an employer agent is the stored user's (its employer), not the request's: 422.
        throw new ApiError(
          422,
          'employer_agent_roles',
          '单位经办人只有这一个岗位，且只有单位经办人有此岗位（第八条）',
          [{ path: 'roles', message: '单位经办人只有这一个岗位，且只有单位经办人有此岗位（第八条）' }],
        );
      }
    }
    if (id === admin.id && (body.active === false || (body.roles && !body.roles.includes('administrator')))) {
      // 409: the change is well formed; it conflicts with who is asking (the last say over one's own access).
      throw new ApiError(409, 'own_administration', '不能取消您自己的系统管理权限', [
        { path: body.active === false ? 'active' : 'roles', message: '不能取消您自己的系统管理权限' },
      ]);
    }
    const now = new Date();
    const after = await db.$transaction(async (tx) => {
      const updated = await tx.user.update({
        where: { id },
        data: {
          ...(body.displayName ? { displayName: body.displayName } : {}),
          ...(body.agencyCode ? { agencyCode: body.agencyCode } : {}),
          ...(body.roles ? { roles: body.roles } : {}),
          ...(body.active !== undefined ? { active: body.active } : {}),
          ...(body.password ? { passwordHash: await hashPassword(body.password) } : {}),
          updatedAt: now,
        },
      });
      // Deactivated, moved or re-roled users sign in again: their sessions end now (Art. 94).
      if (body.active === false || body.agencyCode || body.roles || body.password)
        await tx.session.deleteMany({ where: { userId: id } });
      // A new password starts the account's sign-in counts afresh (as an unlock does).
      if (body.password) await clearAccount(tx, before.username, now);
      const { passwordHash: _b, ...beforeSafe } = before;
      const { passwordHash: _a, ...afterSafe } = updated;
      await audit(tx, {
        actor: admin,
        action: body.active === false ? 'user_deactivated' : body.password ? 'user_password_reset' : 'user_updated',
        entity: 'user',
        entityId: id,
        before: beforeSafe,
        after: afterSafe,
        reason: body.reason,
        requestId: String(req.id),
        at: now,
      });
      return updated;
    });
    res.json(await viewOf(db, after));
  });

  /**
   * Art. 95: an administrator unlocks an account that failed sign-ins locked — every count and lock of the account
   * goes (from any client), audited with the reason and what was there. Unlocking an account that is not locked
   * changes nothing and answers the same.
   */
  router.post('/admin/users/:id/unlock', async (req, res) => {
    const body = parseOr400(UnlockUserSchema, req.body);
    const { admin, id, user } = await userInScope(req);
    const now = new Date();
    await db.$transaction(async (tx) => {
      const cleared = await clearAccount(tx, user.username, now);
      if (!cleared.length) return;
      await audit(tx, {
        actor: admin,
        action: 'login_unlocked',
        entity: 'user',
        entityId: id,
        before: cleared.map((r) => ({ ...r, lockedUntil: r.lockedUntil?.toISOString() ?? null })),
        reason: body.reason,
        requestId: String(req.id),
        at: now,
      });
    });
    res.json(await viewOf(db, user));
  });

  router.post('/admin/users/:id/tokens', async (req, res) => {
    const body = parseOr400(IssueTokenSchema, req.body);
    const { admin, id } = await userInScope(req, { active: true });
    const issued = await issueServiceToken(db, admin, {
      userId: id,
      days: body.days,
      reason: body.reason,
      requestId: String(req.id),
    });
    res.status(201).json({ token: issued.token, expiresAt: issued.expiresAt.toISOString() });
  });

  return router;
}
