/**
 * Activities of the revocation of a determination (撤销核定, Art. 42, 43): its case and proposal in the read model, the
 * decision (the determination version marked revoked, the claim `revoked`), every step audited.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { asJson, dbDate, type Db } from '../lib/db';
import type { RevocationInput } from '../contracts/revocation';
import { openCase } from '../lib/case-store';

export function revocationActivities({ db }: { db: Db }) {
  return {
    /** Step 1: the revocation's case and its proposal; an event on the claim; audited. Idempotent. */
    async recordRevocationProposed(input: RevocationInput & { at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const opened = await openCase(tx, {
          caseNumber: input.caseNumber,
          caseType: 'determination_revocation',
          status: 'awaiting_approval',
          agencyCode: input.agencyCode,
          at,
        });
        if (!opened) return;
        await tx.determinationRevocation.create({
          data: {
            caseNumber: input.caseNumber,
            claimCaseNumber: input.claimCaseNumber,
            agencyCode: input.agencyCode,
            version: input.version,
            grounds: input.grounds,
            reference: input.reference,
            reasons: asJson(input.reasons),
            effectiveFrom: dbDate(input.effectiveFrom),
            status: 'awaiting_approval',
            proposedBy: input.proposedBy.username,
            proposedAt: at,
          },
        });
        const data = {
          revocationNumber: input.caseNumber,
          version: input.version,
          grounds: input.grounds,
          reference: input.reference,
          reasons: input.reasons,
          effectiveFrom: input.effectiveFrom,
          article: 'Art. 42',
        };
        for (const caseNumber of [input.caseNumber, input.claimCaseNumber]) {
          await recordCaseEvent(tx, {
            caseNumber,
            key: `${input.caseNumber}/proposed@${caseNumber}`,
            type: 'determination_revocation_proposed',
            at,
            actor: input.proposedBy.username,
            data,
          });
        }
        await audit(tx, {
          actor: { id: input.proposedBy.userId, username: input.proposedBy.username },
          action: 'determination_revocation_proposed',
          entity: 'determination',
          entityId: `${input.claimCaseNumber}/${input.version}`,
          caseNumber: input.claimCaseNumber,
          after: data,
          reason: input.reasons.join('；'),
          at,
        });
      });
    },

    /**
     * Step 2-3: the approver's decision. Revoked: the version is marked revoked (it approves nothing and opens no
     * period any more: the read model's triggers) and the claim's status is `revoked`. Answers the claim's period.
     */
    async recordRevocationDecided(input: {
      caseNumber: string;
      claimCaseNumber: string;
      version: number;
      revoked: boolean;
      reasons: string[];
      by: { id: string; username: string };
      at: string;
    }): Promise<{ periodId: string | null; periodRunning: boolean }> {
      const at = new Date(input.at);
      const status = input.revoked ? 'revoked' : 'not_revoked';
      await db.$transaction(async (tx) => {
        const r = await tx.determinationRevocation.updateMany({
          where: { caseNumber: input.caseNumber, status: 'awaiting_approval' },
          data: { status, decidedBy: input.by.username, decidedAt: at, decisionReasons: asJson(input.reasons) },
        });
        if (!r.count) return; // decided already (a retry)
        await tx.case.update({ where: { caseNumber: input.caseNumber }, data: { status, updatedAt: at } });
        if (input.revoked) {
          await tx.determination.update({
            where: { caseNumber_version: { caseNumber: input.claimCaseNumber, version: input.version } },
            data: { revokedAt: at, revokedBy: input.by.username, revocationNumber: input.caseNumber },
          });
          await tx.case.update({
            where: { caseNumber: input.claimCaseNumber },
            data: { status: 'revoked', updatedAt: at },
          });
        }
        for (const caseNumber of [input.caseNumber, input.claimCaseNumber]) {
          await recordCaseEvent(tx, {
            caseNumber,
            key: `${input.caseNumber}/decided@${caseNumber}`,
            type: input.revoked ? 'determination_revoked' : 'determination_revocation_rejected',
            at,
            actor: input.by.username,
            data: { revocationNumber: input.caseNumber, version: input.version, reasons: input.reasons },
          });
        }
        await audit(tx, {
          actor: input.by,
          action: input.revoked ? 'determination_revoked' : 'determination_revocation_rejected',
          entity: 'determination',
          entityId: `${input.claimCaseNumber}/${input.version}`,
          caseNumber: input.claimCaseNumber,
          after: { revocationNumber: input.caseNumber, status },
          reason: input.reasons.join('；'),
          at,
        });
      });
      const period = await db.benefitPeriod.findUnique({ where: { caseNumber: input.claimCaseNumber } });
      return { periodId: period?.id ?? null, periodRunning: period?.status === 'active' };
    },

    /** Art. 42: the period has stopped (its cancelled months are out of the ledger); retried until it has. */
    async awaitPeriodStopped(input: { periodId: string }): Promise<void> {
      const p = await db.benefitPeriod.findUnique({ where: { id: input.periodId }, select: { status: true } });
      if (p && p.status === 'active') {
        throw ApplicationFailure.retryable(`benefit period ${input.periodId} has not stopped yet`, 'PeriodNotStopped');
      }
    },
  };
}
