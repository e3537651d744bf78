/**
 * How activities call the external sources: with the activity's cancellation signal, and with source errors turned
 * into Temporal failures that are retried when they can succeed and fail fast when they cannot.
 */
import { Context } from '@temporalio/activity';
import { toActivityFailure } from '../integrations/errors';

export const callOptions = () => ({ signal: Context.current().cancellationSignal });

export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
