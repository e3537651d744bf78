/**
 * An employer's register entry as its readers see it (Art. 8, 16, 30): who may read it, and the entry with the
 * register's codes named in Chinese; staff who do not check identity documents see ID numbers and accounts masked.
 */
import type { Prisma } from '../../generated/prisma/client';
import { isoDate } from '../../lib/db';
import { agencyCovers, STAFF_ROLES } from '../../domain/access';
import { maskIdNumber, maskTail } from '../../domain/identity';
import type { EmployerType } from '../../domain/employer';
import {
  ECONOMIC_TYPES,
  EMPLOYER_NATURE_LABELS,
  EMPLOYER_STATUS_LABELS,
  END_REASON_LABELS,
  INDUSTRIES,
  PENSION_STATUS_LABELS,
  type EconomicType,
  type EmployerStatus,
  type EndReason,
  type Industry,
  type PensionCoordination,
} from '../../domain/register/items';
import type { AuthUser } from '../auth/service';

export type EmployerRow = Prisma.EmployerGetPayload<{ include: { branches: true; changeRequests: true } }>;
/** The entry with its branches and the reviewed changes still open. */
export const ENTRY_INCLUDE = {
  branches: true,
  changeRequests: { where: { status: 'awaiting_review' }, orderBy: { requestedAt: 'asc' } },
} as const;

export const STATUS = (s: string) => EMPLOYER_STATUS_LABELS[s as EmployerStatus] ?? s;

/** The entry as its reader may see it: staff who do not check identity documents see ID numbers and accounts masked. */
export function entryView(e: EmployerRow, unmasked: boolean) {
  const id = (n: string) => (unmasked ? n : maskIdNumber(n));
  return {
    registerNumber: e.registerNumber,
    agencyCode: e.agencyCode,
    codeType: e.codeType,
    code: e.code,
    name: e.name,
    nature: e.nature,
    natureLabel: EMPLOYER_NATURE_LABELS[e.nature as EmployerType] ?? e.nature,
    economicType: e.economicType,
    economicTypeLabel: ECONOMIC_TYPES[e.economicType as EconomicType] ?? e.economicType,
    industry: e.industry,
    industryLabel: INDUSTRIES[e.industry as Industry] ?? e.industry,
    registrationAuthority: e.registrationAuthority,
    foundedOn: isoDate(e.foundedOn),
    insuredSince: isoDate(e.insuredSince),
    address: e.address,
    phone: e.phone,
    email: e.email,
    bankAccount: {
      bankName: e.bankName,
      bankCode: e.bankCode,
      accountName: e.bankAccountName,
      accountNumber: unmasked ? e.bankAccountNumber : maskTail(e.bankAccountNumber),
    },
    legalRepresentative: {
      name: e.legalRepName,
      idType: e.legalRepIdType,
      idNumber: id(e.legalRepIdNumber),
      phone: e.legalRepPhone,
    },
    agent: { name: e.agentName, idType: e.agentIdType, idNumber: id(e.agentIdNumber), phone: e.agentPhone },
    parentRegisterNumber: e.parentRegisterNumber,
    branches: e.branches.map((b) => ({
      registerNumber: b.registerNumber,
      name: b.name,
      agencyCode: b.agencyCode,
      status: b.status,
      statusLabel: STATUS(b.status),
    })),
    status: e.status,
    statusLabel: STATUS(e.status),
    ended: e.endedOn
      ? {
          on: isoDate(e.endedOn),
          reason: e.endReason,
          reasonLabel: END_REASON_LABELS[e.endReason as EndReason] ?? e.endReason,
        }
      : null,
    channel: e.channel,
    pendingChanges: e.changeRequests.map((c) => ({
      caseNumber: c.caseNumber,
      items: c.items,
      status: c.status,
      requestedAt: c.requestedAt.toISOString(),
    })),
    pension: {
      status: e.pensionStatus,
      statusLabel: PENSION_STATUS_LABELS[e.pensionStatus as PensionCoordination] ?? e.pensionStatus,
      unitNumber: e.pensionUnitNumber,
    },
    registeredAt: e.registeredAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/**
 * Who may see an employer's entry (Art. 8, 30): its own agent, and staff of an agency covering the one it is
 * registered with. Anyone else learns nothing of it: 404, as for an employer not registered.
 */
export function mayRead(user: AuthUser, e: { codeType: string; code: string; agencyCode: string }): boolean {
  if (user.roles.includes('employer_agent')) return e.codeType === 'uscc' && user.employerUscc === e.code;
  return (
    user.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r)) &&
    agencyCovers(user.agencyCode, e.agencyCode)
  );
}
