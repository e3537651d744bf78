// Staff sign-in (Art. 95): the user name and password; a refusal in the form's error summary, which takes the focus.
import { $, api, duration, param } from './app.js';
import { formErrors, onSubmit, showErrors } from './forms.js';
import { publicHeader } from './layout.js';

publicHeader();
const form = $('#login');
onSubmit(form, async () => {
  const username = $('#username').value.trim();
  const password = $('#password').value;
  const missing = [
    ...(username ? [] : [{ path: 'username', message: '请输入用户名' }]),
    ...(password ? [] : [{ path: 'password', message: '请输入密码' }]),
  ];
  if (missing.length) return formErrors(form, missing, '请输入用户名和密码');
  const res = await api('/auth/login', { method: 'POST', body: { username, password, mode: 'cookie' } });
  if (res.status === 401) return formErrors(form, [], '用户名或密码错误');
  if (res.status === 429)
    return formErrors(
      form,
      [],
      `登录失败次数过多，请${res.retryAfter ? `于${duration(res.retryAfter)}后` : '稍后'}再试`,
    );
  if (!res.ok) return showErrors(form, res);
  // Only pages of this site: never an address elsewhere.
  const next = param('next');
  const roles = res.data.user.roles;
  const only = (role) => roles.length === 1 && roles[0] === role;
  const home = only('supervisor')
    ? '/app/supervision'
    : only('administrator')
      ? '/app/admin'
      : only('employer_agent')
        ? '/app/employer'
        : '/app/tasks';
  location.assign(next && next.startsWith('/app/') && !next.startsWith('/app//') ? next : home);
});
