/**
 * 稳岗返还 (Art. 49).
 *
 * `jobRetentionScreening` (免申即享): started by a Temporal Schedule once a year per city agency, or on demand (API).
 * It reviews the city's employers from the shared data page by page (activity `screenEmployers`: type and size,
 * insured staff, months and amounts paid, layoff rate without those not counted, credit status), opens a
 * `jobRetentionRefund` case for each eligible employer (主动为其办理), and publishes them in one notice.
 *
 * `jobRetentionRefund`: one employer's refund, ID = case number.
 *   1. review       a screened case is eligible already; an application (for a year that has ended) is reviewed from
 *                   the shared data, evidence asked (a reviewer's task) only when the sources cannot decide (Art. 49
 *                   para 2); refused: the employer is told why with the remedies' dates, and the case no longer holds
 *                   the year; it waits for an objection until the remedies run out (Art. 13): a refusal found wrong
 *                   is reviewed again from the shared data and decided by a reviewer with the conclusion on the case
 *   2. inform       the employer is told (及时告知): amount and the notice; 免申即享 only when the screening found it
 *   3. notice       the screening's list, or its own (`publicNotice` child) for an application; ≥ 5 workdays
 *   4. payment      released: to the employer's own account through the bank with the city's next run; the employer
 *                   is told; withdrawn after an objection: the employer is told why, with the remedies (a withdrawal
 *                   found wrong on objection: paid)
 */
import { ParentClosePolicy, patched, proxyActivities, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { LONG_ACTIVITY } from './activity-options';
import { JOB_RETENTION_REASON_TEXT } from '../domain/subsidies';
import type { CorrectionToCarryOut } from '../contracts/objection';
import { createObjectionWindow } from './objection-window';
import { newNoticeId, noticeIdOf, publicNotice } from './public-notice';
import { caseLife } from './kernel/case';
import { subsidyCase } from './kernel/subsidy';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>(LONG_ACTIVITY);

export interface JobRetentionScreeningInput {
  agencyCode: string;
  /** The year reviewed; default: last year (Asia/Shanghai) at the start. */
  year?: number;
}

/** Employers per page of the screening (one activity each). */
const PAGE = 50;

export async function jobRetentionScreening(
  input: JobRetentionScreeningInput,
): Promise<{ screened: number; opened: string[]; noticeId: string | null; outcomes: Record<string, number> }> {
  const screeningId = workflowInfo().workflowId;
  const today = shanghaiDate(Date.now());
  const year = input.year ?? Number(today.slice(0, 4)) - 1;
  const opened: string[] = [];
  let screened = 0;
  for (let offset: number | null = 0; offset !== null;) {
    const page: { screened: number; opened: string[]; nextOffset: number | null } = await acts.screenEmployers({
      screeningId,
      agencyCode: input.agencyCode,
      year,
      offset,
      limit: PAGE,
      asOf: today,
      at: new Date().toISOString(),
    });
    screened += page.screened;
    opened.push(...page.opened);
    offset = page.nextOffset;
  }
  // Each eligible employer's case runs as its own workflow (it survives the screening: ABANDON); the screening stays
  // open until they end, so it can report what became of its list.
  const cases = [];
  for (const caseNumber of opened) {
    const child = await startChild(jobRetentionRefund, {
      workflowId: caseNumber,
      args: [{ caseNumber, agencyCode: input.agencyCode, notice: 'list' }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: CASE_TYPE, value: 'job_retention_refund' },
        { key: AGENCY_CODE, value: input.agencyCode },
        { key: CASE_STATUS, value: 'granted' },
      ],
    });
    cases.push(child);
  }
  if (!opened.length) return { screened, opened, noticeId: null, outcomes: {} };
  // Art. 49 para 4: one list of the employers and their amounts, on the city's public page.
  const noticeId = newNoticeId(input.agencyCode, Number(today.slice(0, 4)), uuid4());
  const notice = await startChild(publicNotice, {
    workflowId: noticeId,
    args: [{ noticeId, kind: 'job_retention_refund', agencyCode: input.agencyCode, caseNumbers: opened }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [
      { key: CASE_TYPE, value: 'public_notice' },
      { key: AGENCY_CODE, value: input.agencyCode },
    ],
  });
  const outcomes: Record<string, number> = {};
  const ends = await Promise.all(cases.map((c) => c.result().catch(() => 'failed' as const)));
  for (const e of ends) outcomes[e] = (outcomes[e] ?? 0) + 1;
  await notice.result().catch(() => undefined);
  return { screened, opened, noticeId, outcomes };
}

export interface JobRetentionRefundInput {
  caseNumber: string;
  agencyCode: string;
  /** list: the screening's notice lists it; own: an application, published on its own. */
  notice: 'list' | 'own';
}

/** Patch: a case ended without a refund records it (and a refusal on the evidence is told), Art. 49. */
const ENDED_WITHOUT_REFUND = 'job-retention-ended-without-refund';
/** Art. 13: a refused or withdrawn case states the remedies' dates and waits for an objection (before: it ended). */
const AWAITS_OBJECTION = 'job-retention-awaits-objection';

export type JobRetentionStatus =
  'granted' | 'awaiting_evidence' | 'awaiting_review' | 'refused' | 'in_notice' | 'in_payment' | 'paid' | 'withdrawn';

export async function jobRetentionRefund(input: JobRetentionRefundInput): Promise<JobRetentionStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({
    caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'job_retention_refund',
  });
  const objections = createObjectionWindow(caseNumber);
  const iso = () => new Date().toISOString();
  const life = caseLife<JobRetentionStatus>({ caseNumber, initial: 'granted', activityOptions: LONG_ACTIVITY });
  const { moveTo } = life;
  const subsidy = subsidyCase({
    life,
    objections,
    agencyCode,
    subsidy: 'job_retention_refund',
    name: '稳岗返还',
    kind: 'job_retention_refund',
    events: { released: 'job_retention_released', paid: 'job_retention_paid', withdrawn: 'job_retention_withdrawn' },
    awaitsObjection: AWAITS_OBJECTION,
    tell: (n) => acts.informEmployer({ caseNumber, ...n, at: iso() } as never),
  });
  /** Each decision taken again after a correction has events and notices of its own (Art. 13). */
  const { nth, remedies } = subsidy;
  const tellRefused = async (reasons: string[]) =>
    acts.informEmployer({
      caseNumber,
      messageId: `${caseNumber}.${nth('refused', '.')}`,
      kind: 'job_retention_refused',
      params: { caseNumber, reasons, ...(await remedies()) },
      at: iso(),
    });

  /**
   * Art. 49: a case that ends without a refund no longer holds the employer's year, and the employer is told why a
   * refusal was made (a withdrawal is told by the caller: 经公示有异议). Cases recorded before this step replay
   * without it (patch ENDED_WITHOUT_REFUND); an automatic refusal is recorded by the review itself.
   */
  async function endWithoutRefund(outcome: 'refused' | 'withdrawn', reasons: string[]) {
    if (!patched(ENDED_WITHOUT_REFUND)) return;
    await acts.recordJobRetentionOutcome({ caseNumber, outcome });
    if (outcome === 'refused') await tellRefused(reasons);
  }
  /** Art. 49, 13: refused by a person (on the evidence, or again on objection) or for want of anything to refund. */
  async function refuse(reasons: string[], told: string[], actor?: string): Promise<JobRetentionStatus> {
    await moveTo('refused', nth('job_retention_refused'), { reasons }, actor);
    await endWithoutRefund('refused', told);
    return life.status;
  }

  /**
   * Step 1: an application reviewed from the shared data; evidence only when the sources cannot decide (Art. 49 para
   * 2). Refused: the employer is told why, with the remedies. Null: reviewed, on to the amount.
   */
  async function review(): Promise<JobRetentionStatus | null> {
    if (input.notice !== 'own') return null;
    const a = await acts.assessJobRetention({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso() });
    if (a.status === 'ineligible') {
      await moveTo('refused', 'job_retention_refused', { reasons: a.reasons });
      // Refused by the automatic review, before any notice: told why (not 经公示有异议).
      await tellRefused(a.reasons.map((r) => `${r.message}（${r.article}）`));
      return life.status;
    }
    if (a.status === 'undecided') {
      await moveTo('awaiting_evidence', 'job_retention_evidence_requested', { reasons: a.reasons });
      const evidence = await tasks.humanTask({
        type: 'job_retention_evidence',
        form: 'approval',
        step: 'review',
        role: 'reviewer',
        agencyCode,
        dueKey: 'task.otherBenefitReview',
      });
      const d = evidence.decision;
      if (d.decision === 'reject') return refuse(d.reasons, d.reasons, evidence.by.username);
    }
    return null;
  }

  /**
   * Art. 13: a refusal found wrong on objection. The case takes the employer's year again (unless a case opened since
   * holds it: then not reopened, and the objection says which), is reviewed again from the shared data as they stand
   * now, and a reviewer decides with the conclusion on the case; a review that still finds it not due can only be
   * refused again, with the reasons. Null: approved, on to the amount.
   */
  async function reviewAgain(c: CorrectionToCarryOut): Promise<JobRetentionStatus | null> {
    const held = await acts.reopenJobRetention({ caseNumber });
    if (!held.reopened) {
      await objections.recordApplied(c, { kind: 'not_applied', note: held.note });
      return life.status;
    }
    await objections.reopenAtReview(c, 'job_retention', (event, data) =>
      moveTo('awaiting_review', event, data, c.by.username),
    );
    const a = await acts.assessJobRetention({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso() });
    const decided = await tasks.humanTask({
      type: 'job_retention_review',
      form: 'approval',
      step: 'review',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.otherBenefitReview',
      check:
        a.status === 'ineligible'
          ? (f) =>
              f.decision === 'approve'
                ? {
                    path: 'decision',
                    message: `the review from the shared data finds it not due: ${a.reasons.map((r) => r.message).join('; ')} (Art. 13, 49)`,
                  }
                : null
          : undefined,
    });
    const d = decided.decision;
    if (d.decision === 'reject') return refuse(d.reasons, d.reasons, decided.by.username);
    return null;
  }

  /**
   * Steps 2-3: the employer is told (及时告知) and the case published: in the screening's list, or on its own (an
   * application, or a case reopened on objection); ≥ 5 workdays. Then released to payment, or withdrawn on an
   * objection to the notice. Returns the withdrawal, or null: released.
   */
  async function publish(notice: 'list' | 'own'): Promise<JobRetentionStatus | null> {
    const row = await acts.jobRetentionSummary({ caseNumber });
    const { year, amountFen } = row;
    subsidy.amountFen = amountFen;
    if (amountFen <= 0) {
      return refuse(['nothing_to_refund'], [JOB_RETENTION_REASON_TEXT.nothing_paid!]);
    }
    subsidy.expectNotice();
    if (notice === 'own') {
      const noticeId = noticeIdOf(caseNumber);
      await moveTo('in_notice', nth('job_retention_in_notice'), { noticeId, amountFen });
      // Applied for, so approved on its application (not 免申即享).
      await acts.informEmployer({
        caseNumber,
        messageId: `${caseNumber}.${nth('granted', '.')}`,
        kind: 'job_retention_approved',
        params: { caseNumber, year, amountFen, noticeEndDate: null },
        at: iso(),
      });
      await startChild(publicNotice, {
        workflowId: noticeId,
        args: [{ noticeId, kind: 'job_retention_refund', agencyCode, caseNumbers: [caseNumber] }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } else {
      await moveTo('in_notice', 'job_retention_in_notice', { amountFen });
      await acts.informEmployer({
        caseNumber,
        messageId: `${caseNumber}.granted`,
        kind: 'job_retention_granted',
        params: { caseNumber, year, amountFen, noticeEndDate: null },
        at: iso(),
      });
    }
    return subsidy.withdrawnOnObjection({ after: (reasons) => endWithoutRefund('withdrawn', reasons) });
  }

  /** Steps 1-4, and again when an objection finds the refusal or the withdrawal wrong (Art. 13). */
  async function decide(reopened: CorrectionToCarryOut | null): Promise<JobRetentionStatus> {
    // A withdrawal found wrong: the refund holds the employer's year again and is paid; a case opened since for that
    // year keeps it (not paid, and the objection says which).
    if (reopened?.correction.kind === 'resume')
      return subsidy.payWithdrawn(reopened, async () => {
        const r = await acts.reopenJobRetention({ caseNumber });
        return r.reopened ? null : r;
      });
    const refused = reopened ? await reviewAgain(reopened) : await review();
    if (refused) return refused;
    const withdrawn = await publish(reopened ? 'own' : input.notice);
    if (withdrawn) return withdrawn;
    // Step 4: payment to the employer's own account (Art. 49: 及时拨付返还资金); the employer is told.
    return subsidy.pay();
  }

  return subsidy.run(decide);
}
