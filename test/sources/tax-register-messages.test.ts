/**
 * The register's changes passed to the tax platform (Art. 23), through the tax client against the simulator over real
 * HTTP: kept once per message ID in the order received, a repeat answered as a duplicate, a bad message refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../integrations/errors';
import type { RegisterMessage } from '../../integrations/tax';
import { failure, startSimulator, type RunningSimulator } from './support';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

const message = (id: string, kind: string): RegisterMessage => ({
  messageId: id,
  subject: 'employer',
  kind,
  occurredAt: '2026-12-10T02:00:00.000Z',
  fields: [],
  employer: {
    registerNumber: '21010000000001',
    codeType: 'uscc',
    code: '91210100MA0000000X',
    name: '沈阳某有限公司',
    agencyCode: '210100',
    status: 'insured',
    insuredSince: '2020-01-01',
    endedOn: null,
  },
});

describe('register messages to tax (Art. 23)', () => {
  it('keeps each message once, in the order received; a repeat is answered as a duplicate', async () => {
    await sim.admin('POST', '/reset');
    expect(await sim.clients.tax.sendRegisterMessage(message('UR-1', 'employer.registered'))).toEqual({
      messageId: 'UR-1',
      duplicate: false,
    });
    await sim.clients.tax.sendRegisterMessage(message('UR-2', 'employer.changed'));
    expect(await sim.clients.tax.sendRegisterMessage(message('UR-1', 'employer.registered'))).toEqual({
      messageId: 'UR-1',
      duplicate: true,
    });
    const ledger = await sim.admin<{ items: RegisterMessage[] }>('GET', '/tax/register-messages');
    expect(ledger.items.map((m) => [m.messageId, m.kind])).toEqual([
      ['UR-1', 'employer.registered'],
      ['UR-2', 'employer.changed'],
    ]);
  });

  it('refuses a message it cannot read (400), not worth retrying', async () => {
    const bad = await failure(() => sim.clients.tax.sendRegisterMessage(message('UR-3', 'Registered')));
    expect(bad).toBeInstanceOf(SourceError);
    expect(bad).toMatchObject({ kind: 'rejected', retryable: false });
  });
});
