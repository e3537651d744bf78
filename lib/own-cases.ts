/**
 * 记录查询 (Art. 31): whose a case is. A person (signed in by SMS code, Art. 8) owns the cases filed under their ID
 * number and mobile: their claims, other benefits (Art. 46, 47), skill-upgrade subsidies (Art. 50, also when their
 * employer applied), and the objections to any of these (Art. 13). An employer (its agent, Art. 8) owns its
 * job-retention refunds (Art. 49), its back payments (Art. 26), the skill-upgrade subsidies it applied for, and the objections it made to its own
 * cases or to the claims that name it as the last employer. Nobody else's: the API answers those as absent (404).
 * One rule for the list (`GET /my/cases`) and for reading one case (`GET /cases/:caseNumber`).
 */
import type { Db } from './db';

export type Party = { kind: 'person'; idNumber: string; phone: string } | { kind: 'employer'; uscc: string };

/** Who the caller is as a party to cases (Art. 8, 31): a person signed in by SMS code, or an employer's agent. */
export function partyOf(caller: {
  applicant?: { idNumber: string; phone: string } | undefined;
  user?: { roles: readonly string[]; employerUscc?: string | null } | undefined;
}): Party | undefined {
  if (caller.applicant) return { kind: 'person', idNumber: caller.applicant.idNumber, phone: caller.applicant.phone };
  const u = caller.user;
  if (u?.roles.includes('employer_agent') && u.employerUscc) return { kind: 'employer', uscc: u.employerUscc };
  return undefined;
}

const numbers = (rows: { caseNumber: string }[]) => rows.map((r) => r.caseNumber);

/** The case numbers `party` owns (any order). */
export async function ownCaseNumbers(db: Db, party: Party): Promise<string[]> {
  const select = { caseNumber: true } as const;
  if (party.kind === 'person') {
    const who = { idNumber: party.idNumber, phone: party.phone };
    const own = (
      await Promise.all([
        db.benefitClaim.findMany({ where: who, select }),
        db.otherBenefitClaim.findMany({ where: who, select }),
        db.skillSubsidyClaim.findMany({ where: who, select }),
      ])
    ).flatMap(numbers);
    const objections = own.length
      ? await db.objection.findMany({ where: { originalCaseNumber: { in: own } }, select })
      : [];
    return [...own, ...numbers(objections)];
  }
  const [refunds, backPayments, subsidies, objections] = await Promise.all([
    db.jobRetentionCase.findMany({ where: { uscc: party.uscc }, select }),
    db.backPayment.findMany({ where: { employerUscc: party.uscc }, select }),
    db.skillSubsidyClaim.findMany({ where: { appliedBy: 'employer', employerUscc: party.uscc }, select }),
    db.$queryRaw<{ caseNumber: string }[]>`
      SELECT o.case_number AS "caseNumber" FROM objection o
        LEFT JOIN benefit_claim c ON c.case_number = o.original_case_number
        LEFT JOIN job_retention_case j ON j.case_number = o.original_case_number
        LEFT JOIN skill_subsidy_claim s ON s.case_number = o.original_case_number
       WHERE o.objector = 'employer'
         AND (c.employer_uscc = ${party.uscc} OR j.uscc = ${party.uscc}
              OR (s.applied_by = 'employer' AND s.employer_uscc = ${party.uscc}))`,
  ]);
  return [...numbers(refunds), ...numbers(backPayments), ...numbers(subsidies), ...numbers(objections)];
}

/** Whether `party` owns the case `caseNumber`. */
export async function ownsCase(db: Db, party: Party, caseNumber: string): Promise<boolean> {
  return (await ownCaseNumbers(db, party)).includes(caseNumber);
}
