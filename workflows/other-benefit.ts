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
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { OtherBenefitAssessment, OtherBenefitKind } from '../activities/other-benefits';
import type { PayableKind } from '../activities/payments';
import {
  acceptAccountCorrections,
  acceptMaterials,
  caseLife,
  untilCancelled,
  type CaseLife,
  type Materials,
} from './kernel/case';
import { oneOffMonth, payOneOff, requeueOneOff } from './one-off-payment';
import type { CorrectionToCarryOut } from '../contracts/objection';
import { createObjectionWindow } from './objection-window';
import { stopPeriod } from './period-stop';
import { createTaskBoard, type TaskBoard } from './tasks';
import { addToMonth, shanghaiDate } from '../domain/business-time';

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

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

/** Art. 42: the death a survivors' claim establishes is signalled to the benefit period (cases begun before: not). */
const DEATH_STOPS_PERIOD = 'other-benefit-death-stops-period';
/** Art. 13: a refused or withdrawn case states the remedies' dates and waits for an objection (before: it ended). */
const AWAITS_OBJECTION = 'other-benefit-awaits-objection';

export async function otherBenefit(input: OtherBenefitInput): Promise<OtherBenefitStatus> {
  const { caseNumber, agencyCode, kind } = input;
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: kind });
  const iso = () => new Date().toISOString();
  const life = caseLife<OtherBenefitStatus>({ caseNumber, initial: 'received' });
  const { moveTo, finish } = life;
  /** The ledger kinds being paid, and the month they are in the ledger for. */
  let paying: PayableKind[] = [];
  /** Art. 13: corrections objections concluded, for this case to carry out. */
  const objections = createObjectionWindow(caseNumber);
  const nth = objections.nth;

  // The same Update names as the benefit claim and period, so the case API serves every case type alike.
  const materials = acceptMaterials(life, tasks);
  acceptAccountCorrections({
    paying: () => life.status === 'in_payment',
    record: (c, at) =>
      acts.updateOtherBenefitAccount({
        caseNumber,
        method: c.method,
        bankName: c.bankName,
        accountNumber: c.accountNumber,
        actor: c.by,
        reason: c.reason,
        at,
      }),
    // The failed items are re-sent once with the account; paid ones are left alone.
    requeue: () => requeueOneOff(caseNumber, paymentMonth, paying),
  });

  const benefit = kind === 'childbirth_subsidy' ? '医疗补助金' : '丧葬补助金和抚恤金';
  const tell = <
    K extends 'other_benefit_refused' | 'other_benefit_materials' | 'other_benefit_approved' | 'other_benefit_account',
  >(
    messageKind: K,
    params: Record<string, unknown>,
    suffix: string,
  ) => life.tell(messageKind, { benefit, ...params }, suffix);

  /**
   * Art. 11, 13, 46, 47: refused with every reason and its article, and the remedies with their last days; the case
   * then waits for an objection (cases begun before: the time limits only, and the case ends).
   */
  async function refuse(reasons: { message: string; article: string }[], actor?: string) {
    await moveTo('refused', nth('other_benefit_refused'), { reasons }, actor);
    const remedies = patched(AWAITS_OBJECTION) ? await objections.open() : {};
    await tell(
      'other_benefit_refused',
      { reasons: reasons.map((r) => `${r.message}（${r.article}）`), ...remedies },
      nth('refused', '.'),
    );
    return 'refused' as const;
  }

  const { assess, tellPeriodOfDeath } = assessment({
    caseNumber,
    materials,
    askForMaterials: (missing, round, dueDate) =>
      tell('other_benefit_materials', { materials: missing.map((m) => m.label), dueDate }, `materials.${round}`),
    ended: () => life.status,
  });

  const review = (a: OtherBenefitAssessment) =>
    reviewOf({ caseNumber, agencyCode, kind, tasks, life, nth, refuse, tellPeriodOfDeath }, a);

  /** Step 3: paid with the city's next run (Art. 39, 62-63); failing twice, the applicant corrects the account. */
  async function pay(amounts: OtherBenefitAssessment['amounts'], approver: string): Promise<OtherBenefitStatus> {
    if (!amounts.length) {
      // Approved, but nothing left to pay (the month of death was paid and the grants are nil).
      await moveTo('paid', 'other_benefit_approved', { amounts }, approver);
      return life.status;
    }
    paying = amounts.map((x) => x.kind);
    await moveTo('in_payment', nth('other_benefit_approved'), { amounts, month: paymentMonth }, approver);
    await tell(
      'other_benefit_approved',
      { totalFen: amounts.reduce((s, x) => s + x.amountFen, 0) },
      nth('approved', '.'),
    );
    return settle(amounts);
  }

  /** The items in the ledger until paid; withdrawn on a confirmed audit finding (Art. 80), the case ends there. */
  async function settle(amounts: OtherBenefitAssessment['amounts']): Promise<OtherBenefitStatus> {
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
      if (patched(AWAITS_OBJECTION)) await objections.open();
      return life.status;
    }
    await moveTo('paid', 'other_benefit_paid', { amounts });
    return life.status;
  }

  /**
   * Art. 13: a refusal found wrong on objection: the case is reopened at its review, under the conclusion (on the
   * case for the reviewer), and assessed again from the data as it stands now.
   */
  async function reopen(c: CorrectionToCarryOut) {
    await objections.reopenAtReview(c, 'other_benefit', (event, data) =>
      moveTo('awaiting_review', event, data, c.by.username),
    );
  }

  /**
   * Art. 13, 80: a withdrawal found wrong on objection: the audit finding's hold on the grant is lifted and it is paid
   * with a later run than the one it was withdrawn from.
   */
  async function payWithdrawn(c: CorrectionToCarryOut): Promise<OtherBenefitStatus> {
    const amounts = approved!.amounts;
    await acts.liftGrantWithdrawal({ caseNumber, objectionNumber: c.objectionNumber, by: c.by.username, at: iso() });
    paymentMonth = nextMonthAfter(paymentMonth);
    paying = amounts.map((x) => x.kind);
    await objections.resumed(c, paymentMonth);
    await moveTo('in_payment', nth('other_benefit_resumed'), {
      objectionNumber: c.objectionNumber,
      amounts,
      month: paymentMonth,
      article: 'Art. 13',
    });
    return settle(amounts);
  }

  /** Steps 1-3, and again from the review when an objection reopens a refusal (Art. 13). */
  let approved: { amounts: OtherBenefitAssessment['amounts']; by: string } | null = null;
  async function decide(reopened: CorrectionToCarryOut | null): Promise<OtherBenefitStatus> {
    if (reopened?.correction.kind === 'resume') return payWithdrawn(reopened);
    if (reopened) await reopen(reopened);
    const a = await assess();
    if (typeof a === 'string') return a;
    // A refusal on the data alone; reopened, a person looks at it again.
    if (a.status === 'ineligible' && !reopened) return refuse(a.reasons);
    const r = await review(a);
    if (typeof r === 'string') return r;
    approved = r;
    paymentMonth = oneOffMonth();
    return pay(r.amounts, r.by);
  }

  let paymentMonth = oneOffMonth();
  return untilCancelled(life, tasks, async () => {
    let reopened: CorrectionToCarryOut | null = null;
    for (;;) {
      const outcome = await decide(reopened);
      if (outcome !== 'refused' && outcome !== 'withdrawn') return await finish();
      // Art. 13: until the remedies run out, an objection may find the decision wrong.
      reopened = await objections.awaitCorrection();
      if (!reopened) return await finish();
    }
  });
}

/** What the review of an other benefit works with (the case's own functions). */
interface ReviewContext {
  caseNumber: string;
  agencyCode: string;
  kind: OtherBenefitKind;
  tasks: TaskBoard;
  life: CaseLife<OtherBenefitStatus>;
  nth: (event: string, sep?: string) => string;
  refuse: (reasons: { message: string; article: string }[], actor?: string) => Promise<'refused'>;
  tellPeriodOfDeath: (death: NonNullable<OtherBenefitAssessment['death']>) => Promise<void>;
}

/**
 * Step 2: one review; survivors' amounts set by a reviewer while the standard is unknown, then approved by another
 * person. Reopened on objection (Art. 13), the reviewer decides again with the conclusion on the case and the new
 * assessment; one that finds nothing to grant can only be refused again. Returns the amounts approved and by whom,
 * or the case's end.
 */
async function reviewOf(
  c: ReviewContext,
  a: OtherBenefitAssessment,
): Promise<{ amounts: OtherBenefitAssessment['amounts']; by: string } | OtherBenefitStatus> {
  const { caseNumber, agencyCode, kind, tasks, nth, refuse } = c;
  const moveTo = c.life.moveTo;
  let amounts = a.amounts;
  await moveTo('awaiting_review', nth('other_benefit_assessed'), { amounts, assessment: a.status });
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
      return refuse(
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
      at: new Date().toISOString(),
    });
    amounts = [
      { kind: 'funeral_grant' as const, amountFen: d.funeralGrantFen },
      { kind: 'survivor_pension' as const, amountFen: d.survivorPensionFen },
      ...amounts.filter((x) => x.kind === 'death_month_benefit'),
    ].filter((x) => x.amountFen > 0);
    await moveTo('awaiting_approval', nth('survivor_amounts_set'), { amounts }, set.by.username);
  }
  const second = c.life.status === 'awaiting_approval';
  const approval = await tasks.humanTask({
    type: `${kind}_${second ? 'approval' : 'review'}`,
    form: 'approval',
    step: second ? 'approve' : 'review',
    role: second ? 'approver' : 'reviewer',
    agencyCode,
    dueKey: second ? 'task.otherBenefitApproval' : 'task.otherBenefitReview',
    check: grantable(a),
  });
  if (approval.decision.decision === 'reject') {
    return refuse(
      approval.decision.reasons.map((r) => ({
        message: r,
        article: kind === 'childbirth_subsidy' ? 'Art. 46' : 'Art. 47',
      })),
      approval.by.username,
    );
  }
  // Art. 42, 47: a death civil affairs did not have, established by the certificate the reviewer checked.
  if (a.death && !a.death.confirmed) await c.tellPeriodOfDeath(a.death);
  return { amounts, by: approval.by.username };
}

/**
 * Step 1 of an other benefit (Art. 37, 42, 46, 47): the case assessed from the period, the ledger and the shared data,
 * again after the materials asked for at once are supplied; a death civil affairs confirms stops the benefit period.
 */
function assessment(p: {
  caseNumber: string;
  materials: Materials;
  askForMaterials: (
    missing: OtherBenefitAssessment['missingMaterials'],
    round: number,
    dueDate: string,
  ) => Promise<void>;
  /** The case's status once the materials did not come (closed). */
  ended: () => OtherBenefitStatus;
}) {
  const { caseNumber, materials } = p;
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

  /**
   * Step 1: assessed from the period, the ledger and the shared data, again after materials are supplied (Art. 37
   * 一次性告知, closed if they do not come). Returns the assessment, or the case's end.
   */
  let materialRounds = 0;
  async function assess(): Promise<OtherBenefitAssessment | OtherBenefitStatus> {
    for (;;) {
      const a = await acts.assessOtherBenefit({
        caseNumber,
        asOf: shanghaiDate(Date.now()),
        at: new Date().toISOString(),
      });
      // Art. 42, 47: a death civil affairs confirms stops the period at once, whatever becomes of this claim.
      if (a.death?.confirmed) await tellPeriodOfDeath(a.death);
      if (a.status !== 'materials_missing') return a;
      const round = ++materialRounds;
      const supplied = await materials.ask({
        materials: a.missingMaterials,
        round,
        notify: (dueDate, missing) =>
          p.askForMaterials(
            a.missingMaterials.filter((m) => missing.includes(m.kind)),
            round,
            dueDate,
          ),
      });
      if (!supplied) return p.ended();
    }
  }
  return { assess, tellPeriodOfDeath };
}

/**
 * Art. 13: the approval of a reopened case grants what the new assessment found due; one that finds nothing (still
 * not due on the data) can only be refused again, with the reasons.
 */
function grantable(a: OtherBenefitAssessment) {
  if (a.status !== 'ineligible') return undefined;
  return (f: { decision: string }) =>
    f.decision === 'approve'
      ? {
          path: 'decision',
          message: `the assessment finds nothing to grant: ${a.reasons.map((r) => r.message).join('; ')} (Art. 13)`,
        }
      : null;
}

/** The ledger month of a grant paid again: a later month than the one it was withdrawn from (Art. 80). */
function nextMonthAfter(month: string): string {
  const now = oneOffMonth();
  return now > month ? now : addToMonth(month, 1);
}
