/**
 * The entitlement record (权益记录, Art. 29-33) assembled from the register, the contributions and the benefits held in
 * the read model. Pure shape and rules: domain/records/record.ts.
 *
 * Contributions are the records the agency keeps (Art. 24, 25), read through `RecordContributionSource`: the API
 * builds it on the determination's own reader (activities/contributions.ts `refreshedContributionsOf`, the person's
 * records refreshed from tax when not yet synced), so the record a person prints lists the months a determination used
 * (Art. 38), each with its version and source.
 *
 * Every query runs on an index: insured_person (person_number, id_number), insurance_relation (person_number;
 * register_number, status), benefit_claim (id_number), benefit_period (case_number), payable (period_id, …),
 * other_benefit_claim (id_number), skill_subsidy_claim (id_number), job_retention_case (uscc, year).
 */
import {
  CERTIFICATE_LEVEL_LABELS,
  OTHER_BENEFIT_LABELS,
  PERSON_STATUS_LABELS,
  RELATION_STATUS_LABELS,
  sortContributions,
  summarizeContributions,
  TERMINATION_REASON_LABELS,
  type ContributionLine,
  type EmployerContributionMonth,
  type EmployerRecord,
  type GrantEntry,
  type PersonRecord,
} from '../domain/records/record';
import { EMPLOYER_STATUS_LABELS } from '../domain/register/items';
import { SEPARATION_REASON_LABELS, type SeparationReason } from '../domain/separation';
import type { IsoDate } from '../domain/calendar';
import { isoDate, type Db } from './db';

/** A kept contribution record as the record lists it (activities/contributions.ts `KeptContributionRecord`). */
export interface KeptContributionLine {
  employerUscc: string;
  employerName: string;
  month: string;
  contributionBaseFen: number;
  amountPaidFen: number;
  receiptDate: string;
  backPayment: boolean;
  /** 1 as tax first passed it on; higher when tax revised it or a correction replaced it (Art. 28). */
  version: number;
  /** feed (the sync) | person_pull (refreshed for a reader) | … */
  source: string;
}

/** Art. 25 单位缴费信息 of one month (activities/contributions.ts `EmployerMonthForReaders`). */
export interface KeptEmployerMonth {
  month: string;
  insuredCount: number;
  baseTotalFen: number;
  amountPaidTotalFen: number;
  receiptDate: string;
}

/** Where the record's contributions come from: the records the agency keeps (Art. 24, 25). */
export interface RecordContributionSource {
  /** The person's current records, refreshed from tax when not yet synced (the determination's reader, Art. 38). */
  personContributions(idNumber: string): Promise<KeptContributionLine[]>;
  /** The employer's months; null when neither the kept records nor tax know the employer. */
  employerContributions(uscc: string): Promise<KeptEmployerMonth[] | null>;
}

/** Art. 25, 29: the person's contribution records, every employer, each employer's month once, version and source. */
export async function contributionsForRecord(
  source: RecordContributionSource,
  idNumber: string,
): Promise<ContributionLine[]> {
  const records = await source.personContributions(idNumber);
  return sortContributions(
    records.map((r) => ({
      month: r.month,
      employerUscc: r.employerUscc,
      employerName: r.employerName,
      baseFen: r.contributionBaseFen,
      amountFen: r.amountPaidFen,
      receiptDate: r.receiptDate,
      backPayment: r.backPayment,
      version: r.version,
      source: r.source,
    })),
  );
}

/** Art. 25, 29: the employer's contributions per month (headcount, total base, amount paid, receipt date). */
export async function employerContributionsForRecord(
  source: RecordContributionSource,
  uscc: string,
): Promise<EmployerContributionMonth[]> {
  const months = await source.employerContributions(uscc);
  return (months ?? [])
    .map((m) => ({
      month: m.month,
      insuredCount: m.insuredCount,
      baseTotalFen: m.baseTotalFen,
      amountFen: m.amountPaidTotalFen,
      receiptDate: m.receiptDate,
    }))
    .sort((a, b) => (a.month < b.month ? -1 : 1));
}

/** The statuses of the cases a record lists, in the 规程's words. */
export type StatusLabels = Record<string, string>;

const label = (labels: StatusLabels, s: string) => labels[s] ?? s;
const amountOf = (assessment: unknown): number | null => {
  const a = assessment as { totalFen?: unknown; amountFen?: unknown } | null;
  const v = a?.totalFen ?? a?.amountFen;
  return typeof v === 'number' ? v : null;
};

/** The person's record, or null when the register has no such person (Art. 29, 32, 33). */
export async function personRecord(
  db: Db,
  source: RecordContributionSource,
  q: { personNumber?: string; idNumber?: string; asOf: IsoDate; statusLabels: StatusLabels },
  scope: { kind: 'full' } | { kind: 'employer'; registerNumbers: string[]; uscc: string } = { kind: 'full' },
): Promise<PersonRecord | null> {
  const person = await db.insuredPerson.findUnique({
    where: q.personNumber ? { personNumber: q.personNumber } : { idNumber: q.idNumber! },
  });
  if (!person) return null;
  const employerOnly = scope.kind === 'employer';
  const [relations, contributions, claims, others, skills] = await Promise.all([
    db.insuranceRelation.findMany({
      where: {
        personNumber: person.personNumber,
        ...(employerOnly ? { registerNumber: { in: scope.registerNumbers } } : {}),
      },
      include: { employer: { select: { name: true, code: true } } },
      orderBy: [{ hiredOn: 'asc' }, { id: 'asc' }],
    }),
    contributionsForRecord(source, person.idNumber),
    employerOnly
      ? []
      : db.benefitClaim.findMany({
          where: { idNumber: person.idNumber },
          select: { caseNumber: true, case: { select: { status: true } } },
          orderBy: { submittedAt: 'asc' },
        }),
    employerOnly
      ? []
      : db.otherBenefitClaim.findMany({
          where: { idNumber: person.idNumber },
          select: { caseNumber: true, kind: true, eventDate: true, assessment: true },
          orderBy: { submittedAt: 'asc' },
        }),
    employerOnly
      ? []
      : db.skillSubsidyClaim.findMany({
          where: { idNumber: person.idNumber },
          select: {
            caseNumber: true,
            occupation: true,
            level: true,
            issueDate: true,
            decision: true,
            amountFen: true,
          },
          orderBy: { submittedAt: 'asc' },
        }),
  ]);

  const caseNumbers = [
    ...claims.map((c) => c.caseNumber),
    ...others.map((o) => o.caseNumber),
    ...skills.map((s) => s.caseNumber),
  ];
  const periodIds = claims.map((c) => `${c.caseNumber}.P`);
  const [periods, payments, cases] = await Promise.all([
    periodIds.length ? db.benefitPeriod.findMany({ where: { id: { in: periodIds } } }) : [],
    periodIds.length
      ? db.payable.findMany({
          where: { periodId: { in: periodIds }, status: 'paid' },
          select: { periodId: true, kind: true, month: true, amountFen: true },
          orderBy: [{ periodId: 'asc' }, { month: 'asc' }],
        })
      : [],
    caseNumbers.length
      ? db.case.findMany({ where: { caseNumber: { in: caseNumbers } }, select: { caseNumber: true, status: true } })
      : [],
  ]);
  const statusOf = new Map(cases.map((c) => [c.caseNumber, c.status]));

  const shownContributions = employerOnly ? contributions.filter((c) => c.employerUscc === scope.uscc) : contributions;
  const terminated =
    person.status === 'terminated' && person.terminatedOn && person.terminationReason
      ? {
          on: isoDate(person.terminatedOn),
          reason: person.terminationReason,
          reasonLabel: TERMINATION_REASON_LABELS[person.terminationReason] ?? person.terminationReason,
        }
      : null;

  return {
    kind: 'person',
    scope: scope.kind,
    asOf: q.asOf,
    person: {
      personNumber: person.personNumber,
      name: person.name,
      idType: person.idType,
      idNumber: person.idNumber,
      sex: person.sex,
      birthDate: isoDate(person.birthDate),
      insuredSince: isoDate(person.insuredSince),
      agencyCode: person.agencyCode,
      status: person.status,
      statusLabel: PERSON_STATUS_LABELS[person.status] ?? person.status,
      terminated,
    },
    relations: relations.map((r) => ({
      registerNumber: r.registerNumber,
      employerName: r.employer.name,
      employerCode: r.employer.code,
      hiredOn: isoDate(r.hiredOn),
      status: r.status,
      statusLabel: RELATION_STATUS_LABELS[r.status] ?? r.status,
      endedOn: r.endedOn ? isoDate(r.endedOn) : null,
      separationReason: r.separationReason,
      separationReasonLabel: r.separationReason
        ? (SEPARATION_REASON_LABELS[r.separationReason as SeparationReason] ?? r.separationReason)
        : null,
    })),
    contributions: { summary: summarizeContributions(shownContributions), records: shownContributions },
    benefits: claims.map((c) => {
      const id = `${c.caseNumber}.P`;
      const p = periods.find((x) => x.id === id);
      const mine = payments.filter((x) => x.periodId === id);
      const paid = mine
        .filter((x) => x.kind === 'unemployment_benefit')
        .map((x) => ({ month: x.month, amountFen: x.amountFen }));
      const premiums = mine.filter((x) => x.kind === 'medical_premium');
      return {
        caseNumber: c.caseNumber,
        status: c.case.status,
        statusLabel: label(q.statusLabels, c.case.status),
        period: p
          ? {
              startDate: isoDate(p.startDate),
              endDate: isoDate(p.endDate),
              months: p.months,
              monthlyAmountFen: p.monthlyAmountFen,
              status: p.status,
              statusLabel: PERIOD_STATUS_LABELS[p.status] ?? p.status,
            }
          : null,
        paid,
        paidTotalFen: paid.reduce((n, x) => n + x.amountFen, 0),
        medicalPremiums: { months: premiums.length, totalFen: premiums.reduce((n, x) => n + x.amountFen, 0) },
      };
    }),
    otherBenefits: others.map((o): GrantEntry => ({
      caseNumber: o.caseNumber,
      kind: o.kind,
      kindLabel: OTHER_BENEFIT_LABELS[o.kind] ?? o.kind,
      status: statusOf.get(o.caseNumber) ?? 'unknown',
      statusLabel: label(q.statusLabels, statusOf.get(o.caseNumber) ?? 'unknown'),
      amountFen: amountOf(o.assessment),
      date: isoDate(o.eventDate),
      detail: null,
    })),
    skillSubsidies: skills.map((s): GrantEntry => ({
      caseNumber: s.caseNumber,
      kind: 'skill_subsidy',
      kindLabel: '技能提升补贴',
      status: statusOf.get(s.caseNumber) ?? 'unknown',
      statusLabel: label(q.statusLabels, statusOf.get(s.caseNumber) ?? 'unknown'),
      amountFen: s.decision === 'granted' ? s.amountFen : null,
      date: s.issueDate ? isoDate(s.issueDate) : null,
      detail:
        [s.occupation, s.level ? (CERTIFICATE_LEVEL_LABELS[s.level] ?? s.level) : null].filter(Boolean).join(' ') ||
        null,
    })),
  };
}

const PERIOD_STATUS_LABELS: Record<string, string> = { active: '领取中', stopped: '已停发', completed: '已领取完毕' };

/** The employer's record (Art. 29): its registration, staff relations, contributions and job-retention refunds. */
export async function employerRecord(
  db: Db,
  source: RecordContributionSource,
  q: { registerNumber: string; asOf: IsoDate; statusLabels: StatusLabels },
): Promise<EmployerRecord | null> {
  const e = await db.employer.findUnique({ where: { registerNumber: q.registerNumber } });
  if (!e) return null;
  const [relations, months, refunds] = await Promise.all([
    db.insuranceRelation.findMany({
      where: { registerNumber: e.registerNumber },
      include: { person: { select: { name: true } } },
      orderBy: [{ hiredOn: 'asc' }, { id: 'asc' }],
      take: 5000,
    }),
    e.codeType === 'uscc' ? employerContributionsForRecord(source, e.code) : [],
    e.codeType === 'uscc'
      ? db.jobRetentionCase.findMany({
          where: { uscc: e.code },
          select: { caseNumber: true, year: true, amountFen: true, outcome: true },
          orderBy: { year: 'asc' },
        })
      : [],
  ]);
  const statuses = refunds.length
    ? await db.case.findMany({
        where: { caseNumber: { in: refunds.map((r) => r.caseNumber) } },
        select: { caseNumber: true, status: true },
      })
    : [];
  const statusOf = new Map(statuses.map((c) => [c.caseNumber, c.status]));
  const counts: Record<string, number> = {};
  for (const r of relations) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    kind: 'employer',
    asOf: q.asOf,
    employer: {
      registerNumber: e.registerNumber,
      name: e.name,
      codeType: e.codeType,
      code: e.code,
      agencyCode: e.agencyCode,
      insuredSince: isoDate(e.insuredSince),
      status: e.status,
      statusLabel: EMPLOYER_STATUS_LABELS[e.status as keyof typeof EMPLOYER_STATUS_LABELS] ?? e.status,
      ended: e.endedOn ? { on: isoDate(e.endedOn), reason: e.endReason } : null,
    },
    staff: {
      counts,
      members: relations.map((r) => ({
        personNumber: r.personNumber,
        name: r.person.name,
        hiredOn: isoDate(r.hiredOn),
        status: r.status,
        statusLabel: RELATION_STATUS_LABELS[r.status] ?? r.status,
        endedOn: r.endedOn ? isoDate(r.endedOn) : null,
      })),
    },
    contributions: {
      months,
      totalAmountFen: months.reduce((n, m) => n + m.amountFen, 0),
      from: months[0]?.month ?? null,
      to: months.at(-1)?.month ?? null,
    },
    jobRetentionRefunds: refunds.map((r) => {
      const status = statusOf.get(r.caseNumber) ?? 'unknown';
      return {
        caseNumber: r.caseNumber,
        kind: 'job_retention_refund',
        kindLabel: `稳岗返还（${r.year}年度）`,
        status,
        statusLabel: label(q.statusLabels, status),
        amountFen: r.outcome ? null : r.amountFen,
        date: null,
        detail: r.outcome ? null : null,
      };
    }),
  };
}
