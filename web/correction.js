// 个人缴费记录修改 (Art. 28): the window's application (the person, the month and employer, the values after the
// correction in 元, the reason and the three materials by their numbers), and a correction's page (?n=JFX-…) with its
// old and new values, evidence, levels and the record's versions.
import { $, fill, h, param } from './app.js';
import { correctionView } from './correction-view.js';
import { clearErrors, confirmInstead, field, onSubmit, showErrors } from './forms.js';
import { staffPage } from './layout.js';

const me = await staffPage();

/** 元 as typed (two decimals at most) to fen; NaN when it is not an amount. */
const fen = (v) => (/^\d+(\.\d{1,2})?$/.test(v.trim()) ? Math.round(Number(v.trim()) * 100) : Number.NaN);

function applyForm() {
  const form = $('#apply-form');
  const input = (id, attrs = {}) => h('input', { id, ...attrs });
  const personNumber = input('c-person', { inputmode: 'numeric' });
  const kind = h(
    'select',
    { id: 'c-kind' },
    h('option', { value: 'create' }, '补建（该月份没有缴费记录）'),
    h('option', { value: 'amend' }, '补记或更改（该月份的缴费记录有误）'),
  );
  const month = input('c-month', { type: 'month' });
  const uscc = input('c-uscc');
  const newUscc = input('c-new-uscc');
  const employerName = input('c-employer-name');
  const base = input('c-base', { inputmode: 'decimal' });
  const amount = input('c-amount', { inputmode: 'decimal' });
  const receipt = input('c-receipt', { type: 'date' });
  const reason = h('textarea', { id: 'c-reason', rows: 3 });
  const contract = input('c-contract');
  const identity = input('c-identity');
  const proof = input('c-proof');
  fill(
    form,
    field('个人编号', personNumber, 'personNumber', { rule: '参保人员的个人编号' }),
    field('申请事项', kind, 'change.kind'),
    field('费款所属期', month, 'change.month', { rule: '年-月' }),
    field('参保单位统一社会信用代码', uscc, 'change.employerUscc', { rule: '18位统一社会信用代码' }),
    field('更改后的所属单位（统一社会信用代码）', newUscc, 'change.newEmployerUscc', { hint: '所属单位有误时填写' }),
    field('参保单位名称', employerName, 'change.employerName', { hint: '补建或更改所属单位时填写' }),
    field('缴费基数（元）', base, 'change.baseFen'),
    field('实际缴费金额（元）', amount, 'change.amountPaidFen'),
    field('到账日期', receipt, 'change.receiptDate', { rule: '不得早于费款所属期' }),
    field('申请理由', reason, 'reason', { rule: '写明补建、补记或更改的理由' }),
    h(
      'fieldset',
      {},
      h('legend', {}, '申请材料（材料编号，先在参保人员的案件中上传）'),
      field('劳动合同（聘用合同）', contract, 'evidence.labourContract'),
      field('参保人有效身份证件', identity, 'evidence.identity'),
      field('原已缴纳失业保险费的有效资料', proof, 'evidence.paymentProof'),
    ),
    h('button', { type: 'submit' }, '提交申请'),
  );
  $('#apply').hidden = false;
  const key = `corr-${me.username}-${Date.now()}`;
  onSubmit(form, async () => {
    clearErrors(form);
    const change = {
      kind: kind.value,
      month: month.value,
      employerUscc: uscc.value.trim(),
      ...(newUscc.value.trim() ? { newEmployerUscc: newUscc.value.trim() } : {}),
      ...(employerName.value.trim() ? { employerName: employerName.value.trim() } : {}),
      baseFen: fen(base.value),
      amountPaidFen: fen(amount.value),
      receiptDate: receipt.value,
    };
    const res = await fetch('/contribution-corrections', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        personNumber: personNumber.value.trim(),
        change,
        reason: reason.value.trim(),
        evidence: {
          labourContract: contract.value.trim(),
          identity: identity.value.trim(),
          paymentProof: proof.value.trim(),
        },
      }),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) return showErrors(form, { ok: false, status: res.status, data });
    confirmInstead(form, {
      title: `申请已受理（${data.caseNumber}）`,
      body: [
        '将依次经初审、复核、审批三级办理，审批通过后生成新版本的缴费记录，原记录保留。',
        h('a', { href: `/app/correction?n=${encodeURIComponent(data.caseNumber)}` }, '查看办理情况'),
      ],
    });
  });
}

async function show(caseNumber) {
  $('#title').textContent = `个人缴费记录修改：${caseNumber}`;
  fill($('#correction-body'), ...(await correctionView(caseNumber)));
  $('#correction').hidden = false;
}

const n = param('n');
if (n) await show(n);
else if (me.roles.includes('intake')) applyForm();
else fill($('#messages'), h('p', {}, '个人缴费记录修改申请由经办窗口（受理岗位）受理。'));
