// The workflows the worker registers. Each is a case type of the 规程.
export { benefitClaim } from './benefit-claim';
export { cityPaymentCycle, monthlyCheck, paymentRun } from './payments';
export { benefitPeriod } from './benefit-period';
export { objectionReview } from './objection-review';
export { determinationRevocation } from './determination-revocation';
export { overpaymentRecovery } from './overpayment-recovery';
export { otherBenefit } from './other-benefit';
export { monitoringRun, monitoringItemVerification } from './monitoring';
export { dataCorrection } from './data-correction';
export { publicNotice } from './public-notice';
export { jobRetentionScreening, jobRetentionRefund } from './job-retention';
export { skillSubsidy } from './skill-subsidy';
export { calendarYear, calendarCheck } from './calendar-year';
export { employerDeregistration, employerRegistration } from './employer-registration';
export { employerChange } from './employer-change';
export { contributionSync, contributionReconciliation } from './contribution-sync';
