// The parts of a case the task page and the case page both show: summary, refusal reasons, determination, timeline,
// payments — all in the 规程's words, amounts in 元, articles as 第N条.
import { api, dateTime, h, label } from './app.js';
import { articleLabel, chineseOnly, explainStep, yuan } from './explanation.js';
import { actorLabel, eventKind } from './labels.js';
import { dueText } from './layout.js';
import { table } from './tables.js';

export { articleLabel };

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
    ['经办机构', c.agency ? c.agency.name : ''],
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

const article = (a) => h('span', { class: 'article' }, articleLabel(a));
const reasonLine = (r) =>
  typeof r === 'string' ? [r] : [r.message, r.article ? ['（', article(r.article), '）'] : null];

/**
 * Why a case was refused (Art. 11: 明确告知不通过原因), every reason with its article, and the remedies with their
 * last days (Art. 13); nothing when the case was not refused.
 */
export function refusalView(events) {
  const refused = (events ?? []).filter((e) => eventKind(e.type) === 'claim_refused').at(-1);
  if (!refused) return [];
  const d = refused.data ?? {};
  const r = d.remedies;
  return [
    h('h3', {}, d.stage === 'review' ? '审核不通过的原因' : '不予受理的原因'),
    h(
      'ul',
      { class: 'reasons' },
      (d.reasons ?? []).map((x) => h('li', {}, ...reasonLine(x))),
    ),
    r
      ? h(
          'p',
          {},
          `对决定不服的，可于 ${r.reconsiderationUntil} 前申请行政复议，或于 ${r.litigationUntil} 前提起行政诉讼（`,
          article('Art. 13'),
          '）。',
        )
      : null,
  ];
}

const REASONS = {
  initial: '初次核定',
  recheck: '重新核查',
  ruling: '失业原因认定后核定',
  correction: '更正后重新核定',
  objection: '复核更正后重新核定',
};
const STEPS = { review: '审核', second_review: '复核', approve: '审批' };

/** A policy parameter's source in Chinese (an unconfirmed value is said to be one). */
function sourceText(p) {
  const doc = chineseOnly(p.document) || '暂定值（来源文件尚未找到）';
  const art = chineseOnly(p.article);
  return `${doc}${art && art !== '—' ? ` ${art}` : ''}（${p.effectiveFrom}起${p.confirmed ? '' : '，未核对原文'}）`;
}

/** The explanation of a determination, step by step, as sentences (Art. 38). */
export function explanationView(steps) {
  return h(
    'ol',
    { class: 'explanation' },
    steps.map((s) => {
      const x = explainStep(s);
      return h(
        'li',
        {},
        h('p', { class: 'rule' }, h('span', { class: 'article' }, x.article), ' ', x.rule),
        x.used ? h('p', {}, `依据：${x.used}。`) : null,
        h('p', {}, `结果：${x.result}。`, x.rounding ? `（${x.rounding}）` : ''),
        s.parameters?.length ? h('p', { class: 'source' }, `参数：${s.parameters.map(sourceText).join('；')}`) : null,
      );
    }),
  );
}

/** The determination (待遇核定) with its explanation step by step and the articles it applies, or why there is none. */
export async function determinationView(caseNumber) {
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}/determination`);
  if (res.status === 404) return [h('p', { class: 'empty' }, '尚未核定（受理后由系统按规程第三十八条核定）')];
  if (!res.ok) return [h('p', { class: 'empty' }, '无法查看待遇核定')];
  const d = res.data.versions.find((v) => v.version === res.data.current);
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
        `第 ${d.version} 版（${REASONS[d.reason] ?? '重新核定'}，${d.determinedOn}）${d.revoked ? `，已撤销（${d.revoked.revocationNumber}）` : ''}`,
      ],
      ['核定结论', h('strong', { class: `verdict verdict-${d.verdict}` }, label('verdict', d.verdict))],
      ['累计缴费月数', `${d.contributionMonths} 个月`],
      ['领取期限', d.months === null ? '' : `${d.months} 个月`],
      ['月发放标准', d.monthlyAmountFen === null ? '' : yuan(d.monthlyAmountFen)],
      ['合计', d.totalFen === null ? '' : yuan(d.totalFen)],
      ['领取起止', d.startDate ? `${d.startDate} 至 ${d.endDate}` : ''],
      ['离职原因', d.selfDeclared ? '本人自述并书面承诺，列入稽核（第三十八条第三款）' : ''],
      [
        '审核方式',
        route
          ? `${route.steps.length ? route.steps.map((x) => STEPS[x] ?? x).join(' → ') : '免复审（系统自动审核）'}：${chineseOnly(route.rule.text)}`
          : '',
      ],
    ]),
    ...listOf('不符合条件的原因', d.reasons, reasonLine),
    ...listOf('待补充或待认定事项', d.openQuestions, (q) => [
      q.kind === 'materials'
        ? `需补充材料：${q.materials.map((m) => m.label).join('、')}`
        : q.kind === 'arrears'
          ? `原单位欠缴 ${q.months.length} 个月失业保险费，待补缴或本人签署放弃补缴承诺书（第四十一条）`
          : q.message,
    ]),
    ...listOf('申报与记录不一致（以记录为准）', d.conflicts, reasonLine),
    h('h3', {}, '核定过程与依据'),
    explanationView(d.explanation ?? []),
  ];
}

/** An event as a person reads it: its name, and what it decided where that matters (verdict, task, reasons, dates). */
function eventText(e) {
  const d = e.data ?? {};
  const kind = eventKind(e.type);
  const name = label('event', kind);
  if (kind === 'deadline_recomputed') {
    const kept = d.binds === 'person' && d.computed && d.computed < d.after ? '（已告知当事人的期限不提前）' : '';
    return h('span', {}, `${name}：${d.before} → `, dueText(d.after, d.provisional), kept);
  }
  let text = name;
  if ((kind === 'claim_determined' || kind === 'claim_redetermined') && d.verdict)
    text = `${name}：${label('verdict', d.verdict)}`;
  else if (kind.startsWith('task_') && d.type) {
    const decision = d.decision?.decision ?? (typeof d.decision === 'string' ? d.decision : null);
    text = `${name}：${label('taskType', d.type)}${decision ? `（${label('decision', decision)}）` : ''}`;
  } else if (kind === 'materials_requested' && d.dueDate && !d.provisional) text = `${name}，请于 ${d.dueDate} 前提交`;
  // A due date counted on the provisional calendar says so (暂定, Art. 11, 37).
  if (d.dueDate && d.provisional) return h('span', {}, `${text}，期限 `, dueText(d.dueDate, true));
  return text;
}

/** The timeline of a case: what happened, when, by whom. */
export function timelineView(events) {
  return table(
    '办理过程（按时间先后）',
    [
      { title: '时间', cell: (e) => dateTime(e.at) },
      { title: '事项', cell: eventText },
      { title: '经办人', cell: (e) => actorLabel(e.actor) },
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
            p.resultCode && p.resultCode !== 'paid' ? `（${label('paymentResult', p.resultCode)}）` : '',
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
