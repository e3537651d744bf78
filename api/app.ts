/**
 * The Express application, built from its dependencies so tests run it over real HTTP against real servers.
 */
import { documentsRouter, takesUpload } from './documents/router';
import { postgresDocumentStore, type DocumentStore } from '../lib/document-store';
import express, { type RequestHandler } from 'express';
import compression from 'compression';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import { usersRouter } from './admin/users-router';
import { identify } from './auth/middleware';
import { authRouter } from './auth/router';
import { DEFAULT_AUTH_POLICY, type AuthPolicy } from './auth/service';
import { DEFAULT_APPLICANT_POLICY, type ApplicantAuthPolicy } from './auth/applicant';
import type { SmsClient } from '../integrations/sms';
import type { InsuranceSource } from '../lib/insured-employer';
import { calculationsRouter } from './calculations/router';
import { casesRouter } from './cases/router';
import { lifecycleRouter } from './cases/lifecycle-router';
import { supervisionRouter } from './supervision/router';
import { assigneesRouter } from './supervision/assignees-router';
import { webRouter } from './web/router';
import { otherBenefitsRouter } from './cases/other-benefits-router';
import { subsidiesRouter } from './subsidies/router';
import { policyRouter } from './policy/router';
import { requireRole } from './auth/middleware';
import { STAFF_ROLES } from '../domain/access';
import type { PolicyStore } from '../lib/policy-store';
import { policyEntriesRouter } from './admin/policy-entries-router';
import type { CalendarStore } from '../lib/calendar-store';
import { calendarRouter } from './calendar/router';
import { tasksRouter } from './tasks/router';
import { recoveryRouter } from './recovery/router';
import { revocationsRouter } from './cases/revocations-router';
import { auditRouter } from './audit/router';
import { monitoringRouter } from './monitoring/router';
import { dataCorrectionsRouter } from './data-corrections/router';
import { contributionCorrectionsRouter } from './contribution-corrections/router';
import { financeRouter } from './finance/router';
import { employerRouter } from './employer/router';
import { registerRouter } from './register/router';
import { personsRouter } from './register/persons-router';
import type { HukouClient } from '../integrations/hukou';
import { separationRouter } from './register/separations';
import { recordsRouter } from './records/router';
import { loadSeal, type Seal } from '../lib/seal';
import { resolvePdfFont } from '../lib/pdf/font';
import { contributionsRouter } from './contributions/router';
import { backPaymentsRouter } from './back-payments/router';
import { refundsRouter } from './refunds/router';
import type { CreditClient } from '../integrations/credit';
import type { TaxClient } from '../integrations/tax';
import { businessDateOf } from '../domain/calendar';
import { claimsRouter } from './claims/router';
import { ApiError, errorHandler, notFoundHandler, sendError } from './errors';
import { refuseNulCharacters } from './input-guard';
import { refuseCrossSiteWrites, securityHeaders } from './security';
import type { ApiMetrics } from './metrics';
import { buildOpenApiDocument, methodNotAllowed } from './openapi';
import { systemRouter } from './system/router';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  metrics: ApiMetrics;
  recordWaitMs?: number;
  /** How long a clerk's action on a task waits for the case to apply it (api/tasks/router.ts); default 10 s. */
  actionWaitMs?: number;
  readyTimeoutMs?: number;
  temporalUiUrl?: string;
  now?: () => Date;
  authPolicy?: AuthPolicy;
  applicantPolicy?: ApplicantAuthPolicy;
  cookieSecure?: boolean;
  /** Express "trust proxy": the proxies whose X-Forwarded-For names the client (sign-in is counted per client). */
  trustProxy?: string[];
  /** The SMS gateway, for applicants' sign-in codes. */
  sms: Pick<SmsClient, 'send'>;
  /** The tax data platform: a skill-subsidy application's insured employer and place, before it is received (Art. 50). */
  tax: InsuranceSource & Pick<TaxClient, 'getEmployerArrears'> & Partial<Pick<TaxClient, 'getEmployerContributions'>>;
  /**
   * The entitlement record's seal and font (Art. 10): the agency's PKCS#12 or the development seal kept in `sealDir`
   * (default `.data/seal`), and `RECORD_PDF_FONT` or a Chinese font of the machine (lib/pdf/font.ts).
   */
  records?: { sealDir?: string; sealP12Path?: string; sealPassphrase?: string; font?: string };
  /** The market registry's credit information: it must know an employer registering (Art. 16). */
  credit?: Pick<CreditClient, 'getEmployerCredit'>;
  /** The household registration: a person registered is who the ID number says (Art. 19, 20). */
  hukou?: Pick<HukouClient, 'checkIdentity'>;
  /**
   * Dated policy parameters (policy/*.json and the entries administrators added) and the working-day calendar, for
   * calculations and deadlines.
   */
  policy: PolicyStore;
  calendar: CalendarStore;
  /** Documents (Art. 14, 84): their store (default: the project's PostgreSQL) and the largest file taken. */
  documents?: { store: DocumentStore; maxBytes: number };
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Bodies of writes must be JSON: anything else is 415 before it is parsed. */
const requireJson: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (
    ['POST', 'PUT', 'PATCH'].includes(req.method) &&
    (hasBody || req.headers['content-type']) &&
    !req.is('application/json') &&
    !takesUpload(req)
  ) {
    return sendError(res, new ApiError(415, 'unsupported_media_type', '请求内容须为 application/json'));
  }
  next();
};

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // Every answer (the pages, their scripts, the JSON) gzip-compressed for clients that accept it (issue 21: pages on
  // a phone's connection); npm `compression`, answers under 1 kB left as they are.
  app.use(compression());
  app.set('trust proxy', deps.trustProxy?.length ? deps.trustProxy : false);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Paths only: query strings and bodies may carry personal data.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use(deps.metrics.httpMiddleware);
  app.use(refuseCrossSiteWrites);
  // The method is judged before the body: a method the path does not have is 405 whatever it carries (a PUT with
  // the multipart body of the path's POST is not 415).
  const openApiDocument = buildOpenApiDocument();
  app.use(methodNotAllowed(openApiDocument));
  app.use(requireJson);
  app.use(express.json({ limit: '64kb', strict: true }));
  app.use(refuseNulCharacters);
  app.use(
    systemRouter({
      db: deps.db,
      temporal: deps.temporal,
      metrics: deps.metrics,
      readyTimeoutMs: deps.readyTimeoutMs ?? 2_000,
      openApiDocument,
    }),
  );
  // The web pages (static, no sign-in needed to load them; their data comes from the API below).
  app.use(webRouter());
  // Everything below knows who is calling (operations endpoints above do not need to).
  app.use(identify(deps.db));
  app.use(
    authRouter({
      db: deps.db,
      policy: deps.authPolicy ?? DEFAULT_AUTH_POLICY,
      applicantPolicy: deps.applicantPolicy ?? DEFAULT_APPLICANT_POLICY,
      cookieSecure: deps.cookieSecure ?? false,
      sms: deps.sms,
    }),
  );
  app.use(usersRouter({ db: deps.db }));
  // Rules for clerks: what is in force, and a calculation without a case (Art. 12, 38).
  const today = () => businessDateOf(deps.now ? deps.now() : new Date());
  // Administrators add dated policy entries (Art. 12).
  app.use(policyEntriesRouter({ db: deps.db, policy: deps.policy, today }));
  app.use(['/calculations', '/policy'], requireRole(...STAFF_ROLES));
  app.use(calculationsRouter({ policy: deps.policy, calendar: () => deps.calendar.current(), today }));
  app.use(
    calendarRouter({
      db: deps.db,
      calendar: deps.calendar,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(tasksRouter({ db: deps.db, temporal: deps.temporal, actionWaitMs: deps.actionWaitMs }));
  app.use(financeRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue }));
  app.use(employerRouter({ db: deps.db }));
  app.use(
    contributionsRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    backPaymentsRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      tax: deps.tax,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    refundsRouter({
      db: deps.db,
      tax: deps.tax,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    registerRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      tax: deps.tax,
      credit: deps.credit,
      policy: deps.policy,
      calendar: deps.calendar,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    personsRouter({
      db: deps.db,
      hukou: deps.hukou,
      policy: deps.policy,
      calendar: deps.calendar,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    separationRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      policy: deps.policy,
      calendar: deps.calendar,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    documentsRouter({
      db: deps.db,
      store: deps.documents?.store ?? postgresDocumentStore(deps.db),
      maxBytes: deps.documents?.maxBytes ?? 10 * 1024 * 1024,
      now: () => (deps.now ?? (() => new Date()))(),
    }),
  );
  let seal: Seal | undefined;
  app.use(
    recordsRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      tax: deps.tax,
      seal: () =>
        (seal ??= loadSeal({
          dir: deps.records?.sealDir ?? '.data/seal',
          p12Path: deps.records?.sealP12Path,
          passphrase: deps.records?.sealPassphrase,
        })),
      font: () => resolvePdfFont(deps.records?.font),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(lifecycleRouter({ db: deps.db, temporal: deps.temporal }));
  app.use(assigneesRouter({ db: deps.db }));
  app.use(
    supervisionRouter({
      db: deps.db,
      temporal: deps.temporal,
      calendar: deps.calendar,
      ...(deps.temporalUiUrl ? { temporalUiUrl: deps.temporalUiUrl } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    otherBenefitsRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    subsidiesRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      tax: deps.tax,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    recoveryRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      receiptWaitMs: deps.recordWaitMs ?? 10_000,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    revocationsRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      policy: deps.policy,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(auditRouter({ db: deps.db }));
  const internalControl = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    policy: deps.policy,
    ...(deps.now ? { now: deps.now } : {}),
  };
  app.use(monitoringRouter(internalControl));
  app.use(dataCorrectionsRouter(internalControl));
  app.use(contributionCorrectionsRouter(internalControl));
  app.use(policyRouter({ policy: deps.policy, today }));
  app.use(
    claimsRouter({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      recordWaitMs: deps.recordWaitMs ?? 10_000,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.use(
    casesRouter({
      db: deps.db,
      namespace: deps.temporal.options.namespace,
      ...(deps.temporalUiUrl ? { temporalUiUrl: deps.temporalUiUrl } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler((err) => deps.logger.error({ err }, 'unexpected error')));
  return app;
}
