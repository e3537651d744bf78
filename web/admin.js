// 系统管理 (Art. 94): users and their roles, the working-day calendar's years, and the policy parameters in force
// (Art. 12): read on a date, and new dated entries added (never edited). Over the API the administrator has.
import { $, LABELS, api, dateTime, errorText, fill, h, label, notify } from './app.js';
import { clearErrors, field, formErrors, onSubmit, showErrors } from './forms.js';
import { PROVISIONAL_NOTE, staffPage } from './layout.js';
import { pagedTable } from './tables.js';

const me = await staffPage();
if (!me.roles.includes('administrator')) {
  notify('本页面仅供系统管理员使用', 'error');
  throw new Error('not an administrator');
}

// Users (Art. 94 用户和角色): within the administrator's agency scope.
async function loadUsers() {
  const res = await api('/admin/users');
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#users'),
    pagedTable(
      `用户（共 ${res.data.users.length} 个）`,
      [
        { title: '用户名', cell: (u) => u.username },
        { title: '姓名', cell: (u) => u.displayName },
        { title: '经办机构', cell: (u) => u.agencyCode },
        { title: '角色', cell: (u) => u.roles.map((r) => label('role', r)).join('、') },
        { title: '状态', cell: (u) => (u.active ? '启用' : '停用') },
        { title: '登录锁定', cell: (u) => (u.lockedUntil ? unlockForm(u) : '—') },
        { title: '创建时间', cell: (u) => dateTime(u.createdAt) },
      ],
      res.data.users,
    ),
  );
}
/**
 * Art. 95: an account that failed sign-ins locked (from an address, a browser, or from clients it does not know), and
 * its unlock with the reason (audited).
 */
function unlockForm(u) {
  const form = h(
    'form',
    {},
    h('span', {}, `锁定至 ${dateTime(u.lockedUntil)} `),
    h('input', { 'aria-label': `解锁 ${u.username} 的原因`, placeholder: '解锁原因', autocomplete: 'off' }),
    h('button', { type: 'submit' }, '解锁'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await api(`/admin/users/${u.id}/unlock`, {
      method: 'POST',
      body: { reason: form.querySelector('input').value.trim() },
    });
    if (!res.ok) return notify(errorText(res), 'error');
    notify(`已解锁 ${u.username}`);
    await loadUsers();
  });
  return form;
}

const userForm = $('#new-user');
fill(
  $('#new-user-fields'),
  field('用户名', h('input', { id: 'u-username', autocomplete: 'off' }), 'username', {
    rule: '用户名为字母、数字或 . _ -，不与已有用户重复',
  }),
  field('姓名', h('input', { id: 'u-displayName', autocomplete: 'off' }), 'displayName', { rule: '请填写用户的姓名' }),
  field(
    '经办机构行政区划代码',
    h('input', { id: 'u-agencyCode', value: me.agencyCode, inputmode: 'numeric' }),
    'agencyCode',
    { rule: '应为6位行政区划代码，且在您的管理范围内' },
  ),
  h(
    'fieldset',
    { 'aria-describedby': 'u-roles-error', dataset: { rule: '请至少选择一个角色' } },
    h('legend', {}, '角色'),
    Object.entries(LABELS.role).map(([r, t]) =>
      h(
        'div',
        { class: 'check' },
        h('input', { type: 'checkbox', id: `u-role-${r}`, name: 'roles', value: r }),
        h('label', { for: `u-role-${r}` }, t),
      ),
    ),
    h('span', { class: 'field-error', id: 'u-roles-error', dataset: { errorFor: 'roles' } }),
  ),
  field(
    '初始密码（至少12位）',
    h('input', { id: 'u-password', type: 'password', autocomplete: 'new-password' }),
    'password',
    { rule: '初始密码至少12位' },
  ),
);
onSubmit(userForm, async () => {
  const body = {
    username: $('#u-username').value.trim(),
    displayName: $('#u-displayName').value.trim(),
    agencyCode: $('#u-agencyCode').value.trim(),
    roles: [...userForm.querySelectorAll('input[name=roles]:checked')].map((i) => i.value),
    password: $('#u-password').value,
  };
  const res = await api('/admin/users', { method: 'POST', body });
  if (!res.ok) return showErrors(userForm, res);
  clearErrors(userForm);
  userForm.reset();
  $('#u-agencyCode').value = me.agencyCode;
  await loadUsers();
  notify(`已新增用户 ${res.data.username}`, 'success');
});

// The working-day calendar (RUNTIME.md: years the package does not cover are added here when published).
async function loadYears() {
  const res = await api('/calendar/years');
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#years'),
    pagedTable(
      '已有日历的年度（最新在前）',
      [
        { title: '年度', cell: (y) => String(y.year) },
        { title: '来源', cell: (y) => y.source },
        {
          title: '录入方式',
          cell: (y) =>
            y.origin === 'administrator'
              ? '管理员录入'
              : y.origin === 'provisional'
                ? h('span', { class: 'provisional', title: PROVISIONAL_NOTE }, '暂定（通知未录入）')
                : '随系统发布',
        },
        {
          title: '查看',
          cell: (y) => h('button', { type: 'button', onclick: () => showYear(y.year) }, `查看 ${y.year} 年`),
        },
      ],
      [...res.data.years].sort((a, b) => b.year - a.year),
      { pageSize: 10, empty: '没有日历数据' },
    ),
  );
}
async function showYear(year) {
  const res = await api(`/calendar/years/${year}`);
  if (!res.ok) return notify(errorText(res), 'error');
  const y = res.data;
  fill(
    $('#year-detail'),
    h('h3', {}, `${y.year} 年`),
    h('p', {}, `法定节假日：${y.holidays.join('、') || '无'}`),
    h('p', {}, `调休上班日：${y.adjustedWorkdays.join('、') || '无'}`),
    h('p', {}, `来源：${y.source}`),
  );
}
const calForm = $('#calendar-form');
fill(
  $('#calendar-fields'),
  field('年度', h('input', { id: 'cal-year', inputmode: 'numeric', autocomplete: 'off' }), 'params.year', {
    rule: '年度应为4位数字',
  }),
  field('法定节假日（日期 YYYY-MM-DD，以空格或逗号分隔）', h('textarea', { id: 'cal-holidays', rows: 3 }), 'holidays', {
    rule: '每个日期应为该年度的真实日期，格式 YYYY-MM-DD',
  }),
  field('调休上班日（同上）', h('textarea', { id: 'cal-adjusted', rows: 2 }), 'adjustedWorkdays', {
    rule: '每个日期应为该年度的真实日期，格式 YYYY-MM-DD',
  }),
  field('依据（国务院办公厅通知名称）', h('input', { id: 'cal-source', autocomplete: 'off' }), 'source', {
    rule: '请填写国务院办公厅通知的名称',
  }),
  field('录入理由', h('input', { id: 'cal-reason', autocomplete: 'off' }), 'reason', { rule: '请填写录入理由' }),
);
const dates = (id) =>
  $(`#${id}`)
    .value.split(/[\s,，、]+/)
    .filter(Boolean);
onSubmit(calForm, async () => {
  const year = $('#cal-year').value.trim();
  if (!/^\d{4}$/.test(year)) return formErrors(calForm, [{ path: 'params.year', message: '年度应为4位数字' }]);
  const res = await api(`/calendar/years/${year}`, {
    method: 'PUT',
    body: {
      holidays: dates('cal-holidays'),
      adjustedWorkdays: dates('cal-adjusted'),
      source: $('#cal-source').value.trim(),
      reason: $('#cal-reason').value.trim(),
    },
  });
  if (!res.ok) return showErrors(calForm, res);
  clearErrors(calForm);
  await loadYears();
  await showYear(year);
  notify(`已保存 ${year} 年工作日历`, 'success');
});

// Policy parameters in force on a date (Art. 12), read only.
const FAMILY = {
  eligibility: '申领条件',
  benefitLevel: '失业保险金标准',
  benefitPeriod: '领取期限',
  durationCap: '领取期限上限',
  minimumWage: '最低工资标准',
  minimumWageTier: '最低工资档次',
  contributionRate: '缴费费率',
  childbirthSubsidy: '生育补助金',
  survivorBenefit: '丧葬补助金和抚恤金',
  skillSubsidyAmount: '技能提升补贴标准',
  skillSubsidyRule: '技能提升补贴条件',
  jobRetentionRatio: '稳岗返还比例',
  jobRetentionRule: '稳岗返还条件',
  priceSubsidyTrigger: '价格临时补贴启动条件',
  priceSubsidyAmount: '价格临时补贴标准',
  medicalPremium: '医疗保险费',
  reviewThreshold: '大额支付复核标准',
  monitoringRule: '监控规则',
  dataCorrectionField: '数据维护字段',
  documentValidity: '业务资料有效期',
  deadline: '办理时限',
};
const policyForm = $('#policy-form');
async function loadPolicy(date) {
  const res = await api(`/policy/parameters${date ? `?date=${encodeURIComponent(date)}` : ''}`);
  if (!res.ok) return showErrors(policyForm, res);
  clearErrors(policyForm);
  const show = (v) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  fill(
    $('#policy'),
    pagedTable(
      `${res.data.date} 有效的参数（共 ${res.data.parameters.length} 项）`,
      [
        { title: '类别', cell: (p) => FAMILY[p.family] ?? p.family },
        { title: '项目', cell: (p) => p.key },
        { title: '取值（金额为分）', cell: (p) => h('code', { class: 'json' }, show(p.value)) },
        { title: '生效日期', cell: (p) => `${p.effectiveFrom}${p.effectiveUntil ? ` 至 ${p.effectiveUntil}` : ' 起'}` },
        { title: '依据', cell: (p) => `${p.source.document} ${p.source.article}` },
        { title: '核对', cell: (p) => (p.confirmed ? '已核对原文' : '未核对原文') },
      ],
      res.data.parameters,
    ),
  );
}
onSubmit(policyForm, () => loadPolicy($('#policy-date').value));

// New dated entries (Art. 12: "如遇政策调整，按调整后文件执行"): validated by the API with the family's schema; an
// entry takes effect today or later and is never edited, so a case keeps the parameters of its determination date.
let entries = [];
async function loadEntries() {
  const res = await api('/admin/policy/entries');
  if (!res.ok) return notify(errorText(res), 'error');
  entries = res.data.entries;
  fill(
    $('#policy-added'),
    pagedTable(
      '管理员追加的参数',
      [
        { title: '类别', cell: (p) => FAMILY[p.family] ?? p.family },
        { title: '项目', cell: (p) => p.key },
        { title: '取值（金额为分）', cell: (p) => h('code', { class: 'json' }, JSON.stringify(p.value)) },
        { title: '生效日期', cell: (p) => `${p.effectiveFrom}${p.effectiveUntil ? ` 至 ${p.effectiveUntil}` : ' 起'}` },
        { title: '依据', cell: (p) => `${p.source.document} ${p.source.article}` },
        { title: '核对', cell: (p) => (p.confirmed ? '已核对原文' : '未核对原文') },
        { title: '录入', cell: (p) => `${p.addedBy} ${dateTime(p.addedAt)}` },
      ],
      entries.filter((e) => e.origin === 'administrator'),
      { pageSize: 10, empty: '尚无管理员追加的参数' },
    ),
  );
}
const entryForm = $('#policy-entry-form');
fill(
  $('#policy-entry-fields'),
  field(
    '参数类别',
    h(
      'select',
      { id: 'pe-family' },
      Object.entries(FAMILY).map(([f, t]) => h('option', { value: f }, t)),
    ),
    'family',
  ),
  field('参数项目', h('select', { id: 'pe-key' }), 'key', { rule: '请选择该类别已有的参数项目' }),
  field('生效日期（不早于今天）', h('input', { id: 'pe-from', type: 'date' }), 'effectiveFrom', {
    rule: '生效日期不得早于今天',
  }),
  field(
    '取值（JSON，金额为分，比例为基点）',
    h('textarea', { id: 'pe-value', rows: 4, spellcheck: 'false' }),
    'value',
    {
      rule: '取值不符合该类参数的要求（金额为不小于0的整数分，比例为基点）',
    },
  ),
  field('政策文件（参数出处）', h('input', { id: 'pe-document', autocomplete: 'off' }), 'source.document', {
    rule: '请填写参数出处的政策文件名称',
  }),
  field('条款', h('input', { id: 'pe-article', autocomplete: 'off' }), 'source.article', { rule: '请填写条款' }),
  h(
    'div',
    { class: 'check' },
    h('input', {
      type: 'checkbox',
      id: 'pe-confirmed',
      'aria-describedby': 'pe-confirmed-error',
      dataset: { rule: '请确认是否已核对原文' },
    }),
    h('label', { for: 'pe-confirmed' }, '已核对原文'),
    h('span', { class: 'field-error', id: 'pe-confirmed-error', dataset: { errorFor: 'confirmed' } }),
  ),
  field('备注（可选）', h('input', { id: 'pe-note', autocomplete: 'off' }), 'note', { rule: '备注不超过500字' }),
);
/** The keys of the chosen family, and its latest value as a starting point for the new one. */
function showKeys() {
  const family = $('#pe-family').value;
  const own = entries.filter((e) => e.family === family);
  fill($('#pe-key'), ...[...new Set(own.map((e) => e.key))].sort().map((k) => h('option', { value: k }, k)));
  showLatestValue();
}
function showLatestValue() {
  const family = $('#pe-family').value;
  const key = $('#pe-key').value;
  const latest = entries
    .filter((e) => e.family === family && e.key === key)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  $('#pe-value').value = latest ? JSON.stringify(latest.value, null, 2) : '';
}
$('#pe-family').addEventListener('change', showKeys);
$('#pe-key').addEventListener('change', showLatestValue);
onSubmit(entryForm, async () => {
  let value;
  try {
    value = JSON.parse($('#pe-value').value);
  } catch {
    return formErrors(entryForm, [{ path: 'value', message: '取值不是有效的 JSON 格式' }]);
  }
  const note = $('#pe-note').value.trim();
  const body = {
    family: $('#pe-family').value,
    key: $('#pe-key').value,
    effectiveFrom: $('#pe-from').value,
    value,
    source: { document: $('#pe-document').value.trim(), article: $('#pe-article').value.trim() },
    confirmed: $('#pe-confirmed').checked,
    ...(note ? { note } : {}),
  };
  const res = await api('/admin/policy/entries', { method: 'POST', body });
  if (!res.ok) return showErrors(entryForm, res);
  clearErrors(entryForm);
  await loadEntries();
  await loadPolicy(res.data.effectiveFrom);
  notify(`已追加参数 ${FAMILY[res.data.family] ?? ''} ${res.data.key}，自 ${res.data.effectiveFrom} 起生效`, 'success');
});

await Promise.all([loadUsers(), loadYears(), loadPolicy(''), loadEntries()]);
showKeys();
