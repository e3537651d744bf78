/**
 * 技能提升补贴 (Art. 50): one application (by the employee or the employer), ID = case number. The application is in
 * the read model before this starts (the API writes it), so nothing personal is carried in the history.
 *
 *   1. review       automatic (系统自动审核): insured status and cumulative contribution time, subsidies already
 *                   received (same occupation and level, the yearly limit), the certificate in the national registry
 *   2. refused      the person is told why (及时告知申领职工), with the remedies (Art. 13)
 *   3. notice       accepted: the amount by level, then the notice (5 workdays) as its own `publicNotice`
 *   4. payment      released: with the city's next run to the person's account (refused twice by the bank: the
 *                   person is asked to correct the account, and it is re-sent, Art. 39); withdrawn after an
 *                   objection: told why
 */
import {
  condition,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { paySubsidy } from './one-off-payment';
import { noticeIdOf, noticeOutcome, publicNotice, type NoticeOutcome } from './public-notice';
import { AGENCY_CODE, CASE_STATUS, CASE_TYPE } from '../contracts/search-attributes';
import { shanghaiDate } from '../domain/business-time';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

export interface SkillSubsidyInput {
  caseNumber: string;
  /** The agency where the person is insured (Art. 50: 向参保地失业保险经办机构申请). */
  agencyCode: string;
}

export type SkillSubsidyStatus = 'received' | 'refused' | 'in_notice' | 'in_payment' | 'paid' | 'withdrawn';

export async function skillSubsidy(input: SkillSubsidyInput): Promise<SkillSubsidyStatus> {
  const { caseNumber, agencyCode } = input;
  const iso = () => new Date().toISOString();
  let status: SkillSubsidyStatus = 'received';
  let outcome: NoticeOutcome | null = null;
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

  // 1-2. Automatic review; refused: told why.
  const a = await acts.assessSkillSubsidy({ caseNumber, asOf: shanghaiDate(Date.now()), at: iso() });
  if (a.status === 'refused') {
    await moveTo('refused', 'skill_subsidy_refused', { reasons: a.reasons });
    await acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.refused`,
      kind: 'skill_subsidy_refused',
      params: { caseNumber, reasons: a.reasons.map((r) => `${r.message}（${r.article}）`) },
      at: iso(),
    });
    return status;
  }

  // 3. The notice: 5 workdays (Art. 50).
  const noticeId = noticeIdOf(caseNumber);
  await moveTo('in_notice', 'skill_subsidy_granted', { amountFen: a.amountFen, noticeId });
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
    messageId: `${caseNumber}.granted`,
    kind: 'skill_subsidy_granted',
    params: { caseNumber, amountFen: a.amountFen, noticeEndDate: period.endDate },
    at: iso(),
  });
  await condition(() => outcome !== null);
  const o = outcome as NoticeOutcome | null;
  if (o?.outcome === 'withdrawn') {
    await acts.withdrawSkillSubsidy({ caseNumber });
    // Withdrawn by the reviewer who verified the objection (Art. 50).
    await moveTo('withdrawn', 'skill_subsidy_withdrawn', { reasons: o.reasons }, o.by);
    await acts.notifyApplicant({
      caseNumber,
      messageId: `${caseNumber}.withdrawn`,
      kind: 'subsidy_withdrawn',
      params: { caseNumber, subsidy: '技能提升补贴', reasons: o.reasons },
      at: iso(),
    });
    return status;
  }

  // 4. Payment (经公示无异议的，及时发放补贴资金).
  await moveTo('in_payment', 'skill_subsidy_released', { amountFen: a.amountFen });
  const paid = await paySubsidy({
    caseNumber,
    agencyCode,
    subsidy: 'skill_subsidy',
    kind: 'skill_upgrade_subsidy',
    amountFen: a.amountFen,
    askForAccount: async () => {
      await acts.notifyApplicant({
        caseNumber,
        messageId: `${caseNumber}.account`,
        kind: 'subsidy_account',
        params: { caseNumber, subsidy: '技能提升补贴' },
        at: iso(),
      });
    },
  });
  await moveTo('paid', 'skill_subsidy_paid', { amountFen: a.amountFen, month: paid.month });
  await acts.notifyApplicant({
    caseNumber,
    messageId: `${caseNumber}.paid`,
    kind: 'subsidy_paid',
    params: { caseNumber, subsidy: '技能提升补贴', amountFen: a.amountFen },
    at: iso(),
  });
  return status;
}
