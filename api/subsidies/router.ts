/**
 * Subsidies paid after a public notice (Art. 49, 50), and the notices themselves:
 *
 *   POST /skill-subsidies                    技能提升补贴: the employee (online channel, kiosk), an intake clerk, or the
 *                                            employer's agent for its own employee (Art. 50: 企业或职工)
 *   POST /job-retention/applications         稳岗返还: an employer's agent applies for its own employer (Art. 49 para 1)
 *   POST /job-retention/screenings           免申即享 on demand: a supervisor starts the screening of a city (Art. 49)
 *   GET  /public/notices[?agencyCode=]       公示: the notices (public, no sign-in)
 *   GET  /public/notices/:id                 one notice with its items (name and ID number masked, Art. 50)
 *   POST /public/notices/:id/objections      an objection to one item during the period (public)
 *
 * Applications are written to the read model first (with the new case, in one transaction), then the workflow starts
 * with only the case number: no personal data in its history. An Idempotency-Key returns the same case.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { agencyCovers } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { formatCaseNumber, serialFromBytes, type CaseType } from '../../domain/case-number';
import { MAINLAND_MOBILE_PATTERN, validateIdentityDocument } from '../../domain/identity';
import { jobRetentionYearProblem, skillSubsidyParties, type InsuredEmployer } from '../../domain/subsidies';
import { Prisma } from '../../generated/prisma/client';
import { SourceError } from '../../integrations/errors';
import { audit } from '../../lib/audit';
import { insuranceOf, type InsuranceSource } from '../../lib/insured-employer';
import { isoDate, type Db } from '../../lib/db';
import { jobRetentionRefund, jobRetentionScreening } from '../../workflows/job-retention';
import { objectToNoticeItem } from '../../contracts/public-notice';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../contracts/search-attributes';
import { skillSubsidy } from '../../workflows/skill-subsidy';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { OpenApiRouteOptions } from '../calculations/router';
import { ApiError, dependencyOutage, ErrorBodySchema, parseOr400, validationError } from '../errors';
import { caseCommands } from '../case-commands';
import { openCase } from '../../lib/case-store';
import { ID_DOCUMENT_VARIANTS } from '../formats';
import {
  IdempotencyKeySchema,
  IdTypeSchema,
  organisationName,
  PaymentAccountSchema,
  personName,
  usccSchema,
} from '../claims/schema';
import { writtenText } from '../../domain/written-text';

const divisionCode = z.string().regex(/^\d{4}00$/, '须为市级经办机构的6位行政区划代码');
const uscc = usccSchema('须为统一社会信用代码（GB 32100）');
const mobile = z.string().trim().regex(MAINLAND_MOBILE_PATTERN, '须为11位大陆手机号码（1[3-9]开头）');

export const SkillSubsidyRequestSchema = z
  .strictObject({
    channel: z.enum(['online', 'window', 'kiosk']),
    agencyCode: divisionCode.meta({ description: 'Art. 50: the agency where the employee is insured' }),
    employee: z
      .strictObject({
        idType: IdTypeSchema,
        idNumber: z.string().trim().toUpperCase().min(5, '过短').max(32),
        name: personName(50),
        phone: mobile,
      })
      .superRefine((a, ctx) => {
        const check = validateIdentityDocument(a.idType, a.idNumber);
        if (!check.valid) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: check.message });
      })
      .meta(ID_DOCUMENT_VARIANTS),
    employer: z.strictObject({ uscc, name: organisationName(50) }),
    certificateNumber: z
      .string()
      .trim()
      .regex(/^[0-9A-Z]{8,32}$/, '须为证书编号（8至32位数字或大写字母）'),
    payment: PaymentAccountSchema,
  })
  .meta({ id: 'SkillSubsidyRequest', description: 'Art. 50 技能提升补贴' });

export const JobRetentionApplicationSchema = z
  .strictObject({
    agencyCode: divisionCode.meta({ description: 'Art. 49: the agency where the employer is insured' }),
    year: z.number().int('须为年份').min(2022, '须为2022年或以后').max(2100),
    contactPhone: mobile.meta({ description: 'Where the employer is told of the outcome' }),
  })
  .meta({ id: 'JobRetentionApplication', description: 'Art. 49 稳岗返还 applied for by the employer' });

export const ScreeningRequestSchema = z
  .strictObject({
    agencyCode: divisionCode,
    year: z.number().int('须为年份').min(2022, '须为2022年或以后').max(2100).optional(),
  })
  .meta({ id: 'JobRetentionScreeningRequest', description: 'Art. 49 免申即享: screen a city’s employers now' });

export const NoticeObjectionSchema = z
  .strictObject({
    itemNo: z.number().int('须为公示条目序号').positive('须为公示条目序号').max(1_000_000, '须为公示条目序号'),
    reason: writtenText(2, 1000, '须说明哪里有误'),
    contact: z.string().trim().max(100).optional(),
  })
  .meta({ id: 'NoticeObjection', description: '公示异议 (Art. 49, 50): an objection to one item during the period' });

export const SubsidyCaseCreatedSchema = z
  .object({ caseNumber: z.string(), status: z.string() })
  .meta({ id: 'SubsidyCaseCreated' });

const NoticeIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '须为公示编号') });

const STAFF_APPLY = ['intake', 'supervisor'];
/** How long an application waits for the tax platform before the automatic review is left to decide (Art. 50). */
const PRECHECK_TIMEOUT_MS = 5_000;

export function subsidiesRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** The tax data platform: where the person is insured and with whom (Art. 8, 50), asked before a case is opened. */
  tax: InsuranceSource;
  now?: () => Date;
}): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * Art. 8, 50 before anything is written: an employer agent applies for its own company's employee only, and every
   * application goes to the agency where the person is insured (参保地). Judged by the rule the automatic review
   * applies again (`skillSubsidyParties`); when the tax platform cannot answer now, the review decides.
   */
  async function checkParties(b: z.infer<typeof SkillSubsidyRequestSchema>, agentUscc: string | null) {
    let insured: InsuredEmployer | null;
    try {
      insured = (
        await insuranceOf(deps.tax, b.employee.idNumber, businessDateOf(now()), {
          signal: AbortSignal.timeout(PRECHECK_TIMEOUT_MS),
        })
      ).insured;
    } catch (err) {
      if (err instanceof SourceError) return;
      throw err;
    }
    const { reasons } = skillSubsidyParties(
      { agencyCode: b.agencyCode, declaredUscc: b.employer.uscc, agentUscc },
      insured,
    );
    if (reasons.includes('not_own_employee'))
      throw new ApiError(
        403,
        'not_own_employee',
        '单位经办人只能为本单位参保职工申请技能提升补贴（规程第八条、第五十条）：该职工的参保单位不是贵单位',
        [{ path: 'employee.idNumber', message: '不是本单位参保职工' }],
      );
    if (reasons.includes('not_insured_here') && insured?.agencyCode) {
      const place = await db.agency.findUnique({ where: { code: insured.agencyCode } });
      throw new ApiError(
        422,
        'not_insured_here',
        `技能提升补贴应向参保地失业保险经办机构申请（规程第五十条）：该职工的参保地为${place?.name ?? insured.agencyCode}`,
        [{ path: 'agencyCode', message: `应为参保地经办机构 ${insured.agencyCode}` }],
      );
    }
  }

  async function agencyOf(code: string, path: string) {
    const agency = await db.agency.findUnique({ where: { code } });
    // 422: whether a code names a city agency is the agency table's to say (Art. 49, 50: the city agency decides).
    if (agency?.level !== 'city')
      throw new ApiError(422, 'agency_not_city', '不是市级经办机构', [{ path, message: '不是市级经办机构' }]);
    return agency;
  }
  const requestKeyOf = (req: Request, scope: string) => {
    const key = parseOr400(IdempotencyKeySchema, req.header('Idempotency-Key'), 'headers.Idempotency-Key');
    return createHash('sha256')
      .update(key ? `${scope}\n${key}` : randomUUID())
      .digest('hex');
  };
  const caseNumberOf = (type: CaseType, agencyCode: string, requestKey: string) =>
    formatCaseNumber(
      type,
      Number(businessDateOf(now()).slice(0, 4)),
      agencyCode,
      serialFromBytes(Buffer.from(requestKey, 'hex')),
    );
  async function start(
    type: 'skill_subsidy' | 'job_retention_refund',
    caseNumber: string,
    agencyCode: string,
  ): Promise<void> {
    const common = {
      workflowId: caseNumber,
      taskQueue: deps.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      typedSearchAttributes: [
        { key: CASE_TYPE, value: type },
        { key: AGENCY_CODE, value: agencyCode },
        { key: CASE_STATUS, value: 'received' },
      ],
    };
    try {
      if (type === 'skill_subsidy')
        await deps.temporal.workflow.start(skillSubsidy, { ...common, args: [{ caseNumber, agencyCode }] });
      else
        await deps.temporal.workflow.start(jobRetentionRefund, {
          ...common,
          args: [{ caseNumber, agencyCode, notice: 'own' }],
        });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw dependencyOutage(err) ?? err;
    }
  }

  router.post('/skill-subsidies', async (req, res) => {
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const b = parseOr400(SkillSubsidyRequestSchema, req.body);
    const agency = await agencyOf(b.agencyCode, 'agencyCode');
    const u = req.user;
    const clerk = !!u && u.roles.some((r) => STAFF_APPLY.includes(r));
    const staff = clerk && agencyCovers(u.agencyCode, agency.code);
    const channel = !!u && u.roles.some((r) => r === 'online_channel' || r === 'kiosk');
    const agent = !!u && u.roles.includes('employer_agent');
    if (agent && u.employerUscc !== b.employer.uscc)
      throw new ApiError(403, 'not_own_employee', '单位经办人只能为本单位职工申请技能提升补贴（规程第八条）', [
        { path: 'employer.uscc', message: '不是本单位的统一社会信用代码' },
      ]);
    const own =
      !!req.applicant && req.applicant.idNumber === b.employee.idNumber && req.applicant.phone === b.employee.phone;
    if (clerk && !staff && !channel && !agent)
      throw new ApiError(403, 'outside_agency_scope', '经办人员只能受理本经办机构的申请（规程第五条、第五十条）', [
        { path: 'agencyCode', message: '不在本经办机构管辖范围内' },
      ]);
    if (!staff && !channel && !agent && !own)
      throw new ApiError(
        403,
        'forbidden',
        '技能提升补贴由职工本人申请，或由其参保单位、经办窗口、网上服务平台代为申请（规程第五十条）',
      );
    const requestKey = requestKeyOf(req, 'skill_subsidy');
    let row = await db.skillSubsidyClaim.findUnique({ where: { requestKey } });
    // A new application: the person's insured employer and place on record decide whether it may be made here.
    if (!row) await checkParties(b, agent ? u.employerUscc : null);
    let created = false;
    if (!row) {
      const at = now();
      const caseNumber = caseNumberOf('skill_subsidy', agency.code, requestKey);
      row = await db.$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber,
          caseType: 'skill_subsidy',
          status: 'received',
          agencyCode: agency.code,
          at,
          event: {
            type: 'skill_subsidy_received',
            actor: u?.username ?? 'applicant',
            data: { channel: b.channel, appliedBy: agent ? 'employer' : 'employee' },
          },
          ifOpen: 'fail',
        });
        return tx.skillSubsidyClaim.create({
          data: {
            caseNumber,
            requestKey,
            channel: b.channel,
            appliedBy: agent ? 'employer' : 'employee',
            idType: b.employee.idType,
            idNumber: b.employee.idNumber,
            name: b.employee.name,
            phone: b.employee.phone,
            employerUscc: b.employer.uscc,
            employerName: b.employer.name,
            certificateNumber: b.certificateNumber,
            paymentMethod: b.payment.method,
            bankName: b.payment.bankName ?? null,
            accountNumber: b.payment.accountNumber,
            submittedAt: at,
          },
        });
      });
      created = true;
      await audit(db, {
        actor: u ? { id: u.id, username: u.username } : { id: null, username: 'applicant' },
        action: 'skill_subsidy_applied',
        entity: 'case',
        entityId: caseNumber,
        caseNumber,
        after: { channel: b.channel, agencyCode: agency.code },
        requestId: String(req.id),
      });
    }
    await start('skill_subsidy', row.caseNumber, agency.code);
    const c = await db.case.findUniqueOrThrow({ where: { caseNumber: row.caseNumber } });
    res.location(`/cases/${c.caseNumber}`);
    res.status(created ? 201 : 200).json({ caseNumber: c.caseNumber, status: c.status });
  });

  router.post('/job-retention/applications', async (req, res) => {
    const u = req.user;
    if (!u) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    if (!u.roles.includes('employer_agent') || !u.employerUscc)
      throw new ApiError(403, 'forbidden', '须由单位经办人为本单位申请（第八条、第四十九条）');
    const b = parseOr400(JobRetentionApplicationSchema, req.body);
    const yearProblem = jobRetentionYearProblem(b.year, businessDateOf(now()));
    // 422: a year that has not ended yet depends on today, not on the request's form (Art. 49).
    if (yearProblem) throw new ApiError(422, 'year_not_closed', yearProblem, [{ path: 'year', message: yearProblem }]);
    const agency = await agencyOf(b.agencyCode, 'agencyCode');
    const uscc = u.employerUscc;
    // The employer's open or granted case for the year; one refused or withdrawn does not hold the year (Art. 49).
    const active = () => db.jobRetentionCase.findFirst({ where: { uscc, year: b.year, outcome: null } });
    const answerWith = async (caseNumber: string) => {
      res.location(`/cases/${caseNumber}`);
      const c = await db.case.findUniqueOrThrow({ where: { caseNumber } });
      res.status(200).json({ caseNumber: c.caseNumber, status: c.status });
    };
    const requestKey = requestKeyOf(req, `job_retention\n${uscc}`);
    // The same request again: its case, whatever became of it; else the year's open or granted case.
    const existing = (await db.jobRetentionCase.findUnique({ where: { requestKey } })) ?? (await active());
    if (existing) return answerWith(existing.caseNumber);
    const at = now();
    const caseNumber = caseNumberOf('job_retention_refund', agency.code, requestKey);
    const opened = await db
      .$transaction(async (tx) => {
        await openCase(tx, {
          caseNumber,
          caseType: 'job_retention_refund',
          status: 'received',
          agencyCode: agency.code,
          at,
          ifOpen: 'fail',
        });
        await tx.jobRetentionCase.create({
          data: {
            caseNumber,
            source: 'application',
            requestKey,
            uscc,
            employerName: '',
            agencyCode: agency.code,
            year: b.year,
            phone: b.contactPhone,
            accountNumber: '',
            amountFen: 0,
            assessment: {},
            createdAt: at,
          },
        });
        return true;
      })
      .catch((err: unknown) => {
        // A concurrent application or the screening opened the year's case first (job_retention_once_partial).
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return false;
        throw err;
      });
    if (!opened) {
      const first = await active();
      if (!first) throw new ApiError(409, 'conflict', '与同时提交的另一申请冲突，请重新提交');
      return answerWith(first.caseNumber);
    }
    await audit(db, {
      actor: { id: u.id, username: u.username },
      action: 'job_retention_applied',
      entity: 'case',
      entityId: caseNumber,
      caseNumber,
      after: { year: b.year, agencyCode: agency.code },
      requestId: String(req.id),
    });
    await start('job_retention_refund', caseNumber, agency.code);
    res.location(`/cases/${caseNumber}`);
    res.status(201).json({ caseNumber, status: 'received' });
  });

  router.post('/job-retention/screenings', async (req, res) => {
    const u = req.user;
    if (!u) throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    if (!u.roles.includes('supervisor')) throw new ApiError(403, 'forbidden', '须由业务监督人员发起筛查（第四十九条）');
    const b = parseOr400(ScreeningRequestSchema, req.body);
    const yearProblem = b.year === undefined ? null : jobRetentionYearProblem(b.year, businessDateOf(now()));
    // 422: a year that has not ended yet depends on today, not on the request's form (Art. 49).
    if (yearProblem) throw new ApiError(422, 'year_not_closed', yearProblem, [{ path: 'year', message: yearProblem }]);
    const agency = await agencyOf(b.agencyCode, 'agencyCode');
    if (!agencyCovers(u.agencyCode, agency.code))
      throw validationError([{ path: 'agencyCode', message: '不在您所在经办机构的管辖范围内' }]);
    const screeningId = `job-retention-screening-${agency.code}-${randomUUID().slice(0, 8)}`;
    try {
      await deps.temporal.workflow.start(jobRetentionScreening, {
        workflowId: screeningId,
        taskQueue: deps.taskQueue,
        args: [{ agencyCode: agency.code, ...(b.year ? { year: b.year } : {}) }],
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'job_retention_screening' },
          { key: AGENCY_CODE, value: agency.code },
        ],
      });
    } catch (err) {
      throw dependencyOutage(err) ?? err;
    }
    res.status(202).json({ screeningId });
  });

  // Public notices (公示): no sign-in; nothing but the published, masked fields.
  const view = (n: {
    id: string;
    kind: string;
    agencyCode: string;
    title: string;
    startDate: Date;
    endDate: Date;
    endsAt: Date;
    status: string;
  }) => ({
    id: n.id,
    kind: n.kind,
    agencyCode: n.agencyCode,
    title: n.title,
    startDate: isoDate(n.startDate),
    endDate: isoDate(n.endDate),
    endsAt: n.endsAt.toISOString(),
    status: n.status,
  });

  router.get('/public/notices', async (req, res) => {
    const q = parseOr400(
      z.object({
        agencyCode: z
          .string()
          .regex(/^\d{6}$/, '须为行政区划代码')
          .optional(),
      }),
      req.query,
      'query',
    );
    const rows = await db.publicNotice.findMany({
      where: q.agencyCode ? { agencyCode: q.agencyCode } : {},
      orderBy: { publishedAt: 'desc' },
      take: 100,
    });
    res.json({ items: rows.map(view) });
  });

  router.get('/public/notices/:id', async (req, res) => {
    const { id } = parseOr400(NoticeIdParam, req.params, 'params');
    const n = await db.publicNotice.findUnique({ where: { id }, include: { items: true } });
    if (!n) throw new ApiError(404, 'notice_not_found', `没有公示${id}`);
    res.json({
      ...view(n),
      items: n.items
        .sort((a, b) => a.itemNo - b.itemNo)
        .map((i) => ({ itemNo: i.itemNo, ...(i.display as object), amountFen: i.amountFen, status: i.status })),
    });
  });

  router.post('/public/notices/:id/objections', async (req, res) => {
    const { id } = parseOr400(NoticeIdParam, req.params, 'params');
    const b = parseOr400(NoticeObjectionSchema, req.body);
    const n = await db.publicNotice.findUnique({ where: { id }, include: { items: true } });
    if (!n) throw new ApiError(404, 'notice_not_found', `没有公示${id}`);
    if (!n.items.some((i) => i.itemNo === b.itemNo))
      // 422: a well-formed item number this notice does not have.
      throw new ApiError(422, 'notice_item_unknown', `公示中没有第${b.itemNo}条`, [
        { path: 'itemNo', message: `公示中没有第${b.itemNo}条` },
      ]);
    if (n.status !== 'open' || n.endsAt.getTime() <= now().getTime())
      throw new ApiError(409, 'notice_closed', `公示期已于${isoDate(n.endDate)}结束`);
    const r = await caseCommands(deps.temporal).update(id, objectToNoticeItem, {
      itemNo: b.itemNo,
      reason: b.reason,
      contact: b.contact ?? null,
    });
    res.status(201).json(r);
  });

  return router;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBodySchema) });

/** The subsidy and public-notice paths in the OpenAPI document (Art. 49, 50). */
export function registerSubsidiesOpenApi(registry: OpenAPIRegistry, options: OpenApiRouteOptions = {}): void {
  const security = options.security ? { security: options.security } : {};
  const loose = json(z.object({}).loose());
  const idem = z.object({ 'Idempotency-Key': IdempotencyKeySchema });
  const created = { description: 'The case opened', content: json(SubsidyCaseCreatedSchema) };
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/skill-subsidies',
    summary: '技能提升补贴 (Art. 50): the employee, an intake clerk, or the employer’s agent; opens its own case',
    tags: ['subsidies'],
    request: { headers: idem, body: { required: true, content: json(SkillSubsidyRequestSchema) } },
    responses: {
      201: created,
      200: { description: 'The same request again: the same case', content: json(SubsidyCaseCreatedSchema) },
      400: error('The body is not valid: the field is named'),
      403: error(
        'Not for you to apply for: an employer agent for another company’s employee (not_own_employee, Art. 8), a clerk outside its agency',
      ),
      422: error(
        'not_insured_here: not the agency where the person is insured (Art. 50); agency_not_city: no city agency has the code',
      ),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/job-retention/applications',
    summary: '稳岗返还 (Art. 49): an employer’s agent applies for its employer; reviewed from the shared data',
    tags: ['subsidies'],
    request: { headers: idem, body: { required: true, content: json(JobRetentionApplicationSchema) } },
    responses: {
      201: created,
      200: {
        description: 'The same request again, or the employer’s open or granted case for the year',
        content: json(SubsidyCaseCreatedSchema),
      },
      400: error('The body is not valid: the field is named'),
      422: error(
        'year_not_closed: the year has not ended (Art. 49: only a year that has ended is reviewed); agency_not_city: no city agency has the code',
      ),
      403: error('Not an employer agent'),
    },
  });
  registry.registerPath({
    ...security,
    method: 'post',
    path: '/job-retention/screenings',
    summary: '免申即享 (Art. 49): a supervisor screens a city’s employers now (also yearly by a schedule)',
    tags: ['subsidies'],
    request: { body: { required: true, content: json(ScreeningRequestSchema) } },
    responses: {
      202: { description: 'Started: the screening ID', content: loose },
      400: error('The body is not valid: the field is named'),
      422: error(
        'year_not_closed: the year has not ended (Art. 49: only a year that has ended is reviewed); agency_not_city: no city agency has the code',
      ),
      403: error('Not a supervisor'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/public/notices',
    summary: '公示 (Art. 49, 50): the agencies’ notices (public, no sign-in)',
    tags: ['public'],
    responses: { 200: { description: 'The notices, newest first', content: loose } },
  });
  registry.registerPath({
    method: 'get',
    path: '/public/notices/{id}',
    summary: '公示 (Art. 49, 50): one notice with its items; names and ID numbers masked',
    tags: ['public'],
    request: { params: NoticeIdParam },
    responses: { 200: { description: 'The notice', content: loose }, 404: error('No such notice') },
  });
  registry.registerPath({
    method: 'post',
    path: '/public/notices/{id}/objections',
    summary: '公示异议 (Art. 49, 50): an objection holds its item and opens a verification task',
    tags: ['public'],
    request: { params: NoticeIdParam, body: { required: true, content: json(NoticeObjectionSchema) } },
    responses: {
      201: { description: 'The item is held', content: loose },
      400: error('The body is not valid: the field is named'),
      422: error('notice_item_unknown: the notice has no item of that number'),
      404: error('No such notice'),
      409: error('The notice period has ended'),
    },
  });
}
