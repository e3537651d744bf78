// 个人缴费记录修改 (Art. 28): a correction as each level sees it: the record's old values beside the new ones, the
// evidence the window checked, who decided each level (初审、复核、审批), and the record's versions of the month (the
// old ones kept: a correction is a new version, never an edit in place). Amounts in 元.
import { api, h, label, yuan } from './app.js';
import { facts } from './case-views.js';
import { table } from './tables.js';

const KIND = { create: '补建（该月份没有缴费记录）', amend: '补记或更改（该月份的缴费记录有误）' };
const EVIDENCE = {
  labourContract: '劳动合同（聘用合同）',
  identity: '参保人有效身份证件',
  paymentProof: '原已缴纳失业保险费的有效资料',
};
const SOURCE = { feed: '税务部门传递', person_pull: '税务部门个人查询', correction: '个人缴费记录修改' };

const row = (name, old, now) => ({ name, old: old ?? '（无）', now, changed: old !== now });

/** The correction's view, or a paragraph saying why it cannot be shown. */
export async function correctionView(caseNumber) {
  const res = await api(`/contribution-corrections/${encodeURIComponent(caseNumber)}`);
  if (!res.ok)
    return [h('p', {}, res.status === 404 ? '没有这个个人缴费记录修改案件，或不在您的经办范围内' : '暂时无法读取')];
  const c = res.data;
  const o = c.old;
  const rows = [
    row(
      '所属单位',
      o ? `${o.employerName}（${o.employerUscc}）` : null,
      `${c.new.employerName}（${c.new.employerUscc}）`,
    ),
    row('缴费基数', o ? yuan(o.baseFen) : null, yuan(c.new.baseFen)),
    row('实际缴费金额', o ? yuan(o.amountPaidFen) : null, yuan(c.new.amountPaidFen)),
    row('到账日期', o ? o.receiptDate : null, c.new.receiptDate),
  ];
  const evidence = c.evidence.objectionNumber
    ? [
        [
          '材料',
          `权益记录核查 ${c.evidence.objectionNumber} 所附：${(c.evidence.materials ?? []).join('、') || '（无）'}`,
        ],
      ]
    : Object.entries(EVIDENCE).map(([k, name]) => [
        name,
        c.evidence[k]
          ? h('a', { href: `/documents/${encodeURIComponent(c.evidence[k])}/content` }, '查看材料')
          : '（未提供）',
      ]);
  return [
    facts([
      ['个人编号', c.personNumber ?? ''],
      ['证件号码', c.idNumberMasked],
      ['费款所属期', c.month],
      ['申请事项', KIND[c.kind] ?? c.kind],
      ['申请理由', c.reason],
      ['状态', label('caseStatus', c.status)],
      ['受理人', c.requestedBy],
      ...(c.objectionCaseNumber ? [['来自权益记录核查', c.objectionCaseNumber]] : []),
    ]),
    table(
      '修改前后的缴费记录',
      [
        { title: '项目', cell: (r) => r.name },
        { title: '修改前', cell: (r) => r.old },
        { title: '修改后', cell: (r) => (r.changed ? h('strong', {}, r.now) : r.now) },
      ],
      rows,
    ),
    h('h3', {}, '申请材料（第二十八条）'),
    facts(evidence),
    table(
      '三级经办（初审、复核、审批，岗位不相容）',
      [
        { title: '环节', cell: (l) => l.name },
        { title: '经办人', cell: (l) => l.by ?? '待办理' },
      ],
      c.levels,
    ),
    table(
      '该月份缴费记录的各版本（原记录保留）',
      [
        { title: '版本', cell: (v) => String(v.version) },
        { title: '单位', cell: (v) => v.employerName },
        { title: '缴费基数', cell: (v) => yuan(v.baseFen) },
        { title: '实际缴费金额', cell: (v) => yuan(v.amountPaidFen) },
        { title: '到账日期', cell: (v) => v.receiptDate },
        {
          title: '来源',
          cell: (v) => `${SOURCE[v.source] ?? v.source}${v.source === 'correction' ? `（${v.sourceRun}）` : ''}`,
        },
        { title: '状态', cell: (v) => (v.current ? '现行' : '已被新版本替代') },
      ],
      c.history,
      '该月份尚无缴费记录',
    ),
  ];
}
