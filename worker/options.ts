/**
 * How the worker takes work from Temporal: the worker process (worker/main.ts, which the start command runs) and the
 * benchmark (bench/run.ts) use these same options, so the bench measures what ships.
 *
 * Measured on the bench (issue 11, measure 1; bench/README.md): a workflow task holds its slot while it is polled,
 * run and answered, about 1.3 s in all when the Temporal server takes 300 ms per call, so the default 40 slots capped
 * the worker at ~30 workflow tasks a second with idle CPU; 120 slots and 60 polls (the SDK's own tuning example) lift
 * that cap. Half of the polls go to the shared queue, where every new case's first workflow task waits (the one
 * POST /claims answers after), instead of 2 of 10: cases in progress wait a little longer on their own sticky queue.
 *
 * The sticky cache is bounded (issue 24): left to the SDK's default (sized from the heap limit) a worker that had taken
 * 2,000 claims held them all and grew to 4.4 GiB; a cached case costs some 4-5 MB (its own V8 context of the bundle).
 * 250 cases, twice the task slots, keep the worker near 1-1.5 GiB; a case evicted is replayed from its history
 * (tens of events: continue-as-new bounds them) when it next wakes, days later for most.
 */
import type { WorkerOptions } from '@temporalio/worker';

export const WORKER_TUNING = {
  maxConcurrentWorkflowTaskExecutions: 120,
  maxConcurrentWorkflowTaskPolls: 60,
  nonStickyToStickyPollRatio: 0.5,
  maxCachedWorkflows: 250,
} satisfies Partial<WorkerOptions>;
