/**
 * The workflow bundle of the tests: the project's workflows, plus small test-only workflows that call one activity
 * as a production workflow would (same proxy options), so activities are tested on a real Temporal server.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export * from '../../workflows';

const { computeDeadline, computeDueDate } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '100 milliseconds' },
});

/** Asks for a deadline the way workflows do: through an activity, so the answer is in history. */
export async function deadlineProbe(input: { key: string; start: string }) {
  return computeDeadline(input);
}

export async function dueDateProbe(input: Parameters<Activities['computeDueDate']>[0]) {
  return computeDueDate(input);
}

const sources = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '50 milliseconds', backoffCoefficient: 1, maximumAttempts: 5 },
});

/** Calls the household-registration check as the claim's acceptance step will (Art. 35, 37). */
export async function identityProbe(input: { caseNumber: string }) {
  return sources.verifyApplicantIdentity(input);
}

/** Calls the tax platform for contribution records as the determination will (Art. 24, 34). */
export async function contributionsProbe(input: { caseNumber: string }) {
  return sources.fetchContributionRecords(input);
}
