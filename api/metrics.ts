/**
 * Prometheus metrics of the API process at /metrics: HTTP requests (count and latency by route and status), calls to
 * Temporal by operation and outcome, and the Node.js process. The worker serves the Temporal SDK's own metrics
 * (workflow and activity task latencies, schedule-to-start, sticky cache...) on WORKER_METRICS_ADDRESS.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpMiddleware: RequestHandler;
  temporalInterceptor: WorkflowClientInterceptor;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const temporalCalls = new Counter({
    name: 'temporal_client_requests_total',
    help: 'Calls from the API to Temporal by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const temporalDuration = new Histogram({
    name: 'temporal_client_request_duration_seconds',
    help: 'Latency of calls from the API to Temporal by operation',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      // The route pattern, never the concrete path: case numbers would explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route });
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  function timed<I, O>(operation: string) {
    return async (input: I, next: (input: I) => Promise<O>): Promise<O> => {
      const end = temporalDuration.startTimer({ operation });
      try {
        const out = await next(input);
        temporalCalls.inc({ operation, outcome: 'ok' });
        return out;
      } catch (err) {
        temporalCalls.inc({ operation, outcome: (err as Error)?.name ?? 'error' });
        throw err;
      } finally {
        end();
      }
    };
  }

  const temporalInterceptor: WorkflowClientInterceptor = {
    start: timed('start'),
    startUpdate: timed('startUpdate'),
    startUpdateWithStart: timed('startUpdateWithStart'),
    signal: timed('signal'),
    signalWithStart: timed('signalWithStart'),
    query: timed('query'),
    describe: timed('describe'),
    cancel: timed('cancel'),
    terminate: timed('terminate'),
  };

  return { registry, httpMiddleware, temporalInterceptor };
}
