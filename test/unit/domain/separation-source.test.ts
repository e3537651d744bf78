/**
 * Art. 21, 38: a claim reads the employer's staff reduction first for its separation date and reason, the tax
 * employment record after it; the record prevails over the person's statement, and the case says which source it used.
 */
import { describe, expect, it } from 'vitest';
import { claimVerdict, type ClaimFacts } from '../../../domain/claim-verdict';
import { DATE, EMPLOYER, facts, inputs } from './claim-fixtures';
import { policy } from './helpers';

const run = (f: ClaimFacts) => claimVerdict(f, inputs(), policy, DATE);

function withReduction(f: ClaimFacts, r: Partial<NonNullable<NonNullable<ClaimFacts['register']>['reduction']>> = {}) {
  const spell = f.tax.employments[0]!;
  f.register = {
    reduction: {
      employerUscc: EMPLOYER,
      separationDate: spell.endDate!,
      separationReason: 'employer_terminated',
      declaredAt: `${spell.endDate}T08:00:00.000Z`,
      ...r,
    },
  };
  return f;
}

describe('the separation a claim rests on (Art. 21, 38)', () => {
  it('reads the staff reduction the employer declared first, its reason prevailing over the statement (Art. 21, 38)', () => {
    const f = withReduction(facts(36));
    const { result: v, explanation } = run(f);
    expect(v.verdict).toBe('eligible');
    expect(v.separation).toMatchObject({ basis: 'register', reason: 'employer_terminated' });
    expect(v.conflicts).toEqual([
      expect.objectContaining({
        fact: 'separation_reason',
        declared: 'contract_expired',
        recorded: 'employer_terminated',
        source: 'register',
        resolution: 'record_prevails',
      }),
    ]);
    expect(JSON.stringify(explanation)).toContain('以参保单位减员申报记录（第二十一条）为准');
  });

  it('falls back to the tax employment record without a declaration, and says so (Art. 38)', () => {
    const { result: v, explanation } = run(facts(36));
    expect(v.separation.basis).toBe('record');
    expect(JSON.stringify(explanation)).toContain('无参保单位减员申报记录，以税务部门参保记录为准');
  });

  it('reads the tax record when it shows a later separation than the declared reduction (Art. 38)', () => {
    const f = withReduction(facts(36), { separationDate: '2025-03-31', separationReason: 'dismissed' });
    expect(run(f).result.separation).toMatchObject({ basis: 'record', reason: 'contract_expired' });
  });

  it('keeps a declared reduction whose employer the tax record still shows open: the record not yet updated (Art. 21, 38)', () => {
    const f = withReduction(facts(36));
    f.tax.employments[0]!.endDate = null;
    f.tax.employments[0]!.separationReason = null;
    const { result: v } = run(f);
    expect(v.separation.basis).toBe('register');
    expect(v.verdict).toBe('eligible');
  });
});
