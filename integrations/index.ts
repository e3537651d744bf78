/** The external systems: configuration, the client of each, and the error every client raises. */
export { createSourceClients, parseSourceConfig, SourceConfigError, SOURCE_PREFIXES } from './config';
export type { SourceClients, SourceConfig, SourceEndpoint } from './config';
export { SourceError, SOURCE_FAILURE_TYPES, SOURCE_NAMES, toActivityFailure, redact } from './errors';
export type { SourceErrorKind, SourceName } from './errors';
export type { CallOptions } from './http';
export type * from './tax';
export type * from './hukou';
export type * from './civil';
export type * from './pension';
export type * from './medical';
export type * from './employment';
export type * from './certificates';
export type * from './credit';
export type * from './bank';
export type * from './sms';
export type * from './transfer';
