// Forms: labelled fields with their error slot, the error summary and the focus rules (WCAG 2.1: 2.4.3, 3.3.1, 3.3.3),
// after the GOV.UK Design System's error summary pattern:
//  - a refused submission puts each error next to its field and lists them all in the summary at the top of the form,
//    each a link to its field; the focus goes to the summary;
//  - a successful one says so in the page's message region, and the focus goes there (notify in app.js);
//  - a form whose job is done (a claim filed) is replaced by its confirmation, which takes the focus: a second
//    submission of the same form cannot happen by accident.
// Every message is Chinese: the API's own message when it is, else the field's rule as the page states it.
import { $, errorText, h, isChinese } from './app.js';

/**
 * A labelled field: <div><label for=id>text</label>[hint]control<span id=id-error data-error-for=path></span></div>.
 * `rule` is the field's rule in Chinese, shown when the API names the field in another language.
 */
export function field(text, control, errorPath, { rule, hint } = {}) {
  const errorId = errorPath ? `${control.id}-error` : undefined;
  const hintId = hint ? `${control.id}-hint` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  if (describedBy) control.setAttribute('aria-describedby', describedBy);
  if (rule) control.dataset.rule = rule;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, text),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    control,
    errorPath ? h('span', { class: 'field-error', id: errorId, dataset: { errorFor: errorPath } }) : null,
  );
}

/** The error summary of a form (created on first use as its first child). */
function summaryOf(form) {
  let box = $('.error-summary', form);
  if (!box) {
    const id = `${form.id || 'form'}-summary-h`;
    box = h(
      'div',
      { class: 'error-summary', tabindex: -1, 'aria-labelledby': id, hidden: true },
      h('h2', { id }, '提交未成功，请修改以下内容'),
      h('p', { class: 'form-errors' }),
      h('ul', {}),
    );
    form.prepend(box);
  }
  return box;
}

/** The control an error slot belongs to, and its label's text. */
function controlOf(form, slot) {
  const described = slot.id ? form.querySelector(`[aria-describedby~="${slot.id}"]`) : null;
  // A group (radios, checkboxes) is named by its legend; its first box takes the focus.
  const group =
    described?.tagName === 'FIELDSET'
      ? described
      : ['radio', 'checkbox'].includes(described?.type)
        ? described.closest('fieldset')
        : null;
  const control = group ? (group.querySelector('input, select, textarea') ?? described) : described;
  const labelText = group ? group.querySelector('legend')?.textContent : control?.labels?.[0]?.textContent;
  const rule = group?.dataset.rule ?? control?.dataset.rule;
  return { control, labelText: labelText ?? '', rule };
}

/**
 * Shows the errors of a refused submission: `res` is the API's answer ({ data: { error: { code, message, fields } } })
 * or the same shape made by the page for its own checks. Each `fields[].path` (e.g. `form.reasons.0`) goes to the slot
 * with the longest matching `data-error-for`; the summary lists them all, each a link to its field. Focus: summary.
 */
export function showErrors(form, res) {
  clearErrors(form);
  const slots = [...form.querySelectorAll('[data-error-for]')];
  const items = [];
  for (const f of res.data?.error?.fields ?? []) {
    const slot = slots
      .filter((s) => f.path === s.dataset.errorFor || f.path.startsWith(`${s.dataset.errorFor}.`))
      .sort((a, b) => b.dataset.errorFor.length - a.dataset.errorFor.length)[0];
    if (!slot) {
      items.push({ text: isChinese(f.message) ? f.message : '提交的内容有误，请检查后重新提交' });
      continue;
    }
    const { control, labelText, rule } = controlOf(form, slot);
    const text = isChinese(f.message) ? f.message : (rule ?? `${labelText}填写有误`);
    if (!slot.textContent.includes(text)) slot.textContent = slot.textContent ? `${slot.textContent}；${text}` : text;
    if (control) control.setAttribute('aria-invalid', 'true');
    items.push({ text: labelText ? `${labelText}：${text}` : text, target: control });
  }
  const box = summaryOf(form);
  box.querySelector('.form-errors').textContent = errorText(res);
  box.querySelector('ul').replaceChildren(
    ...dedupe(items).map((i) =>
      h(
        'li',
        {},
        i.target?.id
          ? h(
              'a',
              {
                href: `#${i.target.id}`,
                onclick: (e) => {
                  e.preventDefault();
                  i.target.focus();
                  i.target.closest('.field, fieldset')?.scrollIntoView({ block: 'center' });
                },
              },
              i.text,
            )
          : i.text,
      ),
    ),
  );
  box.hidden = false;
  box.focus();
}

const dedupe = (items) => items.filter((x, i) => items.findIndex((y) => y.text === x.text) === i);

/** The page's own check of a form before it is sent: [{ path, message }] shown like the API's. */
export function formErrors(form, fields, message = '填写的内容有误，请按提示修改') {
  showErrors(form, { status: 400, data: { error: { code: 'validation_failed', message, fields } } });
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const box = $('.error-summary', form);
  if (box) box.hidden = true;
}

/**
 * The submit handler of a form: the default action prevented, one submission at a time (the button stays focusable,
 * marked aria-disabled while it runs, so the focus never drops to <body>).
 */
export function onSubmit(form, action) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    const buttons = [...form.querySelectorAll('button[type=submit]')];
    form.setAttribute('aria-busy', 'true');
    for (const b of buttons) b.setAttribute('aria-disabled', 'true');
    try {
      await action(e);
    } finally {
      form.removeAttribute('aria-busy');
      for (const b of buttons) b.removeAttribute('aria-disabled');
    }
  });
}

/**
 * A submitted form replaced by its confirmation (the form hidden and emptied, the confirmation focused); `again`
 * names a button that brings an empty form back.
 */
export function confirmInstead(form, { title, body = [], again }) {
  clearErrors(form);
  form.reset();
  form.hidden = true;
  form.parentElement.querySelector('.confirmation')?.remove();
  const panel = h(
    'div',
    { class: 'confirmation', tabindex: -1, role: 'status' },
    h('h3', {}, title),
    body,
    again
      ? h(
          'p',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => {
                panel.remove();
                form.hidden = false;
                form.querySelector('input, select, textarea')?.focus();
              },
            },
            again,
          ),
        )
      : null,
  );
  form.after(panel);
  panel.focus();
  return panel;
}
