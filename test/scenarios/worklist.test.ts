/**
 * The clerks' worklist end to end (Art. 5, 77, 78): a large claim reviewed on three levels (Art. 65) through the public
 * API. What a clerk may take (可领取) is what they may do: a reviewer who also holds the second-review role does not
 * get the case's second review offered (岗位不相容), and is refused with the rule if they try; a clerk without the role
 * is refused with the rule (403), not told the task does not exist; a clerk of another city is (404). Messages are
 * Chinese, codes stable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userWithToken } from '../support/users';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
const CITY = '210100';
const OTHER_CITY = '210200';
const CLEAN = 'eligible,long_history,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';
/** Any English sentence (two words or more) in a text meant for a person. */
const ENGLISH = /[A-Za-z]{2,}[ ,'][A-Za-z]{2,}/;

let caseNumber: string;
/** A reviewer of the city who also holds the second-review role (the roles do not forbid it; the case does). */
let both: { id: string; headers: Record<string, string> };

beforeAll(async () => {
  s = await startScenario({ name: 'worklist', cities: [CITY] });
  both = await userWithToken(s.tdb.db, s.api.url, {
    username: `both.${CITY}`,
    agencyCode: CITY,
    roles: ['reviewer', 'second_reviewer'],
  });
  // Art. 65: more than 24 months of benefit at 90 % of the minimum wage reach the large-payment threshold.
  const [person] = await s.peopleIn(CITY, CLEAN, 1, (p) => p.paidMonths > 130);
  const filed = await s.file(await s.claimFor(person!));
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  caseNumber = filed.body.caseNumber;
  await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_review');
  const d = await s.determinations(caseNumber);
  expect(d.versions[0].reviewRoute.steps).toEqual(['review', 'second_review', 'approve']);
  // The reviewer who holds both roles does the first review.
  const [review] = (await s.openTasks(caseNumber)).filter((t) => t.type === 'claim_review');
  const done = await s.call('POST', `/tasks/${review!.id}/complete`, {
    headers: both.headers,
    body: { form: { decision: 'approve' } },
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_second_review');
});
afterAll(async () => {
  await s?.close();
});

async function secondReview() {
  const tasks = await s.openTasks(caseNumber);
  const t = tasks.find((x) => x.type === 'claim_second_review');
  if (!t) throw new Error(`no second review open: ${JSON.stringify(tasks)}`);
  return t;
}

describe('worklist: what a clerk may take and why not (Art. 5, 77, 78)', () => {
  it('Art. 77: a clerk of the city without the second-review role is refused with the rule (403 missing_role), not told the task is missing', async () => {
    const task = await secondReview();
    const staff = await s.staffOf(CITY);
    const r = await s.call('POST', `/tasks/${task.id}/complete`, {
      headers: staff.intake.headers,
      body: { form: { decision: 'approve' } },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('missing_role');
    expect(r.body.error.message).toContain('复核');
    expect(r.body.error.message).not.toMatch(ENGLISH);
    const seen = await s.call('GET', `/tasks/${task.id}`, { headers: staff.intake.headers });
    expect(seen.status).toBe(403);
    expect(seen.body.error.code).toBe('missing_role');
  });

  it('Art. 5, 78: a second reviewer of another city is told no such task exists (404 task_not_found, in Chinese)', async () => {
    const task = await secondReview();
    const other = await s.staffOf(OTHER_CITY);
    for (const [method, path, body] of [
      ['GET', `/tasks/${task.id}`, undefined],
      ['POST', `/tasks/${task.id}/complete`, { form: { decision: 'approve' } }],
      ['POST', `/tasks/${task.id}/claim`, undefined],
    ] as const) {
      const r = await s.call(method, path, { headers: other.secondReviewer.headers, body });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error.code).toBe('task_not_found');
      expect(r.body.error.message).not.toMatch(ENGLISH);
    }
  });

  it('Art. 5, 77: the reviewer of a case is not offered its second review as 可领取, and completing it is refused as 岗位不相容 (403); another second reviewer completes it', async () => {
    const task = await secondReview();
    const list = await s.call('GET', '/tasks?view=available&limit=200', { headers: both.headers });
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(task.id);
    // The counts are of the same list.
    expect(list.body.counts.available).toBe(list.body.items.length);
    // Listed in 全部 with the reason, in Chinese.
    const all = await s.call('GET', '/tasks?view=all&limit=200', { headers: both.headers });
    const marked = all.body.items.find((t: { id: string }) => t.id === task.id);
    expect(marked.blockedReason).toMatchObject({ code: 'separation_of_duties' });
    expect(marked.blockedReason.message).toContain('岗位不相容');
    // Another second reviewer of the city is offered it.
    const staff = await s.staffOf(CITY);
    const theirs = await s.call('GET', '/tasks?view=available&limit=200', { headers: staff.secondReviewer.headers });
    expect(theirs.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(theirs.body.counts.available).toBe(theirs.body.items.length);

    const r = await s.call('POST', `/tasks/${task.id}/complete`, {
      headers: both.headers,
      body: { form: { decision: 'approve' } },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('separation_of_duties');
    expect(r.body.error.message).toContain('岗位不相容');
    expect(r.body.error.message).not.toMatch(ENGLISH);
    // Art. 65: the city's second reviewer, who did no earlier step, and an approver complete the case.
    const second = await s.complete(caseNumber, 'claim_second_review', 'secondReviewer', { decision: 'approve' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    const approval = await s.complete(caseNumber, 'claim_approve', 'approver', { decision: 'approve' });
    expect(approval.status, JSON.stringify(approval.body)).toBe(200);
    const view = await s.caseWhen(caseNumber, (v) => v.status === 'approved');
    expect(view.status).toBe('approved');
  });
});
