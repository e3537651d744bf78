/**
 * Every refusal a case workflow can answer with, and what the API tells people about it: one table. A workflow refuses
 * a command (an Update's validator or handler, a start with bad input) with an `ApplicationFailure` whose `type` is a
 * key of this table (a task's refusal: type `TaskRefused`, its `details[0].code` a key). The API's command gateway
 * (api/case-commands.ts) answers it with the row's HTTP status, stable snake_case `code` and Chinese `message`; a
 * refusal whose own message is already Chinese (a task's, built by domain/tasks.ts from the rule it names) keeps it.
 * test/unit/refusals.test.ts proves that every type the workflows throw has its row here.
 */

export interface RefusalRule {
  /** 400 bad input (answered as `validation_failed` naming `field`), 403 role or scope, 409 the case's state. */
  status: 400 | 403 | 409 | 422;
  /** The stable code of the answer (ignored for a 400: `validation_failed`). */
  code: string;
  /** What the person is told, in the 规程's words. */
  message: string;
  /** The request's field a 400 (or a 409 about one value) names. */
  field?: string;
}

export const CASE_REFUSALS = {
  // The materials asked for at once (一次性告知, Art. 37) and the arrears waiver (Art. 41).
  NotWaitingForMaterials: {
    status: 409,
    code: 'not_waiting_for_materials',
    message: '本案未在等待补正材料，无需提交',
  },
  // Which materials are outstanding is the case's state, not the document's: 422.
  UnknownMaterial: {
    status: 422,
    code: 'unknown_material',
    message: '所交材料不在一次性告知需补正的材料之内',
    field: 'kinds',
  },
  NotWaitingForArrears: {
    status: 409,
    code: 'not_waiting_for_arrears',
    message: '本案未在等待补缴欠费或签署《个人放弃补缴失业保险欠费承诺书》',
  },
  // The account the benefit is paid to (Art. 39) and the payment of a case (Art. 46, 47).
  InvalidAccount: {
    status: 400,
    code: 'invalid_account',
    message: '账户信息有误：账号须为12至30位数字，银行账户须填写开户银行',
    field: 'accountNumber',
  },
  NotInPayment: { status: 409, code: 'not_in_payment', message: '本案当前没有正在发放的待遇，无需更正账户' },
  // A benefit period (Art. 40, 42).
  PeriodStopped: { status: 409, code: 'period_stopped', message: '失业保险金已停发' },
  PeriodComplete: { status: 409, code: 'period_complete', message: '领取期限内各月待遇均已发放或列入发放，不能再变更' },
  InvalidMonth: { status: 400, code: 'invalid_month', message: '月份格式须为 YYYY-MM', field: 'fromMonth' },
  InvalidStopDate: {
    status: 400,
    code: 'invalid_stop_date',
    message: '停发日期须为 YYYY-MM-DD 格式的日期，且在领取期限之内',
    field: 'stopDate',
  },
  // A recovery of overpaid benefits (Art. 43).
  MissingRole: { status: 403, code: 'missing_role', message: '您没有办理此项业务的岗位权限（第七十七条 权限管理）' },
  OutsideScope: {
    status: 403,
    code: 'outside_scope',
    message: '此案件不在您所在经办机构的管辖范围内（第五条 分级管理）',
  },
  NotAwaitingDelivery: {
    status: 409,
    code: 'not_awaiting_delivery',
    message: '追回案件没有待送达的退回通知',
  },
  InvalidDelivery: {
    status: 400,
    code: 'invalid_delivery',
    message: '送达方式须为短信、邮寄或当面送达，送达日期须为不晚于今日的日期',
    field: 'deliveredOn',
  },
  RecoveryNotOpen: { status: 409, code: 'recovery_not_open', message: '追回案件尚未开始或已办结' },
  InvalidAmount: {
    status: 400,
    code: 'invalid_amount',
    message: '金额须为正整数（单位：分）且不超过应退余额，收款日期不晚于今日',
    field: 'amountFen',
  },
  DuplicateRepayment: {
    status: 409,
    code: 'duplicate_repayment',
    message: '此银行回单号的退款已确认，不再重复入账',
    field: 'reference',
  },
  InLitigation: {
    status: 409,
    code: 'in_litigation',
    message: '追回案件已申请人民法院强制执行，须待诉讼任务办结后再更正停发日期',
  },
  StopDateNotEarlier: {
    status: 409,
    code: 'stop_date_not_earlier',
    message: '更正后的停发日期须早于已记录的停发日期',
    field: 'stopDate',
  },
  // A public notice (公示, Art. 49, 50).
  NoticeClosed: { status: 409, code: 'notice_closed', message: '公示期已结束，不再受理异议' },
  UnknownNoticeItem: { status: 400, code: 'unknown_notice_item', message: '公示中没有此条目', field: 'itemNo' },
  InvalidObjection: { status: 400, code: 'invalid_objection', message: '须说明公示内容有何不实', field: 'reason' },
  // A person's step (workflows/tasks.ts; Art. 5, 77, 78): the task's own message names the rule.
  task_not_open: { status: 409, code: 'task_not_open', message: '此任务已办结或不属于本案，不能再办理' },
  assigned_to_other: { status: 409, code: 'assigned_to_other', message: '此任务已由其他经办人员领取' },
  not_assignee: { status: 409, code: 'not_assignee', message: '只有领取人或业务监督人员可以退回此任务' },
  missing_role: { status: 403, code: 'missing_role', message: '您没有办理此任务的岗位权限（第七十七条 权限管理）' },
  outside_scope: {
    status: 403,
    code: 'outside_scope',
    message: '此任务不在您所在经办机构的管辖范围内（第五条 分级管理）',
  },
  separation_of_duties: {
    status: 403,
    code: 'separation_of_duties',
    message: '岗位不相容：同一案件的前后环节须由不同经办人员办理（第七十七条）',
  },
  // The form a task takes depends on the task (GET /tasks/{id} gives its JSON Schema): the document can say only "a JSON
  // object", so a form that does not fit this task is 422, not a 400 of the document.
  invalid_form: { status: 422, code: 'invalid_form', message: '审批表填写有误，请按提示修改' },
  calendar_not_covered: {
    status: 422,
    code: 'calendar_not_covered',
    message: '延长后的办理期限所在年度尚未录入工作日历，不能延长至该年度（第九十四条）',
    field: 'period',
  },
  // A workflow started with input it cannot run on (a system start, not a person's command).
  InvalidPaymentRun: { status: 400, code: 'invalid_payment_run', message: '发放批次须注明经办机构代码和月份' },
  InvalidPaymentCycle: { status: 400, code: 'invalid_payment_cycle', message: '发放周期须注明六位经办机构代码' },
  InvalidMonthlyCheck: { status: 400, code: 'invalid_monthly_check', message: '月度比对须注明经办机构代码和月份' },
} as const satisfies Record<string, RefusalRule>;

export type RefusalType = keyof typeof CASE_REFUSALS;

/** The row of a refusal type (a failure's `type`, or a task refusal's code); undefined for a type not in the table. */
export function refusalRule(type: string): RefusalRule | undefined {
  return Object.hasOwn(CASE_REFUSALS, type) ? (CASE_REFUSALS as Record<string, RefusalRule>)[type] : undefined;
}
