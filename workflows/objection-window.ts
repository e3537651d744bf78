/**
 * 复核 (Art. 13) from the side of the decision objected to, one mechanism for every case type (claims, other benefits,
 * subsidies): a decision that refuses or withdraws states the remedies with their last days, counted from the day its
 * notice goes out (administrative reconsideration within 60 days, litigation within 6 months: policy/deadline.json
 * `art13.*`), and the case stays open until the last of them for an objection whose conclusion finds it wrong. The
 * objection sends its correction (signal `carryOutCorrection`, contracts/objection.ts); the case carries it
 * out (reopens, pays) and records what it did on the objection. Workflow code: create the window once at the top of
 * the workflow (it installs the signal's handler).
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { carryOutCorrection, type AppliedCorrection, type CorrectionToCarryOut } from '../contracts/objection';
import { shanghaiDate, shanghaiInstant } from '../domain/business-time';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

/** Art. 13: the last days of the remedies against a decision, stated in its notice. */
export interface Remedies {
  reconsiderationUntil: string;
  litigationUntil: string;
}

export function createObjectionWindow(caseNumber: string) {
  /** Corrections objections concluded, in the order they came, for the case to carry out. */
  const inbox: CorrectionToCarryOut[] = [];
  /** The last day to sue the latest decision that refused or withdrew (null: none stated). */
  let until: string | null = null;
  /** Times a correction reopened or paid the case. */
  let carried = 0;
  const recordApplied = (c: CorrectionToCarryOut, applied: AppliedCorrection) =>
    acts.recordObjectionApplied({
      objectionNumber: c.objectionNumber,
      caseNumber,
      applied,
      at: new Date().toISOString(),
    });
  setHandler(carryOutCorrection, (c) => {
    inbox.push(c);
  });
  async function resumed(c: CorrectionToCarryOut, from: string | null = null): Promise<void> {
    carried += 1;
    await recordApplied(c, { kind: 'resumed', resumedFrom: from });
  }

  return {
    /**
     * Art. 13: the remedies against a decision notified today; the case waits for an objection until the last of them
     * (`awaitCorrection`).
     */
    async open(): Promise<Remedies> {
      const today = shanghaiDate(Date.now());
      const [reconsideration, litigation] = await Promise.all([
        acts.computeDeadline({ key: 'art13.administrativeReconsideration', start: today }),
        acts.computeDeadline({ key: 'art13.administrativeLitigation', start: today }),
      ]);
      until = litigation.dueDate;
      return { reconsiderationUntil: reconsideration.dueDate, litigationUntil: litigation.dueDate };
    },

    /**
     * Waits, until the end of the last remedy date (Asia/Shanghai), for an objection's correction of the decision the
     * window was opened for. Null: the time for objections passed, or no window was opened (a case recorded before
     * decisions waited for their objections).
     */
    async awaitCorrection(): Promise<CorrectionToCarryOut | null> {
      if (until === null) return null;
      const end = shanghaiInstant(until, 24);
      const came = await condition(() => inbox.length > 0, Math.max(0, end - Date.now()));
      return came ? inbox.shift()! : null;
    },

    /** Corrections that came while the case was doing something else (a claim being paid). */
    pending: () => inbox.length,
    take: () => inbox.shift(),

    /** What the case did with a correction, on the objection and on both timelines (Art. 13). */
    recordApplied,

    /**
     * `name`, numbered after the corrections carried out: a decision taken again after one has events and notices
     * of its own (`refused`, then `refused.1`).
     */
    nth: (name: string, sep = '_') => (carried ? `${name}${sep}${carried}` : name),

    /**
     * Art. 13: the case reopened at its review by a refusal found wrong: `record` puts the event `<prefix>_reopened_<n>`
     * on the case, with the conclusion for the reviewer; the objection says it was reopened.
     */
    async reopenAtReview(
      c: CorrectionToCarryOut,
      prefix: string,
      record: (event: string, data: Record<string, unknown>) => Promise<void>,
    ): Promise<void> {
      carried += 1;
      await record(`${prefix}_reopened_${carried}`, {
        objectionNumber: c.objectionNumber,
        correction: c.correction,
        reasons: c.reasons,
        article: 'Art. 13',
      });
      await recordApplied(c, { kind: 'reopened', step: 'review' });
    },

    /** Art. 13: a withdrawn grant paid on a correction (from the ledger month named); the objection says so. */
    resumed,

    /**
     * Art. 13: a withdrawn grant found wrong on objection is paid (`pay`) once `reinstate` has given it back its place;
     * when a grant or case since holds that place (`reinstate` answers why), it is not paid and the objection says why.
     * Null: not paid.
     */
    async payWithdrawn<T>(
      c: CorrectionToCarryOut,
      reinstate: () => Promise<{ note: string } | null>,
      pay: () => Promise<T>,
    ): Promise<T | null> {
      const held = await reinstate();
      if (held) {
        await recordApplied(c, { kind: 'not_applied', note: held.note });
        return null;
      }
      await resumed(c);
      return pay();
    },
  };
}

export type ObjectionWindow = ReturnType<typeof createObjectionWindow>;
