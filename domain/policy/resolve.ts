/**
 * Which parameter is in force on a date (Art. 12: "如遇政策调整，按调整后文件执行"). Pure.
 *
 * For a family and key, the entry in force on date d is the one with the latest effectiveFrom ≤ d. If that entry has
 * an effectiveUntil before d the policy has lapsed and nothing is in force (a later entry renews it). Entries are never
 * edited; addParameterEntry returns new data with one more dated entry.
 */
import { assertIsoDate, type IsoDate } from '../calendar';
import {
  FAMILIES,
  familyValueSchemas,
  type Family,
  type FamilyValue,
  type ParameterSource,
  type PolicyData,
  type PolicyEntry,
} from './schemas';

/** A value in force on a date, with where it comes from. */
export interface ResolvedParameter<V> {
  family: Family;
  key: string;
  value: V;
  effectiveFrom: IsoDate;
  effectiveUntil?: IsoDate | undefined;
  source: ParameterSource;
  confirmed: boolean;
  note?: string | undefined;
}

/** How a step of an explanation cites a parameter. */
export interface ParameterCitation {
  family: Family;
  key: string;
  effectiveFrom: IsoDate;
  effectiveUntil?: IsoDate | undefined;
  document: string;
  article: string;
  confirmed: boolean;
}

/** No entry of this family and key is in force on the date. */
export class ParameterNotInForceError extends Error {
  override readonly name = 'ParameterNotInForceError';
  constructor(
    readonly family: Family,
    readonly key: string,
    readonly date: IsoDate,
    readonly lapsedOn?: IsoDate,
  ) {
    super(
      lapsedOn
        ? `policy parameter ${family}/${key} lapsed after ${lapsedOn}; none in force on ${date}`
        : `no policy parameter ${family}/${key} in force on ${date}`,
    );
  }
}

function toResolved<F extends Family>(
  family: F,
  entry: PolicyEntry<FamilyValue<F>>,
): ResolvedParameter<FamilyValue<F>> {
  return {
    family,
    key: entry.key,
    value: entry.value,
    effectiveFrom: entry.effectiveFrom,
    effectiveUntil: entry.effectiveUntil,
    source: entry.source,
    confirmed: entry.confirmed,
    note: entry.note,
  };
}

/** The entry of `family`/`key` in force on `date`, or undefined. */
export function findParameter<F extends Family>(
  data: PolicyData,
  family: F,
  key: string,
  date: IsoDate,
): ResolvedParameter<FamilyValue<F>> | undefined {
  assertIsoDate(date);
  let best: PolicyEntry<FamilyValue<F>> | undefined;
  for (const entry of data[family] as PolicyEntry<FamilyValue<F>>[]) {
    if (entry.key !== key || entry.effectiveFrom > date) continue;
    if (!best || entry.effectiveFrom > best.effectiveFrom) best = entry;
  }
  if (!best || (best.effectiveUntil !== undefined && best.effectiveUntil < date)) return undefined;
  return toResolved(family, best);
}

/** The value of `family`/`key` in force on `date` with its source; throws ParameterNotInForceError if none. */
export function resolveParameter<F extends Family>(
  data: PolicyData,
  family: F,
  key: string,
  date: IsoDate,
): ResolvedParameter<FamilyValue<F>> {
  const found = findParameter(data, family, key, date);
  if (found) return found;
  const latest = (data[family] as PolicyEntry<FamilyValue<F>>[])
    .filter((e) => e.key === key && e.effectiveFrom <= date)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  throw new ParameterNotInForceError(family, key, date, latest?.effectiveUntil);
}

/** Every family's parameters in force on `date`, by key (keys with nothing in force are left out). */
export function parametersInForce(
  data: PolicyData,
  date: IsoDate,
): { [F in Family]: Record<string, ResolvedParameter<FamilyValue<F>>> } {
  const out = {} as Record<Family, Record<string, ResolvedParameter<unknown>>>;
  for (const family of FAMILIES) {
    const byKey: Record<string, ResolvedParameter<unknown>> = {};
    for (const key of new Set(data[family].map((e) => e.key))) {
      const found = findParameter(data, family, key, date);
      if (found) byKey[key] = found;
    }
    out[family] = byKey;
  }
  return out as { [F in Family]: Record<string, ResolvedParameter<FamilyValue<F>>> };
}

/** A resolver bound to one parameter set, for code that only needs lookups. */
export interface PolicyResolver {
  resolve<F extends Family>(family: F, key: string, date: IsoDate): ResolvedParameter<FamilyValue<F>>;
  find<F extends Family>(family: F, key: string, date: IsoDate): ResolvedParameter<FamilyValue<F>> | undefined;
}

export function createResolver(data: PolicyData): PolicyResolver {
  return {
    resolve: (family, key, date) => resolveParameter(data, family, key, date),
    find: (family, key, date) => findParameter(data, family, key, date),
  };
}

/** The citation of a resolved parameter, for explanations. */
export function citationOf(p: ResolvedParameter<unknown>): ParameterCitation {
  return {
    family: p.family,
    key: p.key,
    effectiveFrom: p.effectiveFrom,
    ...(p.effectiveUntil !== undefined ? { effectiveUntil: p.effectiveUntil } : {}),
    document: p.source.document,
    article: p.source.article,
    confirmed: p.confirmed,
  };
}

/**
 * New policy data with one more dated entry (validated against the family's value schema). Refuses an entry with the
 * same key and effectiveFrom as an existing one: history is not edited.
 */
export function addParameterEntry<F extends Family>(
  data: PolicyData,
  family: F,
  entry: PolicyEntry<FamilyValue<F>>,
): PolicyData {
  assertIsoDate(entry.effectiveFrom);
  if (entry.effectiveUntil !== undefined) assertIsoDate(entry.effectiveUntil);
  const value = familyValueSchemas[family].parse(entry.value) as FamilyValue<F>;
  const existing = data[family] as PolicyEntry<FamilyValue<F>>[];
  if (existing.some((e) => e.key === entry.key && e.effectiveFrom === entry.effectiveFrom)) {
    throw new Error(
      `${family}/${entry.key} already has an entry effective ${entry.effectiveFrom}; history is not edited`,
    );
  }
  return { ...data, [family]: [...existing, { ...entry, value }] };
}
