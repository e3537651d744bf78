/**
 * The register of insured persons (个人参保登记, Art. 19-22, 33, 51).
 *
 * | request | who | article |
 * | --- | --- | --- |
 * | `POST /employers/:registerNumber/persons` | the employer's own agent online, an intake clerk in scope at a window | 19, 51 |
 * | `GET /employers/:registerNumber/persons` | the employer's own agent; staff in scope: the staff list | 19, 30 |
 * | `POST /persons/search` | staff in scope, the agent for its own staff: by ID number, in the body | 30 |
 * | `GET /persons/mine`, `PATCH /persons/mine` | the signed-in person: their entry; residence and phone at once | 20 para 2 |
 * | `GET /persons/:personNumber`, `GET /persons/:personNumber/history` | the person, the employer (own relations; no history), staff in scope | 30 |
 * | `POST /persons/:personNumber/identity-changes` | an intake clerk in scope: name, birth date, ID number, decided at once | 20 para 1 |
 * | `POST /persons/:personNumber/termination` | the agent of an employer the person is insured with, an intake clerk in scope | 22, 33 |
 *
 * A registration is checked against the household registration (the identity source, Art. 7) before anything is
 * written: the name must be the ID number's (422 naming the field), the hukou division the record's. Registration is
 * due within 30 days of hiring (policy `deadline` art19.employeeRegistration): a later one is taken, recorded late.
 * A person in the register already is resumed or moved in within the province (domain/register/persons.ts
 * `registrationVerdict`, the one verdict). The person, their relations, the history rows and the audit entry are
 * written in one transaction. Idempotency as POST /employers: the caller's `Idempotency-Key` hashed on the relation
 * with the body's fingerprint; the same key and body → 200 with the registration, another body → 409.
 */
import { Router, type Request, type Response } from 'express';
import { createHash } from 'node:crypto';
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../lib/db';
import { dbDate, isoDate } from '../../lib/db';
import { audit } from '../../lib/audit';
import { canonicalJson } from '../../lib/canonical-json';
import { terminatePerson } from '../../lib/person-register';
import { PERSON_UNMASKED_ROLES, STAFF_ROLES, type StaffRole } from '../../domain/access';
import { residentIdBirthDate, residentIdSex } from '../../domain/identity';
import { businessDateOf, daysBetween } from '../../domain/calendar';
import { deadlineFor } from '../../domain/deadlines';
import {
  disagreementsWithIdNumber,
  movedOutOn,
  personStatusAfter,
  registrationVerdict,
  type OpenRelation,
} from '../../domain/register/persons';
import {
  PERSON_ITEM_LABELS,
  PERSON_SELF_SERVICE_ITEMS,
  RELATION_ORIGIN_LABELS,
  TERMINATION_REASON_LABELS,
  type PersonStatus,
} from '../../domain/register/items';
import type { CalendarStore } from '../../lib/calendar-store';
import type { PolicyStore } from '../../lib/policy-store';
import type { HukouClient } from '../../integrations/hukou';
import { SourceError } from '../../integrations/errors';
import { currentApplicant, currentUser, requireRole } from '../auth/middleware';
import type { AuthUser } from '../auth/service';
import { ApiError, parseOr400, validationError } from '../errors';
import { IdempotencyKeySchema } from '../claims/schema';
import { mayRead } from './view';
import { assertChannel, notRegistered } from './router';
import { RegisterNumberParamSchema } from './schema';
import {
  PersonIdentityChangeSchema,
  PersonNumberParamSchema,
  PersonRegistrationSchema,
  PersonSearchSchema,
  PersonSelfServiceChangeSchema,
  PersonTerminationSchema,
  StaffListQuerySchema,
  type PersonRegistration,
  type PersonSelfServiceChange,
} from './persons-schema';
import {
  PERSON_INCLUDE,
  type Reader,
  personNotFound,
  personView,
  readerOf,
  relationView,
  staffCovers,
} from './persons-view';

export interface PersonsDeps {
  db: Db;
  /** The identity source (household registration, Art. 7): the name belongs to the ID number, the hukou is there. */
  hukou?: Pick<HukouClient, 'checkIdentity'> | undefined;
  /** Dated policy: the 30 days of Art. 19 (`deadline` art19.employeeRegistration). */
  policy: PolicyStore;
  calendar: CalendarStore;
  now?: () => Date;
}

const TX = { maxWait: 10_000, timeout: 20_000 };
const SELF = '参保人员本人';

const unavailable = () =>
  new ApiError(503, 'source_unavailable', '户籍信息（身份核验）暂不可用，未办理，请稍后再试', [], {
    'Retry-After': '30',
  });

export function personsRouter(deps: PersonsDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  /**
   * Art. 19, 20 and 7: the identity source's verdict on a name and ID number. Not known, another name, or a hukou
   * cancelled (death): 422 naming the field. Returns the hukou division the record holds.
   */
  async function checkIdentity(idNumber: string, name: string, namePath = 'name'): Promise<string> {
    if (!deps.hukou) throw unavailable();
    const check = await deps.hukou.checkIdentity({ idNumber, name }).catch((err: unknown) => {
      throw err instanceof SourceError ? unavailable() : err;
    });
    if (check.result === 'not_found') {
      throw new ApiError(422, 'unknown_to_identity_source', '户籍信息中没有此证件号码，请核对', [
        { path: 'idNumber', message: '户籍信息中没有此公民身份号码' },
      ]);
    }
    if (check.result === 'name_mismatch') {
      throw new ApiError(
        422,
        'differs_from_identity_source',
        '姓名与户籍信息中该证件号码的姓名不一致，以户籍信息为准',
        [{ path: namePath, message: '与户籍信息登记的姓名不一致' }],
      );
    }
    if (check.registrationStatus === 'cancelled') {
      throw new ApiError(422, 'hukou_cancelled', '该证件号码的户口已注销，不能办理', [
        { path: 'idNumber', message: '户籍信息显示户口已注销' },
      ]);
    }
    return check.hukouDivisionCode;
  }

  async function employerFor(req: Request) {
    const user = currentUser(req);
    const { registerNumber } = parseOr400(RegisterNumberParamSchema, req.params);
    const e = await deps.db.employer.findUnique({
      where: { registerNumber },
      select: { registerNumber: true, codeType: true, code: true, agencyCode: true, status: true, name: true },
    });
    // Art. 8, 30: the agent for its own employer only, staff within their scope; others learn nothing.
    if (!e || !mayRead(user, e)) throw notRegistered(registerNumber);
    return e;
  }

  async function personOr404(personNumber: string) {
    const p = await deps.db.insuredPerson.findUnique({ where: { personNumber }, include: PERSON_INCLUDE });
    if (!p) throw personNotFound();
    return p;
  }

  /** The person, the employer and staff read a person (Art. 30); nobody else is asked for more than to sign in. */
  function signedIn(req: Request): void {
    if (!req.user && !req.applicant) {
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    }
  }

  /**
   * Art. 30: a look at a person's entry by staff or by an employer's agent is kept in the audit trail — who (the
   * actor), whom (the person number), when, and which view. The person's own look is not someone else's and is not
   * recorded. Written before the answer is sent, so no entry is shown without its row.
   */
  async function auditRead(req: Request, reader: Reader, personNumber: string, action: string): Promise<void> {
    if (reader.kind === 'person' || !req.user) return;
    await audit(deps.db, {
      actor: { id: req.user.id, username: req.user.username },
      action,
      entity: 'insured_person',
      entityId: personNumber,
      reason:
        reader.kind === 'employer'
          ? '第三十条：参保单位查询本单位职工的登记信息'
          : '第三十条：经办机构工作人员因经办业务查询',
      requestId: String(req.id),
    });
  }

  /** A retried Idempotency-Key: 200 with the registration it made for the same body, 409 for another. */
  async function answerRetry(keyHash: string, fingerprint: string, res: Response): Promise<boolean> {
    const r = await deps.db.insuranceRelation.findUnique({ where: { requestKey: keyHash } });
    if (!r) return false;
    if (r.fingerprint !== fingerprint) {
      throw new ApiError(
        409,
        'idempotency_key_reused',
        `此幂等键（Idempotency-Key）已用于另一份参保登记（个人编号 ${r.personNumber}）；新的申请请使用新的键`,
        [{ path: 'headers.Idempotency-Key', message: `已用于个人编号 ${r.personNumber} 的另一份申请` }],
      );
    }
    res.location(`/persons/${r.personNumber}`);
    res.status(200).json(registrationAnswer(r));
    return true;
  }

  const registrationAnswer = (r: {
    id: bigint;
    personNumber: string;
    registerNumber: string;
    origin: string;
    status: string;
    hiredOn: Date;
    lateByDays: number;
  }) => ({
    personNumber: r.personNumber,
    relationId: String(r.id),
    registerNumber: r.registerNumber,
    origin: r.origin,
    originLabel: RELATION_ORIGIN_LABELS[r.origin as keyof typeof RELATION_ORIGIN_LABELS] ?? r.origin,
    status: r.status,
    hiredOn: isoDate(r.hiredOn),
    lateByDays: r.lateByDays,
  });

  /** Art. 19: 个人参保登记 by the employer, online or at a window; resumed or moved in if known (Art. 51). */
  router.post('/employers/:registerNumber/persons', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const e = await employerFor(req);
    const key = parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
    const r = parseOr400(PersonRegistrationSchema, req.body) as PersonRegistration;
    assertChannel(user, r.channel);
    const keyHash = key
      ? createHash('sha256').update(`person_registration\nuser:${user.id}\n${key}`).digest('hex')
      : null;
    const fingerprint = createHash('sha256')
      .update(`${key ?? ''}\n${e.registerNumber}\n${canonicalJson(r)}`)
      .digest('hex');
    if (keyHash && (await answerRetry(keyHash, fingerprint, res))) return;
    if (e.status !== 'insured') {
      throw new ApiError(409, 'employer_deregistered', `单位编号 ${e.registerNumber} 已注销失业保险参保登记，不能增员`);
    }
    const today = businessDateOf(now());
    const future = [
      ...(r.hiredOn > today ? [{ path: 'hiredOn', message: '用工日期不能晚于今天' }] : []),
      ...(r.insuredSince > today ? [{ path: 'insuredSince', message: '参加保险时间不能晚于今天' }] : []),
    ];
    if (future.length) throw validationError(future);

    const hukouDivision = await checkIdentity(r.idNumber, r.name);
    if (hukouDivision !== r.hukouDivision) {
      throw new ApiError(422, 'differs_from_identity_source', '户籍所在地与户籍信息不一致，以户籍信息为准', [
        { path: 'hukouDivision', message: `户籍信息登记的户籍所在地为 ${hukouDivision}` },
      ]);
    }
    // Art. 19: due within 30 days of hiring (the one deadline function); a later one is taken and recorded late.
    const { dueDate } = deadlineFor(
      await deps.policy.current(),
      'art19.employeeRegistration',
      r.hiredOn,
      await deps.calendar.current(),
    );
    const lateByDays = Math.max(0, daysBetween(dueDate, today));
    const at = now();
    const actor = { id: user.id, username: user.username };
    let created;
    try {
      created = await deps.db.$transaction(async (tx) => {
        const [known] = await tx.$queryRaw<{ person_number: string }[]>`
          SELECT person_number FROM insured_person WHERE id_number = ${r.idNumber} FOR UPDATE`;
        const person = known
          ? await tx.insuredPerson.findUniqueOrThrow({
              where: { personNumber: known.person_number },
              include: { relations: { where: { status: 'insured' }, include: { employer: true } } },
            })
          : null;
        const open: OpenRelation[] = (person?.relations ?? []).map((x) => ({
          id: x.id,
          registerNumber: x.registerNumber,
          agencyCode: x.employer.agencyCode,
          hiredOn: isoDate(x.hiredOn),
        }));
        const verdict = registrationVerdict(
          person ? { status: person.status as PersonStatus, open } : null,
          e.registerNumber,
          e.agencyCode,
        );
        if (verdict.kind === 'conflict') {
          throw new ApiError(
            409,
            'person_already_insured_here',
            `该人员（个人编号 ${person!.personNumber}）已在本单位参保（用工日期 ${verdict.relation.hiredOn}），不能重复登记`,
            [{ path: 'idNumber', message: `已在单位编号 ${e.registerNumber} 参保：个人编号 ${person!.personNumber}` }],
          );
        }
        if (verdict.kind === 'terminated') {
          const reason = person!.terminationReason as keyof typeof TERMINATION_REASON_LABELS;
          throw new ApiError(
            422,
            'person_terminated',
            `该人员（个人编号 ${person!.personNumber}）已因${TERMINATION_REASON_LABELS[reason] ?? reason}终止参保（第二十二条），不能再办理参保登记`,
            [{ path: 'idNumber', message: '已终止参保' }],
          );
        }
        if (person && person.name !== r.name) {
          // Art. 20: the name in the register changes only by a clerk's review of the identity document.
          throw new ApiError(
            422,
            'differs_from_register',
            `姓名与参保登记信息不一致（个人编号 ${person.personNumber}）；姓名变更须由经办机构审核有效身份证件后办理（第二十条）`,
            [{ path: 'name', message: '与参保登记的姓名不一致' }],
          );
        }
        let personNumber: string;
        const origin = verdict.kind === 'new' ? 'registration' : verdict.origin;
        if (!person) {
          const [{ serial } = { serial: 0n }] = await tx.$queryRaw<{ serial: bigint }[]>`
            SELECT nextval('insured_person_serial') AS serial`;
          personNumber = `${e.agencyCode}${String(serial).padStart(10, '0')}`;
          await tx.insuredPerson.create({
            data: {
              personNumber,
              idType: r.idType,
              idNumber: r.idNumber,
              name: r.name,
              sex: r.sex,
              birthDate: dbDate(r.birthDate),
              phone: r.phone,
              hukouDivision: r.hukouDivision,
              hukouAddress: r.hukouAddress,
              residence: r.residence,
              insuredSince: dbDate(r.insuredSince),
              agencyCode: e.agencyCode,
              status: 'insured',
              registeredAt: at,
              updatedAt: at,
            },
          });
        } else {
          personNumber = person.personNumber;
          // Art. 51: the relations at employers of other agencies end the day before this hiring (系统内转入).
          for (const old of verdict.kind === 'known' ? verdict.ends : []) {
            const endedOn = movedOutOn(old.hiredOn, r.hiredOn);
            await tx.insuranceRelation.update({
              where: { id: old.id },
              data: { status: 'suspended', endedOn: dbDate(endedOn), updatedAt: at },
            });
            await tx.personChange.create({
              data: {
                personNumber,
                at,
                kind: 'suspended',
                article: '51',
                actorId: user.id,
                actorName: user.username,
                relationId: old.id,
                fields: ['relation'],
                before: { relation: 'insured', registerNumber: old.registerNumber },
                after: {
                  relation: 'suspended',
                  registerNumber: old.registerNumber,
                  endedOn,
                  movedTo: e.registerNumber,
                },
              },
            });
          }
          // The employer completes the person's contact items (Art. 19 完善职工个人基本信息); the agency is the new one's.
          await tx.insuredPerson.update({
            where: { personNumber },
            data: {
              phone: r.phone,
              residence: r.residence,
              hukouAddress: r.hukouAddress,
              agencyCode: e.agencyCode,
              status: personStatusAfter(person.status as PersonStatus, 1),
              updatedAt: at,
            },
          });
        }
        const relation = await tx.insuranceRelation.create({
          data: {
            personNumber,
            registerNumber: e.registerNumber,
            hiredOn: dbDate(r.hiredOn),
            lateByDays,
            status: 'insured',
            origin,
            requestKey: keyHash,
            fingerprint,
            createdAt: at,
            updatedAt: at,
          },
        });
        const after = {
          registerNumber: e.registerNumber,
          hiredOn: r.hiredOn,
          dueOn: dueDate,
          lateByDays,
          channel: r.channel,
          origin,
        };
        await tx.personChange.create({
          data: {
            personNumber,
            at,
            kind: origin === 'registration' ? 'registered' : origin,
            article: origin === 'moved_in' ? '51' : '19',
            actorId: user.id,
            actorName: user.username,
            relationId: relation.id,
            fields: [],
            before: person ? { status: person.status, agencyCode: person.agencyCode } : Prisma.DbNull,
            after,
          },
        });
        await audit(tx, {
          actor,
          action: 'person.register',
          entity: 'insured_person',
          entityId: personNumber,
          after,
          reason: `第十九条：${RELATION_ORIGIN_LABELS[origin]}`,
          requestId: String(req.id),
          at,
        });
        return relation;
      }, TX);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        if (keyHash && (await answerRetry(keyHash, fingerprint, res))) return;
        throw new ApiError(409, 'registration_in_progress', '该人员的参保登记正在办理中，请稍后查询', [
          { path: 'idNumber', message: '同时有另一份登记申请' },
        ]);
      }
      throw err;
    }
    res.location(`/persons/${created.personNumber}`);
    res.status(201).json({ ...registrationAnswer(created), dueOn: dueDate });
  });

  /** Art. 19, 30: the employer's staff list: its own agent, staff in scope. */
  router.get('/employers/:registerNumber/persons', requireRole('employer_agent', ...STAFF_ROLES), async (req, res) => {
    const user = currentUser(req);
    const e = await employerFor(req);
    const q = parseOr400(StaffListQuerySchema, req.query, 'query');
    const status = q.status ?? 'insured';
    const rows = await deps.db.insuranceRelation.findMany({
      where: {
        registerNumber: e.registerNumber,
        ...(status === 'insured' ? { status: 'insured' } : status === 'ended' ? { status: { not: 'insured' } } : {}),
      },
      orderBy: { id: 'asc' },
      take: 500,
      include: { person: true, employer: { select: { name: true, code: true, codeType: true, agencyCode: true } } },
    });
    const reader = readerFor(user);
    // Art. 30: the list shows each person's name and ID number: one audit row naming whom it showed.
    await audit(deps.db, {
      actor: { id: user.id, username: user.username },
      action: 'person.read_list',
      entity: 'employer',
      entityId: e.registerNumber,
      after: { personNumbers: rows.map((r) => r.personNumber) },
      reason:
        reader.kind === 'employer'
          ? '第三十条：参保单位查询本单位职工的登记信息'
          : '第三十条：经办机构工作人员因经办业务查询',
      requestId: String(req.id),
    });
    res.json({
      registerNumber: e.registerNumber,
      items: rows.map((r) => {
        const v = personView({ ...r.person, relations: [] }, reader);
        return {
          ...relationView(r),
          person: {
            personNumber: v.personNumber,
            name: v.name,
            idNumber: v.idNumber,
            sexLabel: v.sexLabel,
            status: v.status,
            statusLabel: v.statusLabel,
          },
        };
      }),
    });
  });

  /** Masking by role for staff; the employer sees its own staff's numbers unmasked. */
  function readerFor(user: AuthUser): Reader {
    if (user.roles.includes('employer_agent')) return { kind: 'employer', uscc: user.employerUscc ?? '' } as const;
    return {
      kind: 'staff',
      agencyCode: user.agencyCode,
      unmasked: user.roles.some((r) => PERSON_UNMASKED_ROLES.includes(r as StaffRole)),
    } as const;
  }

  /** Art. 30: a person found by the ID number in the body, never in a URL. */
  router.post('/persons/search', requireRole('employer_agent', ...STAFF_ROLES), async (req, res) => {
    const { idNumber } = parseOr400(PersonSearchSchema, req.body);
    const p = await deps.db.insuredPerson.findUnique({ where: { idNumber }, include: PERSON_INCLUDE });
    if (!p) throw personNotFound();
    const reader = readerOf(req, p);
    await auditRead(req, reader, p.personNumber, 'person.read');
    res.json(personView(p, reader));
  });

  /** The signed-in person's own entry; staff and agents are not persons here (403). */
  async function mine(req: Request) {
    if (req.user) throw new ApiError(403, 'applicants_only', '本功能仅供参保人员本人登录后使用');
    const a = currentApplicant(req);
    const p = await deps.db.insuredPerson.findUnique({ where: { idNumber: a.idNumber }, include: PERSON_INCLUDE });
    if (!p) throw new ApiError(404, 'person_not_registered', '您尚未办理失业保险个人参保登记');
    return p;
  }

  router.get('/persons/mine', async (req, res) => {
    res.json(personView(await mine(req), { kind: 'person' }));
  });

  /** Art. 20 para 2: the person changes their residence and phone online, effective at once. */
  router.patch('/persons/mine', async (req, res) => {
    const p = await mine(req);
    const change = parseOr400(PersonSelfServiceChangeSchema, req.body) as PersonSelfServiceChange;
    const at = now();
    const changed = await deps.db.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<{ residence: string; phone: string }[]>`
        SELECT residence, phone FROM insured_person WHERE person_number = ${p.personNumber} FOR UPDATE`;
      const items = PERSON_SELF_SERVICE_ITEMS.filter((k) => change[k] !== undefined && change[k] !== current![k]);
      if (!items.length) return items;
      const before = Object.fromEntries(items.map((k) => [k, current![k]]));
      const after = Object.fromEntries(items.map((k) => [k, change[k]]));
      await tx.insuredPerson.update({ where: { personNumber: p.personNumber }, data: { ...after, updatedAt: at } });
      await tx.personChange.create({
        data: {
          personNumber: p.personNumber,
          at,
          kind: 'changed',
          article: '20.2',
          actorId: null,
          actorName: SELF,
          fields: items,
          before,
          after,
        },
      });
      await audit(tx, {
        actor: { id: null, username: SELF },
        action: 'person.change',
        entity: 'insured_person',
        entityId: p.personNumber,
        before,
        after,
        reason: '第二十条：参保人员通过网上服务平台自行变更',
        requestId: String(req.id),
        at,
      });
      return items;
    }, TX);
    res.json({ personNumber: p.personNumber, changed });
  });

  router.get('/persons/:personNumber', async (req, res) => {
    signedIn(req);
    const { personNumber } = parseOr400(PersonNumberParamSchema, req.params);
    const p = await personOr404(personNumber);
    const reader = readerOf(req, p);
    await auditRead(req, reader, personNumber, 'person.read');
    res.json(personView(p, reader));
  });

  /** The person's history (append-only): the person and staff in scope; not the employer (Art. 30). */
  router.get('/persons/:personNumber/history', async (req, res) => {
    signedIn(req);
    const { personNumber } = parseOr400(PersonNumberParamSchema, req.params);
    const p = await personOr404(personNumber);
    const reader = readerOf(req, p);
    if (reader.kind === 'employer') throw personNotFound();
    const rows = await deps.db.personChange.findMany({ where: { personNumber }, orderBy: { id: 'asc' } });
    await auditRead(req, reader, personNumber, 'person.read_history');
    res.json({
      personNumber,
      items: rows.map((h) => ({
        at: h.at.toISOString(),
        kind: h.kind,
        article: h.article,
        actor: h.actorName,
        relationId: h.relationId === null ? null : String(h.relationId),
        fields: h.fields,
        fieldLabels: h.fields.map((f) => PERSON_ITEM_LABELS[f] ?? f),
        before: h.before,
        after: h.after,
      })),
    });
  });

  /**
   * Art. 20 para 1: name, birth date, ID number changed by an intake clerk after checking the new identity document
   * against the identity source, decided at once (即时办结).
   */
  router.post('/persons/:personNumber/identity-changes', requireRole('intake'), async (req, res) => {
    const user = currentUser(req);
    const { personNumber } = parseOr400(PersonNumberParamSchema, req.params);
    const c = parseOr400(PersonIdentityChangeSchema, req.body);
    const p = await personOr404(personNumber);
    if (!staffCovers(user.agencyCode, p)) throw personNotFound();
    const next = { name: c.name ?? p.name, idNumber: c.idNumber ?? p.idNumber };
    const birthDate = c.birthDate ?? (c.idNumber ? residentIdBirthDate(c.idNumber)! : isoDate(p.birthDate));
    const sex = residentIdSex(next.idNumber) ?? p.sex;
    const unchanged = (['name', 'idNumber'] as const)
      .filter((k) => c[k] !== undefined && c[k] === p[k])
      .concat(c.birthDate !== undefined && c.birthDate === isoDate(p.birthDate) ? (['birthDate'] as never[]) : []);
    if (unchanged.length) {
      throw validationError(
        unchanged.map((k) => ({ path: k, message: '与登记信息相同，无需变更', rule: 'unchanged' })),
      );
    }
    const disagree = disagreementsWithIdNumber(next.idNumber, { birthDate });
    if (disagree.length) throw validationError(disagree);
    // Art. 20: the new identity checked against the identity source in this request.
    const hukouDivision = await checkIdentity(next.idNumber, next.name, c.name ? 'name' : 'idNumber');
    const was = {
      name: p.name,
      idNumber: p.idNumber,
      birthDate: isoDate(p.birthDate),
      sex: p.sex,
      hukouDivision: p.hukouDivision,
    };
    const now_ = { ...next, birthDate, sex, hukouDivision };
    const fields = (Object.keys(was) as (keyof typeof was)[]).filter((k) => was[k] !== now_[k]);
    const at = now();
    try {
      await deps.db.$transaction(async (tx) => {
        await tx.insuredPerson.update({
          where: { personNumber },
          data: {
            name: next.name,
            idNumber: next.idNumber,
            birthDate: dbDate(birthDate),
            sex,
            hukouDivision,
            updatedAt: at,
          },
        });
        const before = Object.fromEntries(fields.map((k) => [k, was[k]]));
        const after = Object.fromEntries(fields.map((k) => [k, now_[k]]));
        await tx.personChange.create({
          data: {
            personNumber,
            at,
            kind: 'changed',
            article: '20.1',
            actorId: user.id,
            actorName: user.username,
            fields,
            before,
            after,
          },
        });
        await audit(tx, {
          actor: { id: user.id, username: user.username },
          action: 'person.identity_change',
          entity: 'insured_person',
          entityId: personNumber,
          before,
          after,
          reason: '第二十条：审核变更后的有效身份证件，经户籍信息核验无误，即时办结',
          requestId: String(req.id),
          at,
        });
      }, TX);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const other = await deps.db.insuredPerson.findUnique({
          where: { idNumber: next.idNumber },
          select: { personNumber: true },
        });
        throw new ApiError(
          409,
          'id_number_registered',
          `该证件号码已登记为另一参保人员（个人编号 ${other?.personNumber ?? '—'}）`,
          [{ path: 'idNumber', message: `已登记：个人编号 ${other?.personNumber ?? '—'}` }],
        );
      }
      throw err;
    }
    res.json({ personNumber, changed: fields, status: 'completed' });
  });

  /** Art. 22, 33: retirement, emigration or death, declared by the employer online or at a window. */
  router.post('/persons/:personNumber/termination', requireRole('employer_agent', 'intake'), async (req, res) => {
    const user = currentUser(req);
    const { personNumber } = parseOr400(PersonNumberParamSchema, req.params);
    const t = parseOr400(PersonTerminationSchema, req.body);
    assertChannel(user, t.channel);
    const p = await personOr404(personNumber);
    const reader = readerOf(req, p);
    // The employer declares for the staff insured with it now.
    if (
      reader.kind === 'employer' &&
      !p.relations.some(
        (r) => r.status === 'insured' && r.employer.codeType === 'uscc' && r.employer.code === reader.uscc,
      )
    ) {
      throw personNotFound();
    }
    if (t.on > businessDateOf(now())) throw validationError([{ path: 'on', message: '终止日期不能晚于今天' }]);
    const at = now();
    const outcome = await deps.db.$transaction(
      (tx) =>
        terminatePerson(tx, {
          personNumber,
          reason: t.reason,
          on: t.on,
          source: t.channel === 'online' ? 'employer' : 'window',
          actor: { id: user.id, username: user.username },
          at,
          requestId: String(req.id),
        }),
      TX,
    );
    if (outcome.outcome === 'not_found') throw personNotFound();
    if (outcome.outcome === 'already_terminated') {
      throw new ApiError(409, 'person_terminated', `该人员已于 ${outcome.on} 终止参保`, [
        { path: 'personNumber', message: `已终止参保（${outcome.on}）` },
      ]);
    }
    if (outcome.outcome === 'before_hiring') {
      throw validationError([
        {
          path: 'on',
          message: `终止日期早于在单位编号 ${outcome.registerNumber} 的用工日期 ${outcome.hiredOn}`,
          rule: 'before_hiring',
        },
      ]);
    }
    res.json({
      personNumber,
      status: 'terminated',
      reason: t.reason,
      reasonLabel: TERMINATION_REASON_LABELS[t.reason],
      on: t.on,
      endedRelations: outcome.endedRelations,
    });
  });

  return router;
}
