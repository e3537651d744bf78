// Shared by every page: the JSON API with the session cookie, safe DOM building, the 规程's words for codes, and the
// page header. Data is only ever put into the page as text (never as HTML).

/** Calls the API; answers { status, ok, data } (data: the JSON body, or null). */
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, ok: res.ok, data };
}

/** h('a', { href, class: 'x', onclick }, 'text', child…): an element; strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** Replaces the children of `target` (strings as text; null, undefined and false left out). */
export function fill(target, ...children) {
  target.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}
export const param = (name) => new URLSearchParams(location.search).get(name);

/** The 规程's words for the codes the API answers with (the code itself when there is none). */
export const LABELS = {
  role: {
    intake: '受理',
    reviewer: '审核（初审）',
    second_reviewer: '复核',
    approver: '审批',
    finance: '财务',
    auditor: '稽核内控',
    supervisor: '业务监督',
    administrator: '系统管理',
    employer_agent: '单位经办人',
  },
  taskType: {
    claim_acceptance: '失业保险金申领受理',
    claim_review: '失业保险金审核',
    claim_second_review: '失业保险金复核',
    claim_approve: '失业保险金审批',
    claim_separation_ruling: '失业原因认定',
    revocation_approval: '撤销核定审批',
    calendar_year_notice: '录入国务院办公厅节假日安排通知（工作日历）',
  },
  step: { accept: '受理', review: '审核', second_review: '复核', approve: '审批' },
  caseType: {
    benefit_claim: '失业保险金申领',
    benefit_period: '失业保险金发放',
    payment_run: '待遇发放批次',
    monthly_check: '领金资格月度比对',
    other_benefit: '其他待遇',
    objection_review: '争议复核',
    overpayment_recovery: '待遇追回',
    determination_revocation: '撤销核定',
    calendar_year: '工作日历',
    childbirth_subsidy: '医疗补助金',
    survivor_benefits: '丧葬补助金和抚恤金',
    skill_subsidy: '技能提升补贴',
    job_retention_refund: '稳岗返还',
    public_notice: '公示',
  },
  caseStatus: {
    received: '已收到申请',
    awaiting_acceptance: '待受理',
    awaiting_materials: '待补充材料',
    awaiting_arrears: '待补缴欠费',
    awaiting_review: '审核中',
    awaiting_second_review: '复核中',
    awaiting_approval: '审批中',
    approved: '审核通过',
    refused: '不予受理或审核不通过',
    closed: '已办结',
    cancelled: '已撤销',
    revoked: '核定已撤销',
    not_revoked: '不予撤销',
    withdrawn: '经稽核不予发放',
    rectified: '已整改',
  },
  taskStatus: { open: '待办', completed: '已办结', cancelled: '已撤销' },
  event: {
    claim_received: '收到申请',
    acceptance_checked: '共享数据自动核验',
    claim_determined: '共享数据自动核验',
    separation_ruling_requested: '失业原因待认定',
    materials_requested: '一次性告知补充材料',
    materials_supplied: '已补充材料',
    acceptance_resumed: '继续受理',
    task_opened: '生成待办任务',
    task_claimed: '领取任务',
    task_released: '退回任务',
    task_completed: '办结任务',
    task_reassigned: '改派任务',
    task_extended: '延长办理时限',
    task_overdue: '任务超期',
    task_escalated: '超期上报',
    claim_accepted: '受理，待遇核定',
    claim_review_passed: '审核通过',
    claim_second_review_passed: '复核通过',
    claim_approve_passed: '审批通过',
    claim_refused: '不予受理或审核不通过',
    arrears_notified: '告知欠费',
    arrears_waived: '放弃欠费期间',
    materials_not_supplied: '逾期未补充材料，办结',
    case_cancelled: '撤销',
    determination_revocation_proposed: '提出撤销核定',
    determination_revoked: '撤销核定',
    determination_revocation_rejected: '不予撤销核定',
    deadline_recomputed: '工作日历录入后重新计算期限',
    calendar_notice_awaited: '待录入国务院办公厅节假日安排通知',
    calendar_notice_entered: '已录入节假日安排通知',
    skill_subsidy_received: '收到技能提升补贴申请',
    skill_subsidy_assessed: '系统自动审核',
    skill_subsidy_employer_conflict: '申报的单位与参保记录不一致，以参保记录为准',
    skill_subsidy_granted: '审核通过，公示',
    skill_subsidy_refused: '审核不通过',
    skill_subsidy_withdrawn: '经公示有异议，不予发放',
    skill_subsidy_paid: '补贴已发放',
    job_retention_screened: '免申即享，审核通过',
    job_retention_assessed: '系统自动审核',
    job_retention_evidence_requested: '请单位提供证明材料',
    job_retention_refused: '审核不通过',
    job_retention_in_notice: '公示',
    job_retention_withdrawn: '经公示有异议，不予返还',
    job_retention_paid: '返还资金已拨付',
    employer_informed: '告知单位',
    notice_published: '公示',
    notice_objection: '公示期间有异议',
    benefit_stopped: '停止发放',
    stop_not_reached: '发现停止领取情形，待遇期未在运行，已告知主管',
    payments_held: '疑点经核实，暂停发放',
    payments_released: '整改审批：恢复发放',
    payments_stopped: '整改审批：停止发放',
    payments_withdrawn: '整改审批：不予发放',
    rectification_decided: '整改意见审批',
    // 复核 (Art. 13): the objection, its conclusion, and what the case objected to did with it.
    objection_filed: '提出复核申请',
    objection_upheld: '复核结论：维持原决定',
    objection_corrected: '复核结论：纠正原决定',
    objection_correction_applied: '复核结论已执行',
    record_correction_referred: '权益记录更正，待复核、审批',
    claim_reopened: '复核纠正，重新办理',
    other_benefit_reopened: '复核纠正，重新审核',
    skill_subsidy_reopened: '复核纠正，重新审核',
    job_retention_reopened: '复核纠正，重新审核',
    other_benefit_resumed: '复核纠正，恢复发放',
  },
  stuckReason: {
    task_overdue: '任务超期',
    activity_failing: '外部调用持续失败',
    workflow_task_failing: '流程执行失败',
    idle: '长期无进展',
  },
  channel: { online: '网上申请', window: '窗口申请', kiosk: '自助终端' },
  separationReason: {
    contract_expired: '劳动合同期满终止',
    employer_dissolved: '用人单位破产、解散、撤销等终止',
    employer_terminated: '用人单位解除劳动合同',
    dismissed: '被用人单位开除、除名、辞退',
    employee_terminated_for_employer_fault: '因用人单位过错本人解除劳动合同',
    mutual_agreement_employer_proposed: '用人单位提出协商一致解除',
    voluntary_resignation: '本人辞职',
    other: '其他原因',
  },
  paymentMethod: { social_security_card: '社会保障卡', bank_account: '银行账户' },
  idType: { resident_id_card: '居民身份证', social_security_card: '社会保障卡', passport: '护照' },
  payableKind: { unemployment_benefit: '失业保险金', medical_premium: '基本医疗保险费（代缴）' },
  payableStatus: { pending: '待发放', sent: '已报送银行', paid: '已发放', failed: '发放失败', cancelled: '已取消' },
  bucket: { overdue: '已超期', due_today: '今日到期', within_2_workdays: '2个工作日内到期', later: '其后到期' },
};

export const label = (kind, code) => (code == null ? '' : (LABELS[kind]?.[code] ?? code));

/** 2026-11-27T01:02:03Z → 2026-11-27 09:02 (Beijing time). */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** Fen → 1,234.50 元. */
export const yuan = (fen) =>
  fen == null
    ? ''
    : `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;

/** Shows a message in the page's status region (role=status or alert). */
export function notify(text, kind = 'info') {
  const box = $('#messages');
  if (!box) return;
  box.replaceChildren(h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text));
}

/** An API error as one line of text. */
export function errorText(res) {
  const e = res.data?.error;
  if (res.status === 401) return '登录已失效，请重新登录';
  if (!e) return `请求失败（${res.status}）`;
  return `${e.message}（${e.code}）`;
}

/**
 * Puts the API's validation messages next to the fields: each `fields[].path` (e.g. `form.reasons.0`) goes to the
 * element with the longest matching `data-error-for` in `root`; the rest into the form's summary.
 */
export function showFieldErrors(root, res) {
  clearFieldErrors(root);
  const slots = [...root.querySelectorAll('[data-error-for]')];
  const rest = [];
  for (const f of res.data?.error?.fields ?? []) {
    const slot = slots
      .filter((s) => f.path === s.dataset.errorFor || f.path.startsWith(`${s.dataset.errorFor}.`))
      .sort((a, b) => b.dataset.errorFor.length - a.dataset.errorFor.length)[0];
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent}；${f.message}` : f.message;
      const input = slot.id && root.querySelector(`[aria-describedby~="${slot.id}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    } else rest.push(`${f.path}: ${f.message}`);
  }
  const summary = root.querySelector('.form-errors');
  if (summary) summary.textContent = [errorText(res), ...rest].join('；');
}

export function clearFieldErrors(root) {
  for (const el of root.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = root.querySelector('.form-errors');
  if (summary) summary.textContent = '';
}

/** The signed-in staff user, or to the sign-in page (coming back here afterwards). */
export async function requireUser() {
  const me = await api('/auth/me');
  if (!me.ok || me.data?.kind !== 'staff') {
    location.replace(`/app/?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new Error('not signed in');
  }
  return me.data;
}

/** The header: who is signed in, the pages their roles use, sign-out. */
export function renderHeader(me) {
  // An employer's agent (Art. 8) has its company's page only; staff have the agency's pages.
  const agent = me.roles.length === 1 && me.roles[0] === 'employer_agent';
  const links = agent ? [['/app/employer', '单位办件']] : [['/app/tasks', '我的工作台']];
  if (!agent) links.push(['/app/case', '案件查询']);
  if (me.roles.includes('supervisor') || me.roles.includes('auditor')) links.push(['/app/supervision', '业务监督']);
  if (me.roles.includes('administrator')) links.push(['/app/admin', '系统管理']);
  links.push(agent ? ['/app/notices', '公示'] : ['/app/public', '办件进度查询']);
  const here = location.pathname.replace(/\.html$/, '');
  const nav = h(
    'nav',
    { 'aria-label': '主导航' },
    h(
      'ul',
      {},
      links.map(([href, text]) =>
        h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : undefined }, text)),
      ),
    ),
  );
  const who = h(
    'p',
    { class: 'who' },
    `${me.displayName}（${me.username}，${me.agencyCode}，${me.roles.map((r) => label('role', r)).join('、')}）`,
  );
  const out = h(
    'button',
    {
      type: 'button',
      id: 'sign-out',
      onclick: async () => {
        await api('/auth/logout', { method: 'POST' });
        location.assign('/app/');
      },
    },
    '退出登录',
  );
  $('header').replaceChildren(h('p', { class: 'brand' }, '失业保险经办系统'), nav, who, out);
  void calendarBanner();
}

/** What 暂定 means next to a due date (the year's State Council notice is not entered yet). */
export const PROVISIONAL_NOTE =
  '暂定：该年度国务院办公厅节假日安排通知尚未录入，按《全国年节及纪念日放假办法》推算（未含调休）；录入后重新计算，已告知当事人的期限不会提前。';

/** A due date as shown: with （暂定） and its explanation when it is counted on the provisional calendar. */
export function dueText(date, provisional) {
  if (!provisional) return date;
  return h('span', { class: 'provisional', title: PROVISIONAL_NOTE }, `${date}（暂定）`);
}

/**
 * The banner of the staff pages while a year's working-day calendar is missing or provisional (from 1 November for
 * next year: Art. 94): what it means for the due dates, and who enters the notice.
 */
async function calendarBanner() {
  const r = await api('/calendar/status');
  document.getElementById('calendar-banner')?.remove();
  if (!r.ok || !r.data?.warning) return;
  const banner = h('div', { id: 'calendar-banner', class: 'calendar-banner', role: 'status' }, r.data.message);
  $('header').after(banner);
}

/** A table from column definitions [{ title, cell: (row) => Node|string }] and rows. */
export function table(caption, columns, rows, empty = '暂无数据') {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c.title)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((r) =>
            h(
              'tr',
              {},
              columns.map((c) => h('td', {}, c.cell(r))),
            ),
          )
        : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty)),
    ),
  );
}

/** A table of `rows` shown `pageSize` at a time, with previous/next buttons (client-side pages of one API answer). */
export function pagedTable(caption, columns, rows, { pageSize = 20, empty = '暂无数据' } = {}) {
  const box = h('div', { class: 'paged' });
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const show = (p) => {
    fill(
      box,
      table(
        pages > 1 ? `${caption}（第 ${p} / ${pages} 页）` : caption,
        columns,
        rows.slice((p - 1) * pageSize, p * pageSize),
        empty,
      ),
      pages > 1
        ? h(
            'nav',
            { class: 'pager', 'aria-label': `${caption}分页` },
            h('button', { type: 'button', disabled: p <= 1, onclick: () => show(p - 1) }, '上一页'),
            h('span', {}, `第 ${p} / ${pages} 页`),
            h('button', { type: 'button', disabled: p >= pages, onclick: () => show(p + 1) }, '下一页'),
          )
        : null,
    );
  };
  show(1);
  return box;
}

/** A labelled field: <div><label for=id>text</label>control<span id=id-error data-error-for=path></span></div>. */
export function field(text, control, errorPath) {
  const errorId = errorPath ? `${control.id}-error` : undefined;
  if (errorId) control.setAttribute('aria-describedby', errorId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, text),
    control,
    errorPath ? h('span', { class: 'field-error', id: errorId, dataset: { errorFor: errorPath } }) : null,
  );
}
