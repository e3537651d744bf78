// A determination's explanation as a clerk and an applicant read it (Art. 38): each step's rule (already in the
// 规程's words), its article as 第N条, and what it used and found as Chinese sentences — amounts in 元 with two
// decimals, months and years with their units, codes in words. The API keeps `inputs` and `output` as data; this is
// the one place that puts them into words (no DOM here, so test/unit/web-explanation.test.ts runs it on real verdicts).
import { cityName } from './agencies.js';
import { LABELS } from './labels.js';

const NUMERALS = '零一二三四五六七八九';
/** 'Art. 38' → '第三十八条' (1-99; the 规程 has 98 articles). */
export function articleLabel(a) {
  const n = Number(/\d+/.exec(a ?? '')?.[0]);
  if (!Number.isInteger(n) || n < 1 || n > 99) return a ?? '';
  const t = Math.floor(n / 10);
  const o = n % 10;
  return `第${(t > 1 ? NUMERALS[t] : '') + (t > 0 ? '十' : '') + (o > 0 ? NUMERALS[o] : '')}条`;
}

/** Fen → 1,234.50 元 (two decimals, always). */
export const yuan = (fen) =>
  fen == null
    ? ''
    : `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;

const REASON = {
  identity_mismatch: '姓名与身份证件号码不符',
  hukou_cancelled: '户籍已注销',
  not_hukou_locality: '户籍不在选择的领取地',
  not_last_insured_locality: '最后参保地不在选择的领取地',
  still_insured: '仍在参保单位就业缴费',
  insufficient_contributions: '累计缴费时间不足',
  voluntary_separation: '因本人意愿中断就业',
  separation_reason_needs_review: '失业原因需经办人员认定',
  receives_pension: '已领取基本养老保险待遇',
  receives_basic_pension: '已领取基本养老保险待遇',
  unresolved_arrears: '欠费待补缴或放弃补缴',
  deceased: '本人已死亡',
  reemployed: '已重新就业',
  already_receiving: '正在领取失业保险金',
};
const OPEN = { separation_reason: '失业原因待认定', arrears: '欠费待补缴或放弃补缴', materials: '待补充材料' };
const CONFLICT = { separation_date: '失业时间', separation_reason: '失业原因', employer: '原参保单位' };
const WORDS = {
  // verdicts and conclusions
  eligible: '符合申领条件',
  ineligible: '不符合申领条件',
  pending: '待补缴欠费或经办人员认定',
  needs_review: '转人工审核',
  involuntary: '非因本人意愿中断就业',
  voluntary: '因本人意愿中断就业',
  // 户籍核验 (Art. 37)
  match: '与户籍信息一致',
  not_found: '未找到户籍记录',
  name_mismatch: '姓名与身份证件号码不符',
  active: '正常',
  cancelled: '已注销',
  // where a fact comes from
  record: '税务部门参保记录',
  register: '参保单位减员申报记录（第二十一条）',
  declaration: '本人申报',
  ruling: '经办人员认定',
  termination_certificate: '解除（终止）劳动关系证明',
  written_commitment: '本人自述并书面承诺',
};

const months = (n) => `${n} 个月`;
const monthList = (v) => (Array.isArray(v) ? (v.length ? v.join('、') : '无') : months(v));
const yesNo = (v) => (v ? '是' : '否');
const codes = (dict) => (v) =>
  Array.isArray(v) ? (v.length ? v.map((c) => dict[c] ?? word(c)).join('、') : '无') : word(v);

/** Each key an explanation uses: its name in Chinese and how its value reads. */
const KEYS = {
  result: ['户籍核验', (v) => word(v)],
  registrationStatus: ['户籍状态', (v) => (v == null ? '无记录' : word(v))],
  declared: ['本人申报', (v) => sentence(v)],
  date: ['失业时间', (v) => v ?? '无'],
  reason: ['失业原因', (v) => (v == null ? '无记录' : (LABELS.separationReason[v] ?? v))],
  employerUscc: ['原参保单位（统一社会信用代码）', (v) => v ?? '无'],
  basis: ['依据', (v) => word(v)],
  conflicts: ['申报与记录不一致的事项', codes(CONFLICT)],
  separationReason: ['失业原因', (v) => (v == null ? '无记录' : (LABELS.separationReason[v] ?? v))],
  label: null, // the separation reason's own words, given beside its code: said once
  ruling: ['经办人员认定', (v) => (v == null ? '无' : sentence(v))],
  involuntary: ['认定结果', (v) => (v ? '非因本人意愿中断就业' : '因本人意愿中断就业')],
  by: ['认定人', (v) => v ?? ''],
  receivesPension: ['领取基本养老保险待遇', yesNo],
  receivesBasicPension: ['领取基本养老保险待遇', yesNo],
  deceased: ['民政部门死亡记录', (v) => (v ? '有' : '无')],
  employedSince: ['重新就业日期', (v) => v ?? '无'],
  activePeriod: ['正在领取的失业保险金', (v) => v ?? '无'],
  reasons: ['不符合条件的原因', codes(REASON)],
  open: ['待处理事项', codes(OPEN)],
  startDate: ['领取起始日', (v) => v ?? ''],
  months: ['领取期限', months],
  records: ['缴费记录', (v) => `${v} 条`],
  paidRecords: ['已缴费记录', (v) => `${v} 条`],
  distinctPaidMonths: ['不重复计算的缴费月数', months],
  duplicateMonths: ['重复的缴费月份（只计一次）', monthList],
  separationDate: ['失业时间', (v) => v ?? ''],
  excludedAfterSeparation: ['失业以后的缴费月份（不计）', monthList],
  remaining: ['计入的缴费月数', months],
  countedThroughMonth: ['上次核定已计至', (v) => v ?? ''],
  deemedContributionMonths: ['视同缴费月数', months],
  excludedEarlierSpell: ['上次已计算的缴费月数（不再计算）', months],
  deemedMonths: ['视同缴费月数', months],
  arrearsMonths: ['欠费月份', monthList],
  waivedMonths: ['放弃补缴的月份', monthList],
  waivedArrearsMonths: ['放弃补缴、不计入的欠费月份', monthList],
  unresolvedArrearsMonths: ['待补缴的欠费月份', monthList],
  paidMonths: ['实际缴费月数', months],
  totalMonths: ['累计缴费月数', months],
  wholeYears: ['满整年的缴费年限', (v) => `${v} 年`],
  minContributionMonths: ['最低累计缴费月数', months],
  contributionMonths: ['累计缴费月数', months],
  tableMonths: ['按缴费年限对应的领取期限', months],
  bracketCapMonths: ['国家规定的最长期限', months],
  spellMonths: ['本次领取期限', months],
  carriedOverMonths: ['前次应领而尚未领取的期限', months],
  overallMaxMonths: ['合并计算的最长期限', months],
  periodMonths: ['领取期限', months],
  payingLocality: ['待遇领取地', cityName],
  cityCode: ['所在市', cityName],
  city: null, // the city's short name, beside its code (said by cityCode)
  tier: ['最低工资档次', (v) => `第${NUMERALS[Number(/\d+/.exec(String(v))?.[0])] ?? v}档`],
  determinationDate: ['核定日', (v) => v ?? ''],
  minimumWageFen: ['最低工资标准', (v) => `${yuan(v)}/月`],
  shareBp: ['计发比例', (v) => `${(v / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}%`],
  monthlyAmountFen: ['月发放标准', yuan],
  minimumLivingStandardFen: ['城市居民最低生活保障标准', (v) => (v == null ? '未设定' : `${yuan(v)}/月`)],
  totalAmountFen: ['合计', yuan],
  amountFen: ['金额', yuan],
};

/** A code or Chinese text in words; a code without words reads as 其他. */
function word(v) {
  if (v == null) return '无';
  if (typeof v === 'boolean') return v ? '符合' : '不符合';
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return sentence(v);
  if (WORDS[v]) return WORDS[v];
  if (REASON[v]) return REASON[v];
  return /[\u4e00-\u9fff]/.test(v) || !/[a-z]/i.test(v) ? v : '其他';
}

/** { totalMonths: 36, minContributionMonths: 12 } → 累计缴费月数 36 个月，最低累计缴费月数 12 个月. */
export function sentence(data) {
  if (data == null) return '';
  if (typeof data !== 'object' || Array.isArray(data)) return word(data);
  return Object.entries(data)
    .filter(([k]) => KEYS[k] !== null)
    .map(([k, v]) => {
      const [name, show] = KEYS[k] ?? ['其他', word];
      return `${name} ${show(v)}`;
    })
    .join('，');
}

/** A step's result: a number by what the rule computes (年限, 期限, 金额), a conclusion in words. */
function resultOf(rule, output) {
  if (typeof output === 'number') {
    if (/年限按满整年/.test(rule)) return `${output} 年`;
    if (/标准|总额|金额/.test(rule)) return yuan(output);
    if (/期限/.test(rule)) return months(output);
    return String(output);
  }
  if (Array.isArray(output)) return output.length ? codes(REASON)(output) : '无不符合条件的情形';
  return word(output);
}

/**
 * The Chinese of a text that also carries English notes for developers (policy sources, rounding rules): parentheses
 * and segments (split at ' — ' and ';') with English words left out; '' when nothing Chinese is left.
 */
export function chineseOnly(text) {
  const english = /[A-Za-z]{2,}/;
  return String(text ?? '')
    .replace(/\s*[(（][^()（）]*[)）]/g, (group) => (english.test(group) ? '' : group))
    .split(/\s+—\s+|[;；]/)
    .map((part) => part.trim())
    .filter((part) => part && !english.test(part))
    .join('；');
}

/** One step as sentences: { rule, article: '第三十八条', used: '…', result: '…' }. */
export function explainStep(step) {
  return {
    rule: step.rule,
    article: articleLabel(step.article),
    used: sentence(step.inputs),
    result: resultOf(step.rule, step.output),
    rounding: chineseOnly(step.rounding),
  };
}
