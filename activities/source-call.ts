/**
 * How activities call the external sources: with the activity's cancellation signal, and with source errors turned
 * into Temporal failures that are retried when they can succeed and fail fast when they cannot.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { toActivityFailure } from '../integrations/errors';
import type { Db } from '../lib/db';

export const callOptions = () => ({ signal: Context.current().cancellationSignal });

export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/**
 * The claim of a case as the read model has it (the person's identifiers never travel through workflow history);
 * a case without a claim cannot be checked, so that fails at once.
 */
export async function claimOf(db: Db, caseNumber: string) {
  const claim = await db.benefitClaim.findUnique({ where: { caseNumber }, include: { case: true } });
  if (!claim)
    throw ApplicationFailure.nonRetryable(`case ${caseNumber} has no claim in the read model`, 'CaseNotFound');
  return claim;
}
