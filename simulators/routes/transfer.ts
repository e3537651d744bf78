/** /transfer: the national transfer platform (Art. 52-56): transfer letters between provinces. */
import { Router } from 'express';
import { z } from 'zod';
import {
  acknowledgeRequestSchema,
  fundsTransferRequestSchema,
  letterStatusSchema,
  sendLetterRequestSchema,
} from '../../integrations/transfer';
import type { TransferLetter } from '../../integrations/transfer';
import { divisionCodeSchema } from '../../integrations/schemas';
import { HttpError, body, notFound, nowIso, parse } from '../http';
import type { LetterRecord, Simulator } from '../simulator';

const letterParams = z.object({ letterId: z.string() });
const listQuery = z.object({
  direction: z.enum(['inbound', 'outbound']).default('inbound'),
  toAgencyCode: divisionCodeSchema.optional(),
  status: letterStatusSchema.optional(),
});

export const isLiaoning = (code: string) => code.startsWith('21');

export function transferRoutes(sim: Simulator): Router {
  const router = Router();
  const view = (letter: LetterRecord, duplicate = false): TransferLetter => ({ ...letter, duplicate });

  router.post('/letters', (req, res) => {
    const request = body(sendLetterRequestSchema, req);
    const existing = sim.findLetter(request.letterId);
    if (existing) {
      if (existing.direction !== 'outbound' || existing.idNumber !== request.idNumber) {
        throw new HttpError(409, 'letter_id_conflict', 'letter ID already used for another letter');
      }
      res.json(view(existing, true));
      return;
    }
    if (!isLiaoning(request.fromAgencyCode) || isLiaoning(request.toAgencyCode)) {
      throw new HttpError(422, 'not_cross_province', 'letters go from a Liaoning agency to another province');
    }
    const letter: LetterRecord = {
      ...request,
      direction: 'outbound',
      status: 'sent',
      statusReason: null,
      fundAmountFen: null,
      fundTransferDate: null,
      updatedAt: nowIso(),
    };
    sim.letters.set(letter.letterId, letter);
    res.status(201).json(view(letter));
  });

  router.get('/letters', (req, res) => {
    const query = parse(listQuery, req.query);
    const letters =
      query.direction === 'inbound'
        ? sim.inboundLetters()
        : [...sim.letters.values()].filter((l) => l.direction === 'outbound');
    const selected = letters.filter(
      (l) =>
        (query.toAgencyCode === undefined || l.toAgencyCode === query.toAgencyCode) &&
        (query.status === undefined || l.status === query.status),
    );
    res.json({ letters: selected.map((l) => view(l)) });
  });

  router.get('/letters/:letterId', (req, res) => {
    const letter = sim.findLetter(parse(letterParams, req.params).letterId);
    if (!letter) throw notFound('letter');
    res.json(view(letter));
  });

  router.post('/letters/:letterId/acknowledgement', (req, res) => {
    const letter = sim.findLetter(parse(letterParams, req.params).letterId);
    if (!letter) throw notFound('letter');
    const request = body(acknowledgeRequestSchema, req);
    if (letter.direction !== 'inbound')
      throw new HttpError(409, 'not_inbound', 'only inbound letters are acknowledged');
    if (letter.status === request.status) {
      res.json(view(letter, true));
      return;
    }
    if (letter.status !== 'sent') throw new HttpError(409, 'already_acknowledged', `the letter is ${letter.status}`);
    const updated: LetterRecord = {
      ...letter,
      status: request.status,
      statusReason: request.reason ?? null,
      updatedAt: nowIso(),
    };
    sim.letters.set(updated.letterId, updated);
    res.json(view(updated));
  });

  router.post('/letters/:letterId/funds-transfer', (req, res) => {
    const letter = sim.findLetter(parse(letterParams, req.params).letterId);
    if (!letter) throw notFound('letter');
    const request = body(fundsTransferRequestSchema, req);
    if (letter.direction !== 'outbound') throw new HttpError(409, 'not_outbound', 'funds follow outbound letters');
    if (letter.status === 'funds_transferred') {
      res.json(view(letter, true));
      return;
    }
    if (letter.status === 'rejected') throw new HttpError(409, 'letter_rejected', 'the receiving province rejected it');
    const updated: LetterRecord = {
      ...letter,
      status: 'funds_transferred',
      fundAmountFen: request.amountFen,
      fundTransferDate: request.transferDate,
      updatedAt: nowIso(),
    };
    sim.letters.set(updated.letterId, updated);
    res.json(view(updated));
  });

  return router;
}
