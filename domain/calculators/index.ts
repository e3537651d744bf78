/** Calculators of the 规程's benefits and subsidies; each returns { result, explanation }. Pure. */
export * from './eligibility';
export * from './benefit';
export * from './childbirth-subsidy';
export * from './survivor-benefits';
export * from './skill-subsidy';
export * from './job-retention';
export * from './price-subsidy';
export * from './overpayment';
