/**
 * Structured JSON logs (pino). Personal data never goes to logs: the redact list removes the fields that carry it
 * wherever they appear, and code logs case numbers, never ID numbers, names or phones.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const PERSONAL_DATA_PATHS = [
  'idNumber',
  'phone',
  'accountNumber',
  'applicant',
  '*.idNumber',
  '*.phone',
  '*.accountNumber',
  '*.applicant',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: PERSONAL_DATA_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
