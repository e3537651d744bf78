import { $, api, clearFieldErrors, dateTime, h, showFieldErrors } from './app.js';

const form = $('#lookup');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#result').replaceChildren();
  const body = { caseNumber: $('#caseNumber').value.trim(), idNumber: $('#idNumber').value.trim() };
  const res = await api('/public/claim-status', { method: 'POST', body });
  if (!res.ok) {
    showFieldErrors(form, res);
    // The same answer whether the case is missing or the ID number does not match (nothing is disclosed).
    if (res.status === 404) $('.form-errors', form).textContent = '未查询到与该案件编号和证件号码相符的申请';
    return;
  }
  clearFieldErrors(form);
  const r = res.data;
  $('#result').replaceChildren(
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, '案件编号'),
      h('dd', {}, r.caseNumber),
      h('dt', {}, '办理进度'),
      h('dd', {}, h('strong', { class: 'case-status' }, r.statusLabel)),
      h('dt', {}, '更新时间'),
      h('dd', {}, dateTime(r.updatedAt)),
    ),
  );
});
