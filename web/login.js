import { $, api, errorText, param } from './app.js';

const form = $('#login');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const errors = $('.form-errors', form);
  const username = $('#username').value.trim();
  const password = $('#password').value;
  if (!username || !password) {
    errors.textContent = '请输入用户名和密码';
    return;
  }
  const res = await api('/auth/login', { method: 'POST', body: { username, password, mode: 'cookie' } });
  if (res.status === 401) errors.textContent = '用户名或密码错误';
  // Held up here (this address, this browser, or clients the account does not know): the API says which, and how long.
  else if (res.status === 429) errors.textContent = res.data?.error?.message ?? '登录失败次数过多，请稍后再试';
  else if (!res.ok) errors.textContent = errorText(res);
  else {
    const next = param('next');
    // Only pages of this site: never an address elsewhere.
    const roles = res.data.user.roles;
    const only = (role) => roles.length === 1 && roles[0] === role;
    const home = only('supervisor')
      ? '/app/supervision'
      : only('administrator')
        ? '/app/admin'
        : only('employer_agent')
          ? '/app/employer'
          : '/app/tasks';
    location.assign(next && next.startsWith('/app/') ? next : home);
  }
});
