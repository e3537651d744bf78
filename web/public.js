// 办件进度查询 (public, no sign-in): a claim's progress by its case number and the applicant's ID number.
import { $, api, dateTime, h } from './app.js';
import { clearErrors, formErrors, onSubmit, showErrors } from './forms.js';
import { publicHeader } from './layout.js';

publicHeader();
const form = $('#lookup');
onSubmit(form, async () => {
  $('#result').replaceChildren();
  const body = { caseNumber: $('#caseNumber').value.trim(), idNumber: $('#idNumber').value.trim() };
  const res = await api('/public/claim-status', { method: 'POST', body });
  // The same answer whether the case is missing or the ID number does not match (nothing is disclosed).
  if (res.status === 404) return formErrors(form, [], '未查询到与该案件编号和证件号码相符的申请');
  if (!res.ok) return showErrors(form, res);
  clearErrors(form);
  const r = res.data;
  $('#result').replaceChildren(
    h('h2', {}, '查询结果'),
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
  $('#result').focus();
});
