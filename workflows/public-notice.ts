/**
 * 公示 (Art. 49, 50): the one public-notice mechanism of the subsidies. A notice is a list on the agency's public page
 * for the notice period (policy/deadline.json art49.publicNotice, art50.publicNotice: workdays on the working-day
 * calendar, counted from the day after publication). Its workflow ID is the notice ID (no personal data).
 *
 *   1. publish        the list, with the end of the period (computed by an activity, so recorded in history)
 *   2. objections     during the period (经公示有异议): each holds only its item and opens a verification task
 *   3. end of period  items without objection are released to payment (经公示无异议的，及时拨付/发放): each case is
 *                     told by the `noticeOutcome` signal
 *   4. verification   a held item follows its verification: released (at the end of the period at the earliest) or
 *                     withdrawn with the reasons
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { noticeOutcome, objectToNoticeItem, type NoticeOutcome } from '../contracts/public-notice';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';
import { CASE_TYPE_CODES, formatCaseNumber, serialFromBytes } from '../domain/case-number';
import type { NoticeKind } from '../domain/subsidies';
import { CASE_STATUS } from '../contracts/search-attributes';
import { createTaskBoard } from './tasks';

export interface PublicNoticeInput {
  noticeId: string;
  kind: NoticeKind;
  agencyCode: string;
  /** The cases listed, in order (item numbers 1..n). */
  caseNumbers: string[];
}

/** The notice of one case (an application published on its own): its number with the notice's type code. */
export function noticeIdOf(caseNumber: string): string {
  return CASE_TYPE_CODES.public_notice + caseNumber.slice(3);
}

/** A notice number from a workflow's uuid4() (deterministic in workflow code): `GSH-{year}-{agency}-{serial}`. */
export function newNoticeId(agencyCode: string, year: number, uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  const bytes = Uint8Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return formatCaseNumber('public_notice', year, agencyCode, serialFromBytes(bytes));
}

export { noticeOutcome, objectToNoticeItem, type NoticeOutcome } from '../contracts/public-notice';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export async function publicNotice(input: PublicNoticeInput): Promise<{ released: number; withdrawn: number }> {
  const { noticeId, agencyCode } = input;
  const tasks = createTaskBoard({
    caseNumber: noticeId,
    workflowId: workflowInfo().workflowId,
    caseType: 'public_notice',
  });
  const iso = () => new Date().toISOString();

  // 1. Publish.
  const published = await acts.publishNotice({ ...input, at: iso() });
  const endsAt = Date.parse(published.endsAt);
  const caseOf = new Map(published.items.map((i) => [i.itemNo, i.caseNumber]));
  const held = new Set<number>();
  /** Verified objections that cleared their item: released at the end of the period with the others. */
  const cleared = new Set<number>();
  const settled = new Set<number>();
  let ended = false;
  let released = 0;
  let withdrawn = 0;
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'in_notice' }]);
  tasks.setDeadline('notice', endsAt);

  async function tell(itemNos: number[], outcome: NoticeOutcome['outcome'], reasons: string[], by?: string) {
    if (!itemNos.length) return;
    await acts.settleNoticeItems({ noticeId, itemNos, status: outcome, at: iso() });
    for (const n of itemNos) {
      try {
        await getExternalWorkflowHandle(caseOf.get(n)!).signal(noticeOutcome, {
          noticeId,
          outcome,
          reasons,
          ...(by ? { by } : {}),
        });
      } catch {
        // The case is closed (cancelled): nothing waits for this item.
      }
      // Settled only once its case has been told: the notice ends (below) when every item is settled, so it never
      // closes with a signal still in flight, whose result it would then not see. (It did: the time-skipping test
      // server then stopped skipping time for good, which is how this was found.)
      settled.add(n);
      if (outcome === 'released') released++;
      else withdrawn++;
    }
  }

  /** 4. The verification of an item's objection, a reviewer's task (Art. 11: 审核). */
  async function verify(itemNo: number) {
    const done = await tasks.humanTask({
      type: 'notice_objection_verification',
      form: 'noticeVerification',
      step: 'verify',
      role: 'reviewer',
      agencyCode,
      dueKey: 'task.noticeObjectionVerification',
    });
    const d = done.decision;
    if (d.decision === 'withdraw') {
      await tell([itemNo], 'withdrawn', d.reasons, done.by.username);
      return;
    }
    cleared.add(itemNo);
    if (ended) await tell([itemNo], 'released', []);
  }

  // 2. Objections during the period hold only their item.
  setHandler(
    objectToNoticeItem,
    async ({ itemNo, reason, contact }) => {
      const objectionId = uuid4();
      await acts.recordNoticeObjection({ objectionId, noticeId, itemNo, reason, contact: contact ?? null, at: iso() });
      if (!held.has(itemNo)) {
        held.add(itemNo);
        cleared.delete(itemNo);
        void verify(itemNo);
      }
      return { objectionId, itemNo, status: 'held' as const };
    },
    {
      validator: ({ itemNo, reason }) => {
        if (ended || Date.now() >= endsAt)
          throw ApplicationFailure.nonRetryable(`The notice period ended on ${published.endDate}`, 'NoticeClosed');
        if (!caseOf.has(itemNo))
          throw ApplicationFailure.nonRetryable(`The notice has no item ${itemNo}`, 'UnknownNoticeItem');
        if (typeof reason !== 'string' || reason.trim().length < 2)
          throw ApplicationFailure.nonRetryable('The objection must say what is wrong', 'InvalidObjection');
      },
    },
  );

  // 3. The end of the period: items without objection go to payment (公示无异议的，及时拨付).
  await condition(() => false, Math.max(0, endsAt - Date.now()));
  ended = true;
  tasks.setDeadline('notice', null);
  await acts.closeNotice({ noticeId, at: iso() });
  await tell(
    published.items.map((i) => i.itemNo).filter((n) => !held.has(n) || cleared.has(n)),
    'released',
    [],
  );
  // Held items follow their verification.
  await condition(() => settled.size === caseOf.size && allHandlersFinished());
  upsertSearchAttributes([{ key: CASE_STATUS, value: 'closed' }]);
  return { released, withdrawn };
}
