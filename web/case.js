import {
  $,
  fill,
  api,
  clearFieldErrors,
  dateTime,
  errorText,
  h,
  label,
  notify,
  param,
  renderHeader,
  requireUser,
  showFieldErrors,
  table,
} from './app.js';
import { caseSummary, determinationView, paymentsView, recoveriesView, stopsView, timelineView } from './case-views.js';

const me = await requireUser();
renderHeader(me);

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

async function findByPerson(by, value, page) {
  const res = await api('/cases/search', { method: 'POST', body: { [by]: value, page, pageSize: PAGE_SIZE } });
  if (!res.ok) {
    // The field the API names (idNumber or name) is this form's one input.
    showFieldErrors(personForm, {
      ...res,
      data: res.data && {
        error: {
          ...res.data.error,
          fields: (res.data.error?.fields ?? []).map((f) => ({ ...f, path: 'value' })),
        },
      },
    });
    return;
  }
  clearFieldErrors(personForm);
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
      ? h(
          'nav',
          { class: 'pager', 'aria-label': '查找结果分页' },
          h(
            'button',
            { type: 'button', disabled: r.page <= 1, onclick: () => findByPerson(by, value, r.page - 1) },
            '上一页',
          ),
          h(
            'button',
            { type: 'button', disabled: r.page >= pages, onclick: () => findByPerson(by, value, r.page + 1) },
            '下一页',
          ),
        )
      : null,
  );
}
personForm.addEventListener('submit', (e) => {
  e.preventDefault();
  notify('');
  const value = $('#person-value').value.trim();
  findByPerson($('#person-by').value, $('#person-by').value === 'idNumber' ? value.toUpperCase() : value, 1);
});

const n = param('n');
if (n) {
  $('#case-number').value = n;
  await show(n);
}
