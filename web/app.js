// The core every page uses: the JSON API with the session cookie, safe DOM building, dates and amounts, the page's
// message region, and API errors in Chinese. Data is only ever put into the page as text (never as HTML).
// The shared parts built on it: layout.js (page header and navigation), forms.js (fields, error summary, focus
// rules), tables.js (tables with their pager and phone wrap), labels.js (the 规程's words for codes).
export { LABELS, label, actorLabel, eventKind } from './labels.js';
export { yuan, articleLabel } from './explanation.js';

/** Calls the API; answers { status, ok, data, retryAfter } (data: the JSON body, or null; retryAfter in seconds). */
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  const retryAfter = Number(res.headers.get('retry-after')) || null;
  return { status: res.status, ok: res.ok, data, retryAfter };
}

/** h('a', { href, class: 'x', onclick }, 'text', child…): an element; strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** Replaces the children of `target` (strings as text; null, undefined and false left out). */
export function fill(target, ...children) {
  target.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}
export const param = (name) => new URLSearchParams(location.search).get(name);

/** 2026-11-27T01:02:03Z → 2026-11-27 09:02 (Beijing time). */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** 300 → 5分钟; 75 → 1分15秒; 60 → 60秒. */
export function duration(seconds) {
  if (seconds <= 60) return `${seconds}秒`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m}分${s ? `${s}秒` : '钟'}` : `${s}秒`;
}

/**
 * Shows a message in the page's message region (#messages) and, unless `focus: false`, moves the focus to it: after
 * every action the keyboard user is where the result is said, never on <body> (WCAG 2.4.3). Empty text clears it.
 */
export function notify(text, kind = 'info', { focus = true } = {}) {
  const box = $('#messages');
  if (!box) return null;
  if (!text) {
    box.replaceChildren();
    return null;
  }
  const p = h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status', tabindex: -1 }, text);
  box.replaceChildren(p);
  if (focus) p.focus();
  return p;
}

/** Chinese for the API's stable error codes, shown whenever its own message is not Chinese. */
const CODE_TEXT = {
  validation_failed: '填写的内容有误，请按提示修改',
  invalid_json: '提交的内容格式有误',
  unauthenticated: '登录已失效，请重新登录',
  invalid_credentials: '用户名或密码错误',
  account_locked: '登录失败次数过多，请稍后再试',
  invalid_code: '验证码错误或已失效',
  too_many_codes: '获取验证码过于频繁，请稍后再试',
  sms_unavailable: '短信发送暂不可用，请稍后再试',
  forbidden: '您的岗位无权办理此事项',
  missing_role: '您的岗位无权办理此事项',
  separation_of_duties: '岗位不相容：同一案件的前一环节由您办理，本环节须由他人办理（规程第七十七条）',
  outside_scope: '不在您的经办范围内',
  outside_agency_scope: '不在您所在经办机构的经办范围内',
  not_your_identity: '只能为本人申请，证件号码和手机号码须与登录时一致',
  channel_not_permitted: '您不能通过此渠道提交申请',
  task_not_open: '该任务已办结或已撤销',
  assigned_to_other: '该任务已由他人领取',
  not_assignee: '请先领取该任务再办理',
  task_not_found: '没有这个任务，或不在您的经办范围内',
  case_not_found: '没有这个案件，或不在您的经办范围内',
  not_found: '没有找到',
  not_determined: '尚未核定',
  idempotency_key_reused: '该申请已提交过，内容不同',
  conflict: '与已有记录冲突，请刷新后再试',
  username_taken: '用户名已被使用',
  payload_too_large: '提交的内容过长',
  unsupported_media_type: '提交的内容格式有误',
  cross_site_request: '请求来源不被接受，请从本系统页面提交',
  temporal_unavailable: '系统暂时繁忙，请稍后再试',
  database_unavailable: '系统暂时繁忙，请稍后再试',
  case_not_answering: '案件暂未响应，操作可能已被接收：请先查看案件再决定是否重新提交',
  case_number_unavailable: '系统暂时繁忙，请稍后再试',
  calendar_not_covered: '该年度的工作日历尚未录入',
  parameter_not_in_force: '该日期没有有效的政策参数',
  policy_entry_exists: '该生效日期的参数已存在',
  internal_error: '系统内部错误，已记录，请稍后再试',
};

/** Text a person can read as it is: Chinese, with no English word in it (a format such as YYYY-MM-DD aside). */
export const isChinese = (text) =>
  typeof text === 'string' &&
  /[\u4e00-\u9fff]/.test(text) &&
  !/[A-Za-z]{2,}/.test(text.replace(/YYYY-MM-DD|JSON/g, ''));

/** An API error as one Chinese line: its own message when Chinese, else the words for its code. */
export function errorText(res) {
  const e = res.data?.error;
  if (res.status === 401 && (!e || e.code === 'unauthenticated')) return CODE_TEXT.unauthenticated;
  if (e && isChinese(e.message)) return e.message;
  if (e && CODE_TEXT[e.code]) return CODE_TEXT[e.code];
  return res.status >= 500 ? '系统暂时无法处理，请稍后再试' : `请求未能完成（${res.status}）`;
}
