/**
 * The messages of a public notice (公示, Art. 49, 50): its outcome to each listed case, and an objection to one item
 * from the public page (api/subsidies/router.ts). Workflow-safe: definitions only.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export interface NoticeOutcome {
  noticeId: string;
  outcome: 'released' | 'withdrawn';
  /** Why an item was withdrawn (the verification's reasons); empty when released. */
  reasons: string[];
  /** Who verified the objection and withdrew the item (a reviewer's username); absent when released. */
  by?: string;
}

/** Sent to each listed case when its item is settled. */
export const noticeOutcome = defineSignal<[NoticeOutcome]>('noticeOutcome');

/** An objection to one item, during the period (the public page's form, through the API). */
export const objectToNoticeItem = defineUpdate<
  { objectionId: string; itemNo: number; status: 'held' },
  [{ itemNo: number; reason: string; contact?: string | null }]
>('objectToNoticeItem');
