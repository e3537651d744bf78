// 补收补缴 (Art. 26): the employer's agent applies online for its own company's owed months, an intake clerk at a
// window for an employer of the agency; both see the cases, each with the assessment per month (养老保险缴费基数,
// 参保人数, the rates in force then), the late fee (滞纳金, 社会保险法第八十六条), what tax reported and the status.
import { $, api, dateTime, errorText, fill, h, label, notify, param, yuan } from './app.js';
import { clearErrors, field, onSubmit, showErrors } from './forms.js';
import { eventKind } from './labels.js';
import { staffHeader } from './layout.js';
import { table } from './tables.js';

let me;

async function start() {
  const res = await api('/auth/me');
  if (!res.ok || res.data?.kind !== 'staff') {
    location.replace(`/app/?next=${encodeURIComponent(location.pathname)}`);
    return;
  }
  me = res.data;
  staffHeader(me);
  if (agent()) {
    // The agent's own company (Art. 8), as its authorisation names it.
    const own = await api('/employer/contributions?from=9999-12');
    me.employerUscc = own.ok ? own.data.employer.uscc : '';
  }
  if (agent() || me.roles.includes('intake')) showForm();
  await showList();
  const n = param('case');
  if (n) await showDetail(n);
}

const agent = () => me.roles.includes('employer_agent');

/** The application: the owed months (费款所属期), one per line or separated by commas; a clerk names the employer. */
function showForm() {
  const uscc = h('input', {
    id: 'bp-uscc',
    name: 'uscc',
    autocomplete: 'off',
    value: agent() ? (me.employerUscc ?? '') : '',
    readOnly: agent(),
  });
  const months = h('textarea', { id: 'bp-months', name: 'months', rows: 3 });
  fill(
    $('#apply-fields'),
    field('统一社会信用代码', uscc, 'uscc', { rule: '须为18位统一社会信用代码' }),
    field('欠费的费款所属期', months, 'months', {
      hint: '格式 YYYY-MM，多个以逗号或换行分隔，例如 2026-09, 2026-10',
      rule: '须为税务部门记录中欠费的费款所属期',
    }),
  );
  $('#apply').hidden = false;
  // One key per filled-in form: a second click or a retry after a lost answer is the same application.
  let key = globalThis.crypto.randomUUID();
  const form = $('#apply-form');
  form.addEventListener('input', () => (key = globalThis.crypto.randomUUID()));
  onSubmit(form, async () => {
    clearErrors(form);
    const body = {
      channel: agent() ? 'online' : 'window',
      uscc: uscc.value.trim(),
      months: months.value
        .split(/[\s,，、]+/)
        .map((m) => m.trim())
        .filter(Boolean),
    };
    const raw = await fetch('/back-payments', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    const res = { status: raw.status, ok: raw.ok, data: await raw.json().catch(() => null) };
    if (!res.ok) return showErrors(form, res);
    notify(
      `已受理补缴申请，案件编号 ${res.data.caseNumber}，经办机构核定后通过数据共享平台传递给税务部门。`,
      'success',
    );
    await showList();
    await showDetail(res.data.caseNumber);
  });
}

async function showList() {
  const res = await api('/back-payments');
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#list'),
    h('h2', { id: 'list-h' }, agent() ? '本单位的补缴案件' : '本机构的补缴案件'),
    table(
      '补缴案件',
      [
        { title: '案件编号', cell: (c) => c.caseNumber },
        { title: '参保单位', cell: (c) => `${c.employer.name}（${c.employer.uscc}）` },
        { title: '费款所属期', cell: (c) => c.months.join('、') },
        { title: '核定金额合计', cell: (c) => (c.totalFen === null ? '待核定' : yuan(c.totalFen)) },
        { title: '状态', cell: (c) => label('backPaymentStatus', c.status) },
        {
          title: '详情',
          cell: (c) => h('button', { type: 'button', onclick: () => showDetail(c.caseNumber) }, `查看${c.caseNumber}`),
        },
      ],
      res.data.items,
      '暂无补缴案件',
    ),
  );
}

const pct = (bp) => `${bp / 100}%`;

async function showDetail(caseNumber) {
  const [res, timeline] = await Promise.all([
    api(`/back-payments/${encodeURIComponent(caseNumber)}`),
    api(`/cases/${encodeURIComponent(caseNumber)}`),
  ]);
  if (!res.ok) return notify(errorText(res), 'error');
  const c = res.data;
  const a = c.assessment;
  const section = $('#detail');
  fill(
    section,
    h('h2', { id: 'detail-h' }, `补缴案件 ${c.caseNumber}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, '状态'),
      h('dd', { id: 'bp-status' }, label('backPaymentStatus', c.status)),
      h('dt', {}, '参保单位'),
      h('dd', {}, `${c.employer.name}（${c.employer.uscc}）`),
      h('dt', {}, '申请渠道'),
      h('dd', {}, label('channel', c.channel)),
      h('dt', {}, '申请时间'),
      h('dd', {}, dateTime(c.appliedAt)),
      h('dt', {}, '申请补缴的费款所属期'),
      h('dd', {}, c.months.join('、')),
    ),
    a
      ? [
          h('h3', {}, '欠费核定（规程第二十六条）'),
          table(
            '逐月核定的欠费',
            [
              { title: '费款所属期', cell: (m) => m.month },
              { title: '参保人数', cell: (m) => String(m.insuredCount) },
              { title: '养老保险缴费基数合计', cell: (m) => yuan(m.baseTotalFen) },
              {
                title: '失业保险缴费比例（单位/个人）',
                cell: (m) =>
                  `${pct(m.employerRateBp)} / ${pct(m.personRateBp)}${m.rates?.employer?.confirmed === false ? '（未核实）' : ''}`,
              },
              { title: '单位应缴', cell: (m) => yuan(m.employerShareFen) },
              { title: '个人应缴', cell: (m) => yuan(m.personShareFen) },
              { title: '欠费合计', cell: (m) => yuan(m.amountFen) },
              { title: '缴费期限', cell: (m) => m.dueDate },
              { title: '逾期天数', cell: (m) => String(m.lateDays) },
              { title: '滞纳金', cell: (m) => yuan(m.lateFeeFen) },
            ],
            a.months,
            '无',
          ),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, '欠缴失业保险费合计'),
            h('dd', {}, yuan(a.contributionsFen)),
            h('dt', {}, `滞纳金合计（按日万分之五，计至${a.lateFeeThrough}）`),
            h('dd', {}, yuan(a.lateFeeFen)),
            h('dt', {}, '应一次性全额补足'),
            h('dd', { id: 'bp-total' }, yuan(a.totalFen)),
            h('dt', {}, '核定审核人'),
            h('dd', {}, a.reviewedBy ?? '待审核'),
          ),
          h('p', {}, '核定后至缴款之日的滞纳金，由税务部门按日加收（社会保险法第八十六条）。'),
          h(
            'details',
            {},
            h('summary', {}, '核定依据'),
            h('ul', {}, ...(a.explanation ?? []).map((t) => h('li', {}, t))),
          ),
        ]
      : h('p', {}, '经办机构正在核定欠费。'),
    h('h3', {}, '税务部门补缴情况'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, '补收信息'),
      h('dd', {}, label('backPaymentTax', c.tax.status ?? 'not_sent')),
      h('dt', {}, '缴款期限'),
      h('dd', {}, c.tax.payBy ?? '—'),
      h('dt', {}, '已缴金额'),
      h('dd', {}, c.tax.amountPaidFen === null ? '—' : yuan(c.tax.amountPaidFen)),
      h('dt', {}, '到账日期'),
      h('dd', {}, c.tax.receiptDate ?? '—'),
      h('dt', {}, '补记缴费记录'),
      h('dd', {}, c.posted ? `已补记${c.posted.records}条到对应费款所属期` : '未补记'),
    ),
    timeline.ok
      ? [
          h('h3', {}, '办理过程'),
          h(
            'ol',
            { class: 'timeline' },
            ...timeline.data.events.map((e) => h('li', {}, `${dateTime(e.at)} ${label('event', eventKind(e.type))}`)),
          ),
        ]
      : null,
  );
  section.hidden = false;
  section.focus();
}

start();
