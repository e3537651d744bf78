import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimVerdict, reviewRouteOf, type ClaimFacts } from '../../../domain/claim-verdict';
import { DATE, EMPLOYER, facts, inputs, OTHER } from './claim-fixtures';
import { policy } from './helpers';

const verdict = (f: ClaimFacts, i = inputs()) => claimVerdict(f, i, policy, DATE).result;

describe('the verdict on a claim (Art. 34-38, 41)', () => {
  it('is eligible with the figures when every fact is settled and agrees (Art. 34, 38)', () => {
    const v = verdict(facts(36));
    expect(v.verdict).toBe('eligible');
    if (v.verdict !== 'eligible') return;
    expect(v.figures).toMatchObject({ contributionMonths: 36, months: 9, startDate: DATE, endDate: '2027-09-05' });
    expect(v.conflicts).toEqual([]);
  });

  it('lets the record prevail over a declared voluntary reason, and shows the conflict (Art. 38)', () => {
    const f = facts(36);
    f.declared.separationReason = 'voluntary_resignation';
    const v = verdict(f);
    expect(v.verdict).toBe('eligible');
    expect(v.conflicts).toEqual([
      expect.objectContaining({
        fact: 'separation_reason',
        declared: 'voluntary_resignation',
        recorded: 'contract_expired',
      }),
    ]);
  });

  it('refuses a recorded voluntary separation however it is declared, with the reason and article (Art. 34)', () => {
    const f = facts(36);
    f.tax.employments[0]!.separationReason = 'voluntary_resignation';
    const v = verdict(f);
    expect(v.verdict).toBe('ineligible');
    if (v.verdict !== 'ineligible') return;
    expect(v.reasons).toContainEqual(expect.objectContaining({ code: 'voluntary_separation', article: 'Art. 34' }));
    expect(v.conflicts.map((c) => c.fact)).toEqual(['separation_reason']);
  });

  it('counts to the recorded separation, not a declared earlier one, and shows the conflict (Art. 34, 38)', () => {
    const f = facts(60);
    f.declared.separationDate = '2024-10-31';
    const v = verdict(f);
    expect(v.verdict).toBe('eligible');
    expect(v.contributionMonths).toBe(60);
    expect(v.conflicts).toContainEqual(expect.objectContaining({ fact: 'separation_date', recorded: '2026-10-31' }));
  });

  it('leaves a reason the record does not give to a clerk; a ruling on it decides, and the case says so (Art. 38 para 3)', () => {
    const f = facts(36);
    f.tax.employments[0]!.separationReason = null;
    const open = verdict(f);
    expect(open.verdict).toBe('pending');
    if (open.verdict !== 'pending') return;
    expect(open.open).toEqual([expect.objectContaining({ kind: 'separation_reason', why: 'not_recorded' })]);
    const ruled = verdict(
      f,
      inputs({
        rulings: [
          { fact: 'separation_reason', involuntary: true, basis: 'written_commitment', by: 'reviewer', at: DATE },
        ],
      }),
    );
    expect(ruled.verdict).toBe('eligible');
    expect(ruled.separation).toMatchObject({ basis: 'ruling', selfDeclared: true });
  });

  it('refuses whoever is already working again, receives a pension, has died or is receiving (Art. 37, 38)', () => {
    const codes = (f: ClaimFacts) => {
      const v = verdict(f);
      return v.verdict === 'ineligible' ? v.reasons.map((r) => r.code) : [];
    };
    expect(codes(facts(36, { employment: { employed: true, startDate: '2026-11-20' } }))).toEqual(['reemployed']);
    expect(codes(facts(36, { pension: { receivesPension: true, startDate: '2026-01-01' } }))).toEqual([
      'receives_pension',
    ]);
    expect(codes(facts(36, { civil: { deceased: true, dateOfDeath: '2026-11-30' } }))).toEqual(['deceased']);
    expect(codes(facts(36, { system: { activePeriodCaseNumber: 'SYJ-2026-210100-AAAAAAAAAA' } }))).toEqual([
      'already_receiving',
    ]);
  });

  it('waits on arrears that could reach the minimum, and decides once they are waived (Art. 41)', () => {
    const f = facts(8);
    f.tax.arrears = Array.from({ length: 6 }, (_, i) => ({ employerUscc: EMPLOYER, month: `2025-0${i + 1}` }));
    const waiting = verdict(f);
    expect(waiting.verdict).toBe('pending');
    const waived = verdict(f, inputs({ waivedMonths: f.tax.arrears.map((a) => a.month) }));
    expect(waived.verdict).toBe('ineligible');
  });

  it('asks for materials before judging anything when the identity cannot be checked (Art. 37 一次性告知)', () => {
    const v = verdict(facts(36, { hukou: { result: 'not_found', hukouDivisionCode: null, registrationStatus: null } }));
    expect(v.verdict).toBe('pending');
    if (v.verdict !== 'pending') return;
    expect(v.open).toEqual([
      { kind: 'materials', materials: [expect.objectContaining({ kind: 'identity_verification' })] },
    ]);
  });

  it('refuses the last insured locality when the recorded last employer is in another city (Art. 35)', () => {
    const f = facts(36);
    f.tax.employments[0]!.employerUscc = OTHER;
    f.tax.employerDivisions = { [OTHER]: '210200', [EMPLOYER]: '210100' };
    const v = verdict(f);
    expect(v.verdict).toBe('ineligible');
    expect(v.conflicts.map((c) => c.fact)).toContain('employer');
  });

  it('routes by risk and says why no one reviews (Art. 11, 28, 65)', () => {
    const v = verdict(facts(36));
    if (v.verdict !== 'eligible') throw new Error('eligible expected');
    const automatic = reviewRouteOf(v, { manualCorrection: false, ruled: false }, policy, DATE);
    expect(automatic).toMatchObject({ steps: [], rule: { code: 'automatic', article: 'Art. 11' } });
    expect(automatic.rule.parameters).toEqual([
      expect.objectContaining({ family: 'reviewThreshold', confirmed: false }),
    ]);
    expect(reviewRouteOf(v, { manualCorrection: true, ruled: false }, policy, DATE).steps).toEqual([
      'review',
      'second_review',
      'approve',
    ]);
    const conflicting = verdict({ ...facts(36), declared: { ...facts(36).declared, separationReason: 'other' } });
    if (conflicting.verdict !== 'eligible') throw new Error('eligible expected');
    expect(reviewRouteOf(conflicting, { manualCorrection: false, ruled: false }, policy, DATE)).toMatchObject({
      steps: ['review'],
      rule: { code: 'declared_differs_from_record' },
    });
  });

  it('gives the same verdict and figures every time it is re-run on the same facts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.boolean(), (paid, voluntary) => {
        const f = facts(paid);
        if (voluntary) f.declared.separationReason = 'voluntary_resignation';
        const a = claimVerdict(structuredClone(f), inputs(), policy, DATE);
        const b = claimVerdict(JSON.parse(JSON.stringify(f)), inputs(), policy, DATE);
        expect(b).toEqual(a);
      }),
      { numRuns: 60 },
    );
  });
});
