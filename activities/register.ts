/**
 * The register's activities (Art. 15): the pension registration consulted and informed for a new employer. Each takes
 * the register number and reads the employer from the register, so no item of it enters a workflow history; each is
 * idempotent (a step already recorded is not recorded again, the source's registration is idempotent by USCC).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { SourceClients } from '../integrations/config';
import type { Db } from '../lib/db';
import { isoDate } from '../lib/db';
import { callOptions, guarded } from './source-call';

export interface RegisterActivityDeps {
  db: Db;
  sources: Pick<SourceClients, 'pension'>;
}

const SYSTEM = '系统';

export function registerActivities({ db, sources }: RegisterActivityDeps) {
  async function employerOf(registerNumber: string) {
    const e = await db.employer.findUnique({ where: { registerNumber } });
    if (!e) throw ApplicationFailure.nonRetryable(`no employer ${registerNumber} in the register`, 'EmployerNotFound');
    return e;
  }

  /** Records the pension side's answer once: the first writer moves the status from pending, later ones find it moved. */
  async function record(
    registerNumber: string,
    status: 'already_registered' | 'informed',
    unitNumber: string,
  ): Promise<void> {
    const at = new Date();
    await db.$transaction(async (tx) => {
      const moved = await tx.employer.updateMany({
        where: { registerNumber, pensionStatus: 'pending' },
        data: { pensionStatus: status, pensionUnitNumber: unitNumber, updatedAt: at },
      });
      if (moved.count === 0) return;
      await tx.employerChange.create({
        data: {
          registerNumber,
          at,
          kind: status === 'informed' ? 'pension_informed' : 'pension_consulted',
          article: '15',
          actorId: null,
          actorName: SYSTEM,
          fields: ['pension'],
          after: { status, unitNumber },
        },
      });
    });
  }

  return {
    /** Art. 15: is the employer registered with pension insurance already? Recorded when it is. */
    async consultPensionRegistration(input: { registerNumber: string }): Promise<{ registered: boolean }> {
      const e = await employerOf(input.registerNumber);
      if (e.pensionStatus !== 'pending') return { registered: true };
      const found = await guarded(() => sources.pension.getEmployerRegistration(e.code, callOptions()));
      if (!found) return { registered: false };
      await record(e.registerNumber, 'already_registered', found.unitNumber);
      return { registered: true };
    },

    /** Art. 15: the registration pushed to the pension registration, and its unit number recorded. */
    async informPensionRegistration(input: { registerNumber: string }): Promise<void> {
      const e = await employerOf(input.registerNumber);
      if (e.pensionStatus !== 'pending') return;
      const answer = await guarded(() =>
        sources.pension.registerEmployer(
          {
            uscc: e.code,
            name: e.name,
            agencyDivisionCode: e.agencyCode,
            registeredDate: isoDate(e.insuredSince),
            unemploymentRegisterNumber: e.registerNumber,
          },
          callOptions(),
        ),
      );
      await record(e.registerNumber, answer.duplicate ? 'already_registered' : 'informed', answer.unitNumber);
    },
  };
}
