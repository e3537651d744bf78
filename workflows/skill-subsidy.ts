/**
 * 技能提升补贴 (Art. 50): one application (by the employee or the employer), ID = case number. The application is in
 * the read model before this starts (the API writes it), so nothing personal is carried in the history.
 *
 *   1. review       automatic (系统自动审核): insured status and cumulative contribution time, subsidies already
 *                   received (same occupation and level, the yearly limit), the certificate in the national registry
 *   2. refused      the person is told why (及时告知申领职工), with the remedies and their dates (Art. 13); the case
 *                   waits for an objection until they run out: a refusal found wrong is reviewed again from the data
 *                   as it stands now, and a reviewer decides with the conclusion on the case
 *   3. notice       accepted: the amount by level, then the notice (5 workdays) as its own `publicNotice`
 *   4. payment      released: with the city's next run to the person's account (refused twice by the bank: the
 *                   person is asked to correct the account, and it is re-sent, Art. 39); withdrawn after an
 *                   objection: told why, with the remedies (a withdrawal found wrong on objection: paid)
 */
import {
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { SkillSubsidyAssessment } from '../activities/subsidies';
import type { CorrectionToCarryOut } from './objection-conclusion';
import { createObjectionWindow } from './objection-window';
import { paySubsidy } from './one-off-payment';
import { noticeIdOf, noticeOutcome, publicNotice, type NoticeOutcome } from './public-notice';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export interface SkillSubsidyInput {
  caseNumber: string;
  /** The agency where the person is insured (Art. 50: 向参保地失业保险经办机构申请). */
  agencyCode: string;
}

export type SkillSubsidyStatus =
  'received' | 'awaiting_review' | 'refused' | 'in_notice' | 'in_payment' | 'paid' | 'withdrawn';

/** Art. 13: a refused or withdrawn case states the remedies' dates and waits for an objection (before: it ended). */
const AWAITS_OBJECTION = 'skill-subsidy-awaits-objection';

export async function skillSubsidy(input: SkillSubsidyInput): Promise<SkillSubsidyStatus> {
  const { caseNumber, agencyCode } = input;
  const iso = () => new Date().toISOString();
  const tasks = createTaskBoard({ caseNumber, workflowId: workflowInfo().workflowId, caseType: 'skill_subsidy' });
  const objections = createObjectionWindow(caseNumber);
  let status: SkillSubsidyStatus = 'received';
  let outcome: NoticeOutcome | null = null;
  let amountFen = 0;
  /** Each decision taken again after a correction has events and notices of its own (Art. 13). */
  const nth = objections.nth;
  setHandler(noticeOutcome, (o) => {
    outcome = o;
  });
  async function moveTo(next: SkillSubsidyStatus, event: string, data?: Record<string, unknown>, actor?: string) {
    status = next;
    upsertSearchAttributes([{ key: CASE_STATUS, value: status }]);
    await acts.recordCaseStatus({
      caseNumber,
      status,
      event,
      ...(data ? { data } : {}),
      ...(actor ? { actor } : {}),
      at: iso(),
    });
  }
  /** Art. 13: the remedies' last days, when this case waits for an objection (cases begun before: none). */
  const remedies = async () => (patched(AWAITS_OBJECTION) ? await objections.open() : {});

  /** Step 2: refused, told why with the remedies (Art. 13, 50 不符合条件的，及时告知申领职工). */
  async function refuse(reasons: { message: string; article: string }[], actor?: string) {
    await moveTo('refused', nth('skill_subsidy_refused'), { reasons }, actor);
    await acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.${nth('refused', '.')}`,
      kind: 'skill_subsidy_refused',
      params: { caseNumber, reasons: reasons.map((r) => `${r.message}（${r.article}）`), ...(await remedies()) },
      at: iso(),
    });
    return status;
  }

  /** Step 1: the automatic review (系统自动审核); refused: told why. Returns the amount granted, or the refusal. */
  async function review(): Promise<number | SkillSubsidyStatus> {
    const a = await acts.assessSkillSubsidy({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso() });
    if (a.status === 'refused') return refuse(a.reasons);
    return a.amountFen;
  }

  /**
   * Art. 13: a refusal found wrong on objection. The case is reviewed again from the data as it stands now, and a
   * reviewer decides with the conclusion on the case: a grant goes to the notice as any other; a review that still
   * finds nothing to grant can only be refused again, with the reasons.
   */
  async function reviewAgain(c: CorrectionToCarryOut): Promise<number | SkillSubsidyStatus> {
    await objections.reopenAtReview(c, 'skill_subsidy', (event, data) =>
      moveTo('awaiting_review', event, data, c.by.username),
    );
    const a = await acts.assessSkillSubsidy({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso(), again: true });
    const decided = await tasks.humanTask({
      type: 'skill_subsidy_review',
      form: 'approval',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.otherBenefitReview',
      check: grantable(a),
    });
    const d = decided.decision;
    if (d.decision === 'reject') {
      await acts.refuseSkillSubsidy({ caseNumber });
      return refuse(
        d.reasons.map((r) => ({ message: r, article: 'Art. 50' })),
        decided.by.username,
      );
    }
    return a.amountFen;
  }

  /** Step 3: the notice, 5 workdays (Art. 50); then released to payment, or withdrawn on an objection to it. */
  async function publish(amount: number): Promise<SkillSubsidyStatus | null> {
    amountFen = amount;
    const noticeId = noticeIdOf(caseNumber);
    await moveTo('in_notice', nth('skill_subsidy_granted'), { amountFen, noticeId });
    outcome = null;
    await startChild(publicNotice, {
      workflowId: noticeId,
      args: [{ noticeId, kind: 'skill_subsidy', agencyCode, caseNumbers: [caseNumber] }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'public_notice' },
        { key: AGENCY_CODE, value: agencyCode },
      ],
    });
    const period = await acts.noticePeriod({ noticeId });
    await acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.${nth('granted', '.')}`,
      kind: 'skill_subsidy_granted',
      params: { caseNumber, amountFen, noticeEndDate: period.endDate },
      at: iso(),
    });
    await condition(() => outcome !== null);
    const o = outcome as NoticeOutcome | null;
    if (o?.outcome !== 'withdrawn') return null;
    await acts.withdrawSkillSubsidy({ caseNumber });
    // Withdrawn by the reviewer who verified the objection (Art. 50).
    await moveTo('withdrawn', nth('skill_subsidy_withdrawn'), { reasons: o.reasons }, o.by);
    await acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.${nth('withdrawn', '.')}`,
      kind: 'subsidy_withdrawn',
      params: { caseNumber, subsidy: '技能提升补贴', reasons: o.reasons, ...(await remedies()) },
      at: iso(),
    });
    return status;
  }

  /** Step 4: paid (经公示无异议的，及时发放补贴资金). */
  async function pay(): Promise<SkillSubsidyStatus> {
    await moveTo('in_payment', nth('skill_subsidy_released'), { amountFen });
    await paySubsidy({
      caseNumber,
      agencyCode,
      subsidy: 'skill_subsidy',
      name: '技能提升补贴',
      kind: 'skill_upgrade_subsidy',
      amountFen,
      tell: (n) => acts.notifyApplicant({ caseNumber, ...n, at: iso() }),
      paid: (month) => moveTo('paid', 'skill_subsidy_paid', { amountFen, month }),
    });
    return status;
  }

  /**
   * Art. 13: a withdrawal found wrong on objection: the grant counts as received again and is paid. One granted since
   * for the same occupation and level (Art. 50: 同一职业同一等级只能申领一次) keeps it: not paid, and the objection says why.
   */
  async function payWithdrawn(c: CorrectionToCarryOut): Promise<SkillSubsidyStatus> {
    const reinstate = async () => {
      const r = await acts.reinstateSkillSubsidy({ caseNumber });
      return r.reinstated ? null : r;
    };
    return (await objections.payWithdrawn(c, reinstate, pay)) ?? status;
  }

  /** Steps 1-4, and again when an objection finds the refusal or the withdrawal wrong (Art. 13). */
  async function decide(reopened: CorrectionToCarryOut | null): Promise<SkillSubsidyStatus> {
    if (reopened?.correction.kind === 'resume') return payWithdrawn(reopened);
    const granted = reopened ? await reviewAgain(reopened) : await review();
    if (typeof granted === 'string') return granted;
    const withdrawn = await publish(granted);
    if (withdrawn) return withdrawn;
    return pay();
  }

  let reopened: CorrectionToCarryOut | null = null;
  for (;;) {
    const ended = await decide(reopened);
    if (ended !== 'refused' && ended !== 'withdrawn') return ended;
    // Art. 13: until the remedies run out, an objection may find the decision wrong.
    reopened = await objections.awaitCorrection();
    if (!reopened) return status;
  }
}

/**
 * Art. 13: the reviewer of a reopened case grants what the review from the data found due; one that finds nothing
 * (still not due on the data) can only be refused again, with the reasons.
 */
function grantable(a: SkillSubsidyAssessment) {
  if (a.status === 'granted') return undefined;
  return (f: { decision: string }) =>
    f.decision === 'approve'
      ? {
          path: 'decision',
          message: `the review from the shared data finds nothing to grant: ${a.reasons.map((r) => r.message).join('; ')} (Art. 13, 50)`,
        }
      : null;
}
