// The applicant's own pages (online channel, Art. 35): sign in with the ID number and an SMS code, file a claim for
// unemployment benefit (Art. 34-36), see one's own cases of every type (Art. 31), and supply the materials asked for
// (Art. 37 一次性告知).
// Personal data travels only in POST bodies.
import {
  $,
  LABELS,
  api,
  clearFieldErrors,
  dateTime,
  errorText,
  field,
  fill,
  h,
  label,
  notify,
  showFieldErrors,
  table,
} from './app.js';

const MATERIALS = {
  hukou_certificate: '户籍所在地证明材料',
  identity_verification: '本人有效身份证件（经办窗口核验）',
  deemed_contribution_proof: '视同缴费年限证明材料',
};

async function start() {
  const me = await api('/auth/me');
  const applicant = me.ok && me.data?.kind === 'applicant';
  $('#signin').hidden = applicant;
  $('#signed-in').hidden = !applicant;
  if (applicant) await showMine();
}

// Sign-in: the code goes to the mobile the ID number is registered with (Art. 35 网上服务平台).
const codeForm = $('#code-form');
const identity = () => ({ idNumber: $('#si-idNumber').value.trim(), phone: $('#si-phone').value.trim() });
codeForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await api('/auth/applicant/code', { method: 'POST', body: identity() });
  if (!res.ok) return showFieldErrors(codeForm, res);
  clearFieldErrors(codeForm);
  notify(`验证码已发送，${dateTime(res.data.expiresAt)} 前有效`);
});
$('#applicant-login').addEventListener('click', async () => {
  const res = await api('/auth/applicant/login', {
    method: 'POST',
    body: { ...identity(), code: $('#si-code').value.trim(), mode: 'cookie' },
  });
  if (!res.ok) {
    showFieldErrors(codeForm, res);
    if (res.status === 401) $('.form-errors', codeForm).textContent = '验证码错误或已失效';
    return;
  }
  notify('已登录');
  await start();
});
$('#applicant-logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' });
  notify('已退出登录');
  await start();
});

/** My cases; a case waiting for materials gets a button to supply them. */
async function showMine() {
  const res = await api('/my/cases');
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#mine'),
    h('h2', { id: 'mine-h' }, '我的申请'),
    table(
      '我的申请（最新在前）',
      [
        { title: '案件编号', cell: (c) => c.caseNumber },
        { title: '案件类别', cell: (c) => label('caseType', c.caseType) },
        { title: '办理进度', cell: (c) => h('span', { class: 'case-status' }, c.statusLabel) },
        { title: '更新时间', cell: (c) => dateTime(c.updatedAt) },
        {
          title: '操作',
          // The claim's materials (Art. 37); other cases of the person are listed with their progress (Art. 31).
          cell: (c) =>
            c.caseType === 'benefit_claim' && c.status === 'awaiting_materials'
              ? h('button', { type: 'button', onclick: () => showMaterials(c.caseNumber) }, `补充材料 ${c.caseNumber}`)
              : '',
        },
      ],
      res.data.items,
      '暂无申请',
    ),
  );
}

/** The materials the agency asked for last (the case's latest materials_requested_N event), as checkboxes. */
async function showMaterials(caseNumber) {
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}`);
  if (!res.ok) return notify(errorText(res), 'error');
  const asked = res.data.events.filter((e) => e.type.startsWith('materials_requested_')).at(-1);
  const kinds = asked?.data?.materials ?? [];
  const form = h(
    'form',
    { novalidate: true },
    h(
      'fieldset',
      {},
      h(
        'legend',
        {},
        `${caseNumber} 需补充的材料${asked?.data?.dueDate ? `（请于 ${asked.data.dueDate} 前提交）` : ''}`,
      ),
      kinds.map((k) =>
        h(
          'div',
          { class: 'check' },
          h('input', { type: 'checkbox', id: `m-${k}`, name: 'kinds', value: k }),
          h('label', { for: `m-${k}` }, MATERIALS[k] ?? k),
        ),
      ),
      h('span', { class: 'field-error', id: 'kinds-error', dataset: { errorFor: 'kinds' } }),
    ),
    h('p', { class: 'form-errors', role: 'alert' }),
    h('button', { type: 'submit' }, '提交材料'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = [...form.querySelectorAll('input[name=kinds]:checked')].map((i) => i.value);
    const r = await api(`/cases/${encodeURIComponent(caseNumber)}/materials`, {
      method: 'POST',
      body: { kinds: chosen },
    });
    if (!r.ok) return showFieldErrors(form, r);
    notify(`${caseNumber}：材料已提交`);
    $('#materials').hidden = true;
    await showMine();
  });
  fill($('#materials'), h('h2', { id: 'materials-h' }, '补充材料'), form);
  $('#materials').hidden = false;
  form.querySelector('input')?.focus();
}

// The claim form: every field labelled, the API's messages next to them.
const input = (id, attrs = {}) => h('input', { id, autocomplete: 'off', ...attrs });
const select = (id, options) =>
  h(
    'select',
    { id },
    Object.entries(options).map(([v, t]) => h('option', { value: v }, t)),
  );
const claimForm = $('#claim');
fill(
  claimForm,
  h(
    'fieldset',
    {},
    h('legend', {}, '申请人'),
    field('姓名', input('c-name'), 'applicant.name'),
    field('居民身份证号码', input('c-idNumber'), 'applicant.idNumber'),
    field('手机号码', input('c-phone', { inputmode: 'numeric' }), 'applicant.phone'),
  ),
  h(
    'fieldset',
    {},
    h('legend', {}, '原参保单位和离职情况'),
    field('单位名称', input('c-employer-name'), 'employer.name'),
    field('统一社会信用代码', input('c-employer-uscc'), 'employer.uscc'),
    field('终止或解除劳动关系日期', input('c-separation-date', { type: 'date' }), 'separation.date'),
    field('终止或解除劳动关系原因', select('c-separation-reason', LABELS.separationReason), 'separation.reason'),
  ),
  h(
    'fieldset',
    {},
    h('legend', {}, '领取地和待遇发放'),
    field('领取地依据', select('c-basis', { last_insured: '最后参保地', hukou: '户籍所在地' }), 'payingLocality.basis'),
    field('领取地经办机构行政区划代码', input('c-agency', { inputmode: 'numeric', value: '210100' }), 'payingLocality'),
    field('发放方式', select('c-method', LABELS.paymentMethod), 'payment.method'),
    field('开户银行（银行账户时填写）', input('c-bank'), 'payment.bankName'),
    field('社会保障卡号或银行账号', input('c-account', { inputmode: 'numeric' }), 'payment.accountNumber'),
  ),
  h('p', { class: 'form-errors', role: 'alert' }),
  h('button', { type: 'submit' }, '提交申请'),
);
claimForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = (id) => $(`#${id}`).value.trim();
  const body = {
    channel: 'online',
    applicant: { idType: 'resident_id_card', idNumber: v('c-idNumber'), name: v('c-name'), phone: v('c-phone') },
    employer: { uscc: v('c-employer-uscc'), name: v('c-employer-name') },
    separation: { date: v('c-separation-date'), reason: v('c-separation-reason') },
    payingLocality: { basis: v('c-basis'), agencyCode: v('c-agency') },
    payment: {
      method: v('c-method'),
      accountNumber: v('c-account'),
      ...(v('c-bank') ? { bankName: v('c-bank') } : {}),
    },
  };
  const res = await api('/claims', { method: 'POST', body });
  if (!res.ok) return showFieldErrors(claimForm, res);
  clearFieldErrors(claimForm);
  notify(`申请已提交，案件编号 ${res.data.caseNumber}`);
  await showMine();
});

await start();
