// The register of insured persons on the pages (Art. 19-22, 30): the employer's staff tab (增员, the staff list, 终止参保),
// the clerk's person page (search by ID number, the items, relations and history, 个人重要信息变更), and the person's
// own change of residence and phone. Every text in the 规程's words; errors next to their fields.
import { $, api, dateTime, errorText, fill, h, notify } from './app.js';
import { clearErrors, field, onSubmit, showErrors } from './forms.js';
import { table } from './tables.js';
import { articleLabel } from './explanation.js';

const input = (id, attrs = {}) => h('input', { id, autocomplete: 'off', ...attrs });
const select = (id, options) =>
  h(
    'select',
    { id },
    options.map(([value, text]) => h('option', { value }, text)),
  );
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const TERMINATION = [
  ['retirement', '退休'],
  ['emigration', '出国定居'],
  ['death', '死亡'],
];

/** The employer's staff tab (Art. 19, 22): register a person, the staff insured now, declare a termination. */
export async function showStaff(section, employer) {
  const form = h(
    'form',
    { id: 'staff-form', novalidate: true },
    field(
      '证件类型',
      select('p-idType', [
        ['resident_id_card', '居民身份证'],
        ['social_security_card', '社会保障卡'],
      ]),
      'idType',
    ),
    field('证件号码', input('p-idNumber'), 'idNumber', { rule: '证件号码格式或校验位不正确' }),
    field('姓名', input('p-name'), 'name', { rule: '姓名须与户籍信息一致' }),
    field(
      '性别',
      select('p-sex', [
        ['male', '男'],
        ['female', '女'],
      ]),
      'sex',
      { rule: '须与证件号码所载一致' },
    ),
    field('出生日期', input('p-birthDate', { type: 'date' }), 'birthDate', { rule: '须与证件号码所载一致' }),
    field('联系方式（手机号码）', input('p-phone', { inputmode: 'tel' }), 'phone', { rule: '须为11位手机号码' }),
    field('户籍所在地（行政区划代码）', input('p-hukouDivision', { inputmode: 'numeric' }), 'hukouDivision', {
      rule: '须为6位行政区划代码，与户籍信息一致',
    }),
    field('户籍地址', input('p-hukouAddress'), 'hukouAddress', { rule: '请填写完整的户籍地址' }),
    field('居住地', input('p-residence'), 'residence', { rule: '请填写完整的居住地' }),
    field('用工日期', input('p-hiredOn', { type: 'date', value: today() }), 'hiredOn', {
      hint: '应自用工之日起30日内申报参保登记（规程第十九条）',
    }),
    field('参加保险时间', input('p-insuredSince', { type: 'date', value: today() }), 'insuredSince'),
    h('button', { type: 'submit' }, '提交增员'),
  );
  const list = h('div', { id: 'staff-list' });
  fill(
    section,
    h('h2', { id: 'staff-h' }, '职工参保登记（增员，规程第十九条）'),
    form,
    h('h3', {}, '本单位参保职工'),
    list,
  );
  section.hidden = false;
  onSubmit(form, async () => {
    const v = (id) => $(`#${id}`).value.trim();
    const res = await api(`/employers/${encodeURIComponent(employer.registerNumber)}/persons`, {
      method: 'POST',
      body: {
        channel: 'online',
        idType: v('p-idType'),
        idNumber: v('p-idNumber'),
        name: v('p-name'),
        sex: v('p-sex'),
        birthDate: v('p-birthDate'),
        phone: v('p-phone'),
        hukouDivision: v('p-hukouDivision'),
        hukouAddress: v('p-hukouAddress'),
        residence: v('p-residence'),
        insuredSince: v('p-insuredSince'),
        hiredOn: v('p-hiredOn'),
      },
    });
    if (!res.ok) return showErrors(form, res);
    clearErrors(form);
    form.reset();
    const late = res.data.lateByDays > 0 ? `，超过30日申报期限${res.data.lateByDays}日，已记录` : '';
    notify(`已办理参保登记（${res.data.originLabel}），个人编号 ${res.data.personNumber}${late}`, 'success');
    await showStaffList(list, employer);
  });
  await showStaffList(list, employer);
}

async function showStaffList(target, employer) {
  const res = await api(`/employers/${encodeURIComponent(employer.registerNumber)}/persons`);
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    target,
    table(
      '本单位参保职工',
      [
        { title: '个人编号', cell: (r) => r.person.personNumber },
        { title: '姓名', cell: (r) => r.person.name },
        { title: '证件号码', cell: (r) => r.person.idNumber },
        { title: '用工日期', cell: (r) => r.hiredOn },
        { title: '参保状态', cell: (r) => r.statusLabel },
        { title: '终止参保（规程第二十二条）', cell: (r) => terminationForm(r, employer, target) },
      ],
      res.data.items,
      '暂无参保职工',
    ),
  );
}

/** Art. 22: retirement, emigration or death of a member of staff, declared online. */
function terminationForm(r, employer, listTarget) {
  const n = r.person.personNumber;
  const form = h(
    'form',
    { id: `t-${n}`, class: 'inline', novalidate: true },
    field('原因', select(`t-${n}-reason`, TERMINATION), 'reason'),
    field('日期', input(`t-${n}-on`, { type: 'date', value: today() }), 'on'),
    h('button', { type: 'submit', class: 'secondary' }, `申报终止参保 ${r.person.name}`),
  );
  onSubmit(form, async () => {
    const res = await api(`/persons/${n}/termination`, {
      method: 'POST',
      body: { channel: 'online', reason: $(`#t-${n}-reason`).value, on: $(`#t-${n}-on`).value },
    });
    if (!res.ok) return showErrors(form, res);
    notify(`${r.person.name}已终止参保（${res.data.reasonLabel}）`, 'success');
    await showStaffList(listTarget, employer);
  });
  return form;
}

/** The person's items, relations and history (Art. 19, 30), as the reader may see them. */
export function personFacts(p) {
  const rows = [
    ['个人编号', p.personNumber],
    ['参保状态', p.statusLabel + (p.terminated ? `（${p.terminated.reasonLabel}，${p.terminated.on}）` : '')],
    ['证件类型', p.idTypeLabel],
    ['证件号码', p.idNumber],
    ['姓名', p.name],
    ['性别', p.sexLabel],
    ['出生日期', p.birthDate],
    ['联系方式', p.phone],
    ['户籍所在地', `${p.hukouDivision} ${p.hukouAddress}`],
    ['居住地', p.residence],
    ['参加保险时间', p.insuredSince],
  ];
  return [
    h(
      'dl',
      { class: 'facts' },
      rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    table(
      '参保关系',
      [
        { title: '单位编号', cell: (r) => r.registerNumber },
        { title: '单位名称', cell: (r) => r.employerName },
        { title: '用工日期', cell: (r) => r.hiredOn },
        { title: '登记方式', cell: (r) => r.originLabel },
        { title: '状态', cell: (r) => r.statusLabel },
        { title: '终止日期', cell: (r) => r.endedOn ?? '' },
      ],
      p.relations,
      '暂无参保关系',
    ),
  ];
}

const KIND = {
  registered: '参保登记',
  resumed: '恢复参保',
  moved_in: '系统内转入',
  changed: '信息变更',
  suspended: '暂停参保',
  terminated: '终止参保',
  cancelled: '注销',
};

/** '20.1' → '规程第二十条第一款', '33' → '规程第三十三条': the article (and paragraph) in the 规程's words. */
const articleText = (a) => {
  const [article, paragraph] = String(a).split('.');
  return `规程${articleLabel(article)}${paragraph ? articleLabel(paragraph).replace(/条$/, '款') : ''}`;
};

export async function historyTable(personNumber) {
  const res = await api(`/persons/${personNumber}/history`);
  if (!res.ok) return h('p', {}, errorText(res));
  return table(
    '变更历史',
    [
      { title: '时间', cell: (c) => dateTime(c.at) },
      { title: '事项', cell: (c) => KIND[c.kind] ?? c.kind },
      { title: '依据', cell: (c) => articleText(c.article) },
      { title: '变更项目', cell: (c) => c.fieldLabels.join('、') },
      { title: '经办人', cell: (c) => c.actor },
    ],
    res.data.items,
    '暂无记录',
  );
}

/** Art. 20 para 2: the person changes their residence and phone online, effective at once. */
export async function showOwnChange(section) {
  const res = await api('/persons/mine');
  if (!res.ok) return;
  const p = res.data;
  const form = h(
    'form',
    { id: 'own-change-form', novalidate: true },
    field('居住地', input('o-residence', { value: p.residence }), 'residence', { rule: '请填写完整的居住地' }),
    field('联系电话', input('o-phone', { value: p.phone, inputmode: 'tel' }), 'phone', { rule: '须为11位手机号码' }),
    h('button', { type: 'submit' }, '提交变更'),
  );
  fill(
    section,
    h('h2', { id: 'own-change-h' }, '变更居住地址、联系电话（规程第二十条）'),
    h(
      'p',
      {},
      `个人编号 ${p.personNumber}，${p.statusLabel}。姓名、出生日期、证件号码的变更请持有效身份证件到经办机构办理。`,
    ),
    form,
  );
  section.hidden = false;
  onSubmit(form, async () => {
    const r = await api('/persons/mine', {
      method: 'PATCH',
      body: { residence: $('#o-residence').value.trim(), phone: $('#o-phone').value.trim() },
    });
    if (!r.ok) return showErrors(form, r);
    clearErrors(form);
    notify(r.data.changed.length ? '变更已生效，已记录变更历史' : '填写的内容与登记信息相同，未作变更', 'success');
  });
}
