/**
 * /bank: the bank disbursement interface (社银接口, Art. 39, 63). Every request must carry a valid HMAC-SHA256
 * signature of its exact body under a key the bank knows (401 otherwise). Payments are idempotent by payment ID;
 * the result of a new payment derives from the payee account (accountOutcome) and the holder's name.
 */
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { paymentBatchSchema } from '../../integrations/bank';
import type { BatchResult, PaymentItemResult, PaymentStatus } from '../../integrations/bank';
import { BANK_KEY_ID_HEADER, BANK_SIGNATURE_HEADER, verifyBankSignature } from '../../integrations/bank-signature';
import { HttpError, notFound, nowIso, parse } from '../http';
import { accountOutcome } from '../simulator';
import type { BankLedgerEntry, Simulator } from '../simulator';

export function bankRoutes(sim: Simulator, keys: Readonly<Record<string, string>>): Router {
  const router = Router();
  router.use(express.raw({ type: () => true, limit: '10mb' }));

  const verify: RequestHandler = (req, _res, next) => {
    const keyId = req.get(BANK_KEY_ID_HEADER);
    const signature = req.get(BANK_SIGNATURE_HEADER);
    if (!keyId || !signature) throw new HttpError(401, 'signature_missing', 'signature headers missing');
    const key = Object.hasOwn(keys, keyId) ? keys[keyId] : undefined;
    if (key === undefined) throw new HttpError(401, 'unknown_key', 'unknown signing key');
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyBankSignature(key, raw, signature))
      throw new HttpError(401, 'bad_signature', 'signature does not verify');
    next();
  };

  router.post('/batches', verify, (req, res) => {
    let json: unknown;
    try {
      json = JSON.parse((req.body as Buffer).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
    }
    const batch = parse(paymentBatchSchema, json);
    const results: PaymentItemResult[] = batch.items.map((item) => {
      const existing = sim.bankLedger.get(item.paymentId);
      if (existing) {
        existing.timesReceived++;
        if (!existing.batchIds.includes(batch.batchId)) existing.batchIds.push(batch.batchId);
        const same =
          existing.payeeAccount === item.payeeAccount &&
          existing.payeeName === item.payeeName &&
          existing.amountFen === item.amountFen &&
          existing.purpose === item.purpose;
        return {
          paymentId: item.paymentId,
          result: same ? existing.result : 'payment_id_conflict',
          duplicate: true,
          firstBatchId: existing.firstBatchId,
          processedAt: existing.processedAt,
        };
      }
      let result = accountOutcome(item.payeeAccount) as BankLedgerEntry['result'];
      const holder = sim.world.accountHolder(item.payeeAccount);
      if (result === 'paid' && holder !== undefined && holder !== item.payeeName) result = 'name_mismatch';
      const entry: BankLedgerEntry = {
        ...item,
        firstBatchId: batch.batchId,
        batchIds: [batch.batchId],
        result,
        processedAt: nowIso(),
        timesReceived: 1,
      };
      sim.bankLedger.set(item.paymentId, entry);
      return {
        paymentId: item.paymentId,
        result,
        duplicate: false,
        firstBatchId: batch.batchId,
        processedAt: entry.processedAt,
      };
    });
    const answer: BatchResult = { batchId: batch.batchId, results };
    res.json(answer);
  });

  router.get('/payments/:paymentId', verify, (req, res) => {
    const { paymentId } = parse(z.object({ paymentId: z.string() }), req.params);
    const entry = sim.bankLedger.get(paymentId);
    if (!entry) throw notFound('payment');
    const answer: PaymentStatus = {
      paymentId,
      result: entry.result,
      amountFen: entry.amountFen,
      purpose: entry.purpose,
      firstBatchId: entry.firstBatchId,
      processedAt: entry.processedAt,
      timesReceived: entry.timesReceived,
    };
    res.json(answer);
  });

  return router;
}
