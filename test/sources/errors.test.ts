/**
 * Failures of the external systems, injected in the simulators, as the clients classify them: what can succeed on a
 * retry (5xx, 408, 429, timeouts, refused connections) and what cannot (other 4xx, malformed bodies), and how
 * toActivityFailure hands that to Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceError, redact, toActivityFailure } from '../../integrations/errors';
import { createSourceClients, parseSourceConfig } from '../../integrations/config';
import type { PersonSummary, RunningSimulator } from './support';
import { failure, findPerson, retryWhileRetryable, startSimulator } from './support';

let sim: RunningSimulator;
let person: PersonSummary;
beforeAll(async () => {
  sim = await startSimulator();
  person = await findPerson(sim, 'deceased');
});
afterEach(async () => {
  await sim.admin('DELETE', '/faults');
});
afterAll(async () => {
  await sim.close();
});

describe('retryable failures', () => {
  it('classifies a 5xx as retryable and succeeds once the fault is cleared (Art. 42)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/civil', status: 503 });
    const err = await failure(() => sim.clients.civil.getDeath(person.idNumber));
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({
      source: 'civil',
      operation: 'getDeath',
      kind: 'unavailable',
      retryable: true,
      status: 503,
      code: 'injected_fault',
    });

    await sim.admin('DELETE', '/faults');
    expect(await sim.clients.civil.getDeath(person.idNumber)).toEqual({
      deceased: true,
      dateOfDeath: person.dateOfDeath,
    });
  });

  it('gets through an intermittent source by retrying while the error is retryable (errorRate, Art. 35)', async () => {
    const { fault } = await sim.admin<{ fault: { id: string } }>('PUT', '/faults', {
      route: '/hukou/identity-checks',
      errorRate: 0.6,
      status: 500,
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { value, failures } = await retryWhileRetryable(
        () => sim.clients.hukou.checkIdentity({ idNumber: person.idNumber, name: person.name }),
        50,
      );
      expect(value).toMatchObject({ result: 'match', hukouDivisionCode: person.hukouDivisionCode });
      outcomes.push(`${failures}`);
    }
    const { faults } = await sim.admin<{ faults: { id: string; hits: number }[] }>('GET', '/faults');
    const hits = faults.find((f) => f.id === fault.id)!.hits;
    const totalFailures = outcomes.reduce((n, f) => n + Number(f), 0);
    expect(totalFailures).toBeGreaterThan(0); // at 60 % some calls failed ...
    expect(hits).toBe(totalFailures + 3); // ... and every attempt reached the simulator
  });

  it('fails the next call only when a fault has a count, then answers (Art. 24)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/tax', status: 502, count: 1 });
    const { value, failures } = await retryWhileRetryable(
      () => sim.clients.tax.getPersonContributions(person.idNumber),
      3,
    );
    expect(failures).toBe(1);
    expect(value.idNumber).toBe(person.idNumber);
    expect((await sim.admin<{ faults: unknown[] }>('GET', '/faults')).faults).toEqual([]);
  });

  it('classifies 429 as retryable and passes Retry-After on to Temporal (Art. 38)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/sms', status: 429, retryAfterSeconds: 7 });
    const err = await failure(() =>
      sim.clients.sms.send({ messageId: 'sms-429', mobile: person.mobile, text: '测试' }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true, status: 429, retryAfterMs: 7000 });
    const activityFailure = toActivityFailure(err) as ApplicationFailure;
    expect(activityFailure.nonRetryable).toBe(false);
    expect(activityFailure.nextRetryDelay).toBe(7000);
  });

  it('classifies a timeout (the source never answers) as retryable (Art. 42)', async () => {
    await sim.admin('PUT', '/faults', { route: '/pension/receipts/query', timeout: true });
    const slow = sim.clientsWith({ SOURCE_PENSION_TIMEOUT_MS: '300' });
    const started = Date.now();
    const err = await failure(() => slow.pension.getPensionReceipt(person.idNumber));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toMatchObject({
      source: 'pension',
      operation: 'getPensionReceipt',
      kind: 'unavailable',
      code: 'timeout',
      retryable: true,
    });
    expect((err as SourceError).status).toBeUndefined();
  });

  it('classifies latency beyond the timeout as a timeout and latency within it as success (Art. 47)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/injury', latencyMs: 400 });
    const patient = sim.clientsWith({ SOURCE_INJURY_TIMEOUT_MS: '3000' });
    expect((await patient.injury.getFuneralGrants(person.idNumber)).grants).toBeInstanceOf(Array);
    const hasty = sim.clientsWith({ SOURCE_INJURY_TIMEOUT_MS: '100' });
    expect(await failure(() => hasty.injury.getFuneralGrants(person.idNumber))).toMatchObject({
      code: 'timeout',
      retryable: true,
    });
  });

  it('classifies a refused connection as retryable', async () => {
    const other = await startSimulator({ persons: 10 });
    await other.close(); // nothing listens on its port any more
    const clients = createSourceClients(parseSourceConfig({ SIMULATOR_URL: other.url, SOURCE_TIMEOUT_MS: '2000' }));
    const err = await failure(() => clients.civil.getDeath(person.idNumber));
    expect(err).toMatchObject({ source: 'civil', kind: 'unavailable', code: 'connection_failed', retryable: true });
  });
});

describe('failures that a retry cannot fix', () => {
  it('refuses a 4xx as not retryable: a request the source rejects (Art. 37)', async () => {
    const err = await failure(() => sim.clients.civil.getDeath('210102199001011230'));
    expect(err).toMatchObject({
      source: 'civil',
      kind: 'rejected',
      retryable: false,
      status: 400,
      code: 'invalid_request',
    });
    await sim.admin('PUT', '/faults', { prefix: '/credit', status: 403 });
    const forbidden = await failure(() => sim.clients.credit.getEmployerCredit(person.lastEmployerUscc ?? 'x'));
    expect(forbidden).toMatchObject({ kind: 'rejected', retryable: false, status: 403 });
  });

  it('treats 408 as retryable, a lookup’s not_found as "no record" (null) and a stray 404 as an error', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/credit', status: 408, count: 1 });
    expect(await failure(() => sim.clients.credit.getEmployerCredit('91210100MA0QQQQQ1X'))).toMatchObject({
      retryable: true,
      status: 408,
    });
    expect(await sim.clients.credit.getEmployerCredit('91210100MA0QQQQQ1X')).toBeNull();
    // A 404 that is not the source's "no such record" (here: a wrong base URL) is an error, never a silent null.
    const misconfigured = sim.clientsWith({ SOURCE_CREDIT_URL: `${sim.url}/credit-typo` });
    expect(await failure(() => misconfigured.credit.getEmployerCredit('91210100MA0QQQQQ1X'))).toMatchObject({
      kind: 'rejected',
      status: 404,
      code: 'no_such_endpoint',
      retryable: false,
    });
  });

  it('lets a fault answer with a code of its own: 404 not_found makes a known record absent (Art. 49)', async () => {
    const known = (await sim.admin<{ items: { uscc: string }[] }>('GET', '/employers?limit=1')).items[0]!.uscc;
    expect(await sim.clients.credit.getEmployerCredit(known)).not.toBeNull();
    const { fault } = await sim.admin<{ fault: { id: string } }>('PUT', '/faults', {
      route: `/credit/employers/${known}`,
      status: 404,
      code: 'not_found',
    });
    expect(await sim.clients.credit.getEmployerCredit(known)).toBeNull();
    await sim.admin('DELETE', `/faults/${fault.id}`);
    expect(await sim.clients.credit.getEmployerCredit(known)).not.toBeNull();
  });

  it('rejects a malformed body with an error naming the source, the operation and the field (Art. 24)', async () => {
    await sim.admin('PUT', '/faults', {
      route: '/tax/persons/contributions/query',
      malformed: true,
      field: 'records.0.month',
    });
    const err = await failure(() => sim.clients.tax.getPersonContributions(person.idNumber));
    expect(err).toBeInstanceOf(SourceError);
    const e = err as SourceError;
    expect(e).toMatchObject({ source: 'tax', kind: 'malformed', retryable: false, code: 'malformed_response' });
    expect(e.issues).toEqual(['records.0.month']);
    expect(e.message).toContain('tax.getPersonContributions');
    expect(e.message).toContain('records.0.month');
    expect(e.message).not.toContain(person.idNumber);
  });

  it('rejects a wrong-shaped first field and a body that is not JSON (Art. 35)', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/hukou', malformed: 'shape' });
    const shaped = (await failure(() =>
      sim.clients.hukou.checkIdentity({ idNumber: person.idNumber, name: person.name }),
    )) as SourceError;
    expect(shaped).toMatchObject({ source: 'hukou', operation: 'checkIdentity', kind: 'malformed' });
    expect(shaped.issues!.length).toBeGreaterThan(0);

    await sim.admin('DELETE', '/faults');
    await sim.admin('PUT', '/faults', { prefix: '/hukou', malformed: 'not_json' });
    const html = await failure(() => sim.clients.hukou.checkIdentity({ idNumber: person.idNumber, name: person.name }));
    expect(html).toMatchObject({ kind: 'malformed', retryable: false, status: 200 });
    expect((html as Error).message).toContain('not JSON');
  });

  it('rethrows the caller’s cancellation instead of classifying it', async () => {
    await sim.admin('PUT', '/faults', { prefix: '/civil', latencyMs: 2000 });
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure(() => sim.clients.civil.getDeath(person.idNumber, { signal: controller.signal }))).toBe(
      reason,
    );
  });
});

describe('toActivityFailure', () => {
  const base = { source: 'tax' as const, operation: 'getPersonContributions' };

  it('maps a retryable SourceError to a retryable SourceUnavailable failure', () => {
    const failure = toActivityFailure(new SourceError({ ...base, kind: 'unavailable', code: 'timeout' }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'SourceUnavailable', nonRetryable: false });
    expect((failure as ApplicationFailure).details).toEqual([{ ...base, code: 'timeout' }]);
  });

  it('maps a rejected request to a nonRetryable SourceRejected failure with its status', () => {
    const failure = toActivityFailure(
      new SourceError({ ...base, kind: 'rejected', code: 'invalid_request', status: 400 }),
    ) as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'SourceRejected', nonRetryable: true });
    expect(failure.details).toEqual([{ ...base, code: 'invalid_request', status: 400 }]);
  });

  it('maps a malformed body to a nonRetryable SourceMalformed failure naming the fields', () => {
    const failure = toActivityFailure(
      new SourceError({
        ...base,
        kind: 'malformed',
        code: 'malformed_response',
        status: 200,
        issues: ['records.0.month'],
      }),
    ) as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'SourceMalformed', nonRetryable: true });
    expect(failure.details).toEqual([
      { ...base, code: 'malformed_response', status: 200, issues: ['records.0.month'] },
    ]);
  });

  it('leaves other errors as they are', () => {
    const other = new TypeError('bug');
    expect(toActivityFailure(other)).toBe(other);
    expect(toActivityFailure('text')).toBeInstanceOf(Error);
  });

  it('keeps identity numbers, mobiles and account numbers out of messages (masked)', () => {
    const err = new SourceError({
      ...base,
      kind: 'rejected',
      code: 'invalid_request',
      detail: 'id 21010219900101123X mobile 13912345678 card 6217001234567890123',
    });
    expect(err.message).toContain('210102********123X');
    expect(err.message).toContain('*******5678');
    expect(err.message).toContain('***************0123');
    expect(err.message).not.toMatch(/21010219900101123X|13912345678|6217001234567890123/);
    expect(redact('no personal data here')).toBe('no personal data here');
  });
});
