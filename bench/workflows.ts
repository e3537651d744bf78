/**
 * The benchmark's workflow bundle: the project's workflows plus the bare workflow intake is measured against, which
 * does nothing but what Temporal itself must do to start one.
 */

export * from '../workflows';

/** Baseline of case intake: a workflow that starts and ends. */
export async function benchEmpty(): Promise<void> {}
