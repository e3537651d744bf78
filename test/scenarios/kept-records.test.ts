/**
 * The records the agency keeps (Art. 23, 25, 29-31, 38), on the real servers: the entitlement record shows the kept
 * contribution records a determination uses; the register's registrations, changes and terminations reach the tax
 * platform once each and in order, also when it fails; a clerk resolves garbled rows and reconciliation differences
 * with a reason; and a clerk's contribution lists hold only their own agency's employers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import { personRegistrationBody } from '../support/employer-registration';
import { registeredEmployers, type RegisteredEmployer } from './registered-employers';
import { eventually } from '../support/wait';
import { startScenario, type Scenario } from './harness';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'kept-records', cities: [], persons: 120 });
});
afterAll(async () => {
  await s?.close();
});

const registeredEmployer = registeredEmployers(() => s);

const register = (e: RegisteredEmployer, body: unknown) =>
  s.call('POST', `/employers/${e.registerNumber}/persons`, { headers: e.agent, body });

/** What the tax platform received from the register (its ledger), in the order received. */
const taxLedger = async () =>
  (await s.sim.admin<{ items: any[] }>('GET', '/tax/register-messages')).items as {
    messageId: string;
    kind: string;
    subject: string;
    employer?: { code: string; registerNumber: string };
    person?: { personNumber: string; idNumber: string };
  }[];

let pushes = 0;
/** The outbox drained once, as the schedule does every minute. */
async function push(): Promise<void> {
  pushes += 1;
  const id = `tax-register-push-test-${pushes}`;
  await s.env.client.workflow.start('taxRegisterPush', { workflowId: id, taskQueue: s.taskQueue, args: [{}] });
  const status = await eventually(
    async () => (await s.env.client.workflow.getHandle(id).describe()).status.name,
    (st) => st !== 'RUNNING',
    300,
  );
  expect(status).toBe('COMPLETED');
}

describe('权益记录 reads the kept records (Art. 25, 29-31, 38)', () => {
  it('Art. 25, 29, 31, 38: the record a person prints lists the kept contribution records, each with its version and source, refreshed from tax first', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed,long_history', 1);
    const today = await s.today();
    const r = await register(e, personRegistrationBody(p!, addDays(today, -10)));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const personNumber: string = r.body.personNumber;
    // Nothing kept yet for the person (no sync ran): the record pulls the person's records from tax and keeps them.
    await s.tdb.sql('DELETE FROM contribution_record WHERE id_number = $1', [p!.idNumber]);
    const staff = await s.staffOf('210100');
    const look = await s.call('GET', `/records/persons/${personNumber}?reason=${encodeURIComponent('待遇核定复核')}`, {
      headers: staff.reviewer.headers,
    });
    expect(look.status, JSON.stringify(look.body)).toBe(200);
    const kept = await s.tdb.sql<{ month: string; employer_uscc: string; version: number; source: string }>(
      `SELECT month, employer_uscc, version, source FROM contribution_record
        WHERE id_number = $1 AND superseded_by IS NULL ORDER BY month, employer_uscc`,
      [p!.idNumber],
    );
    const live = await s.sim.clients.tax.getPersonContributions(p!.idNumber);
    expect(kept.length).toBe(live.records.length);
    expect(kept.length).toBeGreaterThan(0);
    const lines = look.body.contributions.records;
    expect(lines.map((l: any) => `${l.month}/${l.employerUscc}`)).toEqual(
      kept.map((k) => `${k.month}/${k.employer_uscc}`),
    );
    expect(lines.every((l: any) => l.version === 1 && l.source === 'person_pull')).toBe(true);
    expect(look.body.contributions.summary.months).toBe(new Set(kept.map((k) => k.month)).size);

    // A record tax revised: the kept one becomes version 2, and the record shows it as such (Art. 25, 38).
    const last = live.records.at(-1)!;
    await s.tdb.sql(
      `UPDATE contribution_record SET amount_paid_fen = amount_paid_fen + 100
        WHERE id_number = $1 AND month = $2 AND employer_uscc = $3 AND superseded_by IS NULL`,
      [p!.idNumber, last.month, last.employerUscc],
    );
    const again = await s.call('GET', `/records/persons/${personNumber}?reason=${encodeURIComponent('复核')}`, {
      headers: staff.reviewer.headers,
    });
    const revised = again.body.contributions.records.find(
      (l: any) => l.month === last.month && l.employerUscc === last.employerUscc,
    );
    expect(revised).toMatchObject({ version: 2, amountFen: last.amountPaidFen });
  });
});

describe('参保登记信息传递税务部门 (Art. 23)', () => {
  it('Art. 23: a person’s registration, change and termination reach tax once each and in order, also when tax fails the first try', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const r = await register(e, personRegistrationBody(p!, addDays(today, -30)));
    expect(r.status).toBe(201);
    const personNumber: string = r.body.personNumber;
    const me = await s.applicant(p!);
    const changed = await s.call('PATCH', '/persons/mine', {
      headers: me,
      body: { residence: '辽宁省沈阳市浑南区新家小区2号楼' },
    });
    expect(changed.status).toBe(200);
    const t = await s.call('POST', `/persons/${personNumber}/termination`, {
      headers: e.agent,
      body: { channel: 'online', reason: 'retirement', on: addDays(today, -1) },
    });
    expect(t.status).toBe(200);

    // Tax fails the first try.
    await s.sim.admin('PUT', '/faults', { route: '/tax/register-messages', status: 503, count: 1 });
    await push();
    await s.sim.admin('DELETE', '/faults');
    const ledger = await taxLedger();
    const mine = ledger.filter((m) => m.person?.personNumber === personNumber && m.subject === 'person');
    expect(mine.map((m) => m.kind)).toEqual(['person.registered', 'person.changed', 'person.terminated']);
    expect(mine[0]!.person!.idNumber).toBe(p!.idNumber);
    // The employer's registration went before its staff's.
    const employerAt = ledger.findIndex((m) => m.kind === 'employer.registered' && m.employer?.code === e.uscc);
    expect(employerAt).toBeGreaterThanOrEqual(0);
    expect(employerAt).toBeLessThan(ledger.indexOf(mine[0]!));
    const [outbox] = await s.tdb.sql<{ open: number; failed: number; error: string }>(
      `SELECT count(*) FILTER (WHERE delivered_at IS NULL)::int AS open, max(attempts)::int AS failed,
              max(last_error) AS error FROM tax_register_message`,
    );
    // The first try failed, was counted on its message, and retried: every message delivered.
    expect(outbox).toMatchObject({ open: 0, failed: 1, error: 'unavailable: injected_fault' });
    // The relation with the employer ended with the termination (Art. 22), told to tax with the employer.
    expect(
      ledger.filter((m) => m.person?.personNumber === personNumber && m.subject === 'relation').map((m) => m.kind),
    ).toEqual(['relation.terminated']);

    // Drained again, and the same message sent twice: tax holds each once.
    await push();
    const resent = await s.sim.clients.tax.sendRegisterMessage({ ...(ledger[0] as any) });
    expect(resent.duplicate).toBe(true);
    expect((await taxLedger()).length).toBe(ledger.length);
  });

  it('Art. 23: an employer’s change and deregistration reach tax after its registration', async () => {
    const e = await registeredEmployer('210100');
    const patched = await s.call('PATCH', `/employers/${e.registerNumber}`, {
      headers: e.agent,
      body: { phone: '024-87654321' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const today = await s.today();
    const d = await s.call('POST', `/employers/${e.registerNumber}/deregistration`, {
      headers: e.agent,
      body: { channel: 'online', reason: 'dissolution', endedOn: today },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    await push();
    const kinds = (await taxLedger()).filter((m) => m.employer?.code === e.uscc && m.subject === 'employer');
    expect(kinds.map((m) => m.kind)).toEqual(['employer.registered', 'employer.changed', 'employer.deregistered']);
  });
});

/** A sync run over the whole feed with the first row of the page after `after` garbled; its run ID. */
async function garbledSync(): Promise<string> {
  await s.sim.admin('PUT', '/faults', {
    route: '/tax/contributions/changes',
    malformed: 'shape',
    field: 'items.0.amountPaidFen',
    count: 1,
  });
  const id = `contribution-sync-kept-${Date.now()}`;
  await s.env.client.workflow.start('contributionSync', {
    workflowId: id,
    taskQueue: s.taskQueue,
    args: [{ trigger: 'manual', pageSize: 5000 }],
  });
  await eventually(
    () => s.tdb.sql<{ status: string }>('SELECT status FROM contribution_sync_run WHERE run_id = $1', [id]),
    (rows) => rows[0] !== undefined && rows[0].status !== 'running',
    600,
  );
  await s.sim.admin('DELETE', '/faults');
  return id;
}

describe('缴费记录问题由经办人员处理 (Art. 24, 25)', () => {
  it('Art. 24, 25: a clerk marks a garbled row and a reconciliation difference resolved with a reason, audited; a second time is refused', async () => {
    await garbledSync();
    const clerk = (await s.staffOf('210000')).reviewer;
    const problems = await s.call('GET', '/contributions/sync/problems?status=open', { headers: clerk.headers });
    expect(problems.body.items.length).toBeGreaterThan(0);
    const id = problems.body.items[0].id as string;
    const path = `/contributions/sync/problems/${id}/resolution`;
    expect((await s.call('POST', path, { headers: clerk.headers, body: {} })).status).toBe(400);
    const done = await s.call('POST', path, {
      headers: clerk.headers,
      body: { reason: '税务部门已核实该条数据，重新推送后已入库' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ id, status: 'resolved', resolvedBy: clerk.username });
    const twice = await s.call('POST', path, { headers: clerk.headers, body: { reason: '再次处理' } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_resolved');
    const resolved = await s.call('GET', '/contributions/sync/problems?status=resolved', { headers: clerk.headers });
    expect(resolved.body.items.find((x: any) => x.id === id)).toMatchObject({
      resolvedBy: clerk.username,
      resolutionReason: '税务部门已核实该条数据，重新推送后已入库',
    });

    const diffs = await s.call('GET', '/contributions/sync/differences?status=open', { headers: clerk.headers });
    expect(diffs.body.items.length).toBeGreaterThan(0);
    const dpath = `/contributions/sync/differences/${diffs.body.items[0].id}/resolution`;
    const ddone = await s.call('POST', dpath, {
      headers: clerk.headers,
      body: { reason: '差异系该条数据无法读取所致' },
    });
    expect(ddone.status, JSON.stringify(ddone.body)).toBe(200);
    expect((await s.call('POST', dpath, { headers: clerk.headers, body: { reason: '再次处理' } })).status).toBe(409);
    const audits = await s.tdb.sql<{ action: string }>(
      `SELECT action FROM audit_log WHERE action IN ('contribution_problem_resolved', 'contribution_difference_resolved')`,
    );
    expect(audits.map((a) => a.action).sort()).toEqual([
      'contribution_difference_resolved',
      'contribution_problem_resolved',
    ]);
  });

  it('Art. 5, 25: a city clerk’s contribution lists hold only their own agency’s employers; the province sees all', async () => {
    // A difference of an employer registered in Shenyang and one of an employer registered in Dalian.
    const shenyang = await registeredEmployer('210100');
    const dalian = await registeredEmployer('210200');
    await s.tdb.sql(
      `INSERT INTO contribution_reconciliation_difference (run_id, employer_uscc, month, kept_count, kept_base_fen,
         kept_amount_fen, tax_count, tax_base_fen, tax_amount_fen, status, found_at)
       VALUES ('scope-run', $1, '2026-01', 1, 100, 10, 2, 200, 20, 'open', now()),
              ('scope-run', $2, '2026-01', 1, 100, 10, 2, 200, 20, 'open', now())`,
      [shenyang.uscc, dalian.uscc],
    );
    const usccsSeenBy = async (agency: string) =>
      (
        await s.call('GET', '/contributions/sync/differences?status=open&limit=500', {
          headers: (await s.staffOf(agency)).reviewer.headers,
        })
      ).body.items.map((d: any) => d.employerUscc) as string[];
    const city = await usccsSeenBy('210100');
    expect(city).toContain(shenyang.uscc);
    expect(city).not.toContain(dalian.uscc);
    const province = await usccsSeenBy('210000');
    expect(province).toEqual(expect.arrayContaining([shenyang.uscc, dalian.uscc]));
    // Acting on another agency's difference: as if it did not exist.
    const [other] = await s.tdb.sql<{ id: string }>(
      `SELECT id::text FROM contribution_reconciliation_difference WHERE employer_uscc = $1`,
      [dalian.uscc],
    );
    const refused = await s.call('POST', `/contributions/sync/differences/${other!.id}/resolution`, {
      headers: (await s.staffOf('210100')).reviewer.headers,
      body: { reason: '不属本机构' },
    });
    expect(refused.status).toBe(404);
    // Garbled rows likewise: a Shenyang clerk sees none of Dalian's.
    const problems = await s.call('GET', '/contributions/sync/problems?limit=500', {
      headers: (await s.staffOf('210100')).reviewer.headers,
    });
    expect(problems.body.items.every((x: any) => x.employerUscc === null || x.employerUscc !== dalian.uscc)).toBe(true);
  });
});
