/**
 * The entitlement record (权益记录, Art. 9, 10, 29-33): read online and at any agency of the province, printed as a
 * signed 权益记录单, verified by its code, and objected to in writing.
 *
 * | request | who (Art. 30: no one else) | article |
 * | --- | --- | --- |
 * | `GET /my/record`, `GET /my/record/pdf` | the person, signed in (applicant sign-in) | 29, 31 |
 * | `GET /records/persons/:personNumber[/pdf]` | staff of any agency of the province, `?reason=` required; the employer's agent for its own staff (what concerns it only) | 9, 29, 30 |
 * | `POST /records/persons/query` | staff at a window: by ID number, with the reason | 9, 30 |
 * | `GET /records/employers/:registerNumber[/pdf]` | the employer's own agent; staff with the reason | 9, 29, 30 |
 * | `POST /records/objections`, `GET /records/objections/:caseNumber` | the person or the employer's agent online, an intake clerk at a window | 31 |
 * | `GET /public/records/verify/:code` | anyone: masked name, what, when issued, the content hash | 10 |
 *
 * Every look is audited (who, whom, when, why: `entitlement_record_viewed` / `entitlement_record_issued`). Anyone not
 * entitled learns nothing: 404, as for a record that does not exist.
 */
import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../lib/db';
import { dbDate } from '../../lib/db';
import { audit } from '../../lib/audit';
import { canonicalJson } from '../../lib/canonical-json';
import { personRecord, employerRecord, type RecordContributionSource } from '../../lib/records';
import { employerContributionsOf, refreshedContributionsOf } from '../../activities/contributions';
import type { TaxClient } from '../../integrations/tax';
import { openCase } from '../../lib/case-store';
import type { Seal } from '../../lib/seal';
import type { PdfFont } from '../../lib/pdf/font';
import { renderRecordPdf, signRecordPdf } from '../../lib/pdf/record-pdf';
import {
  maskEmployerName,
  maskPersonName,
  normalizeVerificationCode,
  printedVerificationCode,
  recordSummary,
  verificationCodeFrom,
  type EntitlementRecord,
} from '../../domain/records/record';
import { PERSON_SEARCH_ROLES, STAFF_ROLES } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { formatCaseNumber, serialFromBytes, CASE_NUMBER_PATTERN } from '../../domain/case-number';
import type { RecordObjectionInput } from '../../contracts/record-objection';
import { SourceError } from '../../integrations/errors';
import { currentApplicant, currentUser } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import { ApiError, parseOr400, validationError } from '../errors';
import { IdempotencyKeySchema } from '../claims/schema';
import { CASE_STATUS_LABELS } from '../cases/router';
import {
  PersonNumberParamSchema,
  PersonRecordQueryBodySchema,
  RecordObjectionBodySchema,
  RegisterNumberParamSchema,
  StaffLookQuerySchema,
  VerificationCodeParamSchema,
} from './schema';
import { startCaseOrTakeBack } from '../case-start';

export interface RecordsDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** The tax platform: the kept records are refreshed from it when not yet synced (Art. 24, 38). */
  tax: Pick<TaxClient, 'getPersonContributions'> & Partial<Pick<TaxClient, 'getEmployerContributions'>>;
  /** The agency's seal (lib/seal.ts), loaded when the first document is signed. */
  seal: () => Seal;
  /** The Chinese font (lib/pdf/font.ts); null: the PDF is refused (503), the record stays readable. */
  font: () => PdfFont | null;
  now?: () => Date;
}

/** Who looks, as the audit trail names them. */
interface Viewer {
  actor: { id: string | null; username: string };
  /** full: the person or staff; employer: the employer's agent (its part only). */
  scope: { kind: 'full' } | { kind: 'employer'; registerNumbers: string[]; uscc: string };
  agencyCode: string | null;
  reason: string;
  channel: 'online' | 'window';
}

const notFound = () => new ApiError(404, 'record_not_found', '没有可供您查询的权益记录（第三十条）');
const tax503 = () =>
  new ApiError(503, 'source_unavailable', '税务部门数据共享平台暂不可用，暂不能出具缴费记录，请稍后再试', [], {
    'Retry-After': '30',
  });

/**
 * Art. 25, 29, 38: the record's contributions are the records the agency keeps, through the determination's own reader:
 * the person's refreshed from tax at each look (as a determination does, `freshMs` 0), so the record lists the months a
 * determination would use; the employer's months kept when the feed was read to its end within a day (as the
 * job-retention review reads them), else tax's totals.
 */
function keptContributions(db: Db, tax: RecordsDeps['tax']): RecordContributionSource {
  // A tax client without the employer query (a narrow test double) knows no employer's months.
  const employerTax = {
    getEmployerContributions: tax.getEmployerContributions?.bind(tax) ?? (() => Promise.resolve(null)),
  };
  return {
    personContributions: (idNumber) =>
      refreshedContributionsOf({ db, tax, freshMs: 0 }, idNumber, 'pull:entitlement-record'),
    employerContributions: async (uscc) =>
      (await employerContributionsOf({ db, tax: employerTax, freshMs: 86_400_000 }, uscc, {}))?.months ?? null,
  };
}

const isStaff = (u: AuthUser) => u.roles.some((r) => PERSON_SEARCH_ROLES.includes(r as never));
/** Art. 9: staff of any agency of the province (Liaoning: division codes 21…). */
const inProvince = (u: AuthUser) => u.agencyCode.startsWith('21');

function staffViewer(req: Request, reason: string | undefined): Viewer {
  const user = currentUser(req);
  if (!isStaff(user) || !inProvince(user)) throw notFound();
  if (!reason) {
    throw validationError([{ path: 'reason', message: '须写明查询理由（第三十条）', rule: 'reason_required' }]);
  }
  return {
    actor: { id: user.id, username: user.username },
    scope: { kind: 'full' },
    agencyCode: user.agencyCode,
    reason: reason.trim(),
    channel: 'window',
  };
}

export function recordsRouter(deps: RecordsDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const statusLabels = CASE_STATUS_LABELS;
  const contributions = keptContributions(deps.db, deps.tax);

  const safely = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw err instanceof SourceError ? tax503() : err;
    });

  async function agencyName(code: string): Promise<string> {
    const a = await deps.db.agency.findUnique({ where: { code }, select: { name: true } });
    return a?.name ?? code;
  }

  /** Art. 30: the look itself, audited (who, whom, when, why). */
  async function audited(v: Viewer, r: EntitlementRecord, action: string, extra: Record<string, unknown> = {}) {
    const whom = r.kind === 'person' ? r.person.personNumber : r.employer.registerNumber;
    await audit(deps.db, {
      actor: v.actor,
      action,
      entity: r.kind === 'person' ? 'insured_person' : 'employer',
      entityId: whom,
      after: { scope: v.scope.kind, channel: v.channel, ...extra },
      reason: v.reason,
    });
  }

  /** The employer agent's registered employer(s) with the agent's USCC. */
  async function agentEmployers(user: AuthUser) {
    if (!user.employerUscc) return [];
    return deps.db.employer.findMany({
      where: { codeType: 'uscc', code: user.employerUscc },
      select: { registerNumber: true, code: true },
    });
  }

  /** Who asks first (401, 404), then what (400): the answer never tells someone not entitled that a record exists. */
  function lookOf(req: Request, param: 'person' | 'employer') {
    const user = currentUser(req);
    const agent = user.roles.includes('employer_agent');
    if (!agent && (!isStaff(user) || !inProvince(user))) throw notFound();
    const schema = param === 'person' ? PersonNumberParamSchema : RegisterNumberParamSchema;
    if (agent && !schema.safeParse(req.params).success) throw notFound();
    const id =
      param === 'person'
        ? parseOr400(PersonNumberParamSchema, req.params, 'params').personNumber
        : parseOr400(RegisterNumberParamSchema, req.params, 'params').registerNumber;
    const { reason } = parseOr400(StaffLookQuerySchema, req.query, 'query');
    return { user, agent, id, reason };
  }

  /** The look audited while the record is read (who, whom, when, why: Art. 30); the record is the look's object. */
  async function withLook<T>(view: boolean, v: Viewer, kind: 'person' | 'employer', whom: string, read: Promise<T>) {
    if (!view) return read;
    const [r] = await Promise.all([
      read,
      audit(deps.db, {
        actor: v.actor,
        action: 'entitlement_record_viewed',
        entity: kind === 'person' ? 'insured_person' : 'employer',
        entityId: whom,
        after: { scope: v.scope.kind, channel: v.channel },
        reason: v.reason,
      }),
    ]);
    return r;
  }

  async function personFor(req: Request, view: boolean) {
    const { user, agent, id: personNumber, reason } = lookOf(req, 'person');
    const asOf = businessDateOf(now());
    if (agent) {
      // Art. 30: the employer for its own staff, and only what concerns it.
      const mine = await agentEmployers(user);
      const registerNumbers = mine.map((e) => e.registerNumber);
      const related = registerNumbers.length
        ? await deps.db.insuranceRelation.findFirst({
            where: { personNumber, registerNumber: { in: registerNumbers } },
            select: { id: true },
          })
        : null;
      if (!related) throw notFound();
      const v: Viewer = {
        actor: { id: user.id, username: user.username },
        scope: { kind: 'employer', registerNumbers, uscc: user.employerUscc! },
        agencyCode: null,
        reason: reason ?? '本单位职工权益记录查询',
        channel: 'online',
      };
      const r = await withLook(
        view,
        v,
        'person',
        personNumber,
        safely(personRecord(deps.db, contributions, { personNumber, asOf, statusLabels }, v.scope)),
      );
      if (!r) throw notFound();
      return { v, r };
    }
    const v = staffViewer(req, reason);
    const r = await withLook(
      view,
      v,
      'person',
      personNumber,
      safely(personRecord(deps.db, contributions, { personNumber, asOf, statusLabels })),
    );
    if (!r) throw notFound();
    return { v, r };
  }

  async function employerFor(req: Request, view: boolean) {
    const { user, agent, id: registerNumber, reason } = lookOf(req, 'employer');
    const asOf = businessDateOf(now());
    let v: Viewer;
    if (agent) {
      const mine = await agentEmployers(user);
      if (!mine.some((e) => e.registerNumber === registerNumber)) throw notFound();
      v = {
        actor: { id: user.id, username: user.username },
        scope: { kind: 'full' },
        agencyCode: null,
        reason: reason ?? '本单位权益记录查询',
        channel: 'online',
      };
    } else v = staffViewer(req, reason);
    const r = await withLook(
      view,
      v,
      'employer',
      registerNumber,
      safely(employerRecord(deps.db, contributions, { registerNumber, asOf, statusLabels })),
    );
    if (!r) throw notFound();
    return { v, r };
  }

  async function applicantRecord(req: Request) {
    const a = currentApplicant(req);
    const r = await safely(
      personRecord(deps.db, contributions, { idNumber: a.idNumber, asOf: businessDateOf(now()), statusLabels }),
    );
    if (!r) {
      throw new ApiError(404, 'person_not_registered', '您尚未办理失业保险参保登记，暂无权益记录（第十九条）');
    }
    const v: Viewer = {
      actor: { id: null, username: `applicant.${r.person.personNumber}` },
      scope: { kind: 'full' },
      agencyCode: null,
      reason: '本人查询',
      channel: 'online',
    };
    return { v, r };
  }

  /** Art. 9, 10, 31: the 权益记录单 issued, signed with the seal, its code kept; the issue audited. */
  async function issuePdf(req: Request, res: Response, v: Viewer, r: EntitlementRecord) {
    const font = deps.font();
    if (!font) {
      throw new ApiError(
        503,
        'pdf_font_unavailable',
        '本机未安装中文字体，暂不能打印权益记录单（可查看网页上的记录）；请管理员安装 fonts-wqy-microhei 或设置 RECORD_PDF_FONT',
      );
    }
    const issuedAt = now();
    const agencyCode = v.agencyCode ?? (r.kind === 'person' ? r.person.agencyCode : r.employer.agencyCode);
    const name = await agencyName(agencyCode);
    const contentHash = createHash('sha256').update(canonicalJson(r), 'utf8').digest('hex');
    const verificationCode = verificationCodeFrom(randomBytes(8));
    const host = req.get('host') ?? '127.0.0.1:3000';
    const verifyUrl = `${req.protocol}://${host}/public/records/verify/${printedVerificationCode(verificationCode)}`;
    const meta = { verificationCode, issuedAt, agencyName: name, contentHash, verifyUrl };
    const unsigned = await renderRecordPdf(r, meta, font);
    const pdf = await signRecordPdf(unsigned, deps.seal(), { agencyName: name, verificationCode, at: issuedAt });
    const pdfHash = createHash('sha256').update(pdf).digest('hex');
    const subject = r.kind === 'person' ? r.person.personNumber : r.employer.registerNumber;
    await deps.db.$transaction(async (tx) => {
      await tx.recordIssue.create({
        data: {
          verificationCode,
          kind: r.kind,
          subject,
          subjectMasked: r.kind === 'person' ? maskPersonName(r.person.name) : maskEmployerName(r.employer.name),
          agencyCode,
          asOf: dbDate(r.asOf),
          summary: recordSummary(r) as object,
          contentHash,
          pdfHash,
          issuedBy: v.actor.username,
          issuedAt,
        },
      });
      await audit(tx, {
        actor: v.actor,
        action: 'entitlement_record_issued',
        entity: r.kind === 'person' ? 'insured_person' : 'employer',
        entityId: subject,
        after: { scope: v.scope.kind, channel: v.channel, verificationCode, contentHash, pdfHash },
        reason: v.reason,
        at: issuedAt,
      });
    });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="record-${verificationCode}.pdf"`);
    res.setHeader('X-Verification-Code', verificationCode);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).end(pdf);
  }

  // The person's own record (Art. 29, 31: 网上服务平台).
  router.get('/my/record', async (req, res) => {
    const { v, r } = await applicantRecord(req);
    await audited(v, r, 'entitlement_record_viewed');
    res.setHeader('Cache-Control', 'no-store');
    res.json(r);
  });
  router.get('/my/record/pdf', async (req, res) => {
    const { v, r } = await applicantRecord(req);
    await issuePdf(req, res, v, r);
  });

  // Staff at any agency of the province (Art. 9) with the reason; the employer for its own staff (Art. 30).
  router.post('/records/persons/query', async (req, res) => {
    const user = currentUser(req);
    if (!isStaff(user) || !inProvince(user)) throw notFound();
    const q = parseOr400(PersonRecordQueryBodySchema, req.body);
    const v = staffViewer(req, q.reason);
    const r = await safely(
      personRecord(deps.db, contributions, {
        idNumber: q.idNumber.toUpperCase(),
        asOf: businessDateOf(now()),
        statusLabels,
      }),
    );
    if (!r) throw notFound();
    await audited(v, r, 'entitlement_record_viewed');
    res.setHeader('Cache-Control', 'no-store');
    res.json(r);
  });
  router.get('/records/persons/:personNumber', async (req, res) => {
    const { r } = await personFor(req, true);
    res.setHeader('Cache-Control', 'no-store');
    res.json(r);
  });
  router.get('/records/persons/:personNumber/pdf', async (req, res) => {
    const { v, r } = await personFor(req, false);
    await issuePdf(req, res, v, r);
  });
  router.get('/records/employers/:registerNumber', async (req, res) => {
    const { r } = await employerFor(req, true);
    res.setHeader('Cache-Control', 'no-store');
    res.json(r);
  });
  router.get('/records/employers/:registerNumber/pdf', async (req, res) => {
    const { v, r } = await employerFor(req, false);
    await issuePdf(req, res, v, r);
  });

  // Art. 10: anyone checks a 权益记录单 by its code: masked name, what, when, the hashes. Nothing more.
  router.get('/public/records/verify/:code', async (req, res) => {
    const { code: raw } = parseOr400(VerificationCodeParamSchema, req.params, 'params');
    const code = normalizeVerificationCode(raw);
    const issue = code ? await deps.db.recordIssue.findUnique({ where: { verificationCode: code } }) : null;
    if (!issue) {
      throw new ApiError(404, 'verification_code_unknown', '没有此验证码的权益记录单，请核对验证码');
    }
    res.json({
      valid: true,
      verificationCode: printedVerificationCode(issue.verificationCode),
      kind: issue.kind,
      title: issue.kind === 'person' ? '失业保险个人权益记录单' : '失业保险单位权益记录单',
      subjectMasked: issue.subjectMasked,
      agencyCode: issue.agencyCode,
      agencyName: await agencyName(issue.agencyCode),
      asOf: issue.asOf.toISOString().slice(0, 10),
      issuedAt: issue.issuedAt.toISOString(),
      summary: issue.summary,
      contentHash: issue.contentHash,
      pdfHash: issue.pdfHash,
    });
  });

  // Art. 31 para 2: a written objection to the record opens a check case.
  router.post('/records/objections', async (req, res) => {
    if (!req.applicant) currentUser(req);
    const key = parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
    const b = parseOr400(RecordObjectionBodySchema, req.body);
    let filedBy: string;
    let personNumber: string | null = null;
    let registerNumber: string | null = null;
    let phone: string | null = b.phone ?? null;
    let agencyCode: string;
    if (req.applicant) {
      if (b.channel !== 'online' || b.kind !== 'person') {
        throw new ApiError(
          403,
          'channel_not_permitted',
          '本人网上提出的核查申请，渠道为 online，对象为本人记录（第三十一条）',
          [{ path: 'channel', message: '本人只能网上对本人记录提出核查申请' }],
        );
      }
      const p = await deps.db.insuredPerson.findUnique({ where: { idNumber: req.applicant.idNumber } });
      if (!p) throw new ApiError(404, 'person_not_registered', '您尚未办理失业保险参保登记，暂无权益记录（第十九条）');
      personNumber = p.personNumber;
      agencyCode = p.agencyCode;
      phone = phone ?? req.applicant.phone;
      filedBy = `applicant.${p.personNumber}`;
    } else {
      const user = currentUser(req);
      if (user.roles.includes('employer_agent')) {
        const mine = await agentEmployers(user);
        const own = mine.find((e) => e.registerNumber === b.registerNumber);
        if (b.channel !== 'online' || b.kind !== 'employer' || !own) throw notFound();
        const e = await deps.db.employer.findUniqueOrThrow({ where: { registerNumber: own.registerNumber } });
        registerNumber = e.registerNumber;
        agencyCode = e.agencyCode;
        phone = phone ?? e.agentPhone;
      } else if (user.roles.includes('intake') && inProvince(user)) {
        if (b.channel !== 'window') {
          throw new ApiError(403, 'channel_not_permitted', '经办窗口受理的核查申请，渠道为 window（第三十一条）', [
            { path: 'channel', message: '窗口受理的渠道为 window' },
          ]);
        }
        if (b.kind === 'person') {
          const p = b.personNumber
            ? await deps.db.insuredPerson.findUnique({ where: { personNumber: b.personNumber } })
            : null;
          if (!p) {
            throw new ApiError(422, 'person_not_registered', '没有此个人编号的参保人员', [
              { path: 'personNumber', message: '须为已登记的参保人员的个人编号' },
            ]);
          }
          personNumber = p.personNumber;
          agencyCode = p.agencyCode;
          phone = phone ?? p.phone;
        } else {
          const e = b.registerNumber
            ? await deps.db.employer.findUnique({ where: { registerNumber: b.registerNumber } })
            : null;
          if (!e) {
            throw new ApiError(422, 'employer_not_registered', '没有此单位编号的参保单位', [
              { path: 'registerNumber', message: '须为已登记的参保单位的单位编号' },
            ]);
          }
          registerNumber = e.registerNumber;
          agencyCode = e.agencyCode;
          phone = phone ?? e.agentPhone;
        }
      } else {
        throw new ApiError(
          403,
          'forbidden',
          '权益记录核查申请由本人、单位经办人网上提出，或在经办窗口由受理岗位受理（第三十一条）',
        );
      }
      filedBy = user.username;
    }
    const caller = req.applicant ? `applicant:${req.applicant.idNumber}` : `user:${currentUser(req).id}`;
    const requestKey = key ? createHash('sha256').update(`${caller}|${key}`).digest('hex') : null;
    if (requestKey) {
      const earlier = await deps.db.recordObjection.findUnique({ where: { requestKey } });
      if (earlier) return void res.status(200).json({ caseNumber: earlier.caseNumber, status: earlier.status });
    }
    const at = now();
    const caseNumber = formatCaseNumber(
      'record_objection',
      Number(businessDateOf(at).slice(0, 4)),
      agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    await deps.db.$transaction(async (tx) => {
      await openCase(tx, {
        caseNumber,
        caseType: 'record_objection',
        status: 'awaiting_check',
        agencyCode,
        at,
        event: { type: 'record_objection_received', actor: filedBy, data: { sections: b.sections } },
        ifOpen: 'fail',
      });
      await tx.recordObjection.create({
        data: {
          caseNumber,
          kind: b.kind,
          personNumber,
          registerNumber,
          agencyCode,
          channel: b.channel,
          sections: b.sections,
          statement: b.statement.trim(),
          materials: b.materials.map((m) => m.trim()),
          phone,
          status: 'awaiting_check',
          filedBy,
          filedAt: at,
          requestKey,
        },
      });
      await audit(tx, {
        actor: { id: req.user?.id ?? null, username: filedBy },
        action: 'record_objection_filed',
        entity: 'record_objection',
        entityId: caseNumber,
        caseNumber,
        after: { kind: b.kind, channel: b.channel, sections: b.sections, subject: personNumber ?? registerNumber },
        at,
      });
    });
    const input: RecordObjectionInput = { caseNumber, agencyCode };
    // Nothing half-written: without its workflow the objection is taken back.
    await startCaseOrTakeBack(
      deps.temporal,
      {
        workflowType: 'recordObjection',
        caseNumber,
        taskQueue: deps.taskQueue,
        args: [input],
        caseType: 'record_objection',
        agencyCode: agencyCode,
        status: 'awaiting_check',
      },
      async () => {
        await deps.db.$transaction([
          deps.db.recordObjection.delete({ where: { caseNumber } }),
          deps.db.caseEvent.deleteMany({ where: { caseNumber } }),
          deps.db.case.delete({ where: { caseNumber } }),
        ]);
      },
    );
    res.location(`/records/objections/${caseNumber}`);
    res.status(201).json({ caseNumber, status: 'awaiting_check' });
  });

  router.get('/records/objections/:caseNumber', async (req, res) => {
    if (!req.applicant) currentUser(req);
    const caseNumber = String(req.params.caseNumber);
    if (!CASE_NUMBER_PATTERN.test(caseNumber)) throw notFound();
    const o = await deps.db.recordObjection.findUnique({ where: { caseNumber } });
    if (!o) throw notFound();
    let may: boolean;
    if (req.applicant) {
      const p = await deps.db.insuredPerson.findUnique({ where: { idNumber: req.applicant.idNumber } });
      may = !!p && p.personNumber === o.personNumber;
    } else {
      const user = currentUser(req);
      if (user.roles.includes('employer_agent')) {
        may = (await agentEmployers(user)).some((e) => e.registerNumber === o.registerNumber);
      } else may = user.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r)) && inProvince(user);
    }
    if (!may) throw notFound();
    res.json({
      caseNumber: o.caseNumber,
      kind: o.kind,
      channel: o.channel,
      sections: o.sections,
      statement: o.statement,
      materials: o.materials,
      status: o.status,
      statusLabel: CASE_STATUS_LABELS[o.status] ?? o.status,
      outcome: o.outcome,
      decidedAt: o.decidedAt?.toISOString() ?? null,
      filedAt: o.filedAt.toISOString(),
    });
  });

  return router;
}
