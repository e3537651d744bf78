// The workflows the worker registers. Each is a case type of the 规程.
export { benefitClaim } from './benefit-claim';
