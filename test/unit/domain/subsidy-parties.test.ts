/**
 * Who applies for a subsidy for whom, and where (Art. 8, 49, 50), and what the employer is told (Art. 49 及时告知):
 * the rules the API and the automatic review share.
 */
import { describe, expect, it } from 'vitest';
import { messageText } from '../../../domain/messages';
import { currentInsuredEmployer, jobRetentionYearProblem, skillSubsidyParties } from '../../../domain/subsidies';

const A = '91210100MA0AAAAAA1';
const B = '91210100MA0BBBBBB2';
const spell = (uscc: string, startDate: string, endDate: string | null) => ({
  employerUscc: uscc,
  employerName: uscc === A ? '甲公司' : '乙公司',
  startDate,
  endDate,
});

describe('the person’s insured employer (Art. 50 参保状态)', () => {
  it('is the employment still open, the latest begun of several', () => {
    expect(
      currentInsuredEmployer([spell(A, '2015-01-01', '2020-01-01'), spell(B, '2020-02-01', null)], [], '2026-12-01'),
    ).toEqual({ uscc: B, name: '乙公司' });
    expect(
      currentInsuredEmployer([spell(A, '2019-01-01', null), spell(B, '2021-02-01', null)], [], '2026-12-01'),
    ).toEqual({ uscc: B, name: '乙公司' });
  });

  it('is the employer of contributions paid for one of the last 3 months without an open employment, else none', () => {
    const paid = [{ employerUscc: A, employerName: '甲公司', month: '2026-09' }];
    expect(currentInsuredEmployer([spell(A, '2015-01-01', '2026-09-30')], paid, '2026-12-01')).toEqual({
      uscc: A,
      name: '甲公司',
    });
    expect(currentInsuredEmployer([spell(A, '2015-01-01', '2026-09-30')], paid, '2027-01-15')).toBeNull();
  });
});

describe('who applies where (Art. 8, 50)', () => {
  const insured = { uscc: A, name: '甲公司', agencyCode: '210100' };

  it('lets an employer agent apply for its own employee only', () => {
    expect(skillSubsidyParties({ agencyCode: '210100', declaredUscc: A, agentUscc: A }, insured).reasons).toEqual([]);
    expect(skillSubsidyParties({ agencyCode: '210100', declaredUscc: B, agentUscc: B }, insured).reasons).toEqual([
      'not_own_employee',
    ]);
    // A person insured nowhere is nobody's employee.
    expect(skillSubsidyParties({ agencyCode: '210100', declaredUscc: B, agentUscc: B }, null).reasons).toEqual([
      'not_own_employee',
    ]);
  });

  it('sends every application to the agency where the person is insured (参保地), whoever files it', () => {
    const tieling = { ...insured, agencyCode: '211200' };
    expect(skillSubsidyParties({ agencyCode: '210100', declaredUscc: A, agentUscc: null }, tieling).reasons).toEqual([
      'not_insured_here',
    ]);
    expect(skillSubsidyParties({ agencyCode: '211200', declaredUscc: A, agentUscc: null }, tieling).reasons).toEqual(
      [],
    );
    // No registration found: the place cannot be judged here (the review's insured status decides).
    expect(
      skillSubsidyParties({ agencyCode: '210100', declaredUscc: A, agentUscc: null }, { ...insured, agencyCode: null })
        .reasons,
    ).toEqual([]);
  });

  it('lets the record prevail over a declared employer that differs: a conflict, not a refusal', () => {
    expect(skillSubsidyParties({ agencyCode: '210100', declaredUscc: B, agentUscc: null }, insured)).toEqual({
      reasons: [],
      employerConflict: true,
    });
  });
});

describe('the year of a job-retention refund (Art. 49)', () => {
  it('is a year that has ended: never the current or a future one', () => {
    expect(jobRetentionYearProblem(2025, '2026-12-06')).toBeNull();
    expect(jobRetentionYearProblem(2026, '2026-12-06')).toContain('2025年或以前');
    expect(jobRetentionYearProblem(2031, '2026-12-06')).toContain('规程第四十九条');
    expect(jobRetentionYearProblem(2026, '2027-01-01')).toBeNull();
  });
});

describe('what the employer is told (Art. 49 及时告知)', () => {
  const granted = { caseNumber: 'WGF-2027-210100-0000000001', year: 2026, amountFen: 123_456, noticeEndDate: null };
  it('says 免申即享 only for a case the screening found', () => {
    expect(messageText('job_retention_granted', granted)).toContain('免申即享');
    expect(messageText('job_retention_approved', granted)).not.toContain('免申即享');
    expect(messageText('job_retention_approved', granted)).toContain('贵单位申请的2026年度稳岗返还');
  });
  it('says 经公示有异议 only for a withdrawal after the notice', () => {
    const refused = messageText('job_retention_refused', {
      caseNumber: granted.caseNumber,
      reasons: ['单位列入严重失信主体名单'],
    });
    expect(refused).toContain('未通过审核，原因：单位列入严重失信主体名单');
    expect(refused).not.toContain('经公示有异议');
    expect(
      messageText('subsidy_withdrawn', { caseNumber: granted.caseNumber, subsidy: '稳岗返还', reasons: ['x'] }),
    ).toContain('经公示有异议');
  });
});
