// 业务监督 (Art. 76, 78): stuck cases with their reasons, reassignment and extension of a task, batches with a result
// per task, and the SLA charts (Chart.js, deferred) with the same figures as tables.
import { $, api, dateTime, errorText, h, label, LABELS, notify } from './app.js';
import { clearErrors, onSubmit, showErrors } from './forms.js';
import { staffPage } from './layout.js';
import { pager, table } from './tables.js';

const me = await staffPage();
const canAct = me.roles.includes('supervisor');
const PAGE = 20;

for (const [code, text] of Object.entries(LABELS.stuckReason))
  $('#stuck-reason').append(h('option', { value: code }, text));
for (const [code, text] of Object.entries(LABELS.taskType)) $('#batch-type').append(h('option', { value: code }, text));
for (const [code, text] of Object.entries(LABELS.role)) $('#batch-role').append(h('option', { value: code }, text));

/** The staff a task can go to (GET /supervision/assignees), as <option>s. */
async function assigneeOptions(role) {
  const res = await api(`/supervision/assignees${role ? `?role=${encodeURIComponent(role)}` : ''}`);
  if (!res.ok) return [h('option', { value: '' }, '（无法读取人员）')];
  return [
    h('option', { value: '' }, '请选择经办人'),
    ...res.data.items.map((u) =>
      h(
        'option',
        { value: u.id },
        `${u.displayName}（${u.username}，${u.roles.map((r) => label('role', r)).join('、')}）`,
      ),
    ),
  ];
}

// Stuck cases: the API answers them all at once; the page shows PAGE at a time.
let stuck = [];
let stuckPage = 0;

async function loadStuck() {
  const form = $('#stuck-filter');
  const q = new URLSearchParams();
  if ($('#stuck-reason').value) q.set('reason', $('#stuck-reason').value);
  if ($('#stuck-agency').value.trim()) q.set('agencyCode', $('#stuck-agency').value.trim());
  const res = await api(`/supervision/stuck?${q}`);
  if (!res.ok) {
    showErrors(form, res);
    return;
  }
  clearErrors(form);
  stuck = res.data.items;
  stuckPage = 0;
  const by = res.data.counts.byReason;
  $('#stuck-counts').textContent =
    `截至 ${dateTime(res.data.asOf)}，共 ${res.data.total} 件` +
    (res.data.total
      ? `：${Object.entries(by)
          .map(([r, n]) => `${label('stuckReason', r)} ${n} 件`)
          .join('，')}`
      : '') +
    (res.data.items.length < res.data.total ? `（列出滞留最久的 ${res.data.items.length} 件）` : '');
  renderStuck();
}

function renderStuck() {
  const rows = stuck.slice(stuckPage * PAGE, (stuckPage + 1) * PAGE);
  $('#stuck-list').replaceChildren(
    table(
      `滞留案件，第 ${stuckPage + 1} 页`,
      [
        {
          title: '案件编号',
          cell: (i) =>
            i.caseNumber
              ? h('a', { href: `/app/case?n=${encodeURIComponent(i.caseNumber)}` }, i.caseNumber)
              : i.workflowId,
        },
        { title: '类别', cell: (i) => label('caseType', i.caseType) },
        {
          title: '滞留原因',
          cell: (i) => h('span', { class: `badge badge-${i.reason}` }, label('stuckReason', i.reason)),
        },
        {
          title: '环节',
          cell: (i) =>
            i.reason === 'task_overdue'
              ? label('taskType', i.step)
              : i.reason === 'idle'
                ? label('caseStatus', i.step)
                : i.step,
        },
        { title: '起始', cell: (i) => dateTime(i.since) },
        { title: '工作日', cell: (i) => (i.ageWorkdays == null ? '' : String(i.ageWorkdays)) },
        {
          title: '说明',
          cell: (i) =>
            i.reason === 'task_overdue'
              ? `${label('role', i.detail.role)}，${i.detail.assignee ? `经办人 ${i.detail.assignee}` : '未领取'}${i.detail.escalatedTo ? `，已上报 ${i.detail.escalatedTo}` : ''}`
              : i.reason === 'activity_failing'
                ? `第 ${i.detail.attempt} 次尝试失败：${i.detail.lastFailure ?? ''}`
                : '',
        },
        {
          title: '流程',
          cell: (i) =>
            i.temporalUrl ? h('a', { href: i.temporalUrl, target: '_blank', rel: 'noopener' }, 'Temporal') : '',
        },
        {
          title: '操作',
          cell: (i) =>
            canAct && i.detail.taskId
              ? h('button', { type: 'button', onclick: () => openAct(i) }, `处理 ${i.caseNumber}`)
              : '',
        },
      ],
      rows,
      '没有滞留案件',
    ),
  );
  const pages = Math.max(1, Math.ceil(stuck.length / PAGE));
  $('#stuck-pager').replaceChildren(
    pager('滞留案件翻页', {
      page: stuckPage + 1,
      pages,
      go: (p) => {
        stuckPage = p - 1;
        renderStuck();
      },
      focusAfter: () => $('#stuck-list .table-wrap'),
    }),
  );
}

let acting = null;
async function openAct(item) {
  acting = item;
  $('#act-task').textContent =
    `${item.caseNumber}：${label('taskType', item.step)}（${label('role', item.detail.role)}岗位，${
      item.detail.assignee ? `经办人 ${item.detail.assignee}` : '未领取'
    }）`;
  $('#reassign-to').replaceChildren(...(await assigneeOptions(item.detail.role)));
  for (const f of ['#reassign', '#extend']) clearErrors($(f));
  $('#act').hidden = false;
  $('#act').focus();
}

async function taskAction(form, action, body) {
  const res = await api(`/tasks/${encodeURIComponent(acting.detail.taskId)}/${action}`, { method: 'POST', body });
  if (!res.ok) return showErrors(form, res);
  clearErrors(form);
  form.reset();
  $('#act').hidden = true;
  await Promise.all([loadStuck(), loadSla()]);
  // The form went away with its section: the focus goes to what happened.
  notify(`${acting.caseNumber}：${action === 'reassign' ? '已改派' : '已延长办理时限'}`, 'success');
}

onSubmit($('#reassign'), () =>
  taskAction($('#reassign'), 'reassign', { assigneeId: $('#reassign-to').value, reason: $('#reassign-reason').value }),
);
onSubmit($('#extend'), () =>
  taskAction($('#extend'), 'extend', {
    amount: Number($('#extend-amount').value),
    unit: $('#extend-unit').value,
    reason: $('#extend-reason').value,
  }),
);
$('#stuck-filter').addEventListener('submit', (e) => {
  e.preventDefault();
  loadStuck();
});

// Batch: preview the count, then apply with a result per task.
function batchBody(preview) {
  const filter = {};
  if ($('#batch-type').value) filter.type = $('#batch-type').value;
  if ($('#batch-role').value) filter.role = $('#batch-role').value;
  if ($('#batch-overdue').checked) filter.overdue = true;
  const action =
    $('#batch-action').value === 'reassign'
      ? { kind: 'reassign', assigneeId: $('#batch-to').value }
      : { kind: 'extend', amount: Number($('#batch-days').value), unit: 'workdays' };
  return { filter, action, reason: $('#batch-reason').value, preview };
}

async function runBatch(preview) {
  const form = $('#batch');
  const progress = $('#batch-progress');
  progress.hidden = false;
  progress.removeAttribute('value'); // indeterminate while the server works through the tasks
  $('#batch-status').textContent = preview ? '正在统计…' : '正在处理…';
  const res = await api('/supervision/tasks/batch', { method: 'POST', body: batchBody(preview) });
  if (!res.ok) {
    progress.hidden = true;
    $('#batch-status').textContent = '';
    return showErrors(form, res);
  }
  clearErrors(form);
  const r = res.data;
  if (r.preview) {
    progress.hidden = true;
    $('#batch-status').textContent = `符合条件的任务 ${r.matching} 件`;
    return;
  }
  progress.max = Math.max(1, r.attempted);
  progress.value = r.attempted;
  $('#batch-status').textContent =
    `符合条件 ${r.matching} 件，处理 ${r.attempted} 件：成功 ${r.succeeded} 件，失败 ${r.failed} 件`;
  $('#batch-results').replaceChildren(
    table(
      '逐件处理结果',
      [
        { title: '案件编号', cell: (x) => x.caseNumber },
        { title: '结果', cell: (x) => (x.ok ? '成功' : h('span', { class: 'badge badge-overdue' }, '失败')) },
        { title: '说明', cell: (x) => (x.ok ? '' : errorText({ status: 400, data: { error: x.error } })) },
      ],
      r.results,
      '没有符合条件的任务',
    ),
  );
  await Promise.all([loadStuck(), loadSla()]);
}
$('#batch-preview').addEventListener('click', () => runBatch(true));
$('#batch').addEventListener('submit', (e) => {
  e.preventDefault();
  runBatch(false);
});
const syncBatch = () => {
  const reassign = $('#batch-action').value === 'reassign';
  $('#batch-to').closest('.field').hidden = !reassign;
  $('#batch-days').closest('.field').hidden = reassign;
};
$('#batch-action').addEventListener('change', syncBatch);
syncBatch();

// SLA: open tasks by due bucket, completions per day (charts, with the same figures as tables).
const charts = {};
function chart(id, config) {
  charts[id]?.destroy();
  // Chart.js is loaded by a deferred classic <script> (its UMD build) from node_modules, served by the API; deferred
  // scripts and modules run in document order once the page is parsed, so it is there before this module runs.
  charts[id] = new window.Chart($(`#${id}`), config);
}

async function loadSla() {
  const res = await api('/supervision/sla?days=30');
  if (!res.ok) return notify(errorText(res), 'error');
  const s = res.data;
  const buckets = Object.keys(LABELS.bucket);
  chart('sla-buckets', {
    type: 'bar',
    data: {
      labels: buckets.map((b) => label('bucket', b)),
      datasets: [
        {
          label: '待办任务数',
          data: buckets.map((b) => s.openTasks.totals[b] ?? 0),
          backgroundColor: ['#b3261e', '#e8a317', '#f2d16b', '#5b8def'],
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: '待办任务到期情况' } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  chart('sla-daily', {
    type: 'line',
    data: {
      labels: s.completedPerDay.map((d) => d.day),
      datasets: [{ label: '办结任务数', data: s.completedPerDay.map((d) => d.completed), borderColor: '#1f5fa8' }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: '近30日每日办结' } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  $('#sla-tables').replaceChildren(
    table(
      '待办任务到期情况',
      buckets.map((b) => ({ title: label('bucket', b), cell: (t) => String(t[b] ?? 0) })),
      [s.openTasks.totals],
    ),
    table(
      '各环节办理用时（近30日）',
      [
        { title: '事项', cell: (r) => label('taskType', r.type) },
        { title: '办结数', cell: (r) => String(r.n) },
        { title: '平均用时（小时）', cell: (r) => String(r.avg_hours) },
        { title: '90%用时（小时）', cell: (r) => String(r.p90_hours) },
      ],
      s.timePerStep,
    ),
    table(
      '经办人员办结数（近30日）',
      [
        { title: '经办人', cell: (r) => r.clerk ?? '' },
        { title: '办结数', cell: (r) => String(r.n) },
      ],
      s.throughputPerClerk,
    ),
  );
}

if (canAct) $('#batch-to').replaceChildren(...(await assigneeOptions()));
else $('#batch').closest('section').hidden = true;
await Promise.all([loadStuck(), loadSla()]);
