/**
 * The Express application, built from its dependencies so tests run it over real HTTP against real servers.
 */
import express, { type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import { casesRouter } from './cases/router';
import { claimsRouter } from './claims/router';
import { ApiError, errorHandler, notFoundHandler, sendError } from './errors';
import type { ApiMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { systemRouter } from './system/router';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  metrics: ApiMetrics;
  recordWaitMs?: number;
  readyTimeoutMs?: number;
  temporalUiUrl?: string;
  now?: () => Date;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Bodies of writes must be JSON: anything else is 415 before it is parsed. */
const requireJson: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (
    ['POST', 'PUT', 'PATCH'].includes(req.method) &&
    (hasBody || req.headers['content-type']) &&
    !req.is('application/json')
  ) {
    return sendError(res, new ApiError(415, 'unsupported_media_type', 'The request body must be application/json'));
  }
  next();
};

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

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
  app.use(requireJson);
  app.use(express.json({ limit: '64kb', strict: true }));

  const openApiDocument = buildOpenApiDocument();
  app.use(
    systemRouter({
      db: deps.db,
      temporal: deps.temporal,
      metrics: deps.metrics,
      readyTimeoutMs: deps.readyTimeoutMs ?? 2_000,
      openApiDocument,
    }),
  );
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
    }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler((err) => deps.logger.error({ err }, 'unexpected error')));
  return app;
}
