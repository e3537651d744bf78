/**
 * The money path on real servers (issue 6; Art. 39, 44, 62, 63): the payment ledger, a city's payment run through
 * the simulated disbursing bank (signed batches, a result per person), re-sending a failed payment to the corrected
 * account, the funds request, and the finance API. Temporal dev server, PostgreSQL, the in-process simulators.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PAYABLE_KINDS, paymentActivities, paymentIdFor } from '../../activities/payments';
import { ensurePaymentCycles } from '../../lib/payment-cycles';
import { paymentRun } from '../../workflows/payments';
import { startApi, type RunningApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  accountsWithOutcome,
  bankLedger,
  insertBeneficiaries,
  premiumLedger,
  syntheticBeneficiaries,
  type TestBeneficiary,
} from '../support/payments';
import { devServerEnv, startWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { userWithToken } from '../support/users';
import { findPerson, findPersons, startSimulator, type RunningSimulator } from '../sources/support';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let sim: RunningSimulator;
let worker: RunningWorker;
let api: RunningApi;
let acts: ReturnType<typeof paymentActivities>;
let finance: Record<string, string>;
const taskQueue = uniqueTaskQueue('payments');

const SHENYANG = '210100';
const ANSHAN = '210300';
const BENEFIT = 193_000;
const PREMIUM = 45_600;

/** Shenyang: three beneficiaries the bank pays, one whose card is frozen (simulated persons, their own accounts). */
let good: TestBeneficiary[];
let frozen: TestBeneficiary;
const period = (b: TestBeneficiary) => `${b.caseNumber}.P1`;

beforeAll(async () => {
  env = await devServerEnv();
  tdb = await createTestDatabase();
  sim = await startSimulator();
  worker = await startWorker(env.nativeConnection, taskQueue, { db: tdb.db, sources: sim.clients });
  api = await startApi({ db: tdb.db, temporalAddress: inject('devServerAddress'), taskQueue });
  acts = paymentActivities({ db: tdb.db, bank: sim.clients.bank, medical: sim.clients.medical });
  finance = (await userWithToken(tdb.db, api.url, { username: 'finance.sy', agencyCode: SHENYANG, roles: ['finance'] }))
    .headers;

  const asBeneficiary = (p: Awaited<ReturnType<typeof findPerson>>, i: number): TestBeneficiary => ({
    caseNumber: `SYJ-2026-${SHENYANG}-PAYSY0000${i}`,
    agencyCode: SHENYANG,
    name: p.name,
    accountNumber: p.bankAccount.accountNumber,
    idNumber: p.idNumber,
  });
  good = (await findPersons(sim, 'bank_paid', 3)).map(asBeneficiary);
  frozen = asBeneficiary(await findPerson(sim, 'bank_frozen_card'), 9);
  await insertBeneficiaries(tdb, [...good, frozen]);
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await sim?.close();
  await tdb?.drop();
  await env?.teardown();
});

const runPayments = (workflowId: string, agencyCode: string, month: string) =>
  env.client.workflow.execute(paymentRun, { taskQueue, workflowId, args: [{ agencyCode, month }] });

const ledgerRows = (periodId: string) =>
  tdb.sql<{ attempt: number; status: string; result_code: string | null; account_number: string | null }>(
    'SELECT attempt, status, result_code, account_number FROM payable WHERE period_id = $1 ORDER BY kind DESC, attempt',
    [periodId],
  );

async function get(path: string, headers = finance) {
  const res = await fetch(`${api.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('the payment run (Art. 39, 63)', () => {
  it("pays each of a city's beneficiaries once through the bank, a result per person; a frozen card fails with its code (Art. 39, 44, 63)", async () => {
    for (const b of [...good, frozen]) {
      const q = await acts.queuePayable({
        periodId: period(b),
        caseNumber: b.caseNumber,
        agencyCode: SHENYANG,
        kind: 'unemployment_benefit',
        month: '2026-12',
        amountFen: BENEFIT,
      });
      expect(q).toEqual({
        paymentId: paymentIdFor(period(b), 'unemployment_benefit', '2026-12', 1),
        attempt: 1,
        status: 'pending',
      });
    }
    // Queuing again changes nothing (a retried activity).
    expect(
      await acts.queuePayable({
        periodId: period(good[0]!),
        caseNumber: good[0]!.caseNumber,
        agencyCode: SHENYANG,
        kind: 'unemployment_benefit',
        month: '2026-12',
        amountFen: BENEFIT,
      }),
    ).toMatchObject({ attempt: 1, status: 'pending' });
    // Art. 44, 63: the medical premium of an enrolled beneficiary, and of one the medical insurance agency does not know.
    await sim.clients.medical.enrol({
      idNumber: good[0]!.idNumber,
      name: good[0]!.name,
      agencyDivisionCode: SHENYANG,
      startDate: '2026-11-01',
    });
    for (const b of [good[0]!, good[1]!]) {
      await acts.queuePayable({
        periodId: period(b),
        caseNumber: b.caseNumber,
        agencyCode: SHENYANG,
        kind: 'medical_premium',
        month: '2026-12',
        amountFen: PREMIUM,
      });
    }

    const totals = await runPayments('payment-run-210100-2026-12-t1', SHENYANG, '2026-12');
    expect(totals).toMatchObject({
      runId: 'payment-run-210100-2026-12-t1',
      agencyCode: SHENYANG,
      month: '2026-12',
      status: 'completed',
      batches: 1,
      items: 6,
      paid: 4,
      failed: 2,
      itemFen: 4 * BENEFIT + 2 * PREMIUM,
      paidFen: 3 * BENEFIT + PREMIUM,
      failedFen: BENEFIT + PREMIUM,
    });

    // The bank: each beneficiary's payment once, to their own account, signed batch `<run>.b1`.
    const bank = await bankLedger(sim);
    expect(bank.map((r) => [r.payeeAccount, r.result, r.amountFen, r.timesReceived, r.firstBatchId]).sort()).toEqual(
      [
        ...good.map((b) => [b.accountNumber, 'paid', BENEFIT, 1, 'payment-run-210100-2026-12-t1.b1']),
        [frozen.accountNumber, 'frozen_card', BENEFIT, 1, 'payment-run-210100-2026-12-t1.b1'],
      ].sort(),
    );
    // The medical insurance agency: the enrolled beneficiary's premium once.
    expect(await premiumLedger(sim)).toEqual([
      expect.objectContaining({ idNumber: good[0]!.idNumber, month: '2026-12', amountFen: PREMIUM, timesReceived: 1 }),
    ]);

    // The ledger: a result per person.
    for (const b of good) expect((await ledgerRows(period(b)))[0]).toMatchObject({ status: 'paid', result_code: null });
    expect(await ledgerRows(period(good[1]!))).toContainEqual(
      expect.objectContaining({ status: 'failed', result_code: 'not_enrolled', account_number: null }),
    );
    expect(
      await acts.payableOutcome({ periodId: period(frozen), kind: 'unemployment_benefit', month: '2026-12' }),
    ).toEqual({
      paymentId: paymentIdFor(period(frozen), 'unemployment_benefit', '2026-12', 1),
      attempt: 1,
      status: 'failed',
      resultCode: 'frozen_card',
      paidAt: null,
    });
    const paid = await acts.payableOutcome({
      periodId: period(good[0]!),
      kind: 'unemployment_benefit',
      month: '2026-12',
    });
    expect(paid).toMatchObject({ status: 'paid', attempt: 1, resultCode: null, paidAt: expect.any(String) });
    expect(await tdb.sql('SELECT status, item_count, paid_count, failed_count FROM payment_run')).toEqual([
      { status: 'completed', item_count: 6, paid_count: 4, failed_count: 2 },
    ]);
  });

  it("keeps names and accounts out of the run's workflow history and out of payment IDs (Art. 30)", async () => {
    const history = JSON.stringify(await env.client.workflow.getHandle('payment-run-210100-2026-12-t1').fetchHistory());
    const ledger = await tdb.sql<{ payment_id: string }>('SELECT payment_id FROM payable');
    for (const b of [...good, frozen]) {
      for (const secret of [b.name, b.accountNumber, b.idNumber]) {
        expect(history).not.toContain(secret);
        for (const { payment_id } of ledger) expect(payment_id).not.toContain(secret);
      }
    }
  });

  it('re-sends a failed payment once, as a new attempt to the corrected account, in an ad-hoc run started by finance (Art. 39, 63 重新发放)', async () => {
    const corrected = accountsWithOutcome('paid', 1)[0]!;
    await tdb.sql('UPDATE benefit_claim SET account_number = $1 WHERE case_number = $2', [
      corrected,
      frozen.caseNumber,
    ]);
    const ref = { periodId: period(frozen), kind: 'unemployment_benefit' as const, month: '2026-12' };
    const second = await acts.requeuePayable(ref);
    expect(second).toEqual({
      paymentId: paymentIdFor(ref.periodId, ref.kind, ref.month, 2),
      attempt: 2,
      status: 'pending',
    });
    // Never two live attempts: requeuing again, or a month that is paid, changes nothing.
    expect(await acts.requeuePayable(ref)).toEqual(second);
    expect(await acts.requeuePayable({ ...ref, periodId: period(good[0]!) })).toMatchObject({
      attempt: 1,
      status: 'paid',
    });

    const started = await fetch(`${api.url}/finance/payment-runs`, {
      method: 'POST',
      headers: finance,
      body: JSON.stringify({ agencyCode: SHENYANG, month: '2026-12' }),
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    expect(runId).toMatch(/^payment-run-210100-2026-12-r[0-9a-f]{10}$/);
    const totals = await env.client.workflow.getHandle<typeof paymentRun>(runId).result();
    // Only the re-queued attempt: the premium refused as not enrolled stays failed until it is re-queued.
    expect(totals).toMatchObject({ items: 1, paid: 1, failed: 0, paidFen: BENEFIT });

    const bank = await bankLedger(sim);
    expect(bank.filter((r) => r.payeeName === frozen.name).map((r) => [r.paymentId, r.payeeAccount, r.result])).toEqual(
      [
        [paymentIdFor(ref.periodId, ref.kind, ref.month, 1), frozen.accountNumber, 'frozen_card'],
        [second.paymentId, corrected, 'paid'],
      ],
    );
    expect(bank.every((r) => r.timesReceived === 1)).toBe(true);
    expect(await acts.payableOutcome(ref)).toMatchObject({ attempt: 2, status: 'paid' });
    expect(await ledgerRows(ref.periodId)).toEqual([
      { attempt: 1, status: 'failed', result_code: 'frozen_card', account_number: frozen.accountNumber },
      { attempt: 2, status: 'paid', result_code: null, account_number: corrected },
    ]);
    const [entry] = await tdb.sql<{ actor_name: string; action: string }>(
      "SELECT actor_name, action FROM audit_log WHERE entity = 'payment_run' AND entity_id = $1",
      [runId],
    );
    expect(entry).toEqual({ actor_name: 'finance.sy', action: 'payment_run_started' });
  });

  it('sends nothing twice when the month is run again, under a new run ID or the same one (Art. 39, 63)', async () => {
    const before = await bankLedger(sim);
    const again = await runPayments('payment-run-210100-2026-12-t2', SHENYANG, '2026-12');
    expect(again).toMatchObject({ items: 0, batches: 0, paid: 0, failed: 0 });
    // The same run ID once more: the run it names is done; nothing is claimed or sent again.
    const repeat = await runPayments('payment-run-210100-2026-12-t1', SHENYANG, '2026-12');
    expect(repeat).toMatchObject({ items: 6, paid: 4, failed: 2, status: 'completed' });
    expect(await bankLedger(sim)).toEqual(before);
    expect((await premiumLedger(sim)).map((p) => p.timesReceived)).toEqual([1]);
  });

  it('refuses a second paid attempt of a month in the database itself (Art. 39: nobody is paid twice)', async () => {
    const ref = period(frozen);
    await expect(
      tdb.sql(
        `INSERT INTO payable (payment_id, period_id, case_number, agency_code, kind, month, attempt, amount_fen, payee_name,
                              status, created_at, updated_at)
         VALUES ('x.UB.202612.3', $1, $2, '210100', 'unemployment_benefit', '2026-12', 3, 1, 'x', 'paid', now(), now())`,
        [ref, frozen.caseNumber],
      ),
    ).rejects.toThrow(/payable_paid_once_partial/);
  });

  it('withdraws pending months after a stop, and does not revive them (Art. 42)', async () => {
    const b = good[2]!;
    for (const month of ['2027-01', '2027-02']) {
      await acts.queuePayable({
        periodId: period(b),
        caseNumber: b.caseNumber,
        agencyCode: SHENYANG,
        kind: 'unemployment_benefit',
        month,
        amountFen: BENEFIT,
      });
    }
    expect(await acts.cancelPayables({ periodId: period(b), fromMonth: '2027-01' })).toBe(2);
    expect(await acts.cancelPayables({ periodId: period(b), fromMonth: '2027-01' })).toBe(0);
    const ref = { periodId: period(b), kind: 'unemployment_benefit' as const, month: '2027-02' };
    expect(await acts.payableOutcome(ref)).toMatchObject({ status: 'cancelled', attempt: 1 });
    expect(await acts.requeuePayable(ref)).toMatchObject({ status: 'cancelled', attempt: 1 });
    // December was paid: a stop from December leaves it alone.
    expect(await acts.cancelPayables({ periodId: period(b), fromMonth: '2026-12' })).toBe(0);
    expect(await runPayments('payment-run-210100-2027-02-t1', SHENYANG, '2027-02')).toMatchObject({ items: 0 });
  });

  it('refuses to queue for a case without a claim or an agency that is not a city (Art. 39)', async () => {
    const base = { kind: 'unemployment_benefit' as const, month: '2026-12', amountFen: BENEFIT };
    await expect(
      acts.queuePayable({
        ...base,
        periodId: 'nobody.P1',
        caseNumber: 'SYJ-2026-210100-NOBODY0000',
        agencyCode: SHENYANG,
      }),
    ).rejects.toMatchObject({ type: 'CaseNotFound', nonRetryable: true });
    await expect(
      acts.queuePayable({
        ...base,
        periodId: period(good[0]!),
        caseNumber: good[0]!.caseNumber,
        agencyCode: '210000',
        month: '2027-03',
      }),
    ).rejects.toMatchObject({ type: 'NotPayingAgency', nonRetryable: true });
    await expect(
      acts.queuePayable({
        ...base,
        periodId: period(good[0]!),
        caseNumber: good[0]!.caseNumber,
        agencyCode: SHENYANG,
        month: '2027-13',
      }),
    ).rejects.toMatchObject({ type: 'InvalidPaymentInput', nonRetryable: true });
  });
});

describe('the funds request and the ledger over the API (Art. 62)', () => {
  let anshan: TestBeneficiary[];
  /** Provincial finance staff: their scope covers every city (Art. 5). */
  let province: Record<string, string>;
  const anshanPeriod = (b: TestBeneficiary) => `${b.caseNumber}.P1`;

  beforeAll(async () => {
    province = (
      await userWithToken(tdb.db, api.url, { username: 'finance.prov', agencyCode: '210000', roles: ['finance'] })
    ).headers;
    // Anshan: A and C paid by the bank, B refused (invalid account).
    const [a, c] = accountsWithOutcome('paid', 2, 1_000);
    const [bad] = accountsWithOutcome('invalid_account', 1);
    anshan = syntheticBeneficiaries(ANSHAN, [a!, bad!, c!], 'FUND');
    await insertBeneficiaries(tdb, anshan);
    const queue = (b: TestBeneficiary, kind: 'unemployment_benefit' | 'medical_premium', month: string) =>
      acts.queuePayable({
        periodId: anshanPeriod(b),
        caseNumber: b.caseNumber,
        agencyCode: ANSHAN,
        kind,
        month,
        amountFen: kind === 'medical_premium' ? PREMIUM : BENEFIT,
      });
    // November: A and B; B's payment fails.
    await queue(anshan[0]!, 'unemployment_benefit', '2026-11');
    await queue(anshan[1]!, 'unemployment_benefit', '2026-11');
    expect(await runPayments('payment-run-210300-2026-11-t1', ANSHAN, '2026-11')).toMatchObject({ paid: 1, failed: 1 });
    // December: all three, and A's medical premium.
    for (const b of anshan) await queue(b, 'unemployment_benefit', '2026-12');
    await queue(anshan[0]!, 'medical_premium', '2026-12');
  });

  it("sums the month's payments by kind with last month's failed one to re-send (Art. 62 含上月支付未成功需要再次发放数据)", async () => {
    const { status, body } = await get(`/finance/funds-request?agencyCode=${ANSHAN}&month=2026-12`, province);
    expect(status).toBe(200);
    expect(body).toEqual({
      agencyCode: ANSHAN,
      month: '2026-12',
      kinds: [
        {
          kind: 'unemployment_benefit',
          current: { count: 3, fen: 3 * BENEFIT },
          resend: { count: 1, fen: BENEFIT },
          held: { count: 0, fen: 0 },
          total: { count: 4, fen: 4 * BENEFIT },
        },
        {
          kind: 'medical_premium',
          current: { count: 1, fen: PREMIUM },
          resend: { count: 0, fen: 0 },
          held: { count: 0, fen: 0 },
          total: { count: 1, fen: PREMIUM },
        },
        // Every line of the request, nil ones too: the one-off payments (Art. 46, 47, 49, 50).
        ...PAYABLE_KINDS.filter((k) => k !== 'unemployment_benefit' && k !== 'medical_premium').map((kind) => ({
          kind,
          current: { count: 0, fen: 0 },
          resend: { count: 0, fen: 0 },
          held: { count: 0, fen: 0 },
          total: { count: 0, fen: 0 },
        })),
      ],
      held: { count: 0, fen: 0 },
      total: { count: 5, fen: 4 * BENEFIT + PREMIUM },
    });
    // Re-queued for re-sending, it is still counted once.
    await acts.requeuePayable({ periodId: anshanPeriod(anshan[1]!), kind: 'unemployment_benefit', month: '2026-11' });
    const after = await get(`/finance/funds-request?agencyCode=${ANSHAN}&month=2026-12`, province);
    expect(after.body.kinds[0].resend).toEqual({ count: 1, fen: BENEFIT });
  });

  it('names the field of a bad query, and keeps other cities out of scope (Art. 5)', async () => {
    const bad = await get(`/finance/funds-request?agencyCode=${ANSHAN}&month=2026-13`, province);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'query.month', message: '须为月份，格式 YYYY-MM' }]);
    const missing = await get('/finance/funds-request?month=2026-12', province);
    expect(missing.body.error.fields).toEqual([expect.objectContaining({ path: 'query.agencyCode' })]);
    const other = await userWithToken(tdb.db, api.url, {
      username: 'finance.dl',
      agencyCode: '210200',
      roles: ['finance'],
    });
    expect((await get(`/finance/funds-request?agencyCode=${ANSHAN}&month=2026-12`, other.headers)).status).toBe(403);
    expect((await get(`/finance/payables?agencyCode=${SHENYANG}`, other.headers)).status).toBe(403);
    expect((await get('/finance/payables', other.headers)).body.items).toEqual([]);
    const start = await fetch(`${api.url}/finance/payment-runs`, {
      method: 'POST',
      headers: finance,
      body: JSON.stringify({ agencyCode: '210000', month: '2026-12' }),
    });
    expect(start.status).toBe(403);
  });

  it('lets auditors read but not start runs; only city agencies run payments (Art. 39, 77)', async () => {
    const auditor = await userWithToken(tdb.db, api.url, {
      username: 'audit.prov',
      agencyCode: '210000',
      roles: ['auditor'],
    });
    expect((await get(`/finance/payment-runs?agencyCode=${ANSHAN}`, auditor.headers)).body.items).toEqual([
      expect.objectContaining({ runId: 'payment-run-210300-2026-11-t1', paid: 1, failed: 1, status: 'completed' }),
    ]);
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${api.url}/finance/payment-runs`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post(auditor.headers, { agencyCode: ANSHAN, month: '2026-12' })).status).toBe(403);
    const notCity = await post(province, { agencyCode: '210000', month: '2026-12' });
    expect(notCity.status).toBe(422);
    expect(((await notCity.json()) as any).error.fields).toEqual([
      { path: 'agencyCode', message: expect.stringContaining('市级经办机构') },
    ]);
    const clerk = await userWithToken(tdb.db, api.url, {
      username: 'intake.as',
      agencyCode: ANSHAN,
      roles: ['intake'],
    });
    expect((await get('/finance/payables', clerk.headers)).status).toBe(403);
  });

  it('lists the ledger page by page with account numbers masked (Art. 30)', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Record<string, any> } = await get(
        `/finance/payables?agencyCode=${SHENYANG}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const [{ n }] = (await tdb.sql<{ n: number }>('SELECT count(*)::int AS n FROM payable WHERE agency_code = $1', [
      SHENYANG,
    ])) as [{ n: number }];
    expect(seen.length).toBe(n);
    expect(new Set(seen.map((p) => p.paymentId)).size).toBe(n);
    const body = JSON.stringify(seen);
    for (const b of [...good, frozen]) {
      expect(body).not.toContain(b.accountNumber);
      expect(body).not.toContain(b.name);
    }
    const failed = await get(`/finance/payables?agencyCode=${SHENYANG}&status=failed&kind=unemployment_benefit`);
    expect(failed.body.items).toEqual([
      expect.objectContaining({
        paymentId: paymentIdFor(period(frozen), 'unemployment_benefit', '2026-12', 1),
        status: 'failed',
        resultCode: 'frozen_card',
        payee: {
          name: expect.stringMatching(/^.\*+$/),
          accountNumber: `${'*'.repeat(frozen.accountNumber.length - 4)}${frozen.accountNumber.slice(-4)}`,
          bankName: '中国工商银行',
        },
      }),
    ]);
    const premium = await get(`/finance/payables?agencyCode=${SHENYANG}&kind=medical_premium&status=paid`);
    expect(premium.body.items).toEqual([
      expect.objectContaining({ payee: { name: '沈阳市医疗保险经办机构', accountNumber: null, bankName: null } }),
    ]);
    const badCursor = await get('/finance/payables?cursor=nonsense');
    expect(badCursor.status).toBe(422);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    expect(badCursor.body.error.fields).toEqual([{ path: 'query.cursor', message: '不是本列表的翻页游标' }]);
  });

  it('keeps a case a confirmed suspicious item holds out of the request and the run until released, then pays it once (Art. 62, 80)', async () => {
    const held = anshan[2]!;
    await tdb.sql(
      `INSERT INTO payment_hold (item_case_number, case_number, status, held_by, held_at)
       VALUES ('YDH-2026-210300-HOLDTEST01', $1, 'held', 'auditor.as', now())`,
      [held.caseNumber],
    );
    const request = await get(`/finance/funds-request?agencyCode=${ANSHAN}&month=2026-12`, province);
    expect(request.body.kinds[0]).toMatchObject({
      current: { count: 2, fen: 2 * BENEFIT },
      held: { count: 1, fen: BENEFIT },
      total: { count: 3, fen: 3 * BENEFIT },
    });
    expect(request.body.held).toEqual({ count: 1, fen: BENEFIT });
    await runPayments('payment-run-210300-2026-12-hold1', ANSHAN, '2026-12');
    const heldId = paymentIdFor(anshanPeriod(held), 'unemployment_benefit', '2026-12', 1);
    const itemOf = async () =>
      (
        await tdb.sql<{ status: string; run_id: string | null }>(
          'SELECT status, run_id FROM payable WHERE payment_id = $1',
          [heldId],
        )
      )[0];
    expect(await itemOf()).toEqual({ status: 'pending', run_id: null });
    await tdb.sql("UPDATE payment_hold SET status = 'released' WHERE case_number = $1", [held.caseNumber]);
    await runPayments('payment-run-210300-2026-12-hold2', ANSHAN, '2026-12');
    expect(await itemOf()).toEqual({ status: 'paid', run_id: 'payment-run-210300-2026-12-hold2' });

    // Held after a run claimed it, before its batch went: back to the ledger unsent, and the run closes without it.
    const late = anshan[0]!;
    await acts.queuePayable({
      periodId: anshanPeriod(late),
      caseNumber: late.caseNumber,
      agencyCode: ANSHAN,
      kind: 'unemployment_benefit',
      month: '2027-01',
      amountFen: BENEFIT,
    });
    const runId = 'payment-run-210300-2027-01-hold3';
    const at = new Date().toISOString();
    expect((await acts.claimPaymentRun({ runId, agencyCode: ANSHAN, month: '2027-01', at })).items).toBe(1);
    await tdb.sql(
      `INSERT INTO payment_hold (item_case_number, case_number, status, held_by, held_at)
       VALUES ('YDH-2027-210300-HOLDTEST02', $1, 'held', 'auditor.as', now())`,
      [late.caseNumber],
    );
    expect((await acts.sendPaymentBatch({ runId, batch: 1, at })).sent).toBe(0);
    expect(await acts.completePaymentRun({ runId, at })).toMatchObject({ items: 0, paid: 0, status: 'completed' });
    expect(
      await tdb.sql('SELECT status, run_id FROM payable WHERE payment_id = $1', [
        paymentIdFor(anshanPeriod(late), 'unemployment_benefit', '2027-01', 1),
      ]),
    ).toEqual([{ status: 'pending', run_id: null }]);
  });

  it('documents the finance endpoints in OpenAPI', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/finance/payment-runs', '/finance/payables', '/finance/funds-request']),
    );
  });
});

describe("the cities' pay-day cycles (Art. 39, 63)", () => {
  it('starts one cycle per city agency, once however often the system starts', async () => {
    // A queue no worker polls: the cycles are only started here, their runs are tested on the time-skipping server.
    const target = { address: inject('devServerAddress'), namespace: 'default' };
    const queue = uniqueTaskQueue('cycles');
    const ids = await ensurePaymentCycles({ databaseUrl: tdb.url, target, taskQueue: queue });
    const cities = await tdb.sql<{ code: string }>("SELECT code FROM agency WHERE level = 'city' ORDER BY code");
    expect(cities.length).toBe(14);
    expect(ids).toEqual(cities.map((c) => `payment-cycle-${c.code}`));
    const runs = await Promise.all(ids.map(async (id) => (await env.client.workflow.getHandle(id).describe()).runId));
    try {
      expect(await ensurePaymentCycles({ databaseUrl: tdb.url, target, taskQueue: queue })).toEqual(ids);
      for (const [i, id] of ids.entries()) {
        const d = await env.client.workflow.getHandle(id).describe();
        expect([d.status.name, d.runId, d.type]).toEqual(['RUNNING', runs[i], 'cityPaymentCycle']);
      }
    } finally {
      await Promise.all(ids.map((id) => env.client.workflow.getHandle(id).terminate('test done')));
    }
  });
});
