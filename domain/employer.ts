/**
 * The kinds of employer (用人单位) the tax system records (Art. 20 registration; Art. 49: the job-retention refund is
 * not for public institutions funded by the budget). The integration's schema and the subsidies' rules share this list.
 */
export const EMPLOYER_TYPES = [
  'enterprise',
  'public_institution',
  'social_organization',
  'private_non_enterprise',
  'individual_business',
] as const;

export type EmployerType = (typeof EMPLOYER_TYPES)[number];
