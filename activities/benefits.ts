/**
 * Activities of the benefit claim and the benefit period (Art. 34-44): the acceptance checks against the shared data
 * sources, the determination by the calculators (kept with its explanation), materials, SMS notices, the stop checks
 * before each month's payment, medical insurance, the unemployment registration. They take case numbers and read the
 * person's identifiers from the read model, so no ID number or name enters workflow histories.
 */
import { assessEligibility, type ContributionRecord as CalcContribution } from '../domain/calculators/eligibility';
import { cityOf, determineBenefit } from '../domain/calculators/benefit';
import { addDays, addMonths, businessDateOf, endOfMonth, type IsoDate, type IsoMonth } from '../domain/calendar';
import { maskTail } from '../domain/identity';
import { messageText, STOP_REASON_LABELS, type MessageKind, type MessageParams } from '../domain/messages';
import { resolveParameter } from '../domain/policy';
import type { PolicyStore } from '../lib/policy-store';
import { SEPARATION_REASON_LABELS, type SeparationReason } from '../domain/separation';
import type { SourceClients } from '../integrations/config';
import { callOptions, claimOf as claimOfCase, guarded } from './source-call';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import type { CalendarStore } from '../lib/calendar-store';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';

export interface BenefitActivityDeps {
  db: Db;
  sources: SourceClients;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
  calendar: CalendarStore;
}

export interface Reason {
  code: string;
  message: string;
  article: string;
}

export interface MaterialRequest {
  kind: string;
  label: string;
  article: string;
}

/** What the automatic acceptance check found (Art. 37): no personal data. */
export interface AcceptanceAssessment {
  outcome: 'acceptable' | 'refused' | 'materials_needed' | 'arrears';
  /** Every reason not to accept (Art. 11: 明确告知不通过原因). */
  reasons: Reason[];
  /** Every missing material, for one notice (一次性告知). */
  materials: MaterialRequest[];
  /** Months owed by the employer for the person (Art. 41), not waived. */
  arrearsMonths: IsoMonth[];
  /** Art. 38 para 3: the source has no separation reason; the person's declaration stands in (flagged for audit). */
  selfDeclaredSeparation: boolean;
  /** The separation needs a person's review: self-declared, or a reason the rules leave to a clerk ('other'). */
  reviewSeparation: boolean;
  contributionMonths: number;
}

export interface DeterminationResult {
  version: number;
  months: number;
  monthlyAmountFen: number;
  totalFen: number;
  startDate: IsoDate;
  endDate: IsoDate;
  /** Art. 65: at or above the large-payment threshold (three review levels). */
  largePayment: boolean;
  selfDeclared: boolean;
}

export interface StopFinding {
  reason: 'reemployed' | 'pension' | 'death';
  /** The day the stop takes effect for the period (Art. 42): when the condition began, or the month checked. */
  date: IsoDate;
  /** The day the condition began as the source has it (a stop lifted on objection is known by it). */
  began: IsoDate;
}

const MATERIAL_LABELS: Record<string, string> = {
  hukou_certificate: '户籍所在地证明材料',
  identity_verification: '本人有效身份证件（经办窗口核验）',
  deemed_contribution_proof: '视同缴费年限证明材料',
};

export function benefitActivities({ db, sources, policy: policies }: BenefitActivityDeps) {
  const claimOf = (caseNumber: string) => claimOfCase(db, caseNumber);

  /** The person's contribution months as the calculators count them: paid months and months in arrears. */
  async function contributionsOf(idNumber: string): Promise<{ records: CalcContribution[]; arrears: IsoMonth[] }> {
    const [paid, owed] = await Promise.all([
      guarded(() => sources.tax.getPersonContributions(idNumber, {}, callOptions())),
      guarded(() => sources.tax.getPersonArrears(idNumber, callOptions())),
    ]);
    const records: CalcContribution[] = [
      ...paid.records.map((r) => ({
        employerUscc: r.employerUscc,
        month: r.month,
        status: 'paid' as const,
        amountFen: r.amountPaidFen,
      })),
      ...owed.records.map((r) => ({ employerUscc: r.employerUscc, month: r.month, status: 'arrears' as const })),
    ];
    return { records, arrears: [...new Set(owed.records.map((r) => r.month))].sort() };
  }

  return {
    /**
     * Art. 37: the automatic acceptance check from the shared data (Art. 7): identity and hukou (Art. 35), the
     * paying locality, cumulative contributions (Art. 34, 32), the separation reason (Art. 21, 38), a basic pension,
     * benefits already being received, arrears (Art. 41).
     */
    async assessAcceptance(input: {
      caseNumber: string;
      asOf: IsoDate;
      waivedMonths: IsoMonth[];
      suppliedMaterials: string[];
    }): Promise<AcceptanceAssessment> {
      const claim = await claimOf(input.caseNumber);
      const reasons: Reason[] = [];
      const materials: MaterialRequest[] = [];
      const ask = (kind: string, article: string) => {
        if (!input.suppliedMaterials.includes(kind))
          materials.push({ kind, label: MATERIAL_LABELS[kind] ?? kind, article });
      };
      const agencyCity = cityOf(claim.case.agencyCode);

      // Identity and hukou (Art. 35, 37; Art. 96).
      const identity = await guarded(() =>
        sources.hukou.checkIdentity({ idNumber: claim.idNumber, name: claim.name }, callOptions()),
      );
      if (identity.result === 'name_mismatch') {
        reasons.push({ code: 'identity_mismatch', message: '姓名与身份证件号码不符', article: 'Art. 37' });
      } else if (identity.result === 'not_found') {
        // The source has nothing: the person shows their identity document at a window, and hukou proof for the hukou
        // basis. Until the identity is verified nothing else is judged on it: the materials come first (Art. 37).
        ask('identity_verification', 'Art. 35');
        if (claim.payingLocalityBasis === 'hukou') ask('hukou_certificate', 'Art. 35');
        if (materials.length) {
          return {
            outcome: 'materials_needed',
            reasons: [],
            materials,
            arrearsMonths: [],
            selfDeclaredSeparation: false,
            reviewSeparation: false,
            contributionMonths: 0,
          };
        }
      } else if (identity.registrationStatus === 'cancelled') {
        reasons.push({ code: 'hukou_cancelled', message: '户籍已注销', article: 'Art. 37' });
      } else if (claim.payingLocalityBasis === 'hukou' && cityOf(identity.hukouDivisionCode) !== agencyCity) {
        reasons.push({
          code: 'not_hukou_locality',
          message: '选择在户籍所在地领取，但户籍不在该市',
          article: 'Art. 35',
        });
      }

      // Employment, contributions, arrears (Art. 21, 24, 32, 34, 41).
      const [{ records, arrears }, employments, pension] = await Promise.all([
        contributionsOf(claim.idNumber),
        guarded(() => sources.tax.getPersonEmployments(claim.idNumber, callOptions())),
        guarded(() => sources.pension.getPensionReceipt(claim.idNumber, callOptions())),
      ]);
      const separationDate = isoDate(claim.separationDate);
      const spell =
        employments.employments.find((e) => e.endDate === separationDate) ??
        [...employments.employments]
          .filter((e) => e.endDate !== null)
          .sort((a, b) => (a.endDate! < b.endDate! ? 1 : -1))[0];
      const recorded = spell?.separationReason ?? null;
      const selfDeclaredSeparation = recorded === null;
      const separationReason = (recorded ?? claim.separationReason) as SeparationReason;

      if (claim.payingLocalityBasis === 'last_insured' && spell) {
        const employer = await guarded(() => sources.tax.getEmployer(spell.employerUscc, callOptions()));
        if (employer && cityOf(employer.agencyDivisionCode) !== agencyCity) {
          reasons.push({
            code: 'not_last_insured_locality',
            message: '选择在最后参保地领取，但最后参保地不在该市',
            article: 'Art. 35',
          });
        }
      }
      if (await hasActivePeriod(db, claim.idNumber, input.caseNumber)) {
        reasons.push({ code: 'already_receiving', message: '正在领取失业保险金', article: 'Art. 37' });
      }

      const { result } = assessEligibility(
        {
          contributions: records,
          waivedArrearsMonths: input.waivedMonths,
          separationReason,
          separationDate,
          receivesBasicPension: pension.receivesPension,
        },
        await policies.current(),
        input.asOf,
      );
      if (result.reasons.includes('insufficient_contributions')) {
        reasons.push({
          code: 'insufficient_contributions',
          message: `累计缴费${result.totalMonths}个月，不满${result.minContributionMonths}个月`,
          article: 'Art. 34',
        });
      }
      if (result.reasons.includes('voluntary_separation')) {
        reasons.push({
          code: 'voluntary_separation',
          message: `因本人意愿中断就业（${SEPARATION_REASON_LABELS[separationReason]}）`,
          article: 'Art. 34',
        });
      }
      if (result.reasons.includes('receives_basic_pension')) {
        reasons.push({ code: 'receives_pension', message: '已领取基本养老保险待遇', article: 'Art. 38' });
      }
      const arrearsMonths = arrears.filter(
        (m) => !input.waivedMonths.includes(m) && result.unresolvedArrearsMonths.includes(m),
      );
      const outcome = reasons.length
        ? 'refused'
        : materials.length
          ? 'materials_needed'
          : arrearsMonths.length
            ? 'arrears'
            : 'acceptable';
      return {
        outcome,
        reasons,
        materials,
        arrearsMonths,
        selfDeclaredSeparation,
        reviewSeparation: selfDeclaredSeparation || result.separation === 'needs_review',
        contributionMonths: result.totalMonths,
      };
    },

    /**
     * Art. 38: period and monthly amount by the calculators in force on the determination date; the explanation is
     * kept on the case (table determination, one version per calculation).
     */
    async determineClaim(input: {
      caseNumber: string;
      version: number;
      reason: 'initial' | 'correction';
      determinationDate: IsoDate;
      /** The day benefits start: the day the application was received (Asia/Shanghai). */
      startDate: IsoDate;
      waivedMonths: IsoMonth[];
      selfDeclared: boolean;
      deemedContributionMonths?: number;
      createdBy: string;
    }): Promise<DeterminationResult> {
      const claim = await claimOf(input.caseNumber);
      const { records } = await contributionsOf(claim.idNumber);
      // One read of the parameters for the whole determination (an entry added meanwhile does not mix in).
      const policy = await policies.current();
      const eligibility = assessEligibility(
        {
          contributions: records,
          waivedArrearsMonths: input.waivedMonths,
          separationReason: claim.separationReason as SeparationReason,
          separationDate: isoDate(claim.separationDate),
          ...(input.deemedContributionMonths ? { deemedContributionMonths: input.deemedContributionMonths } : {}),
        },
        policy,
        input.determinationDate,
      );
      const benefit = determineBenefit(
        { contributionMonths: eligibility.result.totalMonths, payingLocality: claim.case.agencyCode },
        policy,
        input.determinationDate,
      );
      const months = benefit.result.periodMonths;
      const endDate = addDays(addMonths(input.startDate, months), -1);
      const threshold = resolveParameter(policy, 'reviewThreshold', '210000', input.determinationDate).value
        .largePaymentFen;
      const result: DeterminationResult = {
        version: input.version,
        months,
        monthlyAmountFen: benefit.result.monthlyAmountFen,
        totalFen: benefit.result.totalAmountFen,
        startDate: input.startDate,
        endDate,
        largePayment: benefit.result.totalAmountFen >= threshold,
        selfDeclared: input.selfDeclared,
      };
      await db.determination.createMany({
        data: [
          {
            caseNumber: input.caseNumber,
            version: input.version,
            reason: input.reason,
            determinedOn: dbDate(input.determinationDate),
            contributionMonths: eligibility.result.totalMonths,
            months,
            monthlyAmountFen: result.monthlyAmountFen,
            totalFen: result.totalFen,
            startDate: dbDate(input.startDate),
            endDate: dbDate(endDate),
            selfDeclared: input.selfDeclared,
            waivedMonths: input.waivedMonths,
            explanation: asJson([...eligibility.explanation, ...benefit.explanation]),
            createdAt: new Date(),
            createdBy: input.createdBy,
          },
        ],
        skipDuplicates: true,
      });
      return result;
    },

    /** Art. 37 一次性告知: every missing material at once, with the date they are due. */
    async recordMaterialsRequested(input: {
      caseNumber: string;
      materials: MaterialRequest[];
      dueDate: IsoDate;
      at: string;
    }): Promise<void> {
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
    },

    async recordMaterialsSupplied(input: {
      caseNumber: string;
      kinds: string[];
      by: string;
      at: string;
    }): Promise<void> {
      await db.caseMaterial.updateMany({
        where: { caseNumber: input.caseNumber, kind: { in: input.kinds } },
        data: { status: 'supplied', suppliedAt: new Date(input.at), suppliedBy: input.by },
      });
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
      const claim =
        (await db.otherBenefitClaim.findUnique({ where: { caseNumber: input.caseNumber }, select: { phone: true } })) ??
        (await db.skillSubsidyClaim.findUnique({ where: { caseNumber: input.caseNumber }, select: { phone: true } })) ??
        (await claimOf(input.caseNumber));
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
      stop?: { reason: string; date: IsoDate };
      at: string;
    }): Promise<void> {
      const period = await db.benefitPeriod.update({
        where: { id: input.periodId },
        data: {
          status: input.status,
          ...(input.paidMonths === undefined ? {} : { paidMonths: input.paidMonths }),
          ...(input.stop ? { stopReason: input.stop.reason, stopDate: dbDate(input.stop.date) } : {}),
          updatedAt: new Date(input.at),
        },
      });
      if (input.status === 'stopped' && input.stop) {
        // Art. 42: the stop on the case's timeline, whoever found it (once per stop).
        await recordCaseEvent(db, {
          caseNumber: period.caseNumber,
          key: `${period.caseNumber}/benefit_stopped/${input.stop.reason}/${input.stop.date}`,
          type: 'benefit_stopped',
          at: new Date(input.at),
          actor: 'system',
          data: {
            reason: input.stop.reason,
            label: STOP_REASON_LABELS[input.stop.reason] ?? input.stop.reason,
            date: input.stop.date,
            article: 'Art. 42',
          },
        });
      }
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

    /** Art. 44: into the beneficiaries' medical insurance at the start of the period, out at its end or stop. */
    async enrolMedical(input: { caseNumber: string; startDate: IsoDate; endDate: IsoDate }): Promise<void> {
      const claim = await claimOf(input.caseNumber);
      await guarded(() =>
        sources.medical.enrol(
          {
            idNumber: claim.idNumber,
            name: claim.name,
            agencyDivisionCode: claim.case.agencyCode,
            startDate: input.startDate,
            expectedEndDate: input.endDate,
          },
          callOptions(),
        ),
      );
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
    async updateBankAccount(input: {
      caseNumber: string;
      method: 'social_security_card' | 'bank_account';
      bankName: string | null;
      accountNumber: string;
      actor: { id: string | null; username: string };
      reason: string;
      at: string;
    }): Promise<void> {
      await db.$transaction(async (tx) => {
        const before = await tx.benefitClaim.findUniqueOrThrow({ where: { caseNumber: input.caseNumber } });
        await tx.benefitClaim.update({
          where: { caseNumber: input.caseNumber },
          data: { paymentMethod: input.method, bankName: input.bankName, accountNumber: input.accountNumber },
        });
        await audit(tx, {
          actor: input.actor,
          action: 'bank_account_corrected',
          entity: 'benefit_claim',
          entityId: input.caseNumber,
          caseNumber: input.caseNumber,
          before: { method: before.paymentMethod, account: maskTail(before.accountNumber) },
          after: { method: input.method, account: maskTail(input.accountNumber) },
          reason: input.reason,
          at: new Date(input.at),
        });
      });
    },
  };
}

/** Whether the person has an active benefit period from another case. */
async function hasActivePeriod(db: Db, idNumber: string, caseNumber: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM benefit_period p JOIN benefit_claim c ON c.case_number = p.case_number
    WHERE p.status = 'active' AND c.id_number = ${idNumber} AND p.case_number <> ${caseNumber}`;
  return (rows[0]?.n ?? 0) > 0;
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
