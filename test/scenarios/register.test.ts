/**
 * 参保登记 (Chapter 3): the register of employers through the public API, on the real servers. An employer's agent
 * registers it online (Art. 8, 16), a clerk at a window registers a branch where it is (Art. 16 para 2), the pension
 * registration is consulted and informed by a workflow that a failing pension source does not stop (Art. 15), the
 * agent changes the self-service items at once (Art. 17 para 2), and only the employer and the staff in scope see
 * its entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import { generateResidentId } from '../../domain/identity';
import { employerRegistrationWorkflowId } from '../../contracts/register';
import { eventually } from '../support/wait';
import { startPendingEmployerRegistrations } from '../../lib/employer-registration-starts';
import { startScenario, type Scenario } from './harness';
import { employerHelpers } from './employers';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'register', cities: [] });
});
afterAll(async () => {
  await s?.close();
});

const { employer, registrationOf } = employerHelpers(() => s);

const rowsOf = (code: string) => s.tdb.sql('SELECT register_number FROM employer WHERE code = $1', [code]);
const historyOf = (registerNumber: string) =>
  s.tdb.sql<{ kind: string; article: string; actor_name: string; fields: string[]; after: any }>(
    'SELECT kind, article, actor_name, fields, after FROM employer_change WHERE register_number = $1 ORDER BY id',
    [registerNumber],
  );

/** Waits for the pension coordination of the employer to end (Art. 15); returns the entry as the agent sees it. */
async function coordinated(registerNumber: string, headers: Record<string, string>) {
  return eventually(
    async () => (await s.call('GET', `/employers/${registerNumber}`, { headers })).body,
    (v: any) => v?.pension?.status !== 'pending',
    200,
  );
}

describe('单位参保登记 (Art. 15, 16)', () => {
  it('registers an employer online by its agent with every item of Art. 16, the pension registration informed (Art. 16, 15)', async () => {
    const e = await employer('210100', '!pension_registered');
    const agent = await s.employerAgent(e.uscc);
    const body = await registrationOf(e);
    const r = await s.call('POST', '/employers', { headers: { ...agent, 'idempotency-key': `reg-${e.uscc}` }, body });
    expect(r.status).toBe(201);
    const registerNumber: string = r.body.registerNumber;
    expect(registerNumber).toMatch(/^210100\d{8}$/);
    expect(r.body).toMatchObject({ status: 'insured', agencyCode: '210100' });

    const view = await coordinated(registerNumber, agent);
    const { channel: _channel, ...items } = body;
    expect(view).toMatchObject({
      ...items,
      registerNumber,
      agencyCode: '210100',
      parentRegisterNumber: null,
      status: 'insured',
      statusLabel: '参保',
      channel: 'online',
      pension: { status: 'informed' },
    });
    // Art. 15: the pension registration was told, with our register number as its reference.
    const pushed = await s.sim.admin<{ registrations: { uscc: string; unemploymentRegisterNumber: string }[] }>(
      'GET',
      '/pension/employer-registrations',
    );
    expect(pushed.registrations).toContainEqual(
      expect.objectContaining({ uscc: e.uscc, unemploymentRegisterNumber: registerNumber }),
    );
    expect(view.pension.unitNumber).toBeTruthy();
    const history = await historyOf(registerNumber);
    expect(history.map((h) => h.kind)).toEqual(['registered', 'pension_informed']);
    expect(history[0]).toMatchObject({ article: '16', actor_name: `agent.${e.uscc}` });

    // The workflow was given the register number alone: no ID number, account or phone in its history.
    const workflowHistory = JSON.stringify(
      await s.env.client.workflow.getHandle(employerRegistrationWorkflowId(registerNumber)).fetchHistory(),
    );
    for (const secret of [
      body.legalRepresentative.idNumber,
      body.agent.idNumber,
      body.bankAccount.accountNumber,
      body.legalRepresentative.phone,
    ]) {
      expect(workflowHistory).not.toContain(secret);
    }
  });

  it('consults the pension registration: an employer registered there already is not pushed again (Art. 15)', async () => {
    const e = await employer('210100', 'pension_registered');
    const agent = await s.employerAgent(e.uscc);
    const r = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    expect(r.status).toBe(201);
    const view = await coordinated(r.body.registerNumber, agent);
    expect(view.pension).toMatchObject({ status: 'already_registered', statusLabel: '养老保险已登记' });
    expect(view.pension.unitNumber).toMatch(/^YL210100/);
    const pushed = await s.sim.admin<{ registrations: { uscc: string }[] }>('GET', '/pension/employer-registrations');
    expect(pushed.registrations.map((p) => p.uscc)).not.toContain(e.uscc);
    expect((await historyOf(r.body.registerNumber)).map((h) => h.kind)).toEqual(['registered', 'pension_consulted']);
  });

  it('keeps the registration while the pension source fails, and informs it when it answers again (Art. 15)', async () => {
    const e = await employer('210100', '!pension_registered');
    const agent = await s.employerAgent(e.uscc);
    const { fault } = await s.sim.admin<{ fault: { id: string } }>('PUT', '/faults', {
      route: '/pension/employer-registrations',
      method: 'POST',
      errorRate: 1,
      status: 503,
    });
    const r = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    expect(r.status).toBe(201);
    const n: string = r.body.registerNumber;
    // The pension source refused: the registration stands, its coordination pending and tried again.
    const hit = await eventually(
      () => s.sim.admin<{ faults: { id: string; hits: number }[] }>('GET', '/faults'),
      (f) => (f.faults.find((x) => x.id === fault.id)?.hits ?? 0) >= 2,
      200,
    );
    expect(hit.faults.find((x) => x.id === fault.id)?.hits).toBeGreaterThanOrEqual(2);
    expect(await rowsOf(e.uscc)).toHaveLength(1);
    expect((await s.call('GET', `/employers/${n}`, { headers: agent })).body.pension.status).toBe('pending');
    await s.sim.admin('DELETE', `/faults/${fault.id}`);
    const view = await coordinated(n, agent);
    expect(view.pension.status).toBe('informed');
  });

  it('starts the pension coordination of a registration written while Temporal could not be reached, once (Art. 15)', async () => {
    const e = await employer('210100', '!pension_registered');
    const body = await registrationOf(e);
    // As POST /employers leaves it when the start failed (answered 202): the row written, no workflow.
    const registerNumber = '21010099000001';
    const at = new Date(Date.now() - 5 * 60_000);
    await s.tdb.db.employer.create({
      data: {
        registerNumber,
        agencyCode: '210100',
        codeType: 'uscc',
        code: e.uscc,
        name: e.name,
        nature: body.nature,
        economicType: body.economicType,
        industry: body.industry,
        registrationAuthority: body.registrationAuthority,
        foundedOn: new Date(`${body.foundedOn}T00:00:00Z`),
        insuredSince: new Date(`${body.insuredSince}T00:00:00Z`),
        address: body.address,
        phone: body.phone,
        email: body.email,
        bankName: body.bankAccount.bankName,
        bankCode: body.bankAccount.bankCode,
        bankAccountName: body.bankAccount.accountName,
        bankAccountNumber: body.bankAccount.accountNumber,
        legalRepName: body.legalRepresentative.name,
        legalRepIdType: body.legalRepresentative.idType,
        legalRepIdNumber: body.legalRepresentative.idNumber,
        legalRepPhone: body.legalRepresentative.phone,
        agentName: body.agent.name,
        agentIdType: body.agent.idType,
        agentIdNumber: body.agent.idNumber,
        agentPhone: body.agent.phone,
        status: 'insured',
        channel: 'online',
        pensionStatus: 'pending',
        fingerprint: 'x',
        registeredAt: at,
        updatedAt: at,
      },
    });
    const started = await startPendingEmployerRegistrations(s.tdb.db, s.env.client, s.taskQueue, 60_000);
    expect(started).toContain(registerNumber);
    const view = await coordinated(registerNumber, await s.employerAgent(e.uscc));
    expect(view.pension.status).toBe('informed');
    // Once: its workflow ran, so a second sweep starts nothing for it.
    expect(await startPendingEmployerRegistrations(s.tdb.db, s.env.client, s.taskQueue, 0)).not.toContain(
      registerNumber,
    );
  });

  it('refuses a second registration of the same USCC with 409 naming it, and answers a retried Idempotency-Key with the same registration (Art. 16)', async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const body = await registrationOf(e);
    const headers = { ...agent, 'idempotency-key': `dup-${e.uscc}` };
    const first = await s.call('POST', '/employers', { headers, body });
    expect(first.status).toBe(201);
    const retried = await s.call('POST', '/employers', { headers, body });
    expect(retried.status).toBe(200);
    expect(retried.body.registerNumber).toBe(first.body.registerNumber);
    const otherBody = await s.call('POST', '/employers', { headers, body: { ...body, address: '沈阳市皇姑区1号' } });
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.code).toBe('idempotency_key_reused');
    const again = await s.call('POST', '/employers', { headers: agent, body });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('employer_already_registered');
    expect(again.body.error.message).toContain(e.uscc);
    expect(again.body.error.fields).toContainEqual(expect.objectContaining({ path: 'code' }));
    expect(await rowsOf(e.uscc)).toHaveLength(1);
  });

  it('refuses bad input with a 400 naming the field and the rule in Chinese, nothing written (Art. 16)', async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const good = await registrationOf(e);
    const badCode = e.uscc.slice(0, 17) + (e.uscc[17] === '0' ? '1' : '0');
    const r = await s.call('POST', '/employers', {
      headers: agent,
      body: {
        ...good,
        code: badCode,
        industry: 'Z',
        email: 'not-an-email',
        bankAccount: { ...good.bankAccount, bankCode: '1022' },
        legalRepresentative: { ...good.legalRepresentative, idNumber: '210102197005010000' },
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    const paths = r.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['code', 'industry', 'email', 'bankAccount.bankCode', 'legalRepresentative.idNumber']),
    );
    const codeError = r.body.error.fields.find((f: { path: string }) => f.path === 'code');
    expect(codeError).toMatchObject({ rule: 'uscc_check_character' });
    expect(codeError.message).toMatch(/统一社会信用代码/);
    expect(await rowsOf(e.uscc)).toHaveLength(0);
    expect(await rowsOf(badCode)).toHaveLength(0);
  });

  it("refuses a name that differs from the tax record's, the record prevails (Art. 16)", async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const r = await s.call('POST', '/employers', {
      headers: agent,
      body: await registrationOf(e, { name: `${e.name}分公司` }),
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('differs_from_tax_record');
    expect(r.body.error.fields).toContainEqual(expect.objectContaining({ path: 'name' }));
    expect(r.body.error.fields[0].message).toContain(e.name);
    expect(await rowsOf(e.uscc)).toHaveLength(0);
  });

  it('lets an agent register only the employer it acts for (Art. 8)', async () => {
    const mine = await employer('210100', 'good_credit');
    const other = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(mine.uscc);
    const r = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(other) });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_own_employer');
    expect(await rowsOf(other.uscc)).toHaveLength(0);
  });

  it('registers a branch at the window of the city where it is, its parent referenced (Art. 16 para 2)', async () => {
    const parentEmployer = await employer('210100', 'good_credit');
    const parentAgent = await s.employerAgent(parentEmployer.uscc);
    const parent = await s.call('POST', '/employers', {
      headers: parentAgent,
      body: await registrationOf(parentEmployer),
    });
    expect(parent.status).toBe(201);
    const branch = await employer('210200', 'good_credit');
    const body = await registrationOf(branch, {
      channel: 'window',
      registrationAuthority: '大连市市场监督管理局',
      parentRegisterNumber: parent.body.registerNumber,
    });
    // Registered where the branch is: not at a window of the parent's city.
    const shenyang = await s.staffOf('210100');
    const elsewhere = await s.call('POST', '/employers', { headers: shenyang.intake.headers, body });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.code).toBe('outside_agency_scope');
    const dalian = await s.staffOf('210200');
    const r = await s.call('POST', '/employers', { headers: dalian.intake.headers, body });
    expect(r.status).toBe(201);
    expect(r.body.agencyCode).toBe('210200');
    const view = await s.call('GET', `/employers/${r.body.registerNumber}`, { headers: dalian.intake.headers });
    expect(view.body).toMatchObject({
      agencyCode: '210200',
      parentRegisterNumber: parent.body.registerNumber,
      channel: 'window',
    });
    const parentView = await s.call('GET', `/employers/${parent.body.registerNumber}`, { headers: parentAgent });
    expect(parentView.body.branches).toEqual([
      expect.objectContaining({ registerNumber: r.body.registerNumber, agencyCode: '210200' }),
    ]);
    const unknownParent = await s.call('POST', '/employers', {
      headers: dalian.intake.headers,
      body: { ...body, code: (await employer('210200', 'good_credit')).uscc, parentRegisterNumber: '21010099999999' },
    });
    expect(unknownParent.status).toBe(422);
    expect(unknownParent.body.error.fields).toContainEqual(expect.objectContaining({ path: 'parentRegisterNumber' }));
  });
});

describe('单位信息变更 (Art. 17)', () => {
  it('lets the agent change the address, contacts and legal representative online, effective at once, audited (Art. 17 para 2)', async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    expect(registered.status).toBe(201);
    const n: string = registered.body.registerNumber;
    const newRep = {
      name: '赵敏',
      idType: 'resident_id_card',
      idNumber: generateResidentId({ birthDate: '1975-11-11', sequence: 7, sex: 'female' }),
      phone: '13700000003',
    };
    const r = await s.call('PATCH', `/employers/${n}`, {
      headers: agent,
      body: { address: '沈阳市沈河区青年大街100号', phone: '024-88888888', legalRepresentative: newRep },
    });
    expect(r.status).toBe(200);
    expect(r.body.changed).toEqual(['address', 'phone', 'legalRepresentative']);
    const view = await s.call('GET', `/employers/${n}`, { headers: agent });
    expect(view.body).toMatchObject({
      address: '沈阳市沈河区青年大街100号',
      phone: '024-88888888',
      email: 'hr@example.cn',
      legalRepresentative: newRep,
    });
    const history = await historyOf(n);
    const change = history.find((h) => h.kind === 'changed');
    expect(change).toMatchObject({
      article: '17.2',
      actor_name: `agent.${e.uscc}`,
      fields: ['address', 'phone', 'legalRepresentative'],
    });
    const audit = await s.tdb.sql<{ action: string; actor_name: string }>(
      "SELECT action, actor_name FROM audit_log WHERE entity = 'employer' AND entity_id = $1 ORDER BY id",
      [n],
    );
    expect(audit.map((a) => a.action)).toEqual(['employer.register', 'employer.change']);

    // Art. 17 para 1: name, USCC and bank account only after the agency reviewed the documents.
    const reviewed = await s.call('PATCH', `/employers/${n}`, {
      headers: agent,
      body: { name: '另一家公司', bankAccount: { ...registered.body, accountNumber: '6222000011112222' } },
    });
    expect(reviewed.status).toBe(400);
    expect(reviewed.body.error.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', rule: 'change_needs_review' }),
        expect.objectContaining({ path: 'bankAccount', rule: 'change_needs_review' }),
      ]),
    );
    expect((await historyOf(n)).filter((h) => h.kind === 'changed')).toHaveLength(1);
  });
});

describe('单位信息变更，经审核 (Art. 17 para 1)', () => {
  it('applies a change of the name and the bank account only after a reviewer of the agency approved the documents (Art. 17 para 1)', async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    const n: string = registered.body.registerNumber;
    await coordinated(n, agent); // the pension registration knows the employer
    const change = {
      channel: 'online',
      changedOn: addDays(await s.today(), -40),
      name: `${e.name.replace(/有限公司$/, '')}科技有限公司`,
      bankAccount: {
        bankName: '中国工商银行沈阳分行',
        bankCode: '102221000011',
        accountName: `${e.name.replace(/有限公司$/, '')}科技有限公司`,
        accountNumber: '330100000000123456',
      },
    };
    const withoutDocuments = await s.call('POST', `/employers/${n}/changes`, {
      headers: agent,
      body: { ...change, documents: ['registration_change_notice'] },
    });
    expect(withoutDocuments.status).toBe(400);
    expect(withoutDocuments.body.error.fields).toContainEqual(
      expect.objectContaining({ path: 'documents', rule: 'documents_required' }),
    );
    expect(withoutDocuments.body.error.fields[0].message).toContain('开户证明');

    const r = await s.call('POST', `/employers/${n}/changes`, {
      headers: agent,
      body: { ...change, documents: ['registration_change_notice', 'bank_account_certificate'] },
    });
    expect(r.status).toBe(201);
    const caseNumber: string = r.body.caseNumber;
    expect(caseNumber).toMatch(/^DWB-\d{4}-210100-/);
    expect(r.body.items).toEqual(['name', 'bankAccount']);
    // Art. 17: declared 40 days after the change, 10 days after the 30: taken, and recorded as late.
    expect(r.body).toMatchObject({ dueOn: addDays(change.changedOn, 30), lateByDays: 10 });
    // Not yet: the register holds the old name until the review.
    const pending = await s.call('GET', `/employers/${n}`, { headers: agent });
    expect(pending.body.name).toBe(e.name);
    expect(pending.body.pendingChanges).toEqual([
      expect.objectContaining({ caseNumber, items: ['name', 'bankAccount'] }),
    ]);
    const deregistration = await s.call('POST', `/employers/${n}/deregistration`, {
      headers: agent,
      body: { channel: 'online', reason: 'merger', endedOn: await s.today() },
    });
    expect(deregistration.status).toBe(409);
    expect(deregistration.body.error.code).toBe('change_review_open');
    const second = await s.call('POST', `/employers/${n}/changes`, {
      headers: agent,
      body: {
        channel: 'online',
        changedOn: await s.today(),
        name: '又一个名称有限公司',
        documents: ['registration_change_notice'],
      },
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('change_review_open');

    const tasks = await eventually(
      () =>
        s.tdb.sql<{ type: string; due_date: Date; role: string }>(
          "SELECT type, due_date, role FROM task WHERE case_number = $1 AND status = 'open'",
          [caseNumber],
        ),
      (t) => t.length === 1,
    );
    expect(tasks[0]).toMatchObject({ type: 'employer_change_review', role: 'reviewer' });
    expect(tasks[0]!.due_date.toISOString().slice(0, 10) > (await s.today())).toBe(true);
    const done = await s.complete(caseNumber, 'employer_change_review', 'reviewer', { decision: 'approve' });
    expect(done.status).toBe(200);

    const view = await eventually(
      async () => (await s.call('GET', `/employers/${n}`, { headers: agent })).body,
      (v: any) => v.name === change.name,
    );
    expect(view).toMatchObject({ name: change.name, bankAccount: change.bankAccount, pendingChanges: [] });
    const history = (await historyOf(n)).find((h) => h.kind === 'changed');
    expect(history).toMatchObject({ article: '17.1', actor_name: 'reviewer.210100', fields: ['name', 'bankAccount'] });
    const audit = await s.tdb.sql<{ action: string; case_number: string }>(
      "SELECT action, case_number FROM audit_log WHERE entity = 'employer' AND entity_id = $1 AND action = 'employer.change'",
      [n],
    );
    expect(audit).toEqual([{ action: 'employer.change', case_number: caseNumber }]);
    // Art. 15: the pension registration told of the change, under the USCC it knows.
    const told = await eventually(
      () =>
        s.sim.admin<{ updates: { noticeId: string; uscc: string; name: string }[] }>(
          'GET',
          '/pension/employer-registrations',
        ),
      (l) => l.updates.some((u) => u.noticeId === caseNumber),
    );
    expect(told.updates.find((u) => u.noticeId === caseNumber)).toMatchObject({ uscc: e.uscc, name: change.name });
  });

  it('leaves the register as it was when the reviewer rejects the change, with the reasons (Art. 17 para 1)', async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    const n: string = registered.body.registerNumber;
    const taken = await employer('210100', 'good_credit');
    const clash = await s.call('POST', '/employers', {
      headers: await s.employerAgent(taken.uscc),
      body: await registrationOf(taken),
    });
    expect(clash.status).toBe(201);
    // A USCC another employer registered: refused at once, naming it.
    const duplicate = await s.call('POST', `/employers/${n}/changes`, {
      headers: agent,
      body: {
        channel: 'online',
        changedOn: await s.today(),
        code: taken.uscc,
        documents: ['registration_change_notice'],
      },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toContain(taken.uscc);

    const r = await s.call('POST', `/employers/${n}/changes`, {
      headers: agent,
      body: {
        channel: 'online',
        changedOn: await s.today(),
        name: `${e.name}（新）`,
        documents: ['registration_change_notice'],
      },
    });
    expect(r.status).toBe(201);
    const done = await s.complete(r.body.caseNumber, 'employer_change_review', 'reviewer', {
      decision: 'reject',
      reasons: ['变更登记材料上的名称与申请不一致'],
    });
    expect(done.status).toBe(200);
    const request = await eventually(
      () =>
        s.tdb.sql<{ status: string; reasons: string[] }>(
          'SELECT status, reasons FROM employer_change_request WHERE case_number = $1',
          [r.body.caseNumber],
        ),
      (rows) => rows[0]?.status === 'rejected',
    );
    expect(request[0]).toEqual({ status: 'rejected', reasons: ['变更登记材料上的名称与申请不一致'] });
    const view = await s.call('GET', `/employers/${n}`, { headers: agent });
    expect(view.body).toMatchObject({ name: e.name, pendingChanges: [] });
    expect((await historyOf(n)).some((h) => h.kind === 'changed')).toBe(false);
  });
});

describe('单位登记信息查询 (Art. 8, 16)', () => {
  it("shows an employer's entry to its own agent and to staff of its agency only (Art. 8)", async () => {
    const e = await employer('210100', 'good_credit');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    const n: string = registered.body.registerNumber;
    const other = await employer('210100', 'good_credit');
    const otherAgent = await s.employerAgent(other.uscc);
    expect((await s.call('GET', `/employers/${n}`, { headers: agent })).status).toBe(200);
    const foreign = await s.call('GET', `/employers/${n}`, { headers: otherAgent });
    expect(foreign.status).toBe(404);
    expect((await s.call('PATCH', `/employers/${n}`, { headers: otherAgent, body: { email: 'x@y.cn' } })).status).toBe(
      404,
    );
    const shenyang = await s.staffOf('210100');
    const clerk = await s.call('GET', `/employers/${n}`, { headers: shenyang.reviewer.headers });
    expect(clerk.status).toBe(200);
    // Staff who do not check identity documents see the representative's ID number masked (Art. 30).
    expect(clerk.body.legalRepresentative.idNumber).toMatch(/\*/);
    const dalian = await s.staffOf('210200');
    expect((await s.call('GET', `/employers/${n}`, { headers: dalian.reviewer.headers })).status).toBe(404);
    // Staff find it by its USCC within their agency's scope only.
    const found = await s.call('GET', `/employers?code=${e.uscc}`, { headers: shenyang.intake.headers });
    expect(found.body.items).toEqual([expect.objectContaining({ registerNumber: n, statusLabel: '参保' })]);
    const elsewhere = await s.call('GET', `/employers?code=${e.uscc}`, { headers: dalian.intake.headers });
    expect(elsewhere.body.items).toEqual([]);
    expect((await s.call('GET', `/employers?code=${e.uscc}`, { headers: agent })).status).toBe(403);
    expect((await s.call('GET', `/employers/${n}`)).status).toBe(401);
  });
});

describe('单位注销登记 (Art. 18)', () => {
  it('deregisters an employer that owes nothing within 30 days of its dissolution, audited, its entry closed (Art. 18)', async () => {
    const e = await employer('210100', 'good_credit,!has_arrears');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    expect(registered.status).toBe(201);
    const n: string = registered.body.registerNumber;
    await coordinated(n, agent); // the pension registration knows the employer
    const endedOn = addDays(await s.today(), -10);
    const r = await s.call('POST', `/employers/${n}/deregistration`, {
      headers: agent,
      body: { channel: 'online', reason: 'dissolution', endedOn },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'deregistered',
      statusLabel: '注销',
      dueOn: addDays(endedOn, 30),
      lateByDays: 0,
    });
    const view = await s.call('GET', `/employers/${n}`, { headers: agent });
    expect(view.body).toMatchObject({
      status: 'deregistered',
      statusLabel: '注销',
      ended: { on: endedOn, reason: 'dissolution', reasonLabel: '解散' },
    });
    expect((await historyOf(n)).find((h) => h.kind === 'deregistered')).toMatchObject({ article: '18' });
    const audit = await s.tdb.sql<{ action: string }>(
      "SELECT action FROM audit_log WHERE entity = 'employer' AND entity_id = $1 ORDER BY id",
      [n],
    );
    expect(audit.map((a) => a.action)).toContain('employer.deregister');
    const again = await s.call('POST', `/employers/${n}/deregistration`, {
      headers: agent,
      body: { channel: 'online', reason: 'dissolution', endedOn },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('employer_deregistered');
    const change = await s.call('PATCH', `/employers/${n}`, { headers: agent, body: { email: 'new@example.cn' } });
    expect(change.status).toBe(409);
    // Art. 15: the pension registration told of the deregistration.
    const told = await eventually(
      () =>
        s.sim.admin<{ updates: { noticeId: string; status: string; endedOn?: string }[] }>(
          'GET',
          '/pension/employer-registrations',
        ),
      (l) => l.updates.some((u) => u.noticeId === `${n}.deregistered`),
    );
    expect(told.updates.find((u) => u.noticeId === `${n}.deregistered`)).toMatchObject({
      uscc: e.uscc,
      status: 'deregistered',
      endedOn,
    });
  });

  it('refuses to deregister an employer that owes contributions, listing the months and amounts owed (Art. 18)', async () => {
    const e = await employer('210100', 'recent_arrears');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    expect(registered.status).toBe(201);
    const n: string = registered.body.registerNumber;
    const owed = (await s.sim.clients.tax.getEmployerArrears(e.uscc))!.months;
    expect(owed.length).toBeGreaterThan(0);
    const r = await s.call('POST', `/employers/${n}/deregistration`, {
      headers: agent,
      body: { channel: 'online', reason: 'bankruptcy', endedOn: addDays(await s.today(), -3) },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('employer_has_arrears');
    expect(r.body.error.message).toContain(`共${owed.length}个月`);
    expect(r.body.error.fields.map((f: { path: string }) => f.path)).toEqual(owed.map((m) => `arrears.${m.month}`));
    expect(r.body.error.fields[0].message).toMatch(/欠缴[\d,]+\.\d{2}元/);
    const view = await s.call('GET', `/employers/${n}`, { headers: agent });
    expect(view.body.status).toBe('insured');
    expect((await historyOf(n)).map((h) => h.kind)).not.toContain('deregistered');
  });

  it('takes a deregistration later than 30 days at the window, recorded as late (Art. 18)', async () => {
    const e = await employer('210100', 'good_credit,!has_arrears');
    const agent = await s.employerAgent(e.uscc);
    const registered = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e) });
    const n: string = registered.body.registerNumber;
    const endedOn = addDays(await s.today(), -45);
    const clerk = (await s.staffOf('210100')).intake.headers;
    const r = await s.call('POST', `/employers/${n}/deregistration`, {
      headers: clerk,
      body: { channel: 'window', reason: 'merger', endedOn },
    });
    expect(r.status).toBe(200);
    expect(r.body.lateByDays).toBe(15);
    expect((await historyOf(n)).find((h) => h.kind === 'deregistered')).toMatchObject({
      actor_name: 'intake.210100',
      after: expect.objectContaining({ reason: 'merger', lateByDays: 15 }),
    });
  });
});
