/**
 * The simulated population: persons and employers generated deterministically from a seed, each lazily from its own
 * random stream, so 100,000 persons cost nothing at start and the same seed always gives the same data.
 *
 * Identifiers are invertible: a person's identity number encodes (through a seeded permutation) the person's index in
 * its birth date and sequence number, an employer's USCC encodes the employer's index in its organisation code, and
 * account numbers encode their holder. A lookup by identifier therefore decodes the index, generates that one record
 * and checks that it gives back the same identifier.
 *
 * Dates are relative to `asOf` (the simulators' "today"), so that recent separations stay recent.
 */
import { residentIdCheckChar, usccCheckChar } from '../domain/identity';
import type { Certificate, CertificateLevel } from '../integrations/certificates';
import type { CreditStatus } from '../integrations/credit';
import type { FuneralGrant } from '../integrations/pension';
import type {
  ArrearsRecord,
  BankAccount,
  ContributionRecord,
  EmployerSize,
  EmployerType,
  SeparationReason,
} from '../integrations/tax';
import { addDays, dayOfMonth, fromDays, fromMonthIndex, monthOf, toDays, toMonthIndex, yearsBetween } from './calendar';
import { Permutation, hashString, streamFor } from './prng';
import type { Rng } from './prng';
import {
  CARD_ISSUERS,
  COMPANY_WORDS,
  CORPORATE_BANKS,
  GIVEN_FEMALE,
  GIVEN_MALE,
  INDUSTRIES,
  LIAONING_CITIES,
  MOBILE_PREFIXES,
  OCCUPATIONS,
  OTHER_DIVISIONS,
  OTHER_PROVINCE_AGENCIES,
  SURNAMES,
} from './vocabulary';

export interface WorldOptions {
  seed: string;
  persons: number;
  /** The simulators' today, 'YYYY-MM-DD'. */
  asOf: string;
}

/** Birth dates of the population and the 3-digit sequence code: the space person indices are permuted into. */
const BIRTH_FROM = '1962-01-01';
const BIRTH_TO = '2004-12-31';
const BIRTH_DAYS = toDays(BIRTH_TO) - toDays(BIRTH_FROM) + 1;
export const MAX_PERSONS = BIRTH_DAYS * 1000;
/** Earliest contribution month kept by the platform (《失业保险条例》 1999). */
const EARLIEST_MONTH = toMonthIndex('1999-01');

/** Contribution bases were lower in the past: 6% less per year back. */
const WAGE_GROWTH = Array.from({ length: 120 }, (_, years) => 0.94 ** years);
const RATE_2015_03 = toMonthIndex('2015-03');
const RATE_2016_05 = toMonthIndex('2016-05');
const LIAONING_CITY_WEIGHTS = LIAONING_CITIES.map((c) => [c, c.weight] as const);
const GIVEN_MALE_CHARS = [...GIVEN_MALE];
const GIVEN_FEMALE_CHARS = [...GIVEN_FEMALE];
const COMPANY_WORD_CHARS = [...COMPANY_WORDS];

/** The simulator's own notion, for finding test persons (mirrors policy/eligibility.json, which decides cases). */
export const INVOLUNTARY_REASONS: ReadonlySet<SeparationReason> = new Set<SeparationReason>([
  'contract_expired',
  'employer_dissolved',
  'employer_terminated',
  'dismissed',
  'employee_terminated_for_employer_fault',
  'mutual_agreement_employer_proposed',
]);

export type Profile = 'claimant' | 'employed' | 'past' | 'retired' | 'never_insured';

export interface ArrearsBlock {
  from: number;
  to: number;
  /** Paid later (补缴, Art. 26) on this date, or still owed. */
  settledOn: string | null;
}

export interface EmployerCore {
  index: number;
  uscc: string;
  name: string;
  type: EmployerType;
  size: EmployerSize;
  agencyDivisionCode: string;
  registeredDate: string;
  bankAccount: BankAccount;
  credit: { status: CreditStatus; listedDate: string | null };
  arrears: ArrearsBlock[];
}

export interface Spell {
  employerIndex: number;
  startMonth: number;
  /** Inclusive; the current month for an ongoing spell. */
  endMonth: number;
  startDate: string;
  endDate: string | null;
  separationReason: SeparationReason | null;
}

export interface InboundLetterSeed {
  letterId: string;
  kind: 'employee' | 'unemployed_person';
  fromAgencyCode: string;
  toAgencyCode: string;
  issuedDate: string;
  contributionPeriods: { from: string; to: string }[];
  contributionMonths: number;
  benefitMonthsRemaining: number | null;
}

export interface PersonCore {
  index: number;
  idNumber: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  mobile: string;
  hukouDivisionCode: string;
  profile: Profile;
  /** Contribution base at `asOf` in yuan; earlier months are scaled down by wage growth. */
  baseYuan: number;
  spells: Spell[];
  dateOfDeath: string | null;
  pensionStartDate: string | null;
  pensionFuneralGrant: FuneralGrant | null;
  injuryFuneralGrant: FuneralGrant | null;
  reemployment: { startDate: string; employerIndex: number | null } | null;
  certificates: Certificate[];
  card: { accountNumber: string; bankName: string };
  inboundLetter: InboundLetterSeed | null;
}

export interface PersonRecords {
  paid: ContributionRecord[];
  arrears: ArrearsRecord[];
}

/** A back payment ordered through the admin API (Art. 26): arrears of an employer turned into paid records. */
export interface BackPayment {
  employerIndex: number;
  personIndex: number | null;
  months: ReadonlySet<number> | null;
  receiptDate: string;
  /**
   * The amounts tax collected per person and month (`personIndex/monthIndex`), when an assessment named them (Art.
   * 26: what the agency assessed is what is paid and recorded); else the world's own amount.
   */
  amounts?: ReadonlyMap<string, number>;
}

/** Bounded memo: keeps the most recently generated records. */
class Memo<V> {
  private readonly map = new Map<number, V>();
  constructor(private readonly max: number) {}
  get(key: number, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
    return value;
  }
}

export class World {
  readonly seed: string;
  readonly personCount: number;
  readonly employerCount: number;
  readonly asOf: string;
  readonly asOfMonth: number;
  private readonly idPermutation: Permutation;
  private readonly orgPermutation: Permutation;
  private readonly cardPermutation: Permutation;
  private readonly corporatePermutation: Permutation;
  private readonly employers: EmployerCore[];
  private readonly arrearsEmployers: number[];
  private readonly persons = new Memo<PersonCore>(50_000);
  private index: WorldIndex | undefined;

  constructor(options: WorldOptions) {
    if (!Number.isInteger(options.persons) || options.persons < 1 || options.persons > MAX_PERSONS) {
      throw new RangeError(`persons must be an integer in 1..${MAX_PERSONS}`);
    }
    this.seed = options.seed;
    this.personCount = options.persons;
    this.asOf = options.asOf;
    this.asOfMonth = toMonthIndex(monthOf(options.asOf));
    this.employerCount = Math.max(40, Math.ceil(options.persons / 25));
    this.idPermutation = new Permutation(`${this.seed}/id`, MAX_PERSONS);
    this.orgPermutation = new Permutation(`${this.seed}/org`, 100_000_000);
    this.cardPermutation = new Permutation(`${this.seed}/card`, 1_000_000_000_000);
    this.corporatePermutation = new Permutation(`${this.seed}/corporate`, 1_000_000_000_000);
    this.employers = Array.from({ length: this.employerCount }, (_, i) => this.makeEmployer(i));
    this.arrearsEmployers = this.employers
      .filter((e) => e.arrears.some((block) => block.settledOn === null && block.to >= this.asOfMonth - 1))
      .map((e) => e.index);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lookups

  person(index: number): PersonCore {
    return this.persons.get(index, () => this.makePerson(index));
  }

  employer(index: number): EmployerCore {
    return this.employers[index]!;
  }

  allEmployers(): readonly EmployerCore[] {
    return this.employers;
  }

  findPerson(idNumber: string): PersonCore | undefined {
    if (!/^\d{17}[\dX]$/.test(idNumber)) return undefined;
    const days = toDays(`${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`);
    const offset = days - toDays(BIRTH_FROM);
    if (!Number.isInteger(offset) || offset < 0 || offset >= BIRTH_DAYS) return undefined;
    const index = this.idPermutation.inverse(offset * 1000 + Number(idNumber.slice(14, 17)));
    if (index >= this.personCount) return undefined;
    const person = this.person(index);
    return person.idNumber === idNumber ? person : undefined;
  }

  findEmployer(uscc: string): EmployerCore | undefined {
    if (!/^[0-9A-Z]{18}$/.test(uscc)) return undefined;
    const body = uscc.slice(8, 16);
    if (!/^\d{8}$/.test(body)) return undefined;
    const index = this.orgPermutation.inverse(Number(body));
    const employer = index < this.employerCount ? this.employers[index] : undefined;
    return employer?.uscc === uscc ? employer : undefined;
  }

  /** The holder the simulated bank knows for an account it issued, if any. */
  accountHolder(account: string): string | undefined {
    if (/^\d{19}$/.test(account)) {
      const index = this.cardPermutation.inverse(Number(account.slice(6, 18)));
      if (index < this.personCount) {
        const person = this.person(index);
        if (person.card.accountNumber === account) return person.name;
      }
    }
    if (/^\d{16}$/.test(account)) {
      const index = this.corporatePermutation.inverse(Number(account.slice(4)));
      const employer = index < this.employerCount ? this.employers[index] : undefined;
      if (employer?.bankAccount.accountNumber === account) return employer.bankAccount.accountName;
    }
    return undefined;
  }

  /** Employers with arrears up to last month: claimants' last employer is sometimes one of them (Art. 41). */
  get employersWithRecentArrears(): readonly number[] {
    return this.arrearsEmployers;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Contribution records (Art. 24, 25), arrears (Art. 41) and back payments (Art. 26)

  records(person: PersonCore, backPayments: readonly BackPayment[] = []): PersonRecords {
    const rng = streamFor(this.seed, 'contributions', person.index);
    const paid: ContributionRecord[] = [];
    const arrears: ArrearsRecord[] = [];
    // One record per person, employer and month (Art. 25): two spells at the same employer that overlap pay once.
    const kept = new Set<string>();
    for (const spell of person.spells) {
      const employer = this.employers[spell.employerIndex]!;
      for (let month = spell.startMonth; month <= spell.endMonth; month++) {
        const receiptDay = rng.int(8, 25);
        if (kept.has(`${employer.index}/${month}`)) continue;
        kept.add(`${employer.index}/${month}`);
        const contributionBaseFen = this.baseFen(person, month);
        const amountFen = Math.round(contributionBaseFen * contributionRate(month));
        let block: ArrearsBlock | undefined;
        for (const b of employer.arrears) if (month >= b.from && month <= b.to) block = b;
        let receiptDate: string;
        let backPayment = false;
        if (block) {
          // A month the employer did not pay when due: owed (Art. 41) until paid back (Art. 26).
          const bp =
            block.settledOn === null
              ? backPayments.find(
                  (b) =>
                    b.employerIndex === employer.index &&
                    (b.personIndex === null || b.personIndex === person.index) &&
                    (b.months === null || b.months.has(month)),
                )
              : undefined;
          const paidOn = block.settledOn ?? bp?.receiptDate;
          if (paidOn === undefined) {
            arrears.push({
              employerUscc: employer.uscc,
              employerName: employer.name,
              month: fromMonthIndex(month),
              contributionBaseFen,
              amountDueFen: amountFen,
            });
            continue;
          }
          receiptDate = paidOn;
          backPayment = true;
        } else {
          receiptDate = dayOfMonth(month + 1, receiptDay);
          if (receiptDate > this.asOf) continue; // not yet received: neither paid nor owed
        }
        paid.push({
          employerUscc: employer.uscc,
          employerName: employer.name,
          month: fromMonthIndex(month),
          contributionBaseFen,
          amountPaidFen:
            (backPayment ? collected(backPayments, employer.index, person.index, month) : undefined) ?? amountFen,
          receiptDate,
          backPayment,
        });
      }
    }
    const order = (a: { month: string; employerUscc: string }, b: { month: string; employerUscc: string }) =>
      a.month < b.month ? -1 : a.month > b.month ? 1 : a.employerUscc < b.employerUscc ? -1 : 1;
    paid.sort(order);
    arrears.sort(order);
    return { paid, arrears };
  }

  private baseFen(person: PersonCore, month: number): number {
    const yearsBefore = Math.max(0, Math.floor((this.asOfMonth - month) / 12));
    const yuan = Math.max(800, Math.round((person.baseYuan * (WAGE_GROWTH[yearsBefore] ?? 0)) / 10) * 10);
    return yuan * 100;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The index: employer → staff and the inbound transfer letters, built on first use by one pass over all persons.

  indexes(): WorldIndex {
    if (!this.index) {
      const staff = new Map<number, number[]>();
      const inbound: number[] = [];
      for (let i = 0; i < this.personCount; i++) {
        const person = this.person(i);
        let last = -1;
        for (const spell of person.spells) {
          if (spell.employerIndex === last) continue;
          last = spell.employerIndex;
          const list = staff.get(spell.employerIndex);
          if (list === undefined) staff.set(spell.employerIndex, [i]);
          else if (list[list.length - 1] !== i) list.push(i);
        }
        if (person.inboundLetter) inbound.push(i);
      }
      this.index = { staff, inbound };
    }
    return this.index;
  }

  staffOf(employerIndex: number): PersonCore[] {
    return (this.indexes().staff.get(employerIndex) ?? []).map((i) => this.person(i));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Generation

  private makeEmployer(index: number): EmployerCore {
    const rng = streamFor(this.seed, 'employer', index);
    const city = rng.weighted(LIAONING_CITY_WEIGHTS);
    const type = rng.weighted<EmployerType>([
      ['enterprise', 84],
      ['public_institution', 6],
      ['social_organization', 3],
      ['private_non_enterprise', 4],
      ['individual_business', 3],
    ]);
    const size =
      type === 'individual_business'
        ? 'micro'
        : rng.weighted<EmployerSize>([
            ['micro', 38],
            ['small', 35],
            ['medium', 19],
            ['large', 8],
          ]);
    const words = () => rng.pick(COMPANY_WORD_CHARS) + rng.pick(COMPANY_WORD_CHARS);
    const name = employerName(type, size, city.name, words(), rng);
    const typeCode: Record<EmployerType, string> = {
      enterprise: '91',
      individual_business: '92',
      public_institution: '12',
      social_organization: '51',
      private_non_enterprise: '52',
    };
    const orgBody = String(this.orgPermutation.forward(index)).padStart(8, '0');
    const first17 = typeCode[type] + city.code + orgBody + organisationCheckChar(orgBody);
    const uscc = first17 + usccCheckChar(first17);
    const bank = rng.pick(CORPORATE_BANKS);
    const accountNumber = bank.prefix + String(this.corporatePermutation.forward(index)).padStart(12, '0');
    const credit = rng.weighted<CreditStatus>([
      ['good', 92],
      ['abnormal', 5],
      ['seriously_dishonest', 3],
    ]);
    const arrears: ArrearsBlock[] = [];
    if (rng.chance(0.08)) {
      const months = rng.int(2, 8);
      arrears.push({ from: this.asOfMonth - months, to: this.asOfMonth - 1, settledOn: null });
    }
    if (rng.chance(0.06)) {
      const from = this.asOfMonth - rng.int(24, 96);
      const to = from + rng.int(1, 5);
      const settled = rng.chance(0.5);
      const settledMonth = to + rng.int(3, 18);
      arrears.unshift({
        from,
        to,
        settledOn: settled && settledMonth < this.asOfMonth ? dayOfMonth(settledMonth, rng.int(1, 28)) : null,
      });
    }
    return {
      index,
      uscc,
      name,
      type,
      size,
      agencyDivisionCode: city.code,
      registeredDate: fromDays(toDays('1985-01-01') + rng.int(0, 365 * 27)),
      bankAccount: { bankName: bank.bankName, accountName: name, accountNumber },
      credit: {
        status: credit,
        listedDate: credit === 'good' ? null : addDays(this.asOf, -rng.int(30, 1000)),
      },
      arrears,
    };
  }

  private makePerson(index: number): PersonCore {
    const rng = streamFor(this.seed, 'person', index);
    const asOf = this.asOf;
    const slot = this.idPermutation.forward(index);
    const birthDate = fromDays(toDays(BIRTH_FROM) + Math.floor(slot / 1000));
    const sequence = slot % 1000;
    const gender = sequence % 2 === 1 ? 'male' : 'female';
    const outside = rng.chance(0.07);
    const hukouDivisionCode = outside ? rng.pick(OTHER_DIVISIONS).code : rng.weighted(LIAONING_CITY_WEIGHTS).code;
    const first17 = hukouDivisionCode + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
    const idNumber = first17 + residentIdCheckChar(first17);
    const given = gender === 'male' ? GIVEN_MALE_CHARS : GIVEN_FEMALE_CHARS;
    const name = rng.weighted(SURNAMES) + (rng.chance(0.72) ? rng.pick(given) + rng.pick(given) : rng.pick(given));
    const mobile = rng.pick(MOBILE_PREFIXES) + rng.digits(8);
    const issuer = rng.pick(CARD_ISSUERS);
    const cardBody = issuer.bin + String(this.cardPermutation.forward(index)).padStart(12, '0');
    const card = { accountNumber: cardBody + luhnCheckDigit(cardBody), bankName: issuer.bankName };
    const band = rng.weighted<readonly [number, number]>([
      [[3_600, 5_500], 50],
      [[5_500, 9_000], 35],
      [[9_000, 20_000], 15],
    ]);
    const baseYuan = Math.round(rng.int(band[0], band[1]) / 10) * 10;

    const age = yearsBetween(birthDate, asOf);
    const retirementAge = gender === 'male' ? 60 : rng.chance(0.6) ? 50 : 55;
    // Pension from the month after the birthday of the retirement age.
    const retirementMonth = toMonthIndex(`${Number(birthDate.slice(0, 4)) + retirementAge}-${birthDate.slice(5, 7)}`);
    const retirementDate = dayOfMonth(retirementMonth + 1, 1);
    let profile: Profile;
    if (age < 18) profile = 'never_insured';
    else if (retirementDate <= asOf && rng.chance(0.85)) profile = 'retired';
    else {
      profile = rng.weighted<Profile>([
        ['claimant', 45],
        ['employed', 33],
        ['past', 14],
        ['never_insured', 3],
      ]);
    }

    // The end of the last spell: recent for claimants, further back for past separations.
    let lastEnd: string | null = null;
    if (profile === 'claimant') lastEnd = addDays(asOf, -rng.int(1, 120));
    else if (profile === 'past') lastEnd = addDays(asOf, -rng.int(121, 1500));
    else if (profile === 'retired') lastEnd = addDays(retirementDate, -1);
    const adulthood = toMonthIndex(monthOf(addDays(birthDate, 18 * 366)));
    const earliest = Math.max(EARLIEST_MONTH, adulthood);
    const endMonth = lastEnd === null ? this.asOfMonth : toMonthIndex(monthOf(lastEnd));

    const spells: Spell[] = [];
    if (profile !== 'never_insured' && endMonth >= earliest) {
      const target = rng.weighted<[number, number]>([
        [[1, 11], 18],
        [[12, 59], 35],
        [[60, 119], 22],
        [[120, 360], 25],
      ]);
      let remaining = rng.int(target[0], target[1]);
      const overlaps = rng.chance(0.05);
      let cursor = endMonth;
      while (remaining > 0 && cursor >= earliest) {
        const length = remaining <= 12 ? remaining : Math.min(remaining, rng.int(6, 96));
        const start = Math.max(earliest, cursor - length + 1);
        spells.unshift({
          employerIndex: rng.int(0, this.employerCount - 1),
          startMonth: start,
          endMonth: cursor,
          startDate: dayOfMonth(start, rng.int(1, 28)),
          endDate: dayOfMonth(cursor, rng.int(1, 28)),
          separationReason: rng.weighted<SeparationReason>([
            ['voluntary_resignation', 40],
            ['contract_expired', 25],
            ['mutual_agreement_employer_proposed', 10],
            ['employer_terminated', 10],
            ['dismissed', 5],
            ['employer_dissolved', 6],
            ['employee_terminated_for_employer_fault', 2],
            ['other', 2],
          ]),
        });
        remaining -= cursor - start + 1;
        // The earlier job may overlap the later one by a month or three (Art. 32: the same month at two employers).
        if (overlaps && spells.length === 1 && start - 1 > earliest) cursor = start + rng.int(0, 2);
        else cursor = start - 1 - (rng.chance(0.45) ? 0 : rng.int(1, 18));
      }
      const last = spells[spells.length - 1]!;
      if (lastEnd === null) {
        last.endDate = null;
        last.separationReason = null;
      } else {
        last.endDate = lastEnd;
        if (last.startDate > lastEnd) last.startDate = dayOfMonth(last.startMonth, 1);
        last.separationReason =
          profile === 'retired'
            ? null
            : rng.weighted<SeparationReason>([
                ['contract_expired', 30],
                ['mutual_agreement_employer_proposed', 15],
                ['employer_terminated', 15],
                ['employer_dissolved', 12],
                ['dismissed', 5],
                ['employee_terminated_for_employer_fault', 5],
                ['voluntary_resignation', 15],
                ['other', 3],
              ]);
        // Some claimants were laid off by an employer that still owes contributions (Art. 41).
        if (profile === 'claimant' && this.arrearsEmployers.length > 0 && rng.chance(0.1)) {
          last.employerIndex = rng.pick(this.arrearsEmployers);
        }
      }
    }
    const separation = spells.length > 0 ? (spells[spells.length - 1]!.endDate ?? null) : null;

    // Events after the separation: re-employment (Art. 42), pension (Art. 42), death (Art. 47).
    let reemployment: PersonCore['reemployment'] = null;
    let pensionStartDate: string | null = profile === 'retired' ? retirementDate : null;
    let dateOfDeath: string | null = null;
    if (separation !== null && profile !== 'retired') {
      const reemployed = profile === 'claimant' ? rng.chance(0.12) : profile === 'past' && rng.chance(0.55);
      const date = addDays(separation, rng.int(10, profile === 'claimant' ? 100 : 400));
      if (reemployed && date <= asOf) {
        const atKnownEmployer = rng.chance(0.6);
        const employerIndex = atKnownEmployer ? rng.int(0, this.employerCount - 1) : null;
        reemployment = { startDate: date, employerIndex };
        const month = toMonthIndex(monthOf(date));
        if (employerIndex !== null && month > spells[spells.length - 1]!.endMonth) {
          spells.push({
            employerIndex,
            startMonth: month,
            endMonth: this.asOfMonth,
            startDate: date,
            endDate: null,
            separationReason: null,
          });
        }
      }
      const pensionDate = addDays(separation, rng.int(15, 90));
      if (profile === 'claimant' && age >= 45 && rng.chance(0.08) && pensionDate <= asOf) {
        pensionStartDate = pensionDate;
      }
      const deathDate = addDays(separation, rng.int(20, 100));
      if (profile === 'claimant' && rng.chance(0.03) && deathDate <= asOf) dateOfDeath = deathDate;
    }
    if (dateOfDeath === null && rng.chance(0.004)) dateOfDeath = addDays(asOf, -rng.int(1, 700));
    if (dateOfDeath !== null && dateOfDeath <= birthDate) dateOfDeath = null;
    if (dateOfDeath !== null) {
      // Nobody keeps contributing after death: an ongoing job ends on the date of death (Art. 22 终止参保).
      const deathMonth = toMonthIndex(monthOf(dateOfDeath));
      for (let s = spells.length - 1; s >= 0; s--) {
        const spell = spells[s]!;
        if (spell.startDate > dateOfDeath) spells.splice(s, 1);
        else if (spell.endDate === null || spell.endDate > dateOfDeath) {
          spell.endMonth = Math.min(spell.endMonth, deathMonth);
          spell.endDate = dateOfDeath;
          spell.separationReason = null;
        }
      }
    }

    const grant = (death: string): FuneralGrant => {
      const grantDate = addDays(death, rng.int(10, 60));
      return {
        grantDate: grantDate > asOf ? asOf : grantDate,
        funeralGrantFen: rng.int(50, 200) * 10_000,
        survivorPensionFen: rng.int(100, 600) * 10_000,
      };
    };
    const pensionFuneralGrant = dateOfDeath !== null && rng.chance(0.25) ? grant(dateOfDeath) : null;
    const injuryFuneralGrant = dateOfDeath !== null && rng.chance(0.08) ? grant(dateOfDeath) : null;

    const certificates: Certificate[] = [];
    if (profile !== 'never_insured' && rng.chance(0.1)) {
      const count = rng.chance(0.8) ? 1 : 2;
      for (let c = 0; c < count; c++) {
        const level = rng.weighted<CertificateLevel>([
          ['junior', 45],
          ['intermediate', 40],
          ['senior', 15],
        ]);
        const issueDate = addDays(asOf, -rng.int(5, 1500));
        const levelDigit = { junior: '5', intermediate: '4', senior: '3' }[level];
        certificates.push({
          certificateNumber: `${issueDate.slice(0, 4)}${levelDigit}${hukouDivisionCode.slice(0, 4)}00${rng.digits(7)}`,
          occupationName: rng.pick(OCCUPATIONS),
          level,
          issueDate,
        });
      }
    }

    let inboundLetter: InboundLetterSeed | null = null;
    if ((profile === 'claimant' || profile === 'employed') && spells.length > 0 && rng.chance(0.025)) {
      const firstStart = spells[0]!.startMonth;
      const to = firstStart - 1 - rng.int(0, 3);
      const from = to - rng.int(11, 60);
      if (from >= earliest) {
        const lastEmployer = this.employers[spells[spells.length - 1]!.employerIndex]!;
        const kind = profile === 'claimant' ? 'unemployed_person' : 'employee';
        inboundLetter = {
          letterId: `TLI-${hashString(this.seed).toString(36)}-${index}`,
          kind,
          fromAgencyCode: rng.pick(OTHER_PROVINCE_AGENCIES),
          toAgencyCode: lastEmployer.agencyDivisionCode,
          issuedDate: addDays(asOf, -rng.int(0, 20)),
          contributionPeriods: [{ from: fromMonthIndex(from), to: fromMonthIndex(to) }],
          contributionMonths: to - from + 1,
          benefitMonthsRemaining: kind === 'unemployed_person' ? rng.int(1, 12) : null,
        };
      }
    }

    return {
      index,
      idNumber,
      name,
      gender,
      birthDate,
      mobile,
      hukouDivisionCode,
      profile,
      baseYuan,
      spells,
      dateOfDeath,
      pensionStartDate,
      pensionFuneralGrant,
      injuryFuneralGrant,
      reemployment,
      certificates,
      card,
      inboundLetter,
    };
  }
}

export interface WorldIndex {
  staff: Map<number, number[]>;
  inbound: number[];
}

/** The amount an assessment's back payment collected for the person's month, if one named it (Art. 26). */
function collected(
  backPayments: readonly BackPayment[],
  employerIndex: number,
  personIndex: number,
  month: number,
): number | undefined {
  for (const b of backPayments) {
    if (b.employerIndex !== employerIndex || !b.amounts) continue;
    const amount = b.amounts.get(`${personIndex}/${month}`);
    if (amount !== undefined) return amount;
  }
  return undefined;
}

/** Combined employer and personal share of the contribution (plausible, not policy: the rates fell over time). */
function contributionRate(month: number): number {
  if (month < RATE_2015_03) return 0.03;
  if (month < RATE_2016_05) return 0.02;
  return 0.01;
}

function employerName(type: EmployerType, size: EmployerSize, city: string, words: string, rng: Rng): string {
  switch (type) {
    case 'enterprise':
      return `${city}${words}${rng.pick(INDUSTRIES)}${size === 'large' ? '股份' : ''}有限公司`;
    case 'public_institution':
      return `${city}市${rng.pick(['第一', '第二', '第三', '第五', '中心', '人民'])}${rng.pick(['医院', '中学', '小学', '幼儿园', '图书馆', '职业技术学校'])}`;
    case 'social_organization':
      return `${city}市${rng.pick(INDUSTRIES)}协会`;
    case 'private_non_enterprise':
      return `${city}${words}${rng.pick(['职业培训学校', '养老院', '康复中心'])}`;
    case 'individual_business':
      return `${city}市${words}${rng.pick(['饭店', '超市', '汽车修理部', '理发店', '便利店'])}`;
  }
}

/** GB 11714 check character of an 8-digit organisation code. */
function organisationCheckChar(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * weights[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Luhn check digit of a card number body. */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(number: string): boolean {
  return luhnCheckDigit(number.slice(0, -1)) === number.slice(-1);
}
