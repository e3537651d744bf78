/**
 * Fair sign-in, the person behind each action, plausible input (issue 21, items 6-8), end to end through the public
 * API over HTTP: the real worker on a time-skipping server, PostgreSQL and the simulators.
 *
 * - Art. 95 用户身份鉴别: failures are slowed down per account and client address (api/auth/throttle.ts), so failing
 *   sign-ins from another address locks nobody out, and the only administrator is never locked out entirely; an
 *   administrator unlocks an account; the lock and the unlock are audited. Applicants' SMS codes are limited per phone
 *   and address alike (Art. 8).
 * - Art. 37, 41, 77, 78: the timeline and the audit trail name who did it — the clerk's username, or `applicant`,
 *   never `system` for a person's action and never a person's name or ID number.
 * - Art. 34, 39, 96: a separation date within the span contributions can exist, a social security card number with its
 *   check digit, a name that is a name; refused with 400 naming the field and the rule, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentId } from '../support/fixtures';
import { cookieFrom, fetchFrom } from '../support/from-address';
import { PASSWORD } from '../support/users';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';

beforeAll(async () => {
  s = await startScenario({ name: 'signin', cities: [CITY] });
});
afterAll(async () => {
  await s?.close();
});

/** POST /auth/login from a client address; `cookie`: a device cookie the browser kept. */
const signIn = (from: string, username: string, password: string, cookie?: string) =>
  fetchFrom(from, `${s.api.url}/auth/login`, {
    body: { username, password, mode: 'bearer' },
    ...(cookie ? { headers: { cookie } } : {}),
  });

const auditOf = (entityId: string) =>
  s.tdb.sql<{ action: string; actor_name: string; reason: string | null; after: any }>(
    "SELECT action, actor_name, reason, after FROM audit_log WHERE entity = 'user' AND entity_id = $1 ORDER BY id",
    [entityId],
  );

describe('Sign-in that an outsider cannot turn against an account (Art. 95)', () => {
  it('Art. 95: failing sign-ins from another address locks nobody out, and the only administrator still signs in', async () => {
    const staff = await s.staffOf(CITY);
    const answers: { who: string; status: number; code?: string }[] = [];
    // An outsider at 127.0.0.2 tries the administrator's and a clerk's passwords, and made-up usernames.
    for (let i = 0; i < 24; i++) {
      for (const who of [staff.admin.username, staff.intake.username, `nobody${i}`]) {
        const r = await signIn('127.0.0.2', who, `guess ${i}`);
        answers.push({ who, status: r.status, code: r.body?.error?.code });
      }
    }
    // Slowed down where the guesses come from: each account from that address after 5 failures, then the address.
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([401, 401, 401]);
    expect(answers.filter((a) => a.who === staff.admin.username && a.status === 401)).toHaveLength(4);
    expect(answers.some((a) => a.who.startsWith('nobody') && a.code === 'client_locked')).toBe(true);
    const refused = await signIn('127.0.0.2', staff.admin.username, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/请\d+分钟后再试/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // The administrator — the only one who could unlock anybody — and the clerk sign in from their own address.
    const admin = await signIn('127.0.0.1', staff.admin.username, PASSWORD);
    expect(admin.status, JSON.stringify(admin.body)).toBe(200);
    const clerk = await signIn('127.0.0.1', staff.intake.username, PASSWORD);
    expect(clerk.status, JSON.stringify(clerk.body)).toBe(200);
  });

  it('Art. 95: failures from many addresses hold up clients the account does not know, not its own browser, and never the only administrator', async () => {
    const staff = await s.staffOf(CITY);
    // The reviewer signed in on this browser before: it keeps the device cookie.
    const before = await signIn('127.0.0.5', staff.reviewer.username, PASSWORD);
    expect(before.status).toBe(200);
    const device = cookieFrom(before.headers, 'ui_device');
    expect(device).toMatch(/^ui_device=[\w-]{43}$/);
    expect(String(before.headers['set-cookie'])).toMatch(/HttpOnly/i);

    // Five addresses, five wrong passwords each, for the reviewer and the administrator.
    for (let a = 1; a <= 5; a++) {
      for (let i = 0; i < 5; i++) {
        await signIn(`127.0.1.${a}`, staff.reviewer.username, `wrong ${i}`);
        await signIn(`127.0.1.${a}`, staff.admin.username, `wrong ${i}`);
      }
    }
    // A client the reviewer's account does not know is held up, in Chinese …
    const stranger = await signIn('127.0.0.6', staff.reviewer.username, PASSWORD);
    expect(stranger.status).toBe(429);
    expect(stranger.body.error.code).toBe('account_locked');
    expect(stranger.body.error.message).toMatch(/常用设备|系统管理员解锁/);
    // … the reviewer's own browser is not.
    const own = await signIn('127.0.0.6', staff.reviewer.username, PASSWORD, device);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    // Nobody could unlock the only administrator: the lock by account never binds them.
    const admin = await signIn('127.0.0.6', staff.admin.username, PASSWORD);
    expect(admin.status, JSON.stringify(admin.body)).toBe(200);

    // Art. 78: the locks are on the audit trail, set by the system.
    const locks = (await auditOf(staff.reviewer.id)).filter((r) => r.action === 'login_locked');
    expect(locks.map((r) => r.after.scope)).toContain('account');
    expect(locks.every((r) => r.actor_name === 'system')).toBe(true);
  });

  it('Art. 94, 95: an administrator unlocks an account that failed sign-ins locked; the lock and the unlock are audited', async () => {
    const staff = await s.staffOf(CITY);
    for (let i = 0; i < 5; i++) await signIn('127.0.0.7', staff.secondReviewer.username, `wrong ${i}`);
    expect((await signIn('127.0.0.7', staff.secondReviewer.username, PASSWORD)).status).toBe(429);

    const unlocked = await s.call('POST', `/admin/users/${staff.secondReviewer.id}/unlock`, {
      headers: staff.admin.headers,
      body: { reason: '本人来电确认，输错密码' },
    });
    expect(unlocked.status, JSON.stringify(unlocked.body)).toBe(200);
    expect(unlocked.body).toMatchObject({ username: staff.secondReviewer.username, lockedUntil: null });
    expect((await signIn('127.0.0.7', staff.secondReviewer.username, PASSWORD)).status).toBe(200);

    const trail = await auditOf(staff.secondReviewer.id);
    const lock = trail.find((r) => r.action === 'login_locked');
    expect(lock).toMatchObject({ actor_name: 'system', after: { scope: 'account_client', client: '127.0.0.7' } });
    expect(trail.find((r) => r.action === 'login_unlocked')).toMatchObject({
      actor_name: staff.admin.username,
      reason: '本人来电确认，输错密码',
    });
    // Not an administrator: refused.
    const clerk = await s.call('POST', `/admin/users/${staff.secondReviewer.id}/unlock`, {
      headers: staff.intake.headers,
      body: { reason: '试试' },
    });
    expect(clerk.status).toBe(403);
  });

  it('Art. 8, 95: codes asked for a person’s mobile from another address do not use up the person’s own; the wait is said in Chinese', async () => {
    const [person] = await s.people('eligible', 1);
    const who = { idNumber: person!.idNumber, phone: person!.mobile };
    const asked: number[] = [];
    for (let i = 0; i < 4; i++)
      asked.push((await fetchFrom('127.0.0.8', `${s.api.url}/auth/applicant/code`, { body: who })).status);
    expect(asked).toEqual([202, 202, 202, 429]);
    const limited = await fetchFrom('127.0.0.8', `${s.api.url}/auth/applicant/code`, { body: who });
    expect(limited.body.error.message).toMatch(/^该手机号获取验证码过于频繁，请\d+(秒|分钟)后再试$/);
    // The person, from their own phone's address, still gets a code and signs in.
    const headers = await s.applicant(person!);
    expect((await s.call('GET', '/auth/me', { headers })).body).toMatchObject({ kind: 'applicant' });
  });
});

/**
 * A claim in the city whose ID number the household register does not know: the identity is to be verified with
 * materials (Art. 37), so the case waits for them. `serial`: the ID number's order code, one per claim.
 */
async function claimAwaitingMaterials(serial: string): Promise<{ caseNumber: string; view: any }> {
  const [person] = await s.peopleIn(CITY, 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed', 1);
  const claim = await s.claimFor(person!, (c) => ({
    ...c,
    applicant: { ...c.applicant, idNumber: residentId('210102', '19800101', serial) },
  }));
  const filed = await s.file(claim);
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const caseNumber = filed.body.caseNumber as string;
  return { caseNumber, view: await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_materials', 100) };
}

describe('Who did it: the person, on the timeline and the audit trail (Art. 37, 41, 77, 78)', () => {
  it('Art. 37, 78: materials an intake clerk supplies are recorded in the clerk’s name, not the system’s', async () => {
    const staff = await s.staffOf(CITY);
    const { caseNumber, view: asked } = await claimAwaitingMaterials('927');
    const kinds = asked.events.find((e: any) => e.type.startsWith('materials_requested')).data.materials as string[];
    // Each material as its scan (Art. 14, 84), taken by the clerk.
    const documents: string[] = [];
    for (const kind of kinds) {
      const form = new FormData();
      form.set('kind', kind);
      form.set('file', new Blob([`%PDF-1.4\n% ${kind}\n%%EOF\n`]), `${kind}.pdf`);
      const { 'content-type': _json, ...auth } = staff.intake.headers;
      const up = await fetch(`${s.api.url}/cases/${caseNumber}/documents`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      expect(up.status).toBe(201);
      documents.push(((await up.json()) as { id: string }).id);
    }
    const supplied = await s.call('POST', `/cases/${caseNumber}/materials`, {
      headers: staff.intake.headers,
      body: { documents },
    });
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
    const view = await s.caseWhen(caseNumber, (v) =>
      v.events.some((e: any) => e.type.startsWith('materials_supplied')),
    );
    const event = view.events.find((e: any) => e.type.startsWith('materials_supplied'));
    expect(event.actor).toBe(staff.intake.username);
    const audit = await s.tdb.sql<{ actor_name: string; actor_id: string | null }>(
      "SELECT actor_name, actor_id FROM audit_log WHERE case_number = $1 AND action = 'materials_supplied'",
      [caseNumber],
    );
    expect(audit).toEqual([{ actor_name: staff.intake.username, actor_id: staff.intake.id }]);
  });

  it('Art. 28, 38, 78: the reviewer who approves a claim is named on its timeline and in the audit trail', async () => {
    const staff = await s.staffOf(CITY);
    // Declared voluntary against a record of involuntary separation: the record prevails and a person reviews (Art. 38).
    const [person] = await s.peopleIn(
      CITY,
      'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid',
      1,
      (p) => p.paidMonths < 48 && p.separationReason === 'contract_expired',
    );
    const filed = await s.file(
      await s.claimFor(person!, (c) => ({ ...c, separation: { ...c.separation, reason: 'voluntary_resignation' } })),
    );
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNumber = filed.body.caseNumber as string;
    await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_review');
    const approved = await s.complete(caseNumber, 'claim_review', 'reviewer', { decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    const actorOf = (prefix: string) => view.events.find((e: any) => e.type.startsWith(prefix))?.actor;
    expect(actorOf('claim_review_passed')).toBe(staff.reviewer.username);
    expect(actorOf('task_completed')).toBe(staff.reviewer.username);
    const audit = await s.tdb.sql<{ actor_name: string; actor_id: string | null }>(
      "SELECT actor_name, actor_id FROM audit_log WHERE case_number = $1 AND action = 'task_completed'",
      [caseNumber],
    );
    expect(audit).toEqual([{ actor_name: staff.reviewer.username, actor_id: staff.reviewer.id }]);
  });

  it('Art. 41, 78: the arrears waiver the applicant signs is the applicant’s on the timeline — never their name or ID number', async () => {
    const [person] = await s.peopleIn(CITY, 'eligible,has_arrears,!pensioner,!deceased,!reemployed,!employed', 1);
    const filed = await s.file(await s.claimFor(person!));
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNumber = filed.body.caseNumber as string;
    await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_arrears');
    const headers = await s.applicant(person!);
    const signed = await s.call('POST', `/cases/${caseNumber}/arrears-waiver`, { headers, body: { signed: true } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const view = await s.caseWhen(caseNumber, (v) => v.events.some((e: any) => e.type.startsWith('arrears_waived')));
    expect(view.events.find((e: any) => e.type.startsWith('arrears_waived')).actor).toBe('applicant');
    const actors = (
      await s.tdb.sql<{ actor: string }>('SELECT actor FROM case_event WHERE case_number = $1', [caseNumber])
    ).map((r) => r.actor);
    for (const a of actors) expect([person!.name, person!.idNumber, person!.mobile]).not.toContain(a);
  });

  it('Art. 77, 78: a case a supervisor cancels names the supervisor on its timeline, with the reason', async () => {
    const staff = await s.staffOf(CITY);
    const { caseNumber } = await claimAwaitingMaterials('937');
    const cancelled = await s.call('POST', `/supervision/workflows/${caseNumber}/cancel`, {
      headers: staff.supervisor.headers,
      body: { reason: '申请人书面撤回申请' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'cancelled');
    const asked = view.events.find((e: any) => e.type === 'case_cancel_requested');
    expect(asked).toMatchObject({ actor: staff.supervisor.username, data: { reason: '申请人书面撤回申请' } });
    expect(view.events.find((e: any) => e.type === 'case_cancelled').actor).toBe('system');
  });
});

describe('Plausible input, refused naming the field and the rule (Art. 34, 39, 96)', () => {
  const claims = async () => (await s.tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM benefit_claim'))[0]!.n;

  it('Art. 34: a separation in 1990, or before the applicant was 16, is refused with 400 naming separation.date; nothing is written', async () => {
    const [person] = await s.people('eligible', 1);
    const before = await claims();
    const early = await s.file(
      await s.claimFor(person!, (c) => ({ ...c, separation: { ...c.separation, date: '1990-06-30' } })),
    );
    expect(early.status).toBe(400);
    expect(early.body.error.fields).toEqual([
      { path: 'separation.date', rule: 'separation_before_regulation', message: expect.stringMatching(/1999-01-22/) },
    ]);
    const young = await s.file(
      await s.claimFor(person!, (c) => ({
        ...c,
        applicant: { ...c.applicant, idNumber: residentId('210102', '20080101', '017') },
        separation: { ...c.separation, date: '2023-12-31' },
      })),
    );
    expect(young.status).toBe(400);
    expect(young.body.error.fields).toEqual([
      { path: 'separation.date', rule: 'separation_before_working_age', message: expect.stringMatching(/十六周岁/) },
    ]);
    expect(await claims()).toBe(before);
  });

  it('Art. 39: a social security card number failing its check digit is refused naming payment.accountNumber', async () => {
    const [person] = await s.people('eligible', 1);
    const claim = await s.claimFor(person!, (c) => ({
      ...c,
      payment: { method: 'social_security_card', accountNumber: '6214830012345678' },
    }));
    const r = await s.file(claim);
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toEqual([
      { path: 'payment.accountNumber', rule: 'card_check_digit', message: expect.stringMatching(/校验位/) },
    ]);
  });

  it('Art. 96: markup as a name is refused naming applicant.name; a minority name with the middle dot is accepted', async () => {
    const [person, other] = await s.people('eligible', 2);
    const before = await claims();
    const markup = await s.file(
      await s.claimFor(person!, (c) => ({ ...c, applicant: { ...c.applicant, name: '<script>alert(1)</script>' } })),
    );
    expect(markup.status).toBe(400);
    expect(markup.body.error.fields).toEqual([
      { path: 'applicant.name', rule: 'person_name', message: expect.stringMatching(/姓名/) },
    ]);
    expect(await claims()).toBe(before);
    const minority = await s.file(
      await s.claimFor(other!, (c) => ({ ...c, applicant: { ...c.applicant, name: '阿依古丽·买买提' } })),
    );
    expect(minority.status, JSON.stringify(minority.body)).toBe(201);
  });
});
