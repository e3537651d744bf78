// The refund cases (退收退款, Art. 27) and those waiting for the fund (Art. 64), for three kinds of user:
//  - the employer's agent applies online for a refund of individual persons and follows its own cases;
//  - an intake clerk takes the same application at a window (with the employer's number); the reviewer decides it
//    on its task (审核, from 我的工作台) and sees here the persons, amounts and the verdict of the check;
//  - finance sees the accepted refunds waiting for the fund's refund flow, per case, per employer and in all.
// Identity numbers are always masked; amounts are shown in 元.
import { $, api, dateTime, errorText, fill, h, notify, param, yuan } from './app.js';
import { clearErrors, field, onSubmit, showErrors } from './forms.js';
import { staffPage } from './layout.js';
import { table } from './tables.js';

const FUND_READERS = ['finance', 'auditor', 'supervisor'];

async function start() {
  const me = await staffPage();
  const agent = me.roles.includes('employer_agent');
  if (agent || me.roles.includes('intake')) showApply(agent);
  if (me.roles.some((r) => FUND_READERS.includes(r))) await showFund();
  await showList();
  const open = param('case');
  if (open) await showDetail(open);
}

/** Each line: 公民身份号码 and the months, e.g. `210102198503151235 2026-08,2026-09`. */
function itemsOf(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [idNumber = '', months = ''] = l.split(/\s+/, 2);
      return {
        idNumber,
        months: months
          .split(/[,，、]/)
          .map((m) => m.trim())
          .filter(Boolean),
      };
    });
}

function showApply(agent) {
  const form = $('#apply-form');
  fill(
    $('#apply-fields'),
    agent
      ? null
      : field(
          '单位编号',
          h('input', { id: 'a-register', inputmode: 'numeric', autocomplete: 'off' }),
          'registerNumber',
          {
            hint: '14位数字，本机构管辖范围内已登记的参保单位',
          },
        ),
    field('退费原因', h('input', { id: 'a-reason', autocomplete: 'off' }), 'reason', { rule: '请填写退费原因' }),
    field('退费人员及费款所属期', h('textarea', { id: 'a-items', rows: 4 }), 'items', {
      hint: '每行一人：公民身份号码，空格，费款所属期（多个用逗号分隔），如 210102198503151235 2026-08,2026-09',
    }),
  );
  $('#apply').hidden = false;
  onSubmit(form, async () => {
    const v = (id) => $(`#${id}`).value.trim();
    const body = {
      channel: agent ? 'online' : 'window',
      ...(agent ? {} : { registerNumber: v('a-register') }),
      reason: v('a-reason'),
      items: itemsOf($('#a-items').value),
    };
    const res = await api('/refunds', { method: 'POST', body });
    if (!res.ok) return showErrors(form, res);
    clearErrors(form);
    form.reset();
    notify(
      `已受理退费申请，案件编号 ${res.data.caseNumber}，申请退费 ${yuan(res.data.totalFen)}，经核实、审核后按照退费流程办理`,
      'success',
    );
    await showList();
    await showDetail(res.data.caseNumber);
  });
}

/** Art. 64: the accepted refunds waiting for the fund, with the sums per employer and in all. */
async function showFund() {
  const res = await api('/refunds/awaiting-fund');
  if (!res.ok) return notify(errorText(res), 'error');
  const d = res.data;
  fill(
    $('#fund'),
    h('h2', { id: 'fund-h' }, '待退费（等待基金退费流程，规程第六十四条）'),
    h('p', {}, d.note),
    h('p', { id: 'fund-total' }, `共 ${d.count} 件，合计 ${yuan(d.totalFen)}`),
    table(
      '待退费按单位汇总',
      [
        { title: '单位名称', cell: (e) => e.employerName },
        { title: '统一社会信用代码', cell: (e) => e.employerUscc },
        { title: '件数', cell: (e) => String(e.cases) },
        { title: '退费金额', cell: (e) => yuan(e.totalFen) },
      ],
      d.employers,
      '暂无待退费',
    ),
    table(
      '待退费案件',
      [
        { title: '案件编号', cell: (c) => caseLink(c.caseNumber) },
        { title: '退费方式', cell: (c) => c.kindLabel },
        { title: '单位名称', cell: (c) => c.employerName },
        { title: '费款所属期', cell: (c) => c.months.join('、') },
        { title: '人数', cell: (c) => String(c.persons) },
        { title: '退费金额', cell: (c) => yuan(c.acceptedFen) },
        { title: '核实通过时间', cell: (c) => dateTime(c.decidedAt) },
      ],
      d.cases,
      '暂无待退费案件',
    ),
  );
  $('#fund').hidden = false;
}

const caseLink = (n) => h('button', { type: 'button', class: 'link', onclick: () => showDetail(n) }, n);

async function showList() {
  const res = await api('/refunds');
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#list'),
    h('h2', { id: 'list-h' }, '退费案件'),
    table(
      '退费案件（最新在前）',
      [
        { title: '案件编号', cell: (c) => caseLink(c.caseNumber) },
        { title: '退费方式', cell: (c) => c.kindLabel },
        { title: '单位名称', cell: (c) => c.employerName },
        { title: '申请退费金额', cell: (c) => yuan(c.totalFen) },
        { title: '办理进度', cell: (c) => h('span', { class: 'case-status' }, c.statusLabel) },
        { title: '申请时间', cell: (c) => dateTime(c.requestedAt) },
      ],
      res.data.items,
      '暂无退费案件',
    ),
  );
}

/** The case: its persons (masked), months and amounts, the verdict of the check, the review and the answer to tax. */
async function showDetail(caseNumber) {
  const res = await api(`/refunds/${encodeURIComponent(caseNumber)}`);
  if (!res.ok) return notify(errorText(res), 'error');
  const c = res.data;
  const box = $('#detail');
  fill(
    box,
    h('h2', { id: 'detail-h' }, `退费案件 ${c.caseNumber}`),
    h(
      'dl',
      {},
      h('dt', {}, '退费方式'),
      h('dd', {}, c.kindLabel),
      h('dt', {}, '单位名称'),
      h('dd', {}, c.employerName),
      h('dt', {}, '退费原因'),
      h('dd', {}, c.reason),
      h('dt', {}, '办理进度'),
      h('dd', { id: 'detail-status' }, c.statusLabel),
      h('dt', {}, '申请退费金额'),
      h('dd', {}, yuan(c.totalFen)),
      h('dt', {}, '待退费金额'),
      h('dd', {}, yuan(c.acceptedFen)),
      c.reviewedBy ? [h('dt', {}, '审核人'), h('dd', {}, c.reviewedBy)] : null,
      c.reviewReasons?.length ? [h('dt', {}, '审核不通过的原因'), h('dd', {}, c.reviewReasons.join('；'))] : null,
      c.answer
        ? [h('dt', {}, '反馈税务部门'), h('dd', {}, `${c.answer.message}（${dateTime(c.answer.answeredAt)}）`)]
        : null,
    ),
    c.status === 'awaiting_review'
      ? h(
          'p',
          {},
          '待审核：审核岗位在',
          h('a', { href: '/app/tasks' }, '我的工作台'),
          '办理本案的“个别人员退费审核”任务。',
        )
      : null,
    table(
      '退费人员',
      [
        { title: '公民身份号码', cell: (i) => i.idNumberMasked },
        { title: '姓名', cell: (i) => i.nameMasked ?? '—' },
        { title: '费款所属期', cell: (i) => i.month },
        { title: '退费金额', cell: (i) => yuan(i.amountFen) },
        { title: '核实结果', cell: (i) => i.refusalReason ?? (c.verdict ? '可办理退费' : '核实中') },
      ],
      c.items,
      '无退费人员',
    ),
  );
  box.hidden = false;
  box.focus();
}

void start();
