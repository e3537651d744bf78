/**
 * The systems the case system writes to: /medical (Art. 44), /employment (Art. 40, 42) and /sms (Art. 38, 42).
 * Every write is idempotent by its ID, and every write lands in a ledger the admin API shows.
 */
import { Router } from 'express';
import { z } from 'zod';
import { employmentStatusSchema, unemploymentRegistrationRequestSchema } from '../../integrations/employment';
import type { EmploymentStatus, EmploymentStatuses, UnemploymentRegistration } from '../../integrations/employment';
import {
  enrolmentRequestSchema,
  leaveRequestSchema,
  premiumBatchRequestSchema,
  premiumPaymentRequestSchema,
} from '../../integrations/medical';
import type { Beneficiary, PremiumBatch, PremiumPayment, PremiumPaymentRequest } from '../../integrations/medical';
import { batchQuerySchema, personQuerySchema } from '../../integrations/schemas';
import { smsRequestSchema } from '../../integrations/sms';
import type { SmsAccepted, SmsStatus } from '../../integrations/sms';
import { HttpError, body, notFound, nowIso, parse } from '../http';
import { smsDelivery } from '../simulator';
import type { MedicalEnrolment, Simulator } from '../simulator';

export function medicalRoutes(sim: Simulator): Router {
  const router = Router();
  const view = (e: MedicalEnrolment, duplicate: boolean): Beneficiary => ({
    idNumber: e.idNumber,
    status: e.status,
    agencyDivisionCode: e.agencyDivisionCode,
    startDate: e.startDate,
    endDate: e.endDate,
    leaveReason: e.leaveReason,
    duplicate,
  });

  router.post('/beneficiaries', (req, res) => {
    const request = body(enrolmentRequestSchema, req);
    const current = sim.medicalBeneficiaries.get(request.idNumber);
    if (current && current.startDate === request.startDate) {
      res.json(view(current, true));
      return;
    }
    if (current?.status === 'enrolled') {
      throw new HttpError(409, 'already_enrolled', 'the person is enrolled from another start date');
    }
    const enrolment: MedicalEnrolment = {
      idNumber: request.idNumber,
      name: request.name,
      status: 'enrolled',
      agencyDivisionCode: request.agencyDivisionCode,
      startDate: request.startDate,
      endDate: null,
      leaveReason: null,
      expectedEndDate: request.expectedEndDate ?? null,
    };
    sim.medicalBeneficiaries.set(request.idNumber, enrolment);
    res.status(201).json(view(enrolment, false));
  });

  router.post('/beneficiaries/leave', (req, res) => {
    const request = body(leaveRequestSchema, req);
    const current = sim.medicalBeneficiaries.get(request.idNumber);
    if (!current) throw new HttpError(409, 'not_enrolled', 'the person is not enrolled');
    if (current.status === 'left') {
      if (current.endDate === request.endDate) {
        res.json(view(current, true));
        return;
      }
      throw new HttpError(409, 'already_left', 'the person left on another date');
    }
    if (request.endDate < current.startDate) {
      throw new HttpError(422, 'end_before_start', 'endDate is before the enrolment start');
    }
    current.status = 'left';
    current.endDate = request.endDate;
    current.leaveReason = request.reason;
    res.json(view(current, false));
  });

  router.post('/beneficiaries/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const current = sim.medicalBeneficiaries.get(idNumber);
    if (!current) throw notFound('beneficiary');
    res.json(view(current, false));
  });

  /** A premium, recorded once per payment ID: accepted, or refused with the code a single call answers. */
  const receivePremium = (
    request: PremiumPaymentRequest,
  ): { status: 201 | 200; answer: PremiumPayment } | { refused: string; message: string } => {
    const existing = sim.medicalPremiums.get(request.paymentId);
    if (existing) {
      if (existing.idNumber !== request.idNumber || existing.month !== request.month) {
        return { refused: 'payment_id_conflict', message: 'payment ID already used for another premium' };
      }
      existing.timesReceived++;
      return {
        status: 200,
        answer: { paymentId: existing.paymentId, status: 'accepted', receivedAt: existing.receivedAt, duplicate: true },
      };
    }
    const enrolment = sim.medicalBeneficiaries.get(request.idNumber);
    if (!enrolment) return { refused: 'not_enrolled', message: 'the person is not enrolled' };
    const covered =
      request.month >= enrolment.startDate.slice(0, 7) &&
      (enrolment.endDate === null || request.month <= enrolment.endDate.slice(0, 7));
    if (!covered) return { refused: 'not_covered', message: 'the month is outside the enrolment' };
    const entry = { ...request, receivedAt: nowIso(), timesReceived: 1 };
    sim.medicalPremiums.set(request.paymentId, entry);
    return {
      status: 201,
      answer: { paymentId: entry.paymentId, status: 'accepted', receivedAt: entry.receivedAt, duplicate: false },
    };
  };

  router.post('/premium-payments', (req, res) => {
    const r = receivePremium(body(premiumPaymentRequestSchema, req));
    if ('refused' in r) throw new HttpError(409, r.refused, r.message);
    res.status(r.status).json(r.answer);
  });

  // Art. 44, 63: a run's premiums at once, one result per item.
  router.post('/premium-payments/batch', (req, res) => {
    const { items } = body(premiumBatchRequestSchema, req);
    const answer: PremiumBatch = {
      results: items.map((item) => {
        const r = receivePremium(item);
        return 'refused' in r ? { paymentId: item.paymentId, status: 'refused' as const, code: r.refused } : r.answer;
      }),
    };
    res.json(answer);
  });

  return router;
}

export function employmentRoutes(sim: Simulator): Router {
  const router = Router();

  const statusOf = (idNumber: string): EmploymentStatus => {
    const person = sim.world.findPerson(idNumber);
    const status = person ? sim.employmentStatus(person) : null;
    return employmentStatusSchema.parse({
      employed: status !== null,
      startDate: status?.startDate ?? null,
      employerName: status?.employerName ?? null,
      employerUscc: status?.employerUscc ?? null,
    });
  };
  router.post('/employment-status/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    res.json(statusOf(idNumber));
  });
  // Art. 42: the monthly comparison list (比对查询), one result per person asked.
  router.post('/employment-status/batch-query', (req, res) => {
    const { idNumbers } = body(batchQuerySchema, req);
    const answer: EmploymentStatuses = {
      results: [...new Set(idNumbers)].map((idNumber) => ({ idNumber, ...statusOf(idNumber) })),
    };
    res.json(answer);
  });

  router.post('/unemployment-registrations', (req, res) => {
    const request = body(unemploymentRegistrationRequestSchema, req);
    const existing = sim.registrations.get(request.requestId);
    if (existing) {
      if (existing.idNumber !== request.idNumber) {
        throw new HttpError(409, 'request_id_conflict', 'request ID already used for another person');
      }
      existing.timesReceived++;
      const answer: UnemploymentRegistration = {
        requestId: existing.requestId,
        registrationNumber: existing.registrationNumber,
        status: 'registered',
        duplicate: true,
      };
      res.json(answer);
      return;
    }
    const registrationNumber = `SYDJ${request.agencyDivisionCode}${String(sim.registrations.size + 1).padStart(8, '0')}`;
    sim.registrations.set(request.requestId, {
      ...request,
      registrationNumber,
      receivedAt: nowIso(),
      timesReceived: 1,
    });
    const answer: UnemploymentRegistration = {
      requestId: request.requestId,
      registrationNumber,
      status: 'registered',
      duplicate: false,
    };
    res.status(201).json(answer);
  });

  return router;
}

export function smsRoutes(sim: Simulator): Router {
  const router = Router();

  router.post('/messages', (req, res) => {
    const request = body(smsRequestSchema, req);
    const existing = sim.smsOutbox.get(request.messageId);
    if (existing) {
      if (existing.mobile !== request.mobile || existing.text !== request.text) {
        throw new HttpError(409, 'message_id_conflict', 'message ID already used for another message');
      }
      existing.timesReceived++;
      const answer: SmsAccepted = {
        messageId: existing.messageId,
        status: 'accepted',
        acceptedAt: existing.acceptedAt,
        duplicate: true,
      };
      res.json(answer);
      return;
    }
    const entry = {
      ...request,
      status: smsDelivery(request.mobile),
      acceptedAt: nowIso(),
      timesReceived: 1,
    };
    sim.smsOutbox.set(request.messageId, entry);
    const answer: SmsAccepted = {
      messageId: entry.messageId,
      status: 'accepted',
      acceptedAt: entry.acceptedAt,
      duplicate: false,
    };
    res.status(202).json(answer);
  });

  router.get('/messages/:messageId', (req, res) => {
    const { messageId } = parse(z.object({ messageId: z.string() }), req.params);
    const entry = sim.smsOutbox.get(messageId);
    if (!entry) throw notFound('message');
    const answer: SmsStatus = { messageId, status: entry.status, acceptedAt: entry.acceptedAt };
    res.json(answer);
  });

  return router;
}
