// The employer agent's staff reduction (减员, 暂停参保, Art. 21) and the reminders the register sent the company
// (Art. 17, 19): the staff in the register, the declaration of the separation date and reason from the termination
// certificate, the 《失业保险金申领告知书》 to print, and each reminder with the day to act by.
import { $, LABELS, api, dateTime, errorText, fill, h, label, notify } from './app.js';
import { clearErrors, field, onSubmit, showErrors } from './forms.js';
import { table } from './tables.js';

/** Art. 21: the reduction form and the staff list; Art. 17, 19: the reminders. */
export async function showSeparations(registerNumber) {
  await Promise.all([showReduction(registerNumber), showReminders(registerNumber)]);
}

async function showReduction(registerNumber) {
  // The one staff list of the register (api/register/persons-router.ts), every relation with this employer.
  const staff = await api(`/employers/${encodeURIComponent(registerNumber)}/persons?status=all`);
  if (!staff.ok) return notify(errorText(staff), 'error');
  const rows = staff.data.items.map((r) => ({
    ...r,
    relationId: r.id,
    personNumber: r.person.personNumber,
    name: r.person.name,
    idNumber: r.person.idNumber,
    separationReasonLabel: r.separationReason ? label('separationReason', r.separationReason) : '',
  }));
  const insured = rows.filter((p) => p.status === 'insured');
  const reduced = rows.filter((p) => p.status === 'suspended');
  const person = h(
    'select',
    { id: 'r-person' },
    h('option', { value: '' }, '请选择职工'),
    insured.map((p) =>
      h('option', { value: p.personNumber }, `${p.name}（${p.idNumber}，个人编号 ${p.personNumber}）`),
    ),
  );
  const date = h('input', { id: 'r-date', type: 'date', autocomplete: 'off' });
  const reason = h(
    'select',
    { id: 'r-reason' },
    h('option', { value: '' }, '请选择失业原因'),
    Object.keys(LABELS.separationReason).map((code) => h('option', { value: code }, label('separationReason', code))),
  );
  const form = h(
    'form',
    { id: 'reduction-form', novalidate: true },
    field('职工', person, 'personNumber', { rule: '请选择本单位参保职工' }),
    field('失业时间（解除劳动关系证明记载）', date, 'separationDate', {
      rule: '失业时间不能早于用工之日，也不能晚于今天',
    }),
    field('失业原因（解除劳动关系证明记载）', reason, 'separationReason', { rule: '请选择失业原因' }),
    h('button', { type: 'submit' }, '提交减员申报'),
  );
  onSubmit(form, async () => {
    const res = await api(`/employers/${encodeURIComponent(registerNumber)}/reductions`, {
      method: 'POST',
      body: {
        channel: 'online',
        personNumber: person.value,
        separationDate: date.value,
        separationReason: reason.value,
      },
    });
    if (!res.ok) return showErrors(form, res);
    clearErrors(form);
    await showReduction(registerNumber);
    notify(
      `减员申报已办理，失业时间 ${res.data.separationDate}。已向职工发送《失业保险金申领告知书》短信，请打印告知书交本人。` +
        (res.data.lateByDays ? `本次申报超过规定的15日（逾期${res.data.lateByDays}日），已记录并转经办机构。` : ''),
      'success',
    );
  });
  fill(
    $('#reduction'),
    h('h2', { id: 'reduction-h' }, '参保人员减员（暂停参保，规程第二十一条）'),
    h(
      'p',
      {},
      '参保人员与单位解除劳动关系的，请在15日内办理减员申报，据实录入解除劳动关系证明材料中记载的失业时间、失业原因，并向失业人员发放《失业保险金申领告知书》。',
    ),
    form,
    table(
      '已减员职工（告知书可打印）',
      [
        { title: '姓名', cell: (p) => p.name },
        { title: '个人编号', cell: (p) => p.personNumber },
        { title: '用工之日', cell: (p) => p.hiredOn },
        { title: '参保状态', cell: (p) => p.statusLabel },
        { title: '失业时间', cell: (p) => p.endedOn ?? '' },
        { title: '失业原因', cell: (p) => p.separationReasonLabel ?? '' },
        {
          title: '告知书',
          cell: (p) =>
            p.status === 'suspended'
              ? h(
                  'a',
                  { href: `/app/claim-notice?relation=${encodeURIComponent(p.relationId)}` },
                  `打印 ${p.name} 的告知书`,
                )
              : '',
        },
      ],
      reduced,
      '本单位尚无减员职工',
    ),
  );
  $('#reduction').hidden = false;
}

async function showReminders(registerNumber) {
  const res = await api(`/employers/${encodeURIComponent(registerNumber)}/reminders`);
  if (!res.ok) return notify(errorText(res), 'error');
  fill(
    $('#reminders'),
    h('h2', { id: 'reminders-h' }, '经办机构的提醒（规程第十七条、第十九条）'),
    table(
      '比对共享数据后发给本单位的提醒（最新在前）',
      [
        { title: '时间', cell: (m) => dateTime(m.sentAt) },
        {
          title: '事项',
          cell: (m) => (m.kind === 'unregistered_staff_reminder' ? '职工未参保登记' : '登记事项变更未申报'),
        },
        { title: '内容', cell: (m) => m.text },
        { title: '请于此日前办理', cell: (m) => m.remindUntil ?? '' },
      ],
      res.data.items,
      '暂无提醒',
    ),
  );
  $('#reminders').hidden = false;
}
