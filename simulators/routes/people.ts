/**
 * The person registries that answer one lookup each: /hukou (Art. 35), /civil (Art. 42, 47), /pension (Art. 42, 47),
 * /injury (Art. 47), /certificates (Art. 50); and /credit (Art. 49) for employers.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Certificates } from '../../integrations/certificates';
import type { DeathRecord, DeathRecords } from '../../integrations/civil';
import type { EmployerCredit } from '../../integrations/credit';
import { identityCheckRequestSchema } from '../../integrations/hukou';
import type { IdentityCheck } from '../../integrations/hukou';
import { employerBasesQuerySchema } from '../../integrations/pension';
import type { EmployerBases, FuneralGrants, PensionReceipt, PensionReceipts } from '../../integrations/pension';
import { batchQuerySchema, personQuerySchema } from '../../integrations/schemas';
import { body, notFound, parse } from '../http';
import type { Simulator } from '../simulator';

export function hukouRoutes(sim: Simulator): Router {
  const router = Router();
  router.post('/identity-checks', (req, res) => {
    const request = body(identityCheckRequestSchema, req);
    const person = sim.world.findPerson(request.idNumber);
    let answer: IdentityCheck;
    if (!person || sim.hukouUnrecorded.has(person.index)) answer = { result: 'not_found' };
    else if ((sim.hukouNames.get(person.index) ?? person.name) !== request.name) answer = { result: 'name_mismatch' };
    else {
      answer = {
        result: 'match',
        hukouDivisionCode: person.hukouDivisionCode,
        registrationStatus: sim.dateOfDeath(person) === null ? 'active' : 'cancelled',
      };
    }
    res.json(answer);
  });
  return router;
}

export function civilRoutes(sim: Simulator): Router {
  const router = Router();
  router.post('/deaths/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const person = sim.world.findPerson(idNumber);
    const dateOfDeath = person ? sim.dateOfDeath(person) : null;
    const answer: DeathRecord = { deceased: dateOfDeath !== null, dateOfDeath };
    res.json(answer);
  });
  // Art. 42: the monthly comparison list (比对查询), one result per person asked.
  router.post('/deaths/batch-query', (req, res) => {
    const { idNumbers } = body(batchQuerySchema, req);
    const answer: DeathRecords = {
      results: [...new Set(idNumbers)].map((idNumber) => {
        const person = sim.world.findPerson(idNumber);
        const dateOfDeath = person ? sim.dateOfDeath(person) : null;
        return { idNumber, deceased: dateOfDeath !== null, dateOfDeath };
      }),
    };
    res.json(answer);
  });
  return router;
}

export function pensionRoutes(sim: Simulator): Router {
  const router = Router();
  // Art. 26: the pension base of each person the employer insured in each month asked (paid or owed alike): the
  // base and headcount a back payment of unemployment insurance is assessed from.
  router.post('/employers/:uscc/bases/query', (req, res) => {
    const employer = sim.world.findEmployer(String(req.params.uscc));
    if (!employer) throw notFound('employer');
    const { months } = body(employerBasesQuerySchema, req);
    const wanted = new Set(months);
    const byMonth = new Map<string, { idNumber: string; baseFen: number }[]>(months.map((m) => [m, []]));
    for (const person of sim.world.staffOf(employer.index)) {
      const { paid, arrears } = sim.records(person);
      for (const r of [...paid, ...arrears]) {
        if (r.employerUscc !== employer.uscc || !wanted.has(r.month)) continue;
        byMonth.get(r.month)!.push({ idNumber: person.idNumber, baseFen: r.contributionBaseFen });
      }
    }
    const answer: EmployerBases = {
      uscc: employer.uscc,
      months: [...byMonth].sort(([a], [b]) => a.localeCompare(b)).map(([month, persons]) => ({ month, persons })),
    };
    res.json(answer);
  });
  router.post('/receipts/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const person = sim.world.findPerson(idNumber);
    const startDate = person ? sim.pensionStartDate(person) : null;
    const answer: PensionReceipt = { receivesPension: startDate !== null, startDate };
    res.json(answer);
  });
  // Art. 42: the monthly comparison list (比对查询), one result per person asked.
  router.post('/receipts/batch-query', (req, res) => {
    const { idNumbers } = body(batchQuerySchema, req);
    const answer: PensionReceipts = {
      results: [...new Set(idNumbers)].map((idNumber) => {
        const person = sim.world.findPerson(idNumber);
        const startDate = person ? sim.pensionStartDate(person) : null;
        return { idNumber, receivesPension: startDate !== null, startDate };
      }),
    };
    res.json(answer);
  });
  router.post('/funeral-grants/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const grant = sim.world.findPerson(idNumber)?.pensionFuneralGrant;
    const answer: FuneralGrants = { grants: grant ? [grant] : [] };
    res.json(answer);
  });
  return router;
}

export function injuryRoutes(sim: Simulator): Router {
  const router = Router();
  router.post('/funeral-grants/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const grant = sim.world.findPerson(idNumber)?.injuryFuneralGrant;
    const answer: FuneralGrants = { grants: grant ? [grant] : [] };
    res.json(answer);
  });
  return router;
}

export function certificateRoutes(sim: Simulator): Router {
  const router = Router();
  router.post('/certificates/query', (req, res) => {
    const { idNumber } = body(personQuerySchema, req);
    const answer: Certificates = { certificates: sim.world.findPerson(idNumber)?.certificates ?? [] };
    res.json(answer);
  });
  return router;
}

export function creditRoutes(sim: Simulator): Router {
  const router = Router();
  router.get('/employers/:uscc', (req, res) => {
    const employer = sim.world.findEmployer(parse(z.object({ uscc: z.string() }), req.params).uscc);
    if (!employer) throw notFound('employer');
    const answer: EmployerCredit = { uscc: employer.uscc, ...employer.credit };
    res.json(answer);
  });
  return router;
}
