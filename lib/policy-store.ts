/**
 * The policy parameters in force (Art. 12; POLICY.md): the entries of policy/*.json plus the dated entries
 * administrators added (table policy_entry, append-only). Every process caches the merged data and reloads when the
 * table changes (checked at most every `ttlMs`), so an entry added through the API reaches the API's calculations and
 * the workers' activities within seconds, without a restart. Policy is read in activities only, never in workflow
 * code, so workflow replay stays deterministic.
 */
import {
  FAMILIES,
  formatPath,
  PolicyDataError,
  policyEntrySchema,
  type Family,
  type PolicyData,
  type PolicyEntry,
} from '../domain/policy';
import { isoDate, type Db } from './db';

export interface PolicyStore {
  /** The entries of policy/*.json alone. */
  readonly files: PolicyData;
  /** The file entries merged with the added ones. */
  current(): Promise<PolicyData>;
  /** Forget the cache (after this process added an entry). */
  invalidate(): void;
}

/** A store over fixed data (unit tests, tools): nothing is added. */
export function staticPolicyStore(data: PolicyData): PolicyStore {
  return { files: data, current: () => Promise.resolve(data), invalidate: () => undefined };
}

/** An added entry as stored. */
export interface StoredPolicyEntry {
  id: string;
  family: string;
  key: string;
  effectiveFrom: Date;
  effectiveUntil: Date | null;
  value: unknown;
  sourceDocument: string;
  sourceArticle: string;
  sourceUrl: string | null;
  confirmed: boolean;
  note: string | null;
}

/** A stored row as a policy entry, validated by the family's schema (a row that no longer fits fails loudly). */
export function entryOfRow(row: StoredPolicyEntry): { family: Family; entry: PolicyEntry<unknown> } {
  const family = row.family as Family;
  const where = `policy_entry ${row.id}`;
  if (!FAMILIES.includes(family)) {
    throw new PolicyDataError(where, [{ path: '.family', message: `unknown parameter family ${row.family}` }]);
  }
  const parsed = policyEntrySchema(family).safeParse({
    key: row.key,
    effectiveFrom: isoDate(row.effectiveFrom),
    ...(row.effectiveUntil ? { effectiveUntil: isoDate(row.effectiveUntil) } : {}),
    value: row.value,
    source: {
      document: row.sourceDocument,
      article: row.sourceArticle,
      ...(row.sourceUrl ? { url: row.sourceUrl } : {}),
    },
    confirmed: row.confirmed,
    ...(row.note ? { note: row.note } : {}),
  });
  if (!parsed.success) {
    throw new PolicyDataError(
      where,
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return { family, entry: parsed.data as PolicyEntry<unknown> };
}

/**
 * The file data with the added entries. An added entry with the same key and date as a file entry replaces it (the
 * administrators' entry wins, as the calendar's years do); the API refuses such an entry, so this is only reached
 * when a file gains an entry an agency had already added.
 */
export function mergePolicyEntries(
  files: PolicyData,
  added: readonly { family: Family; entry: PolicyEntry<unknown> }[],
): PolicyData {
  const out = { ...files } as Record<Family, PolicyEntry<unknown>[]>;
  for (const { family, entry } of added) {
    out[family] = [
      ...out[family].filter((e) => !(e.key === entry.key && e.effectiveFrom === entry.effectiveFrom)),
      entry,
    ];
  }
  return out as PolicyData;
}

export function createPolicyStore(db: Db, files: PolicyData, opts: { ttlMs?: number } = {}): PolicyStore {
  const ttlMs = opts.ttlMs ?? 5_000;
  let cached: { checkedAt: number; version: string; data: PolicyData } | undefined;

  return {
    files,
    async current() {
      if (cached && Date.now() - cached.checkedAt < ttlMs) return cached.data;
      // Append-only: the count and the latest addition change with every new entry.
      const [row] = await db.$queryRaw<{ version: string }[]>`
        SELECT count(*)::text || '/' || coalesce(max(added_at)::text, '') AS version FROM policy_entry`;
      const version = row!.version;
      if (cached && cached.version === version) {
        cached.checkedAt = Date.now();
        return cached.data;
      }
      const rows = await db.policyEntry.findMany({ orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] });
      const data = mergePolicyEntries(files, rows.map(entryOfRow));
      cached = { checkedAt: Date.now(), version, data };
      return data;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
