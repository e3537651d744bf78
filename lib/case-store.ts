/**
 * The one way a case is opened in the read model: its row in `case` (ID = case number = workflow ID) and, where the
 * type has one, its first timeline event, in the caller's transaction; the caller then writes the type's own row in
 * the same transaction (and audits it). Every case type opens through here, whether the API writes it before the
 * workflow starts or an activity writes it for a workflow already running.
 *
 *   openCase(tx, { caseNumber, caseType, status, agencyCode, at, event? })  → true when this call opened it
 *
 * `ifOpen`: 'skip' (default) leaves a case opened already alone and answers false (an activity Temporal retries, a
 * request sent again); 'fail' refuses it with the database's unique-key error (a number that must be new).
 * (POST /claims writes its case, claim and event in one statement of its own for the intake's speed:
 * lib/claim-received.ts; it writes the same rows.)
 */
import type { Prisma } from '../generated/prisma/client';
import { maskTail } from '../domain/identity';
import { audit } from './audit';
import { accountCorrectedEvent, caseEventRow, recordCaseEvent } from './case-events';
import type { Db } from './db';

export interface CaseOpening {
  caseNumber: string;
  caseType: string;
  /** The status the case starts in (its workflow's first). */
  status: string;
  agencyCode: string;
  at: Date;
  /** The first event of its timeline; its key defaults to `<case>/<type>`. */
  event?: { type: string; key?: string; actor: string; data?: unknown };
  ifOpen?: 'skip' | 'fail';
}

type Tx = Pick<Prisma.TransactionClient, 'case' | 'caseEvent'>;

/** The case's row and first event (see the module comment); true when this call opened it. */
export async function openCase(tx: Tx, c: CaseOpening): Promise<boolean> {
  const row = {
    caseNumber: c.caseNumber,
    caseType: c.caseType,
    status: c.status,
    agencyCode: c.agencyCode,
    workflowId: c.caseNumber,
    createdAt: c.at,
    updatedAt: c.at,
  };
  if (c.ifOpen === 'fail') await tx.case.create({ data: row });
  else if (!(await tx.case.createMany({ data: [row], skipDuplicates: true })).count) return false;
  if (c.event) {
    await tx.caseEvent.createMany({
      data: [
        caseEventRow({
          caseNumber: c.caseNumber,
          key: c.event.key ?? `${c.caseNumber}/${c.event.type}`,
          type: c.event.type,
          at: c.at,
          actor: c.event.actor,
          data: c.event.data,
        }),
      ],
      skipDuplicates: true,
    });
  }
  return true;
}

/** The person who applied for a case, and the account they gave (Art. 35, 39, 46, 47, 50). */
export interface CaseApplicant {
  idNumber: string;
  name: string;
  phone: string;
  bankName: string | null;
  accountNumber: string;
}

const APPLICANT = { idNumber: true, name: true, phone: true, bankName: true, accountNumber: true } as const;

/**
 * The one way to find the applicant of a case: the claimant of a benefit claim (Art. 35), whoever applied for an
 * other benefit (Art. 46, 47: the beneficiary, a survivor) or a skill subsidy (Art. 50: the employee, also when the
 * employer applied). Null for a case without one (a subsidy of an employer, a case of the agency's own).
 */
export async function applicantOf(
  db: Pick<Prisma.TransactionClient, 'benefitClaim' | 'otherBenefitClaim' | 'skillSubsidyClaim'>,
  caseNumber: string,
): Promise<CaseApplicant | null> {
  const where = { caseNumber };
  return (
    (await db.benefitClaim.findUnique({ where, select: APPLICANT })) ??
    (await db.otherBenefitClaim.findUnique({ where, select: APPLICANT })) ??
    (await db.skillSubsidyClaim.findUnique({ where, select: APPLICANT }))
  );
}

/** A corrected account (Art. 39: the 社会保障卡, else a bank account), as the clerk or the person gave it. */
export interface AccountCorrectionRecord {
  caseNumber: string;
  method: 'social_security_card' | 'bank_account';
  bankName: string | null;
  accountNumber: string;
  actor: { id: string | null; username: string };
  reason: string;
  at: string;
}

/**
 * Art. 39 发放不成功的，及时告知更正: the one account correction of every case type. The account is on the row its payment
 * reads (the claim, the other benefit's or the skill subsidy's application, the employer's refund case); the case's
 * timeline says it was corrected and the audit trail keeps the account before and after (masked). Idempotent: the
 * event is keyed by its instant, and the row takes the same account again.
 */
export async function correctAccount(db: Db, c: AccountCorrectionRecord): Promise<void> {
  const where = { caseNumber: c.caseNumber };
  const data = { paymentMethod: c.method, bankName: c.bankName, accountNumber: c.accountNumber };
  await db.$transaction(async (tx) => {
    const { caseType } = await tx.case.findUniqueOrThrow({ where, select: { caseType: true } });
    let before: { paymentMethod?: string; accountNumber: string } | null;
    let entity: string;
    if (caseType === 'benefit_claim') {
      before = await tx.benefitClaim.findUniqueOrThrow({ where });
      await tx.benefitClaim.update({ where, data });
      entity = 'benefit_claim';
    } else if (caseType === 'skill_subsidy') {
      before = await tx.skillSubsidyClaim.findUniqueOrThrow({ where });
      await tx.skillSubsidyClaim.update({ where, data });
      entity = 'skill_subsidy_claim';
    } else if (caseType === 'job_retention_refund') {
      // The employer's own account (Art. 49): a bank account.
      before = await tx.jobRetentionCase.findUniqueOrThrow({ where });
      await tx.jobRetentionCase.update({ where, data: { bankName: c.bankName, accountNumber: c.accountNumber } });
      entity = 'job_retention_case';
    } else {
      before = await tx.otherBenefitClaim.findUniqueOrThrow({ where });
      await tx.otherBenefitClaim.update({ where, data });
      entity = 'other_benefit_claim';
    }
    await recordCaseEvent(tx, accountCorrectedEvent(c));
    await audit(tx, {
      actor: c.actor,
      action: 'bank_account_corrected',
      entity,
      entityId: c.caseNumber,
      caseNumber: c.caseNumber,
      before: { method: before.paymentMethod ?? 'bank_account', account: maskTail(before.accountNumber) },
      after: { method: c.method, account: maskTail(c.accountNumber) },
      reason: c.reason,
      at: new Date(c.at),
    });
  });
}
