/**
 * 单位参保登记 与养老保险协同办理 (Art. 15, 16): after the register holds the new employer (the API wrote it), the
 * pension registration is
 *
 *   1. consulted   is the employer registered there already? then its unit number is recorded, nothing pushed;
 *   2. informed    else the registration is pushed to it, and its unit number recorded.
 *
 * Given the register number alone. A pension source that fails is retried with the case activities' options (from 1 s
 * to every 10 minutes, without end): the registration stands meanwhile, its coordination shown as pending.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EmployerRegistrationInput, EmployerRegistrationOutcome } from '../contracts/register';
import { CASE_ACTIVITY } from './activity-options';

const acts = proxyActivities<Activities>(CASE_ACTIVITY);

export async function employerRegistration(input: EmployerRegistrationInput): Promise<EmployerRegistrationOutcome> {
  const { registerNumber } = input;
  // 1. Art. 15: consulted.
  const { registered } = await acts.consultPensionRegistration({ registerNumber });
  if (registered) return 'already_registered';
  // 2. Art. 15: informed.
  await acts.informPensionRegistration({ registerNumber });
  return 'informed';
}

/** Art. 15, 18: a deregistration told to the pension registration, retried while it fails. */
export async function employerDeregistration(input: EmployerRegistrationInput): Promise<boolean> {
  return (await acts.informPensionOfDeregistration({ registerNumber: input.registerNumber })).told;
}
