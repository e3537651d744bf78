/**
 * Activities of the subsidies and their public notices (Art. 49, 50): the job-retention screening from the shared data
 * (免申即享), the automatic review of a skill-upgrade subsidy, and the notice lists. They take case numbers and notice
 * IDs; employers' and persons' identifiers are read here from the read model and the sources, never carried in
 * workflow histories (Art. 30).
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { Prisma } from '../generated/prisma/client';
import { calculateJobRetentionRefund, type JobRetentionInput } from '../domain/calculators/job-retention';
import { calculateSkillSubsidy } from '../domain/calculators/skill-subsidy';
import { businessDateOf, yearOf, type IsoDate } from '../domain/calendar';
import { formatCaseNumber, serialFromBytes } from '../domain/case-number';
import { deadlineFor } from '../domain/deadlines';
import { maskIdNumber, maskTail } from '../domain/identity';
import { messageText, type MessageKind, type MessageParams } from '../domain/messages';
import type { PolicyStore } from '../lib/policy-store';
import {
  CERTIFICATE_LEVEL_LABELS,
  JOB_RETENTION_EXCLUDED_TYPES,
  JOB_RETENTION_REASON_TEXT,
  NOT_COUNTED_IN_LAYOFF_RATE,
  SKILL_SUBSIDY_REASON_TEXT,
  skillSubsidyParties,
  type NoticeKind,
} from '../domain/subsidies';
import { insuranceOf } from '../lib/insured-employer';
import type { SourceClients } from '../integrations/config';
import type { CalendarStore } from '../lib/calendar-store';
import { recordCaseEvent } from '../lib/case-events';
import { asJson, dbDate, isoDate, type Db } from '../lib/db';
import { callOptions, guarded } from './source-call';
import { employerContributionsOf, keptContributionSource } from './contributions';
import { correctAccount, openCase, type AccountCorrectionRecord } from '../lib/case-store';

export interface SubsidyDeps {
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

export interface JobRetentionAssessment {
  /** undecided: the sources could not answer (employer or credit status unknown): evidence is asked (Art. 49 para 2). */
  status: 'eligible' | 'ineligible' | 'undecided';
  reasons: Reason[];
  amountFen: number;
}

export interface SkillSubsidyAssessment {
  status: 'granted' | 'refused';
  reasons: Reason[];
  amountFen: number;
}

export interface PublishedNotice {
  startDate: string;
  endDate: string;
  endsAt: string;
  items: { itemNo: number; caseNumber: string }[];
}

const NOTICE_KEY: Record<NoticeKind, string> = {
  job_retention_refund: 'art49.publicNotice',
  skill_subsidy: 'art50.publicNotice',
};

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

export function subsidyActivities(deps: SubsidyDeps) {
  return { ...jobRetentionActivities(deps), ...skillSubsidyActivities(deps), ...publicNoticeActivities(deps) };
}

/** 稳岗返还 (Art. 49): the screening of the city's employers, the review of an application, the case's outcome. */
function jobRetentionActivities({ db, sources, policy: policies }: SubsidyDeps) {
  /**
   * Art. 49 para 2: what the sources say of an employer for the year reviewed: type and size, insured staff,
   * months paid in full and the amount paid, layoffs and those not counted in the layoff rate, credit status.
   */
  async function employerFacts(uscc: string, year: number) {
    const employer = await guarded(() => sources.tax.getEmployer(uscc, callOptions()));
    if (!employer) return null;
    const [staff, paid, arrears, credit] = await Promise.all([
      guarded(() => sources.tax.getEmployerStaff(uscc, callOptions())),
      guarded(() =>
        employerContributionsOf(
          { db, tax: sources.tax, freshMs: 86_400_000 },
          uscc,
          { from: `${year}-01`, to: `${year}-12` },
          callOptions(),
        ),
      ),
      guarded(() => sources.tax.getEmployerArrears(uscc, callOptions())),
      guarded(() => sources.credit.getEmployerCredit(uscc, callOptions())),
    ]);
    const owed = new Set((arrears?.months ?? []).map((m) => m.month));
    const months = (paid?.months ?? []).filter((m) => m.amountPaidTotalFen > 0 && !owed.has(m.month));
    const left = (staff?.staff ?? []).filter((s) => s.endDate !== null && yearOf(s.endDate) === year);
    const input: JobRetentionInput = {
      size: employer.size === 'large' ? 'large' : 'sme',
      insuredCount: employer.insuredCount,
      layoffCount: left.length,
      excludedFromLayoffRate: left.filter(
        (s) => s.separationReason === null || NOT_COUNTED_IN_LAYOFF_RATE.includes(s.separationReason),
      ).length,
      monthsPaidInFull: months.length,
      contributionsPaidLastYearFen: months.reduce((sum, m) => sum + m.amountPaidTotalFen, 0),
      onSeriousDishonestyList: credit?.status === 'seriously_dishonest',
    };
    return { employer, input, creditKnown: credit !== null };
  }

  /** Art. 49: the review of one employer for `year` on `asOf`, with the calculator's explanation. */
  async function assessEmployer(uscc: string, year: number, asOf: IsoDate) {
    const facts = await employerFacts(uscc, year);
    if (!facts) {
      return {
        facts: null,
        assessment: {
          status: 'undecided',
          reasons: [
            { code: 'unknown_employer', message: JOB_RETENTION_REASON_TEXT.unknown_employer!, article: 'Art. 49' },
          ],
          amountFen: 0,
        } satisfies JobRetentionAssessment,
        explanation: [] as unknown[],
      };
    }
    const calc = calculateJobRetentionRefund(facts.input, await policies.current(), asOf);
    const reasons: Reason[] = calc.result.reasons.map((c) => ({
      code: c,
      message: JOB_RETENTION_REASON_TEXT[c] ?? c,
      article: 'Art. 49',
    }));
    if (JOB_RETENTION_EXCLUDED_TYPES.includes(facts.employer.type))
      reasons.push({
        code: 'type_not_covered',
        message: JOB_RETENTION_REASON_TEXT.type_not_covered!,
        article: 'Art. 49',
      });
    if (calc.result.refundFen === 0 && reasons.length === 0)
      reasons.push({ code: 'nothing_paid', message: JOB_RETENTION_REASON_TEXT.nothing_paid!, article: 'Art. 49' });
    const status: JobRetentionAssessment['status'] = reasons.length
      ? 'ineligible'
      : facts.creditKnown
        ? 'eligible'
        : 'undecided';
    if (status === 'undecided')
      reasons.push({ code: 'credit_unknown', message: JOB_RETENTION_REASON_TEXT.credit_unknown!, article: 'Art. 49' });
    return {
      facts,
      assessment: { status, reasons, amountFen: status === 'ineligible' ? 0 : calc.result.refundFen },
      explanation: calc.explanation as unknown[],
    };
  }

  return {
    /**
     * Art. 49 免申即享: a page of the city's employers reviewed from the shared data for last year; a case is opened
     * for each eligible employer that has none for that year (Art. 49: 主动为其办理). Returns the cases this screening
     * opened (to start and publish) and where the next page starts.
     */
    async screenEmployers(input: {
      screeningId: string;
      agencyCode: string;
      year: number;
      offset: number;
      limit: number;
      asOf: IsoDate;
      at: string;
    }): Promise<{ screened: number; opened: string[]; nextOffset: number | null }> {
      // A schedule's workflow IDs carry its start time; the column holds 64 characters: a longer ID is kept as a digest.
      const screeningId =
        input.screeningId.length <= 64
          ? input.screeningId
          : `S${createHash('sha256').update(input.screeningId).digest('hex').slice(0, 40)}`;
      const page = await guarded(() =>
        sources.tax.listEmployers(
          { agencyDivisionCode: input.agencyCode, offset: input.offset, limit: input.limit },
          callOptions(),
        ),
      );
      const opened: string[] = [];
      for (const e of page.items) {
        // A case that ended without a refund (refused, withdrawn) does not hold the year: the employer is reviewed.
        const existing = await db.jobRetentionCase.findFirst({
          where: { uscc: e.uscc, year: input.year, outcome: null },
        });
        if (existing) {
          // Opened by this screening before a retry of this page: ours to start; by another or an application: not.
          if (existing.screeningId === screeningId) opened.push(existing.caseNumber);
          continue;
        }
        const { facts, assessment, explanation } = await assessEmployer(e.uscc, input.year, input.asOf);
        if (assessment.status !== 'eligible' || !facts) continue;
        const caseNumber = formatCaseNumber(
          'job_retention_refund',
          yearOf(input.asOf),
          input.agencyCode,
          serialFromBytes(createHash('sha256').update(`${screeningId}\n${e.uscc}`).digest()),
        );
        const at = new Date(input.at);
        try {
          await db.$transaction(async (tx) => {
            await openCase(tx, {
              caseNumber,
              caseType: 'job_retention_refund',
              status: 'granted',
              agencyCode: input.agencyCode,
              at,
              event: {
                type: 'job_retention_screened',
                actor: 'system',
                data: { screeningId: input.screeningId, year: input.year, amountFen: assessment.amountFen },
              },
              ifOpen: 'fail',
            });
            await tx.jobRetentionCase.create({
              data: {
                caseNumber,
                source: 'screening',
                screeningId,
                uscc: e.uscc,
                employerName: facts.employer.name,
                agencyCode: input.agencyCode,
                year: input.year,
                bankName: facts.employer.bankAccount.bankName,
                accountNumber: facts.employer.bankAccount.accountNumber,
                amountFen: assessment.amountFen,
                assessment: asJson({ ...assessment, input: facts.input, explanation }),
                createdAt: at,
              },
            });
          });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          continue; // an application or another screening got there first (job_retention_once_partial)
        }
        opened.push(caseNumber);
      }
      return { screened: page.items.length, opened, nextOffset: page.nextOffset };
    },

    /** The amount and year of a refund case, as reviewed. */
    async jobRetentionSummary(input: { caseNumber: string }): Promise<{ amountFen: number; year: number }> {
      const row = await db.jobRetentionCase.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!row) throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no employer`, 'CaseNotFound');
      return { amountFen: row.amountFen, year: row.year };
    },

    /** Art. 49: an employer's own application, reviewed from the shared data like the screening. */
    async assessJobRetention(input: {
      caseNumber: string;
      asOf: IsoDate;
      at: string;
    }): Promise<JobRetentionAssessment> {
      const row = await db.jobRetentionCase.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!row) throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no employer`, 'CaseNotFound');
      const { facts, assessment, explanation } = await assessEmployer(row.uscc, row.year, input.asOf);
      await db.jobRetentionCase.update({
        where: { caseNumber: input.caseNumber },
        data: {
          // Refused: the case no longer holds the employer's year (a later rightful application, the screening).
          ...(assessment.status === 'ineligible' ? { outcome: 'refused' } : {}),
          amountFen: assessment.amountFen,
          assessment: asJson({ ...assessment, input: facts?.input ?? null, explanation }),
          ...(facts
            ? {
                employerName: facts.employer.name,
                bankName: facts.employer.bankAccount.bankName,
                accountNumber: facts.employer.bankAccount.accountNumber,
              }
            : {}),
        },
      });
      await recordCaseEvent(db, {
        caseNumber: input.caseNumber,
        key: `${input.caseNumber}/job_retention_assessed/${input.at}`,
        type: 'job_retention_assessed',
        at: new Date(input.at),
        actor: 'system',
        data: { status: assessment.status, reasons: assessment.reasons, amountFen: assessment.amountFen },
      });
      return assessment;
    },

    /**
     * Art. 49: the case ended without a refund (refused after the evidence was reviewed, nothing to refund, or
     * withdrawn after the notice): it no longer holds the employer's year, so a later rightful application or the
     * next screening opens a case of its own (job_retention_once_partial).
     */
    async recordJobRetentionOutcome(input: { caseNumber: string; outcome: 'refused' | 'withdrawn' }): Promise<void> {
      await db.jobRetentionCase.updateMany({
        where: { caseNumber: input.caseNumber, outcome: null },
        data: { outcome: input.outcome },
      });
    },

    /**
     * Art. 13, 49: a case refused or withdrawn, found wrong on objection, takes the employer's year again (reopened, or
     * its refund paid). A case opened since for the same year (an application, the screening) keeps it
     * (job_retention_once_partial): not reopened, and the note names it.
     */
    async reopenJobRetention(input: {
      caseNumber: string;
    }): Promise<{ reopened: true } | { reopened: false; note: string }> {
      const row = await db.jobRetentionCase.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!row) throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no employer`, 'CaseNotFound');
      try {
        await db.jobRetentionCase.updateMany({
          where: { caseNumber: input.caseNumber, outcome: { not: null } },
          data: { outcome: null },
        });
        return { reopened: true };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const holder = await db.jobRetentionCase.findFirst({
          where: { uscc: row.uscc, year: row.year, outcome: null },
          select: { caseNumber: true },
        });
        return {
          reopened: false,
          note: `the employer's refund for ${row.year} is in case ${holder?.caseNumber ?? 'opened since'} (Art. 49: once a year)`,
        };
      }
    },

    /**
     * Art. 49 及时告知: the employer is told by SMS when it gave a contact mobile (an application); a case the screening
     * opened is shown to it on the online service platform (the case event holds the text). The employer of a
     * job-retention refund, of a skill subsidy it applied for (Art. 50), or named by a claim (Art. 13: its objection);
     * `alsoOn`: another case of the employer's to show it on (the objection).
     */
    async informEmployer<K extends MessageKind>(input: {
      caseNumber: string;
      messageId: string;
      kind: K;
      params: MessageParams[K];
      at: string;
      alsoOn?: string;
    }): Promise<{ channel: 'sms' | 'online_platform' }> {
      const [refund, skill, claim] = await Promise.all([
        db.jobRetentionCase.findUnique({ where: { caseNumber: input.caseNumber }, select: { phone: true } }),
        db.skillSubsidyClaim.findUnique({ where: { caseNumber: input.caseNumber }, select: { appliedBy: true } }),
        db.benefitClaim.findUnique({ where: { caseNumber: input.caseNumber }, select: { employerUscc: true } }),
      ]);
      if (!refund && skill?.appliedBy !== 'employer' && !claim)
        throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no employer`, 'CaseNotFound');
      const text = messageText(input.kind, input.params);
      const channel = refund?.phone ? 'sms' : 'online_platform';
      if (refund?.phone) {
        const phone = refund.phone;
        await guarded(() => sources.sms.send({ messageId: input.messageId, mobile: phone, text }, callOptions()));
        await db.message.createMany({
          data: [
            {
              id: input.messageId,
              caseNumber: input.caseNumber,
              kind: input.kind,
              at: new Date(input.at),
              mobileMasked: maskTail(phone),
              text,
            },
          ],
          skipDuplicates: true,
        });
      }
      for (const caseNumber of [input.caseNumber, ...(input.alsoOn ? [input.alsoOn] : [])]) {
        await recordCaseEvent(db, {
          caseNumber,
          key: `${caseNumber}/informed/${input.messageId}`,
          type: 'employer_informed',
          at: new Date(input.at),
          actor: 'system',
          data: { kind: input.kind, channel, text },
        });
      }
      return { channel };
    },
  };
}

/** 技能提升补贴 (Art. 50): the automatic review, the account, the grant refused, reinstated or withdrawn. */
function skillSubsidyActivities({ db, sources, policy: policies }: SubsidyDeps) {
  return {
    /**
     * Art. 50 系统自动审核: insured status and cumulative contribution time, subsidies already received (same
     * occupation and level; the yearly limit), the certificate in the national registry (name, level, issue date); and
     * who applies where (Art. 8, 50): an employer agent for its own company's employee only, to the agency where the
     * person is insured. The person's insured employer on record is kept with the case (the notice names it); a
     * declared employer that differs is shown as a conflict. A grant is recorded at once, so a later claim for the
     * same certificate level finds it. A review is kept: a retry answers it; `again` (a refusal found wrong on
     * objection, Art. 13) reviews once more from the data as it stands now.
     */
    async assessSkillSubsidy(input: {
      caseNumber: string;
      asOf: IsoDate;
      at: string;
      again?: boolean;
    }): Promise<SkillSubsidyAssessment> {
      const app = await db.skillSubsidyClaim.findUnique({ where: { caseNumber: input.caseNumber } });
      const c = await db.case.findUnique({ where: { caseNumber: input.caseNumber } });
      if (!app || !c)
        throw ApplicationFailure.nonRetryable(`case ${input.caseNumber} has no application`, 'CaseNotFound');
      const kept = app.assessment as unknown as (SkillSubsidyAssessment & { assessedAt?: string }) | null;
      if (
        kept &&
        (app.decision === 'granted' || app.decision === 'refused') &&
        (!input.again || kept.assessedAt === input.at)
      ) {
        return { status: kept.status, reasons: kept.reasons, amountFen: kept.amountFen };
      }
      const [certs, insurance] = await Promise.all([
        guarded(() => sources.certificates.getCertificates(app.idNumber, callOptions())),
        guarded(() =>
          insuranceOf(
            {
              getEmployer: (u, o) => sources.tax.getEmployer(u, o),
              getPersonEmployments: (i, o) => sources.tax.getPersonEmployments(i, o),
              // Art. 24, 50: the cumulative months from the records the agency keeps (refreshed from tax first).
              getPersonContributions: keptContributionSource(
                { db, tax: sources.tax, freshMs: 0 },
                `pull:${input.caseNumber}`,
              ).getPersonContributions,
            },
            app.idNumber,
            input.asOf,
            callOptions(),
          ),
        ),
      ]);
      const { insured, contributions } = insurance;
      const parties = skillSubsidyParties(
        {
          agencyCode: c.agencyCode,
          declaredUscc: app.employerUscc,
          agentUscc: app.appliedBy === 'employer' ? app.employerUscc : null,
        },
        insured,
      );
      const cert = certs.certificates.find((x) => x.certificateNumber === app.certificateNumber);
      const previous = await db.skillSubsidyClaim.findMany({
        where: { idNumber: app.idNumber, decision: 'granted', caseNumber: { not: app.caseNumber } },
      });
      const calc = calculateSkillSubsidy(
        {
          insuredActive: insured !== null,
          // Paid months, each once (Art. 32): months already used for a benefit determination are among them; deemed
          // months are not in the tax platform's records (a clerk adds them on objection, Art. 38).
          cumulativeContributionMonths: new Set(contributions.map((r) => r.month)).size,
          certificate: cert
            ? { occupation: cert.occupationName, level: cert.level, issueDate: cert.issueDate, verified: true }
            : { occupation: '', level: 'junior', issueDate: input.asOf, verified: false },
          previousClaims: previous
            .filter((p) => p.occupation && p.level)
            .map((p) => ({
              occupation: p.occupation!,
              level: p.level as 'junior' | 'intermediate' | 'senior',
              claimDate: businessDateOf(p.submittedAt),
            })),
        },
        await policies.current(),
        input.asOf,
      );
      const r = calc.result;
      const reasons: Reason[] = [
        ...parties.reasons.map((code) => ({
          code,
          message: SKILL_SUBSIDY_REASON_TEXT[code]!,
          article: code === 'not_own_employee' ? 'Art. 8' : 'Art. 50',
        })),
        ...r.reasons.map((code) => ({ code, message: SKILL_SUBSIDY_REASON_TEXT[code] ?? code, article: 'Art. 50' })),
      ];
      const eligible = r.status === 'eligible' && parties.reasons.length === 0;
      let a: SkillSubsidyAssessment = {
        status: eligible ? 'granted' : 'refused',
        reasons,
        amountFen: eligible ? r.amountFen : 0,
      };
      const write = (x: SkillSubsidyAssessment) =>
        db.skillSubsidyClaim.update({
          where: { caseNumber: app.caseNumber },
          data: {
            decision: x.status,
            amountFen: x.amountFen,
            occupation: cert?.occupationName ?? null,
            level: cert?.level ?? null,
            issueDate: cert ? dbDate(cert.issueDate) : null,
            insuredEmployerUscc: insured?.uscc ?? null,
            insuredEmployerName: insured?.name ?? null,
            insuredAgencyCode: insured?.agencyCode ?? null,
            assessment: asJson({ ...x, insured, explanation: calc.explanation, assessedAt: input.at }),
          },
        });
      try {
        await write(a);
      } catch (err) {
        // A concurrent claim for the same occupation and level was granted first (skill_subsidy_once_partial).
        if (!isUniqueViolation(err)) throw err;
        a = {
          status: 'refused',
          reasons: [
            {
              code: 'already_claimed_for_occupation_and_level',
              message: SKILL_SUBSIDY_REASON_TEXT.already_claimed_for_occupation_and_level!,
              article: 'Art. 50',
            },
          ],
          amountFen: 0,
        };
        await write(a);
      }
      if (parties.employerConflict && insured)
        // The record prevails (职工所在企业 on the notice); the case says what was declared.
        await recordCaseEvent(db, {
          caseNumber: app.caseNumber,
          key: `${app.caseNumber}/skill_subsidy_employer_conflict`,
          type: 'skill_subsidy_employer_conflict',
          at: new Date(input.at),
          actor: 'system',
          data: {
            declared: { uscc: app.employerUscc, name: app.employerName },
            recorded: { uscc: insured.uscc, name: insured.name },
            prevails: 'recorded',
            article: 'Art. 50',
          },
        });
      await recordCaseEvent(db, {
        caseNumber: app.caseNumber,
        key: `${app.caseNumber}/skill_subsidy_assessed${input.again ? `/${input.at}` : ''}`,
        type: 'skill_subsidy_assessed',
        at: new Date(input.at),
        actor: 'system',
        data: { status: a.status, reasons: a.reasons, amountFen: a.amountFen, explanation: calc.explanation },
      });
      return a;
    },

    /**
     * Art. 39: the payee's corrected account after the bank refused a subsidy twice (the person's for a skill
     * subsidy, the employer's for a job-retention refund), recorded on the case. The re-sent attempt reads it from
     * here (`requeuePayable`), never from the workflow's history.
     */
    async updateSubsidyAccount(
      input: AccountCorrectionRecord & { subsidy: 'skill_subsidy' | 'job_retention_refund' },
    ): Promise<void> {
      const { subsidy: _subsidy, ...correction } = input;
      await correctAccount(db, correction);
    },

    /**
     * Art. 13, 50: the reviewer of a case reopened on objection refused it again: a grant its review from the data
     * recorded no longer counts as received.
     */
    async refuseSkillSubsidy(input: { caseNumber: string }): Promise<void> {
      await db.skillSubsidyClaim.updateMany({
        where: { caseNumber: input.caseNumber, decision: 'granted' },
        data: { decision: 'refused', amountFen: 0 },
      });
    },

    /**
     * Art. 13, 50: a withdrawal found wrong on objection: the grant counts as received again. A grant made since for the
     * same person, occupation and level (skill_subsidy_once_partial) keeps its place: not reinstated, and why.
     */
    async reinstateSkillSubsidy(input: {
      caseNumber: string;
    }): Promise<{ reinstated: true } | { reinstated: false; note: string }> {
      try {
        await db.skillSubsidyClaim.updateMany({
          where: { caseNumber: input.caseNumber, decision: 'withdrawn' },
          data: { decision: 'granted' },
        });
        return { reinstated: true };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return {
          reinstated: false,
          note: 'a subsidy for the same occupation and level was granted since (Art. 50: 同一职业同一等级只能申领一次)',
        };
      }
    },

    /** Art. 50: an objection upheld withdraws the grant, so it no longer counts as received. */
    async withdrawSkillSubsidy(input: { caseNumber: string }): Promise<void> {
      await db.skillSubsidyClaim.updateMany({
        where: { caseNumber: input.caseNumber, decision: 'granted' },
        data: { decision: 'withdrawn' },
      });
    },
  };
}

/** 公示 (Art. 49, 50): the notice published, its objections, its items settled, closed. */
function publicNoticeActivities({ db, policy: policies, calendar }: SubsidyDeps) {
  async function noticeOf(noticeId: string) {
    const n = await db.publicNotice.findUnique({ where: { id: noticeId } });
    if (!n) throw ApplicationFailure.nonRetryable(`notice ${noticeId} is not published`, 'NoticeNotFound');
    return n;
  }

  return {
    /**
     * Art. 49, 50 公示: the list on the agency's public page (Art. 49: employer and amount; Art. 50: name, ID number
     * masked, employer, certificate level, issue date, amount) for the notice period, counted on the working-day
     * calendar from the day after publication. Idempotent: a retry returns the notice as published.
     */
    async publishNotice(input: {
      noticeId: string;
      kind: NoticeKind;
      agencyCode: string;
      caseNumbers: string[];
      at: string;
    }): Promise<PublishedNotice> {
      const existing = await db.publicNotice.findUnique({ where: { id: input.noticeId }, include: { items: true } });
      if (!existing) {
        const at = new Date(input.at);
        const start = businessDateOf(at);
        const due = deadlineFor(await policies.current(), NOTICE_KEY[input.kind], start, await calendar.current());
        const agency = await db.agency.findUnique({ where: { code: input.agencyCode } });
        const items: { caseNumber: string; display: unknown; amountFen: number }[] = [];
        if (input.kind === 'job_retention_refund') {
          const rows = await db.jobRetentionCase.findMany({ where: { caseNumber: { in: input.caseNumbers } } });
          const by = new Map(rows.map((r) => [r.caseNumber, r]));
          for (const c of input.caseNumbers) {
            const r = by.get(c);
            if (!r) throw ApplicationFailure.nonRetryable(`case ${c} has no employer`, 'CaseNotFound');
            items.push({
              caseNumber: c,
              display: { employerName: r.employerName, year: r.year },
              amountFen: r.amountFen,
            });
          }
        } else {
          const rows = await db.skillSubsidyClaim.findMany({ where: { caseNumber: { in: input.caseNumbers } } });
          const by = new Map(rows.map((r) => [r.caseNumber, r]));
          for (const c of input.caseNumbers) {
            const r = by.get(c);
            if (!r) throw ApplicationFailure.nonRetryable(`case ${c} has no application`, 'CaseNotFound');
            items.push({
              caseNumber: c,
              display: {
                name: r.name,
                idNumberMasked: maskIdNumber(r.idNumber),
                // Art. 50 职工所在企业: the person's insured employer on record, not the one the application declared.
                employerName: r.insuredEmployerName ?? r.employerName,
                level: r.level ? (CERTIFICATE_LEVEL_LABELS[r.level] ?? r.level) : null,
                issueDate: r.issueDate ? isoDate(r.issueDate) : null,
              },
              amountFen: r.amountFen ?? 0,
            });
          }
        }
        const title = `${agency?.name ?? input.agencyCode}${input.kind === 'job_retention_refund' ? '稳岗返还' : '技能提升补贴'}公示`;
        await db.$transaction(async (tx) => {
          // The notice is filed like a case (its verification tasks and timeline hang on it).
          await openCase(tx, {
            caseNumber: input.noticeId,
            caseType: 'public_notice',
            status: 'in_notice',
            agencyCode: input.agencyCode,
            at,
          });
          await tx.publicNotice.createMany({
            data: [
              {
                id: input.noticeId,
                kind: input.kind,
                agencyCode: input.agencyCode,
                title,
                startDate: dbDate(start),
                endDate: dbDate(due.dueDate),
                endsAt: new Date(due.dueInstant),
                status: 'open',
                publishedAt: at,
              },
            ],
            skipDuplicates: true,
          });
          await tx.publicNoticeItem.createMany({
            data: items.map((x, i) => ({
              noticeId: input.noticeId,
              itemNo: i + 1,
              caseNumber: x.caseNumber,
              display: asJson(x.display),
              amountFen: x.amountFen,
              status: 'listed',
              updatedAt: at,
            })),
            skipDuplicates: true,
          });
          await tx.caseEvent.createMany({
            data: input.caseNumbers.map((c) => ({
              caseNumber: c,
              eventKey: `${c}/notice_published/${input.noticeId}`,
              type: 'notice_published',
              at,
              actor: 'system',
              data: asJson({
                noticeId: input.noticeId,
                endDate: due.dueDate,
                article: input.kind === 'job_retention_refund' ? 'Art. 49' : 'Art. 50',
              }),
            })),
            skipDuplicates: true,
          });
        });
      }
      const n = await db.publicNotice.findUniqueOrThrow({ where: { id: input.noticeId }, include: { items: true } });
      return {
        startDate: isoDate(n.startDate),
        endDate: isoDate(n.endDate),
        endsAt: n.endsAt.toISOString(),
        items: n.items.sort((a, b) => a.itemNo - b.itemNo).map((i) => ({ itemNo: i.itemNo, caseNumber: i.caseNumber })),
      };
    },

    /** The period of a published notice (it may still be being published: retried until it is). */
    async noticePeriod(input: { noticeId: string }): Promise<{ startDate: string; endDate: string; endsAt: string }> {
      const n = await db.publicNotice.findUnique({ where: { id: input.noticeId } });
      if (!n)
        throw ApplicationFailure.retryable(`notice ${input.noticeId} is not published yet`, 'NoticeNotYetPublished');
      return { startDate: isoDate(n.startDate), endDate: isoDate(n.endDate), endsAt: n.endsAt.toISOString() };
    },

    /** Art. 49, 50 经公示有异议: the objection is kept and holds its item (only that item). */
    async recordNoticeObjection(input: {
      objectionId: string;
      noticeId: string;
      itemNo: number;
      reason: string;
      contact: string | null;
      at: string;
    }): Promise<void> {
      const at = new Date(input.at);
      const item = await db.publicNoticeItem.findUnique({
        where: { noticeId_itemNo: { noticeId: input.noticeId, itemNo: input.itemNo } },
      });
      if (!item)
        throw ApplicationFailure.nonRetryable(`notice ${input.noticeId} has no item ${input.itemNo}`, 'ItemNotFound');
      await db.$transaction([
        db.noticeObjection.createMany({
          data: [
            {
              id: input.objectionId,
              noticeId: input.noticeId,
              itemNo: input.itemNo,
              reason: input.reason,
              contact: input.contact,
              at,
            },
          ],
          skipDuplicates: true,
        }),
        db.publicNoticeItem.updateMany({
          where: { noticeId: input.noticeId, itemNo: input.itemNo, status: 'listed' },
          data: { status: 'held', updatedAt: at },
        }),
        db.caseEvent.createMany({
          data: [
            {
              caseNumber: item.caseNumber,
              eventKey: `${item.caseNumber}/notice_objection/${input.objectionId}`,
              type: 'notice_objection',
              at,
              actor: 'public',
              // The objector's contact is not copied to the case timeline.
              data: asJson({ noticeId: input.noticeId, itemNo: input.itemNo, reason: input.reason }),
            },
          ],
          skipDuplicates: true,
        }),
      ]);
    },

    /** An item's outcome: released to payment, or withdrawn after a founded objection. */
    async settleNoticeItems(input: {
      noticeId: string;
      itemNos: number[];
      status: 'released' | 'withdrawn';
      at: string;
    }): Promise<void> {
      await noticeOf(input.noticeId);
      await db.publicNoticeItem.updateMany({
        where: { noticeId: input.noticeId, itemNo: { in: input.itemNos }, status: { in: ['listed', 'held'] } },
        data: { status: input.status, updatedAt: new Date(input.at) },
      });
    },

    /** The period is over: the notice is closed (it stays on the public page with its items' outcomes). */
    async closeNotice(input: { noticeId: string; at: string }): Promise<void> {
      await db.$transaction([
        db.publicNotice.updateMany({
          where: { id: input.noticeId, status: 'open' },
          data: { status: 'closed', closedAt: new Date(input.at) },
        }),
        db.case.updateMany({
          where: { caseNumber: input.noticeId },
          data: { status: 'closed', updatedAt: new Date(input.at) },
        }),
      ]);
    },
  };
}
