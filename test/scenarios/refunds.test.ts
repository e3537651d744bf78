/**
 * 退收退款 (Art. 27) and the refunds waiting for the fund (Art. 64), on the real servers: tax's whole-month refund
 * requests fetched, checked against the agency's own records (benefits, periods, transfers) and answered once; a
 * refund for individual persons applied for by the employer's agent, checked by the same verdict, reviewed and listed
 * waiting for the fund with its amount; bad input refused in Chinese with a stable code and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber } from '../../domain/identity';
import { eventually } from '../support/wait';
import { employerHelpers } from './employers';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
const { employer, registrationOf } = employerHelpers(() => s);
const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';

beforeAll(async () => {
  s = await startScenario({ name: 'refunds', cities: [], persons: 3000 });
});
afterAll(async () => {
  await s?.close();
});

interface TaxRequest {
  requestId: string;
  uscc: string;
  month: string;
  persons: { idNumber: string; amountPaidFen: number }[];
  totalFen: number;
  answer: { decision: string; refusals: { idNumber: string; reason: string }[]; caseNumber: string } | null;
  answerCalls: number;
}

/** The last month `idNumber` was paid for at `uscc`, as tax has it. */
async function lastPaidMonth(idNumber: string, uscc: string): Promise<string> {
  const r = await s.sim.clients.tax.getPersonContributions(idNumber);
  const months = r.records.filter((x) => x.employerUscc === uscc).map((x) => x.month);
  if (!months.length) throw new Error(`nothing paid at ${uscc}`);
  return months.sort().pop()!;
}

/** Tax accepts an employer's whole-month refund (Art. 27 由税务部门受理). */
async function raise(uscc: string, month: string): Promise<TaxRequest> {
  return s.sim.admin<TaxRequest>('POST', '/tax/refund-requests', { uscc, month });
}

async function taxRequests(): Promise<TaxRequest[]> {
  return (await s.sim.admin<{ requests: TaxRequest[] }>('GET', '/tax/refund-requests')).requests;
}

let runs = 0;
/** A fetch run as the hourly Schedule starts it, waited for by polling (no time skipped), with its result. */
async function fetchRun() {
  runs += 1;
  const handle = await s.env.client.workflow.start('refundRequestSync', {
    workflowId: `refund-requests-test-${runs}`,
    taskQueue: s.taskQueue,
    args: [{ trigger: 'manual' }],
  });
  const status = await eventually(
    async () => (await handle.describe()).status.name,
    (st) => st !== 'RUNNING',
    600,
  );
  if (status !== 'COMPLETED') {
    const err = await handle.result().catch((e: Error & { cause?: Error & { cause?: Error } }) => e);
    throw new Error(`${status}: ${String(err)} ${String(err?.cause)} ${String(err?.cause?.cause)}`);
  }
  return (await handle.result()) as { received: number; opened: number; started: number };
}

async function refundOf(requestId: string) {
  const rows = await s.tdb.sql<{ case_number: string; status: string; agency_code: string }>(
    'SELECT case_number, status, agency_code FROM refund_case WHERE tax_request_id = $1',
    [requestId],
  );
  return rows;
}

/** An employer of Shenyang with a member of staff paid for there (at least `months` months), and that person's last month. */
async function employerWithStaff(filter: string, months = 1) {
  let staffer: { idNumber: string } | undefined;
  const e = await employer('210100', filter, async (x) => {
    const staff = await s.sim.clients.tax.getEmployerStaff(x.uscc);
    for (const p of staff?.staff.filter((m) => m.endDate === null) ?? []) {
      const paid = (await s.sim.clients.tax.getPersonContributions(p.idNumber)).records;
      if (paid.filter((r) => r.employerUscc === x.uscc).length >= months) {
        staffer = p;
        return true;
      }
    }
    return false;
  });
  return { e, idNumber: staffer!.idNumber, month: await lastPaidMonth(staffer!.idNumber, e.uscc) };
}

describe('退收退款 (Art. 27, 64)', () => {
  let acceptedCase = '';
  /** The claimant of the refused whole month, its employer and month (for the individual refund refused alike). */
  let claimant = { idNumber: '', uscc: '', month: '' };

  it('Art. 27: a whole-month refund request from tax with nobody paid benefits is accepted, tax is answered, and it waits for the fund (Art. 64)', async () => {
    const { e, month } = await employerWithStaff('good_credit');
    const request = await raise(e.uscc, month);
    expect(request.persons.length).toBeGreaterThan(0);

    const run = await fetchRun();
    expect(run.opened).toBe(1);
    const [row] = await refundOf(request.requestId);
    expect(row).toMatchObject({ status: 'awaiting_fund' });
    acceptedCase = row!.case_number;
    expect(acceptedCase).toMatch(/^TFK-\d{4}-\d{6}-/);

    // Tax received the answer: accepted, nobody refused.
    const answered = (await taxRequests()).find((r) => r.requestId === request.requestId)!;
    expect(answered.answer).toMatchObject({ decision: 'accepted', refusals: [], caseNumber: acceptedCase });
    expect(answered.answerCalls).toBe(1);

    // Art. 64: listed for finance with the request's amount, per case, per employer and in all.
    const finance = (await s.staffOf(row!.agency_code)).finance;
    const list = await s.call('GET', '/refunds/awaiting-fund', { headers: finance.headers });
    expect(list.status).toBe(200);
    const listed = list.body.cases.find((c: any) => c.caseNumber === acceptedCase);
    expect(listed).toMatchObject({ acceptedFen: request.totalFen, kind: 'whole_month', months: [month] });
    expect(listed.acceptedText).toMatch(/元$/);
    expect(list.body.employers.find((x: any) => x.employerUscc === e.uscc).totalFen).toBe(request.totalFen);
    expect(list.body.totalFen).toBeGreaterThanOrEqual(request.totalFen);
  });

  it('Art. 27: a whole-month request naming a person who has received benefits is refused, naming that person (masked) and why; tax is told', async () => {
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths >= 12 && p.lastEmployerUscc !== null);
    const claim = await s.approvedClaim(person!);
    const uscc = person!.lastEmployerUscc!;
    const month = await lastPaidMonth(person!.idNumber, uscc);
    claimant = { idNumber: person!.idNumber, uscc, month };
    const request = await raise(uscc, month);
    expect(request.persons.map((p) => p.idNumber)).toContain(person!.idNumber);

    await fetchRun();
    const [row] = await refundOf(request.requestId);
    expect(row).toMatchObject({ status: 'refused' });

    // Tax is told which person, and why, in the 规程's words; the others are not named.
    const answered = (await taxRequests()).find((r) => r.requestId === request.requestId)!;
    expect(answered.answer!.decision).toBe('refused');
    expect(answered.answer!.refusals.map((r) => r.idNumber)).toEqual([person!.idNumber]);
    expect(answered.answer!.refusals[0]!.reason).toContain('已有领取失业保险待遇');

    // The case shows the person masked, with the reason (the benefit period of the claim).
    const staff = await s.staffOf(row!.agency_code);
    const view = await s.call('GET', `/refunds/${row!.case_number}`, { headers: staff.reviewer.headers });
    expect(view.status).toBe(200);
    const refused = view.body.items.filter((i: any) => i.refusalRule);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      idNumberMasked: maskIdNumber(person!.idNumber),
      refusalRule: 'benefits_received',
    });
    expect(refused[0].refusalReason).toContain('不能办理退费（第二十七条）');
    expect(JSON.stringify(view.body)).not.toContain(person!.idNumber);
    expect(view.body.answer).toMatchObject({ decision: 'refused' });
    // Not waiting for the fund.
    const list = await s.call('GET', '/refunds/awaiting-fund', { headers: staff.finance.headers });
    expect(list.body.cases.map((c: any) => c.caseNumber)).not.toContain(row!.case_number);
    expect(claim).toMatch(/^SYJ-/);
  });

  it('Art. 27: a re-run opens no second case and answers tax no second time', async () => {
    const before = await s.tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM refund_case');
    const run = await fetchRun();
    expect(run).toMatchObject({ received: 0, opened: 0, started: 0 });
    const after = await s.tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM refund_case');
    expect(after[0]!.n).toBe(before[0]!.n);
    const requests = await taxRequests();
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const r of requests) expect(r.answerCalls).toBe(1);
    // The cursor stored, moved back by hand: the requests come again and still open nothing twice, answer nothing twice.
    await s.tdb.sql("UPDATE contribution_sync_state SET cursor = 0 WHERE feed = 'tax-refund-requests'");
    const again = await fetchRun();
    expect(again).toMatchObject({ received: requests.length, opened: 0, started: 0 });
    for (const r of await taxRequests()) expect(r.answerCalls).toBe(1);
    expect((await s.tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM refund_case'))[0]!.n).toBe(before[0]!.n);
  });

  it('Art. 27: tax away stops the fetch, the next run resumes; an answer tax cannot take now is given once it can, once', async () => {
    const { e, month } = await employerWithStaff('good_credit');
    const request = await raise(e.uscc, month);
    // The requests' feed away for longer than the run's retries wait: the run stops, nothing opened.
    await s.sim.admin('PUT', '/faults', { route: '/tax/refund-requests', status: 503 });
    runs += 1;
    const away = await s.env.client.workflow.start('refundRequestSync', {
      workflowId: `refund-requests-test-${runs}`,
      taskQueue: s.taskQueue,
      args: [{ trigger: 'manual' }],
    });
    await s.env.sleep(120_000);
    const stopped = await eventually(
      async () => (await away.describe()).status.name,
      (st) => st !== 'RUNNING',
      600,
    );
    expect(stopped).toBe('COMPLETED');
    expect(await away.result()).toMatchObject({ interrupted: true, opened: 0 });
    expect(await refundOf(request.requestId)).toEqual([]);
    await s.sim.admin('DELETE', '/faults');

    // The answer's endpoint away: the case is opened and checked, and waits to answer.
    await s.sim.admin('PUT', '/faults', { route: '/tax/refund-requests/:requestId/answer', status: 503 });
    runs += 1;
    const later = await s.env.client.workflow.start('refundRequestSync', {
      workflowId: `refund-requests-test-${runs}`,
      taskQueue: s.taskQueue,
      args: [{ trigger: 'manual' }],
    });
    const [opened] = await eventually(
      () => refundOf(request.requestId),
      (rows) => rows.length === 1,
      300,
    );
    expect(opened!.status).toBe('checking');
    expect((await taxRequests()).find((r) => r.requestId === request.requestId)!.answerCalls).toBe(0);
    await s.sim.admin('DELETE', '/faults');
    await s.env.sleep(15 * 60_000);
    const done = await eventually(
      async () => (await later.describe()).status.name,
      (st) => st !== 'RUNNING',
      600,
    );
    expect(done).toBe('COMPLETED');
    expect((await refundOf(request.requestId))[0]!.status).toBe('awaiting_fund');
    const answered = (await taxRequests()).find((r) => r.requestId === request.requestId)!;
    expect(answered.answerCalls).toBe(1);
    expect(answered.answer).toMatchObject({ decision: 'accepted', caseNumber: opened!.case_number });
  });

  it('Art. 27: a refund for an individual person who has received benefits is refused by the same verdict, without a review', async () => {
    const tax = (await s.sim.clients.tax.getEmployer(claimant.uscc))!;
    const e = { ...tax, traits: [] };
    const claimantAgent = await s.employerAgent(claimant.uscc, tax.agencyDivisionCode);
    const reg = await s.call('POST', '/employers', {
      headers: claimantAgent,
      body: await registrationOf(e, { insuredSince: tax.registeredDate }),
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const r = await s.call('POST', '/refunds', {
      headers: claimantAgent,
      body: { channel: 'online', reason: '多缴', items: [{ idNumber: claimant.idNumber, months: [claimant.month] }] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const refused = await eventually(
      () => s.call('GET', `/refunds/${r.body.caseNumber}`, { headers: claimantAgent }),
      (v) => v.body.status !== 'checking',
    );
    expect(refused.body).toMatchObject({ status: 'refused', verdict: 'refused', acceptedFen: 0 });
    expect(refused.body.items[0]).toMatchObject({
      idNumberMasked: maskIdNumber(claimant.idNumber),
      refusalRule: 'benefits_received',
    });
    expect(refused.body.items[0].refusalReason).toContain('已有领取失业保险待遇');
    expect(await s.openTasks(r.body.caseNumber)).toEqual([]);
  });

  let individual = '';
  let staffIdNumber = '';
  let staffMonth = '';
  let agent: Record<string, string> = {};
  let registerNumber = '';
  let staffUscc = '';

  it('Art. 27: a refund for an individual person, applied for online, reviewed and accepted, waits for the fund with its amount (Art. 64)', async () => {
    const { e, idNumber, month } = await employerWithStaff('pension_registered', 2);
    staffIdNumber = idNumber;
    staffMonth = month;
    agent = await s.employerAgent(e.uscc);
    // Insured since its founding: the scenario's clock may stand ahead of the API's after the claim's period began.
    const founded = (await s.sim.clients.tax.getEmployer(e.uscc))!.registeredDate;
    const reg = await s.call('POST', '/employers', {
      headers: agent,
      body: await registrationOf(e, { insuredSince: founded }),
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    registerNumber = reg.body.registerNumber;
    staffUscc = e.uscc;

    const body = { channel: 'online', reason: '职工离职当月多缴', items: [{ idNumber, months: [month] }] };
    const headers = { ...agent, 'idempotency-key': `refund-${e.uscc}` };
    const r = await s.call('POST', '/refunds', { headers, body });
    expect(r.status).toBe(201);
    individual = r.body.caseNumber;
    const paid = (await s.sim.clients.tax.getPersonContributions(idNumber)).records.find(
      (x) => x.employerUscc === e.uscc && x.month === month,
    )!;
    expect(r.body).toMatchObject({ kind: 'individual', totalFen: paid.amountPaidFen, status: 'checking' });

    // The same request again: the same case.
    const retry = await s.call('POST', '/refunds', { headers, body });
    expect(retry.status).toBe(200);
    expect(retry.body.caseNumber).toBe(individual);

    // Checked by the verdict, then reviewed (审核通过后按照退费流程办理).
    const checked = await eventually(
      () => s.call('GET', `/refunds/${individual}`, { headers: agent }),
      (v) => v.body.status === 'awaiting_review',
    );
    expect(checked.body.status).toBe('awaiting_review');
    const done = await s.complete(individual, 'refund_review', 'reviewer', { decision: 'approve' });
    expect(done.status).toBe(200);
    const accepted = await eventually(
      () => s.call('GET', `/refunds/${individual}`, { headers: agent }),
      (v) => v.body.status === 'awaiting_fund',
    );
    expect(accepted.body).toMatchObject({ status: 'awaiting_fund', acceptedFen: paid.amountPaidFen });
    expect(accepted.body.reviewedBy).toBe('reviewer.210100');

    const finance = (await s.staffOf('210100')).finance;
    const list = await s.call('GET', '/refunds/awaiting-fund', { headers: finance.headers });
    const listed = list.body.cases.find((c: any) => c.caseNumber === individual);
    expect(listed).toMatchObject({ kind: 'individual', acceptedFen: paid.amountPaidFen, persons: 1, months: [month] });
    expect(list.body.employers.find((x: any) => x.employerUscc === e.uscc).totalFen).toBe(paid.amountPaidFen);

    // The review is audited.
    const audited = await s.tdb.sql<{ action: string }>(
      'SELECT action FROM audit_log WHERE case_number = $1 ORDER BY id',
      [individual],
    );
    expect(audited.map((a) => a.action)).toEqual([
      'refund_applied',
      'refund_review_requested',
      'task_completed',
      'refund_review_approved',
    ]);
  });

  it('Art. 27: a refund taken at a window by an intake clerk and rejected by the reviewer does not wait for the fund', async () => {
    const months = (await s.sim.clients.tax.getPersonContributions(staffIdNumber)).records
      .filter((r) => r.employerUscc === staffUscc && r.month !== staffMonth)
      .map((r) => r.month)
      .sort();
    const month = months.at(-1)!;
    const clerks = await s.staffOf('210100');
    const r = await s.call('POST', '/refunds', {
      headers: clerks.intake.headers,
      body: {
        channel: 'window',
        registerNumber,
        reason: '单位多缴',
        items: [{ idNumber: staffIdNumber, months: [month] }],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ channel: 'window', kind: 'individual' });
    const rejected = await s.complete(r.body.caseNumber, 'refund_review', 'reviewer', {
      decision: 'reject',
      reasons: ['退费原因与缴费记录不符'],
    });
    expect(rejected.status).toBe(200);
    const view = await eventually(
      () => s.call('GET', `/refunds/${r.body.caseNumber}`, { headers: clerks.reviewer.headers }),
      (v) => v.body.status === 'rejected',
    );
    expect(view.body).toMatchObject({ status: 'rejected', reviewReasons: ['退费原因与缴费记录不符'] });
    const list = await s.call('GET', '/refunds/awaiting-fund', { headers: clerks.finance.headers });
    expect(list.body.cases.map((c: any) => c.caseNumber)).not.toContain(r.body.caseNumber);
  });

  it('Art. 27: bad input is refused with a Chinese message and a stable code, and nothing is written', async () => {
    const before = await s.tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM refund_case');
    const post = (body: unknown, headers = agent) => s.call('POST', '/refunds', { headers, body });
    const bad = await post({ channel: 'online', reason: '多缴', items: [{ idNumber: '123', months: ['2026-13'] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.fields.map((f: any) => f.path)).toEqual(
      expect.arrayContaining(['items.0.idNumber', 'items.0.months.0']),
    );
    // A month without a contribution record at the employer.
    const none = await post({
      channel: 'online',
      reason: '多缴',
      items: [{ idNumber: staffIdNumber, months: ['2001-01'] }],
    });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({ code: 'no_contribution_record' });
    expect(none.body.error.fields[0]).toMatchObject({ path: 'items.0.months.0', rule: 'no_contribution_record' });
    // The person-month refunded already.
    const twice = await post({
      channel: 'online',
      reason: '多缴',
      items: [{ idNumber: staffIdNumber, months: [staffMonth] }],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('refund_exists');
    expect(twice.body.error.message).toContain(individual);
    // The agent at a window; the key used for another body.
    const window = await post({ channel: 'window', registerNumber: '21010000000001', reason: '多缴', items: [] });
    expect(window.status).toBe(400);
    const windowed = await post({
      channel: 'window',
      registerNumber: '21010000000001',
      reason: '多缴',
      items: [{ idNumber: staffIdNumber, months: [staffMonth] }],
    });
    expect(windowed.status).toBe(403);
    expect(windowed.body.error.code).toBe('channel_not_permitted');
    const reused = await s.call('POST', '/refunds', {
      headers: {
        ...agent,
        'idempotency-key': `refund-${(await s.call('GET', `/refunds/${individual}`, { headers: agent })).body.employerUscc}`,
      },
      body: { channel: 'online', reason: '另一份', items: [{ idNumber: staffIdNumber, months: [staffMonth] }] },
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // Finance's list is finance's (and audit's): a reviewer is refused.
    const reviewer = (await s.staffOf('210100')).reviewer;
    const list = await s.call('GET', '/refunds/awaiting-fund', { headers: reviewer.headers });
    expect(list.status).toBe(403);
    const after = await s.tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM refund_case');
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
