/**
 * Roles and agency scope (Art. 5, 8, 76, 77, 94). Pure: used by the API's access checks and, later, by the task
 * primitive's validators inside workflows.
 */

/** Staff roles. A user may hold several; incompatible steps of one case are refused elsewhere (岗位不相容). */
export const STAFF_ROLES = [
  'intake', // 受理
  'reviewer', // 审核 / 初审
  'second_reviewer', // 复核 / 复审
  'approver', // 审批
  'finance', // 财务
  'auditor', // 稽核内控
  'supervisor', // 业务监督
  'administrator', // 系统管理 (Art. 94)
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The staff roles as the 规程 names the posts (经办岗位, Art. 77), for messages people read. */
export const ROLE_NAMES: Record<StaffRole, string> = {
  intake: '受理',
  reviewer: '审核（初审）',
  second_reviewer: '复核',
  approver: '审批',
  finance: '财务',
  auditor: '稽核内控',
  supervisor: '业务监督',
  administrator: '系统管理',
};

/**
 * Machine clients (service accounts with a bearer token): the online service platform / mobile app, which vouches for
 * the person's real-name identity (Art. 4, 35: 网上服务平台、手机APP), and self-service kiosks (自助终端).
 */
export const CHANNEL_ROLES = ['online_channel', 'kiosk'] as const;

/**
 * 单位经办人 (Art. 8): a person an employer authorised (《失业保险业务办理授权书》 or online certification) to act for it,
 * and for it only: an employer agent's account names the employer's unified social credit code.
 */
export const EMPLOYER_ROLES = ['employer_agent'] as const;
export type EmployerRole = (typeof EMPLOYER_ROLES)[number];
export type ChannelRole = (typeof CHANNEL_ROLES)[number];
export type Role = StaffRole | ChannelRole | EmployerRole;
export const ROLES = [...STAFF_ROLES, ...CHANNEL_ROLES, ...EMPLOYER_ROLES] as const;

export type AgencyLevel = 'province' | 'city' | 'county';

/** Level of an administrative division code (GB/T 2260): 210000 province, 210100 city, 210102 county. */
export function agencyLevelOf(code: string): AgencyLevel {
  if (!/^\d{6}$/.test(code)) throw new RangeError(`not a division code: ${code}`);
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

/**
 * Whether staff of agency `viewer` may see or act on what belongs to agency `subject` (Art. 5 分级管理): the province
 * sees its whole province, a city its own city and counties, a county only itself.
 */
export function agencyCovers(viewer: string, subject: string): boolean {
  return subject.startsWith(agencyScopePrefix(viewer));
}

/** The division-code prefix of everything agency `viewer` covers (for `LIKE 'prefix%'` queries). */
export function agencyScopePrefix(viewer: string): string {
  const level = agencyLevelOf(viewer);
  return level === 'province' ? viewer.slice(0, 2) : level === 'city' ? viewer.slice(0, 4) : viewer;
}

/**
 * Who may look cases up by the applicant's name or ID number (Art. 30: entitlement records are not disclosed to
 * others): the staff who handle claims, audit them or supervise them. Finance pays by the ledger and the system
 * administrator (Art. 94) keeps the system, so neither looks people up.
 */
export const PERSON_SEARCH_ROLES: readonly StaffRole[] = [
  'intake',
  'reviewer',
  'second_reviewer',
  'approver',
  'auditor',
  'supervisor',
];

/**
 * Who sees a found person's name and ID number whole: the intake clerk, who checks the identity document at the window
 * (Art. 34, 37), and the auditor, who compares records (Art. 79). Everyone else sees them masked.
 */
export const PERSON_UNMASKED_ROLES: readonly StaffRole[] = ['intake', 'auditor'];
