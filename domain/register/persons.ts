/**
 * The rules of the register of insured persons (Art. 19-22, 33, 51). Pure: what a registration of a person is (a first
 * registration, a resumption, a move within the province), what the identity document itself says, and the person's
 * status from the relations left open.
 *
 * | situation when an employer registers a person (Art. 19) | verdict |
 * | --- | --- |
 * | not in the register | `registration`: a new person, a new relation |
 * | in the register, an open relation at this employer | conflict (409): one open relation per person and employer |
 * | in the register, terminated (retired, emigrated, dead: Art. 22) | refused: insurance ended for good |
 * | in the register, no open relation | `resumed` (人员恢复参保) |
 * | in the register, open at an employer of another agency | `moved_in` (系统内转入, Art. 51): that relation ends the day before hiring |
 * | in the register, open at another employer of the same agency | `registration`: a second employment, both open |
 */
import { addDays, type IsoDate } from '../calendar';
import { residentIdBirthDate, residentIdSex } from '../identity';
import type { PersonStatus, RelationOrigin, Sex } from './items';

export interface OpenRelation {
  id: bigint;
  registerNumber: string;
  agencyCode: string;
  hiredOn: IsoDate;
}

export type RegistrationVerdict =
  | { kind: 'new' }
  | { kind: 'conflict'; relation: OpenRelation }
  | { kind: 'terminated' }
  | { kind: 'known'; origin: RelationOrigin; ends: OpenRelation[] };

/**
 * Art. 19, 51: the one verdict on a registration of a person at `registerNumber` (of `agencyCode`), from what the
 * register holds of the person.
 */
export function registrationVerdict(
  known: { status: PersonStatus; open: OpenRelation[] } | null,
  registerNumber: string,
  agencyCode: string,
): RegistrationVerdict {
  if (!known) return { kind: 'new' };
  const here = known.open.find((r) => r.registerNumber === registerNumber);
  if (here) return { kind: 'conflict', relation: here };
  if (known.status === 'terminated') return { kind: 'terminated' };
  if (!known.open.length) return { kind: 'known', origin: 'resumed', ends: [] };
  const elsewhere = known.open.filter((r) => r.agencyCode !== agencyCode);
  if (elsewhere.length) return { kind: 'known', origin: 'moved_in', ends: elsewhere };
  return { kind: 'known', origin: 'registration', ends: [] };
}

/**
 * Art. 51: the day a relation left for an employer of another agency ends: the day before the new hiring, never before
 * its own hiring day.
 */
export function movedOutOn(relationHiredOn: IsoDate, newHiredOn: IsoDate): IsoDate {
  const before = addDays(newHiredOn, -1);
  return before < relationHiredOn ? relationHiredOn : before;
}

/** The person's status after a change of relations: 参保 while one is open, else 暂停, unless terminated for good. */
export function personStatusAfter(current: PersonStatus, openRelations: number): PersonStatus {
  if (current === 'terminated') return 'terminated';
  return openRelations > 0 ? 'insured' : 'suspended';
}

/**
 * Art. 19: the declared sex and birth date must be what the GB 11643 number itself says (its 7th-14th digits, its
 * 17th digit). The items that disagree, each with its rule.
 */
export function disagreementsWithIdNumber(
  idNumber: string,
  declared: { sex?: Sex | undefined; birthDate?: IsoDate | undefined },
): { path: 'sex' | 'birthDate'; message: string; rule: string }[] {
  const out: { path: 'sex' | 'birthDate'; message: string; rule: string }[] = [];
  const birthDate = residentIdBirthDate(idNumber);
  const sex = residentIdSex(idNumber);
  if (declared.birthDate !== undefined && birthDate !== null && declared.birthDate !== birthDate) {
    out.push({
      path: 'birthDate',
      message: `出生日期与证件号码所载的出生日期（${birthDate}）不一致`,
      rule: 'differs_from_id_number',
    });
  }
  if (declared.sex !== undefined && sex !== null && declared.sex !== sex) {
    out.push({
      path: 'sex',
      message: `性别与证件号码所载的性别（${sex === 'male' ? '男' : '女'}）不一致`,
      rule: 'differs_from_id_number',
    });
  }
  return out;
}
