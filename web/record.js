// 权益记录 (Art. 9, 29-33): the person's own record (signed in on the applicants' page), a staff member's record for
// the employer's agent (its part only, Art. 30), and any person's record for a clerk at any agency of the province
// with the reason (Art. 9, 30). Each shows the registration, the contributions (Art. 32: a month paid by two employers
// counted once), the benefits and subsidies received, and prints the signed 权益记录单 (Art. 10). Amounts in 元.
import { $, api, fill, h, notify, param, yuan } from './app.js';
import { clearErrors, confirmInstead, field, onSubmit, showErrors } from './forms.js';
import { publicHeader, staffHeader } from './layout.js';
import { table } from './tables.js';

const SECTIONS = {
  registration: '登记信息',
  contributions: '缴费记录',
  benefits: '领取失业保险待遇信息',
  skill_subsidies: '技能提升补贴信息',
};

function dl(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** The record on the page; `pdf` the address of its signed 权益记录单. */
function showRecord(r, pdf) {
  const p = r.person;
  const s = r.contributions.summary;
  const overlapping = new Set(s.overlappingMonths);
  fill(
    $('#record'),
    h('h2', {}, r.scope === 'employer' ? `${p.name}的权益记录（本单位部分，第三十条）` : `${p.name}的权益记录`),
    h(
      'p',
      {},
      `记录截至 ${r.asOf}。`,
      h('a', { href: pdf, download: '', id: 'record-pdf' }, '打印权益记录单（PDF，加盖电子印章）'),
    ),
    h('h3', {}, '登记信息'),
    dl([
      ['个人编号', p.personNumber],
      ['参加保险时间', p.insuredSince],
      ['参保状态', p.statusLabel],
      ['参保状态注销', p.terminated ? `因${p.terminated.reasonLabel}于${p.terminated.on}终止参保（第三十三条）` : null],
    ]),
    table(
      '参保关系',
      [
        { title: '参保单位', cell: (x) => x.employerName },
        { title: '用工之日', cell: (x) => x.hiredOn },
        { title: '状态', cell: (x) => x.statusLabel },
        { title: '终止/离职日期', cell: (x) => x.endedOn ?? '' },
        { title: '离职原因', cell: (x) => x.separationReasonLabel ?? '' },
      ],
      r.relations,
    ),
    h('h3', {}, '缴费记录'),
    h(
      'p',
      { id: 'contribution-summary' },
      `累计缴费月数：${s.months}个月（${s.from ?? '—'}至${s.to ?? '—'}），缴费记录${s.lines}条，实缴金额合计${yuan(s.totalAmountFen)}。`,
      s.overlappingMonths.length
        ? `其中${s.overlappingMonths.join('、')}由两个以上单位缴费，各单位记录均列示，缴费月数不重复计算（第三十二条）。`
        : '',
    ),
    table(
      '缴费记录（费款所属期、缴费单位、缴费基数、实缴金额、到账日期）',
      [
        { title: '费款所属期', cell: (c) => c.month },
        { title: '缴费单位', cell: (c) => c.employerName },
        { title: '缴费基数', cell: (c) => yuan(c.baseFen) },
        { title: '实缴金额', cell: (c) => yuan(c.amountFen) },
        { title: '到账日期', cell: (c) => c.receiptDate },
        {
          title: '备注',
          cell: (c) =>
            [
              c.backPayment ? '补缴' : '',
              overlapping.has(c.month) ? '同月多单位' : '',
              c.version > 1 ? `第${c.version}版` : '',
            ]
              .filter(Boolean)
              .join('，'),
        },
      ],
      r.contributions.records,
    ),
    r.scope === 'employer'
      ? null
      : [
          h('h3', {}, '领取失业保险待遇信息'),
          table(
            '失业保险金',
            [
              { title: '案件编号', cell: (b) => b.caseNumber },
              { title: '状态', cell: (b) => b.statusLabel },
              {
                title: '领取期限',
                cell: (b) => (b.period ? `${b.period.months}个月（${b.period.startDate}至${b.period.endDate}）` : ''),
              },
              { title: '已发放', cell: (b) => `${b.paid.length}个月，${yuan(b.paidTotalFen)}` },
              {
                title: '代缴医疗保险费（第四十四条）',
                cell: (b) => `${b.medicalPremiums.months}个月，${yuan(b.medicalPremiums.totalFen)}`,
              },
            ],
            r.benefits,
            '无',
          ),
          table(
            '其他失业保险待遇',
            [
              { title: '案件编号', cell: (o) => o.caseNumber },
              { title: '待遇', cell: (o) => o.kindLabel },
              { title: '状态', cell: (o) => o.statusLabel },
              { title: '金额', cell: (o) => (o.amountFen == null ? '' : yuan(o.amountFen)) },
            ],
            r.otherBenefits,
            '无',
          ),
          h('h3', {}, '技能提升补贴信息'),
          table(
            '技能提升补贴',
            [
              { title: '案件编号', cell: (o) => o.caseNumber },
              { title: '职业（工种）及等级', cell: (o) => o.detail ?? '' },
              { title: '状态', cell: (o) => o.statusLabel },
              { title: '金额', cell: (o) => (o.amountFen == null ? '' : yuan(o.amountFen)) },
            ],
            r.skillSubsidies,
            '无',
          ),
        ],
  );
}

/** Art. 31: the person's written objection, online. */
function objectionForm() {
  const form = $('#objection-form');
  const statement = h('textarea', { id: 'ob-statement', rows: 4 });
  const boxes = Object.entries(SECTIONS).map(([k, v]) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'sections', value: k }), v),
  );
  fill(
    form,
    h(
      'fieldset',
      { id: 'ob-sections', 'aria-describedby': 'ob-sections-error' },
      h('legend', {}, '有异议的记录'),
      boxes,
      h('span', { class: 'field-error', id: 'ob-sections-error', 'data-error-for': 'sections' }),
    ),
    field('异议的内容和理由', statement, 'statement', { rule: '请写明异议的内容和理由，不少于10字' }),
    h('button', { type: 'submit' }, '提交核查申请'),
  );
  $('#objection').hidden = false;
  onSubmit(form, async () => {
    clearErrors(form);
    const sections = [...form.querySelectorAll('input[name=sections]:checked')].map((i) => i.value);
    const res = await api('/records/objections', {
      method: 'POST',
      body: { channel: 'online', sections, statement: statement.value.trim() },
    });
    if (!res.ok) return showErrors(form, res);
    confirmInstead(form, {
      title: `核查申请已提交（${res.data.caseNumber}）`,
      body: ['经办机构将复核确认，结果以短信告知。'],
    });
  });
}

async function asApplicant() {
  publicHeader();
  const res = await api('/my/record');
  if (!res.ok) {
    notify(res.data?.error?.message ?? '暂不能查询权益记录', 'error');
    return;
  }
  showRecord(res.data, '/my/record/pdf');
  objectionForm();
}

async function asAgent(me) {
  staffHeader(me);
  const mine = await api('/employers/mine');
  if (!mine.ok) return notify(mine.data?.error?.message ?? '本单位尚未办理参保登记', 'error');
  const rn = mine.data.registerNumber;
  const er = await api(`/records/employers/${rn}`);
  if (!er.ok) return notify(er.data?.error?.message ?? '暂不能查询', 'error');
  $('#staff-list').hidden = false;
  fill(
    $('#staff-table'),
    h('p', {}, h('a', { href: `/records/employers/${rn}/pdf`, download: '' }, '打印本单位权益记录单（PDF）')),
    table(
      '本单位职工参保关系',
      [
        { title: '姓名', cell: (m) => h('a', { href: `/app/record?person=${m.personNumber}` }, m.name) },
        { title: '用工之日', cell: (m) => m.hiredOn },
        { title: '状态', cell: (m) => m.statusLabel },
      ],
      er.data.staff.members,
    ),
  );
  const person = param('person');
  if (person) {
    const r = await api(`/records/persons/${encodeURIComponent(person)}`);
    if (!r.ok) return notify(r.data?.error?.message ?? '没有可供查询的记录', 'error');
    showRecord(r.data, `/records/persons/${encodeURIComponent(person)}/pdf`);
  }
}

async function asClerk(me) {
  staffHeader(me);
  const form = $('#lookup-form');
  const id = h('input', { id: 'lk-idNumber' });
  const reason = h('input', { id: 'lk-reason' });
  fill(
    form,
    field('证件号码', id, 'idNumber', { rule: '应为参保人员的证件号码' }),
    field('查询理由', reason, 'reason', { rule: '须写明查询理由（第三十条），记入审计日志' }),
    h('button', { type: 'submit' }, '查询'),
  );
  $('#lookup').hidden = false;
  onSubmit(form, async () => {
    const res = await api('/records/persons/query', {
      method: 'POST',
      body: { idNumber: id.value.trim(), reason: reason.value.trim() },
    });
    if (!res.ok) return showErrors(form, res);
    const pn = res.data.person.personNumber;
    showRecord(res.data, `/records/persons/${pn}/pdf?reason=${encodeURIComponent(reason.value.trim())}`);
    notify('已查询，本次查询已记入审计日志（第三十条）', 'info', { focus: false });
  });
}

const me = await api('/auth/me');
if (me.ok && me.data?.kind === 'applicant') await asApplicant();
else if (me.ok && me.data?.kind === 'staff' && me.data.roles.includes('employer_agent')) await asAgent(me.data);
else if (me.ok && me.data?.kind === 'staff') await asClerk(me.data);
else {
  publicHeader();
  notify('请先登录：参保人员在“网上申领”页面以身份证件号码和短信验证码登录后查询本人权益记录。', 'info');
}
