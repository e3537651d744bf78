/**
 * Helpers of the payment tests (Art. 39, 44, 62, 63): beneficiaries' claims straight into the read model, accounts
 * the simulated bank pays or refuses (by its own rule, simulators/simulator.ts `accountOutcome`), and the ledgers the
 * simulators keep of what they were sent.
 */
import { accountOutcome } from '../../simulators/simulator';
import type { RunningSimulator } from '../sources/support';
import type { TestDatabase } from './db';
import { residentId } from './fixtures';

export interface TestBeneficiary {
  caseNumber: string;
  agencyCode: string;
  name: string;
  accountNumber: string;
  idNumber: string;
}

/** A `case` and its `benefit_claim`, as recordClaimReceived writes them (raw SQL, as test/integration/auth.test.ts). */
export async function insertBeneficiaries(tdb: TestDatabase, people: TestBeneficiary[]): Promise<void> {
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    // An approved claim stands on an eligible determination (Art. 38: the read model refuses one without).
    await tdb.sql(
      `INSERT INTO determination (case_number, version, reason, determined_on, verdict, contribution_months, months,
         monthly_amount_fen, total_fen, start_date, end_date, self_declared, waived_months, review_route, explanation,
         created_at, created_by)
       SELECT c, 1, 'initial', '2026-11-01', 'eligible', 36, 12, 189550, 2274600, '2026-11-01', '2027-10-31', false,
              '{}', '{"steps": [], "rule": {"code": "automatic"}}', '[]', now(), 'test'
         FROM unnest($1::text[]) AS t(c) ON CONFLICT DO NOTHING`,
      [chunk.map((p) => p.caseNumber)],
    );
    await tdb.sql(
      `INSERT INTO "case" (case_number, case_type, status, agency_code, workflow_id, created_at, updated_at)
       SELECT c, 'benefit_claim', 'approved', a, c, now(), now() FROM unnest($1::text[], $2::text[]) AS t(c, a)`,
      [chunk.map((p) => p.caseNumber), chunk.map((p) => p.agencyCode)],
    );
    await tdb.sql(
      `INSERT INTO benefit_claim (case_number, channel, id_type, id_number, name, phone, employer_uscc, employer_name,
                                  separation_date, separation_reason, paying_locality_basis, payment_method, bank_name,
                                  account_number, submitted_at)
       SELECT c, 'window', 'resident_id_card', i, n, '13812345678', '91210100MA0XYP12AD', '某公司', '2026-10-31',
              'contract_expired', 'last_insured', 'social_security_card', '中国工商银行', acct, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, i, n, acct)`,
      [
        chunk.map((p) => p.caseNumber),
        chunk.map((p) => p.idNumber),
        chunk.map((p) => p.name),
        chunk.map((p) => p.accountNumber),
      ],
    );
  }
}

/**
 * `count` 17-digit accounts (issued to nobody the simulator knows, so any name is accepted) whose outcome at the
 * simulated bank is `outcome`, starting the search at `from` (distinct ranges give distinct accounts).
 */
export function accountsWithOutcome(
  outcome: 'paid' | 'frozen_card' | 'invalid_account' | 'account_closed',
  count: number,
  from = 0,
): string[] {
  const found: string[] = [];
  for (let i = from; found.length < count; i++) {
    const account = `88${String(i).padStart(15, '0')}`;
    if (accountOutcome(account) === outcome) found.push(account);
  }
  return found;
}

/** Beneficiaries with synthetic names, ID numbers and the given accounts, in `agencyCode`. */
export function syntheticBeneficiaries(agencyCode: string, accounts: string[], prefix: string): TestBeneficiary[] {
  return accounts.map((accountNumber, i) => ({
    caseNumber: `SYJ-2026-${agencyCode}-${prefix}${String(i).padStart(10 - prefix.length, '0')}`,
    agencyCode,
    name: `领金人${i}`,
    accountNumber,
    idNumber: residentId(`${agencyCode.slice(0, 4)}02`, '19800101', String(i % 1000).padStart(3, '0')),
  }));
}

export interface BankLedgerRow {
  paymentId: string;
  firstBatchId: string;
  batchIds: string[];
  payeeAccount: string;
  payeeName: string;
  amountFen: number;
  purpose: string;
  result: string;
  timesReceived: number;
}

export async function bankLedger(sim: RunningSimulator): Promise<BankLedgerRow[]> {
  return (await sim.admin<{ payments: BankLedgerRow[] }>('GET', '/bank/ledger')).payments;
}

export interface PremiumRow {
  paymentId: string;
  idNumber: string;
  month: string;
  amountFen: number;
  timesReceived: number;
}

export async function premiumLedger(sim: RunningSimulator): Promise<PremiumRow[]> {
  return (await sim.admin<{ premiums: PremiumRow[] }>('GET', '/medical/ledger')).premiums;
}
