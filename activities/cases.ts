/**
 * Activities that keep the read model (PostgreSQL) in step with the cases. Each is idempotent: Temporal may run an
 * activity again after a crash or timeout, so every write is keyed (case number, event key) and repeats do nothing.
 */
import { caseEventRow } from '../lib/case-events';
import { dbDate, type Db } from '../lib/db';
import type { ClaimApplication } from '../workflows/types';

export interface CaseActivityDeps {
  db: Db;
}

export function caseActivities({ db }: CaseActivityDeps) {
  return {
    /** Art. 35-36: the application as received, with the case it opens and the first timeline event. */
    async recordClaimReceived(input: {
      caseNumber: string;
      receivedAt: string;
      application: ClaimApplication;
      status: string;
      filedBy?: { kind: string; username?: string };
    }): Promise<void> {
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
    },

    /** The case moves to another status, with a timeline event (acceptance, refusal, approval, cancellation...). */
    async recordCaseStatus(input: {
      caseNumber: string;
      status: string;
      event: string;
      actor?: string;
      data?: Record<string, unknown>;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction([
        db.case.updateMany({ where: { caseNumber: input.caseNumber }, data: { status: input.status, updatedAt: at } }),
        db.caseEvent.createMany({
          data: [
            caseEventRow({
              caseNumber: input.caseNumber,
              key: `${input.caseNumber}/${input.event}`,
              type: input.event,
              at,
              actor: input.actor ?? 'system',
              data: input.data,
            }),
          ],
          skipDuplicates: true,
        }),
      ]);
    },
  };
}
