// The applicant's own pages (online channel, Art. 35): sign in with the ID number and an SMS code, file a claim for
// unemployment benefit (Art. 34-36), see one's own cases of every type (Art. 31), and supply the materials asked for
// (Art. 37 一次性告知). Personal data travels only in POST bodies.
//
// Sign-in: Enter in the phone field asks for a code, Enter in the code field signs in (two forms). After a code the
// button counts down before another may be asked for; too many codes for the phone are answered with the wait, in
// Chinese, and the same countdown.
import { $, api, dateTime, duration, errorText, fill, h, label, LABELS, notify } from './app.js';
import { CITIES } from './agencies.js';
import { clearErrors, confirmInstead, field, formErrors, onSubmit, showErrors } from './forms.js';
import { publicHeader } from './layout.js';
import { table } from './tables.js';
import { paymentLine } from './case-views.js';
import { showOwnChange } from './persons.js';
import { materialsForm } from './documents.js';

publicHeader();

/** Seconds before another code may be asked for after one was sent. */
const RESEND_SECONDS = 60;

async function start() {
  const me = await api('/auth/me');
  const applicant = me.ok && me.data?.kind === 'applicant';
  $('#signin').hidden = applicant;
  $('#signed-in').hidden = !applicant;
  if (applicant) await showMine();
  // Art. 20 para 2: the person's own residence and phone (for a person in the register).
  if (applicant) await showOwnChange($('#own-change'));
}

// Sign-in: the code goes to the mobile the ID number is registered with (Art. 35 网上服务平台).
const signin = $('#signin');
const sendButton = $('#send-code');
const identity = () => ({ idNumber: $('#si-idNumber').value.trim(), phone: $('#si-phone').value.trim() });
let countdown = null;

/** The send button waits `seconds`, saying how long; then it may be pressed again. */
function waitBeforeResend(seconds, why) {
  clearInterval(countdown);
  let left = seconds;
  const tick = () => {
    if (left <= 0) {
      clearInterval(countdown);
      sendButton.disabled = false;
      sendButton.textContent = '获取验证码';
      $('#code-wait').textContent = '';
      return;
    }
    sendButton.disabled = true;
    sendButton.textContent = `重新获取（${duration(left)}）`;
    $('#code-wait').textContent = `${why}${duration(left)}后可重新获取验证码。`;
    left -= 1;
  };
  tick();
  countdown = setInterval(tick, 1000);
}

onSubmit($('#code-form'), async () => {
  if (sendButton.disabled) return;
  const res = await api('/auth/applicant/code', { method: 'POST', body: identity() });
  if (res.status === 429) {
    const wait = res.retryAfter ?? RESEND_SECONDS;
    waitBeforeResend(wait, '该手机号获取验证码次数过多，');
    return notify(`该手机号获取验证码次数过多，请于${duration(wait)}后再试；已收到的验证码仍可使用。`, 'error');
  }
  if (!res.ok) return showErrors(signin, res);
  clearErrors(signin);
  waitBeforeResend(RESEND_SECONDS, '');
  notify(`验证码已发送，${dateTime(res.data.expiresAt)} 前有效`, 'info', { focus: false });
  $('#si-code').focus();
});

onSubmit($('#login-form'), async () => {
  const code = $('#si-code').value.trim();
  if (!code) return formErrors(signin, [{ path: 'code', message: '请输入短信验证码' }]);
  const res = await api('/auth/applicant/login', { method: 'POST', body: { ...identity(), code, mode: 'cookie' } });
  if (res.status === 401) return formErrors(signin, [{ path: 'code', message: '验证码错误或已失效' }]);
  if (!res.ok) return showErrors(signin, res);
  clearErrors(signin);
  clearInterval(countdown);
  // Said (and focused) first: the sign-in form is hidden under the focus, and the pages below load after it.
  notify('已登录', 'success');
  await start();
});

$('#applicant-logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' });
  await start();
  notify('已退出登录', 'success');
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
        // Art. 39, 63: when money comes.
        { title: '待遇发放', cell: (c) => paymentLine(c.payment) },
        { title: '更新时间', cell: (c) => dateTime(c.updatedAt) },
        {
          title: '操作',
          // The claim's materials (Art. 37); other cases of the person are listed with their progress (Art. 31).
          cell: (c) =>
            c.status === 'awaiting_materials'
              ? h('button', { type: 'button', onclick: () => showMaterials(c.caseNumber) }, `补充材料 ${c.caseNumber}`)
              : '',
        },
      ],
      res.data.items,
      '暂无申请',
    ),
  );
}

/**
 * The materials the agency asked for last (the case's latest materials_requested_N event), a file for each: uploaded
 * and supplied as documents (Art. 14, 84); those held already are not asked for (Art. 85).
 */
async function showMaterials(caseNumber) {
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}`);
  if (!res.ok) return notify(errorText(res), 'error');
  const asked = res.data.events.filter((e) => e.type.startsWith('materials_requested_')).at(-1);
  const form = materialsForm(caseNumber, asked?.data?.materials ?? [], {
    dueDate: asked?.data?.dueDate,
    onDone: async () => {
      $('#materials').hidden = true;
      await showMine();
    },
  });
  fill($('#materials'), h('h2', { id: 'materials-h' }, '补充材料'), form);
  $('#materials').hidden = false;
  form.querySelector('input')?.focus();
}

// The claim form: every field labelled, with its purpose for the browser's autofill (WCAG 1.3.5) and its rule in
// Chinese; the paying city chosen by name.
const input = (id, attrs = {}) => h('input', { id, ...attrs });
const select = (id, options) =>
  h(
    'select',
    { id },
    options.map(([v, t]) => h('option', { value: v }, t)),
  );
const claimForm = $('#claim');
fill(
  claimForm,
  h(
    'fieldset',
    {},
    h('legend', {}, '申请人'),
    field('姓名', input('c-name', { autocomplete: 'name' }), 'applicant.name', {
      rule: '请填写本人姓名，与身份证件一致',
    }),
    field('居民身份证号码', input('c-idNumber'), 'applicant.idNumber', {
      rule: '应为18位居民身份证号码，末位校验码正确，且与登录时一致',
    }),
    field(
      '手机号码',
      input('c-phone', { type: 'tel', inputmode: 'numeric', autocomplete: 'tel-national' }),
      'applicant.phone',
      {
        rule: '应为11位手机号码，且与登录时一致',
      },
    ),
  ),
  h(
    'fieldset',
    {},
    h('legend', {}, '原参保单位和离职情况'),
    field('单位名称', input('c-employer-name', { autocomplete: 'organization' }), 'employer.name', {
      rule: '请填写原参保单位的名称',
    }),
    field('统一社会信用代码', input('c-employer-uscc'), 'employer.uscc', {
      rule: '应为原参保单位的18位统一社会信用代码',
    }),
    field('终止或解除劳动关系日期', input('c-separation-date', { type: 'date' }), 'separation.date', {
      rule: '请填写终止或解除劳动关系的日期',
    }),
    field(
      '终止或解除劳动关系原因',
      select('c-separation-reason', Object.entries(LABELS.separationReason)),
      'separation.reason',
      { rule: '请选择终止或解除劳动关系的原因' },
    ),
  ),
  h(
    'fieldset',
    {},
    h('legend', {}, '领取地和待遇发放'),
    field(
      '领取地依据',
      select('c-basis', [
        ['last_insured', '最后参保地'],
        ['hukou', '户籍所在地'],
      ]),
      'payingLocality.basis',
      { rule: '请选择领取地依据' },
    ),
    field('领取失业保险金的城市', select('c-agency', CITIES), 'payingLocality', {
      rule: '请选择领取失业保险金的城市（最后参保地或户籍所在地）',
    }),
    field('发放方式', select('c-method', Object.entries(LABELS.paymentMethod)), 'payment.method', {
      rule: '请选择发放方式',
    }),
    field('开户银行（银行账户时填写）', input('c-bank'), 'payment.bankName', {
      rule: '选择银行账户发放时请填写开户银行',
    }),
    field('社会保障卡号或银行账号', input('c-account', { inputmode: 'numeric' }), 'payment.accountNumber', {
      rule: '请填写本人的社会保障卡号或银行账号（数字）',
    }),
  ),
  h('button', { type: 'submit' }, '提交申请'),
);
onSubmit(claimForm, async () => {
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
  if (!res.ok) return showErrors(claimForm, res);
  notify('');
  // The form is done: its confirmation takes its place (a second claim needs a deliberate step).
  confirmInstead(claimForm, {
    title: `申请已提交，案件编号 ${res.data.caseNumber}`,
    body: [h('p', {}, '请记下案件编号。办理进度可在“我的申请”或“办件进度查询”中查看；需要补充材料的，将以短信告知。')],
    again: '再提交一份申请',
  });
  await showMine();
});

await start();
