/**
 * Activities that keep the read model (PostgreSQL) in step with the cases. Each is idempotent: Temporal may run an
 * activity again after a crash or timeout, so every write is keyed (case number, event key) and repeats do nothing.
 */
import { caseEventRow } from '../lib/case-events';
import type { Db } from '../lib/db';

export interface CaseActivityDeps {
  db: Db;
}

export function caseActivities({ db }: CaseActivityDeps) {
  return {
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
