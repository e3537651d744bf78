/**
 * 医疗补助金 (Art. 46) and 丧葬补助金和抚恤金 (Art. 47): the one-off benefits of a benefit period, one workflow per
 * application; its ID is the case number (no personal data). The application is in the read model before this starts
 * (the API writes it), so nothing personal is carried in the history.
 *
 *   1. assessment     from the period, the payment ledger and the shared data (Art. 47: the death by data comparison
 *                     with civil affairs; what pension and work-injury insurance already paid, so nothing is paid
 *                     twice); not due: refused with every reason and the remedies; missing materials: asked all at
 *                     once with a deadline, closed if not supplied (Art. 37 一次性告知)
 *   2. review         one review (审核); survivors' grant and pension while the standard is not in the policy data:
 *                     a reviewer sets them citing the standard, and an approver (a different person) approves
 *   3. payment        into the ledger for the city's next monthly run (Art. 39, 62-63); after the run: paid, re-sent
 *                     once with the next run, then the applicant is asked to correct the account, which is paid once;
 *                     a grant withdrawn on a confirmed audit finding (Art. 80) is not paid and the case ends there
 *
 * One grant per event (Art. 46, 47): a second claim of the same birth or death is refused at the assessment, naming the
 * earlier case. A death the survivors' claim establishes reaches the beneficiary's benefit period at once (Art. 42
 * 立即停止): when civil affairs confirms it at the assessment, else when the claim is approved on the certificate.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OtherBenefitAssessment, OtherBenefitKind } from '../activities/other-benefits';
import type { PayableKind } from '../activities/payments';
import { supplyMaterials } from '../contracts/claim';
import { correctBankAccount, validateAccountCorrection } from './benefit-period';
import { oneOffMonth, payOneOff, requeueOneOff } from './one-off-payment';
import { stopPeriod } from './period-stop';
import { CASE_STATUS } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';

export interface OtherBenefitInput {
  caseNumber: string;
  kind: OtherBenefitKind;
  /** The paying city agency of the benefit period (Art. 39). */
  agencyCode: string;
}

export type OtherBenefitStatus =
  | 'received'
  | 'awaiting_materials'
  | 'awaiting_review'
  | 'awaiting_approval'
  | 'in_payment'
  | 'paid'
  | 'refused'
  | 'closed'
  | 'withdrawn'
  | 'cancelled';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

/** Art. 42: the death a survivors' claim establishes is signalled to the benefit period (cases begun before: not). */
const DEATH_STOPS_PERIOD = 'other-benefit-death-stops-period';

export async function otherBenefit(input: OtherBenefitInput): Promise<OtherBenefitStatus> {
  const { caseNumber, agencyCode, kind } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: kind });
  const iso = () => new Date().toISOString();
  let status: OtherBenefitStatus = 'received';
  const supplied = new Set<string>();
  let requested: string[] = [];
  /** The ledger kinds being paid, and the month they are in the ledger for. */
  let paying: PayableKind[] = [];

  // The same Update names as the benefit claim and period, so the case API serves every case type alike.
  setHandler(
    supplyMaterials,
    async ({ kinds, by }) => {
      await acts.recordMaterialsSupplied({ caseNumber, kinds, by, at: iso() });
      kinds.forEach((k) => supplied.add(k));
      return { stillMissing: requested.filter((k) => !supplied.has(k)) };
    },
    {
      validator: ({ kinds }: { kinds: string[] }) => {
        if (status !== 'awaiting_materials')
          throw ApplicationFailure.nonRetryable('No materials are being asked for', 'NotWaitingForMaterials');
        const unknown = kinds.filter((k) => !requested.includes(k));
        if (!kinds.length || unknown.length)
          throw ApplicationFailure.nonRetryable(
            `Not asked for: ${unknown.join(', ') || '(none given)'}`,
            'UnknownMaterial',
          );
      },
    },
  );
  setHandler(
    correctBankAccount,
    async (c) => {
      await acts.updateOtherBenefitAccount({
        caseNumber,
        method: c.method,
        bankName: c.bankName,
        accountNumber: c.accountNumber,
        actor: c.by,
        reason: c.reason,
        at: iso(),
      });
      // The failed items are re-sent once with the account; paid ones are left alone.
      const requeued = await requeueOneOff(caseNumber, paymentMonth, paying);
      return { requeued };
    },
    {
      validator: (c) => {
        if (status !== 'in_payment')
          throw ApplicationFailure.nonRetryable('Nothing of this case is being paid', 'NotInPayment');
        validateAccountCorrection(c);
      },
    },
  );

  async function moveTo(next: OtherBenefitStatus, event: string, data?: Record<string, unknown>, actor?: string) {
    status = next;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await acts.recordCaseStatus({
      caseNumber,
      status,
      event,
      ...(actor ? { actor } : {}),
      ...(data ? { data } : {}),
      at: iso(),
    });
  }
  const benefit = kind === 'childbirth_subsidy' ? '医疗补助金' : '丧葬补助金和抚恤金';
  const tell = <
    K extends 'other_benefit_refused' | 'other_benefit_materials' | 'other_benefit_approved' | 'other_benefit_account',
  >(
    messageKind: K,
    params: Record<string, unknown>,
    suffix: string,
  ) =>
    acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.${suffix}`,
      kind: messageKind,
      params: { caseNumber, benefit, ...params } as never,
      at: iso(),
    });
  async function finish(): Promise<OtherBenefitStatus> {
    await condition(allHandlersFinished);
    return status;
  }
  async function refuse(reasons: { message: string; article: string }[], actor?: string) {
    await moveTo('refused', 'other_benefit_refused', { reasons }, actor);
    await tell('other_benefit_refused', { reasons: reasons.map((r) => `${r.message}（${r.article}）`) }, 'refused');
    return finish();
  }

  /** Art. 42: the death passed on to the benefit period, once. */
  let deathTold = false;
  async function tellPeriodOfDeath(death: NonNullable<OtherBenefitAssessment['death']>) {
    if (deathTold || !patched(DEATH_STOPS_PERIOD)) return;
    deathTold = true;
    await stopPeriod({
      periodId: death.periodId,
      claimCaseNumber: death.benefitCaseNumber,
      foundBy: caseNumber,
      found: { reason: 'death', date: death.date, began: death.date },
    });
  }

  let paymentMonth = oneOffMonth();
  try {
    // 1. Assessment, again after materials are supplied.
    let a: OtherBenefitAssessment;
    for (let round = 1; ; round++) {
      a = await acts.assessOtherBenefit({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso() });
      // Art. 42, 47: a death civil affairs confirms stops the period at once, whatever becomes of this claim.
      if (a.death?.confirmed) await tellPeriodOfDeath(a.death);
      if (a.status === 'ineligible') return await refuse(a.reasons);
      if (a.status !== 'materials_missing') break;
      requested = a.missingMaterials.map((m) => m.kind);
      const due = await acts.computeDeadline({ key: 'claim.materials', start: shanghaiDate(Date.now()) });
      await acts.recordMaterialsRequested({
        caseNumber,
        materials: a.missingMaterials,
        dueDate: due.dueDate,
        at: iso(),
      });
      await tell(
        'other_benefit_materials',
        { materials: a.missingMaterials.map((m) => m.label), dueDate: due.dueDate },
        `materials.${round}`,
      );
      await moveTo('awaiting_materials', `materials_requested_${round}`, {
        materials: requested,
        dueDate: due.dueDate,
        ...(due.provisional ? { provisional: true } : {}),
      });
      // The person is told the date: recomputed on an entered calendar year, it never becomes earlier.
      const complete = await tasks.waitWithDeadline(`materials.${round}`, due, 'person', () =>
        requested.every((k) => supplied.has(k)),
      );
      if (!complete) {
        await moveTo('closed', 'materials_not_supplied', { missing: requested.filter((k) => !supplied.has(k)) });
        return await finish();
      }
    }

    // 2. Review; survivors' amounts set by a reviewer while the standard is unknown, then approved by another person.
    let amounts = a.amounts;
    await moveTo('awaiting_review', 'other_benefit_assessed', { amounts, assessment: a.status });
    if (a.status === 'amounts_unknown') {
      const set = await tasks.humanTask({
        type: 'survivor_amounts',
        form: 'survivorAmounts',
        step: 'review',
        role: 'reviewer',
        agencyCode,
        dueKey: 'task.otherBenefitReview',
      });
      const d = set.decision;
      if (d.decision === 'reject') {
        return await refuse(
          d.reasons.map((r) => ({ message: r, article: 'Art. 47' })),
          set.by.username,
        );
      }
      await acts.recordSurvivorAmounts({
        caseNumber,
        funeralGrantFen: d.funeralGrantFen,
        survivorPensionFen: d.survivorPensionFen,
        basis: d.basis,
        by: set.by.username,
        at: iso(),
      });
      amounts = [
        { kind: 'funeral_grant' as const, amountFen: d.funeralGrantFen },
        { kind: 'survivor_pension' as const, amountFen: d.survivorPensionFen },
        ...amounts.filter((x) => x.kind === 'death_month_benefit'),
      ].filter((x) => x.amountFen > 0);
      await moveTo('awaiting_approval', 'survivor_amounts_set', { amounts }, set.by.username);
    }
    const second = (status as OtherBenefitStatus) === 'awaiting_approval';
    const approval = await tasks.humanTask({
      type: `${kind}_${second ? 'approval' : 'review'}`,
      form: 'approval',
      step: second ? 'approve' : 'review',
      role: second ? 'approver' : 'reviewer',
      agencyCode,
      dueKey: second ? 'task.otherBenefitApproval' : 'task.otherBenefitReview',
    });
    if (approval.decision.decision === 'reject') {
      return await refuse(
        approval.decision.reasons.map((r) => ({
          message: r,
          article: kind === 'childbirth_subsidy' ? 'Art. 46' : 'Art. 47',
        })),
        approval.by.username,
      );
    }
    // Art. 42, 47: a death civil affairs did not have, established by the certificate the reviewer checked.
    if (a.death && !a.death.confirmed) await tellPeriodOfDeath(a.death);
    if (!amounts.length) {
      // Approved, but nothing left to pay (the month of death was paid and the grants are nil).
      await moveTo('paid', 'other_benefit_approved', { amounts }, approval.by.username);
      return await finish();
    }

    // 3. Payment with the city's next run (Art. 39, 62-63); failing twice, the applicant corrects the account.
    paymentMonth = oneOffMonth();
    paying = amounts.map((x) => x.kind);
    await moveTo('in_payment', 'other_benefit_approved', { amounts, month: paymentMonth }, approval.by.username);
    await tell('other_benefit_approved', { totalFen: amounts.reduce((s, x) => s + x.amountFen, 0) }, 'approved');
    const paid = await payOneOff({
      caseNumber,
      agencyCode,
      items: amounts,
      month: paymentMonth,
      askForAccount: (kind) => tell('other_benefit_account', {}, `account.${kind}`),
    });
    if (paid.status === 'withdrawn') {
      // Art. 80: withdrawn on a confirmed audit finding (the applicant was told with its reasons).
      await moveTo('withdrawn', 'other_benefit_withdrawn', { amounts, withdrawn: paid.withdrawn });
      return await finish();
    }

    await moveTo('paid', 'other_benefit_paid', { amounts });
    return await finish();
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        await tasks.cancelOpen();
        await moveTo('cancelled', 'case_cancelled');
      });
    }
    throw err;
  }
}
