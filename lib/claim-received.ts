/**
 * Art. 35-36: the application as received, with the case it opens and its first timeline event, in one transaction.
 * Written by POST /claims itself right after the case's workflow started (so that 201 means `GET /cases/:caseNumber`
 * finds it), and again by the workflow's first step (`recordClaimReceived`), which heals a case whose API write did
 * not happen. Both write the same values from the workflow's input, keyed by the case number and the event key:
 * whichever comes second writes nothing, and never overwrites what the case has done since.
 */
import type { Db } from './db';
import type { ClaimApplication } from '../workflows/types';

export interface ClaimReceived {
  caseNumber: string;
  receivedAt: string;
  application: ClaimApplication;
  status: string;
  filedBy?: { kind: string; username?: string };
}

/**
 * One statement (three inserts in data-modifying CTEs; the foreign keys are checked at its end): atomic without a
 * transaction, one round trip. As Prisma's batch of three `createMany` with `skipDuplicates` and a transaction it was
 * five, and the API's largest cost per claim (issue 11: p50 68-123 ms under the intake burst).
 */
export async function writeClaimReceived(db: Db, input: ClaimReceived): Promise<void> {
  const { caseNumber, application: a } = input;
  const at = input.receivedAt;
  const actor = input.filedBy?.username ?? `applicant:${a.channel}`;
  const data = JSON.stringify({
    channel: a.channel,
    payingLocalityBasis: a.payingLocality.basis,
    filedBy: input.filedBy?.kind ?? 'applicant',
  });
  await db.$executeRaw`
    WITH opened AS (
      INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
      VALUES (${caseNumber}, 'benefit_claim', ${input.status}, ${a.payingLocality.agencyCode}, ${caseNumber},
              ${at}::timestamptz, ${at}::timestamptz)
      ON CONFLICT DO NOTHING
    ), claim AS (
      INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
                                 separation_date, separation_reason, paying_locality_basis, payment_method, bank_name,
                                 account_number, submitted_at)
      VALUES (${caseNumber}, ${a.channel}, ${a.applicant.idType}, ${a.applicant.idNumber}, ${a.applicant.name},
              ${a.applicant.phone}, ${a.employer.uscc}, ${a.employer.name}, ${a.separation.date}::date,
              ${a.separation.reason}, ${a.payingLocality.basis}, ${a.payment.method}, ${a.payment.bankName ?? null},
              ${a.payment.accountNumber}, ${at}::timestamptz)
      ON CONFLICT DO NOTHING
    )
    INSERT INTO case_event (case_number, event_key, type, at, actor, data)
    VALUES (${caseNumber}, ${`${caseNumber}/claim_received`}, 'claim_received', ${at}::timestamptz, ${actor},
            ${data}::jsonb)
    ON CONFLICT DO NOTHING`;
}
