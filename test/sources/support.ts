/**
 * Real HTTP for the source tests: the simulator app listens in-process on an ephemeral port and the clients talk to
 * it through Node's fetch. Nothing is mocked. The bank key is random per run (no secret in the repository).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import type { SourceClients } from '../../integrations/config';
import { createSimulatorApp } from '../../simulators/app';
import type { SimulatorAppOptions } from '../../simulators/app';

export const TEST_AS_OF = '2026-06-15';
export const BANK_KEY_ID = 'test-key';
export const BANK_KEY = randomBytes(32).toString('hex');

export interface RunningSimulator {
  url: string;
  clients: SourceClients;
  /** Clients with other settings (timeouts, keys), against this simulator. */
  clientsWith(env: Record<string, string>): SourceClients;
  admin<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startSimulator(options: Partial<SimulatorAppOptions> = {}): Promise<RunningSimulator> {
  const app = createSimulatorApp({
    seed: 'sources-test',
    persons: 3000,
    asOf: TEST_AS_OF,
    bankKeys: { [BANK_KEY_ID]: BANK_KEY },
    ...options,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientsWith = (env: Record<string, string>) =>
    createSourceClients(
      parseSourceConfig({
        SIMULATOR_URL: url,
        SOURCE_TIMEOUT_MS: '5000',
        BANK_SIGNING_KEY_ID: BANK_KEY_ID,
        BANK_SIGNING_KEY: BANK_KEY,
        ...env,
      }),
    );
  return {
    url,
    clients: clientsWith({}),
    clientsWith,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What GET /admin/persons returns per person (the fields the tests use). */
export interface PersonSummary {
  index: number;
  idNumber: string;
  name: string;
  mobile: string;
  hukouDivisionCode: string;
  traits: string[];
  paidMonths: number;
  lastEmployerUscc: string | null;
  separationDate: string | null;
  bankAccount: { accountNumber: string; bankName: string };
  bankOutcome: string;
  dateOfDeath: string | null;
  pensionStartDate: string | null;
  employment: { startDate: string; employerName: string | null; employerUscc: string | null } | null;
}

export interface PersonDetail extends PersonSummary {
  contributions: { employerUscc: string; month: string; amountPaidFen: number; receiptDate: string }[];
  arrears: { employerUscc: string; month: string; amountDueFen: number }[];
  certificates: unknown[];
  pensionFuneralGrant: unknown;
  injuryFuneralGrant: unknown;
  inboundLetter: { letterId: string; toAgencyCode: string } | null;
}

/** The first persons with the given traits (`eligible,!has_arrears`). */
export async function findPersons(sim: RunningSimulator, filter: string, limit = 1): Promise<PersonSummary[]> {
  const page = await sim.admin<{ items: PersonSummary[] }>(
    'GET',
    `/persons?filter=${encodeURIComponent(filter)}&limit=${limit}`,
  );
  if (page.items.length === 0) throw new Error(`no simulated person with ${filter}`);
  return page.items;
}

export async function findPerson(sim: RunningSimulator, filter: string): Promise<PersonSummary> {
  return (await findPersons(sim, filter))[0]!;
}

export function personDetail(sim: RunningSimulator, idNumber: string): Promise<PersonDetail> {
  return sim.admin<PersonDetail>('GET', `/persons/${idNumber}`);
}

/** Calls until the source answers, as Temporal would retry an activity: only while the error is retryable. */
export async function retryWhileRetryable<T>(
  call: () => Promise<T>,
  attempts: number,
): Promise<{ value: T; failures: number }> {
  let failures = 0;
  for (;;) {
    try {
      return { value: await call(), failures };
    } catch (err) {
      const retryable = (err as { retryable?: boolean }).retryable === true;
      if (!retryable || ++failures >= attempts) throw err;
    }
  }
}

/** Runs `call` expecting a rejection, and returns the error (fails the test when it resolves). */
export async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** The source clients a worker or API uses against this simulator (with the bank key). */
export function sourcesOf(sim: RunningSimulator) {
  return createSourceClients(
    parseSourceConfig({ SIMULATOR_URL: sim.url, BANK_SIGNING_KEY_ID: BANK_KEY_ID, BANK_SIGNING_KEY: BANK_KEY }),
  );
}
