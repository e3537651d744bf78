/**
 * The determination as people read it on the pages (issue 21; Art. 38): every step of real verdicts — eligible,
 * ineligible, pending, with a conflict, with arrears waived — put into Chinese sentences by web/explanation.js, with
 * the article as 第N条, amounts in 元 with two decimals, and no key, code or English value of the API's data left.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { claimVerdict } from '../../../domain/claim-verdict';
import type { ExplanationStep } from '../../../domain/explanation';
import { DATE, EMPLOYER, facts, inputs, OTHER } from '../domain/claim-fixtures';
import { policy } from '../domain/helpers';

interface Sentences {
  rule: string;
  article: string;
  used: string;
  result: string;
  rounding: string;
}
const web = (await import(pathToFileURL(join(import.meta.dirname, '../../../web/explanation.js')).href)) as {
  explainStep(step: ExplanationStep): Sentences;
  articleLabel(a: string): string;
  yuan(fen: number): string;
  chineseOnly(text: string): string;
};

/** The verdicts of the cases a clerk meets, each with its explanation. */
function explanations(): [string, ExplanationStep[]][] {
  const eligible = facts(130);
  const voluntary = facts(36);
  voluntary.tax.employments[0]!.separationReason = 'voluntary_resignation';
  voluntary.pension.receivesPension = true;
  const conflict = facts(36);
  conflict.declared.employerUscc = OTHER;
  conflict.declared.separationDate = '2026-09-30';
  const arrears = facts(20);
  arrears.tax.arrears = [{ employerUscc: EMPLOYER, month: '2024-01' }];
  const unknown = facts(36);
  unknown.hukou = { result: 'not_found', hukouDivisionCode: null, registrationStatus: null } as never;
  unknown.declared.payingLocality.basis = 'hukou';
  const unrecorded = facts(36);
  unrecorded.tax.employments[0]!.separationReason = null;
  return [
    ['eligible', claimVerdict(eligible, inputs(), policy, DATE).explanation],
    ['ineligible', claimVerdict(voluntary, inputs(), policy, DATE).explanation],
    ['conflict', claimVerdict(conflict, inputs(), policy, DATE).explanation],
    ['arrears', claimVerdict(arrears, inputs(), policy, DATE).explanation],
    ['arrears waived', claimVerdict(arrears, inputs({ waivedMonths: ['2024-01'] }), policy, DATE).explanation],
    ['materials', claimVerdict(unknown, inputs(), policy, DATE).explanation],
    ['reason not recorded', claimVerdict(unrecorded, inputs(), policy, DATE).explanation],
  ];
}

/** English words left in a text (USCCs, which are codes people read as such, aside). */
const english = (text: string) => text.replace(/\b[0-9A-Z]{18}\b/g, '').match(/[A-Za-z]{2,}/g) ?? [];

describe('the explanation of a determination in Chinese sentences (issue 21; Art. 38)', () => {
  for (const [name, steps] of explanations()) {
    it(`says every step of a verdict (${name}) in Chinese, the article as 第N条 (Art. 38)`, () => {
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        const s = web.explainStep(step);
        const text = `${s.rule} ${s.article} ${s.used} ${s.result} ${s.rounding}`;
        expect(english(text), `${step.rule}: ${JSON.stringify(step.inputs)} → ${JSON.stringify(step.output)}`).toEqual(
          [],
        );
        expect(s.article).toMatch(/^第[一二三四五六七八九十]+条$/);
        expect(s.result).not.toBe('');
        // A code without words would read as 其他: every value has its words.
        expect(text, step.rule).not.toContain('其他');
      }
    });
  }

  it('gives amounts in 元 with two decimals, periods in months and years, conclusions in words (Art. 38)', () => {
    const steps = explanations()[0]![1].map(web.explainStep);
    const byRule = (part: string) => steps.find((s) => s.rule.includes(part))!;
    expect(byRule('失业保险金月标准 =').result).toMatch(/^[\d,]+\.\d{2} 元$/);
    expect(byRule('失业保险金月标准 =').used).toMatch(/最低工资标准 [\d,]+\.\d{2} 元\/月/);
    expect(byRule('失业保险金月标准 =').used).toMatch(/计发比例 \d+(\.\d+)?%/);
    expect(byRule('应领取失业保险金总额').result).toMatch(/^[\d,]+\.\d{2} 元$/);
    expect(byRule('累计缴费年限按满整年计算').result).toBe('10 年');
    expect(byRule('按累计缴费年限确定领取失业保险金期限').result).toMatch(/^\d+ 个月$/);
    expect(byRule('待遇领取地最低工资标准').used).toContain('沈阳市');
    expect(byRule('待遇领取地最低工资标准').used).toMatch(/最低工资档次 第[一二三]档/);
    expect(steps.at(-1)!.result).toBe('符合申领条件');
    const refused = explanations()[1]![1].map(web.explainStep);
    expect(refused.at(-1)!.result).toBe('不符合申领条件');
    expect(refused.at(-1)!.used).toBe('不符合条件的原因 因本人意愿中断就业、已领取基本养老保险待遇');
  });

  it('keeps the Chinese of a source that carries English notes, and says 第N条 for Art. N', () => {
    expect(web.chineseOnly('辽宁省最低工资标准调整 (2025) — document not seen; value as cited by a third party')).toBe(
      '辽宁省最低工资标准调整 (2025)',
    );
    expect(web.chineseOnly('失业保险金标准 (article number not seen)')).toBe('失业保险金标准');
    expect(web.chineseOnly('ASSUMPTION: the mapping was not found')).toBe('');
    expect(web.chineseOnly('四舍五入到分 (round half away from zero to the fen)')).toBe('四舍五入到分');
    expect(['Art. 8', 'Art. 10', 'Art. 13', 'Art. 38', 'Art. 98'].map(web.articleLabel)).toEqual([
      '第八条',
      '第十条',
      '第十三条',
      '第三十八条',
      '第九十八条',
    ]);
    expect(web.yuan(223000)).toBe('2,230.00 元');
  });
});
