/**
 * Art. 35-36: the application as received, with the case it opens and its first timeline event, in one transaction.
 * Written by POST /claims itself right after the case's workflow started (so that 201 means `GET /cases/:caseNumber`
 * finds it), and again by the workflow's first step (`recordClaimReceived`), which heals a case whose API write did
 * not happen. Both write the same values from the workflow's input, keyed by the case number and the event key:
 * whichever comes second writes nothing, and never overwrites what the case has done since.
 */
import { sqlOf, type Db } from './db';
import type { ClaimApplication } from '../workflows/types';

export interface ClaimReceived {
  caseNumber: string;
  receivedAt: string;
  application: ClaimApplication;
  status: string;
  /** Identifies the submission: a retried POST with the same Idempotency-Key and body carries the same one. */
  submissionFingerprint?: string;
  /** SHA-256 of the caller's Idempotency-Key, when one was sent (unique: a retry finds its case by it). */
  idempotencyKeyHash?: string;
  filedBy?: { kind: string; username?: string };
}

/**
 * One statement (three inserts in data-modifying CTEs; the foreign keys are checked at its end): atomic without a
 * transaction, one round trip, sent over the pool Prisma shares (`sqlOf`) as the other hot paths are. As Prisma's batch
 * of three `createMany` with `skipDuplicates` and a transaction it was five round trips, and the API's largest cost per
 * claim (issue 11: p50 68-123 ms under the intake burst).
 */
export async function writeClaimReceived(db: Db, input: ClaimReceived): Promise<void> {
  const { caseNumber, application: a } = input;
  const at = input.receivedAt;
  const data = {
    channel: a.channel,
    payingLocalityBasis: a.payingLocality.basis,
    filedBy: input.filedBy?.kind ?? 'applicant',
  };
  await sqlOf(db).query(
    `WITH opened AS (
       INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
       VALUES ($1, 'benefit_claim', $2, $3, $1, $4::timestamptz, $4::timestamptz)
       ON CONFLICT DO NOTHING
     ), claim AS (
       INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
                                  separation_date, separation_reason, paying_locality_basis, payment_method, bank_name,
                                  account_number, submitted_at, submission_fingerprint, idempotency_key_hash)
       VALUES ($1, $5, $6, $7, $8, $9, $10, $11, $12::date, $13, $14, $15, $16, $17, $4::timestamptz, $21, $22)
       ON CONFLICT DO NOTHING
     )
     INSERT INTO case_event (case_number, event_key, type, at, actor, data)
     VALUES ($1, $18, 'claim_received', $4::timestamptz, $19, $20::jsonb)
     ON CONFLICT DO NOTHING`,
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
      input.submissionFingerprint ?? null,
      input.idempotencyKeyHash ?? null,
    ],
  );
}
