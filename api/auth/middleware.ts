/**
 * Who is calling: a session cookie (browsers) or `Authorization: Bearer <token>` (machine clients). Routes then ask
 * for a role and an agency scope. Unauthenticated → 401; authenticated without the role or outside the scope → 403.
 */
import type { Request, RequestHandler } from 'express';
import type { Db } from '../../lib/db';
import { agencyCovers, ROLE_NAMES, type Role, type StaffRole } from '../../domain/access';
import { ApiError } from '../errors';
import { applicantOf, type ApplicantPrincipal } from './applicant';
import { authenticate, type AuthUser } from './service';

declare module 'express-serve-static-core' {
  interface Request {
    /** Staff or a machine client (service account). */
    user?: AuthUser;
    /** An applicant signed in with ID number and SMS code. */
    applicant?: ApplicantPrincipal;
  }
}

export const SESSION_COOKIE = 'ui_session';
/** The device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a browser an account knows. */
export const DEVICE_COOKIE = 'ui_device';

/** A cookie's value; a malformed one (`%` not followed by two hex digits) is no value, not a server error. */
export function readCookie(req: Request, cookie: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== cookie) continue;
    try {
      return decodeURIComponent(rest.join('=')) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function tokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  return readCookie(req, SESSION_COOKIE);
}

/** Attaches `req.user` or `req.applicant` when the request carries a live session; never refuses by itself. */
export function identify(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenOf(req);
    if (token) {
      req.user = await authenticate(db, token);
      if (!req.user) req.applicant = await applicantOf(db, token);
    }
    next();
  };
}

/** The signed-in applicant, or 401. */
export function currentApplicant(req: Request): ApplicantPrincipal {
  if (!req.applicant) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
  return req.applicant;
}

/** The signed-in user, or 401. */
export function currentUser(req: Request): AuthUser {
  if (!req.user) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
  return req.user;
}

const roleName = (r: Role) => ROLE_NAMES[r as StaffRole] ?? r;

/** Requires one of `roles` (Art. 77 权限管理). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    if (!roles.some((r) => user.roles.includes(r))) {
      throw new ApiError(
        403,
        'forbidden',
        `须由以下岗位之一办理：${roles.map(roleName).join('、')}（第七十七条 权限管理）`,
      );
    }
    next();
  };
}

/** 403 unless the user's agency covers `agencyCode` (Art. 5 分级管理). */
export function assertAgencyScope(user: AuthUser, agencyCode: string): void {
  if (!agencyCovers(user.agencyCode, agencyCode)) {
    throw new ApiError(
      403,
      'outside_agency_scope',
      `经办机构${agencyCode}不在您所在经办机构的管辖范围内（第五条 分级管理）`,
    );
  }
}
