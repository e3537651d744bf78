/**
 * Regulation scenarios end to end, as a user meets the system: the public API over real HTTP, the real worker and
 * workflows on Temporal's time-skipping server (so that months pass in seconds), real PostgreSQL, and the simulators
 * of the external systems with their seeded persons, chosen by trait. A scenario checks what a person would see: the
 * case (GET /cases), the determination, the bank simulator's ledger and the SMS outbox.
 *
 * Each scenario file has a time-skipping server of its own (its clock is global to the server): files do not move each
 * other's clocks, and run one at a time to spare the machine.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ClaimRequest } from '../../api/claims/schema';
import type { Role } from '../../domain/access';
import { businessDateOf } from '../../domain/calendar';
import { cityPaymentCycle } from '../../workflows/payments';
import { nextPayDay, paymentCycleId } from '../../contracts/pay-day';
import { noticeIdOf } from '../../workflows/public-notice';
import { shanghaiInstant } from '../../domain/business-time';
import { startApi, type RunningApi } from '../support/api';
import { seedFutureCalendarYears } from '../support/calendar';
import { claimOf, findPeople, type Person } from '../support/claimants';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startWorker, timeSkippingEnv, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { eventually } from '../support/wait';
import { sourcesOf, startSimulator, type RunningSimulator } from '../sources/support';

export type { Person };

/** The staff of one city agency, each with a bearer token (headers for fetch). */
export type Staff = Record<
  'intake' | 'reviewer' | 'secondReviewer' | 'approver' | 'auditor' | 'finance' | 'supervisor' | 'admin',
  { id: string; username: string; headers: Record<string, string> }
>;

const STAFF_ROLES: Record<keyof Staff, Role[]> = {
  intake: ['intake'],
  reviewer: ['reviewer'],
  secondReviewer: ['second_reviewer'],
  approver: ['approver'],
  auditor: ['auditor'],
  finance: ['finance'],
  supervisor: ['supervisor'],
  admin: ['administrator'],
};

export interface CertificateHolder {
  person: Person;
  /** The employer the person is insured with now, as the tax platform has it. */
  uscc: string;
  name: string;
  certificateNumber: string;
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CaseTask {
  id: string;
  type: string;
  step: string;
  role: string;
  status: string;
}

export interface Scenario {
  env: TestWorkflowEnvironment;
  tdb: TestDatabase;
  sim: RunningSimulator;
  worker: RunningWorker;
  api: RunningApi;
  taskQueue: string;
  /** The online service platform's token (files claims for people it identified, Art. 35). */
  channel: Record<string, string>;
  /** Signs `person` in on the applicants' pages by SMS code (Art. 8: 信息化认证方式); bearer headers. */
  applicant(person: Pick<Person, 'idNumber' | 'mobile'>): Promise<Record<string, string>>;
  /** An agent of the employer `uscc` (单位经办人, Art. 8), signed in; bearer headers. */
  employerAgent(uscc: string, agencyCode?: string): Promise<Record<string, string>>;
  /** Staff of the city agencies used by the scenarios, by city code. */
  staffOf(agencyCode: string): Promise<Staff>;
  /** Today on the scenario's clock (the time-skipping server's), Asia/Shanghai. */
  today(): Promise<string>;
  /**
   * Seeded persons with the traits (simulators/README.md), optionally narrowed by a predicate; never one handed out
   * before in this file (a scenario's claims and stops must not meet another's).
   */
  people(filter: string, count: number, predicate?: (p: Person) => boolean): Promise<Person[]>;
  /** Like `people`, only those whose claim is paid by the city `agencyCode` (the city of their last employer). */
  peopleIn(agencyCode: string, filter: string, count: number, predicate?: (p: Person) => boolean): Promise<Person[]>;
  /**
   * A person insured now at an employer of `city` (one employment still open), with a vocational certificate in the
   * national registry (Art. 50), never one handed out before in this file; with that employer and certificate.
   */
  certificateHolder(city: string): Promise<CertificateHolder>;
  /** Files the person's claim (with changes) and waits until it is approved and its benefit period has begun. */
  approvedClaim(person: Person, change?: (c: ClaimRequest) => ClaimRequest): Promise<string>;
  /** The claim `person` would file online, paid in the city of their last employer, with changes. */
  claimFor(person: Person, change?: (c: ClaimRequest) => ClaimRequest): Promise<ClaimRequest>;
  /** Any API call; JSON in and out. */
  call<T = any>(
    method: string,
    path: string,
    opts?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<ApiAnswer<T>>;
  /** POST /claims as the online platform. */
  file(claim: ClaimRequest, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** GET /cases/:n as a reviewer of the case's city. */
  caseView(caseNumber: string): Promise<any>;
  /** Polls the case until `done` holds (workflows write a moment later); returns the last view. */
  caseWhen(caseNumber: string, done: (view: any) => boolean, tries?: number): Promise<any>;
  /** GET /cases/:n/determination (every version, with its verdict and explanation). */
  determinations(caseNumber: string): Promise<any>;
  /** The open tasks of a case, from the worklist of every staff member of its city (`view=all`). */
  openTasks(caseNumber: string): Promise<CaseTask[]>;
  /** Waits for the case's open task of `type` and completes it as `who` with `form`. */
  complete(caseNumber: string, type: string, who: keyof Staff, form: unknown): Promise<ApiAnswer>;
  /**
   * 经公示有异议 (Art. 49, 50): someone objects to the case's item on its own public notice, and a reviewer's
   * verification founds the objection (the item withdrawn, with `reasons`). The API's two answers.
   */
  withdrawAtNotice(
    caseNumber: string,
    objection: string,
    reasons: string[],
  ): Promise<{ objected: ApiAnswer; verified: ApiAnswer }>;
  /** The bank simulator's payments for the case's benefit period (`<case>.P…`), paid or not. */
  bankPayments(caseNumber: string): Promise<{ paymentId: string; result: string; amountFen: number }[]>;
  /** The SMS the simulator's gateway accepted for a mobile number, oldest first. */
  smsTo(mobile: string): Promise<{ messageId: string; text: string; acceptedAt: string }[]>;
  /** Moves the scenario's clock to an instant (never backwards), letting each step's work settle. */
  advanceTo(ms: number): Promise<void>;
  /** The agency a case belongs to (from its case number). */
  agencyOf(caseNumber: string): string;
  /** Through the city's pay day of `month` (the 10th, Art. 63) to the 20th, its run completed. */
  throughPayDay(agencyCode: string, month: string): Promise<void>;
  /** Through the city's next pay day (this month's if its run is still to come, else next month's); its month. */
  nextPayDay(agencyCode: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts everything a scenario file needs. `cities`: the city agencies whose pay-day loops run (Art. 39, 63), as
 * `npm start` starts them. `persons`: the size of the simulators' population (more persons, rarer traits found).
 * `seedFutureCalendar: false` leaves the working-day calendar as a real system has it (only the packaged years and
 * what the scenario enters), for scenarios of the year's end; by default the test years 2027-2040 are seeded.
 */
export async function startScenario(
  opts: { name: string; cities?: string[]; persons?: number; seed?: string; seedFutureCalendar?: boolean } = {
    name: 'scenario',
  },
): Promise<Scenario> {
  const env = await timeSkippingEnv(); // the file's own server (test/support/temporal.ts)
  const tdb = await createTestDatabase();
  // Years the packaged calendar data does not cover yet (a time-skipping clock crosses into them).
  if (opts.seedFutureCalendar !== false) await seedFutureCalendarYears(tdb);
  const asOf = businessDateOf(new Date(await env.currentTimeMs()));
  const sim = await startSimulator({ seed: opts.seed ?? `scenario-${opts.name}`, persons: opts.persons ?? 4000, asOf });
  const sources = sourcesOf(sim);
  const taskQueue = uniqueTaskQueue(opts.name);
  const worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources, bank: sources.bank });
  // The API's clock is the scenario's: a claim filed after the clock moved is received on the moved day.
  let offsetMs = (await env.currentTimeMs()) - Date.now();
  const api = await startApi({
    db: tdb.db,
    temporal: env.client,
    taskQueue,
    sms: sources.sms,
    tax: sources.tax,
    credit: sources.credit,
    hukou: sources.hukou,
    now: () => new Date(Date.now() + offsetMs),
    // As on a configured installation: staff get a link to the case in Temporal's UI, parties never (issue 21).
    temporalUiUrl: 'http://temporal-ui.invalid',
  });
  const started: { terminate(reason?: string): Promise<unknown> }[] = [];
  // Every city agency's pay-day loop (Art. 39, 63), as `npm start` starts them, unless the file names its cities.
  const cities =
    opts.cities ??
    (await tdb.sql<{ code: string }>("SELECT code FROM agency WHERE level = 'city' ORDER BY code")).map((r) => r.code);
  for (const code of cities) {
    started.push(
      await env.client.workflow.start(cityPaymentCycle, {
        taskQueue,
        workflowId: `${paymentCycleId(code)}-${taskQueue}`,
        args: [{ agencyCode: code }],
      }),
    );
  }
  const channel = (
    await userWithToken(tdb.db, api.url, {
      username: `online-${taskQueue}`,
      agencyCode: '210000',
      roles: ['online_channel'],
    })
  ).headers;

  const staff = new Map<string, Staff>();
  const used = new Set<string>();
  /** The personal data of every person handed out, to look for in the histories at the end (Art. 30). */
  const secrets = new Map<string, string>();
  const remember = (p: Person) => {
    secrets.set(p.idNumber, 'ID number');
    secrets.set(p.name, 'name');
    secrets.set(p.mobile, 'phone');
    secrets.set(p.bankAccount.accountNumber, 'account');
  };
  async function staffOf(agencyCode: string): Promise<Staff> {
    const known = staff.get(agencyCode);
    if (known) return known;
    const made = {} as Staff;
    for (const [key, roles] of Object.entries(STAFF_ROLES) as [keyof Staff, Role[]][]) {
      const username = `${key}.${agencyCode}`;
      const u = await userWithToken(tdb.db, api.url, { username, agencyCode, roles, displayName: username });
      made[key] = { id: u.id, username, headers: u.headers };
    }
    staff.set(agencyCode, made);
    return made;
  }

  async function call<T>(
    method: string,
    path: string,
    o: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...(o.body === undefined ? {} : { 'content-type': 'application/json' }), ...o.headers },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: the text itself */
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  const agencyOf = (caseNumber: string) => caseNumber.split('-')[2]!;
  async function caseView(caseNumber: string) {
    const s = await staffOf(agencyOf(caseNumber));
    const r = await call('GET', `/cases/${caseNumber}`, { headers: s.reviewer.headers });
    if (r.status !== 200) throw new Error(`GET /cases/${caseNumber}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async function applicant(person: Pick<Person, 'idNumber' | 'mobile'>) {
    const who = { idNumber: person.idNumber, phone: person.mobile };
    const sent = await call('POST', '/auth/applicant/code', { body: who });
    if (sent.status !== 202) throw new Error(`sign-in code: ${sent.status} ${JSON.stringify(sent.body)}`);
    const texts = await sim.admin<{ messages: { mobile: string; text: string }[] }>('GET', '/sms/outbox');
    const last = texts.messages.filter((m) => m.mobile === person.mobile && m.text.includes('验证码')).pop();
    const code = last && /验证码为(\d{6})/.exec(last.text)?.[1];
    if (!code) throw new Error(`no sign-in code reached ${person.mobile}`);
    const r = await call<{ token: string }>('POST', '/auth/applicant/login', {
      body: { ...who, code, mode: 'bearer' },
    });
    if (r.status !== 200) throw new Error(`applicant sign-in: ${r.status} ${JSON.stringify(r.body)}`);
    return { authorization: `Bearer ${r.body.token}` };
  }

  const agents = new Map<string, Record<string, string>>();
  async function employerAgent(uscc: string, agencyCode = '210100') {
    const known = agents.get(uscc);
    if (known) return known;
    const u = await userWithToken(tdb.db, api.url, {
      username: `agent.${uscc}`,
      agencyCode,
      roles: ['employer_agent'],
      employerUscc: uscc,
    });
    agents.set(uscc, u.headers);
    return u.headers;
  }

  async function openTasks(caseNumber: string): Promise<CaseTask[]> {
    const s = await staffOf(agencyOf(caseNumber));
    const seen = new Map<string, CaseTask>();
    for (const who of Object.values(s)) {
      const r = await call<{ items: any[] }>('GET', `/tasks?view=all&limit=100`, { headers: who.headers });
      for (const t of r.body?.items ?? []) {
        if (t.caseNumber === caseNumber && t.status !== 'completed') {
          seen.set(t.id, { id: t.id, type: t.type, step: t.step, role: t.role, status: t.status });
        }
      }
    }
    return [...seen.values()];
  }

  const trace = (...a: unknown[]) => {
    if (process.env.SCENARIO_TRACE) console.log(new Date().toISOString(), ...a);
  };
  async function advanceTo(ms: number) {
    const step = 20 * 86_400_000;
    trace('advanceTo', new Date(ms).toISOString());
    for (;;) {
      const now = await env.currentTimeMs();
      offsetMs = now - Date.now();
      if (now >= ms) return;
      trace('  sleep from', new Date(now).toISOString());
      await env.sleep(Math.min(ms - now, step));
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  const scenario: Scenario = {
    env,
    tdb,
    sim,
    worker,
    api,
    taskQueue,
    channel,
    applicant,
    employerAgent,
    staffOf,
    today: async () => businessDateOf(new Date(await env.currentTimeMs())),
    async people(filter, count, predicate = () => true) {
      const found = await findPeople(sim, filter, count, (p) => !used.has(p.idNumber) && predicate(p));
      for (const p of found) {
        used.add(p.idNumber);
        remember(p);
      }
      return found;
    },
    async peopleIn(agencyCode, filter, count, predicate = () => true) {
      const found: Person[] = [];
      for (const p of await findPeople(sim, filter, count * 8, (x) => !used.has(x.idNumber) && predicate(x))) {
        if ((await claimOf(sim, p)).payingLocality.agencyCode === agencyCode) {
          found.push(p);
          used.add(p.idNumber);
          remember(p);
        }
        if (found.length === count) return found;
      }
      throw new Error(`only ${found.length} people with ${filter} paid by ${agencyCode}`);
    },
    async certificateHolder(city) {
      type Detail = {
        certificates: { certificateNumber: string }[];
        employments: { employerUscc: string; endDate: string | null }[];
      };
      for (let offset: number | null = 0; offset !== null;) {
        const page: { items: Person[]; nextOffset: number | null } = await sim.admin(
          'GET',
          `/persons?limit=200&offset=${offset}&filter=employed,has_certificates,long_history,bank_paid`,
        );
        for (const person of page.items.filter((p) => !used.has(p.idNumber))) {
          const d = await sim.admin<Detail>('GET', `/persons/${person.idNumber}`);
          const open = d.employments.filter((e) => e.endDate === null);
          if (open.length !== 1 || !d.certificates.length) continue;
          const e = await sim.clients.tax.getEmployer(open[0]!.employerUscc);
          if (e?.agencyDivisionCode !== city) continue;
          used.add(person.idNumber);
          return { person, uscc: e.uscc, name: e.name, certificateNumber: d.certificates[0]!.certificateNumber };
        }
        offset = page.nextOffset;
      }
      throw new Error(`no certificate holder insured in ${city}`);
    },
    async approvedClaim(person, change = (c) => c) {
      const res = await call<{ caseNumber: string }>('POST', '/claims', {
        headers: channel,
        body: change(await claimOf(sim, person)),
      });
      if (res.status !== 201) throw new Error(`POST /claims: ${res.status} ${JSON.stringify(res.body)}`);
      const { caseNumber } = res.body;
      const view = await eventually<{ status: string }>(
        () => caseView(caseNumber) as Promise<{ status: string }>,
        (v) => v.status === 'approved',
        200,
      );
      if (view.status !== 'approved') throw new Error(`${caseNumber} is ${view.status}, not approved`);
      await eventually(
        () => tdb.sql('SELECT 1 FROM benefit_period WHERE id = $1', [`${caseNumber}.P`]),
        (r) => r.length === 1,
      );
      return caseNumber;
    },
    async claimFor(person, change = (c) => c) {
      return change(await claimOf(sim, person));
    },
    call,
    file: (claim, headers = {}) => call('POST', '/claims', { headers: { ...channel, ...headers }, body: claim }),
    caseView,
    caseWhen: (caseNumber, done, tries = 200) => eventually(() => caseView(caseNumber), done, tries),
    async determinations(caseNumber) {
      const s = await staffOf(agencyOf(caseNumber));
      const r = await call('GET', `/cases/${caseNumber}/determination`, { headers: s.reviewer.headers });
      return r.body;
    },
    openTasks,
    async complete(caseNumber, type, who, form) {
      const tasks = await eventually(
        () => openTasks(caseNumber),
        (ts) => ts.some((t) => t.type === type),
      );
      const task = tasks.find((t) => t.type === type);
      if (!task) throw new Error(`${caseNumber} has no open ${type} task (open: ${tasks.map((t) => t.type)})`);
      const s = await staffOf(agencyOf(caseNumber));
      return call('POST', `/tasks/${task.id}/complete`, { headers: s[who].headers, body: { form } });
    },
    async withdrawAtNotice(caseNumber, objection, reasons) {
      const noticeId = noticeIdOf(caseNumber);
      const objected = await call('POST', `/public/notices/${noticeId}/objections`, {
        body: { itemNo: 1, reason: objection },
      });
      const verified = await scenario.complete(noticeId, 'notice_objection_verification', 'reviewer', {
        decision: 'withdraw',
        reasons,
      });
      return { objected, verified };
    },
    async bankPayments(caseNumber) {
      const ledger = await sim.admin<{ payments: { paymentId: string; result: string; amountFen: number }[] }>(
        'GET',
        '/bank/ledger',
      );
      return ledger.payments.filter((p) => p.paymentId.startsWith(`${caseNumber}.P`));
    },
    async smsTo(mobile) {
      const out = await sim.admin<{
        messages: { messageId: string; mobile: string; text: string; acceptedAt: string }[];
      }>('GET', '/sms/outbox');
      return out.messages
        .filter((m) => m.mobile === mobile)
        .sort((a, b) => (a.acceptedAt < b.acceptedAt ? -1 : 1))
        .map(({ messageId, text, acceptedAt }) => ({ messageId, text, acceptedAt }));
    },
    advanceTo,
    agencyOf,
    async throughPayDay(agencyCode, month) {
      await advanceTo(shanghaiInstant(`${month}-12`, 12));
      await eventually(
        () =>
          tdb.sql<{ status: string }>('SELECT status FROM payment_run WHERE agency_code = $1 AND month = $2', [
            agencyCode,
            month,
          ]),
        (r) => r.length > 0 && r.every((x) => x.status === 'completed'),
        300,
      );
      await advanceTo(shanghaiInstant(`${month}-20`, 12));
    },
    async nextPayDay(agencyCode) {
      const { month } = nextPayDay(await env.currentTimeMs());
      await scenario.throughPayDay(agencyCode, month);
      return month;
    },
    async close() {
      // The time-skipping server has no visibility, so the workflows are found in the read model.
      const ids = await tdb
        .sql<{ id: string }>(
          `SELECT workflow_id AS id FROM "case" UNION SELECT id FROM benefit_period UNION SELECT id FROM recovery
           UNION SELECT 'employer-registration-' || register_number FROM employer
           UNION SELECT 'employer-deregistration-' || register_number FROM employer WHERE status = 'deregistered'
           UNION SELECT 'staff-reduction-' || id FROM insurance_relation WHERE declared_at IS NOT NULL`,
        )
        .catch(() => [] as { id: string }[]);
      // Art. 30: no ID number, name, phone or account of anyone the file used in any history, of any case type.
      const leaks: string[] = [];
      for (const { id } of ids) {
        const history = await env.client.workflow
          .getHandle(id)
          .fetchHistory()
          .catch(() => null);
        if (!history) continue;
        const text = historyText(history);
        for (const [secret, kind] of secrets)
          if (secret.length > 1 && text.includes(secret)) leaks.push(`${id}: ${kind}`);
      }
      // Leave nothing of ours waiting on the clock: a timer without a worker would hold it.
      for (const { id } of ids) {
        await env.client.workflow
          .getHandle(id)
          .terminate('scenario done')
          .catch(() => undefined);
      }
      for (const h of started) await h.terminate('scenario done').catch(() => undefined);
      await api?.close();
      await worker?.stop();
      await sim?.close();
      await tdb?.drop();
      await env?.teardown(); // stops the file's server too
      if (leaks.length) throw new Error(`personal data in workflow histories (Art. 30): ${leaks.join(', ')}`);
    },
  };
  return scenario;
}

/** Every text of a history, payloads decoded (UTF-8), so that personal data in any input or result can be found. */
function historyText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}
