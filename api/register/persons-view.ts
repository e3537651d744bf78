/**
 * An insured person as their readers see them (Art. 30): the person themself, the employer for its own staff (only
 * its own relations with them), and staff of an agency covering the person's or one of their employers'. Anyone else
 * learns nothing: 404, as for a person not registered. Staff who do not check identity documents see the ID number
 * masked.
 */
import type { Request } from 'express';
import type { Prisma } from '../../generated/prisma/client';
import { isoDate } from '../../lib/db';
import { agencyCovers, PERSON_UNMASKED_ROLES, STAFF_ROLES, type StaffRole } from '../../domain/access';
import { maskIdNumber } from '../../domain/identity';
import {
  PERSON_ID_TYPE_LABELS,
  PERSON_STATUS_LABELS,
  RELATION_ORIGIN_LABELS,
  RELATION_STATUS_LABELS,
  SEX_LABELS,
  TERMINATION_REASON_LABELS,
} from '../../domain/register/items';
import { ApiError } from '../errors';

export const PERSON_INCLUDE = {
  relations: {
    orderBy: { id: 'asc' },
    include: { employer: { select: { name: true, code: true, codeType: true, agencyCode: true } } },
  },
} as const;
export type PersonRow = Prisma.InsuredPersonGetPayload<{ include: typeof PERSON_INCLUDE }>;
type RelationRow = PersonRow['relations'][number];

const label = <T extends Record<string, string>>(labels: T, v: string | null) =>
  v === null ? null : ((labels as Record<string, string>)[v] ?? v);

export type Reader =
  { kind: 'person' } | { kind: 'employer'; uscc: string } | { kind: 'staff'; unmasked: boolean; agencyCode: string };

export const personNotFound = () => new ApiError(404, 'person_not_found', '没有查到该参保人员的登记信息');

/** Who is reading, and whether they may read `p` (Art. 30); 404 if not. */
export function readerOf(req: Request, p: PersonRow): Reader {
  if (req.applicant && !req.user) {
    if (req.applicant.idNumber === p.idNumber) return { kind: 'person' };
    throw personNotFound();
  }
  const user = req.user;
  if (!user) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
  if (user.roles.includes('employer_agent')) {
    const uscc = user.employerUscc;
    if (uscc && p.relations.some((r) => r.employer.codeType === 'uscc' && r.employer.code === uscc)) {
      return { kind: 'employer', uscc };
    }
    throw personNotFound();
  }
  if (user.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r)) && staffCovers(user.agencyCode, p)) {
    return {
      kind: 'staff',
      agencyCode: user.agencyCode,
      unmasked: user.roles.some((r) => PERSON_UNMASKED_ROLES.includes(r as StaffRole)),
    };
  }
  throw personNotFound();
}

/** Art. 5: staff of an agency covering the person's agency or one of their employers'. */
export function staffCovers(agencyCode: string, p: PersonRow): boolean {
  return (
    agencyCovers(agencyCode, p.agencyCode) || p.relations.some((r) => agencyCovers(agencyCode, r.employer.agencyCode))
  );
}

export function relationView(r: RelationRow) {
  return {
    id: String(r.id),
    registerNumber: r.registerNumber,
    employerName: r.employer.name,
    agencyCode: r.employer.agencyCode,
    hiredOn: isoDate(r.hiredOn),
    lateByDays: r.lateByDays,
    status: r.status,
    statusLabel: label(RELATION_STATUS_LABELS, r.status),
    endedOn: r.endedOn ? isoDate(r.endedOn) : null,
    separationReason: r.separationReason,
    /** Art. 21: the days the staff reduction came after the 15 allowed (null when not declared). */
    declaredLateByDays: r.declaredLateByDays,
    origin: r.origin,
    originLabel: label(RELATION_ORIGIN_LABELS, r.origin),
  };
}

/** The person's items (Art. 19), status and relations, as `reader` may see them. */
export function personView(p: PersonRow, reader: Reader) {
  const masked = reader.kind === 'staff' && !reader.unmasked;
  const relations =
    reader.kind === 'employer'
      ? p.relations.filter((r) => r.employer.codeType === 'uscc' && r.employer.code === reader.uscc)
      : p.relations;
  return {
    personNumber: p.personNumber,
    idType: p.idType,
    idTypeLabel: label(PERSON_ID_TYPE_LABELS, p.idType),
    idNumber: masked ? maskIdNumber(p.idNumber) : p.idNumber,
    name: p.name,
    sex: p.sex,
    sexLabel: label(SEX_LABELS, p.sex),
    birthDate: isoDate(p.birthDate),
    phone: p.phone,
    hukouDivision: p.hukouDivision,
    hukouAddress: p.hukouAddress,
    residence: p.residence,
    insuredSince: isoDate(p.insuredSince),
    agencyCode: p.agencyCode,
    status: p.status,
    statusLabel: label(PERSON_STATUS_LABELS, p.status),
    terminated: p.terminatedOn
      ? {
          on: isoDate(p.terminatedOn),
          reason: p.terminationReason,
          reasonLabel: label(TERMINATION_REASON_LABELS, p.terminationReason),
        }
      : null,
    relations: relations.map(relationView),
    registeredAt: p.registeredAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
