/**
 * One fuzzing run against the real API (PostgreSQL, the Temporal dev server): principals of every kind, a few real
 * records for the path parameters, then `count` generated requests sent with some concurrency. Returns the figures and
 * every answer that broke a rule, grouped by operation and problem, with one request to reproduce each.
 */
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { buildOpenApiDocument } from '../../api/openapi';
import { CHANNEL_ROLES, STAFF_ROLES } from '../../domain/access';
import { startApi, type RunningApi } from './api';
import { createTestDatabase, type TestDatabase } from './db';
import { residentId } from './fixtures';
import { allRequestsArb, checkAnswer, operationsOf, send, type GeneratedRequest } from './fuzz';
import { insertBeneficiaries, syntheticBeneficiaries } from './payments';
import { devServerEnv, startWorker, uniqueTaskQueue } from './temporal';
import { sourcesOf, startSimulator } from '../sources/support';
import { PASSWORD, userWithToken } from './users';

export interface FuzzEnvironment {
  tdb: TestDatabase;
  api: RunningApi;
  /** A session of its own for each sign-out, so the principals' sessions survive the run. */
  freshSession(): Promise<Record<string, string>>;
  principals: (Record<string, string> | undefined)[];
  knownParams: Record<string, string[]>;
  close(): Promise<void>;
}

/**
 * The API with no worker on its queue: cases start but never run, so the API's own answers are what is tested.
 * `withCases`: a worker on the queue and the simulators behind the SMS gateway and the sources, for a fuzzer that
 * follows a created case to its other operations (schemathesis' links): the case then answers what it is sent,
 * instead of the Update waiting out its deadline (503), and a sign-in code is sent.
 */
export async function fuzzEnvironment(opts: { withCases?: boolean } = {}): Promise<FuzzEnvironment> {
  const tdb = await createTestDatabase();
  const taskQueue = uniqueTaskQueue('fuzz');
  const sim = opts.withCases ? await startSimulator() : undefined;
  const sources = sim ? sourcesOf(sim) : undefined;
  const temporalEnv = opts.withCases ? await devServerEnv() : undefined;
  const worker =
    temporalEnv && sources
      ? await startWorker(temporalEnv.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank })
      : undefined;
  const api = await startApi({
    db: tdb.db,
    temporalAddress: inject('devServerAddress'),
    taskQueue,
    recordWaitMs: 200,
    // The tax platform too: an intake clerk's back payment or refund reaches its core, not a 503 of a missing source.
    ...(sources ? { sms: sources.sms, tax: sources.tax } : {}),
  });
  const all = await userWithToken(tdb.db, api.url, {
    username: 'fuzz.all',
    agencyCode: '210000',
    roles: [...STAFF_ROLES],
  });
  const city = await userWithToken(tdb.db, api.url, {
    username: 'fuzz.city',
    agencyCode: '210100',
    roles: ['intake', 'reviewer', 'finance'],
  });
  const channel = await userWithToken(tdb.db, api.url, {
    username: 'fuzz.channel',
    agencyCode: '210000',
    roles: [...CHANNEL_ROLES],
  });
  const agent = await userWithToken(tdb.db, api.url, {
    username: 'fuzz.agent',
    agencyCode: '210100',
    roles: ['employer_agent'],
    employerUscc: '91210100MA0XYP12AD',
  });
  const people = syntheticBeneficiaries('210100', ['6214830012345678', '6214830012345679'], 'FZ');
  await insertBeneficiaries(tdb, people);
  // An applicant session, as /auth/applicant/login creates it (the SMS step is tested in auth.test.ts).
  const applicantToken = randomBytes(32).toString('base64url');
  await tdb.db.applicantSession.create({
    data: {
      id: createHash('sha256').update(applicantToken).digest('hex'),
      idNumber: people[0]!.idNumber,
      phone: '13812345678',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  await userWithToken(tdb.db, api.url, {
    username: 'fuzz.signout',
    agencyCode: '210100',
    roles: ['intake'],
  });
  const freshSession = async () => {
    const res = await fetch(`${api.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fuzz.signout', password: PASSWORD, mode: 'bearer' }),
    });
    return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  };
  return {
    tdb,
    api,
    freshSession,
    principals: [
      undefined,
      all.headers,
      all.headers,
      city.headers,
      channel.headers,
      agent.headers,
      { authorization: `Bearer ${applicantToken}` },
      { authorization: 'Bearer not-a-token' },
      { cookie: 'ui_session=%' },
    ],
    knownParams: {
      caseNumber: people.map((p) => p.caseNumber),
      workflowId: people.map((p) => p.caseNumber),
      id: [all.id, city.id, '1', '00000000-0000-0000-0000-000000000000'],
      year: ['2026', '2027', '1900'],
      runId: ['1'],
    },
    async close() {
      await api.close();
      await worker?.stop();
      await sim?.close();
      await temporalEnv?.teardown();
      await tdb.drop();
    },
  };
}

export interface FuzzResult {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  operations: number;
  problems: { key: string; count: number; example: GeneratedRequest; answer: string }[];
}

export async function runFuzz(
  env: FuzzEnvironment,
  opts: { count: number; seed: number; concurrency?: number },
): Promise<FuzzResult> {
  const doc = buildOpenApiDocument();
  const ops = operationsOf(doc);
  const arb = allRequestsArb({ doc, principals: env.principals, knownParams: env.knownParams }, ops);
  const requests = fc.sample(arb, { numRuns: opts.count, seed: opts.seed });
  const byStatus: Record<string, number> = {};
  const problems = new Map<string, { key: string; count: number; example: GeneratedRequest; answer: string }>();
  let serverErrors = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      let req = requests[next++]!;
      // Signing out would end a principal's session for the rest of the run: sign out a session of its own.
      if (req.operation === 'POST /auth/logout' && env.principals.some((p) => p && p === req.principalHeaders)) {
        req = { ...req, headers: { ...req.headers, ...(await env.freshSession()) } };
      }
      let problem: string | undefined;
      let status = 0;
      try {
        const answer = await send(env.api.url, req);
        status = answer.status;
        problem = checkAnswer(req, answer);
      } catch (err) {
        problem = `no answer: ${(err as Error).message}`;
      }
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status >= 500 || status === 0) serverErrors++;
      if (problem) {
        const key = `${req.operation}: ${problem.slice(0, 120)}`;
        const seen = problems.get(key);
        if (seen) seen.count++;
        else
          problems.set(key, {
            key,
            count: 1,
            example: { ...req, ...(req.body ? { body: req.body.slice(0, 500) } : {}) },
            answer: problem,
          });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 6 }, worker));
  return {
    requests: requests.length,
    byStatus,
    serverErrors,
    operations: ops.length,
    problems: [...problems.values()],
  };
}

/** Fixed by default so a failure reproduces; FUZZ_SEED picks another. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261127);

export { residentId };
