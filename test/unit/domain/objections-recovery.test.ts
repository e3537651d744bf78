import { describe, expect, it } from 'vitest';
import { deadlineFor } from '../../../domain/deadlines';
import { ObjectionFormSchema, LitigationFormSchema } from '../../../domain/forms';
import { correctionMisfit, OBJECTABLE_DECISIONS } from '../../../domain/objection-forms';
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

  it('tells an employer the conclusion in its own name (贵单位), with the same dates (Art. 13)', () => {
    const text = messageText('objection_concluded', {
      caseNumber: 'WGF-2026-210100-7K3M9Q2XHD',
      objectionNumber: 'FHJ-2026-210100-7K3M9Q2XHE',
      outcome: 'upheld',
      reasons: ['信用状况证明不属实'],
      reconsiderationUntil: '2026-12-08',
      litigationUntil: '2027-04-09',
      objector: 'employer',
    });
    expect(text).toContain('贵单位对WGF-2026-210100-7K3M9Q2XHD提出的复核申请');
    expect(text).toContain('维持原决定');
    expect(text).toContain('可于2026-12-08前申请行政复议，或于2027-04-09前提起行政诉讼');
  });

  it('states the remedies of a refusal with their dates when the case has them, else their time limits (Art. 13)', () => {
    const refused = {
      caseNumber: 'JNB-2026-210100-7K3M9Q2XHD',
      reasons: ['国家职业资格证书网未查到该证书（Art. 50）'],
    };
    expect(
      messageText('skill_subsidy_refused', {
        ...refused,
        reconsiderationUntil: '2026-12-08',
        litigationUntil: '2027-04-09',
      }),
    ).toContain('于2026-12-08前申请行政复议，于2027-04-09前提起行政诉讼');
    expect(messageText('skill_subsidy_refused', refused)).toContain('60日内申请行政复议、6个月内提起行政诉讼');
  });
});

describe('which corrections fit which decision, by case type (Art. 13)', () => {
  const reopen = (step: 'acceptance' | 'determination' | 'review') => ({ kind: 'reopen' as const, step });
  it('reopens a claim at its acceptance or determination, another case at its review', () => {
    expect(correctionMisfit('benefit_claim', 'refusal', reopen('determination'))).toBeNull();
    expect(correctionMisfit(undefined, 'refusal', reopen('acceptance'))).toBeNull();
    expect(correctionMisfit('benefit_claim', 'refusal', reopen('review'))?.path).toBe('correction.step');
    for (const caseType of ['childbirth_subsidy', 'survivor_benefits', 'skill_subsidy', 'job_retention_refund']) {
      expect(correctionMisfit(caseType, 'refusal', reopen('review')), caseType).toBeNull();
      expect(correctionMisfit(caseType, 'refusal', reopen('determination'))?.path, caseType).toBe('correction.step');
      expect(
        correctionMisfit(caseType, 'refusal', { kind: 'contribution_record', deemedContributionMonths: 12 })?.path,
      ).toBe('correction.kind');
    }
  });

  it('pays a withdrawn grant whole, and resumes a stopped period from a month', () => {
    expect(correctionMisfit('skill_subsidy', 'withdrawal', { kind: 'resume' })).toBeNull();
    expect(correctionMisfit('skill_subsidy', 'withdrawal', { kind: 'resume', fromMonth: '2026-12' })?.path).toBe(
      'correction.fromMonth',
    );
    expect(correctionMisfit('benefit_claim', 'stop_decision', { kind: 'resume', fromMonth: '2026-12' })).toBeNull();
    expect(correctionMisfit('job_retention_refund', 'withdrawal', reopen('review'))?.path).toBe('correction.kind');
  });

  it('lists the decisions open to 复核 by case type: an objection case has none', () => {
    expect(Object.keys(OBJECTABLE_DECISIONS.benefit_claim!).sort()).toEqual(
      ['determination', 'refusal', 'review_result', 'stop_decision'].sort(),
    );
    expect(Object.keys(OBJECTABLE_DECISIONS.job_retention_refund!).sort()).toEqual(['refusal', 'withdrawal']);
    expect(OBJECTABLE_DECISIONS.objection_review).toBeUndefined();
    expect(correctionMisfit('objection_review', 'refusal', reopen('review'))?.message).toContain('不予更正');
  });
});
