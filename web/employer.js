// The employer agent's page (单位经办人, Art. 8): the company's own registration (Art. 16) with the items it changes
// itself online (Art. 17 para 2), and its own cases of every type (Art. 31: 稳岗返还, the 技能提升补贴 it applied for,
// its objections), each with its progress; another company's registration and cases are never shown.
import { $, api, dateTime, errorText, fill, h, label, notify, yuan } from './app.js';
import { clearErrors, field, onSubmit, showErrors } from './forms.js';
import { eventKind } from './labels.js';
import { staffHeader } from './layout.js';
import { table } from './tables.js';
import { showStaff } from './persons.js';
import { showSeparations } from './employer-separations.js';

async function start() {
  const me = await api('/auth/me');
  if (!me.ok || me.data?.kind !== 'staff' || !me.data.roles.includes('employer_agent')) {
    location.replace(`/app/?next=${encodeURIComponent(location.pathname)}`);
    return;
  }
  staffHeader(me.data);
  await showRegister();
  await showContributions();
  await showMine();
}

/**
 * Art. 23, 25: the company's contribution records per month as the agency keeps them from the tax platform (单位缴费
 *信息: 缴费人数, 缴费基数总额, 实际缴费金额, 费款所属期, 到账日期), the last 24 months; each month opens its staff's
 * records (缴费人员明细).
 */
async function showContributions() {
  const res = await api('/employer/contributions');
  if (!res.ok) return notify(errorText(res), 'error');
  const months = res.data.months.slice(-24).reverse();
  fill(
    $('#contributions'),
    h('h2', { id: 'contributions-h' }, '本单位缴费信息（规程第二十三条、第二十五条）'),
    h('p', {}, '以下为经办机构按税务部门传递的缴费信息生成的缴费记录（最近24个月）。'),
    table(
      '单位缴费信息',
      [
        { title: '费款所属期', cell: (m) => m.month },
        { title: '缴费人数', cell: (m) => String(m.insuredCount) },
        { title: '缴费基数总额', cell: (m) => yuan(m.baseTotalFen) },
        { title: '实际缴费金额', cell: (m) => yuan(m.amountPaidTotalFen) },
        { title: '到账日期', cell: (m) => m.receiptDate },
        {
          title: '明细',
          cell: (m) =>
            h(
              'button',
              { type: 'button', onclick: () => showContributionStaff(m.month) },
              `查看${m.month}缴费人员明细`,
            ),
        },
      ],
      months,
      '暂无缴费记录',
    ),
  );
}

/** Art. 23 缴费人员明细: the staff's records of one month (identity numbers masked). */
async function showContributionStaff(month) {
  const res = await api(`/employer/contributions/${encodeURIComponent(month)}`);
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#contribution-staff'),
    h('h2', { id: 'contribution-staff-h' }, `缴费人员明细（费款所属期 ${month}）`),
    table(
      `${month} 缴费人员明细`,
      [
        { title: '公民身份号码', cell: (i) => i.idNumberMasked },
        { title: '姓名', cell: (i) => i.name ?? '—' },
        { title: '缴费基数', cell: (i) => yuan(i.contributionBaseFen) },
        { title: '实际缴费金额', cell: (i) => yuan(i.amountPaidFen) },
        { title: '到账日期', cell: (i) => i.receiptDate },
        { title: '补缴', cell: (i) => (i.backPayment ? '是' : '否') },
      ],
      res.data.items,
      '本月暂无缴费人员',
    ),
  );
  $('#contribution-staff').hidden = false;
  $('#contribution-staff').focus();
}

/** Art. 16: the company's registration, every item; the representative's and agent's documents by their kind. */
async function showRegister() {
  const res = await api('/employers/mine');
  if (res.status === 404) {
    fill(
      $('#register'),
      h('h2', { id: 'register-h' }, '本单位参保登记信息（规程第十六条）'),
      h('p', {}, '本单位尚未办理失业保险参保登记。'),
    );
    return;
  }
  if (!res.ok) return notify(errorText(res), 'error');
  const e = res.data;
  const person = (p) => `${p.name}，${label('idType', p.idType)} ${p.idNumber}，联系电话 ${p.phone}`;
  const rows = [
    ['单位编号', e.registerNumber],
    ['参保状态', e.statusLabel],
    ['单位名称', e.name],
    ['统一社会信用代码', e.code],
    ['单位性质', e.natureLabel],
    ['经济类型', e.economicTypeLabel],
    ['单位行业', e.industryLabel],
    ['登记机关', e.registrationAuthority],
    ['成立日期', e.foundedOn],
    ['参保时间', e.insuredSince],
    ['联系地址', e.address],
    ['联系电话', e.phone],
    ['电子邮箱', e.email],
    ['开户银行', `${e.bankAccount.bankName}（行号 ${e.bankAccount.bankCode}）`],
    ['开户银行户名', e.bankAccount.accountName],
    ['银行账号', e.bankAccount.accountNumber],
    ['法定代表人（负责人）', person(e.legalRepresentative)],
    ['授权委托申办人', person(e.agent)],
    ['养老保险协同', e.pension.statusLabel],
  ];
  if (e.parentRegisterNumber) rows.push(['所属单位编号（分支机构）', e.parentRegisterNumber]);
  for (const c of e.pendingChanges) rows.push(['待审核的变更申请', c.caseNumber]);
  fill(
    $('#register'),
    h('h2', { id: 'register-h' }, '本单位参保登记信息（规程第十六条）'),
    h(
      'dl',
      { class: 'facts' },
      rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
  );
  if (e.status === 'insured') {
    showSelfChange(e);
    // Art. 19, 22: the staff tab (增员, the staff list, 终止参保); Art. 21: 减员 and the agency's reminders.
    await showStaff($('#staff'), e);
    await showSeparations(e.registerNumber);
  }
}

/** Art. 17 para 2: address, phone, email and the legal representative, changed by the agent, effective at once. */
function showSelfChange(e) {
  const form = $('#self-change-form');
  const input = (id, value, attrs = {}) => h('input', { id, value, autocomplete: 'off', ...attrs });
  const rep = e.legalRepresentative;
  fill(
    $('#self-change-fields'),
    field('联系地址', input('s-address', e.address), 'address', { rule: '请填写完整的联系地址' }),
    field('联系电话', input('s-phone', e.phone, { inputmode: 'tel' }), 'phone', {
      rule: '须为11位手机号码，或带区号的固定电话（如024-23456789）',
    }),
    field('电子邮箱', input('s-email', e.email, { type: 'email' }), 'email', { rule: '电子邮箱格式不正确' }),
    field('法定代表人（负责人）姓名', input('s-rep-name', rep.name), 'legalRepresentative.name', {
      rule: '姓名只能由文字组成',
    }),
    field('法定代表人居民身份证号码', input('s-rep-id', rep.idNumber), 'legalRepresentative.idNumber', {
      rule: '证件号码格式或校验位不正确',
    }),
    field('法定代表人联系电话', input('s-rep-phone', rep.phone, { inputmode: 'tel' }), 'legalRepresentative.phone', {
      rule: '须为11位手机号码，或带区号的固定电话',
    }),
  );
  $('#self-change').hidden = false;
  if (form.dataset.bound) return;
  form.dataset.bound = 'true';
  onSubmit(form, async () => {
    const v = (id) => $(`#${id}`).value.trim();
    const res = await api(`/employers/${encodeURIComponent(e.registerNumber)}`, {
      method: 'PATCH',
      body: {
        address: v('s-address'),
        phone: v('s-phone'),
        email: v('s-email'),
        legalRepresentative: {
          name: v('s-rep-name'),
          idType: rep.idType,
          idNumber: v('s-rep-id'),
          phone: v('s-rep-phone'),
        },
      },
    });
    if (!res.ok) return showErrors(form, res);
    clearErrors(form);
    await showRegister();
    notify(res.data.changed.length ? '变更已生效，已记录变更历史' : '填写的内容与登记信息相同，未作变更', 'success');
  });
}

async function showMine() {
  const res = await api('/my/cases');
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#mine'),
    h('h2', { id: 'mine-h' }, '本单位的办件'),
    table(
      '本单位的办件（最新在前）',
      [
        { title: '案件编号', cell: (c) => c.caseNumber },
        { title: '案件类别', cell: (c) => label('caseType', c.caseType) },
        { title: '办理进度', cell: (c) => h('span', { class: 'case-status' }, c.statusLabel) },
        { title: '更新时间', cell: (c) => dateTime(c.updatedAt) },
        {
          title: '操作',
          cell: (c) => h('button', { type: 'button', onclick: () => showCase(c.caseNumber) }, `查看 ${c.caseNumber}`),
        },
      ],
      res.data.items,
      '暂无办件',
    ),
  );
}

/** One case: what was applied for and its timeline (the person's data masked by the API). */
async function showCase(caseNumber) {
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}`);
  if (!res.ok) return notify(errorText(res), 'error');
  const c = res.data;
  const facts = [];
  if (c.jobRetention)
    facts.push(
      `${c.jobRetention.year}年度稳岗返还：${c.jobRetention.employer.name}，返还金额 ${yuan(c.jobRetention.amountFen)}`,
    );
  if (c.skillSubsidy) {
    const s = c.skillSubsidy;
    facts.push(`技能提升补贴：职工 ${s.employee.nameMasked}（${s.employee.idNumberMasked}）`);
    if (s.employer.recorded) facts.push(`职工所在企业（参保记录）：${s.employer.recorded.name}`);
    if (s.amountFen) facts.push(`补贴金额：${yuan(s.amountFen)}`);
  }
  if (c.objection)
    facts.push(`复核：针对 ${c.objection.originalCaseNumber}，${label('caseStatus', c.objection.status)}`);
  fill(
    $('#detail'),
    h('h2', { id: 'detail-h' }, `办件详情 ${c.caseNumber}`),
    h('p', {}, `${label('caseType', c.caseType)}，${c.statusLabel}，${c.agency.name}`),
    h(
      'ul',
      {},
      facts.map((f) => h('li', {}, f)),
    ),
    table(
      '办理过程',
      [
        { title: '时间', cell: (e) => dateTime(e.at) },
        { title: '事项', cell: (e) => label('event', eventKind(e.type)) },
      ],
      c.events,
      '暂无记录',
    ),
  );
  $('#detail').hidden = false;
  $('#detail').focus();
}

await start();
