/**
 * What a case view shows of the application behind it, by case type, masked as a claim is (Art. 30: a person's
 * entitlement records are not disclosed to others): the same sections for staff, for the person and for the employer
 * it belongs to (Art. 31).
 */
import { z } from 'zod';
import { maskIdNumber, maskTail } from '../../domain/identity';
import { isoDate, type Db } from '../../lib/db';

/** 张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, as on public notices. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

const MaskedPersonSchema = z.object({
  idType: z.string(),
  idNumberMasked: z.string(),
  nameMasked: z.string(),
  phoneMasked: z.string(),
});
const MaskedPaymentSchema = z.object({
  method: z.string(),
  bankName: z.string().nullable(),
  accountNumberMasked: z.string(),
});
const EmployerSchema = z.object({ uscc: z.string(), name: z.string() });

export const CaseSectionsSchema = z.object({
  /** 技能提升补贴 (Art. 50): the declared employer and the insured one on record, which prevails. */
  skillSubsidy: z
    .object({
      channel: z.string(),
      appliedBy: z.string(),
      employee: MaskedPersonSchema,
      employer: z.object({
        declared: EmployerSchema,
        recorded: EmployerSchema.extend({ agencyCode: z.string().nullable() }).nullable(),
        conflict: z.boolean(),
      }),
      certificateNumberMasked: z.string(),
      occupation: z.string().nullable(),
      level: z.string().nullable(),
      issueDate: z.string().nullable(),
      decision: z.string().nullable(),
      amountFen: z.number().int().nullable(),
      payment: MaskedPaymentSchema,
      submittedAt: z.string(),
    })
    .nullable(),
  /** 医疗补助金, 丧葬补助金和抚恤金 (Art. 46, 47). */
  otherBenefit: z
    .object({
      kind: z.string(),
      benefitCaseNumber: z.string(),
      channel: z.string(),
      applicant: MaskedPersonSchema,
      relationship: z.string().nullable(),
      eventDate: z.string(),
      payment: MaskedPaymentSchema,
      submittedAt: z.string(),
    })
    .nullable(),
  /** 稳岗返还 (Art. 49). */
  jobRetention: z
    .object({
      source: z.string(),
      employer: EmployerSchema,
      year: z.number().int(),
      amountFen: z.number().int(),
      outcome: z.string().nullable(),
      accountNumberMasked: z.string(),
      createdAt: z.string(),
    })
    .nullable(),
  /** 复核 (Art. 13). */
  objection: z
    .object({
      originalCaseNumber: z.string(),
      subject: z.string(),
      objector: z.string(),
      status: z.string(),
      filedAt: z.string(),
      dueDate: z.string(),
      conclusion: z.unknown(),
      reconsiderationUntil: z.string().nullable(),
      litigationUntil: z.string().nullable(),
    })
    .nullable(),
});
export type CaseSections = z.infer<typeof CaseSectionsSchema>;

const person = (p: { idType: string; idNumber: string; name: string; phone: string }) => ({
  idType: p.idType,
  idNumberMasked: maskIdNumber(p.idNumber),
  nameMasked: maskName(p.name),
  phoneMasked: maskTail(p.phone),
});
const payment = (p: { paymentMethod: string; bankName: string | null; accountNumber: string }) => ({
  method: p.paymentMethod,
  bankName: p.bankName,
  accountNumberMasked: maskTail(p.accountNumber),
});

/** The sections of the case `caseNumber` of `caseType`; the one that applies is filled, the others null. */
export async function caseSections(db: Db, caseNumber: string, caseType: string): Promise<CaseSections> {
  const out: CaseSections = {
    skillSubsidy: null,
    otherBenefit: null,
    jobRetention: null,
    objection: null,
  };
  if (caseType === 'skill_subsidy') {
    const s = await db.skillSubsidyClaim.findUnique({ where: { caseNumber } });
    if (s)
      out.skillSubsidy = {
        channel: s.channel,
        appliedBy: s.appliedBy,
        employee: person(s),
        employer: {
          declared: { uscc: s.employerUscc, name: s.employerName },
          recorded: s.insuredEmployerUscc
            ? { uscc: s.insuredEmployerUscc, name: s.insuredEmployerName ?? '', agencyCode: s.insuredAgencyCode }
            : null,
          conflict: !!s.insuredEmployerUscc && s.insuredEmployerUscc !== s.employerUscc,
        },
        certificateNumberMasked: maskTail(s.certificateNumber),
        occupation: s.occupation,
        level: s.level,
        issueDate: s.issueDate ? isoDate(s.issueDate) : null,
        decision: s.decision,
        amountFen: s.amountFen,
        payment: payment(s),
        submittedAt: s.submittedAt.toISOString(),
      };
  } else if (caseType === 'childbirth_subsidy' || caseType === 'survivor_benefits') {
    const o = await db.otherBenefitClaim.findUnique({ where: { caseNumber } });
    if (o)
      out.otherBenefit = {
        kind: o.kind,
        benefitCaseNumber: o.benefitCaseNumber,
        channel: o.channel,
        applicant: person(o),
        relationship: o.relationship,
        eventDate: isoDate(o.eventDate),
        payment: payment(o),
        submittedAt: o.submittedAt.toISOString(),
      };
  } else if (caseType === 'job_retention_refund') {
    const j = await db.jobRetentionCase.findUnique({ where: { caseNumber } });
    if (j)
      out.jobRetention = {
        source: j.source,
        employer: { uscc: j.uscc, name: j.employerName },
        year: j.year,
        amountFen: j.amountFen,
        outcome: j.outcome,
        accountNumberMasked: maskTail(j.accountNumber),
        createdAt: j.createdAt.toISOString(),
      };
  } else if (caseType === 'objection_review') {
    const o = await db.objection.findUnique({ where: { caseNumber } });
    if (o)
      out.objection = {
        originalCaseNumber: o.originalCaseNumber,
        subject: o.subject,
        objector: o.objector,
        status: o.status,
        filedAt: o.filedAt.toISOString(),
        dueDate: isoDate(o.dueDate),
        conclusion: o.conclusion,
        reconsiderationUntil: o.reconsiderationUntil ? isoDate(o.reconsiderationUntil) : null,
        litigationUntil: o.litigationUntil ? isoDate(o.litigationUntil) : null,
      };
  }
  return out;
}
