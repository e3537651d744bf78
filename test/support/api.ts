import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { createApp, type AppDeps } from '../../api/app';
import { createApiMetrics } from '../../api/metrics';
import { createLogger } from '../../lib/logger';
import { createTemporalClient } from '../../lib/temporal';
import { createCalendarStore } from '../../lib/calendar-store';
import { loadPolicyData } from '../../policy/load';
import { createPolicyStore } from '../../lib/policy-store';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import type { Db } from '../../lib/db';

export interface RunningApi {
  url: string;
  /** Every log line the API wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

/** The real Express app on an ephemeral port; logs captured so tests can check what they contain. */
export async function startApi(
  opts: { db: Db; taskQueue: string } & ({ temporal: Client } | { temporalAddress: string }) & Partial<AppDeps>,
): Promise<RunningApi> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('api', 'info', sink);
  const metrics = opts.metrics ?? createApiMetrics();
  // Like api/server.ts: a lazily connecting client whose calls are counted in the API's metrics.
  const temporal =
    'temporalAddress' in opts
      ? createTemporalClient({ address: opts.temporalAddress, namespace: 'default' }, [metrics.temporalInterceptor])
      : opts.temporal;
  const app = createApp({
    logger,
    policy: createPolicyStore(opts.db, loadPolicyData(), { ttlMs: 0 }),
    calendar: createCalendarStore(opts.db, { ttlMs: 0 }),
    // No SMS gateway and no tax platform unless the test gives them: codes then fail as unavailable, and a
    // skill-subsidy application is left to the automatic review.
    ...(({ sms, tax, credit, hukou }) => ({ sms, tax, credit, hukou }))(
      createSourceClients(parseSourceConfig({ SIMULATOR_URL: 'http://127.0.0.1:1' })),
    ),
    ...opts,
    metrics,
    temporal,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if ('temporalAddress' in opts) await temporal.connection.close();
    },
  };
}
