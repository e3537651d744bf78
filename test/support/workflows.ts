/**
 * The workflow bundle of the tests: the project's workflows, plus small test-only workflows that call one activity
 * as a production workflow would (same proxy options), so activities are tested on a real Temporal server.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { StaffRole } from '../../domain/access';
import type { TaskStep } from '../../domain/tasks';
import { createTaskBoard } from '../../workflows/tasks';

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

/**
 * The task primitive on its own: opens the given tasks one after another on a case and returns their outcomes, so the
 * primitive's timers, escalation and validators are tested apart from any case type's own rules.
 */
export async function taskProbe(input: {
  caseNumber: string;
  steps: {
    type: string;
    form: 'acceptance' | 'review';
    step: TaskStep;
    role: StaffRole;
    agencyCode: string;
    dueKey: string;
  }[];
}) {
  const tasks = createTaskBoard({
    caseNumber: input.caseNumber,
    workflowId: workflowInfo().workflowId,
    caseType: 'test',
  });
  const outcomes = [];
  for (const s of input.steps) outcomes.push(await tasks.humanTask(s));
  return outcomes.map((o) => ({ decision: o.decision, by: o.by.username }));
}

/** The claim's determination (Art. 38) as the claim workflow makes it, for tests that start from a determined claim. */
export async function determinationProbe(input: Parameters<Activities['determineClaim']>[0]) {
  return sources.determineClaim(input);
}
