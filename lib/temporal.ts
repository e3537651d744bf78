/**
 * Connections to Temporal from configuration: the embedded dev server by default, or an existing cluster
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS client certificate or API key). The same options serve the client
 * (API) and the worker's native connection.
 */
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/env';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

export function temporalTarget(cfg: Config): TemporalTarget {
  const address = cfg.TEMPORAL_ADDRESS ?? `127.0.0.1:${cfg.TEMPORAL_PORT}`;
  const wantsTls = cfg.TEMPORAL_TLS || Boolean(cfg.TEMPORAL_TLS_CERT_PATH) || Boolean(cfg.TEMPORAL_API_KEY);
  const target: TemporalTarget = { address, namespace: cfg.TEMPORAL_NAMESPACE };
  if (wantsTls) {
    target.tls = {
      ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
      ...(cfg.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readFileSync(cfg.TEMPORAL_TLS_CA_PATH) } : {}),
      ...(cfg.TEMPORAL_TLS_CERT_PATH && cfg.TEMPORAL_TLS_KEY_PATH
        ? {
            clientCertPair: {
              crt: readFileSync(cfg.TEMPORAL_TLS_CERT_PATH),
              key: readFileSync(cfg.TEMPORAL_TLS_KEY_PATH),
            },
          }
        : {}),
    };
  }
  if (cfg.TEMPORAL_API_KEY) target.apiKey = cfg.TEMPORAL_API_KEY;
  return target;
}

/** The connection options of a target (address, TLS, API key), for the client's Connection and the worker's. */
export function connectionOptions(target: TemporalTarget) {
  return {
    address: target.address,
    ...(target.tls ? { tls: target.tls } : {}),
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
  };
}

/** A connected client connection to the target (close it when done). */
export function connectTemporal(target: TemporalTarget): Promise<Connection> {
  return Connection.connect(connectionOptions(target));
}

/** How long the API's client keeps retrying one call that Temporal did not answer (issue 12; see below). */
export const API_CALL_RETRY_BUDGET_MS = 8_000;

/**
 * The SDK's gRPC retry (10 attempts, backing off to 5 s: about 20 s against a server that is down) with a time budget:
 * no retry is started that would begin after the call's deadline, or after `budgetMs` from its first attempt when the
 * call has none. The SDK's own interceptor ignores both — an aborted or deadline-bound call kept retrying for its
 * 20 s, which made `POST /claims` answer 503 only after ~23 s with Temporal down, past its 10 s wait.
 */
export function boundedGrpcRetryInterceptor(
  budgetMs = API_CALL_RETRY_BUDGET_MS,
): ReturnType<typeof makeGrpcRetryInterceptor> {
  const defaults = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const deadline = options.deadline === undefined ? Infinity : new Date(options.deadline).getTime();
    const end = Math.min(Date.now() + budgetMs, Number.isNaN(deadline) ? Infinity : deadline);
    let delay = 0;
    return makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        delay = defaults.delayFunction(attempt, status);
        return defaults.retryableDecider(attempt, status) && Date.now() + delay < end;
      },
      delayFunction: () => delay,
    })(options, nextCall);
  };
}

/**
 * A client whose connection is made lazily, so the API starts (and answers /readyz with 503) while Temporal is down.
 * Its calls stop retrying within their deadline, or within API_CALL_RETRY_BUDGET_MS (boundedGrpcRetryInterceptor):
 * with Temporal down, a request is answered 503 within the API's timeouts instead of after the SDK's ~20 s of retries.
 */
export function createTemporalClient(target: TemporalTarget, interceptors: WorkflowClientInterceptor[] = []): Client {
  const connection = Connection.lazy({ ...connectionOptions(target), interceptors: [boundedGrpcRetryInterceptor()] });
  return new Client({
    connection,
    namespace: target.namespace,
    interceptors: { workflow: [boundedUpdates(connection), ...interceptors] },
  });
}

/** How long an Update sent without a deadline of its own waits for the case (see boundedUpdates). */
export const API_UPDATE_WAIT_MS = 15_000;

/**
 * A deadline for Updates sent without one: the SDK waits for an Update's outcome without end (re-asking Temporal),
 * so a case whose worker is down would hold the request for ever. With this the wait ends after `ms` with
 * WorkflowUpdateRPCTimeoutOrCancelledError, which the API answers 503 (api/errors.ts). Routes that can say more
 * (a task action taken but not yet applied, an objection filed) set their own, shorter deadline (issue 12).
 */
function boundedUpdates(connection: Connection, ms = API_UPDATE_WAIT_MS): WorkflowClientInterceptor {
  const bounded = <T>(fn: () => Promise<T>): Promise<T> =>
    connection.callContextStorage.getStore()?.deadline !== undefined
      ? fn()
      : connection.withDeadline(Date.now() + ms, fn);
  return {
    startUpdate: (input, next) => bounded(() => next(input)),
    startUpdateWithStart: (input, next) => bounded(() => next(input)),
  };
}

/** Registers the project's search attributes on the namespace; those already there are left alone. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { IndexedValueType } = proto.temporal.api.enums.v1;
  const typeOf = {
    TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
    DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  } as const;
  // Temporal's time-skipping test server can add search attributes but not list them: then add them all.
  const present = await connection.operatorService.listSearchAttributes({ namespace }).then(
    (r) => new Set(Object.keys(r.customAttributes ?? {})),
    (err: { code?: number }) => {
      if (err?.code === 12 /* UNIMPLEMENTED */) return new Set<string>();
      throw err;
    },
  );
  const missing = SEARCH_ATTRIBUTES.filter((k) => !present.has(k.name));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, typeOf[k.type]])),
    });
  }
  return missing.map((k) => k.name);
}

/** One piece of start-up work with a client of its own: connects, runs `work`, closes the connection. */
export async function withTemporalClient<T>(target: TemporalTarget, work: (client: Client) => Promise<T>): Promise<T> {
  const connection = await connectTemporal(target);
  try {
    return await work(new Client({ connection, namespace: target.namespace }));
  } finally {
    await connection.close();
  }
}
