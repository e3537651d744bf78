/**
 * ONE Express app serving a simulator of every external system under its prefix (/tax, /hukou, /civil, /pension,
 * /injury, /medical, /employment, /certificates, /credit, /bank, /sms, /transfer) plus /admin for tests.
 * Data comes from the seed alone (same seed, same data); what the case system sends is kept in memory.
 */
import express from 'express';
import type { Express } from 'express';
import { SOURCE_PREFIXES } from '../integrations/config';
import { todayInShanghai } from './calendar';
import { FaultRegistry } from './faults';
import { errorBody, errorHandler } from './http';
import { streamFor } from './prng';
import { adminRoutes } from './routes/admin';
import { bankRoutes } from './routes/bank';
import {
  certificateRoutes,
  civilRoutes,
  creditRoutes,
  hukouRoutes,
  injuryRoutes,
  pensionRoutes,
} from './routes/people';
import { employmentRoutes, medicalRoutes, smsRoutes } from './routes/services';
import { taxAdminRoutes, taxRoutes } from './routes/tax';
import { transferRoutes } from './routes/transfer';
import { pensionRegistrationAdminRoutes, pensionRegistrationRoutes } from './routes/pension-registration';
import { marketRegistrationAdminRoutes, marketRegistrationRoutes } from './routes/market-registration';
import { Simulator } from './simulator';

export const DEFAULT_PERSONS = 10_000;

export interface SimulatorAppOptions {
  seed: string | number;
  /** Size of the population (default 10,000); persons are generated lazily, so large values cost nothing at start. */
  persons?: number;
  /** The simulators' "today" (YYYY-MM-DD); default today in Asia/Shanghai. Pin it for data stable across days. */
  asOf?: string;
  /** Bank signing keys by key ID (from configuration); without any, every bank request is refused (401). */
  bankKeys?: Readonly<Record<string, string>>;
}

export interface SimulatorLocals {
  simulator: Simulator;
  faults: FaultRegistry;
}

export function createSimulatorApp(options: SimulatorAppOptions): Express {
  const seed = String(options.seed);
  const asOf = options.asOf ?? todayInShanghai();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new RangeError('asOf must be YYYY-MM-DD');
  const simulator = new Simulator({ seed, persons: options.persons ?? DEFAULT_PERSONS, asOf });
  const faults = new FaultRegistry(streamFor(seed, 'faults'));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.locals.simulator = simulator;
  app.locals.faults = faults;

  app.use(faults.middleware());
  // The bank verifies its signature over the raw body, so it parses its own.
  app.use(SOURCE_PREFIXES.bank, bankRoutes(simulator, options.bankKeys ?? {}));
  app.use(express.json({ limit: '5mb' }));
  app.use(SOURCE_PREFIXES.tax, taxRoutes(simulator));
  app.use(SOURCE_PREFIXES.hukou, hukouRoutes(simulator));
  app.use(SOURCE_PREFIXES.civil, civilRoutes(simulator));
  app.use(SOURCE_PREFIXES.pension, pensionRoutes(simulator));
  app.use(SOURCE_PREFIXES.pension, pensionRegistrationRoutes(simulator));
  app.use(SOURCE_PREFIXES.injury, injuryRoutes(simulator));
  app.use(SOURCE_PREFIXES.medical, medicalRoutes(simulator));
  app.use(SOURCE_PREFIXES.employment, employmentRoutes(simulator));
  app.use(SOURCE_PREFIXES.certificates, certificateRoutes(simulator));
  app.use(SOURCE_PREFIXES.credit, creditRoutes(simulator));
  app.use(SOURCE_PREFIXES.credit, marketRegistrationRoutes(simulator));
  app.use(SOURCE_PREFIXES.sms, smsRoutes(simulator));
  app.use(SOURCE_PREFIXES.transfer, transferRoutes(simulator));
  app.use('/admin', adminRoutes(simulator, faults));
  app.use('/admin', pensionRegistrationAdminRoutes(simulator));
  app.use('/admin', taxAdminRoutes(simulator));
  app.use('/admin', marketRegistrationAdminRoutes(simulator));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use((_req, res) => {
    res.status(404).json(errorBody('no_such_endpoint', 'no such endpoint'));
  });
  app.use(errorHandler);
  return app;
}
