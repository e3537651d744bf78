/**
 * Configuration from environment variables, parsed by zod once at start-up. A bad value stops the process with one
 * line naming the variable and the rule (ConfigError). Defaults are the embedded set-up of the start command.
 */
import { z } from 'zod';

const PORT_RULE = 'must be a port number (1-65535)';
const port = z.coerce.number({ error: PORT_RULE }).int(PORT_RULE).min(1, PORT_RULE).max(65535, PORT_RULE);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Folder for the start command's runtime data (Temporal SQLite, embedded PostgreSQL). */
  DATA_DIR: z.string().min(1).default('.data'),

  /** PostgreSQL to use; unset: the start command runs embedded PostgreSQL in DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgresql:// URL' }).optional(),
  /** Port of the embedded PostgreSQL (only when DATABASE_URL is unset). */
  PG_PORT: port.default(5433),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),

  /** Existing Temporal frontend (host:port); unset: the start command runs the Temporal dev server. */
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ui-cases'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Ports of the dev server that the start command runs (only when TEMPORAL_ADDRESS is unset). */
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Base URL of the Temporal Web UI, for links to cases. */
  TEMPORAL_UI_URL: z.url().optional(),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** How long POST /claims waits for the case to reach the read model before answering 202 instead of 201. */
  API_RECORD_WAIT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Timeout of each dependency check of GET /readyz. */
  READY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2_000),

  /**
   * Sign-in (Art. 95): session lifetime; failures slowed down per account and client (api/auth/throttle.ts): an
   * account from one client address (or a browser it knows) locks after LOGIN_MAX_FAILURES, a client address after
   * LOGIN_MAX_FAILURES_PER_ADDRESS (all accounts), an account for clients it does not know after
   * LOGIN_MAX_FAILURES_PER_ACCOUNT (all addresses); each for LOGIN_LOCK_MINUTES, also the window failures are counted
   * in. A browser stays known to an account LOGIN_DEVICE_DAYS after its last sign-in there. Cookies over HTTPS only.
   */
  SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(480),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(20),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(30),
  LOGIN_DEVICE_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  COOKIE_SECURE: bool.default(false),
  /** Art. 10: the agency's electronic seal (PKCS#12) that signs the 权益记录单; unset: a development seal in DATA_DIR/seal. */
  SEAL_P12_PATH: z.string().min(1).optional(),
  SEAL_P12_PASSWORD: z.string().optional(),
  /** The Chinese font of the 权益记录单 PDF: a TTF/OTF, or a TTC followed by #PostScriptName (lib/pdf/font.ts). */
  RECORD_PDF_FONT: z.string().min(1).optional(),
  /**
   * Proxies in front of the API whose X-Forwarded-For names the client (Express "trust proxy": addresses, CIDRs or
   * loopback/linklocal/uniquelocal, comma-separated). Unset: the client is the connecting address. Sign-in is counted
   * per client address, so behind a proxy this must name it, or every client would share the proxy's address.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, 'must be addresses, CIDRs or loopback/linklocal/uniquelocal, comma-separated')
    .optional(),
  /**
   * Documents (业务材料, Art. 14, 84): where their bytes are kept (postgres: the project's own database, the default;
   * s3: an S3-compatible bucket, S3_BUCKET at S3_ENDPOINT, credentials by the AWS SDK's usual variables), and the
   * largest file taken (bytes; a larger one is 413).
   */
  DOCUMENT_STORE: z.enum(['postgres', 's3']).default('postgres'),
  DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: bool.default(true),
  /** Password of the first administrator, created by the start command when there are no users (else generated). */
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),

  /** The start command runs the simulators of the external systems (integrations/) unless this is false. */
  START_SIMULATORS: bool.default(true),
  SIMULATOR_PORT: port.default(4010),

  /** Where the worker serves the Temporal SDK's Prometheus metrics (host:port, path /metrics). */
  WORKER_METRICS_ADDRESS: hostPort.default('127.0.0.1:9464'),
  /** Prebuilt workflow bundle (the start command builds it once); unset: the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment. Throws ConfigError whose message is one line: `VARIABLE: rule`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const variable = String(first.path[0] ?? 'environment');
    const received = cleaned[variable] === undefined ? '' : ` (got "${cleaned[variable]}")`;
    throw new ConfigError(`Invalid configuration: ${variable}: ${first.message}${received}`);
  }
  const cfg = parsed.data;
  if (Boolean(cfg.TEMPORAL_TLS_CERT_PATH) !== Boolean(cfg.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration: TEMPORAL_TLS_CERT_PATH: must be set together with TEMPORAL_TLS_KEY_PATH',
    );
  }
  return cfg;
}

/** For entry points: load the configuration or exit with the one-line reason. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
