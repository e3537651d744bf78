/**
 * Who may call what (issue 12; Art. 5 分级管理, Art. 8 单位经办人, Art. 77 权限管理, Art. 94): the access table of the API,
 * kept in code and checked cell by cell against the running API by access.test.ts.
 *
 * A cell is one of:
 *   allowed          past the access checks (the answer may still refuse the empty body: 400, or the state: 409)
 *   unauthenticated  401: no session
 *   forbidden        403: signed in, without the role or outside the agency scope
 *   hidden           404: the record exists but is not shown to this caller (cases, tasks of other agencies)
 */
import type { Role } from '../../domain/access';
import { CALCULATION_KIND_NAMES } from '../../domain/calculators/schemas';

export type Outcome = 'allowed' | 'unauthenticated' | 'forbidden' | 'hidden';
export type Caller =
  { kind: 'anonymous' } | { kind: 'applicant'; own: boolean } | { kind: 'role'; role: Role; own: boolean };

/** How an answer counts. */
export function outcomeOf(status: number, code: string): Outcome {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404 && code !== 'not_found_route') return 'hidden';
  return 'allowed';
}

export interface AccessRule {
  /** Who gets past the checks: `public` is everyone, signed in or not. */
  roles: 'public' | 'signed_in' | readonly Role[];
  /** Whether an applicant passes: for their own case only (`own`), or any applicant (`any`); `hidden`: told 404. */
  applicant?: 'own' | 'any' | 'hidden';
  /** How staff of another agency are refused (the record is in Shenyang, they are in Dalian). */
  otherAgency?: 'forbidden' | 'hidden';
  /** How a staff role outside `roles` is refused, when not 403 (cases and tasks: 404, as if they did not exist). */
  wrongRole?: Outcome;
  /** The agency scope is judged before the role: outside it the record does not exist for anyone (tasks, Art. 5). */
  scopeFirst?: boolean;
  /** Roles that see the record but may not do this: 403 (a supervisor may see a task, not take it). */
  seeOnly?: readonly Role[];
  /** How machine clients and employer agents outside `roles` are refused, when not 403. */
  wrongClient?: Outcome;
  /**
   * Employer agents pass for their own company's cases only (Art. 8, 31: a job-retention refund, a skill subsidy it
   * applied for); the test's case is a person's claim, not the company's: told 404, as if it did not exist.
   */
  employerAgent?: 'own';
  /** The record the test names does not exist (no objection, recovery… yet): who passes the checks gets 404. */
  absent?: boolean;
}

const STAFF = [
  'intake',
  'reviewer',
  'second_reviewer',
  'approver',
  'finance',
  'auditor',
  'supervisor',
  'administrator',
] as const;
/** Staff who act on a claim for the person (Art. 37-42): not finance, audit or administration. */
const CASE_WORKERS = ['intake', 'reviewer', 'second_reviewer', 'approver', 'supervisor'] as const;
const SUPERVISION = ['auditor', 'supervisor'] as const;
/** Art. 9, 30: staff who read an entitlement record with a reason (PERSON_SEARCH_ROLES). */
const RECORD_READERS = ['intake', 'reviewer', 'second_reviewer', 'approver', 'auditor', 'supervisor'] as const;
/** The records' clerks (api/contributions/router.ts). */
const CONTRIBUTION_CLERKS = ['reviewer', 'second_reviewer', 'approver', ...SUPERVISION] as const;
/** Who reads refund cases (api/refunds/router.ts): every post but the system administrator. */
const REFUND_READERS = STAFF.filter((r) => r !== 'administrator');
const publicEndpoint: AccessRule = { roles: 'public' };
/** A case of the person or of the agency: other agencies, other roles and other applicants are told it does not exist. */
const caseAction = (roles: readonly Role[], applicant?: 'own'): AccessRule => ({
  roles,
  ...(applicant ? { applicant } : {}),
  otherAgency: 'hidden',
  wrongRole: 'hidden',
  wrongClient: 'hidden',
});
/**
 * A task: its role's clerks, auditors and supervisors see it; other agencies are told it does not exist (Art. 5),
 * other staff of the agency are refused with the rule (403 missing_role, Art. 77).
 */
const taskAction = (roles: readonly Role[]): AccessRule => ({ roles, otherAgency: 'hidden', scopeFirst: true });

export const ACCESS_TABLE: Record<string, AccessRule> = {
  // Operations and sign-in: anyone.
  'GET /healthz': publicEndpoint,
  'GET /readyz': publicEndpoint,
  'GET /metrics': publicEndpoint,
  'POST /auth/login': publicEndpoint,
  'POST /auth/applicant/code': publicEndpoint,
  'POST /auth/applicant/login': publicEndpoint,
  'POST /public/claim-status': publicEndpoint,
  'GET /public/notices': publicEndpoint,
  'GET /public/notices/{id}': { roles: 'public', absent: true },
  'POST /public/notices/{id}/objections': publicEndpoint,
  'GET /auth/me': { roles: 'signed_in' },
  'POST /auth/logout': { roles: 'signed_in' },
  // Applying: the body says the channel, and the channel who may file (Art. 35); an empty body is refused as invalid.
  'POST /claims': { roles: 'signed_in' },
  'POST /skill-subsidies': { roles: 'signed_in' },
  // Art. 31: one's own cases, a person's or an employer's (its agent).
  'GET /my/cases': {
    roles: ['employer_agent'],
    applicant: 'any',
    wrongRole: 'unauthenticated',
    wrongClient: 'unauthenticated',
  },
  // A case (Art. 5, 30, 31): staff whose agency covers it, the applicant for their own (a claim here; an employer's
  // own cases are in test/scenarios/own-cases.test.ts).
  'GET /cases/{caseNumber}': caseAction(STAFF, 'own'),
  // Case search (Art. 5, 30): staff; by a person only some roles (refused per criterion, after the empty body's 400).
  'POST /cases/search': { roles: STAFF },
  // Every claim has its verdict from the first check on (Art. 37, 38), refused or not.
  'GET /cases/{caseNumber}/determination': caseAction(CASE_WORKERS, 'own'),
  'GET /cases/{caseNumber}/other-benefits': caseAction(['intake', 'supervisor'], 'own'),
  'POST /cases/{caseNumber}/materials': caseAction(CASE_WORKERS, 'own'),
  // Documents (Art. 14, 30): upload by those who act on the case, list by those who see it; a document of the test
  // (none here) is hidden from everyone signed in.
  'POST /cases/{caseNumber}/documents': caseAction(CASE_WORKERS, 'own'),
  'GET /cases/{caseNumber}/documents': caseAction(STAFF, 'own'),
  'GET /documents/{id}/content': { roles: 'signed_in', applicant: 'any', absent: true },
  'POST /documents/{id}/certification': { roles: 'signed_in', applicant: 'any', absent: true },
  'POST /cases/{caseNumber}/arrears-waiver': caseAction(CASE_WORKERS, 'own'),
  'POST /cases/{caseNumber}/bank-account': caseAction(CASE_WORKERS, 'own'),
  'POST /cases/{caseNumber}/stop-report': caseAction(CASE_WORKERS, 'own'),
  // Art. 13: the person or employer the decision concerns objects; staff take it in at the window.
  'POST /cases/{caseNumber}/objections': { ...caseAction(CASE_WORKERS, 'own'), employerAgent: 'own' },
  'POST /cases/{caseNumber}/childbirth-subsidy': caseAction(['intake', 'supervisor'], 'own'),
  // Survivors apply at a window (Art. 47): an applicant signed in online is told there is no such case.
  'POST /cases/{caseNumber}/survivor-benefits': { ...caseAction(['intake', 'supervisor']), applicant: 'hidden' },
  // Tasks (Art. 5, 77): the task's role (intake for an acceptance), auditors and supervisors see it.
  'GET /tasks': { roles: STAFF },
  'GET /notifications': { roles: STAFF },
  'GET /tasks/{id}': taskAction(['intake', ...SUPERVISION]),
  'POST /tasks/{id}/claim': { ...taskAction(['intake']), seeOnly: SUPERVISION },
  'POST /tasks/{id}/release': taskAction(['intake', ...SUPERVISION]),
  'POST /tasks/{id}/complete': { ...taskAction(['intake']), seeOnly: SUPERVISION },
  'POST /tasks/{id}/comments': taskAction(['intake', ...SUPERVISION]),
  'POST /tasks/{id}/reassign': { roles: ['supervisor'], otherAgency: 'hidden' },
  'POST /tasks/{id}/extend': { roles: ['supervisor'], otherAgency: 'hidden' },
  // Rules, calendar and calculations: staff; the calendar is written by administrators.
  'GET /calendar/years': { roles: STAFF },
  'GET /calendar/years/{year}': { roles: STAFF },
  'GET /calendar/due-date': { roles: STAFF },
  'GET /calendar/status': { roles: STAFF },
  'PUT /calendar/years/{year}': { roles: ['administrator'] },
  'GET /policy/parameters': { roles: STAFF },
  ...Object.fromEntries(CALCULATION_KIND_NAMES.map((kind) => [`POST /calculations/${kind}`, { roles: STAFF }])),
  // Supervision (Art. 76-78).
  'GET /supervision/stuck': { roles: SUPERVISION },
  'GET /supervision/sla': { roles: SUPERVISION },
  'GET /supervision/decisions-without-review': { roles: SUPERVISION },
  'GET /supervision/workflows/{workflowId}': { roles: SUPERVISION, otherAgency: 'hidden' },
  'POST /supervision/workflows/{workflowId}/retry': { roles: ['supervisor'], otherAgency: 'hidden' },
  'POST /supervision/workflows/{workflowId}/cancel': { roles: ['supervisor'], otherAgency: 'hidden' },
  'POST /supervision/tasks/batch': { roles: ['supervisor'] },
  'GET /supervision/assignees': { roles: ['supervisor'] },
  // Users (Art. 94): administrators of the agency.
  'GET /admin/users': { roles: ['administrator'] },
  'POST /admin/users': { roles: ['administrator'] },
  'PATCH /admin/users/{id}': { roles: ['administrator'] },
  'POST /admin/users/{id}/tokens': { roles: ['administrator'] },
  'POST /admin/users/{id}/unlock': { roles: ['administrator'] },
  // Policy parameter entries (Art. 12): administrators add dated entries.
  'GET /admin/policy/entries': { roles: ['administrator'] },
  'POST /admin/policy/entries': { roles: ['administrator'] },
  // Employers (Art. 8, 49).
  'GET /employer/claims': { roles: ['employer_agent'] },
  // Contribution records (Art. 23-25): the employer's agent sees its own employer's; the records' clerks the sync.
  'GET /employer/contributions': { roles: ['employer_agent'] },
  'GET /employer/contributions/{month}': { roles: ['employer_agent'] },
  'POST /contributions/sync/runs': { roles: CONTRIBUTION_CLERKS },
  'GET /contributions/sync/runs': { roles: CONTRIBUTION_CLERKS },
  'GET /contributions/sync/differences': { roles: CONTRIBUTION_CLERKS },
  'GET /contributions/sync/problems': { roles: CONTRIBUTION_CLERKS },
  // Art. 24, 25: the row is looked for in the clerk's agency after the reason is read: an empty body is a 400 to all.
  'POST /contributions/sync/problems/{id}/resolution': { roles: CONTRIBUTION_CLERKS },
  'POST /contributions/sync/differences/{id}/resolution': { roles: CONTRIBUTION_CLERKS },
  'POST /contributions/persons/query': { roles: CONTRIBUTION_CLERKS },
  // Back payments (Art. 26): the employer's agent online, an intake clerk at a window; read by both and the agency's staff.
  'POST /back-payments': { roles: ['employer_agent', 'intake'] },
  'GET /back-payments': { roles: ['employer_agent', ...STAFF] },
  'GET /back-payments/{caseNumber}': { roles: ['employer_agent', ...STAFF], absent: true },
  // Refunds (Art. 27, 64): applied for by the employer's agent or at a window; read by the agent (its own) and staff
  // but the administrator; the list waiting for the fund is finance's; tax's requests fetched by the records' clerks.
  'POST /refunds': { roles: ['employer_agent', 'intake'] },
  'GET /refunds': { roles: [...REFUND_READERS, 'employer_agent'] },
  'GET /refunds/awaiting-fund': { roles: ['finance', ...SUPERVISION] },
  'GET /refunds/{caseNumber}': { roles: [...REFUND_READERS, 'employer_agent'], absent: true },
  'POST /refunds/tax-requests/runs': { roles: CONTRIBUTION_CLERKS },
  'POST /job-retention/applications': { roles: ['employer_agent'] },
  'POST /job-retention/screenings': { roles: ['supervisor'] },
  // Finance (Art. 39, 62, 63).
  'POST /finance/payment-runs': { roles: ['finance'] },
  'GET /finance/payment-runs': { roles: ['finance', ...SUPERVISION] },
  'GET /finance/payables': { roles: ['finance', ...SUPERVISION] },
  'GET /finance/funds-request': { roles: ['finance', ...SUPERVISION] },
  // Objections and recoveries (Art. 13, 42, 43): the records named do not exist for this case.
  'GET /objections/{caseNumber}': { roles: [...CASE_WORKERS, 'auditor'], absent: true },
  'POST /recoveries': { roles: ['auditor'] },
  // Revocation of a determination (Art. 42, 43): proposed by those who review or audit determinations.
  'POST /cases/{caseNumber}/revocations': { roles: ['reviewer', 'second_reviewer', 'auditor'], otherAgency: 'hidden' },
  'GET /cases/{caseNumber}/determination/{version}/rerun': {
    roles: ['auditor', 'supervisor', 'reviewer', 'second_reviewer', 'approver'],
    otherAgency: 'hidden',
  },
  'POST /recoveries/{caseNumber}/delivery': { roles: ['intake', ...SUPERVISION], absent: true },
  'POST /recoveries/{caseNumber}/repayments': { roles: ['finance'], absent: true },
  'GET /recoveries/{caseNumber}/case-file': { roles: ['finance', ...SUPERVISION], absent: true },
  // A recovery by its number, or by its claim's case number while the claim has one (Art. 43: one per stop).
  'POST /recoveries/{recoveryId}/delivery': { roles: ['intake', ...SUPERVISION], absent: true },
  'POST /recoveries/{recoveryId}/repayments': { roles: ['finance'], absent: true },
  'GET /recoveries/{recoveryId}/case-file': { roles: ['finance', ...SUPERVISION], absent: true },
  // Internal control (Art. 76-78, 93).
  'GET /audit/verify': { roles: [...SUPERVISION, 'administrator'] },
  'POST /monitoring/runs': { roles: SUPERVISION },
  'GET /monitoring/runs/{runId}': { roles: SUPERVISION },
  'GET /monitoring/items': { roles: SUPERVISION },
  'GET /monitoring/rules': { roles: SUPERVISION },
  'POST /data-corrections': { roles: ['intake', 'reviewer', 'supervisor'] },
  // Art. 28: the window receives a record correction; the window, its three levels, audit and supervision read it.
  'POST /contribution-corrections': { roles: ['intake'] },
  'GET /contribution-corrections/{caseNumber}': {
    roles: ['intake', 'reviewer', 'second_reviewer', 'approver', 'auditor', 'supervisor'],
    absent: true,
  },
  // The register (Art. 8, 16-18): the employer's agent for its own employer, the window's intake clerk; staff in scope
  // read it. The test names no registered employer: `/employers/mine` is 404 for the agent, a register number of
  // another's (and of another agency's) is 404 in test/scenarios/register.test.ts.
  'POST /employers': { roles: ['employer_agent', 'intake'] },
  'GET /employers': { roles: STAFF },
  'GET /employers/mine': { roles: ['employer_agent'], absent: true },
  'GET /employers/{registerNumber}': { roles: ['employer_agent', ...STAFF] },
  'PATCH /employers/{registerNumber}': { roles: ['employer_agent'] },
  'POST /employers/{registerNumber}/changes': { roles: ['employer_agent', 'intake'] },
  'POST /employers/{registerNumber}/deregistration': { roles: ['employer_agent', 'intake'] },
  // The person register (Art. 19-22, 30): the person's own entry only to the signed-in person (none in the test's
  // register: 404); a person by number to anyone signed in, then judged by the record (the person, the employer,
  // staff in scope: test/scenarios/persons.test.ts).
  'POST /employers/{registerNumber}/persons': { roles: ['employer_agent', 'intake'] },
  'GET /employers/{registerNumber}/persons': { roles: ['employer_agent', ...STAFF] },
  'POST /persons/search': { roles: ['employer_agent', ...STAFF] },
  'GET /persons/mine': { roles: [], applicant: 'any', absent: true },
  'PATCH /persons/mine': { roles: [], applicant: 'any', absent: true },
  'GET /persons/{personNumber}': { roles: 'signed_in' },
  'GET /persons/{personNumber}/history': { roles: 'signed_in' },
  'POST /persons/{personNumber}/identity-changes': { roles: ['intake'] },
  'POST /persons/{personNumber}/termination': { roles: ['employer_agent', 'intake'] },
  // Staff reduction and the register's reminders (Art. 17, 19, 21): the same scope as the employer's entry.
  'POST /employers/{registerNumber}/reductions': { roles: ['employer_agent', 'intake'] },
  'GET /employers/{registerNumber}/reminders': { roles: ['employer_agent', ...STAFF] },
  'GET /register/claim-notices/{relationId}': { roles: ['employer_agent', ...STAFF], absent: true },
  'POST /register/comparisons': { roles: ['supervisor', 'administrator'] },
  'GET /data-corrections/{caseNumber}': { roles: ['intake', 'reviewer', 'approver', ...SUPERVISION], absent: true },
  // The entitlement record (Art. 9, 29-31): the person (not in the register here: 404), staff of any agency of the
  // province who handle, audit or supervise claims (the empty reason: 400), the employer's agent for its own staff
  // (this test's person is not its staff: 404); everyone else is told there is no such record (Art. 30).
  'GET /my/record': {
    roles: [],
    applicant: 'any',
    absent: true,
    wrongRole: 'unauthenticated',
    wrongClient: 'unauthenticated',
  },
  'GET /my/record/pdf': {
    roles: [],
    applicant: 'any',
    absent: true,
    wrongRole: 'unauthenticated',
    wrongClient: 'unauthenticated',
  },
  'POST /records/persons/query': { roles: RECORD_READERS, wrongRole: 'hidden', wrongClient: 'hidden' },
  'GET /records/persons/{personNumber}': { roles: RECORD_READERS, wrongRole: 'hidden', wrongClient: 'hidden' },
  'GET /records/persons/{personNumber}/pdf': { roles: RECORD_READERS, wrongRole: 'hidden', wrongClient: 'hidden' },
  'GET /records/employers/{registerNumber}': { roles: RECORD_READERS, wrongRole: 'hidden', wrongClient: 'hidden' },
  'GET /records/employers/{registerNumber}/pdf': { roles: RECORD_READERS, wrongRole: 'hidden', wrongClient: 'hidden' },
  'POST /records/objections': { roles: 'signed_in' },
  'GET /records/objections/{caseNumber}': { roles: 'signed_in', absent: true },
  'GET /public/records/verify/{code}': { roles: 'public', absent: true },
};

export function expectedOutcome(operation: string, caller: Caller): Outcome | undefined {
  const rule = ACCESS_TABLE[operation];
  if (!rule) return undefined;
  const passed: Outcome = rule.absent ? 'hidden' : 'allowed';
  if (rule.roles === 'public') return passed;
  if (caller.kind === 'anonymous') return 'unauthenticated';
  // Applicants are not signed in as far as staff endpoints are concerned.
  if (caller.kind === 'applicant') {
    if (rule.roles === 'signed_in' || rule.applicant === 'any') return passed;
    if (rule.applicant === 'own') return caller.own ? passed : 'hidden';
    if (rule.applicant === 'hidden') return 'hidden';
    return 'unauthenticated';
  }
  if (rule.employerAgent === 'own' && caller.role === 'employer_agent') return 'hidden';
  if (rule.roles !== 'signed_in' && !rule.roles.includes(caller.role)) {
    if (rule.seeOnly?.includes(caller.role)) return caller.own || !rule.otherAgency ? 'forbidden' : rule.otherAgency;
    const staff = (STAFF as readonly Role[]).includes(caller.role);
    if (staff && rule.scopeFirst && !caller.own && rule.otherAgency) return rule.otherAgency;
    return (staff ? rule.wrongRole : rule.wrongClient) ?? 'forbidden';
  }
  if (!caller.own && rule.otherAgency) return rule.otherAgency;
  return passed;
}
