/**
 * The applicant's own view of a case (Art. 30, 31; issue 21 item 5): the steps taken and by which post, never the
 * clerk's username, their internal comments, the agency's task bookkeeping or a link into the workflow engine. Staff
 * of the agency see all of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from './harness';

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ name: 'party-view' });
});
afterAll(async () => {
  await s?.close();
});

const CLEAN = 'eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid';
const NOTE = '内部备注：已电话联系原单位核实';

describe('what the applicant sees of their case (Art. 30, 31)', () => {
  it('Art. 30, 31: the applicant sees the review by its post (审核（初审）), not the reviewer, without comments, task bookkeeping or the engine link; staff see them', async () => {
    // Declared voluntary against a record of an expired contract: a person reviews (Art. 38).
    const [person] = await s.people(CLEAN, 1, (p) => p.paidMonths < 48 && p.separationReason === 'contract_expired');
    const claim = await s.claimFor(person!, (c) => ({
      ...c,
      separation: { ...c.separation, reason: 'voluntary_resignation' },
    }));
    const filed = await s.file(claim);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNumber = filed.body.caseNumber as string;
    await s.caseWhen(caseNumber, (v) => v.status === 'awaiting_review');
    const staff = await s.staffOf(s.agencyOf(caseNumber));
    const done = await s.complete(caseNumber, 'claim_review', 'reviewer', { decision: 'approve', comment: NOTE });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const staffView = await s.caseWhen(caseNumber, (v) => v.status === 'approved');

    // Staff: the reviewer by name, the comment, the task's opening, the engine's link.
    const staffJson = JSON.stringify(staffView);
    expect(staffView.events.map((e: { actor: string }) => e.actor)).toContain(staff.reviewer.username);
    expect(staffJson).toContain(NOTE);
    expect(staffView.events.map((e: { type: string }) => e.type)).toContain('task_opened');
    expect(staffView.links.temporalUi).toContain(caseNumber);

    // The applicant, signed in by SMS code: the same case as a party may know it.
    const headers = await s.applicant(person!);
    const own = await s.call('GET', `/cases/${caseNumber}`, { headers });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    const ownJson = JSON.stringify(own.body);
    for (const who of Object.values(staff)) expect(ownJson).not.toContain(who.username);
    expect(ownJson).not.toContain(NOTE);
    expect(own.body.links).toEqual({});
    const types = own.body.events.map((e: { type: string }) => e.type);
    expect(types).not.toContain('task_opened');
    const review = own.body.events.find(
      (e: { type: string; data: { type?: string } }) => e.type === 'task_completed' && e.data.type === 'claim_review',
    );
    expect(review).toMatchObject({ actor: '审核（初审）', data: { decision: { decision: 'approve' } } });
    expect(own.body.status).toBe('approved');
  });
});
