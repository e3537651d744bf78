/**
 * The simulators' state: the generated world, the changes tests make over time through the admin API (back
 * payments, deaths, pensions, re-employment), and the ledgers of what the case system sent (bank payments, SMS,
 * medical enrolments and premiums, unemployment registrations, transfer letters).
 */
import type { MarketChange } from '../integrations/credit';
import type { BackPaymentAssessment } from '../integrations/tax';
import type { PensionEmployerEntry, PensionEmployerUpdateEntry } from './routes/pension-registration';
import type { RegisterMessageEntry } from './routes/tax';
import type { PaymentPurpose, PaymentResult } from '../integrations/bank';
import type { Beneficiary } from '../integrations/medical';
import type { TransferLetter } from '../integrations/transfer';
import { addDays, toDays } from './calendar';
import { hashString } from './prng';
import { INVOLUNTARY_REASONS, World, isLuhnValid } from './world';
import type { BackPayment, PersonCore, PersonRecords } from './world';
import type { ContributionRecord, RefundAnswerReceipt, RefundRequest } from '../integrations/tax';

/**
 * The feed's sequence numbers (Art. 23, 24): the records the platform held at start come person by person, each
 * person's records in order, numbered `index × FEED_STRIDE + position + 1`; what changes later (back payments) is
 * appended after all of them, numbered from `persons × FEED_STRIDE + 1`.
 */
export const FEED_STRIDE = 10_000;

export interface ContributionChangeEntry {
  seq: number;
  idNumber: string;
  record: ContributionRecord;
}

export interface SimulatorOptions {
  seed: string;
  persons: number;
  asOf: string;
}

export interface BankLedgerEntry {
  paymentId: string;
  firstBatchId: string;
  batchIds: string[];
  payeeAccount: string;
  payeeName: string;
  amountFen: number;
  purpose: PaymentPurpose;
  result: PaymentResult;
  processedAt: string;
  /** How many times the payment ID was received; paid at most once. */
  timesReceived: number;
}

export interface SmsEntry {
  messageId: string;
  mobile: string;
  text: string;
  status: 'accepted' | 'delivered' | 'undeliverable';
  acceptedAt: string;
  timesReceived: number;
}

export interface MedicalEnrolment extends Omit<Beneficiary, 'duplicate'> {
  name: string;
  expectedEndDate: string | null;
}

export interface PremiumEntry {
  paymentId: string;
  idNumber: string;
  month: string;
  amountFen: number;
  agencyDivisionCode: string;
  receivedAt: string;
  timesReceived: number;
}

export interface RegistrationEntry {
  requestId: string;
  registrationNumber: string;
  idNumber: string;
  name: string;
  agencyDivisionCode: string;
  benefitStartDate: string;
  benefitEndDate: string;
  receivedAt: string;
  timesReceived: number;
}

export type LetterRecord = Omit<TransferLetter, 'duplicate'>;

export interface EmploymentOverride {
  startDate: string;
  employerName: string | null;
  employerUscc: string | null;
}

export const TRAITS = [
  'eligible',
  'separated',
  'employed',
  'never_insured',
  'short_history',
  'long_history',
  'overlapping_months',
  'contribution_gaps',
  'has_arrears',
  'back_payments',
  'involuntary_separation',
  'voluntary_separation',
  'deceased',
  'pensioner',
  'reemployed',
  'funeral_grant_paid',
  'has_certificates',
  'transfer_in',
  'hukou_outside_liaoning',
  'bank_paid',
  'bank_invalid_account',
  'bank_frozen_card',
  'bank_account_closed',
  'male',
  'female',
] as const;
export type Trait = (typeof TRAITS)[number];

/**
 * What the simulated bank answers for an account, before the holder's name is checked: derived from the account
 * number alone, so a test can pick an account that fails. A card number (starting 62) failing the Luhn check is
 * invalid; otherwise a hash bucket decides: 1.5% invalid_account, 2% frozen_card, 1% account_closed, else paid.
 */
export function accountOutcome(account: string): Exclude<PaymentResult, 'name_mismatch' | 'payment_id_conflict'> {
  if (/^62\d{14,17}$/.test(account) && !isLuhnValid(account)) return 'invalid_account';
  const bucket = hashString(`bank-account:${account}`) % 1000;
  if (bucket < 15) return 'invalid_account';
  if (bucket < 35) return 'frozen_card';
  if (bucket < 45) return 'account_closed';
  return 'paid';
}

/** SMS delivery derived from the number: about 1% undeliverable. */
export function smsDelivery(mobile: string): 'delivered' | 'undeliverable' {
  return hashString(`sms:${mobile}`) % 100 === 0 ? 'undeliverable' : 'delivered';
}

/** An assessment as tax keeps it (Art. 26): the body sent, its fingerprint, and what was paid when. */
export interface BackPaymentAssessmentEntry {
  assessment: BackPaymentAssessment;
  fingerprint: string;
  status: 'assessed' | 'partial' | 'paid' | 'withdrawn';
  amountPaidFen: number;
  receiptDate: string | null;
  receivedAt: string;
}

export class Simulator {
  readonly world: World;
  readonly deaths = new Map<number, string>();
  readonly pensions = new Map<number, string>();
  /** Names changed at the household registration since the seed (更名, Art. 20), by person index. */
  readonly hukouNames = new Map<number, string>();
  /** Persons the household register has no record of (an identity check answers not_found, Art. 35, 37). */
  readonly hukouUnrecorded = new Set<number>();
  readonly employment = new Map<number, EmploymentOverride>();
  private readonly backPayments: BackPayment[] = [];
  /** Records memoised per person; the version changes whenever a back payment changes what they hold. */
  private readonly recordsMemo = new Map<number, { version: number; records: PersonRecords }>();
  private recordsVersion = 0;
  readonly bankLedger = new Map<string, BankLedgerEntry>();
  readonly smsOutbox = new Map<string, SmsEntry>();
  readonly medicalBeneficiaries = new Map<string, MedicalEnrolment>();
  readonly medicalPremiums = new Map<string, PremiumEntry>();
  readonly registrations = new Map<string, RegistrationEntry>();
  /** Employers' registrations pushed to the pension registration (Art. 15), by USCC. */
  readonly pensionEmployerRegistrations = new Map<string, PensionEmployerEntry>();
  /** Changes and deregistrations of employers told to the pension registration (Art. 15), by notice ID. */
  readonly pensionEmployerUpdates = new Map<string, PensionEmployerUpdateEntry>();
  /** Art. 23: the register's changes the case system passed to tax, by message ID, in the order received. */
  readonly taxRegisterMessages = new Map<string, RegisterMessageEntry>();
  /** Changes registered in the market registry by tests (Art. 17), by USCC; the seeded ones are generated. */
  readonly marketChanges = new Map<string, MarketChange[]>();
  /** Letters sent by the case system, and generated inbound letters once something changed them. */
  readonly letters = new Map<string, LetterRecord>();
  /** Art. 26: the back-payment assessments the agency sent (补收信息), by case number, with what was paid. */
  readonly backPaymentAssessments = new Map<string, BackPaymentAssessmentEntry>();
  /** Records that changed after start (back payments), in the order the platform received them (the feed's tail). */
  readonly contributionChanges: ContributionChangeEntry[] = [];
  /** Art. 27: whole-month refund requests tax accepted (raised by tests), in the order received (`seq` from 1). */
  readonly refundRequests: RefundRequest[] = [];
  /** The agency's answers to them, by request ID: the first one kept. */
  readonly refundAnswers = new Map<string, RefundAnswerReceipt>();
  /** How often each request was answered (the same answer again included): a test counts the agency's calls. */
  readonly refundAnswerCalls = new Map<string, number>();

  constructor(options: SimulatorOptions) {
    this.world = new World(options);
  }

  /** Clears everything tests changed or sent; the generated world stays. */
  reset(): void {
    this.deaths.clear();
    this.pensions.clear();
    this.hukouNames.clear();
    this.hukouUnrecorded.clear();
    this.employment.clear();
    this.backPayments.length = 0;
    this.recordsVersion++;
    this.bankLedger.clear();
    this.smsOutbox.clear();
    this.medicalBeneficiaries.clear();
    this.medicalPremiums.clear();
    this.registrations.clear();
    this.pensionEmployerRegistrations.clear();
    this.pensionEmployerUpdates.clear();
    this.taxRegisterMessages.clear();
    this.letters.clear();
    this.marketChanges.clear();
    this.contributionChanges.length = 0;
    this.backPaymentAssessments.clear();
    this.refundRequests.length = 0;
    this.refundAnswers.clear();
    this.refundAnswerCalls.clear();
  }

  /** Art. 24-26: the person's paid records and arrears, with the back payments ordered so far. */
  records(person: PersonCore): PersonRecords {
    const hit = this.recordsMemo.get(person.index);
    if (hit && hit.version === this.recordsVersion) return hit.records;
    const records = this.world.records(person, this.backPayments);
    if (this.recordsMemo.size >= 20_000) this.recordsMemo.delete(this.recordsMemo.keys().next().value!);
    this.recordsMemo.set(person.index, { version: this.recordsVersion, records });
    return records;
  }

  addBackPayment(backPayment: BackPayment): void {
    const persons =
      backPayment.personIndex === null
        ? this.world.staffOf(backPayment.employerIndex)
        : [this.world.person(backPayment.personIndex)];
    const key = (r: ContributionRecord) => `${r.employerUscc}/${r.month}/${r.receiptDate}/${r.amountPaidFen}`;
    const before = new Map(persons.map((p) => [p.index, new Set(this.records(p).paid.map(key))]));
    this.backPayments.push(backPayment);
    this.recordsVersion++;
    // Art. 26: the months paid back reach the feed as new records (补记到对应费款所属期, with their receipt date).
    for (const person of persons) {
      const had = before.get(person.index)!;
      for (const record of this.records(person).paid) {
        if (had.has(key(record))) continue;
        const seq = this.world.personCount * FEED_STRIDE + this.contributionChanges.length + 1;
        this.contributionChanges.push({ seq, idNumber: person.idNumber, record });
      }
    }
  }

  /** Art. 23, 24: the feed's items after sequence number `after`, at most `limit`; see FEED_STRIDE. */
  contributionFeed(
    after: number,
    limit: number,
  ): { items: (ContributionRecord & { seq: number; idNumber: string })[]; nextCursor: number; hasMore: boolean } {
    const items: (ContributionRecord & { seq: number; idNumber: string })[] = [];
    const tail = this.world.personCount * FEED_STRIDE;
    for (let p = Math.floor(after / FEED_STRIDE); p < this.world.personCount && items.length < limit; p++) {
      const person = this.world.person(p);
      const paid = this.records(person).paid;
      for (let k = 0; k < paid.length && items.length < limit; k++) {
        const seq = p * FEED_STRIDE + k + 1;
        if (seq > after) items.push({ seq, idNumber: person.idNumber, ...paid[k]! });
      }
    }
    for (const change of this.contributionChanges) {
      if (items.length >= limit) break;
      if (change.seq > after) items.push({ seq: change.seq, idNumber: change.idNumber, ...change.record });
    }
    const last = items.at(-1)?.seq ?? Math.max(after, 0);
    const end = this.contributionChanges.at(-1)?.seq ?? tail;
    return {
      items,
      nextCursor: items.length < limit ? Math.max(last, after) : last,
      hasMore: items.length >= limit && last < end,
    };
  }

  dateOfDeath(person: PersonCore): string | null {
    return this.deaths.get(person.index) ?? person.dateOfDeath;
  }

  pensionStartDate(person: PersonCore): string | null {
    return this.pensions.get(person.index) ?? person.pensionStartDate;
  }

  /** The employment service's view (Art. 42): an admin change, a re-employment, or the ongoing job. */
  employmentStatus(person: PersonCore): EmploymentOverride | null {
    const override = this.employment.get(person.index);
    if (override) return override;
    if (person.reemployment) {
      const employer =
        person.reemployment.employerIndex === null ? null : this.world.employer(person.reemployment.employerIndex);
      return {
        startDate: person.reemployment.startDate,
        employerName: employer?.name ?? '个体经营',
        employerUscc: employer?.uscc ?? null,
      };
    }
    const ongoing = person.spells.find((spell) => spell.endDate === null);
    if (ongoing) {
      const employer = this.world.employer(ongoing.employerIndex);
      return { startDate: ongoing.startDate, employerName: employer.name, employerUscc: employer.uscc };
    }
    return null;
  }

  /** The last separation: the last spell ended with a reason (a retirement or death ends a spell without one). */
  lastSeparation(person: PersonCore) {
    for (let s = person.spells.length - 1; s >= 0; s--) {
      const spell = person.spells[s]!;
      if (spell.endDate === null) return null;
      if (spell.separationReason !== null) return { ...spell, endDate: spell.endDate, reason: spell.separationReason };
    }
    return null;
  }

  traits(person: PersonCore): Trait[] {
    const { paid, arrears } = this.records(person);
    // Distinct paid months (Art. 32: a month paid by two employers counts once), in order; gaps between them.
    const months: number[] = [];
    for (const record of paid) {
      const month = Number(record.month.slice(0, 4)) * 12 + Number(record.month.slice(5, 7));
      if (months[months.length - 1] !== month) months.push(month);
    }
    const paidMonths = months.length;
    let gaps = false;
    for (let m = 1; m < months.length; m++) if (months[m]! - months[m - 1]! > 1) gaps = true;
    const employed = this.employmentStatus(person) !== null;
    const separation = this.lastSeparation(person);
    const deceased = this.dateOfDeath(person) !== null;
    const pensioner = this.pensionStartDate(person) !== null;
    const separated = !employed && separation !== null;
    const involuntary = separated && INVOLUNTARY_REASONS.has(separation.reason);
    const bank = accountOutcome(person.card.accountNumber);
    const traits: Trait[] = [];
    const add = (trait: Trait, condition: boolean) => {
      if (condition) traits.push(trait);
    };
    add(
      'eligible',
      involuntary &&
        paidMonths >= 12 &&
        !deceased &&
        !pensioner &&
        toDays(separation!.endDate) >= toDays(addDays(this.world.asOf, -365)),
    );
    add('separated', separated);
    add('employed', employed);
    add('never_insured', person.spells.length === 0);
    add('short_history', paidMonths > 0 && paidMonths < 12);
    add('long_history', paidMonths > 120);
    add('overlapping_months', paid.length > paidMonths);
    add('contribution_gaps', gaps);
    add('has_arrears', arrears.length > 0);
    add(
      'back_payments',
      paid.some((r) => r.backPayment),
    );
    add('involuntary_separation', involuntary);
    add('voluntary_separation', separated && !involuntary);
    add('deceased', deceased);
    add('pensioner', pensioner);
    add('reemployed', person.reemployment !== null || this.employment.has(person.index));
    add('funeral_grant_paid', person.pensionFuneralGrant !== null || person.injuryFuneralGrant !== null);
    add('has_certificates', person.certificates.length > 0);
    add('transfer_in', person.inboundLetter !== null);
    add('hukou_outside_liaoning', !person.hukouDivisionCode.startsWith('21'));
    add('bank_paid', bank === 'paid');
    add('bank_invalid_account', bank === 'invalid_account');
    add('bank_frozen_card', bank === 'frozen_card');
    add('bank_account_closed', bank === 'account_closed');
    add(person.gender, true);
    return traits;
  }

  /** The generated inbound letter of a person, as the platform shows it (with any change made since). */
  inboundLetter(person: PersonCore): LetterRecord | null {
    const seed = person.inboundLetter;
    if (!seed) return null;
    const changed = this.letters.get(seed.letterId);
    if (changed) return changed;
    return {
      letterId: seed.letterId,
      direction: 'inbound',
      kind: seed.kind,
      idNumber: person.idNumber,
      name: person.name,
      fromAgencyCode: seed.fromAgencyCode,
      toAgencyCode: seed.toAgencyCode,
      issuedDate: seed.issuedDate,
      contributionMonths: seed.contributionMonths,
      contributionPeriods: seed.contributionPeriods,
      benefitMonthsRemaining: seed.benefitMonthsRemaining,
      status: 'sent',
      statusReason: null,
      fundAmountFen: null,
      fundTransferDate: null,
      updatedAt: `${seed.issuedDate}T09:00:00+08:00`,
    };
  }

  findLetter(letterId: string): LetterRecord | undefined {
    const stored = this.letters.get(letterId);
    if (stored) return stored;
    const match = /^TLI-[0-9a-z]+-(\d+)$/.exec(letterId);
    if (!match) return undefined;
    const index = Number(match[1]);
    if (index >= this.world.personCount) return undefined;
    const letter = this.inboundLetter(this.world.person(index));
    return letter?.letterId === letterId ? letter : undefined;
  }

  /** Every inbound letter: generated ones and those injected through the admin API. */
  inboundLetters(): LetterRecord[] {
    const generated = this.world
      .indexes()
      .inbound.map((i) => this.inboundLetter(this.world.person(i)))
      .filter((letter): letter is LetterRecord => letter !== null);
    const ids = new Set(generated.map((l) => l.letterId));
    const injected = [...this.letters.values()].filter((l) => l.direction === 'inbound' && !ids.has(l.letterId));
    return [...generated, ...injected];
  }
}
