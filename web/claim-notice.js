// The 《失业保险金申领告知书》 (Art. 21) of a staff reduction, to print and hand to the person: the separation as the
// employer declared it, who may claim (Art. 34), where (Art. 35) and how to claim online (Art. 35), in the 规程's words.
import { $, api, dateTime, errorText, fill, h, notify, param } from './app.js';
import { staffHeader } from './layout.js';

async function start() {
  const me = await api('/auth/me');
  if (!me.ok || me.data?.kind !== 'staff') {
    location.replace(`/app/?next=${encodeURIComponent(location.pathname + location.search)}`);
    return;
  }
  staffHeader(me.data);
  const res = await api(`/register/claim-notices/${encodeURIComponent(param('relation') ?? '')}`);
  if (!res.ok) return notify(errorText(res), 'error');
  const n = res.data;
  fill(
    $('#letter'),
    h('h1', { id: 'letter-h' }, n.title),
    h('p', {}, `${n.person.name}（个人编号 ${n.person.personNumber}，证件号码 ${n.person.idNumber}）：`),
    h(
      'p',
      {},
      `${n.employer.name}（单位编号 ${n.employer.registerNumber}）已为您办理参保人员减员申报（暂停参保，规程第二十一条）。` +
        `据您与单位解除劳动关系证明材料记载，失业时间为 ${n.separationDate}，失业原因为“${n.separationReasonLabel}”。`,
    ),
    h('h2', {}, '一、申领条件'),
    h('p', {}, n.conditions),
    h('h2', {}, '二、申领地点'),
    h('p', {}, n.where),
    h('h2', {}, '三、申领方式'),
    h('p', {}, n.how),
    h('p', {}, n.online),
    h('h2', {}, '四、所需材料'),
    h('p', {}, n.materials),
    h(
      'p',
      { class: 'signature' },
      `${n.employer.name}`,
      h('br'),
      n.declaredAt ? `申报时间：${dateTime(n.declaredAt)}` : '',
    ),
    n.sms
      ? h(
          'p',
          { class: 'no-print' },
          `已于 ${dateTime(n.sms.sentAt)} 以短信告知本人（手机尾号 ${n.sms.mobileMasked}）。`,
        )
      : '',
  );
  $('#print').addEventListener('click', () => window.print());
}

void start();
