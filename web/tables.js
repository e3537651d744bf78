// Tables: each in its own scrolling region, so on a 390 px phone a wide table scrolls inside it and the page does not
// scroll sideways (WCAG 1.4.10); the region is focusable and named by the caption, so a keyboard can scroll it
// (WCAG 2.1.1). Pagers move the focus to the table they turned, never leaving it on a button that went away.
import { fill, h } from './app.js';

let nextId = 0;

/** A table from column definitions [{ title, cell: (row) => Node|string }] and rows, in its scrolling region. */
export function table(caption, columns, rows, empty = '暂无数据') {
  const id = `table-caption-${++nextId}`;
  return h(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: 0, 'aria-labelledby': id },
    h(
      'table',
      {},
      h('caption', { id }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col' }, c.title)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length
          ? rows.map((r) =>
              h(
                'tr',
                {},
                columns.map((c) => h('td', {}, c.cell(r))),
              ),
            )
          : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty)),
      ),
    ),
  );
}

/**
 * A pager: 上一页, 第 p / n 页 (or 第 p 页 when the count is unknown), 下一页. `go(page)` shows that page; the focus
 * then goes to `focusAfter()` (the table it turned).
 */
export function pager(name, { page, pages, hasNext, go, focusAfter }) {
  const last = pages ?? (hasNext ? page + 1 : page);
  const turn = async (p) => {
    await go(p);
    focusAfter?.()?.focus();
  };
  return h(
    'nav',
    { class: 'pager', 'aria-label': name },
    h('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => turn(page - 1) }, '上一页'),
    h('span', {}, pages ? `第 ${page} / ${pages} 页` : `第 ${page} 页`),
    h(
      'button',
      { type: 'button', class: 'secondary', disabled: page >= last, onclick: () => turn(page + 1) },
      '下一页',
    ),
  );
}

/** A table of `rows` shown `pageSize` at a time, with its pager (client-side pages of one API answer). */
export function pagedTable(caption, columns, rows, { pageSize = 20, empty = '暂无数据' } = {}) {
  const box = h('div', { class: 'paged' });
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const show = (p) => {
    fill(
      box,
      table(
        pages > 1 ? `${caption}（第 ${p} / ${pages} 页）` : caption,
        columns,
        rows.slice((p - 1) * pageSize, p * pageSize),
        empty,
      ),
      pages > 1
        ? pager(`${caption}分页`, { page: p, pages, go: show, focusAfter: () => box.querySelector('.table-wrap') })
        : null,
    );
  };
  show(1);
  return box;
}
