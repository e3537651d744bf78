/**
 * What people do to a running claim or benefit period (issue 6), each an Update to the right workflow, validated and
 * audited: supply the materials asked for (Art. 37), sign the arrears waiver (Art. 41), correct the account the
 * benefit is paid to (Art. 39), report a stop (Art. 42), read the determination with its explanation (Art. 38).
 * Allowed: the applicant for their own case, and staff whose agency covers the case (intake and reviewers).
 */
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { agencyCovers } from '../../domain/access';
import { STOP_REASON_LABELS } from '../../domain/messages';
import { audit } from '../../lib/audit';
import { applicantOf } from '../../lib/case-store';
import type { Db } from '../../lib/db';
import { supplyMaterials, waiveArrears } from '../../contracts/claim';
import { reportStop } from '../../contracts/benefit-period';
import { correctBankAccount } from '../../contracts/case';
import { ApiError, parseOr400 } from '../errors';
import { caseCommands, type CommandOptions } from '../case-commands';
import { CaseNumberParamSchema, paymentAccount } from '../claims/schema';
import { writtenText } from '../../domain/written-text';

const isoDate = z.iso.date({ message: '须为日期，格式 YYYY-MM-DD' });

/**
 * Art. 14, 84: a material is supplied as its document, uploaded first (POST /cases/:caseNumber/documents); the kinds
 * are the documents'. A list of kinds without files is refused (422 documents_required): paper taken at a window is
 * scanned as it is taken (Art. 84), so there is always a file to refer to.
 */
export const SupplyMaterialsSchema = z
  .strictObject({
    documents: z
      .array(z.uuid({ message: '须为材料编号（UUID）' }))
      .min(1, '须至少提交一份材料')
      .max(20)
      .meta({ description: 'IDs of documents uploaded to this case (POST /cases/{caseNumber}/documents)' }),
  })
  .meta({ id: 'SupplyMaterials' });
export const ArrearsWaiverSchema = z
  .strictObject({ signed: z.literal(true, { message: '须为 true：已签署《个人放弃补缴失业保险欠费承诺书》' }) })
  .meta({ id: 'ArrearsWaiver' });
export const BankAccountSchema = paymentAccount({
  reason: writtenText(2, 500, '须说明理由'),
}).meta({ id: 'BankAccountCorrection' });
export const StopReportSchema = z
  .strictObject({
    date: isoDate.meta({ description: 'The day the stop condition began' }),
    // A person reports their own stop condition; a revocation (POST /cases/:n/revocations) and a stop on an audit
    // finding (Art. 80) are decided by the agency.
    reason: z.enum(
      Object.keys(STOP_REASON_LABELS).filter((r) => r !== 'audit_finding' && r !== 'revoked') as [string, ...string[]],
    ),
  })
  .meta({ id: 'StopReport' });

/** The old form (kinds without files) answered with what to do instead (Art. 14, 84). */
function documentsOnly(body: unknown): unknown {
  const b = body as Record<string, unknown> | undefined;
  if (b && typeof b === 'object' && 'kinds' in b && !('documents' in b))
    throw new ApiError(
      422,
      'documents_required',
      '补充材料须先上传材料的扫描件或照片，再按材料编号提交（第十四条、第八十四条）',
      [{ path: 'kinds', message: '须改为 documents：已上传材料的编号', rule: 'documents_required' }],
    );
  return body;
}

/** The kinds of the documents, each uploaded to this case (else 422 naming it). */
async function documentKinds(db: Db, caseNumber: string, ids: string[]): Promise<string[]> {
  const docs = await db.document.findMany({ where: { id: { in: ids }, caseNumber }, select: { id: true, kind: true } });
  const unknown = ids.findIndex((id) => !docs.some((d) => d.id === id));
  if (unknown >= 0)
    throw new ApiError(422, 'document_not_in_case', '所提交的材料不是为本案件上传的', [
      { path: `documents.${unknown}`, message: '须为本案件已上传材料的编号', rule: 'document_in_case' },
    ]);
  return [...new Set(docs.map((d) => d.kind))];
}

const STAFF_WHO_ACT = ['intake', 'reviewer', 'second_reviewer', 'approver', 'supervisor'];

export function lifecycleRouter(deps: { db: Db; temporal: Client }): Router {
  const router = Router();
  const { db } = deps;

  /** The case, if the caller may act on it; who they are for the audit trail. */
  async function caseFor(
    req: Request,
  ): Promise<{ caseNumber: string; caseType: string; actor: { id: string | null; username: string } }> {
    const { caseNumber } = parseOr400(CaseNumberParamSchema, req.params, 'params');
    if (!req.user && !req.applicant)
      throw new ApiError(401, 'unauthenticated', '请先登录', [], { 'WWW-Authenticate': 'Bearer' });
    const c = await db.case.findUnique({ where: { caseNumber } });
    const staff =
      req.user &&
      req.user.roles.some((r) => STAFF_WHO_ACT.includes(r)) &&
      c &&
      agencyCovers(req.user.agencyCode, c.agencyCode);
    // The applicant of the case: the claimant, whoever applied for an other benefit (Art. 46, 47), or the holder of
    // a skill-upgrade subsidy (Art. 50).
    const person = c ? await applicantOf(db, caseNumber) : null;
    const own =
      req.applicant && person && person.idNumber === req.applicant.idNumber && person.phone === req.applicant.phone;
    if (!c || (!staff && !own)) throw new ApiError(404, 'case_not_found', `没有案件${caseNumber}`);
    return {
      caseNumber,
      caseType: c.caseType,
      actor: staff ? { id: req.user!.id, username: req.user!.username } : { id: null, username: 'applicant' },
    };
  }

  const commands = caseCommands(deps.temporal);
  /** A request sent again with its Idempotency-Key gets the first one's answer (api/case-commands.ts). */
  const sameRequest = (req: Request): CommandOptions => {
    const key = req.header('Idempotency-Key');
    return key ? { sameRequest: [key, req.path, req.body] } : {};
  };

  router.post('/cases/:caseNumber/materials', async (req, res) => {
    const { caseNumber, actor } = await caseFor(req);
    const body = parseOr400(SupplyMaterialsSchema, documentsOnly(req.body));
    const kinds = await documentKinds(db, caseNumber, body.documents);
    const r = await commands.update(
      caseNumber,
      supplyMaterials,
      { kinds, by: actor.username, documents: body.documents },
      sameRequest(req),
    );
    await audit(db, {
      actor,
      action: 'materials_supplied',
      entity: 'case',
      entityId: caseNumber,
      caseNumber,
      after: { kinds, documents: body.documents },
      requestId: String(req.id),
    });
    res.json(r);
  });

  router.post('/cases/:caseNumber/arrears-waiver', async (req, res) => {
    const { caseNumber, actor } = await caseFor(req);
    parseOr400(ArrearsWaiverSchema, req.body);
    const r = await commands.update(caseNumber, waiveArrears, { by: actor.username }, sameRequest(req));
    await audit(db, {
      actor,
      action: 'arrears_waiver_signed',
      entity: 'case',
      entityId: caseNumber,
      caseNumber,
      after: r,
      requestId: String(req.id),
    });
    res.json(r);
  });

  router.post('/cases/:caseNumber/bank-account', async (req, res) => {
    const { caseNumber, caseType, actor } = await caseFor(req);
    const b = parseOr400(BankAccountSchema, req.body);
    // The workflow records the change (audited there) and re-sends the failed months once with it: the benefit
    // period's for a benefit claim, the case's own for an other benefit (Art. 46, 47).
    const target = caseType === 'benefit_claim' ? `${caseNumber}.P` : caseNumber;
    const r = await commands.update(
      target,
      correctBankAccount,
      { by: actor, method: b.method, bankName: b.bankName ?? null, accountNumber: b.accountNumber, reason: b.reason },
      sameRequest(req),
    );
    res.json(r);
  });

  router.post('/cases/:caseNumber/stop-report', async (req, res) => {
    const { caseNumber, actor } = await caseFor(req);
    const b = parseOr400(StopReportSchema, req.body);
    const r = await commands.update(
      `${caseNumber}.P`,
      reportStop,
      { by: actor.username, date: b.date, reason: b.reason },
      sameRequest(req),
    );
    await audit(db, {
      actor,
      action: 'stop_reported',
      entity: 'case',
      entityId: caseNumber,
      caseNumber,
      after: b,
      requestId: String(req.id),
    });
    res.json({ stopped: r.stopped });
  });

  /**
   * Art. 38: every determination version with its verdict (eligible with its figures, ineligible with every reason,
   * pending with what is open), the conflicts between declaration and record, the review route and the rule behind it
   * (Art. 11 免复审), the explanation; staff also see the facts it was computed from.
   */
  router.get('/cases/:caseNumber/determination', async (req, res) => {
    const { caseNumber, actor } = await caseFor(req);
    const rows = await db.determination.findMany({ where: { caseNumber }, orderBy: { version: 'desc' } });
    if (!rows.length) throw new ApiError(404, 'not_determined', '申领尚未核定待遇');
    const d = (x: Date | null) => (x ? x.toISOString().slice(0, 10) : null);
    const staff = actor.id !== null;
    res.json({
      current: rows[0]!.version,
      versions: rows.map((r) => ({
        version: r.version,
        reason: r.reason,
        determinedOn: d(r.determinedOn),
        verdict: r.verdict,
        contributionMonths: r.contributionMonths,
        months: r.months,
        monthlyAmountFen: r.monthlyAmountFen,
        totalFen: r.totalFen,
        startDate: d(r.startDate),
        endDate: d(r.endDate),
        selfDeclared: r.selfDeclared,
        waivedMonths: r.waivedMonths,
        reasons: r.reasons,
        openQuestions: r.openQuestions,
        conflicts: r.conflicts,
        reviewRoute: r.reviewRoute,
        revoked: r.revokedAt
          ? { at: r.revokedAt.toISOString(), by: r.revokedBy, revocationNumber: r.revocationNumber }
          : null,
        explanation: r.explanation,
        ...(staff ? { facts: r.facts, inputs: r.inputs, createdBy: r.createdBy } : {}),
      })),
    });
  });

  return router;
}
