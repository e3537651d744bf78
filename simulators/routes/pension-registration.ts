/**
 * /pension: the pension registration of employers (Art. 15: unemployment-insurance registration is coordinated with
 * it). Seeded from the world's employers: most are registered there since their founding (`pensionRegisteredAtSeed`),
 * some not yet (new employers that register with unemployment insurance first). What the case system pushes is kept
 * in `sim.pensionEmployerRegistrations`, shown by the admin API, and cleared by `POST /admin/reset`. Faultable like
 * every source (the fault middleware sees these routes as any other).
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  pensionEmployerUpdateRequestSchema,
  pensionEmployerRegistrationRequestSchema,
  type PensionEmployerUpdateRequest,
  type PensionEmployerRegistration,
  type PensionEmployerRegistrationAnswer,
} from '../../integrations/pension-registration';
import { body, HttpError, notFound, nowIso, parse } from '../http';
import { hashString, mix } from '../prng';
import type { Simulator } from '../simulator';
import type { EmployerCore } from '../world';

/** A registration the case system pushed (Art. 15), as the pension side keeps it. */
export interface PensionEmployerEntry extends PensionEmployerRegistration {
  name: string;
  unemploymentRegisterNumber: string;
  receivedAt: string;
}

/** A change or deregistration the case system told (Art. 15), as the pension side keeps it. */
export interface PensionEmployerUpdateEntry extends PensionEmployerUpdateRequest {
  receivedAt: string;
}

/** About 1 in 6 seeded employers is not registered with pension insurance yet (a share for scenarios, not a fact). */
export function pensionRegisteredAtSeed(seed: string, employer: EmployerCore): boolean {
  return mix(hashString(`${seed}\u0000pension-registration`), employer.index) % 6 !== 0;
}

const unitNumberOf = (e: Pick<EmployerCore, 'agencyDivisionCode' | 'uscc'>) =>
  `YL${e.agencyDivisionCode}${e.uscc.slice(8, 16)}`;

function seededRegistration(sim: Simulator, uscc: string): PensionEmployerRegistration | null {
  const employer = sim.world.findEmployer(uscc);
  if (!employer || !pensionRegisteredAtSeed(sim.world.seed, employer)) return null;
  return {
    uscc,
    unitNumber: unitNumberOf(employer),
    agencyDivisionCode: employer.agencyDivisionCode,
    registeredDate: employer.registeredDate,
  };
}

export function pensionRegistrationRoutes(sim: Simulator): Router {
  const router = Router();
  const registrationOf = (uscc: string): PensionEmployerRegistration | null => {
    const pushed = sim.pensionEmployerRegistrations.get(uscc);
    if (pushed) {
      const { uscc: u, unitNumber, agencyDivisionCode, registeredDate } = pushed;
      return { uscc: u, unitNumber, agencyDivisionCode, registeredDate };
    }
    return seededRegistration(sim, uscc);
  };

  router.get('/employers/:uscc/registration', (req, res) => {
    const { uscc } = parse(z.object({ uscc: z.string() }), req.params);
    const found = registrationOf(uscc);
    if (!found) throw notFound('pension registration');
    res.json(found);
  });

  router.post('/employer-registrations', (req, res) => {
    const request = body(pensionEmployerRegistrationRequestSchema, req);
    const existing = registrationOf(request.uscc);
    if (existing) {
      if (existing.agencyDivisionCode !== request.agencyDivisionCode) {
        throw new HttpError(409, 'registered_elsewhere', 'the employer is registered with another agency');
      }
      const answer: PensionEmployerRegistrationAnswer = { ...existing, duplicate: true };
      res.json(answer);
      return;
    }
    const entry: PensionEmployerEntry = {
      uscc: request.uscc,
      unitNumber: unitNumberOf({ agencyDivisionCode: request.agencyDivisionCode, uscc: request.uscc }),
      agencyDivisionCode: request.agencyDivisionCode,
      registeredDate: request.registeredDate,
      name: request.name,
      unemploymentRegisterNumber: request.unemploymentRegisterNumber,
      receivedAt: nowIso(),
    };
    sim.pensionEmployerRegistrations.set(request.uscc, entry);
    const { uscc, unitNumber, agencyDivisionCode, registeredDate } = entry;
    const answer: PensionEmployerRegistrationAnswer = {
      uscc,
      unitNumber,
      agencyDivisionCode,
      registeredDate,
      duplicate: false,
    };
    res.status(201).json(answer);
  });

  router.post('/employer-updates', (req, res) => {
    const request = body(pensionEmployerUpdateRequestSchema, req);
    if (sim.pensionEmployerUpdates.has(request.noticeId)) {
      res.json({ noticeId: request.noticeId, duplicate: true });
      return;
    }
    const known = registrationOf(request.uscc);
    if (!known) throw new HttpError(409, 'not_registered', 'the employer is not registered with pension insurance');
    sim.pensionEmployerUpdates.set(request.noticeId, { ...request, receivedAt: nowIso() });
    // The registration answers under the new USCC as well.
    if (request.newUscc && request.newUscc !== request.uscc) {
      const pushed = sim.pensionEmployerRegistrations.get(request.uscc);
      sim.pensionEmployerRegistrations.set(request.newUscc, {
        ...(pushed ?? { ...known, name: request.name, unemploymentRegisterNumber: '', receivedAt: nowIso() }),
        uscc: request.newUscc,
        name: request.name,
      });
    }
    res.status(201).json({ noticeId: request.noticeId, duplicate: false });
  });

  return router;
}

/** /admin/pension/employer-registrations: what the case system pushed (never faulted). */
export function pensionRegistrationAdminRoutes(sim: Simulator): Router {
  const router = Router();
  router.get('/pension/employer-registrations', (_req, res) => {
    res.json({
      registrations: [...sim.pensionEmployerRegistrations.values()],
      updates: [...sim.pensionEmployerUpdates.values()],
    });
  });
  return router;
}
