// 我的工作台: the worklist (my tasks, unassigned for my roles, overdue, all), filtered, paged by the API's cursor.
import { $, api, dateTime, errorText, h, label, LABELS, notify } from './app.js';
import { dueText, staffPage } from './layout.js';
import { pager, table } from './tables.js';

await staffPage();

const VIEWS = [
  ['mine', '我的待办'],
  ['available', '可领取（我的岗位）'],
  ['overdue', '已超期'],
  ['all', '全部'],
];
const params = new URLSearchParams(location.search);
const VIEW_CODES = VIEWS.map(([code]) => code);
/** A view the user chose (the address, a click) is kept; otherwise the page opens on the one that has work. */
let chosen = VIEW_CODES.includes(params.get('view'));
let view = chosen ? params.get('view') : 'mine';
/** Cursors of the pages seen so far (the API pages with a keyset cursor; going back reuses them). */
let cursors = [null];

for (const [code, text] of Object.entries(LABELS.taskType)) $('#type').append(h('option', { value: code }, text));
for (const name of ['type', 'status', 'dueFrom', 'dueTo', 'limit'])
  if (params.get(name)) $(`#${name}`).value = params.get(name);

/** The view choices with their counts; drawn once, then only their counts change (the focus stays where it is). */
function renderViews(counts) {
  const text = (code, name) => `${name}${code === 'all' ? '' : `（${counts?.[code] ?? 0}）`}`;
  if ($('#views').children.length) {
    for (const [code, name] of VIEWS) $(`label[for=view-${code}]`).textContent = text(code, name);
    return;
  }
  $('#views').replaceChildren(
    ...VIEWS.map(([code, name]) =>
      h(
        'span',
        { class: 'view' },
        h('input', {
          type: 'radio',
          name: 'view',
          id: `view-${code}`,
          value: code,
          checked: code === view,
          onchange: () => {
            view = code;
            chosen = true;
            cursors = [null];
            load();
          },
        }),
        h('label', { for: `view-${code}` }, text(code, name)),
      ),
    ),
  );
}

/** Loads answered out of order (a view chosen while the first page loads): only the latest is shown. */
let latest = 0;

async function load() {
  const mine = ++latest;
  const q = new URLSearchParams({ view, status: $('#status').value, limit: $('#limit').value });
  for (const name of ['type', 'dueFrom', 'dueTo']) if ($(`#${name}`).value) q.set(name, $(`#${name}`).value);
  // The address keeps the filters (a bookmark, the back button), not the page; the view once the user chose it.
  const address = new URLSearchParams(q);
  if (!chosen) address.delete('view');
  history.replaceState(null, '', `?${address}`);
  const cursor = cursors[cursors.length - 1];
  if (cursor) q.set('cursor', cursor);
  const res = await api(`/tasks?${q}`);
  if (mine !== latest) return;
  if (!res.ok) {
    notify(errorText(res), 'error');
    return;
  }
  const { items, nextCursor, counts } = res.data;
  // Nothing of mine while work waits to be taken: open on 可领取 (the counts come with the list).
  if (!chosen && view === 'mine' && counts.mine === 0 && counts.available > 0) {
    view = 'available';
    $(`#view-${view}`).checked = true;
    return load();
  }
  renderViews(counts);
  const title = VIEWS.find(([c]) => c === view)[1];
  $('#list').replaceChildren(
    table(
      `${title}：按办理时限排序，第 ${cursors.length} 页，共 ${items.length} 条`,
      [
        { title: '案件编号', cell: (t) => h('a', { href: `/app/task?id=${encodeURIComponent(t.id)}` }, t.caseNumber) },
        { title: '事项', cell: (t) => label('taskType', t.type) },
        { title: '环节', cell: (t) => label('step', t.step) },
        { title: '岗位', cell: (t) => label('role', t.role) },
        { title: '经办机构', cell: (t) => t.agencyCode + (t.escalatedTo ? `（已上报 ${t.escalatedTo}）` : '') },
        { title: '经办人', cell: (t) => t.assignee ?? '未领取' },
        { title: '办理时限', cell: (t) => dueText(t.dueDate, t.dueProvisional) },
        {
          title: '状态',
          cell: (t) =>
            t.overdue
              ? h('span', { class: 'badge badge-overdue' }, `已超期（${dateTime(t.overdueSince)}起）`)
              : label('taskStatus', t.status),
        },
        // Why this user may not do it (their post, 岗位不相容): the API's rule, in its words.
        { title: '能否办理', cell: (t) => (t.blockedReason ? `不能办理：${t.blockedReason.message}` : '可办理') },
      ],
      items,
      '没有符合条件的任务',
    ),
  );
  $('#pager').replaceChildren(
    pager('任务列表翻页', {
      page: cursors.length,
      hasNext: Boolean(nextCursor),
      go: async (p) => {
        if (p > cursors.length) cursors.push(nextCursor);
        else cursors.pop();
        await load();
      },
      focusAfter: () => $('#list .table-wrap'),
    }),
  );
}

$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  cursors = [null];
  load();
});
renderViews(null);
await load();
