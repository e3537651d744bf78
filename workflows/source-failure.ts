/**
 * Source failures a workflow cannot get past by retrying (Art. 7: the shared data the 规程 relies on): a malformed
 * answer or a refused request (integrations/errors.ts: SourceMalformed, SourceRejected, both non-retryable). Outages
 * are retried by Temporal and never reach the workflow. Workflow code (deterministic).
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The failure's type and message (for the case's record, no personal data), or undefined for any other error. */
export function unreadableSource(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && (cause.type === 'SourceMalformed' || cause.type === 'SourceRejected')) {
    return `${cause.type}: ${cause.message}`.slice(0, 500);
  }
  return undefined;
}
