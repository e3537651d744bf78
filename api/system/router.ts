/**
 * Operations endpoints: liveness, readiness (names what is down), Prometheus metrics, the OpenAPI document and docs.
 */
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Client } from '@temporalio/client';
import { pingDb, withTimeout, type Db } from '../../lib/db';
import type { ApiMetrics } from '../metrics';

export interface SystemDeps {
  db: Db;
  temporal: Client;
  metrics: ApiMetrics;
  readyTimeoutMs: number;
  openApiDocument: object;
}

export function systemRouter(deps: SystemDeps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const ms = deps.readyTimeoutMs;
    const check = (p: Promise<unknown>) =>
      p.then(
        () => ({ ok: true }),
        (err: Error) => ({ ok: false, error: err.message.split('\n')[0]!.slice(0, 200) }),
      );
    const [postgresql, temporal] = await Promise.all([
      check(pingDb(deps.db, ms)),
      check(
        withTimeout(
          deps.temporal.connection.withDeadline(Date.now() + ms, () => deps.temporal.workflowService.getSystemInfo({})),
          ms + 100,
          'Temporal did not answer',
        ),
      ),
    ]);
    const ready = postgresql.ok && temporal.ok;
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { postgresql, temporal } });
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(deps.openApiDocument);
  });
  router.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(deps.openApiDocument, { customSiteTitle: '失业保险经办系统 API' }),
  );

  return router;
}
