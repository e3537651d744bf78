/**
 * The register's activities. Art. 15: the pension registration consulted and informed for a new employer. Art. 17 para
 * 1: the steps of a reviewed change, and the change applied. Each takes the register or case number and reads the rest
 * from the read model, so no item of the register enters a workflow history; each is idempotent (a step already
 * recorded is not recorded again, the source's registration is idempotent by USCC).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { SourceClients } from '../integrations/config';
import type { Db } from '../lib/db';
import { asJson, isoDate } from '../lib/db';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import type { Prisma } from '../generated/prisma/client';
import { callOptions, guarded } from './source-call';
import { SourceError } from '../integrations/errors';
import { reviewedItemsOf } from '../domain/register/items';

export interface RegisterActivityDeps {
  db: Db;
  sources: Pick<SourceClients, 'pension'>;
}

const SYSTEM = '系统';

export type EmployerChangeStatus = 'awaiting_review' | 'applied' | 'rejected' | 'conflict' | 'cancelled';
type Person = { userId: string; username: string };

/** The requested values of a reviewed change (Art. 17 para 1), as the API stored them. */
interface RequestedChange {
  name?: string;
  code?: string;
  bankAccount?: { bankName: string; bankCode: string; accountName: string; accountNumber: string };
}

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

  /**
   * Art. 15: the employer as it stands now told to the pension registration, once per notice; recorded in the history.
   * An employer the pension side does not know (its coordination never ended) has nothing to be told there.
   */
  async function tellPension(registerNumber: string, noticeId: string, previousCode?: string): Promise<boolean> {
    const e = await employerOf(registerNumber);
    const told = await guarded(() =>
      sources.pension
        .updateEmployer(
          {
            noticeId,
            uscc: previousCode ?? e.code,
            ...(previousCode && previousCode !== e.code ? { newUscc: e.code } : {}),
            name: e.name,
            status: e.status as 'insured' | 'deregistered',
            ...(e.endedOn ? { endedOn: isoDate(e.endedOn) } : {}),
          },
          callOptions(),
        )
        .catch((err: unknown) => {
          if (err instanceof SourceError && err.code === 'not_registered') return null;
          throw err;
        }),
    );
    if (!told || told.duplicate) return told !== null;
    await db.employerChange.create({
      data: {
        registerNumber,
        at: new Date(),
        kind: 'pension_informed',
        article: '15',
        actorId: null,
        actorName: SYSTEM,
        fields: ['pension'],
        after: { noticeId, status: e.status },
      },
    });
    return true;
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

    /** Art. 17 para 1: a step of a reviewed change (requested, rejected with the reasons, cancelled), audited. */
    async recordEmployerChangeStep(input: {
      caseNumber: string;
      status: EmployerChangeStatus;
      event: string;
      by?: Person;
      reasons?: string[];
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const key = `${input.caseNumber}/${input.event}`;
        if (await tx.caseEvent.findUnique({ where: { eventKey: key } })) return; // a retried activity
        const r = await tx.employerChangeRequest.update({
          where: { caseNumber: input.caseNumber },
          data: {
            status: input.status,
            ...(input.by ? { reviewedBy: input.by.username, decidedAt: at } : {}),
            ...(input.reasons ? { reasons: input.reasons } : {}),
          },
        });
        await tx.case.updateMany({
          where: { caseNumber: input.caseNumber },
          data: { status: input.status, updatedAt: at },
        });
        const actor = input.by ?? { userId: r.requestedById, username: r.requestedBy };
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key,
          type: input.event,
          at,
          actor: actor.username,
          data: {
            registerNumber: r.registerNumber,
            items: r.items,
            ...(input.reasons ? { reasons: input.reasons } : {}),
          },
        });
        await audit(tx, {
          actor: { id: actor.userId, username: actor.username },
          action: input.event,
          entity: 'employer',
          entityId: r.registerNumber,
          caseNumber: input.caseNumber,
          after: { status: input.status, items: r.items, ...(input.reasons ? { reasons: input.reasons } : {}) },
          ...(input.reasons ? { reason: input.reasons.join('; ') } : {}),
          at,
        });
      });
    },

    /**
     * Art. 17 para 1: the reviewed change applied to the register, with its history row, case event and audit entry,
     * in one transaction. A new USCC another employer registered meanwhile: nothing changes, the case ends in
     * `conflict`. Idempotent: a decided request answers its status.
     */
    async applyEmployerChange(input: { caseNumber: string; by: Person; at: string }): Promise<EmployerChangeStatus> {
      const at = new Date(input.at);
      return db.$transaction(async (tx) => {
        const r = await tx.employerChangeRequest.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        if (r.status !== 'awaiting_review') return r.status as EmployerChangeStatus;
        await tx.$queryRaw`SELECT 1 FROM employer WHERE register_number = ${r.registerNumber} FOR UPDATE`;
        const e = await tx.employer.findUniqueOrThrow({ where: { registerNumber: r.registerNumber } });
        const want = r.requested as RequestedChange;
        const taken =
          want.code !== undefined &&
          (await tx.employer.findFirst({
            where: { codeType: 'uscc', code: want.code, NOT: { registerNumber: e.registerNumber } },
            select: { registerNumber: true },
          }));
        const status: EmployerChangeStatus = taken ? 'conflict' : 'applied';
        const was = reviewedItemsOf(e);
        const before = Object.fromEntries(r.items.map((k) => [k, was[k as keyof typeof was]]));
        const after = Object.fromEntries(r.items.map((k) => [k, want[k as keyof RequestedChange]]));
        if (status === 'applied') {
          const data: Prisma.EmployerUpdateInput = { updatedAt: at };
          if (want.name !== undefined) data.name = want.name;
          if (want.code !== undefined) data.code = want.code;
          if (want.bankAccount) {
            data.bankName = want.bankAccount.bankName;
            data.bankCode = want.bankAccount.bankCode;
            data.bankAccountName = want.bankAccount.accountName;
            data.bankAccountNumber = want.bankAccount.accountNumber;
          }
          await tx.employer.update({ where: { registerNumber: e.registerNumber }, data });
          await tx.employerChange.create({
            data: {
              registerNumber: e.registerNumber,
              at,
              kind: 'changed',
              article: '17.1',
              actorId: input.by.userId,
              actorName: input.by.username,
              fields: r.items,
              before: asJson(before),
              after: asJson({ ...after, caseNumber: r.caseNumber }),
            },
          });
        }
        await tx.employerChangeRequest.update({
          where: { caseNumber: r.caseNumber },
          data: { status, reviewedBy: input.by.username, decidedAt: at },
        });
        await tx.case.updateMany({ where: { caseNumber: r.caseNumber }, data: { status, updatedAt: at } });
        await recordCaseEvent(tx, {
          caseNumber: r.caseNumber,
          key: `${r.caseNumber}/employer_change_${status}`,
          type: status === 'applied' ? 'employer_change_applied' : 'employer_change_conflict',
          at,
          actor: input.by.username,
          data: { registerNumber: r.registerNumber, items: r.items },
        });
        await audit(tx, {
          actor: { id: input.by.userId, username: input.by.username },
          action: status === 'applied' ? 'employer.change' : 'employer.change_conflict',
          entity: 'employer',
          entityId: r.registerNumber,
          caseNumber: r.caseNumber,
          before,
          after,
          reason: '第十七条第一款：经办机构审核变更材料后确认变更',
          at,
        });
        return status;
      });
    },

    /** Art. 15, 18: the deregistration told to the pension registration. */
    async informPensionOfDeregistration(input: { registerNumber: string }): Promise<{ told: boolean }> {
      return { told: await tellPension(input.registerNumber, `${input.registerNumber}.deregistered`) };
    },

    /** Art. 15, 17 para 1: an applied change of the name, USCC or bank account told to the pension registration. */
    async informPensionOfChange(input: { caseNumber: string }): Promise<{ told: boolean }> {
      const r = await db.employerChangeRequest.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
      // The USCC the pension side knows the employer by: the one before this change replaced it.
      const [row] = await db.$queryRaw<{ code: string | null }[]>`
        SELECT before->>'code' AS code FROM employer_change
        WHERE register_number = ${r.registerNumber} AND kind = 'changed' AND after->>'caseNumber' = ${r.caseNumber}`;
      return { told: await tellPension(r.registerNumber, input.caseNumber, row?.code ?? undefined) };
    },
  };
}
