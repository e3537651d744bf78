import { describe, expect, it } from 'vitest';
import { deadlineFor } from '../../../domain/deadlines';
import { ObjectionFormSchema, LitigationFormSchema } from '../../../domain/forms';
import { messageText } from '../../../domain/messages';
import { calendar, policy } from './helpers';

describe('objection and recovery deadlines on the packaged 2026 calendar (Art. 13, 43)', () => {
  it('makes an objection received on Fri 2026-09-25 (中秋) due on Fri 2026-10-09, after the National Day week (Art. 13)', () => {
    const d = deadlineFor(policy, 'art13.reviewConclusion', '2026-09-25', calendar);
    expect(d).toMatchObject({ dueDate: '2026-10-09', dueInstant: '2026-10-09T16:00:00.000Z' });
  });

  it('counts the adjusted workday Sat 2026-10-10 for an objection received on Wed 2026-09-30 (Art. 13)', () => {
    expect(deadlineFor(policy, 'art13.reviewConclusion', '2026-09-30', calendar).dueDate).toBe('2026-10-13');
  });

  it('states the remedies from receipt: 60 days and 6 months (Art. 13), repayment in 30 days (Art. 43)', () => {
    expect(deadlineFor(policy, 'art13.administrativeReconsideration', '2026-10-09', calendar).dueDate).toBe(
      '2026-12-08',
    );
    expect(deadlineFor(policy, 'art13.administrativeLitigation', '2026-10-09', calendar).dueDate).toBe('2027-04-09');
    expect(deadlineFor(policy, 'art43.repayment', '2026-11-27', calendar).dueInstant).toBe('2026-12-27T16:00:00.000Z');
  });
});

describe('objection and litigation forms and notices (Art. 13, 43)', () => {
  it('refuses a correction that corrects nothing, and an uphold without reasons', () => {
    const r = ObjectionFormSchema.safeParse({ decision: 'correct', correction: {}, reasons: ['证据属实'] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path[0]).toBe('correction');
    expect(ObjectionFormSchema.safeParse({ decision: 'uphold', reasons: [] }).success).toBe(false);
    expect(
      LitigationFormSchema.safeParse({
        decision: 'litigation_filed',
        court: '沈阳市和平区人民法院',
        filedOn: '2026-12-30',
      }).success,
    ).toBe(true);
  });

  it('tells the person the conclusion with the dates of both remedies (Art. 13)', () => {
    const text = messageText('objection_concluded', {
      caseNumber: 'SYJ-2026-210100-7K3M9Q2XHD',
      objectionNumber: 'FHJ-2026-210100-7K3M9Q2XHE',
      outcome: 'corrected',
      reasons: ['视同缴费年限证明属实'],
      reconsiderationUntil: '2026-12-08',
      litigationUntil: '2027-04-09',
    });
    expect(text).toContain('纠正原决定');
    expect(text).toContain('可于2026-12-08前申请行政复议，或于2027-04-09前提起行政诉讼');
  });
});
