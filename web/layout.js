// The page layout: the header with one navigation for the public pages and one for staff (by their roles), the
// sign-out, and the working-day calendar's banner. Every page's <header> is empty in its HTML and filled here, so the
// navigation is the same wherever one is.
import { $, api, h } from './app.js';
import { label } from './labels.js';

const BRAND = '失业保险经办系统';

/** The public pages, in one order on each of them (citizens, employers, and staff before they sign in). */
export const PUBLIC_LINKS = [
  ['/app/public', '办件进度查询'],
  ['/app/apply', '网上申领'],
  ['/app/notices', '公示'],
  ['/app/', '经办人员登录'],
];

const here = () => {
  const p = location.pathname.replace(/\.html$/, '');
  return p === '/app/index' ? '/app/' : p;
};

function nav(name, links) {
  return h(
    'nav',
    { 'aria-label': name },
    h(
      'ul',
      {},
      links.map(([href, text]) =>
        h('li', {}, h('a', { href, 'aria-current': here() === href ? 'page' : undefined }, text)),
      ),
    ),
  );
}

/** The header of a public page: the brand and the public navigation. */
export function publicHeader() {
  $('header').replaceChildren(h('p', { class: 'brand' }, BRAND), nav('主导航', PUBLIC_LINKS));
}

/** The pages a staff user's roles use (an employer's agent, Art. 8: its company's page and the public notices). */
export function staffLinks(me) {
  const agent = me.roles.length === 1 && me.roles[0] === 'employer_agent';
  if (agent)
    return [
      ['/app/employer', '单位办件'],
      ['/app/back-payment', '补缴申请'],
      ['/app/refunds', '退费'],
      ['/app/notices', '公示'],
    ];
  const links = [
    ['/app/tasks', '我的工作台'],
    ['/app/case', '案件查询'],
    ['/app/persons', '参保人员'],
  ];
  if (me.roles.some((r) => ['intake', 'reviewer', 'supervisor'].includes(r)))
    links.push(['/app/back-payment', '补收补缴']);
  if (!me.roles.every((r) => r === 'administrator')) links.push(['/app/refunds', '退费']);
  // Art. 28: the window receives an application to correct a contribution record.
  if (me.roles.includes('intake')) links.push(['/app/correction', '缴费记录修改']);
  if (me.roles.includes('supervisor') || me.roles.includes('auditor')) links.push(['/app/supervision', '业务监督']);
  if (me.roles.includes('administrator')) links.push(['/app/admin', '系统管理']);
  links.push(['/app/public', '办件进度查询']);
  return links;
}

/** The header of a staff page: who is signed in, the pages their roles use, sign-out; the calendar banner. */
export function staffHeader(me) {
  const who = h(
    'p',
    { class: 'who' },
    `${me.displayName}（${me.username}，${me.agencyCode}，${me.roles.map((r) => label('role', r)).join('、')}）`,
  );
  const out = h(
    'button',
    {
      type: 'button',
      id: 'sign-out',
      class: 'secondary',
      onclick: async () => {
        await api('/auth/logout', { method: 'POST' });
        location.assign('/app/');
      },
    },
    '退出登录',
  );
  $('header').replaceChildren(h('p', { class: 'brand' }, BRAND), nav('主导航', staffLinks(me)), who, out);
  void calendarBanner();
}

/** The signed-in staff user, or to the sign-in page (coming back here afterwards). */
export async function requireUser() {
  const me = await api('/auth/me');
  if (!me.ok || me.data?.kind !== 'staff') {
    location.replace(`/app/?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new Error('not signed in');
  }
  return me.data;
}

/** A staff page: the user (or to the sign-in page) with the header drawn. */
export async function staffPage() {
  const me = await requireUser();
  staffHeader(me);
  return me;
}

/** What 暂定 means next to a due date (the year's State Council notice is not entered yet). */
export const PROVISIONAL_NOTE =
  '暂定：该年度国务院办公厅节假日安排通知尚未录入，按《全国年节及纪念日放假办法》推算（未含调休）；录入后重新计算，已告知当事人的期限不会提前。';

/** A due date as shown: with （暂定） and its explanation when it is counted on the provisional calendar. */
export function dueText(date, provisional) {
  if (!provisional) return date;
  return h('span', { class: 'provisional', title: PROVISIONAL_NOTE }, `${date}（暂定）`);
}

/**
 * The banner of the staff pages while a year's working-day calendar is missing or provisional (from 1 November for
 * next year: Art. 94): what it means for the due dates, and who enters the notice.
 */
async function calendarBanner() {
  const r = await api('/calendar/status');
  document.getElementById('calendar-banner')?.remove();
  if (!r.ok || !r.data?.warning) return;
  const banner = h('div', { id: 'calendar-banner', class: 'calendar-banner', role: 'status' }, r.data.message);
  $('header').after(banner);
}
