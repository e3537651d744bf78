/**
 * /admin: for tests and demonstrations, never for the case system itself. Find persons and employers with given
 * traits, inject faults, change the world over time (back payments, deaths, pensions, re-employment, transfer
 * letters) and read the ledgers of what was sent (bank payments, SMS, medical insurance, registrations, letters).
 */
import { Router } from 'express';
import { z } from 'zod';
import { transferKindSchema, contributionPeriodSchema } from '../../integrations/transfer';
import {
  dateSchema,
  divisionCodeSchema,
  fenSchema,
  idempotencyKeySchema,
  monthSchema,
  personNameSchema,
  residentIdNumberSchema,
  usccSchema,
} from '../../integrations/schemas';
import { fromMonthIndex, toMonthIndex } from '../calendar';
import { faultSpecSchema } from '../faults';
import type { FaultRegistry } from '../faults';
import { HttpError, body, notFound, nowIso, parse } from '../http';
import { TRAITS, accountOutcome } from '../simulator';
import type { LetterRecord, Simulator, Trait } from '../simulator';
import type { EmployerCore, PersonCore } from '../world';
import { isLiaoning } from './transfer';
import { pensionRegisteredAtSeed } from './pension-registration';

const EMPLOYER_TRAITS = [
  'recent_arrears',
  'has_arrears',
  'settled_arrears',
  'good_credit',
  'abnormal',
  'seriously_dishonest',
  'micro',
  'small',
  'medium',
  'large',
  'enterprise',
  'public_institution',
  'social_organization',
  'private_non_enterprise',
  'individual_business',
  'pension_registered',
] as const;
type EmployerTrait = (typeof EMPLOYER_TRAITS)[number];

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  filter: z.string().optional(),
});

/** `eligible,!has_arrears`: every trait must hold, every `!trait` must not. */
function parseFilter<T extends string>(filter: string | undefined, known: readonly T[]) {
  const terms = (filter ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => ({ negate: t.startsWith('!'), trait: t.replace(/^!/, '') }));
  const unknown = terms.filter((t) => !(known as readonly string[]).includes(t.trait)).map((t) => t.trait);
  if (unknown.length > 0) {
    throw new HttpError(400, 'unknown_trait', `unknown trait ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return (traits: readonly string[]) => terms.every((t) => traits.includes(t.trait) !== t.negate);
}

export function adminRoutes(sim: Simulator, faults: FaultRegistry): Router {
  const router = Router();
  const { world } = sim;

  const personOf = (idNumber: string): PersonCore => {
    const person = world.findPerson(idNumber);
    if (!person) throw notFound('person');
    return person;
  };

  const summary = (person: PersonCore, traits: Trait[] = sim.traits(person)) => {
    const separation = sim.lastSeparation(person);
    const last = person.spells[person.spells.length - 1];
    const paidMonths = new Set(sim.records(person).paid.map((r) => r.month)).size;
    return {
      index: person.index,
      idNumber: person.idNumber,
      name: person.name,
      gender: person.gender,
      birthDate: person.birthDate,
      mobile: person.mobile,
      hukouDivisionCode: person.hukouDivisionCode,
      profile: person.profile,
      traits,
      paidMonths,
      lastEmployerUscc: last ? world.employer(last.employerIndex).uscc : null,
      separationDate: separation?.endDate ?? null,
      separationReason: separation?.reason ?? null,
      bankAccount: person.card,
      bankOutcome: accountOutcome(person.card.accountNumber),
      dateOfDeath: sim.dateOfDeath(person),
      pensionStartDate: sim.pensionStartDate(person),
      employment: sim.employmentStatus(person),
    };
  };

  const employerTraits = (e: EmployerCore): EmployerTrait[] => {
    const traits: EmployerTrait[] = [e.size, e.type];
    if (e.arrears.some((b) => b.settledOn === null)) traits.push('has_arrears');
    if (e.arrears.some((b) => b.settledOn === null && b.to >= world.asOfMonth - 1)) traits.push('recent_arrears');
    if (e.arrears.some((b) => b.settledOn !== null)) traits.push('settled_arrears');
    traits.push(e.credit.status === 'good' ? 'good_credit' : e.credit.status);
    // Art. 15: registered with pension insurance (seeded, or pushed by the case system since).
    if (sim.pensionEmployerRegistrations.has(e.uscc) || pensionRegisteredAtSeed(world.seed, e))
      traits.push('pension_registered');
    return traits;
  };

  router.get('/info', (_req, res) => {
    res.json({
      seed: world.seed,
      persons: world.personCount,
      employers: world.employerCount,
      asOf: world.asOf,
      traits: TRAITS,
      employerTraits: EMPLOYER_TRAITS,
    });
  });

  router.post('/reset', (_req, res) => {
    sim.reset();
    faults.clear();
    res.json({ reset: true });
  });

  // Test persons and employers ------------------------------------------------------------------------------------

  router.get('/persons', (req, res) => {
    const query = parse(pageQuery, req.query);
    const accept = parseFilter(query.filter, TRAITS);
    const items = [];
    let index = query.offset;
    for (; index < world.personCount && items.length < query.limit; index++) {
      const person = world.person(index);
      const traits = sim.traits(person);
      if (accept(traits)) items.push(summary(person, traits));
    }
    res.json({ items, nextOffset: index < world.personCount ? index : null, scannedTo: index });
  });

  router.get('/persons/:idNumber', (req, res) => {
    const person = personOf(parse(z.object({ idNumber: z.string() }), req.params).idNumber);
    const records = sim.records(person);
    res.json({
      ...summary(person),
      employments: person.spells.map((s) => ({
        employerUscc: world.employer(s.employerIndex).uscc,
        employerName: world.employer(s.employerIndex).name,
        startDate: s.startDate,
        endDate: s.endDate,
        separationReason: s.separationReason,
      })),
      contributions: records.paid,
      arrears: records.arrears,
      certificates: person.certificates,
      pensionFuneralGrant: person.pensionFuneralGrant,
      injuryFuneralGrant: person.injuryFuneralGrant,
      inboundLetter: sim.inboundLetter(person),
    });
  });

  router.get('/employers', (req, res) => {
    const query = parse(pageQuery, req.query);
    const accept = parseFilter(query.filter, EMPLOYER_TRAITS);
    const items = [];
    let index = query.offset;
    for (; index < world.employerCount && items.length < query.limit; index++) {
      const e = world.employer(index);
      const traits = employerTraits(e);
      if (!accept(traits)) continue;
      items.push({
        index: e.index,
        uscc: e.uscc,
        name: e.name,
        type: e.type,
        size: e.size,
        agencyDivisionCode: e.agencyDivisionCode,
        traits,
        credit: e.credit,
        bankAccount: e.bankAccount,
        bankOutcome: accountOutcome(e.bankAccount.accountNumber),
        arrears: e.arrears.map((b) => ({
          from: fromMonthIndex(b.from),
          to: fromMonthIndex(b.to),
          settledOn: b.settledOn,
        })),
      });
    }
    res.json({ items, nextOffset: index < world.employerCount ? index : null });
  });

  // Faults ----------------------------------------------------------------------------------------------------------

  router.put('/faults', (req, res) => {
    res.status(201).json({ fault: faults.add(body(faultSpecSchema, req)) });
  });
  router.get('/faults', (_req, res) => {
    res.json({ faults: faults.list() });
  });
  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.json({ faults: [] });
  });
  router.delete('/faults/:id', (req, res) => {
    if (!faults.remove(String(req.params.id))) throw notFound('fault');
    res.json({ faults: faults.list() });
  });

  // Changes over time -----------------------------------------------------------------------------------------------

  router.post('/tax/back-payments', (req, res) => {
    const request = body(
      z.object({
        uscc: usccSchema,
        idNumber: residentIdNumberSchema.optional(),
        months: z.array(monthSchema).min(1).optional(),
        receiptDate: dateSchema.optional(),
      }),
      req,
    );
    const employer = world.findEmployer(request.uscc);
    if (!employer) throw notFound('employer');
    const persons = request.idNumber ? [personOf(request.idNumber)] : world.staffOf(employer.index);
    const owed = () =>
      persons.reduce((n, p) => n + sim.records(p).arrears.filter((r) => r.employerUscc === employer.uscc).length, 0);
    const before = owed();
    sim.addBackPayment({
      employerIndex: employer.index,
      personIndex: request.idNumber ? persons[0]!.index : null,
      months: request.months ? new Set(request.months.map(toMonthIndex)) : null,
      receiptDate: request.receiptDate ?? world.asOf,
    });
    res.status(201).json({ uscc: employer.uscc, recordsSettled: before - owed() });
  });

  // Art. 26: tax collects an assessment the agency sent: in full (the months owed become records paid back, with the
  // amounts assessed and the receipt date) or in part (nothing is recorded: the law asks for it all at once).
  router.post('/tax/back-payment-assessments/:caseNumber/payment', (req, res) => {
    const request = body(
      z.object({ amountFen: z.number().int().min(0).optional(), receiptDate: dateSchema.optional() }),
      req,
    );
    const kept = sim.backPaymentAssessments.get(String(req.params.caseNumber));
    if (!kept) throw notFound('assessment');
    if (kept.status === 'withdrawn') throw new HttpError(409, 'withdrawn', 'the assessment was withdrawn');
    if (kept.status === 'paid') throw new HttpError(409, 'already_paid', 'the assessment was paid in full');
    const { assessment } = kept;
    const amountFen = request.amountFen ?? assessment.totalFen;
    const receiptDate = request.receiptDate ?? world.asOf;
    if (amountFen < assessment.totalFen) {
      kept.status = 'partial';
      kept.amountPaidFen = amountFen;
    } else {
      const employer = world.findEmployer(assessment.uscc)!;
      const amounts = new Map<string, number>();
      for (const p of assessment.persons) {
        amounts.set(`${personOf(p.idNumber).index}/${toMonthIndex(p.month)}`, p.amountFen);
      }
      sim.addBackPayment({
        employerIndex: employer.index,
        personIndex: null,
        months: new Set(assessment.months.map((m) => toMonthIndex(m.month))),
        receiptDate,
        amounts,
      });
      kept.status = 'paid';
      kept.amountPaidFen = amountFen;
      kept.receiptDate = receiptDate;
    }
    res.json({ caseNumber: assessment.caseNumber, status: kept.status, amountPaidFen: kept.amountPaidFen });
  });

  router.get('/tax/back-payment-assessments', (_req, res) => {
    res.json({
      items: [...sim.backPaymentAssessments.values()].map((k) => ({
        caseNumber: k.assessment.caseNumber,
        uscc: k.assessment.uscc,
        totalFen: k.assessment.totalFen,
        status: k.status,
        amountPaidFen: k.amountPaidFen,
        receiptDate: k.receiptDate,
        receivedAt: k.receivedAt,
      })),
    });
  });

  // Art. 27: tax accepts an employer's whole-month refund of a month (its staff paid for then, or the persons named).
  router.post('/tax/refund-requests', (req, res) => {
    const request = body(
      z.object({
        uscc: usccSchema,
        month: monthSchema,
        idNumbers: z.array(residentIdNumberSchema).min(1).optional(),
        reason: z.string().max(500).default('单位多缴'),
      }),
      req,
    );
    const employer = world.findEmployer(request.uscc);
    if (!employer) throw notFound('employer');
    const staff = request.idNumbers ? request.idNumbers.map(personOf) : world.staffOf(employer.index);
    const persons = staff.flatMap((p) =>
      sim
        .records(p)
        .paid.filter((r) => r.employerUscc === employer.uscc && r.month === request.month)
        .map((r) => ({ idNumber: p.idNumber, name: p.name, amountPaidFen: r.amountPaidFen })),
    );
    if (!persons.length)
      throw new HttpError(422, 'nothing_paid', 'nobody named was paid for at the employer that month');
    const seq = sim.refundRequests.length + 1;
    const entry = {
      seq,
      requestId: `TF${request.month.replace('-', '')}-${employer.index}-${seq}`,
      uscc: employer.uscc,
      employerName: employer.name,
      month: request.month,
      reason: request.reason,
      receivedAt: nowIso(),
      persons,
      totalFen: persons.reduce((n, p) => n + p.amountPaidFen, 0),
    };
    sim.refundRequests.push(entry);
    res.status(201).json(entry);
  });
  router.get('/tax/refund-requests', (_req, res) => {
    res.json({
      requests: sim.refundRequests.map((r) => ({
        ...r,
        answer: sim.refundAnswers.get(r.requestId) ?? null,
        answerCalls: sim.refundAnswerCalls.get(r.requestId) ?? 0,
      })),
    });
  });

  router.post('/deaths', (req, res) => {
    const request = body(z.object({ idNumber: residentIdNumberSchema, dateOfDeath: dateSchema }), req);
    const person = personOf(request.idNumber);
    sim.deaths.set(person.index, request.dateOfDeath);
    res.status(201).json(summary(person));
  });

  // Art. 20: the person changed their name at the household registration (更名); the identity check answers the new one.
  router.post('/hukou/name-changes', (req, res) => {
    const request = body(z.object({ idNumber: residentIdNumberSchema, name: z.string().min(1).max(64) }), req);
    const person = personOf(request.idNumber);
    sim.hukouNames.set(person.index, request.name);
    res.status(201).json(summary(person));
  });

  // Art. 35, 37: the household register has no record of the person (not yet entered, moved in from elsewhere): the
  // identity check answers not_found, so a claim asks for the identity to be verified with a material.
  router.post('/hukou/unrecorded', (req, res) => {
    const request = body(z.object({ idNumber: residentIdNumberSchema }), req);
    const person = personOf(request.idNumber);
    sim.hukouUnrecorded.add(person.index);
    res.status(201).json(summary(person));
  });

  router.post('/pensions', (req, res) => {
    const request = body(z.object({ idNumber: residentIdNumberSchema, startDate: dateSchema }), req);
    const person = personOf(request.idNumber);
    sim.pensions.set(person.index, request.startDate);
    res.status(201).json(summary(person));
  });

  router.post('/employment', (req, res) => {
    const request = body(
      z.object({
        idNumber: residentIdNumberSchema,
        startDate: dateSchema,
        employerUscc: usccSchema.optional(),
        employerName: z.string().min(1).max(100).optional(),
      }),
      req,
    );
    const person = personOf(request.idNumber);
    const employer = request.employerUscc ? world.findEmployer(request.employerUscc) : undefined;
    if (request.employerUscc && !employer) throw notFound('employer');
    sim.employment.set(person.index, {
      startDate: request.startDate,
      employerName: employer?.name ?? request.employerName ?? null,
      employerUscc: employer?.uscc ?? null,
    });
    res.status(201).json(summary(person));
  });

  router.post('/transfer/letters', (req, res) => {
    const request = body(
      z.object({
        letterId: idempotencyKeySchema.optional(),
        kind: transferKindSchema,
        idNumber: residentIdNumberSchema,
        name: personNameSchema.optional(),
        fromAgencyCode: divisionCodeSchema,
        toAgencyCode: divisionCodeSchema,
        issuedDate: dateSchema.optional(),
        contributionPeriods: z.array(contributionPeriodSchema).min(1),
        benefitMonthsRemaining: z.number().int().min(0).nullable().optional(),
      }),
      req,
    );
    if (isLiaoning(request.fromAgencyCode) || !isLiaoning(request.toAgencyCode)) {
      throw new HttpError(422, 'not_cross_province', 'inbound letters come from another province to Liaoning');
    }
    const person = world.findPerson(request.idNumber);
    const name = request.name ?? person?.name;
    if (!name) throw new HttpError(400, 'invalid_request', 'name: required for a person the simulator does not know');
    const letterId = request.letterId ?? `TLX-${sim.letters.size + 1}`;
    if (sim.findLetter(letterId)) throw new HttpError(409, 'letter_id_conflict', 'letter ID already exists');
    const letter: LetterRecord = {
      letterId,
      direction: 'inbound',
      kind: request.kind,
      idNumber: request.idNumber,
      name,
      fromAgencyCode: request.fromAgencyCode,
      toAgencyCode: request.toAgencyCode,
      issuedDate: request.issuedDate ?? world.asOf,
      contributionPeriods: request.contributionPeriods,
      contributionMonths: request.contributionPeriods.reduce(
        (n, p) => n + toMonthIndex(p.to) - toMonthIndex(p.from) + 1,
        0,
      ),
      benefitMonthsRemaining: request.benefitMonthsRemaining ?? null,
      status: 'sent',
      statusReason: null,
      fundAmountFen: null,
      fundTransferDate: null,
      updatedAt: nowIso(),
    };
    sim.letters.set(letterId, letter);
    res.status(201).json(letter);
  });

  /** The other province acts: accepts or rejects an outbound letter, or sends the funds of an inbound one. */
  router.post('/transfer/letters/:letterId/status', (req, res) => {
    const letter = sim.findLetter(String(req.params.letterId));
    if (!letter) throw notFound('letter');
    const request = body(
      z.object({
        status: z.enum(['accepted', 'rejected', 'funds_transferred']),
        reason: z.string().max(200).optional(),
        amountFen: fenSchema.optional(),
        transferDate: dateSchema.optional(),
      }),
      req,
    );
    const updated: LetterRecord = {
      ...letter,
      status: request.status,
      statusReason: request.reason ?? letter.statusReason,
      ...(request.status === 'funds_transferred'
        ? { fundAmountFen: request.amountFen ?? 0, fundTransferDate: request.transferDate ?? world.asOf }
        : {}),
      updatedAt: nowIso(),
    };
    sim.letters.set(updated.letterId, updated);
    res.json(updated);
  });

  // Ledgers ---------------------------------------------------------------------------------------------------------

  router.get('/bank/ledger', (_req, res) => {
    res.json({ payments: [...sim.bankLedger.values()] });
  });
  router.get('/sms/outbox', (_req, res) => {
    res.json({ messages: [...sim.smsOutbox.values()] });
  });
  router.get('/medical/ledger', (_req, res) => {
    res.json({ beneficiaries: [...sim.medicalBeneficiaries.values()], premiums: [...sim.medicalPremiums.values()] });
  });
  router.get('/employment/registrations', (_req, res) => {
    res.json({ registrations: [...sim.registrations.values()] });
  });
  router.get('/transfer/letters', (_req, res) => {
    res.json({ letters: [...sim.letters.values()] });
  });

  return router;
}
