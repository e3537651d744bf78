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
import { ParentClosePolicy, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import type { SkillSubsidyAssessment } from '../activities/subsidies';
import type { CorrectionToCarryOut } from '../contracts/objection';
import { createObjectionWindow } from './objection-window';
import { noticeIdOf, publicNotice } from './public-notice';
import { caseLife } from './kernel/case';
import { subsidyCase } from './kernel/subsidy';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
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
  const life = caseLife<SkillSubsidyStatus>({ caseNumber, initial: 'received' });
  const { moveTo } = life;
  const subsidy = subsidyCase({
    life,
    objections,
    agencyCode,
    subsidy: 'skill_subsidy',
    name: '技能提升补贴',
    kind: 'skill_upgrade_subsidy',
    events: { released: 'skill_subsidy_released', paid: 'skill_subsidy_paid', withdrawn: 'skill_subsidy_withdrawn' },
    awaitsObjection: AWAITS_OBJECTION,
    tell: (n) => acts.notifyApplicant({ caseNumber, ...n, at: iso() } as never),
  });
  /** Each decision taken again after a correction has events and notices of its own (Art. 13). */
  const { nth, remedies } = subsidy;

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
    return life.status;
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
    subsidy.amountFen = amount;
    const amountFen = amount;
    const noticeId = noticeIdOf(caseNumber);
    await moveTo('in_notice', nth('skill_subsidy_granted'), { amountFen, noticeId });
    subsidy.expectNotice();
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
    // Withdrawn by the reviewer who verified the objection (Art. 50).
    return subsidy.withdrawnOnObjection({ before: () => acts.withdrawSkillSubsidy({ caseNumber }) });
  }

  /** Steps 1-4, and again when an objection finds the refusal or the withdrawal wrong (Art. 13). */
  async function decide(reopened: CorrectionToCarryOut | null): Promise<SkillSubsidyStatus> {
    // A withdrawal found wrong: the grant counts as received again and is paid. One granted since for the same
    // occupation and level (Art. 50: 同一职业同一等级只能申领一次) keeps it: not paid, and the objection says why.
    if (reopened?.correction.kind === 'resume')
      return subsidy.payWithdrawn(reopened, async () => {
        const r = await acts.reinstateSkillSubsidy({ caseNumber });
        return r.reinstated ? null : r;
      });
    const granted = reopened ? await reviewAgain(reopened) : await review();
    if (typeof granted === 'string') return granted;
    const withdrawn = await publish(granted);
    if (withdrawn) return withdrawn;
    // Step 4: paid (经公示无异议的，及时发放补贴资金).
    return subsidy.pay();
  }

  return subsidy.run(decide);
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
