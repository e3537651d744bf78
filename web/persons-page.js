// The clerk's person page (Art. 19-22, 30): a person found by the ID number (sent in the body, never in the address),
// their items, relations and history; an intake clerk changes the name, birth date or ID number after checking the new
// identity document (Art. 20, 即时办结).
import { $, api, errorText, fill, h, notify } from './app.js';
import { clearErrors, field, onSubmit, showErrors } from './forms.js';
import { staffPage } from './layout.js';
import { historyTable, personFacts } from './persons.js';

const me = await staffPage();
const input = (id, attrs = {}) => h('input', { id, autocomplete: 'off', ...attrs });
fill($('#search-fields'), field('证件号码', input('q-idNumber'), 'idNumber', { rule: '证件号码格式或校验位不正确' }));
onSubmit($('#search-form'), async () => {
  const res = await api('/persons/search', { method: 'POST', body: { idNumber: $('#q-idNumber').value.trim() } });
  if (!res.ok) return res.status === 400 ? showErrors($('#search-form'), res) : notify(errorText(res), 'error');
  clearErrors($('#search-form'));
  await show(res.data);
});

async function show(p) {
  fill(
    $('#person'),
    h('h2', { id: 'person-h' }, `参保人员 ${p.name}（${p.personNumber}）`),
    ...personFacts(p),
    await historyTable(p.personNumber),
  );
  $('#person').hidden = false;
  $('#person').focus();
  if (me.roles.includes('intake')) showIdentityChange(p);
}

function showIdentityChange(p) {
  fill(
    $('#identity-change-fields'),
    field('姓名', input('c-name', { value: p.name }), 'name', { rule: '须与户籍信息一致' }),
    field('出生日期', input('c-birthDate', { type: 'date', value: p.birthDate }), 'birthDate', {
      rule: '须与证件号码所载一致',
    }),
    field('证件号码', input('c-idNumber', { value: p.idNumber }), 'idNumber', { rule: '证件号码格式或校验位不正确' }),
  );
  $('#identity-change').hidden = false;
  const form = $('#identity-change-form');
  form.onsubmit = null;
  if (form.dataset.bound) return;
  form.dataset.bound = 'true';
  onSubmit(form, async () => {
    const current = form.dataset.person ? JSON.parse(form.dataset.person) : p;
    const body = { documentChecked: true };
    for (const [key, id] of [
      ['name', 'c-name'],
      ['birthDate', 'c-birthDate'],
      ['idNumber', 'c-idNumber'],
    ]) {
      const v = $(`#${id}`).value.trim();
      if (v && v !== current[key]) body[key] = v;
    }
    const res = await api(`/persons/${current.personNumber}/identity-changes`, { method: 'POST', body });
    if (!res.ok) return showErrors(form, res);
    clearErrors(form);
    notify('变更已办结，已记录变更历史', 'success');
    const again = await api(`/persons/${current.personNumber}`);
    if (again.ok) {
      form.dataset.person = JSON.stringify(again.data);
      await show(again.data);
    }
  });
  form.dataset.person = JSON.stringify(p);
}
