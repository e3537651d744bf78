/**
 * Read-model rows as the system writes them, for tests that start from a claim already decided. The read model refuses
 * an approved claim or a benefit period without an eligible determination (Art. 38; migration
 * 20261207000100_claim_verdict), so such a test seeds the determination first.
 */
import type pg from 'pg';

interface Sql {
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
}

/** An eligible determination, version 1, of `caseNumber` (no facts recorded: a seeded one). */
export async function seedEligibleDetermination(
  tdb: Sql,
  caseNumber: string,
  f: { months?: number; monthlyAmountFen?: number; startDate?: string; endDate?: string; selfDeclared?: boolean } = {},
): Promise<void> {
  const months = f.months ?? 12;
  const monthly = f.monthlyAmountFen ?? 189_550;
  await tdb.sql(
    `INSERT INTO determination (case_number, version, reason, determined_on, verdict, contribution_months, months,
       monthly_amount_fen, total_fen, start_date, end_date, self_declared, waived_months, review_route, inputs,
       explanation, created_at, created_by)
     VALUES ($1, 1, 'initial', $2::date, 'eligible', 36, $3, $4, $5, $2::date, $6::date, $7, '{}',
       '{"steps": [], "rule": {"code": "automatic", "text": "测试数据", "article": "Art. 11", "parameters": []}}',
       jsonb_build_object('applicationDate', $2::text, 'suppliedMaterials', '[]'::jsonb, 'waivedMonths', '[]'::jsonb,
                          'rulings', '[]'::jsonb),
       '[]', now(), 'test')
     ON CONFLICT DO NOTHING`,
    [
      caseNumber,
      f.startDate ?? '2026-01-01',
      months,
      monthly,
      months * monthly,
      f.endDate ?? '2026-12-31',
      f.selfDeclared ?? false,
    ],
  );
}
