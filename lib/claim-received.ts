/**
 * Art. 35-36: the application as received, with the case it opens and its first timeline event, written by
 * POST /claims before the case's workflow starts — so the workflow is given only the case number (no name, ID number,
 * phone or account ever enters its history), and `201` means `GET /cases/:caseNumber` finds it.
 *
 * A case written but not started (Temporal unreachable): POST /claims takes it back (`withdrawClaimReceived`) and
 * answers 503, so nothing is left written; if even that fails, or the start's outcome is unknown, the system starts it
 * later (`claimsNotStarted`, lib/claim-starts.ts) — never a case left behind.
 */
import { sqlOf, type Db } from './db';
import type { ClaimApplication } from '../contracts/claim';

export interface ClaimReceived {
  caseNumber: string;
  receivedAt: string;
  application: ClaimApplication;
  status: string;
  /** Identifies the submission: a retried POST with the same Idempotency-Key and body carries the same one. */
  submissionFingerprint: string;
  /** SHA-256 of the caller's Idempotency-Key (scoped to the caller), when one was sent (unique). */
  idempotencyKeyHash?: string;
  filedBy?: { kind: string; username?: string };
}

/**
 * One statement (three inserts in data-modifying CTEs; the foreign keys are checked at its end): atomic, one round
 * trip over the pool Prisma shares. Answers whether the case was written by this call: false when the case number or
 * the idempotency key's hash is taken already (nothing of this call is written then).
 */
export async function writeClaimReceived(db: Db, input: ClaimReceived): Promise<boolean> {
  const { caseNumber, application: a } = input;
  const at = input.receivedAt;
  const data = {
    channel: a.channel,
    payingLocalityBasis: a.payingLocality.basis,
    filedBy: input.filedBy?.kind ?? 'applicant',
  };
  const { rows } = await sqlOf(db).query<{ n: number }>(
    `WITH free AS (
       SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM benefit_claim WHERE idempotency_key_hash = $22)
     ), opened AS (
       INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
       SELECT $1, 'benefit_claim', $2, $3, $1, $4::timestamptz, $4::timestamptz FROM free
       ON CONFLICT DO NOTHING
       RETURNING case_number
     ), claim AS (
       INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
                                  separation_date, separation_reason, paying_locality_basis, payment_method, bank_name,
                                  account_number, submitted_at, submission_fingerprint, idempotency_key_hash)
       SELECT $1, $5, $6, $7, $8, $9, $10, $11, $12::date, $13, $14, $15, $16, $17, $4::timestamptz, $21, $22
         FROM opened
       ON CONFLICT DO NOTHING
     ), event AS (
       INSERT INTO case_event (case_number, event_key, type, at, actor, data)
       SELECT $1, $18, 'claim_received', $4::timestamptz, $19, $20::jsonb FROM opened
       ON CONFLICT DO NOTHING
     )
     SELECT count(*)::int AS n FROM opened`,
    [
      caseNumber,
      input.status,
      a.payingLocality.agencyCode,
      at,
      a.channel,
      a.applicant.idType,
      a.applicant.idNumber,
      a.applicant.name,
      a.applicant.phone,
      a.employer.uscc,
      a.employer.name,
      a.separation.date,
      a.separation.reason,
      a.payingLocality.basis,
      a.payment.method,
      a.payment.bankName ?? null,
      a.payment.accountNumber,
      `${caseNumber}/claim_received`,
      input.filedBy?.username ?? `applicant:${a.channel}`,
      JSON.stringify(data),
      input.submissionFingerprint,
      input.idempotencyKeyHash ?? null,
    ],
  );
  return (rows[0]?.n ?? 0) > 0;
}

/** Takes back a case written whose workflow did not start (the case, its claim and event go together). */
export async function withdrawClaimReceived(db: Db, caseNumber: string): Promise<void> {
  await sqlOf(db).query(
    `DELETE FROM "case" WHERE case_number = $1 AND case_type = 'benefit_claim'
       AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_number = $1 AND e.type <> 'claim_received')`,
    [caseNumber],
  );
}

/**
 * Claims written more than `olderThanMs` ago whose workflow has done nothing yet (no event after the claim's own):
 * started, or not — the system makes sure (lib/claim-starts.ts). No personal data is read.
 */
export async function claimsNotStarted(
  db: Db,
  olderThanMs: number,
  limit = 100,
): Promise<{ caseNumber: string; agencyCode: string; channel: string; receivedAt: string }[]> {
  const { rows } = await sqlOf(db).query<{
    case_number: string;
    agency_code: string;
    channel: string;
    submitted_at: Date;
  }>(
    `SELECT c.case_number, c.agency_code, b.channel, b.submitted_at
       FROM "case" c JOIN benefit_claim b ON b.case_number = c.case_number
      WHERE c.case_type = 'benefit_claim' AND c.status = 'awaiting_acceptance'
        AND c.created_at < now() - ($1::int * interval '1 millisecond')
        AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_number = c.case_number AND e.type <> 'claim_received')
      ORDER BY c.created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((r) => ({
    caseNumber: r.case_number,
    agencyCode: r.agency_code,
    channel: r.channel,
    receivedAt: r.submitted_at.toISOString(),
  }));
}
