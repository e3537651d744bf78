/**
 * What a subsidy case (稳岗返还 Art. 49, 技能提升补贴 Art. 50) does the same whatever the subsidy: the public notice's
 * outcome, the withdrawal on an objection to it, the payment after it (经公示无异议的，及时发放), a withdrawal found wrong
 * on objection paid after all, and the case decided again while an objection may still find it wrong (Art. 13).
 * The subsidy's own steps (its review, its notice) stay in its workflow.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import type { PayableKind } from '../../activities/payments';
import type { CorrectionToCarryOut } from '../../contracts/objection';
import type { createObjectionWindow } from '../objection-window';
import { paySubsidy, type SubsidyPaymentNotice } from '../one-off-payment';
import { noticeOutcome, type NoticeOutcome } from '../../contracts/public-notice';
import type { CaseLife } from './case';

type Status = 'refused' | 'in_payment' | 'paid' | 'withdrawn';

/** A notice to the subsidy's payee (the applicant, or the employer). */
export type SubsidyNotice =
  SubsidyPaymentNotice | { messageId: string; kind: 'subsidy_withdrawn'; params: Record<string, unknown> };

export function subsidyCase<S extends string>(p: {
  life: CaseLife<S | Status>;
  objections: ReturnType<typeof createObjectionWindow>;
  agencyCode: string;
  subsidy: 'skill_subsidy' | 'job_retention_refund';
  /** The subsidy's name in the payee's messages (技能提升补贴, 稳岗返还). */
  name: string;
  kind: PayableKind;
  /** The case's own event names: released to payment, paid, withdrawn. */
  events: { released: string; paid: string; withdrawn: string };
  /** The patch under which a refused or withdrawn case waits for an objection (cases begun before: it ended). */
  awaitsObjection: string;
  tell: (notice: SubsidyNotice) => Promise<unknown>;
}) {
  const { life, objections } = p;
  const nth = objections.nth;
  let outcome: NoticeOutcome | null = null;
  setHandler(noticeOutcome, (o) => {
    outcome = o;
  });
  let amountFen = 0;

  /** Art. 13: the remedies' last days, when this case waits for an objection (cases begun before: none). */
  const remedies = async () => (patched(p.awaitsObjection) ? await objections.open() : {});

  /** Step 4: paid (经公示无异议的，及时发放), the payee told. */
  async function pay(): Promise<S | Status> {
    await life.moveTo('in_payment', nth(p.events.released), { amountFen });
    await paySubsidy({
      caseNumber: life.caseNumber,
      agencyCode: p.agencyCode,
      subsidy: p.subsidy,
      name: p.name,
      kind: p.kind,
      amountFen,
      tell: p.tell,
      paid: (month) => life.moveTo('paid', p.events.paid, { amountFen, month }),
    });
    return life.status;
  }

  return {
    nth,
    remedies,
    get amountFen() {
      return amountFen;
    },
    set amountFen(fen: number) {
      amountFen = fen;
    },
    /** Before a notice is published: no outcome yet. */
    expectNotice(): void {
      outcome = null;
    },
    /**
     * The notice's outcome: null when released to payment; withdrawn on an objection to it (by the reviewer who
     * verified it), the payee told why with the remedies. `before` and `after` are the subsidy's records around the
     * status (in that order, as its cases were recorded).
     */
    async withdrawnOnObjection(h: {
      before?: () => Promise<unknown>;
      after?: (reasons: string[]) => Promise<unknown>;
    }): Promise<S | Status | null> {
      await condition(() => outcome !== null);
      const o = outcome as NoticeOutcome | null;
      if (o?.outcome !== 'withdrawn') return null;
      await h.before?.();
      await life.moveTo('withdrawn', nth(p.events.withdrawn), { reasons: o.reasons }, o.by);
      await h.after?.(o.reasons);
      await p.tell({
        messageId: `${life.caseNumber}.${nth('withdrawn', '.')}`,
        kind: 'subsidy_withdrawn',
        params: { caseNumber: life.caseNumber, subsidy: p.name, reasons: o.reasons, ...(await remedies()) },
      });
      return life.status;
    },
    pay,
    /** Art. 13: a withdrawal found wrong on objection: paid, unless `reinstate` finds the grant held by another. */
    async payWithdrawn(
      c: CorrectionToCarryOut,
      reinstate: () => Promise<{ note: string } | null>,
    ): Promise<S | Status> {
      return (await objections.payWithdrawn(c, reinstate, pay)) ?? life.status;
    },
    /** Decided, and again whenever an objection finds the refusal or the withdrawal wrong, until the remedies run out. */
    async run(decide: (reopened: CorrectionToCarryOut | null) => Promise<S | Status>): Promise<S | Status> {
      let reopened: CorrectionToCarryOut | null = null;
      for (;;) {
        const ended = await decide(reopened);
        if (ended !== 'refused' && ended !== 'withdrawn') return ended;
        reopened = await objections.awaitCorrection();
        if (!reopened) return life.status;
      }
    },
  };
}
