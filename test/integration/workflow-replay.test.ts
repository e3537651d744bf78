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
    // Before issue 11: the case row written by an activity task, the receipt answered in the second workflow task.
    'benefit-claim-intake-activity',
    // Since: by a local activity inside the first workflow task (patch claim-received-local-activity).
    'benefit-claim-intake-local-activity',
    // Since issue 11's direct row: started without the update (POST /claims writes the row itself); the same local
    // activity writes it again, idempotently.
    'benefit-claim-intake-api-row',
    // Before issue 11 measure 2: a period's first month in ten activities (open, enrol, progress, check, queue,
    // premium, queue, progress, outcome, progress); since: four (patch benefit-period-one-activity-a-step).
    'benefit-period-first-month-steps',
    'benefit-period-first-month-one-activity',
    // A city's run sending one batch after another; since: up to four at once (patch payment-run-batches-in-flight).
    'payment-run-one-batch-at-a-time',
    'payment-run-batches-in-flight',
    // Before issue 19 (items 6, 8, 9): one-off benefits without the event check, the stop signal to the period or the
    // withdrawal of a held grant; a monitoring item confirmed without holding the payments it concerns.
    'other-benefit-childbirth-paid',
    'other-benefit-survivors-paid',
    'monitoring-item-confirmed',
  ])('a history recorded as %s', async (name) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history(name));
  });
});
