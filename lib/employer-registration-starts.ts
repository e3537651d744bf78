/**
 * Art. 15: a registration is written before its coordination with the pension registration starts (api/register).
 * When that start failed (Temporal unreachable: POST /employers answered 202) and the request was not retried, the
 * system starts it here: every employer whose coordination is still pending after a while gets its workflow, once
 * (the workflow ID is the register number's; one already there, running or ended, is left as it is). The API process
 * runs it every minute (api/server.ts).
 */
import type { Client } from '@temporalio/client';
import { employerRegistrationWorkflowId, type EmployerRegistrationInput } from '../contracts/register';
import type { Db } from './db';
import { startWritten } from './written-starts';

/** Starts the coordinations pending for at least `olderThanMs`; answers the register numbers it started. */
export async function startPendingEmployerRegistrations(
  db: Db,
  temporal: Client,
  taskQueue: string,
  olderThanMs = 120_000,
): Promise<string[]> {
  const pending = await db.employer.findMany({
    where: { pensionStatus: 'pending', registeredAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { registerNumber: true },
    orderBy: { registeredAt: 'asc' },
    take: 500,
  });
  const byWorkflow = new Map(pending.map((e) => [employerRegistrationWorkflowId(e.registerNumber), e.registerNumber]));
  const started = await startWritten(
    temporal,
    taskQueue,
    pending.map(({ registerNumber }) => {
      const input: EmployerRegistrationInput = { registerNumber };
      return {
        workflowType: 'employerRegistration',
        workflowId: employerRegistrationWorkflowId(registerNumber),
        args: [input],
      };
    }),
  );
  return started.map((id) => byWorkflow.get(id)!);
}
