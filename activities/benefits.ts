/**
 * Activities of the benefit claim and the benefit period (Art. 37-44): materials, SMS notices, the stop checks before
 * each month's payment, medical insurance, the unemployment registration. (The verdict: activities/determination.ts.)
 * They take case numbers and read the person's identifiers from the read model, so no ID number or name enters
 * workflow histories.
 */
import { recordDocumentsTaken, takeHeldDocuments } from './documents';
import { ApplicationFailure } from '@temporalio/activity';
import { cityOf } from '../domain/calculators/benefit';
import { addDays, businessDateOf, endOfMonth, type IsoDate, type IsoMonth } from '../domain/calendar';
import { maskTail } from '../domain/identity';
import { messageText, type MessageKind, type MessageParams } from '../domain/messages';
import { resolveParameter } from '../domain/policy';
import type { PolicyStore } from '../lib/policy-store';
import type { SourceClients } from '../integrations/config';
import { callOptions, claimOf as claimOfCase, guarded } from './source-call';
import { recordCaseEvent } from '../lib/case-events';
import { applicantOf, correctAccount, type AccountCorrectionRecord } from '../lib/case-store';
import type { CalendarStore } from '../lib/calendar-store';
import { dbDate, isoDate, type Db } from '../lib/db';
import { ensurePeriodStop, type RecordedStop } from '../lib/period-stops';
import type { StopFoundBy } from '../contracts/recovery';

export interface BenefitActivityDeps {
  db: Db;
  sources: SourceClients;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
  calendar: CalendarStore;
}

/** A material asked of the person (Art. 37 一次性告知), with its label and the article that asks for it. */
export interface MaterialRequest {
  kind: string;
  label: string;
  article: string;
}

export interface StopFinding {
  reason: 'reemployed' | 'pension' | 'death';
  /** The day the stop takes effect for the period (Art. 42): when the condition began, or the month checked. */
  date: IsoDate;
  /** The day the condition began as the source has it (a stop lifted on objection is known by it). */
  began: IsoDate;
}

export function benefitActivities({ db, sources, policy: policies }: BenefitActivityDeps) {
  const claimOf = (caseNumber: string) => claimOfCase(db, caseNumber);

  return {
    /** Art. 37 一次性告知: every missing material at once, with the date they are due. */
    async recordMaterialsRequested(input: {
      caseNumber: string;
      materials: MaterialRequest[];
      dueDate: IsoDate;
      at: string;
    }): Promise<{ held: string[] }> {
      await db.caseMaterial.createMany({
        data: input.materials.map((m) => ({
          caseNumber: input.caseNumber,
          kind: m.kind,
          status: 'requested',
          requestedAt: new Date(input.at),
          dueDate: dbDate(input.dueDate),
          meta: { label: m.label, article: m.article },
        })),
        skipDuplicates: true,
      });
      // Art. 85: what a valid document held for the same person answers is not asked for again.
      const held = await takeHeldDocuments(db, policies, {
        caseNumber: input.caseNumber,
        kinds: input.materials.map((m) => m.kind),
        at: input.at,
      });
      return { held };
    },

    /** Art. 37: the materials supplied; `documents`: the files they were supplied with (Art. 14, 84). */
    async recordMaterialsSupplied(input: {
      caseNumber: string;
      kinds: string[];
      by: string;
      at: string;
      documents?: string[];
    }): Promise<void> {
      await db.caseMaterial.updateMany({
        where: { caseNumber: input.caseNumber, kind: { in: input.kinds } },
        data: { status: 'supplied', suppliedAt: new Date(input.at), suppliedBy: input.by },
      });
      await recordDocumentsTaken(db, { caseNumber: input.caseNumber, documents: input.documents ?? [], at: input.at });
    },

    /** An SMS to the applicant (Art. 37, 38, 42): text from the template, sent once per message ID, logged. */
    async notifyApplicant<K extends MessageKind>(input: {
      caseNumber: string;
      messageId: string;
      kind: K;
      params: MessageParams[K];
      at: string;
    }): Promise<void> {
      // The applicant: the claimant, or whoever applied for an other benefit (Art. 46, 47: the beneficiary, a survivor)
      // or a skill subsidy (Art. 50: the employee, also when the employer applied).
      const claim = await applicantOf(db, input.caseNumber);
      if (!claim)
        throw ApplicationFailure.nonRetryable(
          `case ${input.caseNumber} has no applicant in the read model`,
          'CaseNotFound',
        );
      const text = messageText(input.kind, input.params);
      await guarded(() => sources.sms.send({ messageId: input.messageId, mobile: claim.phone, text }, callOptions()));
      await db.message.createMany({
        data: [
          {
            id: input.messageId,
            caseNumber: input.caseNumber,
            kind: input.kind,
            at: new Date(input.at),
            mobileMasked: maskTail(claim.phone),
            text,
          },
        ],
        skipDuplicates: true,
      });
    },

    /** Art. 40: the beneficiary's unemployment registration, by the employment service (shared data). */
    async registerUnemployment(input: { caseNumber: string; startDate: IsoDate; endDate: IsoDate }): Promise<string> {
      const claim = await claimOf(input.caseNumber);
      const r = await guarded(() =>
        sources.employment.registerUnemployment(
          {
            requestId: `${input.caseNumber}.registration`,
            idNumber: claim.idNumber,
            name: claim.name,
            agencyDivisionCode: claim.case.agencyCode,
            benefitStartDate: input.startDate,
            benefitEndDate: input.endDate,
          },
          callOptions(),
        ),
      );
      return r.registrationNumber;
    },

    /**
     * Art. 7, 42: the month's stop check got an answer it could not read (or a refusal), so the month waits unpaid and
     * is checked again the next day. Recorded on the case and told to the agency's supervisors, once per day.
     */
    async recordMonthlyCheckUnreadable(input: {
      caseNumber: string;
      agencyCode: string;
      month: IsoMonth;
      error: string;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      const day = businessDateOf(at);
      await db.$transaction(async (tx) => {
        await recordCaseEvent(tx, {
          caseNumber: input.caseNumber,
          key: `${input.caseNumber}/monthly_check_unreadable/${input.month}/${day}`,
          type: 'monthly_check_unreadable',
          at,
          actor: 'system',
          data: { month: input.month, error: input.error, article: 'Art. 42' },
        });
        await tx.notification.createMany({
          data: [
            {
              eventKey: `${input.caseNumber}/monthly_check_unreadable/${input.month}/${day}`,
              at,
              agencyCode: input.agencyCode,
              role: 'supervisor',
              kind: 'source_unreadable',
              caseNumber: input.caseNumber,
              message: `${input.caseNumber} ${input.month} 月的领取资格核查无法读取数据来源的答复，本月待遇暂缓发放，次日重新核查（${input.error.slice(0, 120)}）`,
            },
          ],
          skipDuplicates: true,
        });
      });
    },

    async openBenefitPeriod(input: {
      periodId: string;
      caseNumber: string;
      agencyCode: string;
      startDate: IsoDate;
      endDate: IsoDate;
      months: number;
      monthlyAmountFen: number;
      /** Art. 38: the eligible determination version the period pays (required by the read model's trigger). */
      determinationVersion?: number;
      at: string;
      /** Art. 42: `city` when the months after the first are checked by the city's monthly comparison. */
      monthlyCheck?: 'city';
    }): Promise<void> {
      const at = new Date(input.at);
      // A period resumed on objection (Art. 13) keeps its row and joins the city's comparison.
      if (input.monthlyCheck) {
        await db.benefitPeriod.updateMany({
          where: { id: input.periodId },
          data: { monthlyCheck: input.monthlyCheck },
        });
      }
      // A period resumed on objection keeps its row; a new one is written (the read model checks it pays an eligible,
      // unrevoked determination: a trigger, Art. 38).
      if (await db.benefitPeriod.findUnique({ where: { id: input.periodId }, select: { id: true } })) return;
      await db.benefitPeriod.createMany({
        data: [
          {
            id: input.periodId,
            caseNumber: input.caseNumber,
            agencyCode: input.agencyCode,
            status: 'active',
            startDate: dbDate(input.startDate),
            endDate: dbDate(input.endDate),
            months: input.months,
            monthlyAmountFen: input.monthlyAmountFen,
            determinationVersion: input.determinationVersion ?? null,
            ...(input.monthlyCheck ? { monthlyCheck: input.monthlyCheck } : {}),
            createdAt: at,
            updatedAt: at,
          },
        ],
        skipDuplicates: true,
      });
    },

    async recordPeriodProgress(input: {
      periodId: string;
      status: 'active' | 'stopped' | 'completed';
      /** Absent: as the row has it (the city's settlement counts the paid months of the periods it checks). */
      paidMonths?: number;
      stop?: { reason: string; date: IsoDate; foundBy?: StopFoundBy };
      at: string;
    }): Promise<RecordedStop | null> {
      const at = new Date(input.at);
      return db.$transaction(async (tx) => {
        const period = await tx.benefitPeriod.update({
          where: { id: input.periodId },
          data: {
            status: input.status,
            ...(input.paidMonths === undefined ? {} : { paidMonths: input.paidMonths }),
            ...(input.stop ? { stopReason: input.stop.reason, stopDate: dbDate(input.stop.date) } : {}),
            updatedAt: at,
          },
        });
        if (input.status !== 'stopped' || !input.stop) return null;
        // Art. 42: the stop recorded with who found it, numbered, on the case's timeline (once per stop).
        return ensurePeriodStop(tx, {
          periodId: period.id,
          caseNumber: period.caseNumber,
          reason: input.stop.reason,
          date: input.stop.date,
          foundBy: input.stop.foundBy ?? { kind: 'unrecorded' },
          at,
        });
      });
    },

    /**
     * Art. 42: before paying a month, whether a stop condition has begun by the end of that month: new employment,
     * a basic pension, death (emigration, enlistment and imprisonment come by report).
     */
    async checkStopConditions(input: {
      caseNumber: string;
      month: IsoMonth;
      since: IsoDate;
    }): Promise<StopFinding | null> {
      const claim = await claimOf(input.caseNumber);
      const answers = await guarded(() => stopSourceAnswers(sources, claim.idNumber, callOptions()));
      return stopFindingOf(answers, isoDate(claim.separationDate), input.month, input.since);
    },

    /** Art. 44: the month's medical-insurance premium the fund pays, from the parameters in force for the city. */
    async medicalPremiumFor(input: { agencyCode: string; month: IsoMonth }): Promise<number> {
      return resolveParameter(await policies.current(), 'medicalPremium', cityOf(input.agencyCode), `${input.month}-01`)
        .value.monthlyFen;
    },

    /**
     * Art. 44: into the beneficiaries' medical insurance at the start of the period, out at its end or stop. A period
     * whose stop an objection lifted (Art. 13, 42 para 2) is enrolled again from the day after its cover ended, so the
     * cover runs on without a gap and ends once, with the period (the medical agency keeps one enrolment per person).
     */
    async enrolMedical(input: { caseNumber: string; startDate: IsoDate; endDate: IsoDate }): Promise<void> {
      const claim = await claimOf(input.caseNumber);
      const enrol = (startDate: IsoDate) =>
        guarded(() =>
          sources.medical.enrol(
            {
              idNumber: claim.idNumber,
              name: claim.name,
              agencyDivisionCode: claim.case.agencyCode,
              startDate,
              expectedEndDate: input.endDate,
            },
            callOptions(),
          ),
        );
      const held = await enrol(input.startDate).catch(async (err: unknown) => {
        // Enrolled again already from a later day (a retry of a resumed period's opening): nothing to do.
        const now = await guarded(() => sources.medical.getBeneficiary(claim.idNumber, callOptions()));
        if (now?.status === 'enrolled' && now.startDate > input.startDate && now.startDate <= input.endDate) return now;
        throw err;
      });
      // The period's first enrolment answered as it stands: ended by the stop now lifted.
      if (held.status === 'left' && held.endDate !== null && held.endDate < input.endDate) {
        await enrol(addDays(held.endDate, 1));
      }
    },

    async leaveMedical(input: {
      caseNumber: string;
      endDate: IsoDate;
      reason: 'benefit_ended' | 'benefit_stopped' | 'deceased';
    }): Promise<void> {
      const claim = await claimOf(input.caseNumber);
      await guarded(() =>
        sources.medical.leave(
          { idNumber: claim.idNumber, endDate: input.endDate, reason: input.reason },
          callOptions(),
        ),
      );
    },

    /** Art. 39: a corrected social security card or bank account, from a clerk or the person's channel (audited). */
    async updateBankAccount(input: AccountCorrectionRecord): Promise<void> {
      await correctAccount(db, input);
    },
  };
}

/** The three answers the monthly check reads (Art. 42): new employment, a basic pension, death. */
export async function stopSourceAnswers(sources: SourceClients, idNumber: string, options: { signal?: AbortSignal }) {
  const [employment, pension, death] = await Promise.all([
    sources.employment.getEmploymentStatus(idNumber, options),
    sources.pension.getPensionReceipt(idNumber, options),
    sources.civil.getDeath(idNumber, options),
  ]);
  return { employment, pension, death };
}

/**
 * Art. 42: the earliest stop condition begun by the end of `month` (employment after the separation, a pension, death),
 * dated no earlier than `since` (the first day the month's check looks from), or null. Pure: shared by the period's
 * own check and the city's monthly comparison (activities/monthly-check.ts).
 */
export function stopFindingOf(
  { employment, pension, death }: Awaited<ReturnType<typeof stopSourceAnswers>>,
  separationDate: IsoDate,
  month: IsoMonth,
  since: IsoDate,
): StopFinding | null {
  const monthEnd = endOfMonth(month);
  const found: StopFinding[] = [];
  if (
    employment.employed &&
    employment.startDate &&
    employment.startDate > separationDate &&
    employment.startDate <= monthEnd
  ) {
    found.push({
      reason: 'reemployed',
      date: employment.startDate < since ? since : employment.startDate,
      began: employment.startDate,
    });
  }
  if (pension.receivesPension && pension.startDate && pension.startDate <= monthEnd) {
    found.push({
      reason: 'pension',
      date: pension.startDate < since ? since : pension.startDate,
      began: pension.startDate,
    });
  }
  if (death.deceased && death.dateOfDeath && death.dateOfDeath <= monthEnd) {
    found.push({
      reason: 'death',
      date: death.dateOfDeath < since ? since : death.dateOfDeath,
      began: death.dateOfDeath,
    });
  }
  return found.sort((a, b) => (a.date < b.date ? -1 : 1))[0] ?? null;
}
