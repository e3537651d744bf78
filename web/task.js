// A task (Art. 11, 28, 37, 38, 65): the case, its timeline and determination, and the decision form. After 领取 and
// after every decision the focus goes to the message that says what happened.
import { $, api, dateTime, errorText, fill, h, label, notify, param } from './app.js';
import { caseSummary, determinationView, facts, refusalView, timelineView } from './case-views.js';
import { documentsView } from './documents.js';
import { correctionView } from './correction-view.js';
import { field, formErrors, onSubmit, showErrors } from './forms.js';
import { dueText, staffPage } from './layout.js';

const me = await staffPage();
const id = param('id') ?? '';
// Art. 14: a mark re-renders the case's documents (one listener; each render names what to show).
let documentsShown = null;
document.addEventListener('documents-changed', () => documentsShown?.());

/** The decisions of each form, in the 规程's words; those that need reasons say so (Art. 11: 明确告知不通过原因). */
const FORMS = {
  acceptance: {
    decisions: [
      ['accept', '受理'],
      ['refuse', '不予受理', { reasons: true }],
    ],
  },
  separationRuling: {
    decisions: [
      ['involuntary', '认定为非因本人意愿中断就业', { basis: true }],
      ['voluntary', '认定为因本人意愿中断就业', { basis: true, reasons: true }],
    ],
  },
  review: {
    decisions: [
      ['approve', '通过'],
      ['reject', '不通过', { reasons: true }],
      ['correct', '更正后重新核定', { reasons: true, corrections: true }],
    ],
  },
  approval: {
    decisions: [
      ['approve', '通过'],
      ['reject', '不通过', { reasons: true }],
    ],
  },
  // Art. 17, 19, 21 登记督办: what was done, or why nothing is to be done.
  registerFollowUp: {
    decisions: [
      ['handled', '已督促单位办理', { reasons: true }],
      ['dismissed', '核实无需办理', { reasons: true }],
    ],
  },
  contributionReconciliation: {
    decisions: [
      ['explained', '已核实说明'],
      ['referred', '转税务部门核实', { reasons: true }],
    ],
  },
};

/** 元 as typed (two decimals at most) to fen; null when it is not an amount (the API names the field). */
const fenOf = (v) => (/^\d+(\.\d{1,2})?$/.test(v.trim()) ? Math.round(Number(v.trim()) * 100) : null);

/**
 * Art. 31 复核确认: corrected (what was corrected; a contribution month found wrong opens the record correction of
 * Art. 28 with the month, employer and values after it) or explained (the explanation the person is given).
 */
function recordCheckForm(task) {
  const choice = (code, text) =>
    h(
      'span',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'decision', id: `decision-${code}`, value: code, required: true }),
      h('label', { for: `decision-${code}` }, text),
    );
  const text = h('textarea', { id: 'check-text', rows: 3 });
  const month = h('input', { id: 'cc-month', type: 'month' });
  const kind = h(
    'select',
    { id: 'cc-kind' },
    h('option', { value: 'create' }, '补建（该月份没有缴费记录）'),
    h('option', { value: 'amend' }, '补记或更改（该月份的缴费记录有误）'),
  );
  const uscc = h('input', { id: 'cc-uscc' });
  const employerName = h('input', { id: 'cc-employer-name' });
  const base = h('input', { id: 'cc-base', inputmode: 'decimal' });
  const amount = h('input', { id: 'cc-amount', inputmode: 'decimal' });
  const receipt = h('input', { id: 'cc-receipt', type: 'date' });
  const monthWrong = h('input', { type: 'checkbox', id: 'cc-wrong' });
  const contribution = h(
    'fieldset',
    { id: 'cc-fields' },
    h('legend', {}, '缴费月份有误：转个人缴费记录修改（第二十八条，初审、复核、审批）'),
    field('申请事项', kind, 'form.contribution.kind'),
    field('费款所属期', month, 'form.contribution.month'),
    field('参保单位统一社会信用代码', uscc, 'form.contribution.employerUscc'),
    field('参保单位名称', employerName, 'form.contribution.employerName'),
    field('缴费基数（元）', base, 'form.contribution.baseFen'),
    field('实际缴费金额（元）', amount, 'form.contribution.amountPaidFen'),
    field('到账日期', receipt, 'form.contribution.receiptDate'),
  );
  const wrongField = h('p', {}, h('label', { class: 'check' }, monthWrong, '有误的是缴费月份'));
  const textField = field('更正的内容或对记录的说明', text, 'form', { rule: '请写明更正的内容或说明（不少于4字）' });
  const form = h(
    'form',
    { id: 'decision-form', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, '办理结果'),
      choice('corrected', '记录有误，予以更正'),
      choice('explained', '记录无误，予以说明'),
      h('span', { class: 'field-error', id: 'decision-error', dataset: { errorFor: 'form.decision' } }),
    ),
    textField,
    wrongField,
    contribution,
    h('button', { type: 'submit' }, '提交办理意见'),
  );
  const sync = () => {
    const corrected = form.elements.decision.value === 'corrected';
    wrongField.hidden = !corrected;
    contribution.hidden = !corrected || !monthWrong.checked;
  };
  form.addEventListener('change', sync);
  sync();
  onSubmit(form, async () => {
    const decision = form.elements.decision.value;
    if (!decision) return formErrors(form, [{ path: 'form.decision', message: '请选择办理结果' }]);
    const body =
      decision === 'corrected'
        ? { decision, corrected: text.value.trim() }
        : { decision, explanation: text.value.trim() };
    if (decision === 'corrected' && monthWrong.checked)
      body.contribution = {
        kind: kind.value,
        month: month.value,
        employerUscc: uscc.value.trim(),
        ...(employerName.value.trim() ? { employerName: employerName.value.trim() } : {}),
        baseFen: fenOf(base.value),
        amountPaidFen: fenOf(amount.value),
        receiptDate: receipt.value,
      };
    await submit(task, form, body);
  });
  return form;
}

function decisionForm(task, formName) {
  const spec = FORMS[formName];
  if (formName === 'recordCheck') return recordCheckForm(task);
  if (formName === 'calendarYearNotice') {
    // Art. 94: done by entering the year's State Council notice, not by a form.
    return h(
      'p',
      {},
      '录入该年度国务院办公厅节假日安排通知即办结本任务：',
      h('a', { href: '/app/admin#calendar-h' }, '系统管理—工作日历'),
    );
  }
  if (!spec) {
    // Forms this page does not know yet: the form's JSON, checked by the API like any other.
    const json = h('textarea', { id: 'form-json', rows: 6 }, '{ "decision": "" }');
    const form = h(
      'form',
      { id: 'decision-form', novalidate: true },
      field('办理意见（JSON 格式）', json, 'form', { rule: '办理意见不符合本事项的要求' }),
      h('button', { type: 'submit' }, '提交'),
    );
    onSubmit(form, async () => {
      let body;
      try {
        body = JSON.parse(json.value);
      } catch {
        return formErrors(form, [{ path: 'form', message: '不是有效的 JSON 格式' }]);
      }
      await submit(task, form, body);
    });
    return form;
  }
  const radios = spec.decisions.map(([code, text]) =>
    h(
      'span',
      { class: 'choice' },
      // No decision is chosen for the clerk (issue 18): every outcome is a choice made on purpose.
      h('input', {
        type: 'radio',
        name: 'decision',
        id: `decision-${code}`,
        value: code,
        required: true,
        'aria-describedby': 'decision-error',
      }),
      h('label', { for: `decision-${code}` }, text),
    ),
  );
  const reasons = h('textarea', { id: 'reasons', rows: 3 });
  const months = h('input', { id: 'deemed-months', type: 'number', min: 0, max: 600, inputmode: 'numeric' });
  const comment = h('textarea', { id: 'comment', rows: 2 });
  const basis = h(
    'select',
    { id: 'basis' },
    h('option', { value: '' }, '请选择'),
    h('option', { value: 'termination_certificate' }, '解除（终止）劳动关系证明'),
    h('option', { value: 'written_commitment' }, '本人自述并书面承诺（第三十八条第三款）'),
  );
  const basisField = field('认定依据', basis, 'form.basis', { rule: '请选择认定依据' });
  const reasonsField = field('原因（每行一条，逐条告知申请人）', reasons, 'form.reasons', {
    rule: '请逐条填写原因，每行一条（规程第十一条：明确告知原因）',
  });
  const monthsField = field('视同缴费月数（经材料核实）', months, 'form.corrections', {
    rule: '请填写经材料核实的视同缴费月数（0至600的整数）',
  });
  const form = h(
    'form',
    { id: 'decision-form', novalidate: true },
    h(
      'fieldset',
      { dataset: { rule: '请选择办理结果' } },
      h('legend', {}, '办理结果'),
      radios,
      h('span', { class: 'field-error', id: 'decision-error', dataset: { errorFor: 'form.decision' } }),
    ),
    basisField,
    reasonsField,
    monthsField,
    field('备注', comment, 'form.comment', { rule: '备注不超过2000字' }),
    h('button', { type: 'submit' }, '提交办理意见'),
  );
  const sync = () => {
    const chosen = spec.decisions.find(([c]) => c === form.elements.decision.value)?.[2] ?? {};
    reasonsField.hidden = !chosen.reasons;
    monthsField.hidden = !chosen.corrections;
    basisField.hidden = !chosen.basis;
  };
  form.addEventListener('change', sync);
  sync();
  onSubmit(form, async () => {
    const decision = form.elements.decision.value;
    if (!decision) return formErrors(form, [{ path: 'form.decision', message: '请选择办理结果' }]);
    const chosen = spec.decisions.find(([c]) => c === decision)?.[2] ?? {};
    const body = { decision };
    if (chosen.basis) body.basis = basis.value;
    // Reasons are sent as written (none is none): the API says what is missing, next to the field.
    if (chosen.reasons)
      body.reasons = reasons.value
        .split('\n')
        .map((r) => r.trim())
        .filter(Boolean);
    if (chosen.corrections)
      body.corrections = months.value === '' ? {} : { deemedContributionMonths: Number(months.value) };
    if (comment.value.trim()) body.comment = comment.value.trim();
    await submit(task, form, body);
  });
  return form;
}

const decisionLabel = (formName, code) =>
  FORMS[formName]?.decisions.find(([c]) => c === code)?.[1] ?? label('decision', code);

async function submit(task, form, body) {
  const res = await api(`/tasks/${encodeURIComponent(task.id)}/complete`, { method: 'POST', body: { form: body } });
  if (!res.ok) return showErrors(form, res);
  await render();
  notify(`已提交：${label('taskType', task.type)}已办结`, 'success');
}

async function act(task, action) {
  const res = await api(`/tasks/${encodeURIComponent(task.id)}/${action}`, { method: 'POST' });
  await render();
  notify(res.ok ? (action === 'claim' ? '已领取任务' : '已退回任务') : errorText(res), res.ok ? 'success' : 'error');
}

async function render() {
  const res = await api(`/tasks/${encodeURIComponent(id)}`);
  if (!res.ok) {
    notify(res.status === 404 ? '没有这个任务，或不在您的经办范围内' : errorText(res), 'error', { focus: false });
    return;
  }
  const { task, case: c, form, decision, comments } = res.data;
  document.title = `${label('taskType', task.type)} ${task.caseNumber} — 失业保险经办系统`;
  $('#title').textContent = `${label('taskType', task.type)}：${task.caseNumber}`;
  const mayDo = me.roles.includes(task.role);
  const buttons = [];
  if (task.status === 'open' && mayDo && !task.assignee)
    buttons.push(h('button', { type: 'button', onclick: () => act(task, 'claim') }, '领取'));
  if (task.status === 'open' && task.assignee === me.username)
    buttons.push(
      h('button', { type: 'button', class: 'secondary', onclick: () => act(task, 'release') }, '退回待领取'),
    );
  fill(
    $('#task'),
    h('h2', { id: 'task-h' }, '任务信息'),
    facts([
      ['案件编号', h('a', { href: `/app/case?n=${encodeURIComponent(task.caseNumber)}` }, task.caseNumber)],
      ['环节', label('step', task.step)],
      ['岗位', label('role', task.role)],
      ['经办人', task.assignee ?? '未领取'],
      ['办理时限', h('span', {}, dueText(task.dueDate, task.dueProvisional), `（${dateTime(task.dueAt)}前）`)],
      [
        '状态',
        task.overdue
          ? h('span', { class: 'badge badge-overdue' }, `已超期（${dateTime(task.overdueSince)}起）`)
          : label('taskStatus', task.status),
      ],
      ['延期次数', task.extensions ? String(task.extensions) : ''],
    ]),
    buttons.length ? h('p', { class: 'actions' }, buttons) : null,
  );
  fill(
    $('#summary'),
    h('h2', { id: 'summary-h' }, '案件概要'),
    c ? caseSummary(c) : h('p', {}, '无案件信息'),
    ...refusalView(c?.timeline),
  );
  // Art. 28: a record correction's levels see the record's old values beside the new ones, not a determination.
  fill(
    $('#determination'),
    ...(task.type.startsWith('contribution_correction_')
      ? [h('h2', { id: 'determination-h' }, '缴费记录修改内容'), ...(await correctionView(task.caseNumber))]
      : [h('h2', { id: 'determination-h' }, '待遇核定'), ...(await determinationView(task.caseNumber))]),
  );
  // Art. 14: the case's documents, downloadable; the clerk marks a copy 与原件核对无误.
  const showDocuments = async () =>
    fill(
      $('#documents'),
      h('h2', { id: 'documents-h' }, '案件材料'),
      ...(await documentsView(task.caseNumber, { clerk: true })),
    );
  documentsShown = showDocuments;
  await showDocuments();
  fill(
    $('#timeline'),
    h('h2', { id: 'timeline-h' }, '办理过程'),
    timelineView(c?.timeline ?? []),
    comments.length ? h('h3', {}, '备注') : null,
    comments.length
      ? h(
          'ul',
          {},
          comments.map((m) => h('li', {}, `${dateTime(m.at)} ${m.author}：${m.text}`)),
        )
      : null,
  );
  const decided =
    task.status !== 'open'
      ? [
          h('p', {}, `${label('taskStatus', task.status)}。`),
          decision
            ? facts([
                ['办理结果', decisionLabel(form.name, decision.decision)],
                ['原因', (decision.reasons ?? []).join('；')],
                ['备注', decision.comment ?? ''],
              ])
            : null,
        ]
      : mayDo
        ? [decisionForm(task, form.name)]
        : [h('p', {}, `此任务由${label('role', task.role)}岗位办理。`)];
  fill($('#decision'), h('h2', { id: 'decision-h' }, '办理意见'), ...decided);
}

await render();
