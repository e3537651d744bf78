/**
 * The policy store's merge of the files with the entries administrators added (Art. 12): an added entry takes effect
 * from its date; one with the key and date of a file entry replaces it; a stored row that no longer fits its family's
 * schema fails loudly, naming the row and the path.
 */
import { describe, expect, it } from 'vitest';
import { PolicyDataError, resolveParameter } from '../../domain/policy';
import { entryOfRow, mergePolicyEntries, type StoredPolicyEntry } from '../../lib/policy-store';
import { policy } from './domain/helpers';

const row = (over: Partial<StoredPolicyEntry> = {}): StoredPolicyEntry => ({
  id: '00000000-0000-4000-8000-000000000001',
  family: 'minimumWage',
  key: 'tier1',
  effectiveFrom: new Date('2027-01-01T00:00:00Z'),
  effectiveUntil: null,
  value: { monthlyFen: 241000 },
  sourceDocument: 'test document',
  sourceArticle: '一',
  sourceUrl: null,
  confirmed: false,
  note: null,
  ...over,
});

describe('policy store merge (Art. 12)', () => {
  it('puts an added minimum wage in force from its date, the file value before it', () => {
    const data = mergePolicyEntries(policy, [entryOfRow(row())]);
    expect(resolveParameter(data, 'minimumWage', 'tier1', '2026-12-31').value.monthlyFen).toBe(223000);
    expect(resolveParameter(data, 'minimumWage', 'tier1', '2027-01-01').value.monthlyFen).toBe(241000);
    expect(resolveParameter(data, 'minimumWage', 'tier1', '2027-01-01').source).toEqual({
      document: 'test document',
      article: '一',
    });
    // The files' data is not changed.
    expect(policy.minimumWage.some((e) => e.effectiveFrom === '2027-01-01')).toBe(false);
  });

  it("lets an added entry with a file entry's key and date replace it", () => {
    const same = entryOfRow(row({ effectiveFrom: new Date('2025-12-01T00:00:00Z'), value: { monthlyFen: 1 } }));
    const data = mergePolicyEntries(policy, [same]);
    expect(data.minimumWage.filter((e) => e.key === 'tier1' && e.effectiveFrom === '2025-12-01')).toHaveLength(1);
    expect(resolveParameter(data, 'minimumWage', 'tier1', '2026-01-01').value.monthlyFen).toBe(1);
  });

  it('refuses a stored row that no longer fits its family, naming the row and the path', () => {
    expect(() => entryOfRow(row({ value: { monthlyFen: -5 } }))).toThrow(PolicyDataError);
    expect(() => entryOfRow(row({ value: { monthlyFen: -5 } }))).toThrow(/policy_entry 0{8}.*\n.*\.value\.monthlyFen/);
    expect(() => entryOfRow(row({ family: 'noSuchFamily' }))).toThrow(/unknown parameter family noSuchFamily/);
  });
});
