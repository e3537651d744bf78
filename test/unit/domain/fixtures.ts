import type {
  ChildbirthSubsidyInput,
  JobRetentionInput,
  SkillSubsidyInput,
  SurvivorBenefitInput,
} from '../../../domain/calculators';

/** A monthly benefit of 1895.50 yuan (沈阳, 2230 × 85 %). */
export const MONTHLY = 189550;

export const childbirthCase: ChildbirthSubsidyInput = {
  sex: 'female',
  birthDate: '2026-03-10',
  benefitFirstMonth: '2026-01',
  benefitLastMonth: '2026-12',
  compliesWithFamilyPlanning: true,
  materials: { birthRegistration: true, medicalBirthCertificate: true, hospitalBills: true },
  monthlyBenefitInBirthMonthFen: MONTHLY,
  entitledMonths: 12,
  monthsPaidBeforeBirth: 2,
};

export const survivorCase: SurvivorBenefitInput = {
  dateOfDeath: '2026-04-18',
  benefitFirstMonth: '2026-01',
  benefitLastMonth: '2026-12',
  monthlyBenefitFen: MONTHLY,
  deathMonthBenefitPaid: false,
  chosenScheme: 'unemployment',
  paidByOtherScheme: false,
  materials: { survivorIdentity: true, deathCertificate: true, relationshipProof: true },
};

export const skillCase: SkillSubsidyInput = {
  insuredActive: true,
  cumulativeContributionMonths: 12,
  certificate: { occupation: '6-31-01-03 电工', level: 'junior', issueDate: '2024-03-01', verified: true },
  previousClaims: [],
};

export const retentionCase: JobRetentionInput = {
  size: 'sme',
  insuredCount: 200,
  layoffCount: 11,
  excludedFromLayoffRate: 0,
  monthsPaidInFull: 12,
  contributionsPaidLastYearFen: 1_234_567,
  onSeriousDishonestyList: false,
};
