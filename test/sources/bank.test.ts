/**
 * The bank disbursement interface (社银接口, Art. 39, 63): signed batches, one result per item, idempotent by
 * payment ID, results derived from the payee account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentItem } from '../../integrations/bank';
import { BANK_KEY_ID_HEADER, BANK_SIGNATURE_HEADER, signBankBody } from '../../integrations/bank-signature';
import { SourceError } from '../../integrations/errors';
import type { PersonSummary, RunningSimulator } from './support';
import { BANK_KEY, BANK_KEY_ID, failure, findPerson, findPersons, startSimulator } from './support';

interface LedgerRow {
  paymentId: string;
  result: string;
  amountFen: number;
  timesReceived: number;
  batchIds: string[];
}

let sim: RunningSimulator;
let payees: PersonSummary[];
beforeAll(async () => {
  sim = await startSimulator();
  payees = await findPersons(sim, 'eligible,bank_paid', 5);
});
afterAll(async () => {
  await sim.close();
});

const item = (person: PersonSummary, paymentId: string, amountFen = 193_000): PaymentItem => ({
  paymentId,
  payeeAccount: person.bankAccount.accountNumber,
  payeeName: person.name,
  amountFen,
  purpose: 'unemployment_benefit',
});

async function ledger(): Promise<LedgerRow[]> {
  return (await sim.admin<{ payments: LedgerRow[] }>('GET', '/bank/ledger')).payments;
}

describe('idempotent payments', () => {
  it('pays a payment ID once even when sent twice, returning the first result (Art. 39, 63)', async () => {
    const payment = item(payees[0]!, 'pay-2026-06-a');
    const first = await sim.clients.bank.sendBatch({ batchId: 'batch-1', items: [payment] });
    const second = await sim.clients.bank.sendBatch({ batchId: 'batch-2', items: [payment] });
    expect(first.results).toEqual([
      expect.objectContaining({
        paymentId: 'pay-2026-06-a',
        result: 'paid',
        duplicate: false,
        firstBatchId: 'batch-1',
      }),
    ]);
    expect(second.results).toEqual([{ ...first.results[0]!, duplicate: true }]);

    const rows = (await ledger()).filter((r) => r.paymentId === 'pay-2026-06-a');
    expect(rows).toEqual([
      expect.objectContaining({
        result: 'paid',
        amountFen: 193_000,
        timesReceived: 2,
        batchIds: ['batch-1', 'batch-2'],
      }),
    ]);
    expect(await sim.clients.bank.getPayment('pay-2026-06-a')).toMatchObject({
      result: 'paid',
      timesReceived: 2,
      firstBatchId: 'batch-1',
    });
  });

  it('handles a batch mixing new and repeated payment IDs, in the order sent (Art. 63)', async () => {
    await sim.clients.bank.sendBatch({ batchId: 'batch-3', items: [item(payees[1]!, 'pay-b1')] });
    const mixed = await sim.clients.bank.sendBatch({
      batchId: 'batch-4',
      items: [item(payees[2]!, 'pay-b2'), item(payees[1]!, 'pay-b1'), item(payees[3]!, 'pay-b3')],
    });
    expect(mixed.results.map((r) => [r.paymentId, r.result, r.duplicate, r.firstBatchId])).toEqual([
      ['pay-b2', 'paid', false, 'batch-4'],
      ['pay-b1', 'paid', true, 'batch-3'],
      ['pay-b3', 'paid', false, 'batch-4'],
    ]);
    const rows = await ledger();
    expect(rows.filter((r) => r.paymentId.startsWith('pay-b')).map((r) => [r.paymentId, r.timesReceived])).toEqual([
      ['pay-b1', 2],
      ['pay-b2', 1],
      ['pay-b3', 1],
    ]);
  });

  it('refuses to reuse a payment ID for another amount, paying nothing new (Art. 39)', async () => {
    await sim.clients.bank.sendBatch({ batchId: 'batch-5', items: [item(payees[4]!, 'pay-c1', 100_000)] });
    const reused = await sim.clients.bank.sendBatch({
      batchId: 'batch-6',
      items: [item(payees[4]!, 'pay-c1', 999_999)],
    });
    expect(reused.results[0]).toMatchObject({ result: 'payment_id_conflict', duplicate: true });
    expect((await ledger()).find((r) => r.paymentId === 'pay-c1')).toMatchObject({
      amountFen: 100_000,
      result: 'paid',
    });
  });
});

describe('results per item, derived from the payee account (Art. 39)', () => {
  it('reports frozen cards, invalid accounts, closed accounts and name mismatches', async () => {
    const frozen = await findPerson(sim, 'bank_frozen_card');
    const invalid = await findPerson(sim, 'bank_invalid_account');
    const closed = await findPerson(sim, 'bank_account_closed');
    const other = payees[0]!;
    const card = other.bankAccount.accountNumber;
    const badLuhn = card.slice(0, -1) + String((Number(card.slice(-1)) + 1) % 10);
    const result = await sim.clients.bank.sendBatch({
      batchId: 'batch-failures',
      items: [
        item(frozen, 'pay-f1'),
        item(invalid, 'pay-f2'),
        item(closed, 'pay-f3'),
        { ...item(other, 'pay-f4'), payeeName: '某某某' },
        { ...item(other, 'pay-f5'), payeeAccount: badLuhn },
      ],
    });
    expect(result.results.map((r) => r.result)).toEqual([
      'frozen_card',
      'invalid_account',
      'account_closed',
      'name_mismatch',
      'invalid_account',
    ]);
    expect(frozen.bankOutcome).toBe('frozen_card');
  });

  it('returns the first failure again for a repeated ID: a corrected payment needs a new ID (Art. 39 重新发放)', async () => {
    const frozen = await findPerson(sim, 'bank_frozen_card');
    await sim.clients.bank.sendBatch({ batchId: 'batch-r1', items: [item(frozen, 'pay-r1')] });
    const again = await sim.clients.bank.sendBatch({ batchId: 'batch-r2', items: [item(frozen, 'pay-r1')] });
    expect(again.results[0]).toMatchObject({ result: 'frozen_card', duplicate: true });
    expect(await sim.clients.bank.getPayment('pay-never-sent')).toBeNull();
  });
});

describe('signature (社银接口: data passed to the bank is protected, Art. 39, 63)', () => {
  it('refuses a batch signed with the wrong key: 401, not retryable, nothing paid', async () => {
    const forged = sim.clientsWith({ BANK_SIGNING_KEY: 'x'.repeat(64) });
    const err = await failure(() =>
      forged.bank.sendBatch({ batchId: 'batch-forged', items: [item(payees[0]!, 'pay-forged')] }),
    );
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({
      source: 'bank',
      kind: 'rejected',
      retryable: false,
      status: 401,
      code: 'bad_signature',
    });
    expect((await ledger()).some((r) => r.paymentId === 'pay-forged')).toBe(false);

    const unknownKey = sim.clientsWith({ BANK_SIGNING_KEY_ID: 'retired-key' });
    expect(
      await failure(() => unknownKey.bank.sendBatch({ batchId: 'b', items: [item(payees[0]!, 'pay-unknown-key')] })),
    ).toMatchObject({ status: 401, code: 'unknown_key' });
  });

  it('refuses a body changed after signing', async () => {
    const body = JSON.stringify({ batchId: 'batch-tampered', items: [item(payees[0]!, 'pay-tampered', 100)] });
    const signature = signBankBody(BANK_KEY, body);
    const tampered = body.replace('"amountFen":100', '"amountFen":100000');
    const response = await fetch(`${sim.url}/bank/batches`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [BANK_KEY_ID_HEADER]: BANK_KEY_ID,
        [BANK_SIGNATURE_HEADER]: signature,
      },
      body: tampered,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'bad_signature', message: expect.any(String) } });
    const unsigned = await fetch(`${sim.url}/bank/batches`, { method: 'POST', body });
    expect(unsigned.status).toBe(401);
    expect((await ledger()).some((r) => r.paymentId === 'pay-tampered')).toBe(false);
  });

  it('sends nothing when no signing key is configured', async () => {
    const unconfigured = sim.clientsWith({ BANK_SIGNING_KEY: '' });
    const err = await failure(() =>
      unconfigured.bank.sendBatch({ batchId: 'batch-nokey', items: [item(payees[0]!, 'pay-nokey')] }),
    );
    expect(err).toMatchObject({ kind: 'rejected', retryable: false, code: 'signing_key_not_configured' });
    expect((await ledger()).some((r) => r.paymentId === 'pay-nokey')).toBe(false);
  });

  it('rejects an invalid batch (no items) as a 400, not retryable', async () => {
    const err = await failure(() => sim.clients.bank.sendBatch({ batchId: 'batch-empty', items: [] }));
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', retryable: false });
  });
});
