/**
 * Activities of the other benefits of a benefit period (Art. 46, 47): the assessment from the shared data and the
 * payment ledger, by the calculators (kept with the explanation on the case), and the survivors' amounts a clerk sets
 * while the standard is not in the policy data. They take case numbers; the applicant's and the beneficiary's
 * identifiers are read here from the read model, never carried in workflow histories (Art. 30).
 */
import { correctAccount, type AccountCorrectionRecord } from '../lib/case-store';
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { Prisma } from '../generated/prisma/client';
import { calculateChildbirthSubsidy } from '../domain/calculators/childbirth-subsidy';
import { calculateSurvivorBenefits } from '../domain/calculators/survivor-benefits';
import { addMonthsToMonth, monthOf, type IsoDate } from '../domain/calendar';
import { residentIdSex } from '../domain/identity';
import type { ExplanationStep } from '../domain/explanation';
import type { PolicyStore } from '../lib/policy-store';
import type { SourceClients } from '../integrations/config';
import { audit } from '../lib/audit';
import { recordCaseEvent } from '../lib/case-events';
import { asJson, isoDate, type Db } from '../lib/db';
import type { PayableKind } from './payments';
import { callOptions, claimOf, guarded } from './source-call';

export interface OtherBenefitDeps {
  db: Db;
  sources: SourceClients;
  /** The parameters in force (files and added entries), read when an activity runs. */
  policy: PolicyStore;
}

export type OtherBenefitKind = 'childbirth_subsidy' | 'survivor_benefits';

/** What the benefit is called in notices. */
export const OTHER_BENEFIT_LABELS: Record<OtherBenefitKind, string> = {
  childbirth_subsidy: '医疗补助金',
  survivor_benefits: '丧葬补助金和抚恤金',
};

/** The materials each benefit needs (Art. 46, 47), by the key the application and the supply form use. */
export const OTHER_BENEFIT_MATERIALS = {
  childbirth_subsidy: {
    birthRegistration: '生育登记单',
    medicalBirthCertificate: '医学出生证明',
    hospitalBills: '住院费用票据',
  },
  survivor_benefits: {
    survivorIdentity: '遗属身份证件',
    deathCertificate: '失业人员死亡证明',
    relationshipProof: '遗属与失业人员关系证明',
  },
} as const satisfies Record<OtherBenefitKind, Record<string, string>>;

export interface OtherBenefitAssessment {
  status: 'eligible' | 'ineligible' | 'materials_missing' | 'amounts_unknown';
  reasons: { code: string; message: string; article: string }[];
  missingMaterials: { kind: string; label: string; article: string }[];
  /** What is due, by ledger kind; for survivors with amounts_unknown only what is known (the month of death). */
  amounts: { kind: PayableKind; amountFen: number }[];
  benefit: string;
  /**
   * Art. 42 立即停止: the beneficiary's death within their running benefit period, which the case passes on to the
   * period (`<claim>.P`): at once when civil affairs has it (`confirmed`), else when a reviewer approves the claim on
   * the certificate presented.
   */
  death?: { periodId: string; benefitCaseNumber: string; date: IsoDate; confirmed: boolean };
}

/** A case in these statuses no longer holds its event: a later rightful claim for it may be granted (Art. 46, 47). */
export const EVENT_RELEASED_STATUSES = ['refused', 'closed', 'cancelled', 'withdrawn'] as const;

/**
 * Art. 46, 47: a one-time benefit is granted once per event. A birth is the woman (her identity number, whatever the
 * document it is on) and the day; a death is the deceased, who dies once, whatever date a survivor states. Kept as a
 * digest: the key carries no identity number.
 */
export function oneTimeEventKey(kind: OtherBenefitKind, personIdNumber: string, eventDate: IsoDate): string {
  const person = personIdNumber.trim().toUpperCase();
  const event = kind === 'childbirth_subsidy' ? `birth\n${person}\n${eventDate}` : `death\n${person}`;
  return createHash('sha256').update(event, 'utf8').digest('hex');
}

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

const REASON_TEXT: Record<string, string> = {
  not_female: '申领人不是女失业人员',
  birth_outside_benefit_period: '生育不在领取失业保险金期间',
  outside_family_planning_policy: '生育不符合国家计划生育政策',
  death_outside_benefit_period: '失业人员死亡不在领取失业保险金期间',
  other_scheme_chosen: '遗属已选择领取基本养老保险或工伤保险的丧葬补助金和抚恤金',
  paid_by_other_scheme: '基本养老保险或工伤保险已发放丧葬补助金和抚恤金',
  no_benefit_period: '没有失业保险金领取期',
};

/** Art. 46, 47: the event was claimed by an earlier case, named in the reason. */
const ALREADY_CLAIMED: Record<OtherBenefitKind, (earlier: string) => string> = {
  childbirth_subsidy: (earlier) => `同一次生育已申领医疗补助金（${earlier}），不重复核发`,
  survivor_benefits: (earlier) => `该失业人员死亡已由遗属申领丧葬补助金和抚恤金（${earlier}），不重复核发`,
};

/** Documents whose number is the citizen identity number (GB 11643), which says the sex (Art. 96). */
const GB11643_DOCUMENTS = ['resident_id_card', 'social_security_card'];

export function otherBenefitActivities({ db, sources, policy: policies }: OtherBenefitDeps) {
  async function applicationOf(caseNumber: string) {
    const app = await db.otherBenefitClaim.findUnique({ where: { caseNumber } });
    if (!app) throw ApplicationFailure.nonRetryable(`case ${caseNumber} has no application`, 'CaseNotFound');
    return app;
  }

  /** Materials presented with the application, or supplied later on the notice (case_material). */
  async function presented(caseNumber: string, given: unknown): Promise<Set<string>> {
    const supplied = await db.caseMaterial.findMany({
      where: { caseNumber, status: 'supplied' },
      select: { kind: true },
    });
    const flags = (given ?? {}) as Record<string, boolean>;
    return new Set([...Object.keys(flags).filter((k) => flags[k] === true), ...supplied.map((m) => m.kind)]);
  }

  /** The benefit months paid of the period, from the ledger. */
  async function paidBenefitMonths(periodId: string): Promise<string[]> {
    const rows = await db.payable.findMany({
      where: { periodId, kind: 'unemployment_benefit', status: 'paid' },
      select: { month: true },
    });
    return rows.map((r) => r.month);
  }

  /**
   * The benefit months of the period paid or on their way to the beneficiary's account (the latest attempt pending,
   * sent or paid): the month of death among them is not paid to the survivors again (Art. 47).
   */
  async function benefitMonthsCovered(periodId: string): Promise<string[]> {
    const rows = await db.$queryRaw<{ month: string }[]>`
      SELECT month FROM (SELECT DISTINCT ON (month) month, status FROM payable
                          WHERE period_id = ${periodId} AND kind = 'unemployment_benefit'
                          ORDER BY month, attempt DESC) latest
       WHERE status IN ('pending', 'sent', 'paid')`;
    return rows.map((r) => r.month);
  }

  /** The live case (not refused, closed, cancelled or withdrawn) other than `caseNumber` holding the event, if any. */
  async function eventHolder(key: string, caseNumber: string): Promise<string | null> {
    const rows = await db.$queryRaw<{ case_number: string }[]>`
      SELECT o.case_number FROM other_benefit_claim o JOIN "case" c ON c.case_number = o.case_number
       WHERE o.event_key = ${key} AND o.case_number <> ${caseNumber}
         AND c.status <> ALL(${[...EVENT_RELEASED_STATUSES]}::text[])`;
    return rows[0]?.case_number ?? null;
  }

  /**
   * Art. 46, 47: takes the event for this case, or answers the live case holding it. A holder refused, closed,
   * cancelled or withdrawn gives it up first. Two assessments at once: the unique index lets one take it.
   */
  async function claimEvent(key: string, caseNumber: string): Promise<string | null> {
    await db.$executeRaw`
      UPDATE other_benefit_claim o SET event_key = NULL FROM "case" c
       WHERE o.event_key = ${key} AND o.case_number <> ${caseNumber} AND c.case_number = o.case_number
         AND c.status = ANY(${[...EVENT_RELEASED_STATUSES]}::text[])`;
    try {
      await db.otherBenefitClaim.update({ where: { caseNumber }, data: { eventKey: key } });
      return null;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const holder = await eventHolder(key, caseNumber);
      // Given up between the two statements: the next attempt of the activity takes it.
      if (!holder) throw ApplicationFailure.retryable(`the event of ${caseNumber} changed hands`, 'EventContended');
      return holder;
    }
  }

  /**
   * The verdict's one rule for a second claim of the same event (Art. 46, 47): not due, naming the earlier case. An
   * assessment that is not refused anyway takes the event; a refused one only names a holder.
   */
  async function onePerEvent(
    a: OtherBenefitAssessment,
    kind: OtherBenefitKind,
    key: string,
    caseNumber: string,
  ): Promise<OtherBenefitAssessment> {
    const earlier = a.status === 'ineligible' ? await eventHolder(key, caseNumber) : await claimEvent(key, caseNumber);
    if (!earlier) return a;
    return {
      ...a,
      status: 'ineligible',
      reasons: [
        ...a.reasons,
        {
          code: 'event_already_claimed',
          message: ALREADY_CLAIMED[kind](earlier),
          article: kind === 'childbirth_subsidy' ? 'Art. 46' : 'Art. 47',
        },
      ],
      missingMaterials: [],
      amounts: [],
    };
  }

  async function keep(caseNumber: string, a: OtherBenefitAssessment, explanation: ExplanationStep[], at: string) {
    await db.otherBenefitClaim.update({
      where: { caseNumber },
      data: { assessment: asJson({ ...a, explanation }) },
    });
    await recordCaseEvent(db, {
      caseNumber,
      key: `${caseNumber}/assessed/${at}`,
      type: 'other_benefit_assessed',
      at: new Date(at),
      actor: 'system',
      data: { status: a.status, reasons: a.reasons, amounts: a.amounts, explanation },
    });
  }

  return {
    /**
     * Art. 46 / 47: whether the benefit is due and how much, from the benefit period, the payment ledger and the shared
     * data (Art. 47: the death by data comparison with civil affairs; what pension and work-injury insurance paid).
     */
    async assessOtherBenefit(input: {
      caseNumber: string;
      asOf: IsoDate;
      at: string;
    }): Promise<OtherBenefitAssessment> {
      const app = await applicationOf(input.caseNumber);
      const kind = app.kind as OtherBenefitKind;
      const claim = await claimOf(db, app.benefitCaseNumber);
      const period = await db.benefitPeriod.findUnique({ where: { caseNumber: app.benefitCaseNumber } });
      const benefit = OTHER_BENEFIT_LABELS[kind];
      if (!period) {
        const a: OtherBenefitAssessment = {
          status: 'ineligible',
          reasons: [{ code: 'no_benefit_period', message: REASON_TEXT.no_benefit_period!, article: 'Art. 46, 47' }],
          missingMaterials: [],
          amounts: [],
          benefit,
        };
        await keep(input.caseNumber, a, [], input.at);
        return a;
      }
      const firstMonth = monthOf(isoDate(period.startDate));
      const lastMonth = addMonthsToMonth(firstMonth, period.months - 1);
      const paid = await paidBenefitMonths(period.id);
      const have = await presented(input.caseNumber, app.materials);
      const labels: Record<string, string> = OTHER_BENEFIT_MATERIALS[kind];
      const article = kind === 'childbirth_subsidy' ? 'Art. 46' : 'Art. 47';

      if (kind === 'childbirth_subsidy') {
        const birthDate = isoDate(app.eventDate);
        const calc = calculateChildbirthSubsidy(
          {
            // A resident ID says the sex; with another document the reviewer checks it (the assessment assumes female).
            sex: (GB11643_DOCUMENTS.includes(claim.idType) ? residentIdSex(claim.idNumber) : null) ?? 'female',
            birthDate,
            benefitFirstMonth: firstMonth,
            benefitLastMonth: lastMonth,
            compliesWithFamilyPlanning: app.compliesWithFamilyPlanning === true,
            materials: {
              birthRegistration: have.has('birthRegistration'),
              medicalBirthCertificate: have.has('medicalBirthCertificate'),
              hospitalBills: have.has('hospitalBills'),
            },
            monthlyBenefitInBirthMonthFen: period.monthlyAmountFen,
            entitledMonths: period.months,
            monthsPaidBeforeBirth: paid.filter((m) => m < monthOf(birthDate)).length,
          },
          await policies.current(),
          input.asOf,
        );
        const r = calc.result;
        const a = await onePerEvent(
          {
            status: r.status,
            reasons: r.reasons
              .filter((c) => c !== 'materials_missing')
              .map((c) => ({ code: c, message: REASON_TEXT[c] ?? c, article })),
            missingMaterials: Object.keys(labels)
              .filter((k) => !have.has(k))
              .map((k) => ({ kind: k, label: labels[k]!, article })),
            amounts: r.amountFen > 0 ? [{ kind: 'childbirth_subsidy', amountFen: r.amountFen }] : [],
            benefit,
          },
          kind,
          oneTimeEventKey(kind, claim.idNumber, birthDate),
          input.caseNumber,
        );
        await keep(input.caseNumber, a, calc.explanation, input.at);
        return a;
      }

      // Art. 47: the death from civil affairs when it has it (the certificate is then not asked for), else as stated.
      const [death, pension, injury] = await Promise.all([
        guarded(() => sources.civil.getDeath(claim.idNumber, callOptions())),
        guarded(() => sources.pension.getFuneralGrants(claim.idNumber, callOptions())),
        guarded(() => sources.injury.getFuneralGrants(claim.idNumber, callOptions())),
      ]);
      const dateOfDeath = death.deceased && death.dateOfDeath ? death.dateOfDeath : isoDate(app.eventDate);
      if (death.deceased) have.add('deathCertificate');
      const calc = calculateSurvivorBenefits(
        {
          dateOfDeath,
          benefitFirstMonth: firstMonth,
          benefitLastMonth: lastMonth,
          monthlyBenefitFen: period.monthlyAmountFen,
          // Paid, or queued to the beneficiary's account before the death was known: not paid to the survivors again.
          deathMonthBenefitPaid: (await benefitMonthsCovered(period.id)).includes(monthOf(dateOfDeath)),
          chosenScheme: (app.chosenScheme ?? 'unemployment') as 'unemployment' | 'pension' | 'work_injury',
          paidByOtherScheme: pension.grants.length + injury.grants.length > 0,
          materials: {
            survivorIdentity: have.has('survivorIdentity'),
            deathCertificate: have.has('deathCertificate'),
            relationshipProof: have.has('relationshipProof'),
          },
        },
        await policies.current(),
        input.asOf,
      );
      const r = calc.result;
      const missing = Object.keys(labels)
        .filter((k) => !have.has(k))
        .map((k) => ({ kind: k, label: labels[k]!, article }));
      const refusals = r.reasons.filter((c) => c !== 'materials_missing' && c !== 'amount_parameter_unknown');
      // Another scheme paid or was chosen: the grant and pension are not paid again, the month of death still is.
      const status: OtherBenefitAssessment['status'] =
        r.status === 'ineligible' || (refusals.length && r.unpaidDeathMonthBenefitFen === 0)
          ? 'ineligible'
          : missing.length
            ? 'materials_missing'
            : r.reasons.includes('amount_parameter_unknown')
              ? 'amounts_unknown'
              : 'eligible';
      const amounts: OtherBenefitAssessment['amounts'] = [
        { kind: 'funeral_grant' as const, amountFen: r.funeralGrantFen ?? 0 },
        { kind: 'survivor_pension' as const, amountFen: r.survivorPensionFen ?? 0 },
        { kind: 'death_month_benefit' as const, amountFen: r.unpaidDeathMonthBenefitFen },
      ].filter((x) => x.amountFen > 0);
      // Art. 42: the death within the running period reaches it (at once when civil affairs has it).
      const within = dateOfDeath >= isoDate(period.startDate) && dateOfDeath <= isoDate(period.endDate);
      const a = await onePerEvent(
        {
          status,
          reasons: refusals.map((c) => ({ code: c, message: REASON_TEXT[c] ?? c, article })),
          missingMaterials: missing,
          amounts,
          benefit,
          ...(period.status === 'active' && within
            ? {
                death: {
                  periodId: period.id,
                  benefitCaseNumber: app.benefitCaseNumber,
                  date: dateOfDeath,
                  confirmed: death.deceased && !!death.dateOfDeath,
                },
              }
            : {}),
        },
        kind,
        oneTimeEventKey(kind, claim.idNumber, dateOfDeath),
        input.caseNumber,
      );
      await keep(input.caseNumber, a, calc.explanation, input.at);
      return a;
    },

    /**
     * Art. 47: the funeral grant and survivor pension a clerk set from the local standard (cited), while the policy
     * data has no standard; recorded on the case with who set them and on what basis.
     */
    async recordSurvivorAmounts(input: {
      caseNumber: string;
      funeralGrantFen: number;
      survivorPensionFen: number;
      basis: string;
      by: string;
      at: string;
    }): Promise<void> {
      await recordCaseEvent(db, {
        caseNumber: input.caseNumber,
        key: `${input.caseNumber}/survivor_amounts_set`,
        type: 'survivor_amounts_set',
        at: new Date(input.at),
        actor: input.by,
        data: {
          funeralGrantFen: input.funeralGrantFen,
          survivorPensionFen: input.survivorPensionFen,
          basis: input.basis,
          article: 'Art. 47',
        },
      });
    },

    /**
     * Art. 13, 80: a grant withdrawn on a confirmed audit finding, found wrong on objection: its holds are released (the
     * rectification decided stays on the hold, with the objection that lifted it), so the grant is queued again (with a
     * later run, activities/payments.ts `queuePayable`). On the case's timeline and audited; a retry changes nothing.
     */
    async liftGrantWithdrawal(input: { caseNumber: string; objectionNumber: string; by: string; at: string }) {
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        const holds = await tx.paymentHold.findMany({ where: { caseNumber: input.caseNumber, status: 'withdrawn' } });
        for (const h of holds) {
          const decision = (h.decision ?? {}) as Record<string, unknown>;
          await tx.paymentHold.update({
            where: { itemCaseNumber_caseNumber: { itemCaseNumber: h.itemCaseNumber, caseNumber: h.caseNumber } },
            data: {
              status: 'released',
              decision: asJson({ ...decision, liftedOnObjection: { objectionNumber: input.objectionNumber, at } }),
            },
          });
          await recordCaseEvent(tx, {
            caseNumber: input.caseNumber,
            key: `${input.caseNumber}/payments_released/${input.objectionNumber}`,
            type: 'payments_released',
            at,
            actor: input.by,
            data: { itemCaseNumber: h.itemCaseNumber, objectionNumber: input.objectionNumber, article: 'Art. 13, 80' },
          });
        }
        if (holds.length) {
          await audit(tx, {
            actor: { id: null, username: input.by },
            action: 'grant_withdrawal_lifted',
            entity: 'payment_hold',
            entityId: input.caseNumber,
            caseNumber: input.caseNumber,
            before: { status: 'withdrawn', items: holds.map((h) => h.itemCaseNumber) },
            after: { status: 'released' },
            reason: `objection ${input.objectionNumber}`,
            at,
          });
        }
      });
    },

    /** Art. 39: a corrected card or account for an other benefit's payment (the applicant's, on their application). */
    async updateOtherBenefitAccount(input: AccountCorrectionRecord): Promise<void> {
      await correctAccount(db, input);
    },
  };
}
