/**
 * 信息实时交互 (Art. 23): the register's changes passed to the tax platform, drained from the outbox that the register's
 * own transactions fill (activities/tax-register.ts). Started every minute by a Temporal Schedule
 * (lib/tax-register-schedule.ts, runs never overlapping); its history holds counts only.
 *
 *   1. deliver   a batch of messages in order, each once per message ID; a platform away is retried (from 1 s,
 *                backing off to every 10 minutes, without end), the later messages waiting behind the one that failed
 *   2. again     until none is left; a long backlog continues as new
 *
 * Why a drain and not each case's own activity: the register is written by API requests (a person's registration,
 * change, termination), by workflows (an employer's reviewed change) and by daily runs (a death in the shared data);
 * one drain sees them all, in the order they were committed, without each writer having to remember to push.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_ACTIVITY } from './activity-options';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export interface TaxRegisterPushInput {
  /** Messages per activity (default 100). */
  batch?: number;
  /** What earlier runs of the same drain delivered (carried over by continue-as-new). */
  delivered?: number;
}

/** Batches per run before it continues as new (keeps the history short). */
const BATCHES_PER_RUN = 50;

export async function taxRegisterPush(input: TaxRegisterPushInput = {}): Promise<{ delivered: number }> {
  let delivered = input.delivered ?? 0;
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    // 1. Deliver (Art. 23).
    const r = await acts.pushTaxRegisterMessages({ limit: input.batch ?? 100 });
    delivered += r.delivered;
    // 2. Again, until none is left.
    if (!r.more) return { delivered };
  }
  return continueAsNew<typeof taxRegisterPush>({ ...input, delivered });
}
