/**
 * The claim's verdict (Art. 34-38, 41): the facts gathered once from the shared data (Art. 7) and recorded with the
 * declaration, the verdict computed from them by domain/claim-verdict.ts, kept as a determination version. The
 * workflow gets a summary without personal data; the facts stay in PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import {
  verdictOf,
  type BenefitFigures,
  type ClaimFacts,
  type ClaimInputs,
  type ClaimVerdict,
  type Conflict,
  type IneligibleVerdict,
  type PendingVerdict,
  type ReviewRoute,
} from '../domain/claim-verdict';
import type { IsoDate } from '../domain/calendar';
import type { SeparationReason } from '../domain/separation';
import type { SourceClients } from '../integrations/config';
import { canonicalJson } from '../lib/canonical-json';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';
import type { PolicyStore } from '../lib/policy-store';
import { callOptions, claimOf, guarded } from './source-call';
import { keptContributionSource } from './contributions';

export interface DeterminationActivityDeps {
  db: Db;
  sources: SourceClients;
  policy: PolicyStore;
}

/** `record_correction`: the person's contribution record was corrected (Art. 28, 38). */
export type DeterminationReason = 'initial' | 'recheck' | 'ruling' | 'correction' | 'objection' | 'record_correction';

/** What the workflow learns of a determination version: the verdict and what it needs, never the facts. */
export type Determination = {
  version: number;
  determinedOn: IsoDate;
  conflicts: Pick<Conflict, 'fact' | 'message'>[];
} & (
  | { verdict: 'eligible'; figures: BenefitFigures; route: ReviewRoute; selfDeclared: boolean }
  | { verdict: 'ineligible'; reasons: IneligibleVerdict['reasons'] }
  | { verdict: 'pending'; open: PendingVerdict['open'] }
);
export type EligibleDetermination = Extract<Determination, { verdict: 'eligible' }>;

function summaryOf(version: number, determinedOn: IsoDate, v: ClaimVerdict, route: ReviewRoute | null): Determination {
  const base = {
    version,
    determinedOn,
    conflicts: v.conflicts.map((c) => ({ fact: c.fact, message: c.message })),
  };
  if (v.verdict === 'eligible')
    return { ...base, verdict: 'eligible', figures: v.figures, route: route!, selfDeclared: v.separation.selfDeclared };
  if (v.verdict === 'ineligible') return { ...base, verdict: 'ineligible', reasons: v.reasons };
  return { ...base, verdict: 'pending', open: v.open };
}

/**
 * Art. 21, 38: the staff reduction the person's employer declared (the latest suspended relation in the register),
 * which a claim reads first for its separation date and reason; null when none was declared.
 */
async function reductionOf(db: Db, idNumber: string): Promise<NonNullable<ClaimFacts['register']>['reduction']> {
  const [r] = await db.$queryRaw<{ uscc: string; ended_on: Date; reason: string; declared_at: Date }[]>`
    SELECT e.code AS uscc, r.ended_on, r.separation_reason AS reason, r.declared_at
    FROM insured_person p JOIN insurance_relation r ON r.person_number = p.person_number
      JOIN employer e ON e.register_number = r.register_number
    WHERE p.id_number = ${idNumber} AND r.status = 'suspended' AND r.separation_reason IS NOT NULL
    ORDER BY r.ended_on DESC, r.declared_at DESC LIMIT 1`;
  if (!r) return null;
  return {
    employerUscc: r.uscc,
    separationDate: isoDate(r.ended_on),
    separationReason: r.reason as SeparationReason,
    declaredAt: r.declared_at.toISOString(),
  };
}

export function determinationActivities({ db, sources, policy: policies }: DeterminationActivityDeps) {
  /** Art. 7, 37, 38: every fact the verdict needs, from its source, with the declaration. */
  async function gatherFacts(caseNumber: string, gatheredOn: IsoDate): Promise<ClaimFacts> {
    const claim = await claimOf(db, caseNumber);
    const id = claim.idNumber;
    const o = () => callOptions();
    // Art. 24, 38: the records the agency keeps, refreshed from tax first; the determination uses what a clerk sees.
    const kept = keptContributionSource({ db, tax: sources.tax, freshMs: 0 }, `pull:${caseNumber}`);
    const [identity, paid, owed, employments, pension, employment, death, active] = await Promise.all([
      guarded(() => sources.hukou.checkIdentity({ idNumber: id, name: claim.name }, o())),
      guarded(() => kept.getPersonContributions(id, {}, o())),
      guarded(() => sources.tax.getPersonArrears(id, o())),
      guarded(() => sources.tax.getPersonEmployments(id, o())),
      guarded(() => sources.pension.getPensionReceipt(id, o())),
      guarded(() => sources.employment.getEmploymentStatus(id, o())),
      guarded(() => sources.civil.getDeath(id, o())),
      activePeriodOf(db, id, caseNumber),
    ]);
    // The employers whose city decides the last insured locality (Art. 35): the recorded last one and the declared.
    const lastEnded = employments.employments
      .filter((e) => e.endDate !== null && e.endDate <= gatheredOn)
      .sort((a, b) => (a.endDate! < b.endDate! ? -1 : 1))
      .at(-1);
    const reduction = await reductionOf(db, id);
    const usccs = [
      ...new Set(
        [reduction?.employerUscc, lastEnded?.employerUscc, claim.employerUscc].filter((u): u is string => !!u),
      ),
    ];
    const employerDivisions: Record<string, string | null> = {};
    for (const uscc of usccs) {
      const employer = await guarded(() => sources.tax.getEmployer(uscc, o()));
      employerDivisions[uscc] = employer?.agencyDivisionCode ?? null;
    }
    return {
      gatheredOn,
      declared: {
        separationDate: isoDate(claim.separationDate),
        separationReason: claim.separationReason as SeparationReason,
        employerUscc: claim.employerUscc,
        payingLocality: {
          basis: claim.payingLocalityBasis as 'last_insured' | 'hukou',
          agencyCode: claim.case.agencyCode,
        },
      },
      hukou:
        identity.result === 'match'
          ? {
              result: 'match',
              hukouDivisionCode: identity.hukouDivisionCode,
              registrationStatus: identity.registrationStatus,
            }
          : { result: identity.result, hukouDivisionCode: null, registrationStatus: null },
      tax: {
        employments: employments.employments.map((e) => ({
          employerUscc: e.employerUscc,
          startDate: e.startDate,
          endDate: e.endDate,
          separationReason: e.separationReason,
        })),
        employerDivisions,
        paid: paid.records.map((r) => ({ employerUscc: r.employerUscc, month: r.month, amountFen: r.amountPaidFen })),
        arrears: owed.records.map((r) => ({ employerUscc: r.employerUscc, month: r.month })),
      },
      // Only when there is one: the facts of a claim without it stay as they were recorded (same content hash).
      ...(reduction ? { register: { reduction } } : {}),
      pension: { receivesPension: pension.receivesPension, startDate: pension.startDate },
      employment: { employed: employment.employed, startDate: employment.startDate },
      civil: { deceased: death.deceased, dateOfDeath: death.dateOfDeath },
      system: { activePeriodCaseNumber: active },
    };
  }

  return {
    /**
     * Art. 34-38, 41: the claim's verdict now. The facts are gathered from the sources; if they and the inputs are
     * those of the latest version, that version is the answer (a retry, or a daily recheck that found nothing new);
     * otherwise a new version is recorded with its facts, inputs, verdict, conflicts, review route and explanation.
     */
    async determineClaim(input: {
      caseNumber: string;
      reason: DeterminationReason;
      determinationDate: IsoDate;
      inputs: ClaimInputs;
      /** Art. 28: a person corrected the determination (three review levels follow). */
      manualCorrection: boolean;
      createdBy: string;
    }): Promise<Determination> {
      const facts = await gatherFacts(input.caseNumber, input.determinationDate);
      const contentHash = createHash('sha256')
        .update(
          canonicalJson({ facts: { ...facts, gatheredOn: null }, inputs: input.inputs, m: input.manualCorrection }),
        )
        .digest('hex');
      const latest = await db.determination.findFirst({
        where: { caseNumber: input.caseNumber },
        orderBy: { version: 'desc' },
      });
      if (latest && latest.contentHash === contentHash && latest.revokedAt === null) {
        return recordedSummary(latest);
      }
      const date = input.determinationDate;
      const {
        verdict: v,
        route,
        explanation,
      } = verdictOf(facts, input.inputs, input.manualCorrection, await policies.current(), date);
      const version = (latest?.version ?? 0) + 1;
      const f = v.verdict === 'eligible' ? v.figures : null;
      await db.determination.createMany({
        data: [
          {
            caseNumber: input.caseNumber,
            version,
            reason: input.reason,
            determinedOn: dbDate(date),
            verdict: v.verdict,
            contributionMonths: v.contributionMonths,
            months: f?.months ?? null,
            monthlyAmountFen: f?.monthlyAmountFen ?? null,
            totalFen: f?.totalFen ?? null,
            startDate: f ? dbDate(f.startDate) : null,
            endDate: f ? dbDate(f.endDate) : null,
            selfDeclared: v.separation.selfDeclared,
            waivedMonths: input.inputs.waivedMonths,
            facts: asJson(facts),
            inputs: asJson(input.inputs),
            reasons: asJson(v.verdict === 'ineligible' ? v.reasons : []),
            openQuestions: asJson(v.verdict === 'pending' ? v.open : []),
            conflicts: asJson(v.conflicts),
            ...(route ? { reviewRoute: asJson(route) } : {}),
            manualCorrection: input.manualCorrection,
            contentHash,
            explanation: asJson(explanation),
            createdAt: new Date(),
            createdBy: input.createdBy,
          },
        ],
        skipDuplicates: true,
      });
      return summaryOf(version, date, v, route);
    },

    /** The latest determination of a case: its verdict, and the inputs a correction starts from. */
    async latestDetermination(input: { caseNumber: string }): Promise<Determination & { inputs: ClaimInputs }> {
      const d = await db.determination.findFirst({
        where: { caseNumber: input.caseNumber },
        orderBy: { version: 'desc' },
      });
      if (!d || !d.inputs) {
        throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no determination`, 'NotDetermined');
      }
      return { ...recordedSummary(d), inputs: d.inputs as unknown as ClaimInputs };
    },
  };
}

type DeterminationRow = NonNullable<Awaited<ReturnType<Db['determination']['findFirst']>>>;

/** The summary of a recorded version, from its row (the same the workflow got when it was made). */
export function recordedSummary(d: DeterminationRow): Determination {
  const base = {
    version: d.version,
    determinedOn: isoDate(d.determinedOn),
    conflicts: (d.conflicts as unknown as Conflict[]).map((c) => ({ fact: c.fact, message: c.message })),
  };
  if (d.verdict === 'eligible') {
    return {
      ...base,
      verdict: 'eligible',
      figures: {
        contributionMonths: d.contributionMonths,
        months: d.months!,
        monthlyAmountFen: d.monthlyAmountFen!,
        totalFen: d.totalFen!,
        startDate: isoDate(d.startDate!),
        endDate: isoDate(d.endDate!),
      },
      route: d.reviewRoute as unknown as ReviewRoute,
      selfDeclared: d.selfDeclared,
    };
  }
  if (d.verdict === 'ineligible')
    return { ...base, verdict: 'ineligible', reasons: d.reasons as unknown as IneligibleVerdict['reasons'] };
  return { ...base, verdict: 'pending', open: d.openQuestions as unknown as PendingVerdict['open'] };
}

/** Art. 37: another case of the same person whose benefit period is being paid (its case number), or null. */
async function activePeriodOf(db: Db, idNumber: string, caseNumber: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ case_number: string }[]>`
    SELECT p.case_number FROM benefit_period p JOIN benefit_claim c ON c.case_number = p.case_number
    WHERE p.status = 'active' AND c.id_number = ${idNumber} AND p.case_number <> ${caseNumber}
    ORDER BY p.start_date DESC LIMIT 1`;
  return rows[0]?.case_number ?? null;
}
