/**
 * One-off payments through the payment ledger and the city's next monthly run (Art. 39, 62-63): the other benefits
 * of a period (Art. 46, 47) and the subsidies paid after a public notice (Art. 49, 50). Each item is queued with the
 * case number as its "period", read after the run on the 16th, and re-sent once with the next run when the bank
 * refused it. Failing again, the item is either given up (the case goes to a clerk) or, when the case can take a
 * corrected account, the payee is asked once and the item waits: the case's `correctBankAccount` Update re-queues it
 * (`requeueOneOff`) and it is settled after the next run. Workflow code (deterministic).
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { PayableKind } from '../activities/payments';
import type { MessageParams } from '../domain/messages';
import { acceptAccountCorrections } from './kernel/case';
import { PAY_DAY, PAY_HOUR, SETTLE_DAY } from '../contracts/pay-day';
import { addToMonth, monthOfDate, shanghaiDate, shanghaiInstant } from '../domain/business-time';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

/** Attempts before an item is given up or its payee asked for a corrected account (the first, and one re-send). */
const ATTEMPTS = 2;

export interface OneOffItem {
  kind: PayableKind;
  amountFen: number;
}

export interface OneOffPaymentResult {
  /** withdrawn: the items were withdrawn from the ledger before they were sent (Art. 80: a confirmed audit finding). */
  status: 'paid' | 'failed' | 'withdrawn';
  /** The month the items are in the ledger for. */
  month: string;
  /** Items given up, with the bank's code (only without `askForAccount`). */
  failed: { kind: PayableKind; resultCode: string | null }[];
  /** Items withdrawn (cancelled in the ledger), never sent. */
  withdrawn: PayableKind[];
}

/** The month a one-off payment queued now is in the ledger for (Asia/Shanghai). */
export const oneOffMonth = () => monthOfDate(shanghaiDate(Date.now()));

export async function payOneOff(p: {
  caseNumber: string;
  agencyCode: string;
  items: OneOffItem[];
  /** Defaults to `oneOffMonth()`; a case that re-queues on a corrected account needs to know it. */
  month?: string;
  /** Art. 39: asks the payee, once per item, to correct the account; without it an item failing twice is given up. */
  askForAccount?: (kind: PayableKind) => Promise<void>;
}): Promise<OneOffPaymentResult> {
  const month = p.month ?? oneOffMonth();
  const ref = (kind: PayableKind) => ({ periodId: p.caseNumber, kind, month });
  for (const x of p.items) {
    await acts.queuePayable({
      ...ref(x.kind),
      caseNumber: p.caseNumber,
      agencyCode: p.agencyCode,
      amountFen: x.amountFen,
    });
  }
  const outstanding = new Set(p.items.map((x) => x.kind));
  const asked = new Set<PayableKind>();
  const failed: OneOffPaymentResult['failed'] = [];
  const withdrawn: PayableKind[] = [];
  // This month's run if it has not happened yet, else next month's; read the results the 16th after it.
  const runThisMonth = Date.now() < shanghaiInstant(`${month}-${PAY_DAY}`, PAY_HOUR);
  let settleAt = shanghaiInstant(`${runThisMonth ? month : addToMonth(month, 1)}-${SETTLE_DAY}`, PAY_HOUR);
  while (outstanding.size) {
    await sleep(Math.max(0, settleAt - Date.now()));
    for (const kind of [...outstanding]) {
      const r = await acts.payableOutcome(ref(kind));
      if (r?.status === 'paid') outstanding.delete(kind);
      else if (r?.status === 'cancelled') {
        // Withdrawn before it was sent (Art. 80): never paid, nothing to re-send.
        outstanding.delete(kind);
        withdrawn.push(kind);
      } else if (r?.status === 'failed' && r.attempt < ATTEMPTS) await acts.requeuePayable(ref(kind));
      else if (r?.status === 'failed' && !p.askForAccount) {
        outstanding.delete(kind);
        failed.push({ kind, resultCode: r.resultCode });
      } else if (r?.status === 'failed' && !asked.has(kind)) {
        asked.add(kind);
        await p.askForAccount!(kind);
      }
    }
    // Not all paid (not in this run, or failed): look again after the next month's run.
    settleAt = shanghaiInstant(`${addToMonth(monthOfDate(shanghaiDate(Date.now())), 1)}-${SETTLE_DAY}`, PAY_HOUR);
  }
  const status = withdrawn.length ? 'withdrawn' : failed.length ? 'failed' : 'paid';
  return { status, month, failed, withdrawn };
}

/** Art. 39: a corrected account re-sends the case's failed items of `month` once; answers the kinds re-queued. */
export async function requeueOneOff(caseNumber: string, month: string, kinds: PayableKind[]): Promise<PayableKind[]> {
  const requeued: PayableKind[] = [];
  for (const kind of kinds) {
    // Only a failed latest attempt is re-queued; a paid or pending item is answered as it is.
    const r = await acts.requeuePayable({ periodId: caseNumber, kind, month });
    if (r.status === 'pending' && r.attempt > 1) requeued.push(kind);
  }
  return requeued;
}

/** What a subsidy's payee is told while it is paid: the account to correct, then the payment. */
export type SubsidyPaymentNotice =
  | { messageId: string; kind: 'subsidy_account'; params: MessageParams['subsidy_account'] }
  | { messageId: string; kind: 'subsidy_paid'; params: MessageParams['subsidy_paid'] };

/**
 * One subsidy paid to its payee after its notice (Art. 49, 50). Refused twice by the bank, the payee is told once to
 * correct the account (Art. 39: 发放不成功的，及时告知更正); the case's `correctBankAccount` Update (API `POST
 * /cases/:caseNumber/bank-account`) records the corrected account and re-sends the item with the next run, until it
 * is paid. Paid, the case records it (`paid`) and the payee is told (经公示无异议的，及时发放). Call from the workflow's
 * main function: it registers that Update's handler.
 */
export async function paySubsidy(p: {
  caseNumber: string;
  agencyCode: string;
  subsidy: 'skill_subsidy' | 'job_retention_refund';
  /** The subsidy's name in the payee's messages (技能提升补贴, 稳岗返还). */
  name: string;
  kind: PayableKind;
  amountFen: number;
  /** Tells the payee (the applicant, or the employer). */
  tell: (notice: SubsidyPaymentNotice) => Promise<unknown>;
  /** Records the payment on the case, before the payee is told. */
  paid: (month: string) => Promise<void>;
}): Promise<{ month: string }> {
  const month = oneOffMonth();
  let paying = true;
  acceptAccountCorrections({
    paying: () => paying,
    record: (c, at) =>
      acts.updateSubsidyAccount({
        caseNumber: p.caseNumber,
        subsidy: p.subsidy,
        method: c.method,
        bankName: c.bankName,
        accountNumber: c.accountNumber,
        actor: c.by,
        reason: c.reason,
        at,
      }),
    requeue: () => requeueOneOff(p.caseNumber, month, [p.kind]),
  });
  await payOneOff({
    caseNumber: p.caseNumber,
    agencyCode: p.agencyCode,
    items: [{ kind: p.kind, amountFen: p.amountFen }],
    month,
    askForAccount: async () => {
      await p.tell({
        messageId: `${p.caseNumber}.account`,
        kind: 'subsidy_account',
        params: { caseNumber: p.caseNumber, subsidy: p.name },
      });
    },
  });
  paying = false;
  await p.paid(month);
  await p.tell({
    messageId: `${p.caseNumber}.paid`,
    kind: 'subsidy_paid',
    params: { caseNumber: p.caseNumber, subsidy: p.name, amountFen: p.amountFen },
  });
  return { month };
}
