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
