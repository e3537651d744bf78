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
 *                   para 2); refused: the employer is told why, and the case no longer holds the year
 *   2. inform       the employer is told (及时告知): amount and the notice; 免申即享 only when the screening found it
 *   3. notice       the screening's list, or its own (`publicNotice` child) for an application; ≥ 5 workdays
 *   4. payment      released: to the employer's own account through the bank with the city's next run; the employer
 *                   is told; withdrawn after an objection: the employer is told why
 */
import {
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { JOB_RETENTION_REASON_TEXT } from '../domain/subsidies';
import { paySubsidy } from './one-off-payment';
import { newNoticeId, noticeIdOf, noticeOutcome, publicNotice, type NoticeOutcome } from './public-notice';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

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

export type JobRetentionStatus =
  'granted' | 'awaiting_evidence' | 'refused' | 'in_notice' | 'in_payment' | 'paid' | 'withdrawn';

export async function jobRetentionRefund(input: JobRetentionRefundInput): Promise<JobRetentionStatus> {
  const { caseNumber, agencyCode } = input;
  const tasks = createTaskBoard({
    caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'job_retention_refund',
  });
  const iso = () => new Date().toISOString();
  let status: JobRetentionStatus = 'granted';
  let outcome: NoticeOutcome | null = null;
  setHandler(noticeOutcome, (o) => {
    outcome = o;
  });
  async function moveTo(next: JobRetentionStatus, event: string, data?: Record<string, unknown>, actor?: string) {
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
  /**
   * Art. 49: a case that ends without a refund no longer holds the employer's year, and the employer is told why a
   * refusal was made (a withdrawal is told by the caller: 经公示有异议). Cases recorded before this step replay
   * without it (patch ENDED_WITHOUT_REFUND); an automatic refusal is recorded by the review itself.
   */
  async function endWithoutRefund(outcome: 'refused' | 'withdrawn', reasons: string[]) {
    if (!patched(ENDED_WITHOUT_REFUND)) return;
    await acts.recordJobRetentionOutcome({ caseNumber, outcome });
    if (outcome === 'refused')
      await acts.informEmployer({
        caseNumber,
        messageId: `${caseNumber}.refused`,
        kind: 'job_retention_refused',
        params: { caseNumber, reasons },
        at: iso(),
      });
  }

  // 1. Review: an application from the shared data; evidence only when the sources cannot decide.
  if (input.notice === 'own') {
    const a = await acts.assessJobRetention({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso() });
    if (a.status === 'ineligible') {
      await moveTo('refused', 'job_retention_refused', { reasons: a.reasons });
      // Refused by the automatic review, before any notice: told why (not 经公示有异议).
      await acts.informEmployer({
        caseNumber,
        messageId: `${caseNumber}.refused`,
        kind: 'job_retention_refused',
        params: { caseNumber, reasons: a.reasons.map((r) => `${r.message}（${r.article}）`) },
        at: iso(),
      });
      return status;
    }
    if (a.status === 'undecided') {
      await moveTo('awaiting_evidence', 'job_retention_evidence_requested', { reasons: a.reasons });
      const review = await tasks.humanTask({
        type: 'job_retention_evidence',
        form: 'approval',
        step: 'review',
        role: 'reviewer',
        agencyCode,
        dueKey: 'task.otherBenefitReview',
      });
      if (review.decision.decision === 'reject') {
        await moveTo('refused', 'job_retention_refused', { reasons: review.decision.reasons }, review.by.username);
        await endWithoutRefund('refused', review.decision.reasons);
        return status;
      }
    }
  }
  const row = await acts.jobRetentionSummary({ caseNumber });
  const { amountFen, year } = row;
  if (amountFen <= 0) {
    await moveTo('refused', 'job_retention_refused', { reasons: ['nothing_to_refund'] });
    await endWithoutRefund('refused', [JOB_RETENTION_REASON_TEXT.nothing_paid!]);
    return status;
  }

  // 2-3. Inform the employer; the notice (the screening's list, or this case's own).
  if (input.notice === 'own') {
    const noticeId = noticeIdOf(caseNumber);
    await moveTo('in_notice', 'job_retention_in_notice', { noticeId, amountFen });
    // Applied for, so approved on its application (not 免申即享).
    await acts.informEmployer({
      caseNumber,
      messageId: `${caseNumber}.granted`,
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
  await condition(() => outcome !== null);
  const o = outcome as NoticeOutcome | null;
  if (o?.outcome === 'withdrawn') {
    await moveTo('withdrawn', 'job_retention_withdrawn', { reasons: o.reasons }, o.by);
    await endWithoutRefund('withdrawn', o.reasons);
    await acts.informEmployer({
      caseNumber,
      messageId: `${caseNumber}.withdrawn`,
      kind: 'subsidy_withdrawn',
      params: { caseNumber, subsidy: '稳岗返还', reasons: o.reasons },
      at: iso(),
    });
    return status;
  }

  // 4. Payment to the employer's own account (Art. 49: 及时拨付返还资金).
  await moveTo('in_payment', 'job_retention_released', { amountFen });
  const paid = await paySubsidy({
    caseNumber,
    agencyCode,
    subsidy: 'job_retention_refund',
    kind: 'job_retention_refund',
    amountFen,
    askForAccount: async () => {
      await acts.informEmployer({
        caseNumber,
        messageId: `${caseNumber}.account`,
        kind: 'subsidy_account',
        params: { caseNumber, subsidy: '稳岗返还' },
        at: iso(),
      });
    },
  });
  await moveTo('paid', 'job_retention_paid', { amountFen, month: paid.month });
  await acts.informEmployer({
    caseNumber,
    messageId: `${caseNumber}.paid`,
    kind: 'subsidy_paid',
    params: { caseNumber, subsidy: '稳岗返还', amountFen },
    at: iso(),
  });
  return status;
}
