/** /tax: the tax data platform (Art. 23-26, 41). */
import { Router } from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import { divisionCodeSchema, personQuerySchema } from '../../integrations/schemas';
import {
  backPaymentAssessmentSchema,
  contributionChangesQuerySchema,
  contributionTotalsQuerySchema,
  monthRangeSchema,
  refundAnswerSchema,
  refundRequestsQuerySchema,
  personContributionsQuerySchema,
  registerMessageSchema,
  type RegisterMessage,
  type RegisterMessageAnswer,
} from '../../integrations/tax';
import type {
  ContributionTotals,
  EmployerArrears,
  EmployerContributions,
  EmployerList,
  EmployerStaff,
  EmploymentSpell,
  PersonArrears,
  PersonContributions,
  PersonEmployments,
  RefundAnswerReceipt,
  RefundRequestsPage,
  TaxEmployer,
} from '../../integrations/tax';
import { body, HttpError, notFound, nowIso, parse } from '../http';
import type { BackPaymentAssessmentEntry, Simulator } from '../simulator';
import type { EmployerCore } from '../world';

/** The same assessment sent again is the same body (zod's output keeps the schema's key order). */
const canonical = (v: unknown) => JSON.stringify(v);
const usccParams = z.object({ uscc: z.string() });
const employerListQuery = z.object({
  agencyDivisionCode: divisionCodeSchema,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function taxRoutes(sim: Simulator): Router {
  const router = Router();
  const { world } = sim;

  const employerOf = (req: Request): EmployerCore => {
    const employer = world.findEmployer(parse(usccParams, req.params).uscc);
    if (!employer) throw notFound('employer');
    return employer;
  };

  // Art. 49: the employers of a city agency, in index order, a page at a time (the job-retention screening).
  router.get('/employers', (req, res) => {
    const q = parse(employerListQuery, req.query);
    const all = world.allEmployers().filter((e) => e.agencyDivisionCode === q.agencyDivisionCode);
    const page = all.slice(q.offset, q.offset + q.limit);
    const answer: EmployerList = {
      items: page.map((e) => ({ uscc: e.uscc, name: e.name, type: e.type, size: e.size })),
      nextOffset: q.offset + q.limit < all.length ? q.offset + q.limit : null,
    };
    res.json(answer);
  });

  router.get('/employers/:uscc', (req, res) => {
    const employer = employerOf(req);
    const insuredCount = world
      .staffOf(employer.index)
      .filter((p) => p.spells.some((s) => s.employerIndex === employer.index && s.endDate === null)).length;
    const answer: TaxEmployer = {
      uscc: employer.uscc,
      name: employer.name,
      type: employer.type,
      size: employer.size,
      agencyDivisionCode: employer.agencyDivisionCode,
      registeredDate: employer.registeredDate,
      insuredCount,
      bankAccount: employer.bankAccount,
    };
    res.json(answer);
  });

  router.get('/employers/:uscc/staff', (req, res) => {
    const employer = employerOf(req);
    const staff = world.staffOf(employer.index).flatMap((person) =>
      person.spells
        .filter((s) => s.employerIndex === employer.index)
        .map((s) => ({
          idNumber: person.idNumber,
          name: person.name,
          startDate: s.startDate,
          endDate: s.endDate,
          separationReason: s.separationReason,
        })),
    );
    const answer: EmployerStaff = { uscc: employer.uscc, staff };
    res.json(answer);
  });

  /** Art. 25 单位缴费信息 of one employer per month in the range, from its staff's records. */
  const employerMonths = (employer: EmployerCore, range: { from?: string | undefined; to?: string | undefined }) => {
    const months = new Map<string, EmployerContributions['months'][number]>();
    for (const person of world.staffOf(employer.index)) {
      for (const r of sim.records(person).paid) {
        if (r.employerUscc !== employer.uscc || !inRange(r.month, range)) continue;
        const row = months.get(r.month) ?? {
          month: r.month,
          insuredCount: 0,
          contributionBaseTotalFen: 0,
          amountPaidTotalFen: 0,
          receiptDate: r.receiptDate,
        };
        row.insuredCount++;
        row.contributionBaseTotalFen += r.contributionBaseFen;
        row.amountPaidTotalFen += r.amountPaidFen;
        if (r.receiptDate > row.receiptDate) row.receiptDate = r.receiptDate;
        months.set(r.month, row);
      }
    }
    return months;
  };

  router.get('/employers/:uscc/contributions', (req, res) => {
    const employer = employerOf(req);
    const months = employerMonths(employer, parse(monthRangeSchema, req.query));
    const answer: EmployerContributions = {
      uscc: employer.uscc,
      months: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
    };
    res.json(answer);
  });

  // Art. 23, 24: every person's records in the order received (simulator.ts FEED_STRIDE), a page after `after`.
  router.get('/contributions/changes', (req, res) => {
    const q = parse(contributionChangesQuerySchema, req.query);
    res.json(sim.contributionFeed(q.after, q.limit));
  });

  // Art. 24, 25: the totals of employer-months (reconciliation); an employer-month without records answers zeros.
  router.post('/contributions/totals/query', (req, res) => {
    const q = body(contributionTotalsQuerySchema, req);
    const byEmployer = new Map<string, ReturnType<typeof employerMonths> | null>();
    const items: ContributionTotals['items'] = q.employerMonths.map(({ uscc, month }) => {
      if (!byEmployer.has(uscc)) {
        const employer = world.findEmployer(uscc);
        byEmployer.set(uscc, employer ? employerMonths(employer, {}) : null);
      }
      const row = byEmployer.get(uscc)?.get(month);
      return {
        uscc,
        month,
        insuredCount: row?.insuredCount ?? 0,
        contributionBaseTotalFen: row?.contributionBaseTotalFen ?? 0,
        amountPaidTotalFen: row?.amountPaidTotalFen ?? 0,
      };
    });
    res.json({ items });
  });

  // Art. 27: the whole-month refund requests tax accepted, a page after `after` (the admin API raises them).
  router.get('/refund-requests', (req, res) => {
    const q = parse(refundRequestsQuerySchema, req.query);
    const after = sim.refundRequests.filter((r) => r.seq > q.after);
    const items = after.slice(0, q.limit);
    const answer: RefundRequestsPage = {
      items,
      nextCursor: items.length ? items[items.length - 1]!.seq : q.after,
      hasMore: after.length > items.length,
    };
    res.json(answer);
  });

  // Art. 27 及时反馈税务部门: the agency's answer, taken once; the same answer again is acknowledged (duplicate), another
  // answer to a request answered already is refused (409 already_answered).
  router.post('/refund-requests/:requestId/answer', (req, res) => {
    const requestId = String(req.params.requestId);
    const request = sim.refundRequests.find((r) => r.requestId === requestId);
    if (!request) throw notFound('refund request');
    const a = body(refundAnswerSchema, req);
    const known = new Set(request.persons.map((p) => p.idNumber));
    if (a.refusals.some((r) => !known.has(r.idNumber))) {
      throw new HttpError(422, 'unknown_person', 'a refused person is not on the request');
    }
    sim.refundAnswerCalls.set(requestId, (sim.refundAnswerCalls.get(requestId) ?? 0) + 1);
    const earlier = sim.refundAnswers.get(requestId);
    if (earlier) {
      const same =
        earlier.decision === a.decision &&
        earlier.caseNumber === a.caseNumber &&
        JSON.stringify(earlier.refusals) === JSON.stringify(a.refusals);
      if (!same) throw new HttpError(409, 'already_answered', 'the request was answered already, otherwise');
      res.json({ ...earlier, duplicate: true });
      return;
    }
    const receipt: RefundAnswerReceipt = { ...a, requestId, answeredAt: nowIso(), duplicate: false };
    sim.refundAnswers.set(requestId, receipt);
    res.status(201).json(receipt);
  });

  router.get('/employers/:uscc/arrears', (req, res) => {
    const employer = employerOf(req);
    const months = new Map<string, EmployerArrears['months'][number]>();
    for (const person of world.staffOf(employer.index)) {
      for (const r of sim.records(person).arrears) {
        if (r.employerUscc !== employer.uscc) continue;
        const row = months.get(r.month) ?? { month: r.month, insuredCount: 0, amountDueFen: 0 };
        row.insuredCount++;
        row.amountDueFen += r.amountDueFen;
        months.set(r.month, row);
      }
    }
    const answer: EmployerArrears = {
      uscc: employer.uscc,
      months: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
    };
    res.json(answer);
  });

  // Art. 26 补收信息: the agency's assessment, kept once per case number (the same again: duplicate; another: 409).
  router.post('/back-payment-assessments', (req, res) => {
    const assessment = body(backPaymentAssessmentSchema, req);
    if (!world.findEmployer(assessment.uscc)) throw notFound('employer');
    const fingerprint = canonical(assessment);
    const kept = sim.backPaymentAssessments.get(assessment.caseNumber);
    if (kept) {
      if (kept.fingerprint !== fingerprint) {
        throw new HttpError(409, 'assessment_conflict', 'another assessment was sent under this case number');
      }
      res.json({ caseNumber: assessment.caseNumber, status: kept.status, duplicate: true });
      return;
    }
    sim.backPaymentAssessments.set(assessment.caseNumber, {
      assessment,
      fingerprint,
      status: 'assessed',
      amountPaidFen: 0,
      receiptDate: null,
      receivedAt: nowIso(),
    });
    res.status(201).json({ caseNumber: assessment.caseNumber, status: 'assessed', duplicate: false });
  });

  const assessmentOf = (req: Request) => {
    const kept = sim.backPaymentAssessments.get(String(req.params.caseNumber));
    if (!kept) throw notFound('assessment');
    return kept;
  };
  const statusOf = (caseNumber: string, kept: BackPaymentAssessmentEntry) => ({
    caseNumber,
    status: kept.status,
    totalFen: kept.assessment.totalFen,
    amountPaidFen: kept.amountPaidFen,
    receiptDate: kept.receiptDate,
  });

  router.get('/back-payment-assessments/:caseNumber', (req, res) => {
    res.json(statusOf(String(req.params.caseNumber), assessmentOf(req)));
  });

  // Art. 26: not paid by its date, the assessment is withdrawn; one paid in full cannot be.
  router.post('/back-payment-assessments/:caseNumber/withdrawal', (req, res) => {
    const kept = assessmentOf(req);
    if (kept.status === 'paid') throw new HttpError(409, 'already_paid', 'the assessment was paid in full');
    kept.status = 'withdrawn';
    res.json(statusOf(String(req.params.caseNumber), kept));
  });

  router.post('/persons/contributions/query', (req, res) => {
    const query = body(personContributionsQuerySchema, req);
    const person = world.findPerson(query.idNumber);
    const records = person ? sim.records(person).paid.filter((r) => inRange(r.month, query)) : [];
    const answer: PersonContributions = { idNumber: query.idNumber, records };
    res.json(answer);
  });

  router.post('/persons/arrears/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const person = world.findPerson(idNumber);
    const answer: PersonArrears = { idNumber, records: person ? sim.records(person).arrears : [] };
    res.json(answer);
  });

  router.post('/persons/employments/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const person = world.findPerson(idNumber);
    const employments: EmploymentSpell[] = (person?.spells ?? []).map((s) => {
      const employer = world.employer(s.employerIndex);
      return {
        employerUscc: employer.uscc,
        employerName: employer.name,
        startDate: s.startDate,
        endDate: s.endDate,
        separationReason: s.separationReason,
      };
    });
    const answer: PersonEmployments = { idNumber, employments };
    res.json(answer);
  });

  // Art. 23: the register's changes, kept once per message ID; a repeat answers as the first did, marked duplicate.
  router.post('/register-messages', (req, res) => {
    const message = body(registerMessageSchema, req);
    if (sim.taxRegisterMessages.has(message.messageId)) {
      const answer: RegisterMessageAnswer = { messageId: message.messageId, duplicate: true };
      res.json(answer);
      return;
    }
    sim.taxRegisterMessages.set(message.messageId, { ...message, receivedAt: nowIso() });
    const answer: RegisterMessageAnswer = { messageId: message.messageId, duplicate: false };
    res.status(201).json(answer);
  });

  return router;
}

/** A register message as tax keeps it (Art. 23). */
export interface RegisterMessageEntry extends RegisterMessage {
  receivedAt: string;
}

/** /admin/tax/register-messages: what the case system passed to tax, in the order received (never faulted). */
export function taxAdminRoutes(sim: Simulator): Router {
  const router = Router();
  router.get('/tax/register-messages', (_req, res) => {
    res.json({ items: [...sim.taxRegisterMessages.values()] });
  });
  return router;
}

function inRange(month: string, range: { from?: string | undefined; to?: string | undefined }): boolean {
  return (range.from === undefined || month >= range.from) && (range.to === undefined || month <= range.to);
}
