/**
 * The register of insured persons' activities (Art. 22, 33). A workflow or a daily run gives the personal number, the
 * reason, the day and the source; nothing else of the person enters its history.
 *
 * `terminateFromSharedData(personNumber, reason, on, source)`: the shared data (Art. 7) says the person began to
 * receive a pension (`source` 'pension', reason 'retirement') or died (`source` 'civil_affairs', reason 'death') on
 * `on`: every open relation ends (终止参保) and the insured status is cancelled (注销变更, Art. 33), with the history
 * rows and the audit entry in one transaction. Idempotent: a person terminated already is left as the first record has
 * it (`already_terminated`); a person not in the register is `not_found`; a day before an open relation's hiring is
 * `before_hiring` (a clerk looks at it: nothing is changed). Never throws for these; a database failure is retried.
 */
import type { Db } from '../lib/db';
import { terminatePerson, type TerminationOutcome, type TerminationSource } from '../lib/person-register';
import type { TerminationReason } from '../domain/register/items';

export interface PersonActivityDeps {
  db: Db;
}

const SYSTEM = { id: null, username: '系统' };

export function personActivities({ db }: PersonActivityDeps) {
  async function terminateFromSharedData(
    personNumber: string,
    reason: TerminationReason,
    on: string,
    source: Extract<TerminationSource, 'pension' | 'civil_affairs'>,
  ): Promise<TerminationOutcome> {
    return db.$transaction(
      (tx) => terminatePerson(tx, { personNumber, reason, on, source, actor: SYSTEM, at: new Date() }),
      {
        maxWait: 10_000,
        timeout: 20_000,
      },
    );
  }
  return { terminateFromSharedData };
}
