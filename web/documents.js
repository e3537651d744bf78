// Documents (业务材料, Art. 14, 84, 85): the files a case's materials are supplied with. `materialsForm` uploads a
// scan or photo for each material asked for and supplies them; `documentsView` lists a case's documents with their
// download links and, for a clerk, the 与原件核对无误 button (Art. 14).
import { api, dateTime, errorText, h, notify } from './app.js';
import { showErrors } from './forms.js';
import { table } from './tables.js';

export const DOCUMENT_KINDS = {
  identity_verification: '本人有效身份证件（经办窗口核验）',
  hukou_certificate: '户籍所在地证明材料',
  birthRegistration: '生育登记单',
  medicalBirthCertificate: '医学出生证明',
  hospitalBills: '住院费用票据',
  survivorIdentity: '遗属身份证件',
  deathCertificate: '失业人员死亡证明',
  relationshipProof: '遗属与失业人员关系证明',
};

/** One file to the case (multipart); the API's answer as `api` gives it. */
async function upload(caseNumber, kind, file) {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', file, file.name);
  const res = await fetch(`/cases/${encodeURIComponent(caseNumber)}/documents`, {
    method: 'POST',
    credentials: 'same-origin',
    body: form,
  });
  return { status: res.status, ok: res.ok, data: await res.json().catch(() => null) };
}

/** The materials `kinds` of a case, one file field each (PDF, JPEG or PNG); uploaded, then supplied together. */
export function materialsForm(caseNumber, kinds, { dueDate, onDone }) {
  const form = h(
    'form',
    { id: 'materials-form', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, `${caseNumber} 需补充的材料${dueDate ? `（请于 ${dueDate} 前提交）` : ''}`),
      h('p', { class: 'hint' }, '请上传材料的扫描件或照片（PDF、JPEG 或 PNG，每份不超过 10MB）。'),
      kinds.map((k) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `file-${k}` }, DOCUMENT_KINDS[k] ?? '其他材料'),
          h('input', {
            type: 'file',
            id: `file-${k}`,
            name: k,
            accept: 'application/pdf,image/jpeg,image/png',
            'aria-describedby': `file-${k}-error`,
          }),
          h('span', { class: 'field-error', id: `file-${k}-error`, dataset: { errorFor: k } }),
        ),
      ),
    ),
    h('button', { type: 'submit' }, '上传并提交材料'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const documents = [];
    const missing = kinds.filter((k) => !form.querySelector(`#file-${k}`).files?.length);
    if (missing.length === kinds.length) {
      return showErrors(form, {
        status: 400,
        data: {
          error: {
            message: '请选择要上传的材料文件',
            fields: missing.map((k) => ({ path: k, message: '请选择文件' })),
          },
        },
      });
    }
    for (const k of kinds) {
      const file = form.querySelector(`#file-${k}`).files?.[0];
      if (!file) continue;
      const r = await upload(caseNumber, k, file);
      if (!r.ok) {
        const fields = (r.data?.error?.fields ?? []).map((f) => ({ ...f, path: f.path === 'file' ? k : f.path }));
        return showErrors(form, { ...r, data: { error: { ...r.data?.error, fields } } });
      }
      documents.push(r.data.id);
    }
    const r = await api(`/cases/${encodeURIComponent(caseNumber)}/materials`, { method: 'POST', body: { documents } });
    if (!r.ok) return showErrors(form, r);
    notify(`${caseNumber}：材料已上传并提交`, 'success');
    await onDone?.();
  });
  return form;
}

/** The case's documents; a clerk can mark a copy 与原件核对无误 (Art. 14). */
export async function documentsView(caseNumber, { clerk = false } = {}) {
  const res = await api(`/cases/${encodeURIComponent(caseNumber)}/documents`);
  if (!res.ok) return [h('p', {}, errorText(res))];
  const mark = async (d) => {
    const r = await api(`/documents/${d.id}/certification`, { method: 'POST', body: { checked: true } });
    if (!r.ok) return notify(errorText(r), 'error');
    notify(`${d.kindLabel}：已注明“与原件核对无误”`, 'success');
    document.dispatchEvent(new CustomEvent('documents-changed'));
  };
  return [
    table(
      '案件材料',
      [
        { title: '材料', cell: (d) => d.kindLabel },
        {
          title: '文件',
          cell: (d) =>
            h(
              'a',
              { href: d.contentUrl, download: d.fileName ?? '' },
              `${d.fileName ?? '下载'}（${Math.ceil(d.sizeBytes / 1024)}KB）`,
            ),
        },
        { title: '提交人', cell: (d) => (d.suppliedBy.role === 'applicant' ? '申请人' : d.suppliedBy.name) },
        { title: '提交时间', cell: (d) => dateTime(d.uploadedAt) },
        {
          title: '与原件核对',
          cell: (d) =>
            d.certified
              ? `与原件核对无误（${d.certified.by}，${dateTime(d.certified.at)}）`
              : clerk
                ? h('button', { type: 'button', onclick: () => mark(d) }, `与原件核对无误：${d.kindLabel}`)
                : '未核对',
        },
      ],
      res.data.items,
      '暂无材料',
    ),
  ];
}
