/**
 * The pension registration of employers (Art. 15: unemployment-insurance registration coordinated with it), through
 * the pension client against the simulator over real HTTP: consulted, informed once per USCC, faultable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../integrations/errors';
import { failure, startSimulator, type RunningSimulator } from './support';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

interface SimEmployer {
  uscc: string;
  name: string;
  agencyDivisionCode: string;
  traits: string[];
}
const employers = async (filter: string) =>
  (await sim.admin<{ items: SimEmployer[] }>('GET', `/employers?limit=50&filter=${filter}`)).items;

describe('pension registration of employers (Art. 15)', () => {
  it('answers the registration of an employer registered there, and none for one that is not', async () => {
    const [registered] = await employers('pension_registered');
    const found = await sim.clients.pension.getEmployerRegistration(registered!.uscc);
    expect(found).toMatchObject({ uscc: registered!.uscc, agencyDivisionCode: registered!.agencyDivisionCode });
    expect(found!.unitNumber).toMatch(/^YL\d{6}/);
    const [unregistered] = await employers('!pension_registered');
    expect(await sim.clients.pension.getEmployerRegistration(unregistered!.uscc)).toBeNull();
  });

  it('takes a registration once per USCC: a repeat answers the same unit number as a duplicate', async () => {
    await sim.admin('POST', '/reset');
    const [e] = await employers('!pension_registered');
    const request = {
      uscc: e!.uscc,
      name: e!.name,
      agencyDivisionCode: e!.agencyDivisionCode,
      registeredDate: '2026-06-01',
      unemploymentRegisterNumber: `${e!.agencyDivisionCode}00000001`,
    };
    const first = await sim.clients.pension.registerEmployer(request);
    expect(first.duplicate).toBe(false);
    const again = await sim.clients.pension.registerEmployer(request);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await sim.clients.pension.getEmployerRegistration(e!.uscc)).toMatchObject({ unitNumber: first.unitNumber });
    const ledger = await sim.admin<{ registrations: { uscc: string }[] }>('GET', '/pension/employer-registrations');
    expect(ledger.registrations.map((r) => r.uscc)).toEqual([e!.uscc]);
    expect((await employers('pension_registered')).map((x) => x.uscc)).toContain(e!.uscc);

    // Registered with another agency there: refused, not worth retrying.
    const elsewhere = await failure(() =>
      sim.clients.pension.registerEmployer({ ...request, agencyDivisionCode: '219900' }),
    );
    expect(elsewhere).toBeInstanceOf(SourceError);
    expect(elsewhere).toMatchObject({ kind: 'rejected', code: 'registered_elsewhere', retryable: false });

    await sim.admin('POST', '/reset');
    expect(await sim.clients.pension.getEmployerRegistration(e!.uscc)).toBeNull();
  });

  it('takes a change or a deregistration once per notice, for an employer registered there only', async () => {
    await sim.admin('POST', '/reset');
    const [e] = await employers('pension_registered');
    const [other] = await employers('!pension_registered');
    const notice = {
      noticeId: 'DWB-2026-210100-0000000001',
      uscc: e!.uscc,
      name: `${e!.name}（新）`,
      status: 'insured' as const,
    };
    expect(await sim.clients.pension.updateEmployer(notice)).toEqual({ noticeId: notice.noticeId, duplicate: false });
    expect(await sim.clients.pension.updateEmployer(notice)).toEqual({ noticeId: notice.noticeId, duplicate: true });
    const ledger = await sim.admin<{ updates: { noticeId: string; name: string }[] }>(
      'GET',
      '/pension/employer-registrations',
    );
    expect(ledger.updates).toEqual([expect.objectContaining({ noticeId: notice.noticeId, name: notice.name })]);
    const unknown = await failure(() =>
      sim.clients.pension.updateEmployer({
        ...notice,
        noticeId: 'x.deregistered',
        uscc: other!.uscc,
        status: 'deregistered',
      }),
    );
    expect(unknown).toMatchObject({ kind: 'rejected', code: 'not_registered' });
  });

  it('fails as unavailable, worth retrying, while a fault is injected', async () => {
    const [e] = await employers('!pension_registered');
    await sim.admin('PUT', '/faults', { route: '/pension/employer-registrations', status: 503, errorRate: 1 });
    const err = await failure(() =>
      sim.clients.pension.registerEmployer({
        uscc: e!.uscc,
        name: e!.name,
        agencyDivisionCode: e!.agencyDivisionCode,
        registeredDate: '2026-06-01',
        unemploymentRegisterNumber: '21010000000002',
      }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true });
    await sim.admin('DELETE', '/faults');
  });
});
