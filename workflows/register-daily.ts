/**
 * The register's daily comparison with the shared data (Art. 17, 19, 22, 33), on a Temporal Schedule
 * (lib/register-schedule.ts) and on demand (POST /register/comparisons). Its ID carries no personal data; it passes
 * cursors and counts, the activities do the I/O a page at a time (activities/staff-comparison.ts).
 *
 *   1. staff       Art. 19: each registered employer's staff list (tax platform) against the register: staff hired
 *                  more than 30 days ago and not registered → a reminder to the employer
 *   2. changes     Art. 17: the market registry's changes not declared within 30 days → a reminder to the employer
 *   3. ends        Art. 22, 33: persons with an open relation who receive a pension or died → relation and person
 *                  terminated, with the reason and the source
 *   (Art. 21)      a reduction whose notice letter never went out (its workflow not started when declared) starts
 *   4. follow-ups  findings still unresolved after the reminder period → a follow-up case for a clerk, this run's child
 *                  (the run closes once they are concluded; the schedule lets the next day's run start meanwhile)
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  staffReductionWorkflowId,
  type RegisterDailyRunInput,
  type RegisterDailyRunResult,
} from '../contracts/separations';
import { shanghaiDate } from '../domain/business-time';
import { LONG_ACTIVITY } from './activity-options';
import { startChildCase } from './child-case';
import { registerFollowUp, staffReduction } from './separations';

const acts = proxyActivities<Activities>(LONG_ACTIVITY);

/** Employers per page (each one staff list from the tax platform), persons per batch query (the sources' limit). */
const EMPLOYERS_PER_PAGE = 200;
const PERSONS_PER_PAGE = 500;
const CASES_PER_PAGE = 100;

export async function registerDailyRun(input: RegisterDailyRunInput): Promise<RegisterDailyRunResult> {
  void input;
  const asOf = shanghaiDate(Date.now());
  const result: RegisterDailyRunResult = {
    asOf,
    staff: { employers: 0, staff: 0, found: 0, reminders: 0 },
    changes: { employers: 0, found: 0, reminders: 0 },
    terminations: { checked: 0, terminated: 0 },
    followUps: 0,
  };

  // 1. Art. 19: the staff lists.
  await eachPage(
    EMPLOYERS_PER_PAGE,
    (page) => acts.compareStaffPage({ asOf, ...page }),
    (p) => {
      result.staff.employers += p.employers;
      result.staff.staff += p.staff;
      result.staff.found += p.found;
      result.staff.reminders += p.reminders;
    },
  );

  // 2. Art. 17: the market registry's changes.
  await eachPage(
    EMPLOYERS_PER_PAGE,
    (page) => acts.compareMarketChangesPage({ asOf, ...page }),
    (p) => {
      result.changes.employers += p.employers;
      result.changes.found += p.found;
      result.changes.reminders += p.reminders;
    },
  );

  // 3. Art. 22, 33: pension and death.
  await eachPage(
    PERSONS_PER_PAGE,
    (page) => acts.compareTerminationsPage({ asOf, ...page }),
    (p) => {
      result.terminations.checked += p.checked;
      result.terminations.terminated += p.terminated;
    },
  );

  // Art. 21: a reduction whose notice letter never went out (its workflow not started when declared) starts now;
  // a workflow of that relation started before is left as it is.
  const reductions: Promise<unknown>[] = [];
  for (const { relationId, agencyCode } of await acts.unnotifiedReductions({ minutes: 10, limit: CASES_PER_PAGE })) {
    const child = await startChildCase(staffReduction, {
      workflowId: staffReductionWorkflowId(relationId),
      caseType: 'staff_reduction',
      agencyCode,
      status: 'declared',
      args: [{ relationId }],
      reuse: 'REJECT_DUPLICATE',
    });
    if (child) reductions.push(child.result().catch(() => undefined));
  }

  // 4. The follow-ups, each a case of its own (once: its ID is derived from the reminder).
  const followUps: Promise<unknown>[] = [];
  for (let after: string | null = null; ;) {
    const due: Awaited<ReturnType<typeof acts.openDueFollowUps>> = await acts.openDueFollowUps({
      asOf,
      after,
      limit: CASES_PER_PAGE,
    });
    for (const f of due) {
      const child = await startChildCase(registerFollowUp, {
        workflowId: f.caseNumber,
        caseType: 'register_follow_up',
        agencyCode: f.agencyCode,
        status: 'opened',
        args: [f],
        reuse: 'REJECT_DUPLICATE',
      });
      if (child) followUps.push(child.result().catch(() => undefined));
    }
    if (due.length < CASES_PER_PAGE) break;
    after = due.at(-1)!.caseNumber;
  }
  result.followUps = followUps.length;
  await Promise.all([...followUps, ...reductions]);
  return result;
}

/** Every page of a comparison, one activity each, from the first to the one that answers no next cursor. */
async function eachPage<P extends { next: string | null }>(
  limit: number,
  page: (cursor: { after: string | null; limit: number }) => Promise<P>,
  add: (p: P) => void,
): Promise<void> {
  let after: string | null = null;
  do {
    const p: P = await page({ after, limit });
    add(p);
    after = p.next;
  } while (after);
}
