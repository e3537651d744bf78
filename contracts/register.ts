/**
 * The register of employers (Art. 15-18): what the API and the workflows agree on. A workflow of the register is
 * given the register number (单位编号) alone; every item of the registration stays in the read model.
 */

/** Art. 15: the coordination of a new registration with the pension registration. */
export interface EmployerRegistrationInput {
  registerNumber: string;
}

/** Consulted and already registered there, or informed (the registration pushed). */
export type EmployerRegistrationOutcome = 'already_registered' | 'informed';

export const employerRegistrationWorkflowId = (registerNumber: string) => `employer-registration-${registerNumber}`;

/** Art. 15, 18: the deregistration told to the pension registration. */
export const employerDeregistrationWorkflowId = (registerNumber: string) => `employer-deregistration-${registerNumber}`;

/** Art. 17 para 1: a reviewed change of an employer's name, USCC or bank account; its ID is the case number. */
export interface EmployerChangeInput {
  caseNumber: string;
  /** The agency the employer is registered with: its reviewers review. */
  agencyCode: string;
}
