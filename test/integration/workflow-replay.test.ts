/**
 * Histories that cases recorded under earlier versions of a workflow replay on the current code: a change to a
 * workflow's commands is guarded by `patched()`, and a history it would break fails here, not on a running case.
 *
 * The histories are whole runs on the dev server, saved as binary `temporal.api.history.v1.History`
 * (`History.encode(await handle.fetchHistory()).finish()`; the persons are the simulator's). Binary, because
 * `historyFromJSON` of this install fails ("type must be a Type": @temporalio/common has its own protobufjs 8).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, inject, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const history = (name: string) =>
  temporal.api.history.v1.History.decode(readFileSync(join(import.meta.dirname, 'histories', `${name}.pb`)));

describe('replay of recorded histories', () => {
  it.each([
    // The claim decided by one verdict (issue 18): a new version of the workflow, whose earlier histories (acceptance
    // and determination judged apart) no longer replay; claims in flight finish on the previous build (README,
    // "Upgrading"). An approved claim waiting on its paying period, and a claim refused on its verdict.
    'benefit-claim-verdict-approved-paying',
    'benefit-claim-verdict-refused',
    // Before issue 11 measure 2: a period's first month in ten activities (open, enrol, progress, check, queue,
    // premium, queue, progress, outcome, progress); since: four (patch benefit-period-one-activity-a-step).
    'benefit-period-first-month-steps',
    'benefit-period-first-month-one-activity',
    // A city's run sending one batch after another; since: up to four at once (patch payment-run-batches-in-flight).
    'payment-run-one-batch-at-a-time',
    'payment-run-batches-in-flight',
    // A job-retention application refused by the reviewer on the evidence, before it recorded the outcome and told
    // the employer (patch job-retention-ended-without-refund, Art. 49).
    'job-retention-evidence-refused',
    // Before issue 19 (items 6, 8, 9): one-off benefits without the event check, the stop signal to the period or the
    // withdrawal of a held grant; a monitoring item confirmed without holding the payments it concerns.
    'other-benefit-childbirth-paid',
    'other-benefit-survivors-paid',
    'monitoring-item-confirmed',
  ])('a history recorded as %s', async (name) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history(name));
  });
});
