/**
 * 补收补缴 (Art. 26): an employer's application to pay back the months it owes. One workflow per application; its ID is
 * the case number (BJF-…); the employer, the months and the assessment stay in the read model, never in this history.
 * Its life is the case kernel's (workflows/kernel/case.ts).
 *
 *   1. application  recorded by the API (the employer's agent online, an intake clerk at a window): status received
 *   2. assessment   经办机构按此单位欠费对应期的养老保险缴费基数、参保人数和失业保险缴费比例核定欠费: the pension base of
 *                   each person in each owed month, the rates in force in that month, the late fee of 社会保险法 Art. 86
 *                   through today (activities/back-payment.ts, domain/back-payment.ts)
 *   3. review       a reviewer of the employer's agency confirms the assessment or refuses it with reasons
 *   4. to tax       通过数据共享平台向税务部门传递补收信息, with the day it must be paid by (policy
 *                   `limit.backPaymentPayWithin`)
 *   5. payment      参保单位应一次性全额补足: tax is asked once a day what it collected. Paid in full: step 6. Paid in
 *                   part: noted on the case, nothing posted (the law asks for all of it at once), still waiting. Not
 *                   paid in full by the date: withdrawn at tax and the case `lapsed` (a new application is assessed
 *                   again, its late fee counted to its own day).
 *   6. posting      补记到对应费款所属期，并注明到账日期: each person's month posted to its original month with tax's
 *                   receipt date and `backPayment`, through storeContributionRecords; the case ends `paid`
 *   7. claims       Art. 41: the claims waiting on arrears of the persons concerned are signalled, and determine again
 *
 * Why polling and not the contribution feed: the feed carries person-months one by one and cannot say that an
 * assessment was paid in full and at once (a part payment never reaches it as records); tax's answer by case number
 * says exactly that, with the receipt date the records are posted with.
 */
import { getExternalWorkflowHandle, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BackPaymentInput, BackPaymentStatus } from '../contracts/back-payment';
import { arrearsBackPaid } from '../contracts/claim';
import { shanghaiDate } from '../domain/business-time';
import { CASE_ACTIVITY } from './activity-options';
import { caseLife, untilCancelled } from './kernel/case';
import { createTaskBoard } from './tasks';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

/** How often tax is asked whether the assessment was paid. */
const TAX_POLL_MS = 86_400_000;

const iso = () => new Date().toISOString();

export async function backPayment(input: BackPaymentInput): Promise<BackPaymentStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'back_payment' });
  const life = caseLife<BackPaymentStatus>({ caseNumber, initial: 'received' });
  return untilCancelled(life, tasks, async () => {
    // 2. Art. 26: the assessment.
    const a = await acts.assessBackPaymentCase({ caseNumber, at: iso() });
    if (a.insured === 0) {
      await life.moveTo('rejected', 'back_payment_nothing_owed', { article: 'Art. 26' });
      return life.finish();
    }
    await life.moveTo('awaiting_review', 'back_payment_assessed', { ...a, article: 'Art. 26' });

    // 3. A reviewer confirms it.
    const review = await tasks.humanTask({
      type: 'back_payment_review',
      form: 'approval',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.backPaymentReview',
    });
    const by = { userId: review.by.userId, username: review.by.username };
    const d = review.decision;
    const reasons = d.decision === 'reject' ? d.reasons : [];
    await acts.recordBackPaymentReview({ caseNumber, decision: d.decision, reasons, by, at: iso() });
    if (d.decision === 'reject') {
      await life.moveTo('rejected', 'back_payment_rejected', { reasons }, by.username);
      return life.finish();
    }

    // 4. To tax, with the day it must be paid by.
    const due = await acts.computeDeadline({ key: 'limit.backPaymentPayWithin', start: shanghaiDate(Date.now()) });
    await acts.sendBackPaymentToTax({ caseNumber, payBy: due.dueDate });
    await life.moveTo('awaiting_payment', 'back_payment_sent_to_tax', { payBy: due.dueDate }, by.username);

    // 5. In full and at once, by the date.
    const payByMs = Date.parse(due.dueInstant);
    let partialSeen = 0;
    for (;;) {
      const s = await acts.checkBackPaymentAtTax({ caseNumber });
      if (s.status === 'paid') break;
      if (s.status === 'partial' && s.amountPaidFen !== partialSeen) {
        partialSeen = s.amountPaidFen;
        await life.note(`back_payment_partial_${s.amountPaidFen}`, {
          amountPaidFen: s.amountPaidFen,
          totalFen: s.totalFen,
          article: 'Art. 26',
        });
      }
      if (Date.now() >= payByMs) {
        const w = await acts.withdrawBackPaymentAtTax({ caseNumber });
        if (w.status === 'paid') break;
        await life.moveTo('lapsed', 'back_payment_lapsed', { payBy: due.dueDate, amountPaidFen: partialSeen });
        return life.finish();
      }
      await sleep(Math.max(1000, Math.min(TAX_POLL_MS, payByMs - Date.now())));
    }

    // 6. Posted to the original months with the receipt date.
    const posted = await acts.postBackPayment({ caseNumber, at: iso() });
    await life.moveTo('paid', 'back_payment_posted', { ...posted, article: 'Art. 26' });

    // 7. Art. 41: the claims waiting on these arrears determine again.
    const claims = await acts.claimsAwaitingArrearsOf({ caseNumber });
    const signalled: string[] = [];
    for (const claim of claims) {
      try {
        await getExternalWorkflowHandle(claim).signal(arrearsBackPaid, { backPaymentCaseNumber: caseNumber });
        signalled.push(claim);
      } catch {
        // The claim closed meanwhile: nothing waits on it.
      }
    }
    if (signalled.length) await life.note('back_payment_claims_signalled', { claims: signalled, article: 'Art. 41' });
    return life.finish();
  });
}
