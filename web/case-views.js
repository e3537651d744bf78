// The parts of a case both the task page and the case page show: summary, determination, timeline.
import { api, dateTime, dueText, h, label, table, yuan } from './app.js';

/** A definition list from [term, value] pairs (pairs with an empty value left out). */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/**
 * The case summary. `claim` is either the case view (masked fields: idNumberMasked…) or the task view (the API gives
 * the clerk who does the task the data whole, others masked).
 */
export function caseSummary(c) {
  const claim = c.claim;
  const a = claim?.applicant;
  return facts([
    ['案件编号', c.caseNumber],
    ['案件类别', label('caseType', c.caseType)],
    [
      '办理状态',
      h(
        'span',
        {},
        h('strong', { class: 'case-status' }, label('caseStatus', c.status)),
        // Art. 42, 43: the benefit beside the claim's decision (发放中, 已停发, 追回中…).
        c.benefit
          ? h('span', { class: `benefit-state benefit-${c.benefit.status}` }, `（待遇：${c.benefit.label}）`)
          : null,
      ),
    ],
    ['经办机构', c.agency ? `${c.agency.name}（${c.agency.code}）` : ''],
    ['申请时间', dateTime(claim?.submittedAt ?? c.createdAt)],
    ['申请渠道', label('channel', claim?.channel)],
    ['申请人', a ? (a.name ?? a.nameMasked) : ''],
    ['证件', a ? `${label('idType', a.idType)} ${a.idNumber ?? a.idNumberMasked}` : ''],
    ['联系电话', a ? (a.phone ?? a.phoneMasked) : ''],
    ['原参保单位', claim ? `${claim.employer.name}（${claim.employer.uscc}）` : ''],
    [
      '终止或解除劳动关系',
      claim ? `${claim.separation.date}，${label('separationReason', claim.separation.reason)}` : '',
    ],
    [
      '待遇发放方式',
      claim
        ? `${label('paymentMethod', claim.payment.method)} ${claim.payment.bankName ?? ''} ${claim.payment.accountNumber ?? claim.payment.accountNumberMasked}`
        : '',
    ],
  ]);
}

/** A step's output as text: objects as `key: value` pairs, lists joined. */
const show = (v) =>
  v === null || v === undefined
    ? ''
    : Array.isArray(v)
      ? v.map(show).join('、') || '无'
      : typeof v === 'object'
        ? Object.entries(v)
            .map(([k, x]) => `${k}: ${show(x)}`)
            .join('；')
        : String(v);

const VERDICTS = { eligible: '符合申领条件', ineligible: '不符合申领条件', pending: '待补充或待认定' };
const REASONS = {
  initial: '初次核定',
  recheck: '重新核查',
  ruling: '失业原因认定后核定',
  correction: '更正后重新核定',
  objection: '复核更正后重新核定',
};
const STEPS = { review: '审核', second_review: '复核', approve: '审批' };
const NUMERALS = '零一二三四五六七八九';
/** 'Art. 38' → '第三十八条'. */
export function articleLabel(a) {
  const n = Number(/\d+/.exec(a ?? '')?.[0]);
  if (!Number.isInteger(n) || n < 1 || n > 99) return a ?? '';
  const t = Math.floor(n / 10);
  const o = n % 10;
  return `第${(t > 1 ? NUMERALS[t] : '') + (t > 0 ? '十' : '') + (o > 0 ? NUMERALS[o] : '')}条`;
}

/** The determination (待遇核定) with its explanation step by step and the articles it applies, or why there is none. */
export async function determinationView(caseNumber) {
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}/determination`);
  if (res.status === 404) return [h('p', { class: 'empty' }, '尚未核定（受理后由系统按规程第三十八条核定）')];
  if (!res.ok) return [h('p', { class: 'empty' }, '无法查看待遇核定')];
  const d = res.data.versions.find((v) => v.version === res.data.current);
  const article = (a) => h('span', { class: 'article' }, articleLabel(a));
  const listOf = (title, items, line) =>
    items?.length
      ? [
          h('h3', {}, title),
          h(
            'ul',
            {},
            items.map((x) => h('li', {}, ...line(x))),
          ),
        ]
      : [];
  const route = d.reviewRoute;
  return [
    facts([
      [
        '核定版本',
        `第 ${d.version} 版（${REASONS[d.reason] ?? d.reason}，${d.determinedOn}）${d.revoked ? `，已撤销（${d.revoked.revocationNumber}）` : ''}`,
      ],
      ['核定结论', h('strong', { class: `verdict verdict-${d.verdict}` }, VERDICTS[d.verdict] ?? d.verdict)],
      ['累计缴费月数', `${d.contributionMonths} 个月`],
      ['领取期限', d.months === null ? '' : `${d.months} 个月`],
      ['月发放标准', d.monthlyAmountFen === null ? '' : yuan(d.monthlyAmountFen)],
      ['合计', d.totalFen === null ? '' : yuan(d.totalFen)],
      ['领取起止', d.startDate ? `${d.startDate} 至 ${d.endDate}` : ''],
      ['离职原因', d.selfDeclared ? '本人自述并书面承诺，列入稽核（第三十八条第三款）' : ''],
      [
        '审核方式',
        route
          ? `${route.steps.length ? route.steps.map((x) => STEPS[x] ?? x).join(' → ') : '免复审（系统自动审核）'}：${route.rule.text}`
          : '',
      ],
    ]),
    ...listOf('不符合条件的原因', d.reasons, (r) => [r.message, '（', article(r.article), '）']),
    ...listOf('待补充或待认定事项', d.openQuestions, (q) => [
      q.kind === 'materials'
        ? `需补充材料：${q.materials.map((m) => m.label).join('、')}`
        : q.kind === 'arrears'
          ? `原单位欠缴 ${q.months.length} 个月失业保险费，待补缴或本人签署放弃补缴承诺书（第四十一条）`
          : q.message,
    ]),
    ...listOf('申报与记录不一致（以记录为准）', d.conflicts, (c) => [c.message, '（', article(c.article), '）']),
    table(
      '核定过程与依据',
      [
        { title: '规则', cell: (s) => s.rule },
        { title: '依据', cell: (s) => h('span', { class: 'article' }, articleLabel(s.article)) },
        { title: '结果', cell: (s) => show(s.output) },
        {
          title: '参数来源',
          cell: (s) => (s.parameters ?? []).map((p) => `${p.document} ${p.article}（${p.effectiveFrom}起）`).join('；'),
        },
      ],
      d.explanation ?? [],
    ),
  ];
}

/** The timeline of a case: what happened, when, by whom. */
/** An event's name, with the due date it set when that date is provisional or was recomputed (暂定, Art. 11, 37). */
function eventText(e) {
  const d = e.data ?? {};
  // Events numbered per round or version (claim_determined_2) read as their kind.
  const kind = e.type.replace(/_\d+$/, '');
  if (e.type === 'deadline_recomputed') {
    const kept = d.binds === 'person' && d.computed && d.computed < d.after ? '（已告知当事人的期限不提前）' : '';
    return h('span', {}, `${label('event', e.type)}：${d.before} → `, dueText(d.after, d.provisional), kept);
  }
  if (d.dueDate && d.provisional) return h('span', {}, `${label('event', kind)}，期限 `, dueText(d.dueDate, true));
  return label('event', kind);
}

export function timelineView(events) {
  return table(
    '办理过程（按时间先后）',
    [
      { title: '时间', cell: (e) => dateTime(e.at) },
      { title: '事项', cell: eventText },
      { title: '经办人', cell: (e) => e.actor },
    ],
    events,
    '暂无记录',
  );
}

/** The payments of a case (Art. 39, 44, 63): month, item, amount in yuan, result; no account numbers. */
export function paymentsView(payments) {
  return table(
    '待遇发放记录（每月由市级经办机构统一发放）',
    [
      { title: '月份', cell: (p) => p.month },
      { title: '项目', cell: (p) => label('payableKind', p.kind) },
      { title: '金额', cell: (p) => yuan(p.amountFen) },
      { title: '第几次发放', cell: (p) => String(p.attempt) },
      {
        title: '结果',
        cell: (p) =>
          h(
            'span',
            { class: `payable-${p.status}` },
            label('payableStatus', p.status),
            p.resultCode ? `（${p.resultCode}）` : '',
          ),
      },
      { title: '到账时间', cell: (p) => dateTime(p.paidAt) },
    ],
    payments ?? [],
    '尚无发放记录',
  );
}

/** Art. 42: the stops of the benefit period: reason, date (re-dated: the date first found too), who found it. */
export function stopsView(stops) {
  const foundBy = (s) => (s.foundBy.ref ? `${s.foundBy.label}（${s.foundBy.ref}）` : s.foundBy.label);
  return table(
    '停发记录（第四十二条）',
    [
      { title: '停发编号', cell: (s) => s.stopId },
      { title: '停发原因', cell: (s) => s.reasonLabel },
      {
        title: '停发日期',
        cell: (s) => (s.date === s.foundDate ? s.date : `${s.date}（原记录 ${s.foundDate}，经稽核更正）`),
      },
      { title: '发现方式', cell: foundBy },
      { title: '发现时间', cell: (s) => dateTime(s.foundAt) },
      {
        title: '状态',
        cell: (s) => (s.status === 'lifted' ? `经复核撤销停发${s.liftedBy ? `（${s.liftedBy}）` : ''}` : '停发'),
      },
      { title: '追回编号', cell: (s) => s.recoveryIds.join('、') || '无多领' },
    ],
    stops ?? [],
    '没有停发记录',
  );
}

/** Art. 43: the recoveries of the claim, one per stop: amount, repaid, balance, where each stands. */
export function recoveriesView(recoveries) {
  return table(
    '待遇追回（第四十三条）',
    [
      { title: '追回编号', cell: (r) => r.recoveryId },
      { title: '停发编号', cell: (r) => r.stopId ?? '' },
      { title: '停发日期', cell: (r) => r.stopDate },
      { title: '多领金额', cell: (r) => yuan(r.amountFen) },
      { title: '已退回', cell: (r) => yuan(r.repaidFen) },
      { title: '尚需退回', cell: (r) => yuan(r.balanceFen) },
      { title: '办理状态', cell: (r) => r.statusLabel },
      { title: '退回期限', cell: (r) => r.dueDate ?? '' },
    ],
    recoveries ?? [],
    '没有追回案件',
  );
}
