/**
 * Workflow interceptors of every case workflow (bundled by worker/bundle.ts as a workflow interceptor module).
 *
 * A workflow that started a recovery as its own child (Art. 43: the claim that would own it was no longer running,
 * workflows/recovery-request.ts) closes only once that recovery is settled: no parent closes under a running child.
 * Workflow code (deterministic).
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { ownRecoveriesSettled } from './recovery-request';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const result = await next(input);
        await ownRecoveriesSettled();
        return result;
      },
    },
  ],
});
