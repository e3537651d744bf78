/**
 * The activity options of the case workflows, in one place (issue 20). An activity is retried until it succeeds
 * (a source or PostgreSQL that is down comes back; every activity is idempotent), backing off to every 10 minutes;
 * `startToCloseTimeout` bounds one attempt. Workflow code (deterministic): options only.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/** Retries of every case activity: from 1 s, doubling, at most every 10 minutes, without end. */
export const RETRY = { initialInterval: '1 second', maximumInterval: '10 minutes', backoffCoefficient: 2 } as const;

/** A case's step: one read-model write or one call to a source. */
export const CASE_ACTIVITY = { startToCloseTimeout: '1 minute', retry: RETRY } as const satisfies ActivityOptions;

/** A step over many rows (a screening, a monitoring run). */
export const LONG_ACTIVITY = { startToCloseTimeout: '5 minutes', retry: RETRY } as const satisfies ActivityOptions;
