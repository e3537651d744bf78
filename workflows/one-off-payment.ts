/**
 * A one-off payment through the payment ledger and the city's next monthly run (Art. 39, 62-63), for the subsidies
 * paid after a public notice (Art. 49, 50): queued with the case number as its "period", read after the run on the
 * 16th, re-sent once with the next run when the bank refused it. Workflow code (deterministic).
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PayableKind } from '../activities/payments';
import { PAY_DAY, PAY_HOUR } from './pay-day';
import { addToMonth, monthOfDate, shanghaiDate, shanghaiInstant } from './time';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

/** After the city's run on the 10th (all paid by the 15th, Art. 63), the results are read on the 16th at 09:00. */
const SETTLE_DAY = 16;
/** Attempts before the payment is given up to a clerk (the first, and one re-send with the next run). */
const ATTEMPTS = 2;

export interface OneOffPaymentResult {
  status: 'paid' | 'failed';
  month: string;
  resultCode: string | null;
}

export async function payOnce(p: {
  caseNumber: string;
  agencyCode: string;
  kind: PayableKind;
  amountFen: number;
}): Promise<OneOffPaymentResult> {
  const month = monthOfDate(shanghaiDate(Date.now()));
  await acts.queuePayable({
    periodId: p.caseNumber,
    caseNumber: p.caseNumber,
    agencyCode: p.agencyCode,
    kind: p.kind,
    month,
    amountFen: p.amountFen,
  });
  const runThisMonth = Date.now() < shanghaiInstant(`${month}-${PAY_DAY}`, PAY_HOUR);
  let settleAt = shanghaiInstant(`${runThisMonth ? month : addToMonth(month, 1)}-${SETTLE_DAY}`, PAY_HOUR);
  for (;;) {
    await sleep(Math.max(0, settleAt - Date.now()));
    const r = await acts.payableOutcome({ periodId: p.caseNumber, kind: p.kind, month });
    if (r?.status === 'paid') return { status: 'paid', month, resultCode: null };
    if (r?.status === 'failed' && r.attempt >= ATTEMPTS) return { status: 'failed', month, resultCode: r.resultCode };
    if (r?.status === 'failed') await acts.requeuePayable({ periodId: p.caseNumber, kind: p.kind, month });
    settleAt = shanghaiInstant(`${addToMonth(monthOfDate(shanghaiDate(Date.now())), 1)}-${SETTLE_DAY}`, PAY_HOUR);
  }
}
