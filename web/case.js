import { $, fill, api, errorText, h, notify, param, renderHeader, requireUser } from './app.js';
import { caseSummary, determinationView, paymentsView, timelineView } from './case-views.js';

const me = await requireUser();
renderHeader(me);

async function show(caseNumber) {
  $('#case').hidden = true;
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
const n = param('n');
if (n) {
  $('#case-number').value = n;
  await show(n);
}
