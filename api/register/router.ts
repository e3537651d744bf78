/**
 * The register of employers (参保单位登记, Art. 15-17).
 *
 * | request | who | article |
 * | --- | --- | --- |
 * | `POST /employers` | the employer's agent online (its own USCC only, Art. 8), an intake clerk at a window of the agency where the employer is | 16 |
 * | `GET /employers?code=&name=` | staff: the employers registered within their agency's scope | 5, 16 |
 * | `GET /employers/mine` | the employer's agent: its own employer's entry | 8 |
 * | `GET /employers/:registerNumber` | the employer's agent; staff of the agency (or above) where it is registered | 8, 16 |
 * | `PATCH /employers/:registerNumber` | the employer's agent: address, contacts, legal representative, effective at once | 17 para 2 |
 * | `POST /employers/:registerNumber/changes` | the employer's agent online, an intake clerk at a window: name, USCC, bank account with the documents, applied after a reviewer approved (a case, DWB-…) | 17 para 1 |
 * | `POST /employers/:registerNumber/deregistration` | the employer's agent online, an intake clerk of its agency at a window: refused while it owes contributions | 18 |
 *
 * A registration is checked against the shared data before anything is written (Art. 7): the tax platform's record of
 * the employer (it must know the code; name and nature as it records them: the record prevails) and the market
 * registry's credit information (it must know the code). The employer is registered where it is (属地原则, Art. 16): at
 * the agency of its tax record, a branch too (Art. 16 para 2, naming its registered parent). The row, its first
 * history row and the audit entry are written in one transaction; then the `employerRegistration` workflow is
 * started with the register number alone, to consult and inform the pension registration (Art. 15) with retries.
 *
 * Idempotency as POST /claims: the caller's `Idempotency-Key` (scoped to the caller) is kept hashed on the row with
 * the body's fingerprint; the same key and body → 200 with the registration, another body → 409.
 */
import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash, randomBytes } from 'node:crypto';
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../lib/db';
import { asJson, dbDate, isoDate } from '../../lib/db';
import { audit } from '../../lib/audit';
import { cancelEmployerRelations } from '../../lib/person-register';
import { canonicalJson } from '../../lib/canonical-json';
import { agencyScopePrefix, PERSON_UNMASKED_ROLES, STAFF_ROLES, type StaffRole } from '../../domain/access';
import {
  changedItems,
  EMPLOYER_NATURE_LABELS,
  END_REASON_LABELS,
  reviewedItemsOf,
  selfServiceItemsOf,
} from '../../domain/register/items';
import { businessDateOf } from '../../domain/calendar';
import { formatYuanCn, sumFen } from '../../domain/money';
import { lateness } from '../../domain/deadlines';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import type { CalendarStore } from '../../lib/calendar-store';
import type { PolicyStore } from '../../lib/policy-store';
import type { TaxClient } from '../../integrations/tax';
import type { CreditClient } from '../../integrations/credit';
import { SourceError } from '../../integrations/errors';
import {
  employerDeregistrationWorkflowId,
  employerRegistrationWorkflowId,
  type EmployerChangeInput,
  type EmployerRegistrationInput,
} from '../../contracts/register';
import { assertAgencyScope, currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import { openCase } from '../../lib/case-store';
import { ApiError, dependencyOutage, parseOr400, validationError } from '../errors';
import { IdempotencyKeySchema } from '../claims/schema';
import { ENTRY_INCLUDE, entryView, mayRead, STATUS, type EmployerRow } from './view';
import {
  EmployerDeregistrationSchema,
  EmployerRegistrationSchema,
  EmployerReviewedChangeSchema,
  EmployerSearchSchema,
  searchTermGiven,
  EmployerSelfServiceChangeSchema,
  RegisterNumberParamSchema,
  type EmployerRegistration,
  type EmployerSelfServiceChange,
} from './schema';
import { startCaseOrTakeBack } from '../case-start';

export interface RegisterDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  tax: Pick<TaxClient, 'getEmployer' | 'getEmployerArrears'>;
  credit?: Pick<CreditClient, 'getEmployerCredit'> | undefined;
  /** Dated policy: the 30 days of Art. 18 (`deadline` art18.employerDeregistration). */
  policy: PolicyStore;
  calendar: CalendarStore;
  now?: () => Date;
}

/** A source that cannot answer now (or gave an answer that cannot be read): 503, nothing written, try again. */
const unavailable = (what: string) =>
  new ApiError(503, 'source_unavailable', `${what}暂不可用，未办理登记，请稍后再试`, [], { 'Retry-After': '30' });
const orUnavailable = (what: string) => (err: unknown) => {
  throw err instanceof SourceError ? unavailable(what) : err;
};

/** Art. 8: online by the employer's agent, at a window by an intake clerk. */
export function assertChannel(user: AuthUser, channel: 'online' | 'window'): void {
  if (channel === 'online' && user.roles.includes('employer_agent')) return;
  if (channel === 'window' && user.roles.includes('intake')) return;
  throw new ApiError(403, 'channel_not_permitted', '网上办理由单位经办人办理，窗口办理由受理岗位办理（第八条）', [
    { path: 'channel', message: '您不能使用此渠道' },
  ]);
}

export const notRegistered = (n: string) => new ApiError(404, 'employer_not_found', `没有单位编号为 ${n} 的参保单位`);

export function registerRouter(deps: RegisterDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  /** A retried Idempotency-Key: 200 with the registration it made for the same body, 409 for another. */
  async function answerRetry(keyHash: string, fingerprint: string, res: Response): Promise<boolean> {
    const existing = await deps.db.employer.findUnique({
      where: { requestKey: keyHash },
      select: { registerNumber: true, fingerprint: true, status: true, agencyCode: true, pensionStatus: true },
    });
    if (!existing) return false;
    if (existing.fingerprint !== fingerprint) {
      throw new ApiError(
        409,
        'idempotency_key_reused',
        `此幂等键（Idempotency-Key）已用于另一份登记申请（单位编号 ${existing.registerNumber}）；新的申请请使用新的键`,
        [{ path: 'headers.Idempotency-Key', message: `已用于单位编号 ${existing.registerNumber} 的另一份申请` }],
      );
    }
    // The retry may follow a start that did not happen: started now (once: the workflow ID is the register number's).
    if (existing.pensionStatus === 'pending') await startCoordination(existing.registerNumber).catch(() => undefined);
    res.location(`/employers/${existing.registerNumber}`);
    res.status(200).json({
      registerNumber: existing.registerNumber,
      status: existing.status,
      agencyCode: existing.agencyCode,
    });
    return true;
  }

  async function refuseDuplicate(code: string): Promise<void> {
    const existing = await deps.db.employer.findUnique({
      where: { codeType_code: { codeType: 'uscc', code } },
      select: { registerNumber: true },
    });
    if (!existing) return;
    throw new ApiError(
      409,
      'employer_already_registered',
      `统一社会信用代码 ${code} 已办理失业保险参保登记（单位编号 ${existing.registerNumber}），不能重复登记；登记事项有变化的，请办理单位信息变更（第十七条）`,
      [{ path: 'code', message: `统一社会信用代码 ${code} 已登记（单位编号 ${existing.registerNumber}）` }],
    );
  }

  /** Art. 15: the workflow that consults and informs the pension registration, given the register number alone. */
  async function startCoordination(registerNumber: string): Promise<void> {
    const input: EmployerRegistrationInput = { registerNumber };
    try {
      await deps.temporal.workflow.start('employerRegistration', {
        workflowId: employerRegistrationWorkflowId(registerNumber),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  /**
   * Art. 16 and 7: the shared data's verdict on the declared employer. The tax record prevails: an employer it does not
   * know, or declared under another name or nature, is refused with the record's value; the market registry must know
   * the code. Returns the agency where the employer is (its tax record's city).
   */
  async function checkAgainstSources(r: EmployerRegistration): Promise<string> {
    const tax = await deps.tax.getEmployer(r.code).catch(orUnavailable('税务部门数据共享平台'));
    if (!tax) {
      throw new ApiError(
        422,
        'unknown_to_tax_record',
        `税务部门没有统一社会信用代码 ${r.code} 的单位登记信息，请先办理税务登记`,
        [{ path: 'code', message: '税务部门没有此单位的登记信息' }],
      );
    }
    const differs = [];
    if (tax.name !== r.name) differs.push({ path: 'name', message: `与税务部门登记的单位名称“${tax.name}”不一致` });
    if (tax.type !== r.nature) {
      differs.push({
        path: 'nature',
        message: `与税务部门登记的单位性质“${EMPLOYER_NATURE_LABELS[tax.type]}”不一致`,
      });
    }
    if (differs.length) {
      throw new ApiError(
        422,
        'differs_from_tax_record',
        '登记事项与税务部门的登记信息不一致，以税务部门的登记为准；如登记有误，请先到登记机关更正',
        differs,
      );
    }
    if (!deps.credit) throw unavailable('市场主体信用信息');
    const credit = await deps.credit.getEmployerCredit(r.code).catch(orUnavailable('市场主体信用信息'));
    if (!credit) {
      throw new ApiError(422, 'unknown_to_market_registry', `市场主体登记中没有统一社会信用代码 ${r.code}，请核对`, [
        { path: 'code', message: '市场主体登记中没有此代码' },
      ]);
    }
    return tax.agencyDivisionCode;
  }

  /** Art. 16 para 2: the parent a branch names is registered and insured. */
  async function checkParent(r: EmployerRegistration): Promise<void> {
    if (!r.parentRegisterNumber) return;
    const parent = await deps.db.employer.findUnique({
      where: { registerNumber: r.parentRegisterNumber },
      select: { status: true, code: true },
    });
    if (!parent || parent.status !== 'insured' || parent.code === r.code) {
      throw new ApiError(422, 'parent_not_registered', '分支机构所属的单位须已办理失业保险参保登记（第十六条第二款）', [
        { path: 'parentRegisterNumber', message: `没有单位编号为 ${r.parentRegisterNumber} 的参保单位` },
      ]);
    }
  }

  /** Art. 8: online only by the employer's own agent; at a window only by an intake clerk. */
  function assertMayRegister(user: AuthUser, r: EmployerRegistration): void {
    if (r.channel === 'online' && user.roles.includes('employer_agent')) {
      if (user.employerUscc !== r.code) {
        throw new ApiError(403, 'not_own_employer', '单位经办人只能为授权其办理业务的本单位办理登记（第八条）', [
          { path: 'code', message: '须为授权您办理业务的单位的统一社会信用代码' },
        ]);
      }
      return;
    }
    if (r.channel === 'window' && user.roles.includes('intake')) return;
    throw new ApiError(403, 'channel_not_permitted', '网上登记由单位经办人办理，窗口登记由受理岗位办理（第八条）', [
      { path: 'channel', message: '您不能使用此渠道' },
    ]);
  }

  router.post('/employers', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const key = parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
    const r = parseOr400(EmployerRegistrationSchema, req.body);
    assertMayRegister(user, r);
    const today = businessDateOf(now());
    const late = [
      ...(r.foundedOn > today ? [{ path: 'foundedOn', message: '成立日期不能晚于今天' }] : []),
      ...(r.insuredSince > today ? [{ path: 'insuredSince', message: '参保时间不能晚于今天' }] : []),
    ];
    // Today is the state of the world, not a rule of the document: 422, as the claims answer it.
    if (late.length) throw new ApiError(422, 'date_in_future', '日期不能晚于今天', late);
    // Art. 16: insured from its founding (自成立之日起), never before.
    if (r.insuredSince < r.foundedOn) {
      throw new ApiError(422, 'insured_before_founded', '参保时间不能早于成立日期（第十六条：自成立之日起参保）', [
        { path: 'insuredSince', message: '参保时间不能早于成立日期（第十六条：自成立之日起参保）' },
      ]);
    }

    const body = canonicalJson(r);
    const keyHash = key
      ? createHash('sha256').update(`employer_registration\nuser:${user.id}\n${key}`).digest('hex')
      : null;
    const fingerprint = createHash('sha256')
      .update(`${key ?? ''}\n${body}`)
      .digest('hex');
    if (keyHash && (await answerRetry(keyHash, fingerprint, res))) return;
    await refuseDuplicate(r.code);
    await checkParent(r);
    const agencyCode = await checkAgainstSources(r);
    // 属地原则 (Art. 16): a window registers the employers of its own agency (or those below it).
    if (r.channel === 'window') assertAgencyScope(user, agencyCode);

    const at = now();
    const [{ serial } = { serial: 0n }] = await deps.db.$queryRaw<{ serial: bigint }[]>`
      SELECT nextval('employer_register_serial') AS serial`;
    const registerNumber = `${agencyCode}${String(serial).padStart(8, '0')}`;
    const row = {
      registerNumber,
      agencyCode,
      codeType: r.codeType,
      code: r.code,
      name: r.name,
      nature: r.nature,
      economicType: r.economicType,
      industry: r.industry,
      registrationAuthority: r.registrationAuthority,
      foundedOn: dbDate(r.foundedOn),
      insuredSince: dbDate(r.insuredSince),
      address: r.address,
      phone: r.phone,
      email: r.email,
      bankName: r.bankAccount.bankName,
      bankCode: r.bankAccount.bankCode,
      bankAccountName: r.bankAccount.accountName,
      bankAccountNumber: r.bankAccount.accountNumber,
      legalRepName: r.legalRepresentative.name,
      legalRepIdType: r.legalRepresentative.idType,
      legalRepIdNumber: r.legalRepresentative.idNumber,
      legalRepPhone: r.legalRepresentative.phone,
      agentName: r.agent.name,
      agentIdType: r.agent.idType,
      agentIdNumber: r.agent.idNumber,
      agentPhone: r.agent.phone,
      parentRegisterNumber: r.parentRegisterNumber ?? null,
      status: 'insured',
      channel: r.channel,
      pensionStatus: 'pending',
      requestKey: keyHash,
      fingerprint,
      registeredAt: at,
      updatedAt: at,
    };
    try {
      await deps.db.$transaction(
        async (tx) => {
          await tx.employer.create({ data: row });
          await tx.employerChange.create({
            data: {
              registerNumber,
              at,
              kind: 'registered',
              article: '16',
              actorId: user.id,
              actorName: user.username,
              fields: [],
              after: { channel: r.channel, agencyCode, parentRegisterNumber: r.parentRegisterNumber ?? null },
            },
          });
          await audit(tx, {
            actor: { id: user.id, username: user.username },
            action: 'employer.register',
            entity: 'employer',
            entityId: registerNumber,
            after: { channel: r.channel, agencyCode, code: r.code, name: r.name },
            requestId: String(req.id),
            at,
          });
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        // At once with the same key, or the same code from elsewhere: answered as either.
        if (keyHash && (await answerRetry(keyHash, fingerprint, res))) return;
        await refuseDuplicate(r.code);
      }
      throw err;
    }
    res.location(`/employers/${registerNumber}`);
    try {
      await startCoordination(registerNumber);
    } catch (err) {
      // Registered; the coordination with the pension registration starts with a retry of this request (Art. 15).
      if (!dependencyOutage(err)) throw err;
      res.status(202).json({ registerNumber, status: 'insured', agencyCode, pension: 'pending' });
      return;
    }
    res.status(201).json({ registerNumber, status: 'insured', agencyCode });
  });

  async function readable(req: Request): Promise<EmployerRow> {
    const user = currentUser(req);
    const { registerNumber } = parseOr400(RegisterNumberParamSchema, req.params);
    const e = await deps.db.employer.findUnique({ where: { registerNumber }, include: ENTRY_INCLUDE });
    if (!e || !mayRead(user, e)) throw notRegistered(registerNumber);
    return e;
  }

  /** Staff find an employer of their agency's scope by its USCC or the start of its name (Art. 5, 16). */
  router.get('/employers', requireRole(...STAFF_ROLES), async (req, res) => {
    const user = currentUser(req);
    const q = parseOr400(EmployerSearchSchema, req.query, 'query');
    // Either may be given, not none: a rule across parameters the document cannot state (as `input_inconsistent`).
    if (!searchTermGiven(q)) throw new ApiError(422, 'search_term_required', '请输入统一社会信用代码或单位名称');
    const rows = await deps.db.employer.findMany({
      where: {
        agencyCode: { startsWith: agencyScopePrefix(user.agencyCode) },
        ...(q.code ? { code: q.code } : {}),
        ...(q.name ? { name: { startsWith: q.name } } : {}),
      },
      orderBy: { registerNumber: 'asc' },
      take: 50,
      select: { registerNumber: true, name: true, code: true, agencyCode: true, status: true },
    });
    res.json({ items: rows.map((r) => ({ ...r, statusLabel: STATUS(r.status) })) });
  });

  /** Art. 8: the agent's own employer, found by the USCC its account names (for its page). */
  router.get('/employers/mine', requireRole('employer_agent'), async (req, res) => {
    const uscc = currentUser(req).employerUscc;
    const e = uscc
      ? await deps.db.employer.findUnique({
          where: { codeType_code: { codeType: 'uscc', code: uscc } },
          include: ENTRY_INCLUDE,
        })
      : null;
    if (!e) throw new ApiError(404, 'employer_not_registered', '本单位尚未办理失业保险参保登记');
    res.json(entryView(e, true));
  });

  router.get('/employers/:registerNumber', requireRole('employer_agent', ...STAFF_ROLES), async (req, res) => {
    const user = currentUser(req);
    const e = await readable(req);
    const unmasked =
      user.roles.includes('employer_agent') || user.roles.some((r) => PERSON_UNMASKED_ROLES.includes(r as StaffRole));
    res.json(entryView(e, unmasked));
  });

  /** Art. 17 para 2: the agent changes the address, contacts and legal representative online, effective at once. */
  router.patch('/employers/:registerNumber', requireRole('employer_agent'), async (req, res) => {
    const user = currentUser(req);
    const before = await readable(req);
    const change = parseOr400(EmployerSelfServiceChangeSchema, req.body) as EmployerSelfServiceChange;
    if (before.status !== 'insured') {
      throw new ApiError(409, 'employer_deregistered', '该单位已注销失业保险参保登记，不能变更登记信息');
    }
    const at = now();
    const changed = await deps.db.$transaction(
      async (tx) => {
        // The row locked: two changes at once apply one after the other, each against what the other left.
        await tx.$queryRaw`SELECT 1 FROM employer WHERE register_number = ${before.registerNumber} FOR UPDATE`;
        const current = await tx.employer.findUniqueOrThrow({
          where: { registerNumber: before.registerNumber },
          include: ENTRY_INCLUDE,
        });
        const was = selfServiceItemsOf(current);
        const items = changedItems(was, change);
        if (!items.length) return items;
        const rep = change.legalRepresentative;
        await tx.employer.update({
          where: { registerNumber: current.registerNumber },
          data: {
            ...(items.includes('address') ? { address: change.address! } : {}),
            ...(items.includes('phone') ? { phone: change.phone! } : {}),
            ...(items.includes('email') ? { email: change.email! } : {}),
            ...(items.includes('legalRepresentative') && rep
              ? {
                  legalRepName: rep.name,
                  legalRepIdType: rep.idType,
                  legalRepIdNumber: rep.idNumber,
                  legalRepPhone: rep.phone,
                }
              : {}),
            updatedAt: at,
          },
        });
        const beforeItems = Object.fromEntries(items.map((k) => [k, was[k]]));
        const afterItems = Object.fromEntries(items.map((k) => [k, change[k]]));
        await tx.employerChange.create({
          data: {
            registerNumber: current.registerNumber,
            at,
            kind: 'changed',
            article: '17.2',
            actorId: user.id,
            actorName: user.username,
            fields: items,
            before: beforeItems,
            after: afterItems,
          },
        });
        await audit(tx, {
          actor: { id: user.id, username: user.username },
          action: 'employer.change',
          entity: 'employer',
          entityId: current.registerNumber,
          before: beforeItems,
          after: afterItems,
          reason: '第十七条第二款：单位经办人通过网上服务平台自行变更',
          requestId: String(req.id),
          at,
        });
        return items;
      },
      { maxWait: 10_000, timeout: 20_000 },
    );
    res.json({ registerNumber: before.registerNumber, changed });
  });

  /**
   * Art. 17 para 1: the name, USCC or bank account change only after the agency reviewed the documents: a case of its
   * own (DWB-…), its workflow given the case number alone; one open at a time per employer.
   */
  router.post('/employers/:registerNumber/changes', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const e = await readable(req);
    const c = parseOr400(EmployerReviewedChangeSchema, req.body);
    assertChannel(user, c.channel);
    if (e.status !== 'insured') {
      throw new ApiError(409, 'employer_deregistered', `单位编号 ${e.registerNumber} 已注销失业保险参保登记，不能变更`);
    }
    const current = reviewedItemsOf(e);
    const items = (['name', 'code', 'bankAccount'] as const).filter((k) => c[k] !== undefined);
    const unchanged = items.filter((k) => canonicalJson(c[k]) === canonicalJson(current[k]));
    if (unchanged.length) {
      throw validationError(
        unchanged.map((k) => ({ path: k, message: '与登记信息相同，无需变更', rule: 'unchanged' })),
      );
    }
    if (c.code) await refuseDuplicate(c.code);
    const open = e.changeRequests[0];
    if (open) {
      throw new ApiError(
        409,
        'change_review_open',
        `该单位已有待审核的变更申请（案件 ${open.caseNumber}），请待其办结后再申请`,
        [{ path: 'registerNumber', message: `待审核：${open.caseNumber}` }],
      );
    }
    const today = businessDateOf(now());
    if (c.changedOn > today || c.changedOn < isoDate(e.foundedOn)) {
      throw new ApiError(422, 'date_out_of_range', '变更日期须在成立日期之后，且不能晚于今天', [
        { path: 'changedOn', message: '变更日期须在成立日期之后，且不能晚于今天' },
      ]);
    }
    // Art. 17: declared within 30 days of the change (the one deadline function); a later one is taken, recorded late.
    const { dueDate, lateByDays } = lateness(
      await deps.policy.current(),
      'art17.employerInformationChange',
      c.changedOn,
      await deps.calendar.current(),
      today,
    );
    const at = now();
    const caseNumber = formatCaseNumber(
      'employer_change',
      Number(businessDateOf(at).slice(0, 4)),
      e.agencyCode,
      serialFromBytes(randomBytes(8)),
    );
    const requested = Object.fromEntries(items.map((k) => [k, c[k]]));
    await deps.db.$transaction(async (tx) => {
      // One open request per employer: the employer's row locked while it is checked again and written.
      await tx.$queryRaw`SELECT 1 FROM employer WHERE register_number = ${e.registerNumber} FOR UPDATE`;
      const other = await tx.employerChangeRequest.findFirst({
        where: { registerNumber: e.registerNumber, status: 'awaiting_review' },
        select: { caseNumber: true },
      });
      if (other) {
        throw new ApiError(409, 'change_review_open', `该单位已有待审核的变更申请（案件 ${other.caseNumber}）`);
      }
      await openCase(tx, {
        caseNumber,
        caseType: 'employer_change',
        status: 'received',
        agencyCode: e.agencyCode,
        at,
        ifOpen: 'fail',
      });
      await tx.employerChangeRequest.create({
        data: {
          caseNumber,
          registerNumber: e.registerNumber,
          agencyCode: e.agencyCode,
          channel: c.channel,
          items: [...items],
          requested: asJson(requested),
          documents: c.documents,
          changedOn: dbDate(c.changedOn),
          lateByDays,
          status: 'awaiting_review',
          requestedById: user.id,
          requestedBy: user.username,
          requestedAt: at,
          reasons: [],
        },
      });
    });
    const input: EmployerChangeInput = { caseNumber, agencyCode: e.agencyCode };
    // Nothing half-written: without its workflow the request is removed again.
    await startCaseOrTakeBack(
      deps.temporal,
      {
        workflowType: 'employerChange',
        caseNumber,
        taskQueue: deps.taskQueue,
        args: [input],
        caseType: 'employer_change',
        agencyCode: e.agencyCode,
        status: 'received',
      },
      async () => {
        await deps.db.$transaction([
          deps.db.employerChangeRequest.delete({ where: { caseNumber } }),
          deps.db.case.delete({ where: { caseNumber } }),
        ]);
      },
    );
    res.location(`/cases/${caseNumber}`);
    res.status(201).json({ caseNumber, status: 'awaiting_review', items, dueOn: dueDate, lateByDays });
  });

  /**
   * Art. 18: the employer ended (dissolved, bankrupt, revoked, merged…): its registration is cancelled, unless it owes
   * contributions (the tax platform's arrears, listed with months and amounts). Due within 30 days of the end
   * (policy `deadline` art18.employerDeregistration); a later one is taken and recorded as late.
   */
  router.post(
    '/employers/:registerNumber/deregistration',
    requireRole('employer_agent', 'intake'),
    async (req, res) => {
      const user = currentUser(req);
      const e = await readable(req);
      const d = parseOr400(EmployerDeregistrationSchema, req.body);
      assertChannel(user, d.channel);
      if (e.status !== 'insured') {
        throw new ApiError(409, 'employer_deregistered', `单位编号 ${e.registerNumber} 已注销失业保险参保登记`);
      }
      // A change under review would be applied to a closed entry: it is decided first.
      const open = e.changeRequests[0];
      if (open) {
        throw new ApiError(
          409,
          'change_review_open',
          `该单位有待审核的变更申请（案件 ${open.caseNumber}），请待其办结后再申请注销`,
          [{ path: 'registerNumber', message: `待审核：${open.caseNumber}` }],
        );
      }
      const today = businessDateOf(now());
      if (d.endedOn > today || d.endedOn < isoDate(e.foundedOn)) {
        throw new ApiError(422, 'date_out_of_range', '终止日期须在成立日期之后，且不能晚于今天', [
          { path: 'endedOn', message: '终止日期须在成立日期之后，且不能晚于今天' },
        ]);
      }
      const arrears = await deps.tax.getEmployerArrears(e.code).catch(orUnavailable('税务部门数据共享平台'));
      const owed = arrears?.months ?? [];
      if (owed.length) {
        const total = sumFen(owed.map((m) => m.amountDueFen));
        throw new ApiError(
          409,
          'employer_has_arrears',
          `该单位失业保险存在欠费，不予办理注销登记（第十八条）：共${owed.length}个月，合计欠缴${formatYuanCn(total)}；请缴清后再申请`,
          owed.map((m) => ({
            path: `arrears.${m.month}`,
            message: `${m.month}：欠缴${formatYuanCn(m.amountDueFen)}（${m.insuredCount}人）`,
          })),
        );
      }
      // Art. 18: due within 30 days of the end (the one deadline function, policy `deadline`).
      const { dueDate: dueOn, lateByDays } = lateness(
        await deps.policy.current(),
        'art18.employerDeregistration',
        d.endedOn,
        await deps.calendar.current(),
        today,
      );
      const at = now();
      const after = { reason: d.reason, endedOn: d.endedOn, channel: d.channel, dueOn, lateByDays };
      let cancelled: string[] = [];
      await deps.db.$transaction(
        async (tx) => {
          const moved = await tx.employer.updateMany({
            where: { registerNumber: e.registerNumber, status: 'insured' },
            data: { status: 'deregistered', endedOn: dbDate(d.endedOn), endReason: d.reason, updatedAt: at },
          });
          if (moved.count === 0) {
            throw new ApiError(409, 'employer_deregistered', `单位编号 ${e.registerNumber} 已注销失业保险参保登记`);
          }
          await tx.employerChange.create({
            data: {
              registerNumber: e.registerNumber,
              at,
              kind: 'deregistered',
              article: '18',
              actorId: user.id,
              actorName: user.username,
              fields: ['status'],
              before: { status: 'insured' },
              after,
            },
          });
          await audit(tx, {
            actor: { id: user.id, username: user.username },
            action: 'employer.deregister',
            entity: 'employer',
            entityId: e.registerNumber,
            before: { status: 'insured' },
            after: { status: 'deregistered', ...after },
            reason: `第十八条：${END_REASON_LABELS[d.reason]}`,
            requestId: String(req.id),
            at,
          });
          // Art. 18: every insured relation of the employer ends with it (注销), in the same transaction.
          const actor = { id: user.id, username: user.username };
          cancelled = await cancelEmployerRelations(tx, {
            registerNumber: e.registerNumber,
            endedOn: d.endedOn,
            actor,
            at,
            requestId: String(req.id),
          });
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
      // Art. 15: the pension registration told, by a workflow that retries while it fails. Deregistered either way;
      // a start that failed is said in the answer (the entry and its history hold the deregistration).
      const input: EmployerRegistrationInput = { registerNumber: e.registerNumber };
      const pension = await deps.temporal.workflow
        .start('employerDeregistration', {
          workflowId: employerDeregistrationWorkflowId(e.registerNumber),
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        })
        .then(
          () => 'informing' as const,
          (err: unknown) => (err instanceof WorkflowExecutionAlreadyStartedError ? 'informing' : 'not_started'),
        );
      res.json({
        registerNumber: e.registerNumber,
        status: 'deregistered',
        statusLabel: STATUS('deregistered'),
        dueOn,
        lateByDays,
        pension,
        relationsCancelled: cancelled.length,
      });
    },
  );

  return router;
}
