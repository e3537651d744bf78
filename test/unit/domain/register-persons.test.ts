import { describe, expect, it } from 'vitest';
import { generateResidentId } from '../../../domain/identity';
import {
  disagreementsWithIdNumber,
  movedOutOn,
  personStatusAfter,
  registrationVerdict,
} from '../../../domain/register/persons';

const open = (registerNumber: string, agencyCode: string) => ({
  id: 1n,
  registerNumber,
  agencyCode,
  hiredOn: '2025-01-01',
});

describe('registrationVerdict (Art. 19, 51)', () => {
  it('tells a new person, a conflict, a termination, a resumption, a move in and a second employment apart (Art. 19, 51)', () => {
    expect(registrationVerdict(null, 'E1', '210100')).toEqual({ kind: 'new' });
    expect(registrationVerdict({ status: 'insured', open: [open('E1', '210100')] }, 'E1', '210100').kind).toBe(
      'conflict',
    );
    expect(registrationVerdict({ status: 'terminated', open: [] }, 'E1', '210100').kind).toBe('terminated');
    expect(registrationVerdict({ status: 'suspended', open: [] }, 'E1', '210100')).toEqual({
      kind: 'known',
      origin: 'resumed',
      ends: [],
    });
    const elsewhere = open('E2', '210200');
    expect(registrationVerdict({ status: 'insured', open: [elsewhere] }, 'E1', '210100')).toEqual({
      kind: 'known',
      origin: 'moved_in',
      ends: [elsewhere],
    });
    expect(registrationVerdict({ status: 'insured', open: [open('E3', '210100')] }, 'E1', '210100')).toEqual({
      kind: 'known',
      origin: 'registration',
      ends: [],
    });
  });

  it('ends a relation left for another agency the day before the new hiring, never before its own (Art. 51)', () => {
    expect(movedOutOn('2025-01-01', '2026-03-01')).toBe('2026-02-28');
    expect(movedOutOn('2026-03-01', '2026-03-01')).toBe('2026-03-01');
  });

  it('keeps a terminated person terminated; else insured while a relation is open (Art. 21, 22)', () => {
    expect(personStatusAfter('terminated', 1)).toBe('terminated');
    expect(personStatusAfter('suspended', 1)).toBe('insured');
    expect(personStatusAfter('insured', 0)).toBe('suspended');
  });

  it('names the sex and birth date that disagree with the GB 11643 number (Art. 19)', () => {
    const id = generateResidentId({ birthDate: '1990-04-05', sex: 'female', sequence: 3 });
    expect(disagreementsWithIdNumber(id, { sex: 'female', birthDate: '1990-04-05' })).toEqual([]);
    expect(disagreementsWithIdNumber(id, { sex: 'male', birthDate: '1990-04-06' }).map((d) => d.path)).toEqual([
      'birthDate',
      'sex',
    ]);
  });
});
