/**
 * 待遇退回 (Art. 43): one workflow per stop of a benefit period after which benefits were paid (领金人员符合停发条件…多领).
 * Its ID is `<case number>.R<stop seq>` (no personal data; `<case number>.R` for the one recovery a claim had before).
 * Asked of the claim, whose child it is, by whoever stopped the period (workflows/recovery-request.ts), or started by
 * an auditor for a stop without its recovery yet.
 *
 *   1. amount      every payment of the ledger for a month after the stop month (benefit and medical premium) that no
 *                  other recovery of the claim takes, with the calculator's explanation (domain/calculators/overpayment.ts)
 *   2. notice      the person is told by SMS of the amount and the time to repay; the delivery of the notice is recorded
 *                  (SMS, post, in person, with the proof) and starts the 30-day repayment deadline (art43.repayment)
 *   3. repayment   finance confirms repayments (partial ones reduce the balance); fully repaid → closed
 *   4. litigation  not repaid by the deadline → a task for the audit team to sue (依法提起民事诉讼), with the case file
 *
 * An auditor who finds the stop began earlier re-dates it (`redateStop`): the amount is re-computed with the months
 * that adds, what was repaid still counts, the person is told the new amount, and its notice is delivered again.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { agencyCovers } from '../domain/access';
import type { MessageParams } from '../domain/messages';
import type { Actor } from '../domain/tasks';
import {
  confirmRepayment,
  recordDelivery,
  recoveryState,
  redateStop,
  type RecoveryInput,
  type RecoveryStatus,
  type RecoveryView,
} from '../contracts/recovery';
import { caseLife } from './kernel/case';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export { confirmRepayment, recordDelivery, recoveryState, redateStop } from '../contracts/recovery';

/** Who may record the delivery of a notice (front desk, audit, supervisors). */
const DELIVERY_ROLES = ['intake', 'auditor', 'supervisor'];

/** A notice to the person: the amount found, or re-computed for an earlier stop date (what was repaid counted). */
type Notice = { kind: 'recovery_notice' | 'recovery_recomputed' } & Omit<
  MessageParams['recovery_recomputed'],
  'caseNumber'
>;

function refuse(message: string, type: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export async function overpaymentRecovery(input: RecoveryInput): Promise<RecoveryStatus> {
  const { recoveryId, caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({
    caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'overpayment_recovery',
  });
  const view: RecoveryView = {
    recoveryId,
    stopId: input.stopId ?? null,
    stopDate: input.stopDate,
    status: 'opening',
    amountFen: 0,
    balanceFen: 0,
    deliveredOn: null,
    dueDate: null,
    dueAt: null,
  };
  /** What the case's commands share with its procedure (their handlers: acceptRecoveryCommands). */
  const rc: RecoveryCommandState = { recoveryId, agencyCode, view, busy: 0, notice: null, references: new Set() };
  const iso = () => new Date().toISOString();
  acceptRecoveryCommands(rc);

  const life = caseLife<RecoveryStatus>({
    caseNumber: recoveryId,
    initial: view.status,
    record: ({ status, data, actor, at }) =>
      acts.recordRecoveryStatus({ recoveryId, status, at, ...(data ? { data } : {}), ...(actor ? { actor } : {}) }),
    onStatus: (status) => {
      view.status = status;
    },
  });
  /** The recovery's status, recorded on its own row (Art. 43). */
  const moveTo = (status: RecoveryStatus, data?: Record<string, unknown>, actor?: string) =>
    life.moveTo(status, status, data, actor);
  const settled = () => rc.busy === 0 && view.balanceFen === 0;

  /** Art. 43: the person told the amount and the days to repay (the first notice; a re-computed amount). */
  async function tell(n: Notice) {
    const params = {
      caseNumber,
      amountFen: n.amountFen,
      months: n.months,
      stopDate: n.stopDate,
      repayDays: n.repayDays,
    };
    await acts.notifyApplicant(
      n.kind === 'recovery_notice'
        ? { caseNumber, messageId: `${recoveryId}.notice`, kind: n.kind, params, at: iso() }
        : {
            caseNumber,
            messageId: `${recoveryId}.notice.${n.stopDate}`,
            kind: n.kind,
            params: { ...params, repaidFen: n.repaidFen, balanceFen: n.balanceFen },
            at: iso(),
          },
    );
  }

  // 1. The amount, from the payment ledger, with the calculator's explanation.
  const opened = await acts.openRecovery({ ...input, at: iso() });
  view.amountFen = opened.amountFen;
  view.balanceFen = opened.balanceFen;
  view.stopDate = opened.stopDate ?? input.stopDate;
  if (opened.amountFen === 0 || (opened.recomputed && opened.balanceFen === 0)) {
    // Nothing overpaid; or, started again for an earlier stop date, all repaid already: told, closed.
    life.show(opened.amountFen === 0 ? 'closed' : 'repaid');
    if (opened.recomputed) await tell({ kind: 'recovery_recomputed', ...opened });
    return view.status;
  }
  life.show('awaiting_delivery');
  rc.notice = opened.recomputed ? { kind: 'recovery_recomputed', ...opened } : { kind: 'recovery_notice', ...opened };

  // 2-3. Art. 43: the notice (SMS), then its delivery recorded, which starts the 30 days; repayments until the end of
  // the 30th day (a real timer). A stop re-dated meanwhile: the new amount told, and delivered again.
  /** Repaid in full (true), or the 30 days passed (false). */
  async function repaidInTime(): Promise<boolean> {
    for (;;) {
      const next: Notice | null = rc.notice;
      rc.notice = null;
      if (next) await tell(next);
      await condition(() => (view.dueAt !== null && rc.busy === 0) || settled() || rc.notice !== null);
      if (rc.notice) continue;
      const repaid =
        settled() ||
        (await condition(() => settled() || rc.notice !== null, Math.max(0, Date.parse(view.dueAt!) - Date.now())));
      if (!rc.notice) return repaid;
    }
  }
  if (await repaidInTime()) {
    await moveTo('repaid');
    await condition(allHandlersFinished);
    return view.status;
  }

  // 4. Art. 43: not repaid in time: the audit team sues (依法提起民事诉讼); repayments are still accepted meanwhile.
  await moveTo('litigation', { dueDate: view.dueDate, balanceFen: view.balanceFen });
  const litigation = await tasks.humanTask({
    type: 'recovery_litigation',
    form: 'litigation',
    step: 'decide',
    role: 'auditor',
    agencyCode,
    dueKey: 'task.recoveryLitigation',
  });
  await condition(() => rc.busy === 0);
  // Closed by the auditor who decided on the litigation (Art. 43).
  await moveTo(
    view.balanceFen === 0 ? 'repaid' : 'closed',
    { litigation: litigation.decision, by: litigation.by.username },
    litigation.by.username,
  );
  await condition(allHandlersFinished);
  return view.status;
}

interface RecoveryCommandState {
  recoveryId: string;
  agencyCode: string;
  view: RecoveryView;
  /** Commands being applied (the procedure waits for none before it decides). */
  busy: number;
  /** The notice the person is to be told next: the first, or the re-computed amount of a re-dated stop. */
  notice: Notice | null;
  /** The bank references of the repayments confirmed (Art. 43: none counted twice). */
  references: Set<string>;
}

/**
 * Art. 43: what staff do to a recovery, each an Update validated before it is taken (role, agency scope, state): the
 * notice's delivery recorded (the 30 days start), a repayment confirmed by finance, the stop re-dated earlier by an
 * auditor (re-computed, told and delivered again).
 */
function acceptRecoveryCommands(rc: RecoveryCommandState): void {
  const { recoveryId, view } = rc;
  const iso = () => new Date().toISOString();
  const closed = () => view.status === 'repaid' || view.status === 'closed';

  function inScope(by: Actor) {
    if (!agencyCovers(by.agencyCode, rc.agencyCode))
      refuse(`the recovery belongs to agency ${rc.agencyCode}, outside your agency's scope`, 'OutsideScope');
  }

  setHandler(recoveryState, () => ({ ...view }));
  setHandler(
    recordDelivery,
    async ({ method, deliveredOn, proof, by }) => {
      rc.busy += 1;
      try {
        // Art. 43: 30 days from the delivery of the notice (a calendar period; the date is its last day).
        const due = await acts.computeDeadline({ key: 'art43.repayment', start: deliveredOn });
        await acts.recordRecoveryDelivery({
          recoveryId,
          method,
          deliveredOn,
          proof,
          by: { id: by.userId, username: by.username },
          dueDate: due.dueDate,
          dueAt: due.dueInstant,
          at: iso(),
        });
        view.deliveredOn = deliveredOn;
        view.dueDate = due.dueDate;
        view.dueAt = due.dueInstant;
        if (view.status === 'awaiting_delivery') view.status = 'awaiting_repayment';
        return { ...view };
      } finally {
        rc.busy -= 1;
      }
    },
    {
      validator: ({ method, deliveredOn, by }) => {
        if (!by.roles.some((r: string) => DELIVERY_ROLES.includes(r)))
          refuse(`recording a delivery needs one of the roles ${DELIVERY_ROLES.join(', ')}`, 'MissingRole');
        inScope(by);
        if (view.status !== 'awaiting_delivery')
          refuse(`the recovery is ${view.status}: no notice is waiting for delivery`, 'NotAwaitingDelivery');
        if (!['sms', 'post', 'in_person'].includes(method))
          refuse('method must be sms, post or in_person', 'InvalidDelivery');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(deliveredOn) || deliveredOn > shanghaiDate(Date.now()))
          refuse('deliveredOn must be a date YYYY-MM-DD, not in the future', 'InvalidDelivery');
      },
    },
  );
  setHandler(
    confirmRepayment,
    async ({ amountFen, receivedOn, reference, by }) => {
      rc.busy += 1;
      rc.references.add(reference);
      view.balanceFen -= amountFen; // at once, so a second confirmation is checked against the new balance
      try {
        view.balanceFen = await acts.recordRepayment({
          recoveryId,
          reference,
          amountFen,
          receivedOn,
          by: { id: by.userId, username: by.username },
          at: iso(),
        });
        return { ...view };
      } finally {
        rc.busy -= 1;
      }
    },
    {
      validator: ({ amountFen, receivedOn, reference, by }) => {
        if (!by.roles.includes('finance')) refuse('confirming a repayment needs the role finance', 'MissingRole');
        inScope(by);
        if (view.status === 'opening' || closed()) refuse(`the recovery is ${view.status}`, 'RecoveryNotOpen');
        if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
          refuse('amountFen must be a positive integer (fen)', 'InvalidAmount');
        if (amountFen > view.balanceFen)
          refuse(`amountFen ${amountFen} is more than the balance ${view.balanceFen}`, 'InvalidAmount');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(receivedOn) || receivedOn > shanghaiDate(Date.now()))
          refuse('receivedOn must be a date YYYY-MM-DD, not in the future', 'InvalidAmount');
        if (rc.references.has(reference))
          refuse(`the repayment ${reference} is confirmed already`, 'DuplicateRepayment');
      },
    },
  );

  setHandler(
    redateStop,
    async ({ stopDate, reason, by }) => {
      rc.busy += 1;
      try {
        const r = await acts.recomputeRecovery({
          recoveryId,
          stopDate,
          by: { id: by.userId, username: by.username },
          reason,
          at: iso(),
        });
        view.stopDate = r.stopDate;
        view.amountFen = r.amountFen;
        view.balanceFen = r.balanceFen;
        // A new amount is a new notice: delivered again, the 30 days counted from that delivery (Art. 43).
        view.deliveredOn = null;
        view.dueDate = null;
        view.dueAt = null;
        if (r.balanceFen > 0) view.status = 'awaiting_delivery';
        if (r.recomputed) rc.notice = { kind: 'recovery_recomputed', ...r };
        return { ...view };
      } finally {
        rc.busy -= 1;
      }
    },
    {
      validator: ({ stopDate, by }) => {
        if (!by.roles.includes('auditor')) refuse('re-dating a stop needs the role auditor', 'MissingRole');
        inScope(by);
        if (view.status === 'opening' || closed()) refuse(`the recovery is ${view.status}`, 'RecoveryNotOpen');
        if (view.status === 'litigation')
          refuse('the recovery is before the court: re-date it once the litigation task is closed', 'InLitigation');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(stopDate)) refuse('stopDate must be a date YYYY-MM-DD', 'InvalidStopDate');
        if (stopDate >= view.stopDate)
          refuse(`stopDate must be earlier than the stop's date ${view.stopDate}`, 'StopDateNotEarlier');
      },
    },
  );
}
