/**
 * 待遇退回 (Art. 43): one workflow per claim whose benefit was paid after a stop condition began. Its ID is
 * `<case number>.R` (no personal data). Started by the benefit period when a stop is found after payments were made,
 * or by an auditor.
 *
 *   1. amount      every payment of the ledger for a month after the stop month (benefit and medical premium), with
 *                  the calculator's explanation (domain/calculators/overpayment.ts)
 *   2. notice      the person is told by SMS of the amount and the time to repay; the delivery of the notice is recorded
 *                  (SMS, post, in person, with the proof) and starts the 30-day repayment deadline (art43.repayment)
 *   3. repayment   finance confirms repayments (partial ones reduce the balance); fully repaid → closed
 *   4. litigation  not repaid by the deadline → a task for the audit team to sue (依法提起民事诉讼), with the case file
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { agencyCovers } from '../domain/access';
import type { Actor } from '../domain/tasks';
import type { DeliveryMethod, RecoveryInput, RecoveryStatus, RecoveryView } from './recovery-types';
import { CASE_STATUS } from './search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from './time';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

/** Art. 43: the notice delivered; the 30 days run from `deliveredOn`. Staff of the agency record it. */
export const recordDelivery = defineUpdate<
  RecoveryView,
  [
    {
      method: DeliveryMethod;
      deliveredOn: string;
      proof: { reference?: string; receivedBy?: string; note?: string };
      by: Actor;
    },
  ]
>('recordDelivery');

/** Art. 43: a repayment received, confirmed by finance (岗位: 财务). */
export const confirmRepayment = defineUpdate<
  RecoveryView,
  [{ amountFen: number; receivedOn: string; reference: string; by: Actor }]
>('confirmRepayment');

export const recoveryState = defineQuery<RecoveryView>('recoveryState');

/** Who may record the delivery of a notice (front desk, audit, supervisors). */
const DELIVERY_ROLES = ['intake', 'auditor', 'supervisor'];

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
    status: 'opening',
    amountFen: 0,
    balanceFen: 0,
    deliveredOn: null,
    dueDate: null,
    dueAt: null,
  };
  let busy = 0;
  const references = new Set<string>();
  const iso = () => new Date().toISOString();
  const closed = () => view.status === 'repaid' || view.status === 'closed';

  function inScope(by: Actor) {
    if (!agencyCovers(by.agencyCode, agencyCode))
      refuse(`the recovery belongs to agency ${agencyCode}, outside your agency's scope`, 'OutsideScope');
  }

  setHandler(recoveryState, () => ({ ...view }));
  setHandler(
    recordDelivery,
    async ({ method, deliveredOn, proof, by }) => {
      busy += 1;
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
        busy -= 1;
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
      busy += 1;
      references.add(reference);
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
        busy -= 1;
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
        if (references.has(reference)) refuse(`the repayment ${reference} is confirmed already`, 'DuplicateRepayment');
      },
    },
  );

  async function moveTo(status: RecoveryStatus, data?: Record<string, unknown>) {
    view.status = status;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await acts.recordRecoveryStatus({ recoveryId, status, at: iso(), ...(data ? { data } : {}) });
  }
  const settled = () => busy === 0 && view.balanceFen === 0;

  // 1. The amount, from the payment ledger, with the calculator's explanation.
  const opened = await acts.openRecovery({ ...input, at: iso() });
  view.amountFen = opened.amountFen;
  view.balanceFen = opened.balanceFen;
  if (opened.amountFen === 0) {
    view.status = 'closed';
    upsertSearchAttributes([{ key: CASE_STATUS, value: 'closed' }]);
    return view.status;
  }
  view.status = 'awaiting_delivery';
  upsertSearchAttributes([{ key: CASE_STATUS, value: view.status }]);

  // 2. Art. 43: the notice (SMS), then its delivery recorded, which starts the 30 days.
  await acts.notifyApplicant({
    caseNumber,
    messageId: `${recoveryId}.notice`,
    kind: 'recovery_notice',
    params: {
      caseNumber,
      amountFen: opened.amountFen,
      months: opened.months,
      stopDate: input.stopDate,
      repayDays: opened.repayDays,
    },
    at: iso(),
  });
  await condition(() => (view.dueAt !== null && busy === 0) || settled());

  // 3. Repayments until the deadline: a real timer to the end of the 30th day.
  const repaid = settled() || (await condition(settled, Math.max(0, Date.parse(view.dueAt!) - Date.now())));
  if (repaid) {
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
  await condition(() => busy === 0);
  await moveTo(view.balanceFen === 0 ? 'repaid' : 'closed', {
    litigation: litigation.decision,
    by: litigation.by.username,
  });
  await condition(allHandlersFinished);
  return view.status;
}
