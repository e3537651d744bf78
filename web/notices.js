// 公示 (Art. 49, 50): the notices currently published, each with its list. The API gives only the published fields,
// ID numbers already masked; nothing here needs a sign-in. Citizens choose a city by its name.
import { $, api, errorText, fill, h, notify, param, yuan } from './app.js';
import { CITIES } from './agencies.js';
import { publicHeader } from './layout.js';
import { pagedTable } from './tables.js';

publicHeader();
const KIND = { skill_subsidy: '技能提升补贴（第五十条）', job_retention_refund: '稳岗返还（第四十九条）' };
for (const [code, name] of CITIES) $('#agencyCode').append(h('option', { value: code }, name));

/** One notice's list, 20 rows a page. */
function itemsTable(n) {
  const columns =
    n.kind === 'job_retention_refund'
      ? [
          { title: '序号', cell: (i) => String(i.itemNo) },
          { title: '单位名称', cell: (i) => i.employerName ?? '' },
          { title: '年度', cell: (i) => String(i.year ?? '') },
          { title: '返还金额', cell: (i) => yuan(i.amountFen) },
        ]
      : [
          { title: '序号', cell: (i) => String(i.itemNo) },
          { title: '姓名', cell: (i) => i.name ?? '' },
          { title: '身份证件号码', cell: (i) => h('span', { class: 'id-masked' }, i.idNumberMasked ?? '') },
          { title: '单位名称', cell: (i) => i.employerName ?? '' },
          { title: '证书等级', cell: (i) => i.level ?? '' },
          { title: '发证日期', cell: (i) => i.issueDate ?? '' },
          { title: '补贴金额', cell: (i) => yuan(i.amountFen) },
        ];
  return pagedTable(`${n.title}名单`, columns, n.items, { empty: '名单为空' });
}

async function load(agencyCode) {
  const res = await api(`/public/notices${agencyCode ? `?agencyCode=${encodeURIComponent(agencyCode)}` : ''}`);
  if (!res.ok) return notify(errorText(res), 'error');
  notify('');
  // Currently published: open, and its period not yet over.
  const now = Date.now();
  const current = res.data.items.filter((n) => n.status === 'open' && new Date(n.endsAt).getTime() > now);
  const sections = [];
  for (const n of current) {
    const one = await api(`/public/notices/${encodeURIComponent(n.id)}`);
    if (!one.ok) continue;
    const d = one.data;
    sections.push(
      h(
        'section',
        { class: 'notice', 'aria-labelledby': `h-${d.id}` },
        h('h2', { id: `h-${d.id}` }, d.title),
        h('p', {}, `${KIND[d.kind] ?? '公示'}；公示编号 ${d.id}；公示期 ${d.startDate} 至 ${d.endDate}`),
        itemsTable(d),
      ),
    );
  }
  fill($('#notices'), sections.length ? sections : h('p', { class: 'empty' }, '目前没有正在公示的名单'));
}

$('#filter').addEventListener('submit', (e) => {
  e.preventDefault();
  const code = $('#agencyCode').value;
  history.replaceState(null, '', code ? `?agencyCode=${encodeURIComponent(code)}` : location.pathname);
  load(code);
});
const code = param('agencyCode');
if (code && CITIES.some(([c]) => c === code)) $('#agencyCode').value = code;
await load($('#agencyCode').value);
