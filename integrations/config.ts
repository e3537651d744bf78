/**
 * Where the external systems are and how to reach them, from environment variables (parsed by zod at start-up).
 *
 *   SIMULATOR_URL              base of the simulators (default http://127.0.0.1:4010); each system at its prefix
 *   SOURCE_<SYSTEM>_URL        full base URL of one system, overriding the simulator (e.g. SOURCE_TAX_URL)
 *   SOURCE_<SYSTEM>_TOKEN      bearer token for one system (optional)
 *   SOURCE_TIMEOUT_MS          timeout per request (default 10000); SOURCE_<SYSTEM>_TIMEOUT_MS per system
 *   BANK_SIGNING_KEY_ID        names the bank key (default `dev`)
 *   BANK_SIGNING_KEY           the shared HMAC key (>= 32 characters); unset: bank calls are refused
 *
 * Secrets (tokens, the bank key) come only from the environment; nothing here has a secret default, and a
 * configuration error names the variable but never echoes its value.
 */
import { z } from 'zod';
import { BankClient } from './bank';
import { CertificatesClient } from './certificates';
import { CivilAffairsClient } from './civil';
import { EmploymentClient } from './employment';
import { SOURCE_NAMES } from './errors';
import type { SourceName } from './errors';
import { HukouClient } from './hukou';
import { SourceHttpClient } from './http';
import { InjuryClient } from './injury';
import { MedicalClient } from './medical';
import { PensionClient } from './pension';
import { SmsClient } from './sms';
import { TaxClient } from './tax';
import { TransferClient } from './transfer';
import { CreditClient } from './credit';

export const DEFAULT_SIMULATOR_URL = 'http://127.0.0.1:4010';

/** The simulator's prefix of each system. */
export const SOURCE_PREFIXES: Record<SourceName, string> = {
  tax: '/tax',
  hukou: '/hukou',
  civil: '/civil',
  pension: '/pension',
  injury: '/injury',
  medical: '/medical',
  employment: '/employment',
  certificates: '/certificates',
  credit: '/credit',
  bank: '/bank',
  sms: '/sms',
  transfer: '/transfer',
};

/** Empty variables count as unset (as docker compose and shells often leave them). */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const httpUrl = z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional());
const timeout = z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(600_000).optional());
const token = z.preprocess(unsetIfEmpty, z.string().min(1).optional());

const envName = (source: SourceName) => `SOURCE_${source.toUpperCase()}`;

const perSourceShape = Object.fromEntries(
  SOURCE_NAMES.flatMap((source) => [
    [`${envName(source)}_URL`, httpUrl],
    [`${envName(source)}_TOKEN`, token],
    [`${envName(source)}_TIMEOUT_MS`, timeout],
  ]),
) as Record<string, typeof httpUrl | typeof token | typeof timeout>;

export const sourceEnvSchema = z.object({
  SIMULATOR_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).default(DEFAULT_SIMULATOR_URL)),
  SOURCE_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(600_000).default(10_000)),
  BANK_SIGNING_KEY_ID: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .default('dev'),
  ),
  BANK_SIGNING_KEY: z.preprocess(unsetIfEmpty, z.string().min(32, 'must be at least 32 characters').optional()),
  ...perSourceShape,
});

export interface SourceEndpoint {
  baseUrl: string;
  timeoutMs: number;
  token?: string;
}

export interface SourceConfig {
  sources: Record<SourceName, SourceEndpoint>;
  bank: { keyId: string; key: string | undefined };
}

export class SourceConfigError extends Error {
  override readonly name = 'SourceConfigError';
}

/** Parses the environment (default `process.env`); throws a SourceConfigError naming each bad variable. */
export function parseSourceConfig(env: Record<string, string | undefined> = process.env): SourceConfig {
  const parsed = sourceEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new SourceConfigError(`invalid source configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data as Record<string, unknown> & z.infer<typeof sourceEnvSchema>;
  const simulator = values.SIMULATOR_URL.replace(/\/+$/, '');
  const sources = Object.fromEntries(
    SOURCE_NAMES.map((source) => {
      const url = values[`${envName(source)}_URL`] as string | undefined;
      const sourceToken = values[`${envName(source)}_TOKEN`] as string | undefined;
      const sourceTimeout = values[`${envName(source)}_TIMEOUT_MS`] as number | undefined;
      const endpoint: SourceEndpoint = {
        baseUrl: url ?? simulator + SOURCE_PREFIXES[source],
        timeoutMs: sourceTimeout ?? values.SOURCE_TIMEOUT_MS,
      };
      if (sourceToken !== undefined) endpoint.token = sourceToken;
      return [source, endpoint];
    }),
  ) as Record<SourceName, SourceEndpoint>;
  return { sources, bank: { keyId: values.BANK_SIGNING_KEY_ID, key: values.BANK_SIGNING_KEY } };
}

export interface SourceClients {
  tax: TaxClient;
  hukou: HukouClient;
  civil: CivilAffairsClient;
  pension: PensionClient;
  injury: InjuryClient;
  medical: MedicalClient;
  employment: EmploymentClient;
  certificates: CertificatesClient;
  credit: CreditClient;
  bank: BankClient;
  sms: SmsClient;
  transfer: TransferClient;
}

/** One client per system, each with its base URL, timeout and token from the configuration. */
export function createSourceClients(config: SourceConfig): SourceClients {
  const http = (source: SourceName) => {
    const endpoint = config.sources[source];
    return new SourceHttpClient({
      source,
      baseUrl: endpoint.baseUrl,
      timeoutMs: endpoint.timeoutMs,
      ...(endpoint.token === undefined ? {} : { headers: { authorization: `Bearer ${endpoint.token}` } }),
    });
  };
  return {
    tax: new TaxClient(http('tax')),
    hukou: new HukouClient(http('hukou')),
    civil: new CivilAffairsClient(http('civil')),
    pension: new PensionClient(http('pension')),
    injury: new InjuryClient(http('injury')),
    medical: new MedicalClient(http('medical')),
    employment: new EmploymentClient(http('employment')),
    certificates: new CertificatesClient(http('certificates')),
    credit: new CreditClient(http('credit')),
    bank: new BankClient(http('bank'), config.bank),
    sms: new SmsClient(http('sms')),
    transfer: new TransferClient(http('transfer')),
  };
}
