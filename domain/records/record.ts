/**
 * The entitlement record (权益记录, Art. 29-33), pure: what it holds, how its contribution months are counted, and its
 * words. Assembled from the register, the contributions and the benefits by lib/records.ts; printed by lib/pdf.
 *
 * | part | article |
 * | --- | --- |
 * | registration: the person's items and each insured relation with its employer, status and dates; the employer's items | 29 |
 * | contributions: month, base, amount paid, employer, receipt date; a month paid by two employers shown twice, counted once | 29, 32 |
 * | benefits received: unemployment benefit months and amounts, the medical premiums paid for them, the other benefits | 29, 44, 46, 47 |
 * | skill-upgrade subsidies (the person), job-retention refunds (the employer) | 29, 49, 50 |
 * | a terminated insured status (retirement, emigration, death) shown as 注销 with its reason and day | 22, 33 |
 *
 * Money is integer fen; the pages and the PDF show 元.
 */
import type { IsoDate } from '../calendar';

/** One contribution record (Art. 25): one person, one employer, one month. */
export interface ContributionLine {
  month: string;
  employerUscc: string;
  employerName: string;
  baseFen: number;
  amountFen: number;
  receiptDate: string;
  backPayment: boolean;
  /** The kept record's version (Art. 25: never edited in place; a revision is a new version) and its source. */
  version: number;
  source: string;
}

/** One month of an employer's contributions (Art. 25 单位缴费信息). */
export interface EmployerContributionMonth {
  month: string;
  insuredCount: number;
  baseTotalFen: number;
  amountFen: number;
  receiptDate: string;
}

export interface ContributionSummary {
  /** Distinct months paid: a month paid by two employers counts once (Art. 32). */
  months: number;
  /** Records, each employer's month once: what is shown. */
  lines: number;
  /** The months paid by more than one employer (多重失业保险关系, Art. 32), in order. */
  overlappingMonths: string[];
  totalAmountFen: number;
  from: string | null;
  to: string | null;
}

/**
 * Art. 32: the months of a person's contributions, each month once however many employers paid it, and the months
 * paid twice (both records stay in the record: the count, not the record, is deduplicated).
 */
export function summarizeContributions(lines: readonly ContributionLine[]): ContributionSummary {
  const byMonth = new Map<string, number>();
  let total = 0;
  for (const l of lines) {
    byMonth.set(l.month, (byMonth.get(l.month) ?? 0) + 1);
    total += l.amountFen;
  }
  const months = [...byMonth.keys()].sort();
  return {
    months: months.length,
    lines: lines.length,
    overlappingMonths: months.filter((m) => byMonth.get(m)! > 1),
    totalAmountFen: total,
    from: months[0] ?? null,
    to: months.at(-1) ?? null,
  };
}

/** Records in the order they are shown: by month, then employer. */
export function sortContributions<T extends { month: string; employerUscc?: string }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) =>
    a.month === b.month ? (a.employerUscc ?? '').localeCompare(b.employerUscc ?? '') : a.month < b.month ? -1 : 1,
  );
}

export const PERSON_STATUS_LABELS: Record<string, string> = {
  insured: '参保',
  suspended: '暂停参保',
  // Art. 33: a terminated insured status is changed to 注销.
  terminated: '注销（终止参保）',
};

export const RELATION_STATUS_LABELS: Record<string, string> = {
  insured: '参保',
  suspended: '暂停',
  terminated: '终止',
  cancelled: '注销',
};

/** Art. 22, 33: why an insured status ends. */
export const TERMINATION_REASON_LABELS: Record<string, string> = {
  retirement: '退休',
  emigration: '出国定居',
  death: '死亡',
};

export const OTHER_BENEFIT_LABELS: Record<string, string> = {
  childbirth_subsidy: '医疗补助金（生育）',
  survivor_benefits: '丧葬补助金和抚恤金',
};

export const CERTIFICATE_LEVEL_LABELS: Record<string, string> = {
  junior: '初级',
  intermediate: '中级',
  senior: '高级',
};

/** The parts of a record an objection names (Art. 31). */
export const RECORD_SECTIONS = [
  'registration',
  'contributions',
  'benefits',
  'skill_subsidies',
  'job_retention',
] as const;
export type RecordSection = (typeof RECORD_SECTIONS)[number];
export const RECORD_SECTION_LABELS: Record<RecordSection, string> = {
  registration: '登记信息',
  contributions: '缴费记录',
  benefits: '领取失业保险待遇信息',
  skill_subsidies: '技能提升补贴信息',
  job_retention: '稳岗返还信息',
};

export interface RelationEntry {
  registerNumber: string;
  employerName: string;
  employerCode: string;
  hiredOn: IsoDate;
  status: string;
  statusLabel: string;
  endedOn: IsoDate | null;
  separationReason: string | null;
  separationReasonLabel: string | null;
}

export interface BenefitEntry {
  caseNumber: string;
  status: string;
  statusLabel: string;
  period: {
    startDate: IsoDate;
    endDate: IsoDate;
    months: number;
    monthlyAmountFen: number;
    status: string;
    statusLabel: string;
  } | null;
  /** Months of unemployment benefit paid (Art. 39), each with its amount. */
  paid: { month: string; amountFen: number }[];
  paidTotalFen: number;
  /** Art. 44: the medical insurance premiums the fund paid for the person. */
  medicalPremiums: { months: number; totalFen: number };
}

export interface GrantEntry {
  caseNumber: string;
  kind: string;
  kindLabel: string;
  status: string;
  statusLabel: string;
  amountFen: number | null;
  date: IsoDate | null;
  detail: string | null;
}

export interface PersonRecord {
  kind: 'person';
  /** full: the person and staff (Art. 30); employer: what concerns that employer only. */
  scope: 'full' | 'employer';
  asOf: IsoDate;
  person: {
    personNumber: string;
    name: string;
    idType: string;
    idNumber: string;
    sex: string;
    birthDate: IsoDate;
    insuredSince: IsoDate;
    agencyCode: string;
    status: string;
    statusLabel: string;
    /** Art. 33: a terminated insured status, with its reason and day. */
    terminated: { on: IsoDate; reason: string; reasonLabel: string } | null;
  };
  relations: RelationEntry[];
  contributions: { summary: ContributionSummary; records: ContributionLine[] };
  benefits: BenefitEntry[];
  otherBenefits: GrantEntry[];
  skillSubsidies: GrantEntry[];
}

export interface EmployerRecord {
  kind: 'employer';
  asOf: IsoDate;
  employer: {
    registerNumber: string;
    name: string;
    codeType: string;
    code: string;
    agencyCode: string;
    insuredSince: IsoDate;
    status: string;
    statusLabel: string;
    ended: { on: IsoDate; reason: string | null } | null;
  };
  staff: {
    counts: Record<string, number>;
    members: {
      personNumber: string;
      name: string;
      hiredOn: IsoDate;
      status: string;
      statusLabel: string;
      endedOn: IsoDate | null;
    }[];
  };
  contributions: {
    months: EmployerContributionMonth[];
    totalAmountFen: number;
    from: string | null;
    to: string | null;
  };
  jobRetentionRefunds: GrantEntry[];
}

export type EntitlementRecord = PersonRecord | EmployerRecord;

/** What a 权益记录单 covers, without personal data: shown by the public verification (Art. 10). */
export function recordSummary(r: EntitlementRecord): Record<string, unknown> {
  if (r.kind === 'person') {
    return {
      contributionMonths: r.contributions.summary.months,
      contributionRecords: r.contributions.summary.lines,
      contributionsFrom: r.contributions.summary.from,
      contributionsTo: r.contributions.summary.to,
      benefitMonthsPaid: r.benefits.reduce((n, b) => n + b.paid.length, 0),
      benefitPaidFen: r.benefits.reduce((n, b) => n + b.paidTotalFen, 0),
      skillSubsidies: r.skillSubsidies.length,
      status: r.person.status,
      scope: r.scope,
    };
  }
  return {
    contributionMonths: r.contributions.months.length,
    contributionsFrom: r.contributions.from,
    contributionsTo: r.contributions.to,
    jobRetentionRefunds: r.jobRetentionRefunds.length,
    status: r.employer.status,
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A verification code of 12 Crockford base-32 characters (60 bits, random), grouped 4-4-4 when printed. */
export function verificationCodeFrom(bytes: Uint8Array): string {
  let out = '';
  let acc = 0n;
  for (const b of bytes.slice(0, 8)) acc = (acc << 8n) | BigInt(b);
  for (let i = 0; i < 12; i++) {
    out += CROCKFORD[Number(acc & 31n)];
    acc >>= 5n;
  }
  return out;
}
export const VERIFICATION_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{12}$/;
/** Accepts the code as printed (groups, lower case) and gives it back as stored, or null. */
export function normalizeVerificationCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return VERIFICATION_CODE_PATTERN.test(code) ? code : null;
}
export const printedVerificationCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;

/** 张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, as on public notices (Art. 30). */
export function maskPersonName(name: string): string {
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** An employer's name on a public answer: the first four characters, the rest masked. */
export function maskEmployerName(name: string): string {
  const chars = Array.from(name);
  return chars.slice(0, 4).join('') + '*'.repeat(Math.max(1, chars.length - 4));
}
