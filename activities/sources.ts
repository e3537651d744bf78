/**
 * Checks against the shared data sources (Art. 7: what can be had from other departments is not asked of people).
 * Activities take the case number and read the person's identifiers from the read model, so no ID number or name
 * enters workflow histories; they return only what the case needs. Source errors become Temporal failures that are
 * retried when they can succeed (outage, timeout) and fail fast when they cannot (refused, malformed).
 */
import type { SourceClients } from '../integrations/config';
import type { ContributionRecord } from '../integrations/tax';
import { callOptions, claimOf, guarded } from './source-call';
import type { Db } from '../lib/db';
import { keptContributionSource } from './contributions';

export interface SourceActivityDeps {
  db: Db;
  sources: SourceClients;
}

export function sourceActivities({ db, sources }: SourceActivityDeps) {
  return {
    /** Art. 35, 37: the applicant's identity and hukou locality, from household registration. */
    async verifyApplicantIdentity(input: { caseNumber: string }): Promise<{
      result: 'match' | 'name_mismatch' | 'not_found';
      hukouDivisionCode: string | null;
    }> {
      const a = await claimOf(db, input.caseNumber);
      const r = await guarded(() => sources.hukou.checkIdentity({ idNumber: a.idNumber, name: a.name }, callOptions()));
      return { result: r.result, hukouDivisionCode: r.result === 'match' ? r.hukouDivisionCode : null };
    },

    /** Art. 24, 32, 34: the applicant's monthly contribution records as the agency keeps them (refreshed from tax). */
    async fetchContributionRecords(input: { caseNumber: string }): Promise<{ records: ContributionRecord[] }> {
      const a = await claimOf(db, input.caseNumber);
      const kept = keptContributionSource({ db, tax: sources.tax, freshMs: 0 }, `pull:${input.caseNumber}`);
      const r = await guarded(() => kept.getPersonContributions(a.idNumber, {}, callOptions()));
      return { records: r.records };
    },
  };
}
