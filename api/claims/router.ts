/**
 * POST /claims starts a `benefitClaim` workflow whose ID is the case number, with an update (update-with-start) that
 * completes once the case is in the read model: 201 means `GET /cases/:caseNumber` finds it. If the worker has not
 * recorded it within API_RECORD_WAIT_MS the answer is 202 with the case number (the case exists and will appear).
 * Invalid input is refused before anything starts or is written.
 *
 * Idempotency: a client that may retry sends `Idempotency-Key`; the same key and body return the same case (200).
 */
import { Router, type Request } from 'express';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../lib/db';
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

/** Art. 36, 39: the paying agency is a city (or county) agency the system knows. */
async function assertPayingAgency(db: Db, code: string): Promise<void> {
  const agency = await db.agency.findUnique({ where: { code }, select: { level: true } });
  if (!agency || agency.level === 'province') {
    throw validationError([
      {
        path: 'payingLocality.agencyCode',
        message: 'must be the division code of a city or county agency (Art. 36, 39)',
      },
    ]);
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
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

type StartOutcome =
  | { kind: 'recorded'; receipt: SubmissionReceipt }
  | { kind: 'pending' }
  | { kind: 'number_taken' }
  | { kind: 'closed' }
  | { kind: 'mismatch' };

export function claimsRouter(deps: ClaimsDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  /** Starts the case, or finds the one a retried request already started. */
  async function startCase(caseNumber: string, input: BenefitClaimInput, agencyCode: string): Promise<StartOutcome> {
    const op = new WithStartWorkflowOperation(benefitClaim, {
      workflowId: caseNumber,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'benefit_claim' },
        { key: AGENCY_CODE, value: agencyCode },
        { key: CASE_STATUS, value: 'received' },
      ],
    });
    // The whole answer within recordWaitMs, Temporal down or not: the update-with-start gets most of it, the check
    // whether the start happened the rest. Deadlines, not an abort signal: the client's retries stop at a deadline
    // (lib/temporal.ts boundedGrpcRetryInterceptor), and an aborted call kept retrying for ~20 s (issue 12).
    const checkMs = Math.min(2_000, Math.floor(deps.recordWaitMs / 4));
    const deadline = Date.now() + deps.recordWaitMs - checkMs;
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
      // Refused before the deadline, or Temporal unreachable (nothing was started; its retries given up): 503 by
      // dependencyOutage, or a 500.
      if (Date.now() < deadline - 100 || unreachable(err)) throw err;
      // The wait ran out. Did the start itself happen? Ask Temporal (with a deadline of its own).
      const started = await deps.temporal.connection
        .withDeadline(Date.now() + checkMs, () => deps.temporal.workflow.getHandle(caseNumber).describe())
        .then(() => true)
        .catch(() => false);
      if (started) return { kind: 'pending' };
      throw new ApiError(
        503,
        'temporal_unavailable',
        'The workflow service did not answer in time; try again shortly',
        [],
        {
          'Retry-After': '5',
        },
      );
    }
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
    await assertPayingAgency(deps.db, agencyCode);

    const receivedAt = now();
    const year = Number(businessDateOf(receivedAt).slice(0, 4));
    const body = canonicalJson(claim);
    // A random number may (very rarely) be taken already: draw again. A keyed number is the same on every retry.
    for (let attempt = 0; attempt < (key ? 1 : 3); attempt++) {
      const seed = key ? createHash('sha256').update(`benefit_claim\n${key}`).digest() : randomBytes(8);
      const caseNumber = formatCaseNumber('benefit_claim', year, agencyCode, serialFromBytes(seed));
      const fingerprint = key ? createHash('sha256').update(`${key}\n${body}`).digest('hex') : randomUUID();
      const outcome = await startCase(
        caseNumber,
        {
          caseNumber,
          receivedAt: receivedAt.toISOString(),
          application: claim,
          submissionFingerprint: fingerprint,
          filedBy,
        },
        agencyCode,
      ).catch((err: unknown) => {
        throw dependencyOutage(err) ?? err;
      });
      switch (outcome.kind) {
        case 'recorded':
          res.location(`/cases/${caseNumber}`);
          res.status(outcome.receipt.replayed ? 200 : 201).json({ caseNumber, status: outcome.receipt.status });
          return;
        case 'pending':
          res.location(`/cases/${caseNumber}`);
          res.status(202).json({ caseNumber, status: 'received' });
          return;
        case 'closed':
        case 'mismatch':
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

/** True when the call never reached Temporal (gRPC UNAVAILABLE anywhere in the cause chain). */
function unreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++) {
    if (e.code === 14) return true;
  }
  return false;
}
