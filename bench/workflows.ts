/**
 * The benchmark's workflow bundle: the project's workflows plus the baselines they are measured against — bare
 * workflows that do nothing but what Temporal itself must do (start; run N no-op activities in batches).
 */
import { proxyActivities } from '@temporalio/workflow';
import { mapLimited } from '../domain/concurrency';

export * from '../workflows';

const { benchNoop } = proxyActivities<{ benchNoop(n: number): Promise<number> }>({
  startToCloseTimeout: '1 minute',
});

/** Baseline of case intake: a workflow that starts and ends. */
export async function benchEmpty(): Promise<void> {}

/** Baseline of a beneficiary's month: as many no-op activities, one after another, as a benefit period ran. */
export async function benchPeriodNoop(input: { activities: number }): Promise<void> {
  for (let i = 0; i < input.activities; i++) await benchNoop(1);
}

/** Baseline of a payment run: `items` no-op activity calls in batches of `batch`, at most `lanes` at once. */
export async function benchNoopRun(input: { items: number; batch: number; lanes: number }): Promise<number> {
  const batches = Array.from({ length: Math.ceil(input.items / input.batch) }, (_, b) => b);
  const done = await mapLimited(batches, input.lanes, (b) =>
    benchNoop(Math.min(input.batch, input.items - b * input.batch)),
  );
  return done.reduce((a, n) => a + n, 0);
}
