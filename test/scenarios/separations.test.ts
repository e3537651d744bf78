/**
 * 暂停参保与每日比对 (Art. 17, 19, 21, 22, 33, 38) end to end, on the real servers: an employer's agent declares a staff
 * reduction and the person gets the 《失业保险金申领告知书》; a late one reaches a clerk's task board; a claim reads the
 * declared separation first; the daily comparison with the shared data reminds employers of unregistered staff and
 * undeclared changes, then gives a clerk a task, and ends the relations of persons who retired or died.
 *
 * The persons' registration (Art. 19 API) is another slice: here the register is seeded with them by SQL
 * (`seedInsured`), at employers registered through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import { shanghaiInstant } from '../../domain/business-time';
import { residentIdBirthDate } from '../../domain/identity';
import { eventually } from '../support/wait';
import { startScenario, type Person, type Scenario } from './harness';
import { employerHelpers, type SimEmployer } from './employers';

let s: Scenario;
const CITY = '210100';

beforeAll(async () => {
  s = await startScenario({ name: 'separations', cities: [] });
});
afterAll(async () => {
  await s?.close();
});

const { employer, registrationOf } = employerHelpers(() => s);

let phones = 0;
interface Registered {
  e: SimEmployer;
  registerNumber: string;
  agent: Record<string, string>;
  agentPhone: string;
}

/** A seeded employer registered through the API by its agent (Art. 16), with an agent phone of its own. */
async function registered(
  filter = '',
  predicate?: (e: SimEmployer) => boolean | Promise<boolean>,
  city = CITY,
): Promise<Registered> {
  const e = await employer(city, filter, predicate);
  const agent = await s.employerAgent(e.uscc, city);
  const agentPhone = `1390000${String(++phones).padStart(4, '0')}`;
  const r = await s.call('POST', '/employers', { headers: agent, body: await registrationOf(e, {}, agentPhone) });
  if (r.status !== 201) throw new Error(`POST /employers: ${r.status} ${JSON.stringify(r.body)}`);
  return { e, registerNumber: r.body.registerNumber, agent, agentPhone };
}

/**
 * The person in the register, insured at the employer since `hiredOn` (the Art. 19 registration of the persons slice,
 * written here directly). Returns the personal number and the relation's ID.
 */
async function seedInsured(
  p: Pick<Person, 'idNumber' | 'name' | 'mobile' | 'hukouDivisionCode'>,
  registerNumber: string,
  hiredOn: string,
): Promise<{ personNumber: string; relationId: string }> {
  const [row] = await s.tdb.sql<{ n: string }>(
    `SELECT left($1, 6) || lpad(nextval('insured_person_serial')::text, 10, '0') AS n`,
    [registerNumber],
  );
  const personNumber = row!.n;
  const sex = Number(p.idNumber[16]) % 2 === 1 ? 'male' : 'female';
  await s.tdb.sql(
    `INSERT INTO insured_person (person_number, id_type, id_number, name, sex, birth_date, phone, hukou_division,
       hukou_address, residence, insured_since, agency_code, status, registered_at, updated_at)
     VALUES ($1, 'resident_id_card', $2, $3, $4, $5, $6, $7, '辽宁省', '沈阳市和平区', $8, left($9, 6), 'insured', now(), now())`,
    [
      personNumber,
      p.idNumber,
      p.name,
      sex,
      residentIdBirthDate(p.idNumber),
      p.mobile,
      p.hukouDivisionCode,
      hiredOn,
      registerNumber,
    ],
  );
  const [rel] = await s.tdb.sql<{ id: string }>(
    `INSERT INTO insurance_relation (person_number, register_number, hired_on, late_by_days, status, origin, created_at, updated_at)
     VALUES ($1, $2, $3, 0, 'insured', 'registration', now(), now()) RETURNING id::text`,
    [personNumber, registerNumber, hiredOn],
  );
  return { personNumber, relationId: rel!.id };
}

const relationRow = (id: string) =>
  s.tdb
    .sql<{
      status: string;
      ended_on: string | null;
      separation_reason: string | null;
      declared_late_by_days: number | null;
      ended_by: string | null;
    }>(
      `SELECT status, to_char(ended_on, 'YYYY-MM-DD') AS ended_on, separation_reason, declared_late_by_days, ended_by
       FROM insurance_relation WHERE id = $1`,
      [id],
    )
    .then((r) => r[0]!);
const personRow = (n: string) =>
  s.tdb
    .sql<{ status: string; termination_reason: string | null; terminated_on: string | null }>(
      `SELECT status, termination_reason, to_char(terminated_on, 'YYYY-MM-DD') AS terminated_on
       FROM insured_person WHERE person_number = $1`,
      [n],
    )
    .then((r) => r[0]!);
const changesOf = (n: string) =>
  s.tdb.sql<{ kind: string; article: string; after: any }>(
    'SELECT kind, article, after FROM person_change WHERE person_number = $1 ORDER BY id',
    [n],
  );

/**
 * The daily comparison, started as its schedule starts it (POST /register/comparisons: the same workflow). Waits until
 * its pages are done (the follow-up cases it opens wait for clerks; the run is not awaited, so the clock stays put).
 */
async function compare(): Promise<string> {
  const staff = await s.staffOf(CITY);
  const r = await s.call('POST', '/register/comparisons', { headers: staff.supervisor.headers });
  expect(r.status).toBe(202);
  const handle = s.env.client.workflow.getHandle(r.body.runId);
  await eventually(
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const done = (await handle.describe()).status.name !== 'RUNNING';
      // Its last page asked: the follow-ups' activity has completed (children may still run).
      const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
      const completed = events.filter((e) => e.activityTaskCompletedEventAttributes).length;
      return done || (scheduled > 0 && scheduled === completed && events.some((e) => isFollowUpsAsked(e)));
    },
    (ok) => ok,
    300,
  );
  return r.body.runId;
}
const isFollowUpsAsked = (e: any) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'openDueFollowUps';

const findingsOf = (registerNumber: string, rule: string) =>
  s.tdb.sql<{
    id: string;
    subject: any;
    reminder_id: string | null;
    case_number: string | null;
    resolved_on: string | null;
  }>(
    'SELECT id, subject, reminder_id, case_number, resolved_on FROM register_finding WHERE register_number = $1 AND rule = $2',
    [registerNumber, rule],
  );

describe('暂停参保 (Art. 21)', () => {
  it('declares a staff reduction within 15 days: relation and person suspended, the claim notice letter sent by SMS and printable (Art. 21)', async () => {
    const { registerNumber, agent } = await registered();
    const [person] = await s.people('employed,!pensioner,!deceased', 1);
    const { personNumber, relationId } = await seedInsured(person!, registerNumber, '2020-03-01');
    const today = await s.today();
    const separationDate = addDays(today, -3);
    const body = { channel: 'online', personNumber, separationDate, separationReason: 'employer_terminated' };
    const headers = { ...agent, 'idempotency-key': `reduction-${personNumber}` };

    // Bad input names the field and changes nothing.
    const future = await s.call('POST', `/employers/${registerNumber}/reductions`, {
      headers: agent,
      body: { ...body, separationDate: addDays(today, 1) },
    });
    expect(future.status).toBe(422);
    expect(future.body.error.fields).toEqual([
      expect.objectContaining({ path: 'separationDate', rule: 'not_in_future' }),
    ]);
    const early = await s.call('POST', `/employers/${registerNumber}/reductions`, {
      headers: agent,
      body: { ...body, separationDate: '2019-12-31' },
    });
    expect(early.status).toBe(422);
    expect(early.body.error.fields).toEqual([
      expect.objectContaining({ path: 'separationDate', rule: 'not_before_hiring' }),
    ]);
    const unknown = await s.call('POST', `/employers/${registerNumber}/reductions`, {
      headers: agent,
      body: { ...body, separationReason: 'quit_for_fun' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.map((f: any) => f.path)).toContain('separationReason');
    // Art. 8: another employer's agent does not see this employer's staff.
    const other = await registered();
    const foreign = await s.call('POST', `/employers/${registerNumber}/reductions`, { headers: other.agent, body });
    expect(foreign.status).toBe(404);
    expect((await relationRow(relationId)).status).toBe('insured');

    // Declared in time.
    const r = await s.call('POST', `/employers/${registerNumber}/reductions`, { headers, body });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ relationId, status: 'suspended', separationDate, lateByDays: 0 });
    expect(await relationRow(relationId)).toEqual({
      status: 'suspended',
      ended_on: separationDate,
      separation_reason: 'employer_terminated',
      declared_late_by_days: 0,
      ended_by: 'employer',
    });
    expect((await personRow(personNumber)).status).toBe('suspended');
    expect(await changesOf(personNumber)).toEqual([
      expect.objectContaining({ kind: 'suspended', article: '21', after: expect.objectContaining({ separationDate }) }),
    ]);

    // The same request again: the same answer; another declaration for the suspended relation: 409.
    const again = await s.call('POST', `/employers/${registerNumber}/reductions`, { headers, body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ relationId, status: 'suspended', separationDate });
    const twice = await s.call('POST', `/employers/${registerNumber}/reductions`, { headers: agent, body });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_suspended');
    expect(await changesOf(personNumber)).toHaveLength(1);

    // The person is told by SMS, once, with how to claim (Art. 21, 35).
    const sms = await eventually(
      () => s.smsTo(person!.mobile),
      (m) => m.some((x) => x.text.includes('失业保险金申领告知书')),
    );
    const letters = sms.filter((x) => x.text.includes('失业保险金申领告知书'));
    expect(letters).toHaveLength(1);
    expect(letters[0]!.text).toContain(`失业时间${separationDate}`);
    expect(letters[0]!.text).toContain('网上服务平台、手机APP等线上方式申领');
    // The printable notice, for the employer to hand over (and the page that prints it).
    const notice = await s.call('GET', `/register/claim-notices/${relationId}`, { headers: agent });
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({
      title: '失业保险金申领告知书',
      separationDate,
      separationReason: 'employer_terminated',
      person: { personNumber, name: person!.name },
      sms: { mobileMasked: expect.stringMatching(/\d{4}$/) },
    });
    expect(notice.body.how).toContain('全省任一失业保险经办机构的服务窗口或自助终端');
    const page = await fetch(`${s.api.url}/app/claim-notice?relation=${relationId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('失业保险金申领告知书');
    // In time: nothing for a clerk.
    expect(await findingsOf(registerNumber, 'late_reduction')).toEqual([]);
  });

  it('records a reduction declared later than 15 days and flags it to a clerk as a task (Art. 21)', async () => {
    const { registerNumber, agent } = await registered();
    const [person] = await s.people('employed,!pensioner,!deceased', 1);
    const { personNumber, relationId } = await seedInsured(person!, registerNumber, '2019-06-01');
    const separationDate = addDays(await s.today(), -40);
    const r = await s.call('POST', `/employers/${registerNumber}/reductions`, {
      headers: agent,
      body: { channel: 'online', personNumber, separationDate, separationReason: 'contract_expired' },
    });
    expect(r.status).toBe(201);
    expect(r.body.lateByDays).toBe(25);
    expect((await relationRow(relationId)).declared_late_by_days).toBe(25);

    // The clerk's follow-up, on the task board of the employer's agency.
    const [finding] = await eventually(
      () => findingsOf(registerNumber, 'late_reduction'),
      (f) => f.length === 1 && f[0]!.case_number !== null,
    );
    const caseNumber = finding!.case_number!;
    expect(caseNumber).toMatch(/^DJC-\d{4}-210100-/);
    const tasks = await eventually(
      () => s.openTasks(caseNumber),
      (t) => t.length === 1,
    );
    expect(tasks[0]).toMatchObject({ type: 'register_follow_up', role: 'reviewer' });
    // The notice letter went out all the same.
    await eventually(
      () => s.smsTo(person!.mobile),
      (m) => m.some((x) => x.text.includes('失业保险金申领告知书')),
    );
    const done = await s.complete(caseNumber, 'register_follow_up', 'reviewer', {
      decision: 'handled',
      reasons: ['已告知单位应在解除劳动关系后15日内办理减员申报'],
    });
    expect(done.status).toBe(200);
    await eventually(
      () => findingsOf(registerNumber, 'late_reduction'),
      (f) => f[0]?.resolved_on !== null,
    );
  });

  it('sends the claim notice letter of a reduction whose workflow could not be started with the next daily run, once (Art. 21)', async () => {
    const { registerNumber } = await registered();
    const [person] = await s.people('employed,!pensioner,!deceased', 1);
    const { personNumber, relationId } = await seedInsured(person!, registerNumber, '2021-01-01');
    const separationDate = addDays(await s.today(), -5);
    // Declared (as the API writes it) an hour ago, its workflow never started: Temporal was unreachable, no retry came.
    await s.tdb.sql(
      `UPDATE insurance_relation SET status = 'suspended', ended_on = $2, separation_reason = 'contract_expired',
         declared_at = now() - interval '1 hour', declared_late_by_days = 0, ended_by = 'employer' WHERE id = $1`,
      [relationId, separationDate],
    );
    await s.tdb.sql(`UPDATE insured_person SET status = 'suspended' WHERE person_number = $1`, [personNumber]);
    expect((await s.smsTo(person!.mobile)).filter((m) => m.text.includes('失业保险金申领告知书'))).toEqual([]);
    await compare();
    const letters = await eventually(
      async () => (await s.smsTo(person!.mobile)).filter((m) => m.text.includes('失业保险金申领告知书')),
      (m) => m.length > 0,
    );
    expect(letters[0]!.text).toContain(`失业时间${separationDate}`);
    await compare();
    expect((await s.smsTo(person!.mobile)).filter((m) => m.text.includes('失业保险金申领告知书'))).toHaveLength(1);
  });
});

describe('待遇核定读取减员申报 (Art. 38)', () => {
  it('determines a claim on the separation date and reason its employer declared at the staff reduction, the person’s differing statement shown (Art. 21, 38)', async () => {
    // An eligible person whose last employer registers and declares the reduction, with another (involuntary) reason
    // than the one the person states.
    const [person] = await s.people('eligible,!has_arrears,!pensioner,!deceased,!reemployed', 1, (p) =>
      ['contract_expired', 'employer_terminated'].includes(p.separationReason ?? ''),
    );
    const claim = await s.claimFor(person!);
    const declaredReason = claim.separation.reason === 'contract_expired' ? 'employer_terminated' : 'contract_expired';
    const uscc = claim.employer.uscc;
    const reg = await registered(
      '',
      (e) => e.uscc === uscc,
      (await s.sim.clients.tax.getEmployer(uscc))!.agencyDivisionCode,
    );
    const spell = (await s.sim.clients.tax.getPersonEmployments(person!.idNumber)).employments.find(
      (x) => x.employerUscc === uscc && x.endDate === claim.separation.date,
    )!;
    const { personNumber, relationId } = await seedInsured(person!, reg.registerNumber, spell.startDate);
    const declared = await s.call('POST', `/employers/${reg.registerNumber}/reductions`, {
      headers: reg.agent,
      body: {
        channel: 'online',
        personNumber,
        separationDate: claim.separation.date,
        separationReason: declaredReason,
      },
    });
    expect(declared.status).toBe(201);
    expect((await relationRow(relationId)).separation_reason).toBe(declaredReason);

    const filed = await s.file(claim);
    expect(filed.status).toBe(201);
    const caseNumber: string = filed.body.caseNumber;
    const [d] = await eventually(
      () =>
        s.tdb.sql<{ facts: any; conflicts: any[]; explanation: any }>(
          'SELECT facts, conflicts, explanation FROM determination WHERE case_number = $1 ORDER BY version DESC LIMIT 1',
          [caseNumber],
        ),
      (rows) => rows.length === 1,
    );
    // The declaration is the first source: its date and reason, and the case says so.
    expect(d!.facts.register.reduction).toMatchObject({
      employerUscc: uscc,
      separationDate: claim.separation.date,
      separationReason: declaredReason,
    });
    const step = JSON.stringify(d!.explanation);
    expect(step).toContain('以参保单位减员申报记录（第二十一条）为准');
    expect(step).toContain('"basis":"register"');
    expect(d!.conflicts).toEqual([
      expect.objectContaining({
        fact: 'separation_reason',
        declared: claim.separation.reason,
        recorded: declaredReason,
        source: 'register',
        resolution: 'record_prevails',
      }),
    ]);
    const view = await s.determinations(caseNumber);
    expect(JSON.stringify(view)).toContain(declaredReason);
  });
});

describe('每日比对 (Art. 17, 19, 22, 33)', () => {
  it('reminds an employer of staff hired more than 30 days ago and not registered, then gives a clerk a task, each once (Art. 19)', async () => {
    const reg = await registered('', async (e) => {
      const staff = await s.sim.clients.tax.getEmployerStaff(e.uscc);
      return (staff?.staff.filter((x) => x.endDate === null).length ?? 0) >= 3;
    });
    const today = await s.today();
    const open = (await s.sim.clients.tax.getEmployerStaff(reg.e.uscc))!.staff.filter((x) => x.endDate === null);
    const overdue = open.filter((x) => addDays(x.startDate, 30) < today);
    // One of them registered (Art. 19): not a finding.
    const first = overdue[0]!;
    await seedInsured(
      {
        idNumber: first.idNumber,
        name: first.name,
        mobile: '13700000000',
        hukouDivisionCode: first.idNumber.slice(0, 6),
      },
      reg.registerNumber,
      first.startDate,
    );

    await compare();
    const findings = await findingsOf(reg.registerNumber, 'unregistered_staff');
    expect(findings.map((f) => f.subject.idNumber).sort()).toEqual(
      overdue
        .slice(1)
        .map((x) => x.idNumber)
        .sort(),
    );
    const reminders = (await s.smsTo(reg.agentPhone)).filter((m) => m.text.includes('尚未办理失业保险参保登记'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain(`有${overdue.length - 1}名职工`);
    const listed = await s.call('GET', `/employers/${reg.registerNumber}/reminders`, { headers: reg.agent });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        kind: 'unregistered_staff_reminder',
        article: 'Art. 19',
        findings: overdue.length - 1,
      }),
    ]);

    // Again the same day: no second reminder, no new finding.
    await compare();
    expect(await findingsOf(reg.registerNumber, 'unregistered_staff')).toHaveLength(overdue.length - 1);
    expect((await s.smsTo(reg.agentPhone)).filter((m) => m.text.includes('尚未办理失业保险参保登记'))).toHaveLength(1);

    // Still unregistered after the reminder period: a task for a clerk, once.
    const until: string = listed.body.items[0].remindUntil;
    await s.advanceTo(shanghaiInstant(addDays(until, 1), 8));
    await compare();
    const cased = await findingsOf(reg.registerNumber, 'unregistered_staff');
    const caseNumbers = [...new Set(cased.map((f) => f.case_number))];
    expect(caseNumbers).toHaveLength(1);
    expect(caseNumbers[0]).toMatch(/^DJC-/);
    const tasks = await eventually(
      () => s.openTasks(caseNumbers[0]!),
      (t) => t.length === 1,
    );
    expect(tasks[0]).toMatchObject({ type: 'register_follow_up' });
    await compare();
    expect([
      ...new Set((await findingsOf(reg.registerNumber, 'unregistered_staff')).map((f) => f.case_number)),
    ]).toEqual(caseNumbers);
    expect(await s.openTasks(caseNumbers[0]!)).toHaveLength(1);
    expect((await s.smsTo(reg.agentPhone)).filter((m) => m.text.includes('尚未办理失业保险参保登记'))).toHaveLength(1);
  });

  it('reminds an employer of a market-registration change not declared within 30 days, then gives a clerk a task (Art. 17)', async () => {
    const reg = await registered();
    const changedOn = await s.today();
    await s.sim.admin('POST', '/market/changes', {
      uscc: reg.e.uscc,
      item: 'address',
      changedOn,
      after: '沈阳市沈河区青年大街100号',
    });
    // Within the 30 days: nothing.
    await compare();
    expect(await findingsOf(reg.registerNumber, 'undeclared_change')).toEqual([]);

    await s.advanceTo(shanghaiInstant(addDays(changedOn, 31), 8));
    await compare();
    expect((await findingsOf(reg.registerNumber, 'undeclared_change')).map((f) => f.subject)).toEqual([
      expect.objectContaining({ item: 'address', changedOn }),
    ]);
    const reminders = (await s.smsTo(reg.agentPhone)).filter((m) => m.text.includes('尚未申报失业保险单位信息变更'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain(`联系地址已于${changedOn}变更`);
    await compare();
    expect((await s.smsTo(reg.agentPhone)).filter((m) => m.text.includes('尚未申报失业保险单位信息变更'))).toHaveLength(
      1,
    );

    const listed = await s.call('GET', `/employers/${reg.registerNumber}/reminders`, { headers: reg.agent });
    const until: string = listed.body.items.find((m: any) => m.kind === 'undeclared_change_reminder').remindUntil;
    await s.advanceTo(shanghaiInstant(addDays(until, 1), 8));
    await compare();
    const [finding] = await findingsOf(reg.registerNumber, 'undeclared_change');
    expect(finding!.case_number).toMatch(/^DJC-/);
    expect(
      await eventually(
        () => s.openTasks(finding!.case_number!),
        (t) => t.length === 1,
      ),
    ).toEqual([expect.objectContaining({ type: 'register_follow_up' })]);
  });

  it('ends the open relation and the insured status of a person whose pension began or who died, from the shared data, once (Art. 22, 33)', async () => {
    const reg = await registered();
    const [retiring, dying] = await s.people('employed,!pensioner,!deceased', 2);
    const a = await seedInsured(retiring!, reg.registerNumber, '2015-01-01');
    const b = await seedInsured(dying!, reg.registerNumber, '2016-01-01');
    const today = await s.today();
    await s.sim.admin('POST', '/pensions', { idNumber: retiring!.idNumber, startDate: addDays(today, -2) });
    await s.sim.admin('POST', '/deaths', { idNumber: dying!.idNumber, dateOfDeath: addDays(today, -5) });

    await compare();
    expect(await relationRow(a.relationId)).toMatchObject({
      status: 'terminated',
      ended_on: addDays(today, -2),
      ended_by: 'pension',
    });
    expect(await personRow(a.personNumber)).toEqual({
      status: 'terminated',
      termination_reason: 'retirement',
      terminated_on: addDays(today, -2),
    });
    expect(await relationRow(b.relationId)).toMatchObject({
      status: 'terminated',
      ended_on: addDays(today, -5),
      ended_by: 'civil_affairs',
    });
    expect((await personRow(b.personNumber)).termination_reason).toBe('death');
    // The one write of a termination (lib/person-register.ts), as for the employer's declaration: the relation's end
    // (Art. 22) and the insured status cancelled with its source (Art. 33).
    expect(await changesOf(b.personNumber)).toEqual([
      expect.objectContaining({
        kind: 'terminated',
        article: '22',
        after: expect.objectContaining({ reason: 'death', status: 'terminated' }),
      }),
      expect.objectContaining({
        kind: 'terminated',
        article: '33',
        after: expect.objectContaining({ reason: 'death', source: 'civil_affairs' }),
      }),
    ]);

    await compare();
    expect(await changesOf(a.personNumber)).toHaveLength(2);
    expect(await changesOf(b.personNumber)).toHaveLength(2);
  });
});
