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

/**
 * A read of the tax platform's feeds (contributions, Art. 23, 24; refund requests, Art. 27): the platform may be late
 * (retried, backing off) but not away for long; after 6 attempts the run stops and the next one resumes from the
 * stored cursor. An answer that cannot be read is not asked again in this run.
 */
export const FEED_ACTIVITY = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: ['SourceMalformed', 'SourceRejected'],
  },
} as const satisfies ActivityOptions;
