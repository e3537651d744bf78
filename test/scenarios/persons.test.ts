/**
 * 个人参保登记 (Chapter 3, Art. 18-22, 33, 51): the register of insured persons through the public API, on the real
 * servers, with the simulators' persons at employers registered through the API. An employer's agent registers its
 * staff online (a clerk at a window), checked against the household registration; a person known is resumed or moved
 * in within the province; a clerk changes the important items at once, the person their residence and phone; the
 * employer declares retirement, emigration or death; a deregistered employer's relations end with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import { residentIdSex } from '../../domain/identity';
import { personRegistrationBody } from '../support/employer-registration';
import { registeredEmployers } from './registered-employers';
import { personActivities } from '../../activities/persons';
import { startScenario, type Scenario } from './harness';

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ name: 'persons', cities: [] });
});
afterAll(async () => {
  await s?.close();
});

interface Employer {
  registerNumber: string;
  uscc: string;
  agent: Record<string, string>;
}

const registeredEmployer = registeredEmployers(() => s);

/** Every item of Art. 19 for a simulator person, as the employer would declare them. */
const itemsOf = personRegistrationBody;

const register = (e: Employer, body: unknown, headers: Record<string, string> = e.agent) =>
  s.call('POST', `/employers/${e.registerNumber}/persons`, { headers, body });

const personRow = (idNumber: string) =>
  s.tdb.sql<any>('SELECT * FROM insured_person WHERE id_number = $1', [idNumber]).then((r) => r[0]);
const relationsOf = (personNumber: string) =>
  s.tdb.sql<any>(
    `SELECT register_number, status, origin, late_by_days, to_char(hired_on, 'YYYY-MM-DD') AS hired_on,
            to_char(ended_on, 'YYYY-MM-DD') AS ended_on
       FROM insurance_relation WHERE person_number = $1 ORDER BY id`,
    [personNumber],
  );
const historyOf = (personNumber: string) =>
  s.tdb.sql<any>(
    'SELECT kind, article, actor_name, fields, before, after FROM person_change WHERE person_number = $1 ORDER BY id',
    [personNumber],
  );
const auditOf = (personNumber: string) =>
  s.tdb.sql<any>('SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY at', [personNumber]);

describe('个人参保登记 (Art. 19)', () => {
  it('registers a person online by the employer’s own agent with every item of Art. 19, once per Idempotency-Key (Art. 19)', async () => {
    const e = await registeredEmployer('210100');
    const other = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const body = itemsOf(p!, addDays(today, -10));

    // The access table (Art. 8, 30): another employer's agent, a clerk out of scope, the agent at a window.
    expect((await register(e, body, other.agent)).status).toBe(404);
    const shenyang = await s.staffOf('210100');
    const dalian = await s.staffOf('210200');
    expect((await register(e, { ...body, channel: 'window' }, dalian.intake.headers)).status).toBe(404);
    expect((await register(e, { ...body, channel: 'window' })).status).toBe(403);
    expect((await register(e, body, shenyang.reviewer.headers)).status).toBe(403);

    const headers = { ...e.agent, 'idempotency-key': `person-${p!.idNumber}` };
    const r = await register(e, body, headers);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      registerNumber: e.registerNumber,
      origin: 'registration',
      status: 'insured',
      lateByDays: 0,
    });
    const personNumber: string = r.body.personNumber;
    expect(personNumber).toMatch(/^210100\d{10}$/);

    const row = await personRow(p!.idNumber);
    expect(row).toMatchObject({ person_number: personNumber, name: p!.name, phone: p!.mobile, status: 'insured' });
    expect(row.hukou_division).toBe(p!.hukouDivisionCode);
    expect(await relationsOf(personNumber)).toEqual([
      expect.objectContaining({
        register_number: e.registerNumber,
        status: 'insured',
        origin: 'registration',
        late_by_days: 0,
      }),
    ]);
    const history = await historyOf(personNumber);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: 'registered', article: '19', actor_name: `agent.${e.uscc}` });
    expect((await auditOf(personNumber)).map((a: any) => a.action)).toEqual(['person.register']);

    // A retried request gets the same answer; the same key for another body is refused; nothing more written.
    const again = await register(e, body, headers);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ personNumber, relationId: r.body.relationId });
    const reused = await register(e, { ...body, residence: '辽宁省沈阳市皇姑区另一小区' }, headers);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // The same person at the same employer while the relation is open: 409 naming it.
    const twice = await register(e, body);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'person_already_insured_here' });
    expect(twice.body.error.message).toContain(personNumber);
    expect(await relationsOf(personNumber)).toHaveLength(1);

    // The staff list: the employer's own agent, staff in scope; not another employer (Art. 30).
    const list = await s.call('GET', `/employers/${e.registerNumber}/persons`, { headers: e.agent });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        registerNumber: e.registerNumber,
        status: 'insured',
        person: expect.objectContaining({ personNumber, name: p!.name, idNumber: p!.idNumber }),
      }),
    ]);
    expect((await s.call('GET', `/employers/${e.registerNumber}/persons`, { headers: other.agent })).status).toBe(404);
    const reviewed = await s.call('GET', `/employers/${e.registerNumber}/persons`, {
      headers: shenyang.reviewer.headers,
    });
    expect(reviewed.body.items[0].person.idNumber).not.toBe(p!.idNumber);
  });

  it('refuses a name the identity source does not hold for the ID number (422) and a wrong check character (400), writing nothing (Art. 19)', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const wrongName = await register(e, itemsOf(p!, today, { name: `${p!.name}伟` }));
    expect(wrongName.status).toBe(422);
    expect(wrongName.body.error).toMatchObject({
      code: 'differs_from_identity_source',
      fields: [expect.objectContaining({ path: 'name' })],
    });
    const last = p!.idNumber[17] === '0' ? '1' : '0';
    const badCheck = await register(e, itemsOf(p!, today, { idNumber: p!.idNumber.slice(0, 17) + last }));
    expect(badCheck.status).toBe(400);
    expect(badCheck.body.error.fields).toContainEqual(
      expect.objectContaining({ path: 'idNumber', rule: 'check_character' }),
    );
    const wrongSex = await register(
      e,
      itemsOf(p!, today, { sex: residentIdSex(p!.idNumber) === 'male' ? 'female' : 'male' }),
    );
    expect(wrongSex.status).toBe(400);
    expect(wrongSex.body.error.fields).toContainEqual(
      expect.objectContaining({ path: 'sex', rule: 'differs_from_id_number' }),
    );
    expect(await personRow(p!.idNumber)).toBeUndefined();
  });

  it('records a registration later than 30 days after hiring, not refused (Art. 19)', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const r = await register(e, itemsOf(p!, addDays(today, -45)));
    expect(r.status).toBe(201);
    expect(r.body.lateByDays).toBe(15);
    const [relation] = await relationsOf(r.body.personNumber);
    expect(relation).toMatchObject({ late_by_days: 15, status: 'insured' });
    expect((await historyOf(r.body.personNumber))[0].after).toMatchObject({
      lateByDays: 15,
      dueOn: addDays(today, -15),
    });
  });

  it('resumes a person in the register without an open relation (Art. 19 人员恢复参保)', async () => {
    const first = await registeredEmployer('210100');
    const next = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const r1 = await register(first, itemsOf(p!, addDays(today, -100)));
    expect(r1.status).toBe(201);
    // The first employer ends (Art. 18): the person is left without an open relation, suspended.
    const d = await s.call('POST', `/employers/${first.registerNumber}/deregistration`, {
      headers: first.agent,
      body: { channel: 'online', reason: 'dissolution', endedOn: addDays(today, -20) },
    });
    expect(d.status).toBe(200);
    expect((await personRow(p!.idNumber)).status).toBe('suspended');
    const r2 = await register(next, itemsOf(p!, addDays(today, -5)));
    expect(r2.status).toBe(201);
    expect(r2.body).toMatchObject({ personNumber: r1.body.personNumber, origin: 'resumed' });
    const row = await personRow(p!.idNumber);
    expect(row.status).toBe('insured');
    // 参加保险时间 stays the first day insured in the province.
    expect(row.insured_since.toISOString().slice(0, 10)).toBe(addDays(today, -100));
    expect((await historyOf(r1.body.personNumber)).map((h: any) => [h.kind, h.article])).toEqual([
      ['registered', '19'],
      ['cancelled', '18'],
      ['resumed', '19'],
    ]);
  });

  it('moves a person in from an employer of another city: that relation ends, a new one opens (Art. 51)', async () => {
    const dalian = await registeredEmployer('210200');
    const shenyang = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const r1 = await register(dalian, itemsOf(p!, addDays(today, -200)));
    expect(r1.status).toBe(201);
    const r2 = await register(shenyang, itemsOf(p!, addDays(today, -3)));
    expect(r2.status).toBe(201);
    expect(r2.body).toMatchObject({ personNumber: r1.body.personNumber, origin: 'moved_in' });
    expect(await relationsOf(r1.body.personNumber)).toEqual([
      expect.objectContaining({
        register_number: dalian.registerNumber,
        status: 'suspended',
        ended_on: addDays(today, -4),
      }),
      expect.objectContaining({ register_number: shenyang.registerNumber, status: 'insured', origin: 'moved_in' }),
    ]);
    const row = await personRow(p!.idNumber);
    expect(row).toMatchObject({ status: 'insured', agency_code: '210100' });
    expect((await historyOf(r1.body.personNumber)).map((h: any) => [h.kind, h.article])).toEqual([
      ['registered', '19'],
      ['suspended', '51'],
      ['moved_in', '51'],
    ]);
  });
});

describe('个人信息变更 (Art. 20)', () => {
  it('changes the name by an intake clerk after the identity source confirms it, decided at once; refuses what it does not confirm (Art. 20)', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const r = await register(e, itemsOf(p!, await s.today()));
    const personNumber: string = r.body.personNumber;
    const staff = await s.staffOf('210100');
    const path = `/persons/${personNumber}/identity-changes`;
    const newName = `${p!.name.slice(0, 1)}新名`;
    // The identity source does not know the new name yet: refused, naming the field; nothing changed.
    const refused = await s.call('POST', path, {
      headers: staff.intake.headers,
      body: { name: newName, documentChecked: true },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toContainEqual(expect.objectContaining({ path: 'name' }));
    // Only the post that checks identity documents (受理), never the employer.
    expect(
      (await s.call('POST', path, { headers: staff.reviewer.headers, body: { name: newName, documentChecked: true } }))
        .status,
    ).toBe(403);
    expect(
      (await s.call('POST', path, { headers: e.agent, body: { name: newName, documentChecked: true } })).status,
    ).toBe(403);
    await s.sim.admin('POST', '/hukou/name-changes', { idNumber: p!.idNumber, name: newName });
    const done = await s.call('POST', path, {
      headers: staff.intake.headers,
      body: { name: newName, documentChecked: true },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ changed: ['name'], status: 'completed' });
    expect((await personRow(p!.idNumber)).name).toBe(newName);
    const history = await historyOf(personNumber);
    expect(history.at(-1)).toMatchObject({
      kind: 'changed',
      article: '20.1',
      actor_name: 'intake.210100',
      fields: ['name'],
      before: { name: p!.name },
      after: { name: newName },
    });
    expect((await auditOf(personNumber)).map((a: any) => a.action)).toContain('person.identity_change');
  });

  it('changes the residence and phone by the person online, effective at once; the important items refused there (Art. 20)', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const r = await register(e, itemsOf(p!, await s.today()));
    const personNumber: string = r.body.personNumber;
    const me = await s.applicant(p!);
    const mine = await s.call('GET', '/persons/mine', { headers: me });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ personNumber, name: p!.name, idNumber: p!.idNumber });
    const name = await s.call('PATCH', '/persons/mine', { headers: me, body: { name: '别人' } });
    expect(name.status).toBe(400);
    expect(name.body.error.fields).toContainEqual(
      expect.objectContaining({ path: 'name', rule: 'change_needs_review' }),
    );
    const changed = await s.call('PATCH', '/persons/mine', {
      headers: me,
      body: { residence: '辽宁省沈阳市浑南区新家小区2号楼', phone: '13912345678' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.changed).toEqual(['residence', 'phone']);
    expect(await personRow(p!.idNumber)).toMatchObject({
      residence: '辽宁省沈阳市浑南区新家小区2号楼',
      phone: '13912345678',
    });
    expect((await historyOf(personNumber)).at(-1)).toMatchObject({
      kind: 'changed',
      article: '20.2',
      fields: ['residence', 'phone'],
    });
    // Art. 30: the person reads their history; nobody else signed in as another person does.
    expect((await s.call('GET', `/persons/${personNumber}/history`, { headers: me })).status).toBe(200);
    const [q] = await s.people('employed', 1);
    const someoneElse = await s.applicant(q!);
    expect((await s.call('GET', `/persons/${personNumber}`, { headers: someoneElse })).status).toBe(404);
  });
});

describe('终止参保 (Art. 22, 33)', () => {
  it('ends every open relation and cancels the insured status on the employer’s declaration of retirement (Art. 22, 33)', async () => {
    const e = await registeredEmployer('210100');
    const other = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const r = await register(e, itemsOf(p!, addDays(today, -60)));
    const personNumber: string = r.body.personNumber;
    const path = `/persons/${personNumber}/termination`;
    const body = { channel: 'online', reason: 'retirement', on: addDays(today, -1) };
    expect((await s.call('POST', path, { headers: other.agent, body })).status).toBe(404);
    const t = await s.call('POST', path, { headers: e.agent, body });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ status: 'terminated', reason: 'retirement', endedRelations: [e.registerNumber] });
    expect(await personRow(p!.idNumber)).toMatchObject({ status: 'terminated', termination_reason: 'retirement' });
    expect(await relationsOf(personNumber)).toEqual([
      expect.objectContaining({ status: 'terminated', ended_on: addDays(today, -1) }),
    ]);
    expect((await historyOf(personNumber)).map((h: any) => [h.kind, h.article])).toEqual([
      ['registered', '19'],
      ['terminated', '22'],
      ['terminated', '33'],
    ]);
    expect((await s.call('POST', path, { headers: e.agent, body })).status).toBe(404); // no longer its staff
    const staff = await s.staffOf('210100');
    const again = await s.call('POST', path, { headers: staff.intake.headers, body: { ...body, channel: 'window' } });
    expect(again.status).toBe(409);
    // Insurance ended for good: a new registration is refused.
    const later = await register(other, itemsOf(p!, today));
    expect(later.status).toBe(422);
    expect(later.body.error.code).toBe('person_terminated');
  });

  it('terminates from shared data: a death record ends the relations, once (Art. 22, 33)', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const today = await s.today();
    const r = await register(e, itemsOf(p!, addDays(today, -30)));
    const { terminateFromSharedData } = personActivities({ db: s.tdb.db });
    const first = await terminateFromSharedData(r.body.personNumber, 'death', addDays(today, -2), 'civil_affairs');
    expect(first).toMatchObject({ outcome: 'terminated', endedRelations: [e.registerNumber] });
    const second = await terminateFromSharedData(r.body.personNumber, 'retirement', today, 'pension');
    expect(second).toMatchObject({ outcome: 'already_terminated', reason: 'death' });
    expect(await personRow(p!.idNumber)).toMatchObject({ status: 'terminated', termination_reason: 'death' });
    const history = await historyOf(r.body.personNumber);
    expect(history.at(-1)).toMatchObject({
      kind: 'terminated',
      article: '33',
      actor_name: '系统',
      after: expect.objectContaining({ source: 'civil_affairs' }),
    });
    expect(await terminateFromSharedData('2101009999999999', 'death', today, 'civil_affairs')).toEqual({
      outcome: 'not_found',
    });
  });
});

describe('单位注销登记 ends the relations (Art. 18)', () => {
  it('cancels every open relation of a deregistered employer; a person without another becomes suspended (Art. 18)', async () => {
    const e = await registeredEmployer('210100');
    const second = await registeredEmployer('210100');
    const [a, b] = await s.people('employed', 2);
    const today = await s.today();
    const ra = await register(e, itemsOf(a!, addDays(today, -90)));
    const rb = await register(e, itemsOf(b!, addDays(today, -90)));
    // b works for a second employer of the same agency too: both relations open.
    const rb2 = await register(second, itemsOf(b!, addDays(today, -60)));
    expect(rb2.body).toMatchObject({ personNumber: rb.body.personNumber, origin: 'registration' });
    const d = await s.call('POST', `/employers/${e.registerNumber}/deregistration`, {
      headers: e.agent,
      body: { channel: 'online', reason: 'bankruptcy', endedOn: addDays(today, -7) },
    });
    expect(d.status).toBe(200);
    expect(d.body.relationsCancelled).toBe(2);
    expect(await relationsOf(ra.body.personNumber)).toEqual([
      expect.objectContaining({ register_number: e.registerNumber, status: 'cancelled', ended_on: addDays(today, -7) }),
    ]);
    expect((await personRow(a!.idNumber)).status).toBe('suspended');
    expect((await personRow(b!.idNumber)).status).toBe('insured');
    expect((await historyOf(ra.body.personNumber)).at(-1)).toMatchObject({ kind: 'cancelled', article: '18' });
  });
});

describe('参保人员信息查询 (Art. 30)', () => {
  it('shows a person found by ID number in the body to staff in scope, masked for posts that do not check documents (Art. 19, 30)', async () => {
    const e = await registeredEmployer('210100');
    const [p] = await s.people('employed', 1);
    const r = await register(e, itemsOf(p!, await s.today()));
    const shenyang = await s.staffOf('210100');
    const dalian = await s.staffOf('210200');
    const found = await s.call('POST', '/persons/search', {
      headers: shenyang.intake.headers,
      body: { idNumber: p!.idNumber },
    });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      personNumber: r.body.personNumber,
      idNumber: p!.idNumber,
      relations: [expect.objectContaining({ registerNumber: e.registerNumber })],
    });
    const masked = await s.call('GET', `/persons/${r.body.personNumber}`, { headers: shenyang.reviewer.headers });
    expect(masked.status).toBe(200);
    expect(masked.body.idNumber).not.toBe(p!.idNumber);
    expect(
      (await s.call('POST', '/persons/search', { headers: dalian.intake.headers, body: { idNumber: p!.idNumber } }))
        .status,
    ).toBe(404);
    const history = await s.call('GET', `/persons/${r.body.personNumber}/history`, {
      headers: shenyang.intake.headers,
    });
    expect(history.body.items.map((h: any) => h.kind)).toEqual(['registered']);
    expect((await s.call('GET', `/persons/${r.body.personNumber}/history`, { headers: e.agent })).status).toBe(404);
  });
});
