// The employer agent's page (单位经办人, Art. 8): the company's own cases of every type (Art. 31: 稳岗返还, the
// 技能提升补贴 it applied for, its objections), each with its progress; another company's cases are never listed.
import { $, api, dateTime, errorText, fill, h, label, notify, yuan } from './app.js';
import { eventKind } from './labels.js';
import { staffHeader } from './layout.js';
import { table } from './tables.js';

async function start() {
  const me = await api('/auth/me');
  if (!me.ok || me.data?.kind !== 'staff' || !me.data.roles.includes('employer_agent')) {
    location.replace(`/app/?next=${encodeURIComponent(location.pathname)}`);
    return;
  }
  staffHeader(me.data);
  await showMine();
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
