/**
 * Art. 35-36: the application as received, with the case it opens and its first timeline event, in one transaction.
 * Written by POST /claims itself right after the case's workflow started (so that 201 means `GET /cases/:caseNumber`
 * finds it), and again by the workflow's first step (`recordClaimReceived`), which heals a case whose API write did
 * not happen. Both write the same values from the workflow's input, keyed by the case number and the event key:
 * whichever comes second writes nothing, and never overwrites what the case has done since.
 */
import { caseEventRow } from './case-events';
import { dbDate, type Db } from './db';
import type { ClaimApplication } from '../workflows/types';

export interface ClaimReceived {
  caseNumber: string;
  receivedAt: string;
  application: ClaimApplication;
  status: string;
  filedBy?: { kind: string; username?: string };
}

export async function writeClaimReceived(db: Db, input: ClaimReceived): Promise<void> {
  const { caseNumber, application: a } = input;
  const at = new Date(input.receivedAt);
  await db.$transaction([
    db.case.createMany({
      data: [
        {
          caseNumber,
          caseType: 'benefit_claim',
          status: input.status,
          agencyCode: a.payingLocality.agencyCode,
          workflowId: caseNumber,
          createdAt: at,
          updatedAt: at,
        },
      ],
      skipDuplicates: true,
    }),
    db.benefitClaim.createMany({
      data: [
        {
          caseNumber,
          channel: a.channel,
          idType: a.applicant.idType,
          idNumber: a.applicant.idNumber,
          name: a.applicant.name,
          phone: a.applicant.phone,
          employerUscc: a.employer.uscc,
          employerName: a.employer.name,
          separationDate: dbDate(a.separation.date),
          separationReason: a.separation.reason,
          payingLocalityBasis: a.payingLocality.basis,
          paymentMethod: a.payment.method,
          bankName: a.payment.bankName ?? null,
          accountNumber: a.payment.accountNumber,
          submittedAt: at,
        },
      ],
      skipDuplicates: true,
    }),
    db.caseEvent.createMany({
      data: [
        caseEventRow({
          caseNumber,
          key: `${caseNumber}/claim_received`,
          type: 'claim_received',
          at,
          actor: input.filedBy?.username ?? `applicant:${a.channel}`,
          data: {
            channel: a.channel,
            payingLocalityBasis: a.payingLocality.basis,
            filedBy: input.filedBy?.kind ?? 'applicant',
          },
        }),
      ],
      skipDuplicates: true,
    }),
  ]);
}
