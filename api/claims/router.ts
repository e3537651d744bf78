/**
 * POST /claims opens a case (Art. 35-36): a plain start of the `benefitClaim` workflow whose ID is the case number,
 * then the case row written by the API itself, so that 201 means `GET /cases/:caseNumber` finds it. No workflow task
 * is on the way to the answer (issue 11, measure 1): the workflow takes the case up on its own, and its first step
 * writes the same row again, idempotently — which is what heals a case whose start succeeded but whose write here
 * failed (answered 202 with the case number: the case exists and will appear). The start comes first: a row is never
 * written for a workflow that did not start, so with Temporal unreachable the claim is refused (503) and nothing is
 * written. Invalid input is refused before anything starts or is written.
 *
 * Idempotency: a client that may retry sends `Idempotency-Key`. The key is the caller's own (scoped to the signed-in
 * user or applicant); its hash is kept on the claim with the fingerprint of the body. A retry is answered from the
 * read model, whatever the case has done since: the same key and body → 200 with the case it created and its status;
 * another body → 409 naming that case. Only a retry racing the first request (started, row not yet written) asks the
 * case itself (an update-with-start that answers once the row is written).
 */
import { Router, type Request, type Response } from 'express';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../lib/db';
import { writeClaimReceived } from '../../lib/claim-received';
import { canonicalJson } from '../../lib/canonical-json';
import { businessDateOf } from '../../domain/calendar';
import { formatCaseNumber, serialFromBytes } from '../../domain/case-number';
import {
  benefitClaim,
  confirmSubmission,
  type BenefitClaimInput,
  type FiledBy,
  type SubmissionReceipt,
} from '../../workflows/benefit-claim';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../../workflows/search-attributes';
import { ApiError, dependencyOutage, parseOr400, validationError } from '../errors';
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
  if (!agency || agency.level === 'province') {
    throw validationError([
      {
        path: 'payingLocality.agencyCode',
        message: 'must be the division code of a city or county agency (Art. 36, 39)',
      },
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
      throw new ApiError(
        403,
        'not_your_identity',
        'You may file only for yourself, with the ID number and mobile you signed in with',
        [{ path: 'applicant.idNumber', message: 'must be the ID number you signed in with' }],
      );
    }
  }
  if (claim.channel === 'kiosk' && roles.includes('kiosk')) return { kind: 'channel', username: req.user!.username };
  if (claim.channel === 'window' && roles.includes('intake')) return { kind: 'clerk', username: req.user!.username };
  throw new ApiError(403, 'channel_not_permitted', `You may not file claims through the ${claim.channel} channel`, [
    { path: 'channel', message: 'is not a channel you may use' },
  ]);
}

/** The caller's scope of an Idempotency-Key: two clients choosing the same key never meet. */
function keyScope(req: Request, claim: ClaimRequest): string {
  if (req.user) return `user:${req.user.id}`;
  return `applicant:${createHash('sha256').update(claim.applicant.idNumber).digest('hex')}`;
}

type StartOutcome =
  | { kind: 'opened' }
  | { kind: 'recorded'; receipt: SubmissionReceipt }
  | { kind: 'pending' }
  | { kind: 'number_taken' }
  | { kind: 'closed' }
  | { kind: 'mismatch' };

export function claimsRouter(deps: ClaimsDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const payingAgencies = new Map<string, number>();

  const searchAttributes = (agencyCode: string, status: 'received' | 'awaiting_acceptance') => [
    { key: CASE_TYPE, value: 'benefit_claim' as const },
    { key: AGENCY_CODE, value: agencyCode },
    { key: CASE_STATUS, value: status },
  ];

  /**
   * The whole answer within recordWaitMs, Temporal down or not: the call gets most of it, the check whether a start
   * happened the rest. Deadlines, not an abort signal: the client's retries stop at a deadline (lib/temporal.ts
   * boundedGrpcRetryInterceptor), and an aborted call kept retrying for ~20 s (issue 12).
   */
  const deadlines = () => {
    const checkMs = Math.min(2_000, Math.floor(deps.recordWaitMs / 4));
    return { checkMs, deadline: Date.now() + deps.recordWaitMs - checkMs };
  };

  /**
   * Opens the case: a plain start, then the row. A case number already started (a retried request, or a random
   * number drawn twice) is confirmed by the case itself (confirmExisting).
   */
  async function openCase(caseNumber: string, input: BenefitClaimInput, agencyCode: string): Promise<StartOutcome> {
    const { checkMs, deadline } = deadlines();
    try {
      await deps.temporal.connection.withDeadline(deadline, () =>
        deps.temporal.workflow.start(benefitClaim, {
          workflowId: caseNumber,
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // The status the row is written with below, so that the case is found by it as soon as 201 is answered.
          typedSearchAttributes: searchAttributes(agencyCode, 'awaiting_acceptance'),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return confirmExisting(caseNumber, input, agencyCode);
      // Refused before the deadline, or Temporal unreachable (nothing was started; its retries given up): 503 by
      // dependencyOutage, or a 500. Nothing was written.
      if (Date.now() < deadline - 100 || unreachable(err)) throw err;
      if (!(await startedAfterAll(caseNumber, checkMs))) throw temporalTimedOut();
      // Started, but not known to be by this request (a retry with the same key may have raced it, with another
      // receivedAt): the workflow writes the row from its own input.
      return { kind: 'pending' };
    }
    // Started. Art. 36: the case opens in the read model, written here so that the answer needs no workflow task.
    try {
      await writeClaimReceived(deps.db, {
        caseNumber,
        receivedAt: input.receivedAt,
        application: input.application,
        status: 'awaiting_acceptance',
        submissionFingerprint: input.submissionFingerprint,
        ...(input.idempotencyKeyHash ? { idempotencyKeyHash: input.idempotencyKeyHash } : {}),
        ...(input.filedBy ? { filedBy: input.filedBy } : {}),
      });
      return { kind: 'opened' };
    } catch {
      // The case is started and its workflow's first step writes the same row (retrying until PostgreSQL answers):
      // the case exists and will appear.
      return { kind: 'pending' };
    }
  }

  /** A case already started under this number: the case answers once its row is written (update-with-start). */
  async function confirmExisting(
    caseNumber: string,
    input: BenefitClaimInput,
    agencyCode: string,
  ): Promise<StartOutcome> {
    const op = new WithStartWorkflowOperation(benefitClaim, {
      workflowId: caseNumber,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: searchAttributes(agencyCode, 'received'),
    });
    const { deadline } = deadlines();
    try {
      const receipt = await deps.temporal.connection.withDeadline(deadline, () =>
        deps.temporal.workflow.executeUpdateWithStart(confirmSubmission, {
          args: [{ fingerprint: input.submissionFingerprint }],
          startWorkflowOperation: op,
        }),
      );
      return { kind: 'recorded', receipt };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'closed' };
      if (
        err instanceof WorkflowUpdateFailedError &&
        err.cause instanceof ApplicationFailure &&
        err.cause.type === 'SubmissionMismatch'
      ) {
        return { kind: 'mismatch' };
      }
      if (Date.now() < deadline - 100 || unreachable(err)) throw err;
      // The wait ran out: the case exists (it was started before), its row is not written yet.
      return { kind: 'pending' };
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
      throw new ApiError(401, 'unauthenticated', "Sign in first (applicant), or call with the channel's token", [], {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const key = idempotencyKey(req);
    const claim: ClaimRequest = parseOr400(ClaimRequestSchema, req.body);
    const filedBy = assertMayFile(req, claim);
    if (claim.separation.date > businessDateOf(now())) {
      throw validationError([{ path: 'separation.date', message: 'must not be in the future' }]);
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
      const fingerprint = keyedFingerprint ?? randomUUID();
      const outcome = await openCase(
        caseNumber,
        {
          caseNumber,
          receivedAt: receivedAt.toISOString(),
          application: claim,
          submissionFingerprint: fingerprint,
          ...(keyHash ? { idempotencyKeyHash: keyHash } : {}),
          filedBy,
        },
        agencyCode,
      ).catch((err: unknown) => {
        throw dependencyOutage(err) ?? err;
      });
      switch (outcome.kind) {
        case 'opened':
          res.location(`/cases/${caseNumber}`);
          res.status(201).json({ caseNumber, status: 'awaiting_acceptance' });
          return;
        case 'recorded':
          // A case this request did not start: the same key and body sent again (the case confirmed the fingerprint).
          res.location(`/cases/${caseNumber}`);
          res.status(200).json({ caseNumber, status: outcome.receipt.status });
          return;
        case 'pending':
          res.location(`/cases/${caseNumber}`);
          res.status(202).json({ caseNumber, status: 'received' });
          return;
        case 'closed':
        case 'mismatch':
          // The first request's row may have been written meanwhile: answered from it when it was.
          if (keyHash && (await answerRetry(keyHash, fingerprint, res))) return;
          if (key) {
            throw new ApiError(
              409,
              outcome.kind === 'closed' ? 'idempotency_key_case_closed' : 'idempotency_key_reused',
              outcome.kind === 'closed'
                ? 'The case this Idempotency-Key created is closed; use a new key for a new claim'
                : 'This Idempotency-Key was used for a different request body',
              [{ path: 'headers.Idempotency-Key', message: 'already used' }],
            );
          }
          continue;
      }
    }
    throw new ApiError(503, 'case_number_unavailable', 'Could not allocate a case number; try again', [], {
      'Retry-After': '1',
    });
  });

  return router;
}

function temporalTimedOut(): ApiError {
  return new ApiError(
    503,
    'temporal_unavailable',
    'The workflow service did not answer in time; try again shortly',
    [],
    {
      'Retry-After': '5',
    },
  );
}

/** True when the call never reached Temporal (gRPC UNAVAILABLE anywhere in the cause chain). */
function unreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++) {
    if (e.code === 14) return true;
  }
  return false;
}
