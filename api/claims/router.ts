/**
 * POST /claims opens a case (Art. 35-36). The application is written to the read model first (the case, the claim and
 * its first event, in one statement: lib/claim-received.ts), then the `benefitClaim` workflow is started with the case
 * number alone — no name, ID number, phone or account ever enters its history. `201` means the case is written and its
 * workflow started, so `GET /cases/:caseNumber` finds it and it goes on. With Temporal unreachable (or refusing) the
 * claim is taken back and the answer is `503`: nothing is left written. When the start's outcome cannot be known in
 * time the answer is `202` with the case number: the case is written, and the system makes sure it is started
 * (lib/claim-starts.ts). Invalid input is refused before anything is written.
 *
 * Idempotency: a client that may retry sends `Idempotency-Key`. The key is the caller's own (scoped to the signed-in
 * user or applicant); its hash is kept on the claim with the fingerprint of the body. A retry is answered from the
 * read model, whatever the case has done since: the same key and body → 200 with the case it created and its status;
 * another body → 409 naming that case. Two requests with the same key at once: the first writes, the second is
 * answered from what it wrote.
 */
import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../lib/db';
import { withdrawClaimReceived, writeClaimReceived } from '../../lib/claim-received';
import { canonicalJson } from '../../lib/canonical-json';
import { businessDateOf } from '../../domain/calendar';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import {
  claimSearchAttributes,
  type BenefitClaimInput,
  type BenefitClaimWorkflow,
  type FiledBy,
} from '../../contracts/claim';
import { ApiError, dependencyOutage, parseOr400 } from '../errors';
import { ClaimRequestSchema, IdempotencyKeySchema, type ClaimRequest } from './schema';

export interface ClaimsDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  recordWaitMs: number;
  now?: () => Date;
}

/**
 * Art. 36, 39: the paying agency is a city (or county) agency the system knows. The codes found are kept a minute
 * (agencies are reference data, changed by migrations): one query less on every claim (issue 11).
 */
const PAYING_AGENCY_TTL_MS = 60_000;
async function assertPayingAgency(db: Db, code: string, known: Map<string, number>): Promise<void> {
  if ((known.get(code) ?? 0) > Date.now()) return;
  const agency = await db.agency.findUnique({ where: { code }, select: { level: true } });
  if (agency && agency.level !== 'province') known.set(code, Date.now() + PAYING_AGENCY_TTL_MS);
  // 422: whether a code names a city or county agency is the agency table's to say, not the code's form.
  if (!agency || agency.level === 'province') {
    throw new ApiError(422, 'agency_not_paying', '须为市级或县级经办机构的行政区划代码（第三十六条、第三十九条）', [
      { path: 'payingLocality.agencyCode', message: '须为市级或县级经办机构的行政区划代码（第三十六条、第三十九条）' },
    ]);
  }
}

function idempotencyKey(req: Request): string | undefined {
  return parseOr400(IdempotencyKeySchema, req.get('Idempotency-Key') ?? undefined, 'headers.Idempotency-Key');
}

/**
 * Who may file through which channel (Art. 35-36): the online platform (a machine client vouching for the person's
 * real-name identity) or the applicant signed in on our own pages, for their own ID number and mobile; a kiosk; an
 * intake clerk at any agency's window (全省通办, Art. 4, 9, 36).
 */
function assertMayFile(req: Request, claim: ClaimRequest): FiledBy {
  const roles = req.user?.roles ?? [];
  if (claim.channel === 'online') {
    if (roles.includes('online_channel')) return { kind: 'channel', username: req.user!.username };
    const a = req.applicant;
    if (a && a.idNumber === claim.applicant.idNumber && a.phone === claim.applicant.phone) return { kind: 'applicant' };
    if (a) {
      throw new ApiError(403, 'not_your_identity', '只能为本人申请，须使用登录时的证件号码和手机号码', [
        { path: 'applicant.idNumber', message: '须为您登录时使用的身份证件号码' },
      ]);
    }
  }
  if (claim.channel === 'kiosk' && roles.includes('kiosk')) return { kind: 'channel', username: req.user!.username };
  if (claim.channel === 'window' && roles.includes('intake')) return { kind: 'clerk', username: req.user!.username };
  throw new ApiError(403, 'channel_not_permitted', `您不能通过${claim.channel}渠道提交申领`, [
    { path: 'channel', message: '您不能使用此渠道' },
  ]);
}

/** The caller's scope of an Idempotency-Key: two clients choosing the same key never meet. */
function keyScope(req: Request, claim: ClaimRequest): string {
  if (req.user) return `user:${req.user.id}`;
  return `applicant:${createHash('sha256').update(claim.applicant.idNumber).digest('hex')}`;
}

export function claimsRouter(deps: ClaimsDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const payingAgencies = new Map<string, number>();

  /**
   * The whole answer within recordWaitMs, Temporal down or not: the call gets most of it, the check whether a start
   * happened the rest. Deadlines, not an abort signal: the client's retries stop at a deadline (lib/temporal.ts
   * boundedGrpcRetryInterceptor), and an aborted call kept retrying for ~20 s (issue 12).
   */
  const deadlines = () => {
    const checkMs = Math.min(2_000, Math.floor(deps.recordWaitMs / 4));
    return { checkMs, deadline: Date.now() + deps.recordWaitMs - checkMs };
  };

  /** Starts the workflow of a case written: started, not started (nothing happened), or unknown (no answer in time). */
  async function startCase(
    input: BenefitClaimInput,
  ): Promise<{ kind: 'started' } | { kind: 'unknown' } | { kind: 'not_started'; err: unknown }> {
    const { checkMs, deadline } = deadlines();
    try {
      await deps.temporal.connection.withDeadline(deadline, () =>
        deps.temporal.workflow.start<BenefitClaimWorkflow>('benefitClaim', {
          workflowId: input.caseNumber,
          taskQueue: deps.taskQueue,
          args: [input],
          // A start that reached Temporal before a retry of it: the case is started once.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [...claimSearchAttributes(input.agencyCode)],
        }),
      );
      return { kind: 'started' };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'started' };
      // Refused before the deadline, or Temporal unreachable (its retries given up): nothing was started.
      if (Date.now() < deadline - 100 || unreachable(err)) return { kind: 'not_started', err };
      return (await startedAfterAll(input.caseNumber, checkMs)) ? { kind: 'started' } : { kind: 'unknown' };
    }
  }

  /** After a start that ran out of time: did it happen? Asks Temporal, with a deadline of its own. */
  function startedAfterAll(caseNumber: string, checkMs: number): Promise<boolean> {
    return deps.temporal.connection
      .withDeadline(Date.now() + checkMs, () => deps.temporal.workflow.getHandle(caseNumber).describe())
      .then(() => true)
      .catch(() => false);
  }

  /**
   * A retried Idempotency-Key answered from the read model (Art. 36): 200 with the case for the same body, 409 naming
   * the case for another. Null when no case holds the key (yet).
   */
  async function answerRetry(keyHash: string, fingerprint: string, res: Response): Promise<boolean> {
    const existing = await deps.db.benefitClaim.findUnique({
      where: { idempotencyKeyHash: keyHash },
      select: { caseNumber: true, submissionFingerprint: true, case: { select: { status: true } } },
    });
    if (!existing) return false;
    if (existing.submissionFingerprint !== fingerprint) {
      throw new ApiError(
        409,
        'idempotency_key_reused',
        `此幂等键（Idempotency-Key）已用于另一份申请（案件 ${existing.caseNumber}）；新的申请请使用新的键`,
        [{ path: 'headers.Idempotency-Key', message: `已用于案件 ${existing.caseNumber} 的另一份申请` }],
      );
    }
    res.location(`/cases/${existing.caseNumber}`);
    res.status(200).json({ caseNumber: existing.caseNumber, status: existing.case.status });
    return true;
  }

  router.post('/claims', async (req, res) => {
    if (!req.user && !req.applicant) {
      throw new ApiError(401, 'unauthenticated', '请先登录（申请人），或使用渠道的令牌调用', [], {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const key = idempotencyKey(req);
    const claim: ClaimRequest = parseOr400(ClaimRequestSchema, req.body);
    const filedBy = assertMayFile(req, claim);
    if (claim.separation.date > businessDateOf(now())) {
      throw new ApiError(422, 'date_in_future', '日期不能晚于今天', [
        { path: 'separation.date', message: '不能晚于今天' },
      ]); // 422: depends on today, which the schema cannot state
    }
    const agencyCode = claim.payingLocality.agencyCode;
    await assertPayingAgency(deps.db, agencyCode, payingAgencies);

    const receivedAt = now();
    const year = Number(businessDateOf(receivedAt).slice(0, 4));
    const body = canonicalJson(claim);
    const keySeed = key
      ? createHash('sha256')
          .update(`benefit_claim\n${keyScope(req, claim)}\n${key}`)
          .digest()
      : null;
    const keyHash = keySeed?.toString('hex');
    const keyedFingerprint = key ? createHash('sha256').update(`${key}\n${body}`).digest('hex') : null;
    if (keyHash && (await answerRetry(keyHash, keyedFingerprint!, res))) return;
    // A random number may (very rarely) be taken already: draw again. A keyed number is the same on every retry.
    for (let attempt = 0; attempt < (key ? 1 : 3); attempt++) {
      const seed = keySeed ?? randomBytes(8);
      const caseNumber = formatCaseNumber('benefit_claim', year, agencyCode, serialFromBytes(seed));
      // Art. 36: the case opens in the read model; the workflow is given only its number.
      const written = await writeClaimReceived(deps.db, {
        caseNumber,
        receivedAt: receivedAt.toISOString(),
        application: claim,
        status: 'awaiting_acceptance',
        submissionFingerprint: keyedFingerprint ?? randomUUID(),
        ...(keyHash ? { idempotencyKeyHash: keyHash } : {}),
        filedBy,
      });
      if (!written) {
        // The same key at once from another request: answered from what it wrote; else a number drawn twice.
        if (keyHash && (await answerRetry(keyHash, keyedFingerprint!, res))) return;
        continue;
      }
      const started = await startCase({
        caseNumber,
        receivedAt: receivedAt.toISOString(),
        agencyCode,
        channel: claim.channel,
      });
      res.location(`/cases/${caseNumber}`);
      if (started.kind === 'started') {
        res.status(201).json({ caseNumber, status: 'awaiting_acceptance' });
        return;
      }
      if (started.kind === 'unknown') {
        // Written; whether the workflow started is not known yet: the system starts it if it did not.
        res.status(202).json({ caseNumber, status: 'received' });
        return;
      }
      // Not started: taken back, so that nothing is left written (if even that fails, the system starts it later).
      await withdrawClaimReceived(deps.db, caseNumber).catch(() => undefined);
      throw dependencyOutage(started.err) ?? started.err;
    }
    throw new ApiError(503, 'case_number_unavailable', '未能分配案件编号，请重试', [], {
      'Retry-After': '1',
    });
  });

  return router;
}

/** True when the call never reached Temporal (gRPC UNAVAILABLE anywhere in the cause chain). */
function unreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++) {
    if (e.code === 14) return true;
  }
  return false;
}
