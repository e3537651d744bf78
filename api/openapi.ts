/**
 * The OpenAPI document, generated from the same zod schemas that validate requests. Served at /openapi.json and
 * browsable at /docs. Every route registers itself here, so a route without a document entry stands out in review.
 */
import { registerContributionsOpenApi } from './contributions/router';
import { registerBackPaymentsOpenApi } from './back-payments/router';
import { registerRefundsOpenApi } from './refunds/router';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CaseSearchResultSchema, CaseSearchSchema, CaseViewSchema } from './cases/router';
import { CaseNumberParamSchema, ClaimCreatedSchema, ClaimRequestSchema, IdempotencyKeySchema } from './claims/schema';
import type { RequestHandler } from 'express';
import { ApiError, ErrorBodySchema, sendError } from './errors';
import { FORMAT } from './formats';
import {
  CreateUserSchema,
  IssueTokenSchema,
  UnlockUserSchema,
  UpdateUserSchema,
  UserIdParamSchema,
  UserViewSchema,
} from './admin/users-router';
import {
  ApplicantCodeRequestSchema,
  ApplicantLoginRequestSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  MeSchema,
} from './auth/router';
import { PaymentSummarySchema, PublicStatusQuerySchema } from './cases/router';
import {
  ArrearsWaiverSchema,
  BankAccountSchema,
  StopReportSchema,
  SupplyMaterialsSchema,
} from './cases/lifecycle-router';
import { BatchTasksSchema, StuckQuerySchema, WORKFLOW_ID, WorkflowActionBodySchema } from './supervision/router';
import {
  ChildbirthSubsidyRequestSchema,
  OtherBenefitCreatedSchema,
  SurvivorBenefitsRequestSchema,
} from './cases/other-benefits-router';
import { registerCalculationsOpenApi } from './calculations/router';
import { registerFinanceOpenApi } from './finance/router';
import {
  CalendarStatusSchema,
  CalendarYearBodySchema,
  CalendarYearSchema,
  DueDateQuerySchema,
  YearParam,
} from './calendar/router';
import { registerPolicyOpenApi } from './policy/router';
import { registerPolicyEntriesOpenApi } from './admin/policy-entries-router';
import { registerRecoveryOpenApi } from './recovery/router';
import { registerRevocationsOpenApi } from './cases/revocations-router';
import { registerSubsidiesOpenApi } from './subsidies/router';
import { registerAuditOpenApi } from './audit/router';
import { registerAssigneesOpenApi } from './supervision/assignees-router';
import { registerMonitoringOpenApi } from './monitoring/router';
import { registerDataCorrectionsOpenApi } from './data-corrections/router';
import { registerContributionCorrectionsOpenApi } from './contribution-corrections/router';
import { registerRegisterOpenApi } from './register/openapi';
import { registerPersonsOpenApi } from './register/persons-openapi';
import { registerDocumentsOpenApi } from './documents/openapi';
import { registerSeparationOpenApi } from './register/separations-openapi';
import { registerRecordsOpenApi } from './records/openapi';
import {
  CommentBodySchema,
  CompleteTaskBodySchema,
  ExtendBodySchema,
  ReassignBodySchema,
  TaskListQuerySchema,
  NotificationsQuerySchema,
  TaskIdParamSchema,
  TaskSummarySchema,
} from './tasks/router';

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

export function buildOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'ui_session' });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  // Either one: a bearer token (machine clients, listed first) or the session cookie of a signed-in browser.
  const signedIn: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  registry.registerPath({
    method: 'post',
    path: '/claims',
    summary:
      "申领失业保险金: submit an unemployment-benefit claim (Art. 34-36) — online: the platform's token or the signed-in applicant; kiosk: a kiosk token; window: an intake clerk",
    tags: ['claims'],
    security: signedIn,
    request: {
      headers: z.object({
        'Idempotency-Key': IdempotencyKeySchema.meta({
          description: 'Same key and body on a retry return the same case',
        }),
      }),
      body: { required: true, content: json(ClaimRequestSchema) },
    },
    responses: {
      201: { description: 'The case is open and in the read model', content: json(ClaimCreatedSchema) },
      200: {
        description: 'A retried request: the case this Idempotency-Key created',
        content: json(ClaimCreatedSchema),
      },
      202: { description: 'The case is started; it appears in GET /cases shortly', content: json(ClaimCreatedSchema) },
      400: error('The body is not valid: every field and rule is listed'),
      409: error('The Idempotency-Key was used for another request'),
      422: error(
        'date_in_future: the separation date is after today; agency_not_paying: no city or county agency has the paying agencyCode',
      ),
      413: error('The body is too large'),
      415: error('The body is not application/json'),
      503: error('Temporal or PostgreSQL is unavailable (Retry-After)'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/cases/{caseNumber}',
    summary:
      'A case of any type with its timeline, masked (Art. 30): staff whose agency covers it, or the person or employer it belongs to (Art. 31); 404 for anyone else',
    tags: ['cases'],
    security: signedIn,
    request: { params: CaseNumberParamSchema },
    responses: {
      200: { description: 'The case', content: json(CaseViewSchema) },
      400: error('The case number is malformed'),
      404: error('No such case, or not yours'),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/cases/search',
    summary:
      'Case search within your agency: by case number (staff), or by the applicant ID number or full name (roles that handle, audit or supervise claims; masked unless the role needs it, Art. 30)',
    tags: ['cases'],
    security: signedIn,
    request: { body: { required: true, content: json(CaseSearchSchema) } },
    responses: {
      200: { description: 'A page of cases, newest first', content: json(CaseSearchResultSchema) },
      400: error('Not exactly one criterion, or a malformed one'),
      403: error('Not staff, or a role that may not search by person'),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/auth/login',
    summary:
      'Sign in (Art. 95): a session cookie, or a bearer token for machine clients; also sets the device cookie ui_device (path /auth) that makes the browser known to the account',
    tags: ['auth'],
    request: { body: { required: true, content: json(LoginRequestSchema) } },
    responses: {
      200: { description: 'Signed in', content: json(LoginResponseSchema) },
      400: error('The body is not valid'),
      401: error('Wrong username or password'),
      429: error(
        'Too many failures (Retry-After): account_locked — this account from this address or browser, or from clients it does not know; client_locked — this address, all accounts',
      ),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/auth/logout',
    summary: 'Sign out',
    tags: ['auth'],
    security: signedIn,
    responses: { 204: { description: 'Signed out' }, 401: error('Not signed in') },
  });
  registry.registerPath({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in user',
    tags: ['auth'],
    security: signedIn,
    responses: { 200: { description: 'The user', content: json(MeSchema) }, 401: error('Not signed in') },
  });
  registry.registerPath({
    method: 'post',
    path: '/auth/applicant/code',
    summary:
      'Applicants: send a one-time sign-in code by SMS to the mobile (same answer whether or not there are cases)',
    tags: ['auth'],
    request: { body: { required: true, content: json(ApplicantCodeRequestSchema) } },
    responses: {
      202: { description: 'Sent', content: json(z.object({ expiresAt: z.string() })) },
      400: error('The ID number or mobile is not valid'),
      429: error(
        'Too many codes (Retry-After): too_many_codes — for this mobile from this address, or from all; too_many_codes_from_client — from this address',
      ),
      503: error('The SMS gateway is unavailable'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/auth/applicant/login',
    summary: 'Applicants: sign in with ID number, mobile and the code; they then see only their own cases',
    tags: ['auth'],
    request: { body: { required: true, content: json(ApplicantLoginRequestSchema) } },
    responses: {
      200: {
        description: 'Signed in',
        content: json(z.object({ expiresAt: z.string(), token: z.string().optional() }).loose()),
      },
      400: error('The ID number, mobile or code is not valid'),
      401: error('The code is wrong, used or expired'),
      429: error('Too many wrong codes from this address (client_locked, Retry-After)'),
    },
  });
  const caseParam = CaseNumberParamSchema;
  const lifecycle = [
    ['materials', SupplyMaterialsSchema, 'Supply the materials asked for in the one-time notice (Art. 37)'],
    [
      'arrears-waiver',
      ArrearsWaiverSchema,
      '《个人放弃补缴失业保险欠费承诺书》 signed: the months in arrears do not count (Art. 41)',
    ],
    [
      'bank-account',
      BankAccountSchema,
      'Correct the account the benefit is paid to; failed months are paid once with it (Art. 39)',
    ],
    ['stop-report', StopReportSchema, 'Report a stop condition (Art. 42 last paragraph)'],
  ] as const;
  for (const [path, schema, summary] of lifecycle) {
    registry.registerPath({
      method: 'post',
      path: `/cases/{caseNumber}/${path}`,
      summary: `${summary} — the applicant for their own case, or staff whose agency covers it`,
      tags: ['cases'],
      security: signedIn,
      request: { params: caseParam, body: { required: true, content: json(schema) } },
      responses: {
        200: { description: 'Done', content: json(z.object({}).loose()) },
        400: error('The body is not valid'),
        404: error('No such case for you'),
        409: error('案件不在此办理环节'),
        422: error(
          'What the case holds refuses it: materials it did not ask for (unknown_material); kinds without their documents (documents_required); a document not uploaded to this case (document_not_in_case)',
        ),
      },
    });
  }
  const otherBenefits = [
    [
      'childbirth-subsidy',
      ChildbirthSubsidyRequestSchema,
      '医疗补助金 (Art. 46): the beneficiary herself, or an intake clerk; opens its own case',
    ],
    [
      'survivor-benefits',
      SurvivorBenefitsRequestSchema,
      '丧葬补助金和抚恤金 and the unpaid month of death (Art. 47): a survivor at a window (intake clerk); opens its own case',
    ],
  ] as const;
  for (const [path, schema, summary] of otherBenefits) {
    registry.registerPath({
      method: 'post',
      path: `/cases/{caseNumber}/${path}`,
      summary,
      tags: ['cases'],
      security: signedIn,
      request: {
        params: caseParam,
        headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema }),
        body: { required: true, content: json(schema) },
      },
      responses: {
        201: { description: 'The case opened', content: json(OtherBenefitCreatedSchema) },
        200: { description: 'The same request again: the same case', content: json(OtherBenefitCreatedSchema) },
        400: error('The body is not valid'),
        404: error('No such benefit claim for you'),
        409: error('The Idempotency-Key was used for another body'),
        422: error(
          "date_in_future: the birth or death is after today; survivor_is_deceased: the survivor is the case's own person",
        ),
      },
    });
  }
  // Supervision (issue 9; Art. 76-78): supervisors and auditors see; supervisors act, each action with a reason.
  const supervisors = { security: signedIn, tags: ['supervision'] };
  const workflowParam = z.object({ workflowId: WORKFLOW_ID });
  registry.registerPath({
    ...supervisors,
    method: 'get',
    path: '/supervision/stuck',
    summary: 'Cases not moving and why: overdue task, failing activity, failing workflow task, idle; counts',
    request: { query: StuckQuerySchema },
    responses: { 200: { description: 'Stuck cases', content: json(z.object({}).loose()) }, 400: error('Bad query') },
  });
  registry.registerPath({
    ...supervisors,
    method: 'get',
    path: '/supervision/workflows/{workflowId}',
    summary: 'Diagnosis: pending activities with the last failure, open tasks, recent events, Temporal Web UI link',
    request: { params: workflowParam },
    responses: { 200: { description: 'Diagnosis', content: json(z.object({}).loose()) }, 404: error('Not found') },
  });
  for (const [action, summary] of [
    ['retry', 'Try the failing activities again now (attempts reset); audited'],
    ['cancel', 'Cancel the case; audited'],
  ] as const) {
    registry.registerPath({
      ...supervisors,
      method: 'post',
      path: `/supervision/workflows/{workflowId}/${action}`,
      summary,
      request: {
        params: workflowParam,
        body: { required: true, content: json(WorkflowActionBodySchema) },
      },
      responses: {
        200: { description: 'Done', content: json(z.object({}).loose()) },
        400: error('No reason'),
        409: error('Nothing to do'),
      },
    });
  }
  registry.registerPath({
    ...supervisors,
    method: 'post',
    path: '/supervision/tasks/batch',
    summary: 'Reassign or extend the tasks a filter selects: preview the count, then a result per task',
    request: { body: { required: true, content: json(BatchTasksSchema) } },
    responses: {
      200: { description: 'Results', content: json(z.object({}).loose()) },
      400: error('Bad body'),
      422: error('assignee_not_active: the assigneeId names no active user'),
    },
  });
  registry.registerPath({
    ...supervisors,
    method: 'get',
    path: '/supervision/sla',
    summary: 'Open tasks by due bucket, time per step, throughput per clerk, completions per day',
    responses: { 200: { description: 'Figures', content: json(z.object({}).loose()) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/cases/{caseNumber}/other-benefits',
    summary: 'The other-benefit cases of a benefit claim (Art. 46, 47), with their assessment',
    tags: ['cases'],
    security: signedIn,
    request: { params: caseParam },
    responses: { 200: { description: 'Cases', content: json(z.object({ items: z.array(z.object({}).loose()) })) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/cases/{caseNumber}/determination',
    summary: 'The determination (Art. 38): period, amount, dates, every version with its explanation',
    tags: ['cases'],
    security: signedIn,
    request: { params: caseParam },
    responses: {
      200: {
        description: 'Versions',
        content: json(z.object({ current: z.number(), versions: z.array(z.object({}).loose()) })),
      },
      404: error('Not determined'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/my/cases',
    summary:
      "Art. 31: one's own cases of every type, with the status in the 规程's words: a person signed in by SMS code, or an employer's agent",
    tags: ['cases'],
    security: signedIn,
    responses: {
      200: { description: 'Cases', content: json(z.object({ items: z.array(z.object({}).loose()) })) },
      401: error('Not signed in'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/public/claim-status',
    summary: 'Public: the status of a claim, given its case number and the applicant ID number together',
    tags: ['cases'],
    request: { body: { required: true, content: json(PublicStatusQuerySchema) } },
    responses: {
      200: {
        description: 'The status',
        content: json(
          z.object({
            caseNumber: z.string(),
            status: z.string(),
            statusLabel: z.string(),
            updatedAt: z.string(),
            payment: PaymentSummarySchema.optional().meta({
              description: 'Art. 39, 63: an approved claim with a benefit period: months paid and left, next pay day',
            }),
          }),
        ),
      },
      404: error('No case matches both'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/employer/claims',
    summary: "Employer agents (Art. 8): the claims naming their employer, the person's data masked",
    tags: ['employer'],
    security: signedIn,
    responses: {
      200: {
        description: 'Claims',
        content: json(z.object({ employerUscc: z.string(), items: z.array(z.object({}).loose()) })),
      },
      403: error('Not an employer agent'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/admin/users/{id}/tokens',
    summary: 'A bearer token for a machine client (online channel, kiosk); shown once; audited',
    tags: ['admin'],
    security: signedIn,
    request: { params: UserIdParamSchema, body: { required: true, content: json(IssueTokenSchema) } },
    responses: {
      201: { description: 'Issued', content: json(z.object({ token: z.string(), expiresAt: z.string() })) },
      403: error('Not an administrator'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/users',
    summary: 'Users of the agencies in your scope (Art. 94; administrators)',
    tags: ['admin'],
    security: signedIn,
    responses: {
      200: { description: 'Users', content: json(z.object({ users: z.array(UserViewSchema) })) },
      401: error('Not signed in'),
      403: error('Not an administrator'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/admin/users',
    summary: 'Create a user (Art. 94; audited)',
    tags: ['admin'],
    security: signedIn,
    request: { body: { required: true, content: json(CreateUserSchema) } },
    responses: {
      201: { description: 'Created', content: json(UserViewSchema) },
      400: error('The body is not valid'),
      403: error('Not an administrator, or the agency is outside your scope'),
      409: error('The username is taken'),
      422: error('agency_unknown: no agency has the agencyCode'),
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/admin/users/{id}',
    summary: 'Change roles, agency, password or deactivate a user (Art. 94; reason required; audited)',
    tags: ['admin'],
    security: signedIn,
    request: { params: UserIdParamSchema, body: { required: true, content: json(UpdateUserSchema) } },
    responses: {
      200: { description: 'Updated', content: json(UserViewSchema) },
      400: error('The body is not valid'),
      403: error('Not an administrator, or the user is outside your scope'),
      404: error('没有此用户'),
      409: error('own_administration: an administrator may not remove their own administration'),
      422: error(
        'agency_unknown: no agency has the agencyCode; employer_agent_roles: an employer agent has that role alone, and only an employer agent has it (Art. 8)',
      ),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/admin/users/{id}/unlock',
    summary:
      'Unlock an account that failed sign-ins locked, from every client (Art. 95; reason required; audited); the same answer when it was not locked',
    tags: ['admin'],
    security: signedIn,
    request: { params: UserIdParamSchema, body: { required: true, content: json(UnlockUserSchema) } },
    responses: {
      200: { description: 'The user, unlocked', content: json(UserViewSchema) },
      400: error('The id or the body is not valid'),
      401: error('Not signed in'),
      403: error('Not an administrator, or the user is outside your scope'),
      404: error('没有此用户'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    responses: { 200: { description: 'Alive', content: json(z.object({ status: z.literal('ok') })) } },
  });
  const Readiness = z
    .object({
      status: z.enum(['ready', 'unavailable']),
      checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
    })
    .meta({ id: 'Readiness' });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and PostgreSQL reachable',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready', content: json(Readiness) },
      503: { description: 'Something is down; the body names it', content: json(Readiness) },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
  });

  registry.registerPath({
    method: 'get',
    path: '/calendar/years',
    summary: 'Years the working-day calendar covers, and where their data comes from',
    tags: ['calendar'],
    security: signedIn,
    responses: {
      200: {
        description: 'Covered years',
        content: json(
          z.object({
            years: z.array(
              z.object({ year: z.number(), source: z.string(), origin: z.string(), provisional: z.boolean() }),
            ),
          }),
        ),
      },
      401: error('Not signed in'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/calendar/years/{year}',
    summary: "A year's statutory holidays and adjusted workdays (调休)",
    tags: ['calendar'],
    security: signedIn,
    request: { params: YearParam },
    responses: {
      200: { description: 'The year', content: json(CalendarYearSchema) },
      404: error('No data for the year'),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/calendar/years/{year}',
    summary: 'Add or correct a year when the State Council publishes it (administrators; audited)',
    tags: ['calendar'],
    security: signedIn,
    request: {
      params: YearParam,
      body: { required: true, content: json(CalendarYearBodySchema) },
    },
    responses: {
      200: { description: 'Saved', content: json(CalendarYearSchema) },
      400: error('The body is not valid: a date that does not exist, a missing source or reason'),
      422: error(
        'calendar_dates_inconsistent: dates outside the year, an adjusted workday that is not a weekend day or is also a holiday',
      ),
      403: error('Not an administrator'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/calendar/due-date',
    summary:
      'Due date and timer instant of a period in workdays ("within N workdays" counts from the next day), days or months',
    tags: ['calendar'],
    security: signedIn,
    request: { query: DueDateQuerySchema },
    responses: {
      200: {
        description: 'The due date',
        content: json(
          z.object({
            start: z.string(),
            amount: z.number(),
            unit: z.string(),
            dueDate: z.string(),
            dueInstant: z.string(),
            provisional: z.boolean().meta({
              description: 'Counted on the provisional calendar of a year without its State Council notice (暂定)',
            }),
          }),
        ),
      },
      422: error('The period runs into a year the calendar does not cover'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/calendar/status',
    summary:
      "This year's and next year's calendar: entered, provisional or refused; from 1 November a warning while next year's notice is missing (the staff pages' banner, Art. 94)",
    tags: ['calendar'],
    security: signedIn,
    responses: { 200: { description: 'The state', content: json(CalendarStatusSchema) }, 401: error('Not signed in') },
  });

  const taskId = TaskIdParamSchema;
  const refused = {
    400: error('The form or body is not valid: every field and rule'),
    403: error('Missing role, outside your agency scope, or 岗位不相容 (Art. 5, 77): the reason is given'),
    404: error('No such task in your scope'),
    409: error('The task is done already, or assigned to another clerk'),
    202: {
      description:
        'The case accepted the action but could not finish applying it in time (PostgreSQL down): it is applied once, ' +
        'when the database answers; see GET /tasks/{id}',
      content: json(z.object({ taskId: z.string(), status: z.literal('action_accepted'), message: z.string() })),
    },
    503: error('Temporal or PostgreSQL is unavailable (Retry-After): the action was not taken; send it again'),
  };
  registry.registerPath({
    method: 'get',
    path: '/tasks',
    summary:
      'The worklist: my tasks, available ones for my roles, overdue; sorted by due time; keyset pagination; counts',
    tags: ['tasks'],
    security: signedIn,
    request: { query: TaskListQuerySchema },
    responses: {
      200: {
        description: 'A page of tasks',
        content: json(
          z.object({
            items: z.array(TaskSummarySchema),
            nextCursor: z.string().nullable(),
            counts: z.object({ mine: z.number(), available: z.number(), overdue: z.number() }),
          }),
        ),
      },
      400: error('A filter is not valid'),
      403: error('The agency filter is outside your scope'),
      422: error('invalid_cursor: the cursor is not one this list issued (nextCursor of an earlier page)'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/tasks/{id}',
    summary: 'A task with its case summary, timeline, comments and decision form (JSON Schema)',
    tags: ['tasks'],
    security: signedIn,
    request: { params: taskId },
    responses: {
      200: { description: 'The task', content: json(z.object({ task: TaskSummarySchema }).loose()) },
      404: error('No such task in your scope'),
    },
  });
  for (const [action, summary] of [
    ['claim', 'Take the task (it stays yours until done or released)'],
    ['release', 'Give the task back to the queue'],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path: `/tasks/{id}/${action}`,
      summary,
      tags: ['tasks'],
      security: signedIn,
      request: { params: taskId },
      responses: { 200: { description: 'The task', content: json(z.object({}).loose()) }, ...refused },
    });
  }
  registry.registerPath({
    method: 'post',
    path: '/tasks/{id}/complete',
    summary:
      "Complete the task with its decision form; the case's workflow checks role, scope, 岗位不相容 and the form",
    tags: ['tasks'],
    security: signedIn,
    request: { params: taskId, body: { required: true, content: json(CompleteTaskBodySchema) } },
    responses: {
      200: {
        description: 'Completed',
        content: json(z.object({ taskId: z.string(), completedAt: z.string() }).loose()),
      },
      ...refused,
      422: error("invalid_form: the form does not fit this task's decision form (its JSON Schema: GET /tasks/{id})"),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/tasks/{id}/comments',
    summary: 'A note on the task (audited)',
    tags: ['tasks'],
    security: signedIn,
    request: { params: taskId, body: { required: true, content: json(CommentBodySchema) } },
    responses: {
      201: { description: 'Added', content: json(z.object({ at: z.string(), author: z.string(), text: z.string() })) },
      404: error('No such task in your scope'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/tasks/{id}/reassign',
    summary: 'Supervisors: give the task to another clerk who may do it (reason required; audited)',
    tags: ['tasks'],
    security: signedIn,
    request: { params: taskId, body: { required: true, content: json(ReassignBodySchema) } },
    responses: {
      200: { description: 'Reassigned', content: json(z.object({}).loose()) },
      ...refused,
      422: error('assignee_not_active: the assigneeId names no active user'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/tasks/{id}/extend',
    summary: 'Supervisors: extend the deadline by workdays or days (reason required; counted; audited)',
    tags: ['tasks'],
    security: signedIn,
    request: { params: taskId, body: { required: true, content: json(ExtendBodySchema) } },
    responses: {
      200: { description: 'Extended', content: json(z.object({}).loose()) },
      ...refused,
      422: error(
        'calendar_not_covered: the new due date falls in a year the working-day calendar does not cover (Art. 94)',
      ),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/notifications',
    summary: 'Overdue tasks, reminders and escalations for me and my roles in my scope (Art. 78)',
    tags: ['tasks'],
    security: signedIn,
    request: { query: NotificationsQuerySchema },
    responses: {
      200: { description: 'Notifications', content: json(z.object({ items: z.array(z.object({}).loose()) })) },
    },
  });

  registerCalculationsOpenApi(registry, { security: signedIn });
  registerFinanceOpenApi(registry, { security: signedIn });
  registerPolicyOpenApi(registry, { security: signedIn });
  registerPolicyEntriesOpenApi(registry, { security: signedIn });
  registerRecoveryOpenApi(registry, { security: signedIn });
  registerRevocationsOpenApi(registry, { security: signedIn });
  registerSubsidiesOpenApi(registry, { security: signedIn });
  registerAuditOpenApi(registry, { security: signedIn });
  registerAssigneesOpenApi(registry, { security: signedIn });
  registerMonitoringOpenApi(registry, { security: signedIn });
  registerDataCorrectionsOpenApi(registry, { security: signedIn });
  registerContributionCorrectionsOpenApi(registry, { security: signedIn });
  registerRegisterOpenApi(registry, { security: signedIn });
  registerPersonsOpenApi(registry, { security: signedIn });
  registerDocumentsOpenApi(registry, { security: signedIn });
  registerSeparationOpenApi(registry, { security: signedIn });
  registerRecordsOpenApi(registry, { security: signedIn });
  registerContributionsOpenApi(registry, { security: signedIn });
  registerBackPaymentsOpenApi(registry, { security: signedIn });
  registerRefundsOpenApi(registry, { security: signedIn });

  return withCommonAnswers(
    new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: '失业保险经办系统 API',
        version: '0.1.0',
        description: 'Case system for the procedures of 《辽宁省失业保险经办规程》 (辽人社〔2021〕33号).',
      },
    }),
  );
}

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The answers that come from the layers every route passes through rather than from the route itself, added to each
 * operation the layer applies to (issue 21: every status that can be answered is documented):
 *   400  a parameter or body that breaks its schema (and a path whose percent-encoding is broken)
 *   401  a signed-in operation called without a valid session or token (api/auth/middleware.ts)
 *   403  a signed-in operation called by a role, agency or employer it is not for; a cross-site write (security.ts)
 *   404  a path parameter that names nothing the caller may see
 *   413, 415  a body over 64 kB, or not application/json (app.ts)
 *   503  PostgreSQL or Temporal unavailable (errors.ts dependencyOutage), for every operation but liveness and metrics
 * An operation without a security requirement says so with `security: []`.
 */
function withCommonAnswers(doc: OpenApiDocument): OpenApiDocument {
  const components = ((doc.components ??= {}).schemas ??= {});
  // Any JSON value (a task's decision form, checked by the case's workflow) — but no NUL in its strings and keys.
  const anyJson = { $ref: '#/components/schemas/JsonWithoutNul' };
  components.JsonWithoutNul = {
    description: 'Any JSON value whose strings and keys contain no NUL character (U+0000)',
    anyOf: [
      { type: ['null', 'boolean', 'number'] },
      { type: 'string', ...noNul() },
      { type: 'array', items: anyJson },
      { type: 'object', propertyNames: noNul(), additionalProperties: anyJson },
    ],
  };
  const ref = { $ref: '#/components/schemas/Error' };
  const answer = (description: string) => ({ description, content: { 'application/json': { schema: ref } } });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const responses = (op.responses ??= {});
      const add = (status: number, description: string) => {
        responses[String(status)] ??= answer(description);
      };
      const secured = (op.security ?? []).length > 0;
      if (!secured) op.security = [];
      for (const p of op.parameters ?? []) if ('schema' in p) withoutNul(p.schema, components);
      const body = op.requestBody && 'content' in op.requestBody ? op.requestBody.content : {};
      for (const media of Object.values(body)) withoutNul(media.schema, components);
      const hasInput = (op.parameters ?? []).length > 0 || op.requestBody !== undefined;
      if (hasInput || path.includes('{')) add(400, '参数或请求内容不符合要求：列出每个字段及其规则');
      if (secured) {
        add(401, '未登录，或会话、令牌无效或已过期');
        add(403, '岗位、经办机构或单位无权办理此项');
      } else if (op.requestBody !== undefined) {
        add(403, '拒绝来自其他网站的请求');
      }
      if (path.includes('{')) add(404, '没有此对象，或无权查看');
      if (op.requestBody !== undefined) {
        add(413, '请求内容过大');
        add(415, '请求内容须为 application/json');
      }
      if (path !== '/healthz' && path !== '/metrics') add(503, '数据库或 Temporal 暂不可用，请稍后再试（Retry-After）');
    }
  }
  return doc;
}

/** A NUL character, which input-guard.ts refuses in every string and key of a body and query (PostgreSQL cannot store it). */
const noNul = () => ({ not: { type: 'string' as const, pattern: '\\u0000' } });

/**
 * Says in a request's schema what input-guard.ts enforces: no string, and no key of an open object, contains a NUL.
 * Components a request refers to are marked too (they are request schemas; the error body is never one).
 */
function withoutNul(schema: unknown, components: Record<string, unknown>, seen = new Set<unknown>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const node = schema as Record<string, unknown>;
  // An unconstrained value (z.unknown()) is any JSON value without a NUL.
  if (Object.keys(node).length === 0) return void (node.$ref = '#/components/schemas/JsonWithoutNul');
  const ref = typeof node.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(node.$ref) : null;
  if (ref) return withoutNul(components[ref[1]!], components, seen);
  const types = ([] as unknown[]).concat(node.type ?? []);
  // A string of a custom format (api/formats.ts) has no NUL by its rule; its schema stays the format alone.
  // A file's bytes (multipart, `format: binary`) are not text: a NUL in a scan is no NUL in a string.
  const customFormat = (Object.values(FORMAT) as unknown[]).includes(node.format) || node.format === 'binary';
  if (types.includes('string') && node.not === undefined && !customFormat) Object.assign(node, noNul());
  if (types.includes('object') && node.additionalProperties !== false && node.propertyNames === undefined) {
    node.propertyNames = noNul();
    // The values of the keys an open object does not name are any JSON without NUL too.
    node.additionalProperties ??= { $ref: '#/components/schemas/JsonWithoutNul' };
  }
  for (const key of ['properties', 'patternProperties', '$defs']) {
    for (const sub of Object.values((node[key] as Record<string, unknown> | undefined) ?? {}))
      withoutNul(sub, components, seen);
  }
  for (const key of ['items', 'additionalProperties', 'contains']) withoutNul(node[key], components, seen);
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    for (const sub of (node[key] as unknown[] | undefined) ?? []) withoutNul(sub, components, seen);
  }
}

/**
 * The methods of the document's paths (issue 21), mounted before the routers: OPTIONS on a known path lists in `Allow`
 * what the document declares (the routers' own OPTIONS answers would list only their part of a path), and a known
 * path called with a method the document does not declare is answered 405 with `Allow` (RFC 9110 §15.5.6) — before a
 * route of another template can take it (GET /cases/search is not GET /cases/{caseNumber}).
 */
export function methodNotAllowed(doc: OpenApiDocument): RequestHandler {
  const routes = Object.entries(doc.paths ?? {}).map(([path, item]) => {
    const params = (path.match(/\{/g) ?? []).length;
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    const methods = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    return { pattern: new RegExp(`^${source}/?$`), params, methods };
  });
  return (req, res, next) => {
    const matches = routes.filter((r) => r.pattern.test(req.path));
    if (matches.length === 0) return next();
    // The most specific template wins: /cases/search over /cases/{caseNumber}.
    const fewest = Math.min(...matches.map((r) => r.params));
    const allowed = [...new Set(matches.filter((r) => r.params === fewest).flatMap((r) => r.methods))];
    if (allowed.includes(req.method)) return next();
    res.setHeader('Allow', allowed.join(', '));
    if (req.method === 'OPTIONS') return void res.status(204).end();
    sendError(
      res,
      new ApiError(405, 'method_not_allowed', `此接口不支持 ${req.method} 方法，可用：${allowed.join(', ')}`),
    );
  };
}
