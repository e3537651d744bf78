// 案件查询: a case by its number (masked, Art. 30) with its summary, refusal reasons, timeline, determination and
// payments; or the cases of an applicant, for the roles that may search by a person.
import { $, api, dateTime, errorText, fill, h, label, notify, param } from './app.js';
import {
  caseSummary,
  determinationView,
  paymentsView,
  recoveriesView,
  refusalView,
  stopsView,
  timelineView,
} from './case-views.js';
import { clearErrors, onSubmit, showErrors } from './forms.js';
import { staffPage } from './layout.js';
import { pager, table } from './tables.js';

const me = await staffPage();

async function show(caseNumber) {
  $('#case').hidden = true;
  $('#found').hidden = true;
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}`);
  if (!res.ok) {
    notify(
      res.status === 404 || res.status === 400 ? `没有案件 ${caseNumber}，或不在您的经办范围内` : errorText(res),
      'error',
    );
    return;
  }
  notify('');
  const c = res.data;
  document.title = `${c.caseNumber} — 失业保险经办系统`;
  fill(
    $('#summary'),
    h('h2', { id: 'summary-h' }, '案件概要'),
    caseSummary(c),
    c.links?.temporalUi
      ? h(
          'p',
          {},
          h('a', { href: c.links.temporalUi, target: '_blank', rel: 'noopener' }, '在 Temporal Web UI 中查看流程'),
        )
      : null,
  );
  const refusal = refusalView(c.events);
  fill($('#refusal'), h('h2', { id: 'refusal-h' }, '不予受理或审核不通过'), ...refusal);
  $('#refusal').hidden = refusal.length === 0;
  fill($('#determination'), h('h2', { id: 'determination-h' }, '待遇核定'), ...(await determinationView(c.caseNumber)));
  fill($('#payments'), h('h2', { id: 'payments-h' }, '待遇发放'), paymentsView(c.payments));
  // Art. 42, 43: a claim's stops and recoveries (a claim with a benefit period).
  $('#stops-recoveries').hidden = !c.benefit;
  if (c.benefit) {
    fill($('#stops'), stopsView(c.stops));
    fill($('#recoveries'), recoveriesView(c.recoveries));
  }
  fill($('#timeline'), h('h2', { id: 'timeline-h' }, '办理过程'), timelineView(c.events));
  $('#case').hidden = false;
}

$('#search').addEventListener('submit', (e) => {
  e.preventDefault();
  const n = $('#case-number').value.trim().toUpperCase();
  if (!n) return notify('请输入案件编号', 'error');
  history.replaceState(null, '', `?n=${encodeURIComponent(n)}`);
  show(n);
});

// By the applicant's ID number or full name (Art. 30): only for the roles the API lets search by a person; sent in a
// POST body, never in the address. The API masks the person unless the role needs them whole.
const PERSON_SEARCH_ROLES = ['intake', 'reviewer', 'second_reviewer', 'approver', 'auditor', 'supervisor'];
const PAGE_SIZE = 20;
const personForm = $('#person-search');
personForm.hidden = !me.roles.some((r) => PERSON_SEARCH_ROLES.includes(r));
$('#person-value').dataset.rule = '身份证件号码应为18位、校验位正确；姓名应为全名';

async function findByPerson(by, value, page) {
  const res = await api('/cases/search', { method: 'POST', body: { [by]: value, page, pageSize: PAGE_SIZE } });
  if (!res.ok) {
    // The field the API names (idNumber or name) is this form's one input.
    const fields = (res.data?.error?.fields ?? []).map((f) => ({ ...f, path: 'value' }));
    return showErrors(personForm, { ...res, data: res.data && { error: { ...res.data.error, fields } } });
  }
  clearErrors(personForm);
  const r = res.data;
  const pages = Math.max(1, Math.ceil(r.total / r.pageSize));
  $('#case').hidden = true;
  $('#found').hidden = false;
  fill(
    $('#found'),
    h('h2', { id: 'found-h' }, `查找结果：共 ${r.total} 件`),
    table(
      `第 ${r.page} / ${pages} 页`,
      [
        {
          title: '案件编号',
          cell: (c) => h('a', { href: `/app/case?n=${encodeURIComponent(c.caseNumber)}` }, c.caseNumber),
        },
        { title: '案件类别', cell: (c) => label('caseType', c.caseType) },
        { title: '办理状态', cell: (c) => c.statusLabel },
        { title: '申请人', cell: (c) => c.applicant?.name ?? '' },
        { title: '身份证件号码', cell: (c) => h('span', { class: 'id-number' }, c.applicant?.idNumber ?? '') },
        { title: '经办机构', cell: (c) => c.agencyCode },
        { title: '申请时间', cell: (c) => dateTime(c.createdAt) },
      ],
      r.items,
      '没有找到案件',
    ),
    pages > 1
      ? pager('查找结果分页', {
          page: r.page,
          pages,
          go: (p) => findByPerson(by, value, p),
          focusAfter: () => $('#found .table-wrap'),
        })
      : null,
  );
}
onSubmit(personForm, async () => {
  notify('');
  const value = $('#person-value').value.trim();
  await findByPerson($('#person-by').value, $('#person-by').value === 'idNumber' ? value.toUpperCase() : value, 1);
});

const n = param('n');
if (n) {
  $('#case-number').value = n;
  await show(n);
}
