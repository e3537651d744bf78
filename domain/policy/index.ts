/** Dated policy parameters: schemas (validation of policy/*.json) and resolution on a date. Pure. */
export * from './schemas';
export * from './resolve';
