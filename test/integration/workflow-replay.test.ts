/**
 * Histories recorded by the workflows as they are replay on the current code: a change to a workflow's commands that
 * running cases could not follow fails here, not on a running case. Such a change is made deliberately: guarded by
 * `patched()`, or a new version whose running cases finish on the previous build (README, "Upgrading an existing
 * installation"), with the histories recorded again (RECORD_HISTORIES=1, test/support/histories.ts).
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
    // The benefit period with one regime (issue 20): the months due when it begins checked by the period itself,
    // every later one by the city's comparison; one activity a step; one recovery per stop. Recorded by the timer
    // tests with RECORD_HISTORIES=1 (test/support/histories.ts): a period paid to its end, one stopped on the
    // city's comparison, one whose reported stop started its recovery as the period's own child (the claim not
    // running), and one resumed on objection with the objection that resumed it.
    'benefit-period-paid-to-the-end',
    'benefit-period-stopped-reemployed',
    'benefit-period-stop-reported-recovery-child',
    'benefit-period-resumed-on-objection',
    'objection-review-stop-lifted',
    // The city's month: its comparison, and its run (batches at the bank at once, the periods' months settled).
    'monthly-check-one-period',
    'payment-run-one-batch',
    // A job-retention application refused by the reviewer on the evidence, before it recorded the outcome and told
    // the employer (patch job-retention-ended-without-refund, Art. 49).
    'job-retention-evidence-refused',
    // Before issue 19 (items 6, 8, 9): one-off benefits without the event check, the stop signal to the period or the
    // withdrawal of a held grant.
    'other-benefit-childbirth-paid',
    'other-benefit-survivors-paid',
    // A monitoring item confirmed: its payments held, and a benefit period stopped on the approver's decision (Art. 80).
    'monitoring-item-confirmed-held-stopped',
  ])('a history recorded as %s', async (name) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history(name));
  });
});
