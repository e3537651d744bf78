/**
 * Art. 42 立即停止: a stop condition found by a case other than the city's monthly comparison (a survivors' claim that
 * confirms the death, Art. 47; the rectification of a confirmed audit finding, Art. 80) reaches the benefit period
 * from that case's workflow (workflows/period-stop.ts). When the period's workflow is not running to take it, the
 * finding is recorded on both cases and the agency's supervisors are told to settle it by hand, once per finding.
 */
import { STOP_REASON_LABELS } from '../domain/messages';
import { recordCaseEvent, type CaseEventInput } from '../lib/case-events';
import type { Db } from '../lib/db';

/**
 * A stop found for a period whose workflow is not running (ended, or never started): on the timeline of the cases
 * concerned and told to the agency's supervisors (Art. 42), once per event key. Shared with the city's comparison
 * (activities/monthly-check.ts).
 */
export async function recordStopUnhandled(
  db: Db,
  s: { agencyCode: string; events: Omit<CaseEventInput, 'actor'>[]; message: string },
): Promise<void> {
  const [first] = s.events;
  if (!first) return;
  await db.$transaction(async (tx) => {
    for (const e of s.events) await recordCaseEvent(tx, { ...e, actor: 'system' });
    await tx.notification.createMany({
      data: [
        {
          eventKey: first.key,
          at: first.at,
          agencyCode: s.agencyCode,
          role: 'supervisor',
          kind: 'stop_unhandled',
          caseNumber: first.caseNumber,
          message: s.message,
        },
      ],
      skipDuplicates: true,
    });
  });
}

export function periodStopActivities({ db }: { db: Db }) {
  return {
    async recordStopNotReached(input: {
      /** The benefit claim whose period it is (`<caseNumber>.P`). */
      caseNumber: string;
      /** The case that found the stop. */
      foundBy: string;
      found: { reason: string; date: string };
      at: string;
    }): Promise<void> {
      const c = await db.case.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!c) return;
      const at = new Date(input.at);
      const data = { ...input.found, foundBy: input.foundBy, article: 'Art. 42' };
      const label = STOP_REASON_LABELS[input.found.reason] ?? input.found.reason;
      await recordStopUnhandled(db, {
        agencyCode: c.agencyCode,
        events: [
          {
            caseNumber: input.caseNumber,
            key: `${input.caseNumber}/stop_not_reached/${input.foundBy}`,
            type: 'stop_not_reached',
            at,
            data,
          },
          {
            caseNumber: input.foundBy,
            key: `${input.foundBy}/stop_not_reached/${input.caseNumber}`,
            type: 'stop_not_reached',
            at,
            data: { ...data, benefitCaseNumber: input.caseNumber },
          },
        ],
        message: `${input.foundBy} 发现 ${input.caseNumber} 自${input.found.date}起有停止领取情形（${label}），但其待遇期未在运行，请核实处理`,
      });
    },
  };
}
