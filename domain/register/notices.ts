/**
 * The register's texts to people (Art. 17, 19, 21), in the 规程's words: the 《失业保险金申领告知书》 sent to a person
 * whose employer declared the staff reduction (Art. 21, what to claim and how: Art. 34, 35), and the reminders to an
 * employer the daily comparison with the shared data found behind (Art. 17, 19). Pure; no ID numbers or names of
 * persons in the texts.
 */
import { SEPARATION_REASON_LABELS, type SeparationReason } from '../separation';

const SIGN = '【辽宁失业保险】';

/** Art. 34, 35: who may claim, where and how, as the 告知书 tells it (the printable page says the same). */
export const CLAIM_NOTICE_LETTER = {
  title: '失业保险金申领告知书',
  conditions:
    '失业前用人单位和本人累计缴纳失业保险费（含在不同用人单位）满1年、非因本人意愿中断就业的失业人员，可以申领失业保险金；失业登记不作为申领失业保险金的前置条件（第三十四条）。',
  where: '失业人员可在最后参保地或户籍所在地享受失业保险待遇（第三十五条）。',
  how: '失业人员可通过网上服务平台、手机APP等线上方式申领失业保险金，也可通过全省任一失业保险经办机构的服务窗口或自助终端申领失业保险金（第三十五条）。',
  online:
    '线上申领：登录网上服务平台“失业保险金申领”，以身份证件号码和手机短信验证码登录，填写失业时间、失业原因、原参保单位和领取待遇的社会保障卡或银行账户后提交；失业时间和失业原因以单位减员申报记录为准（第三十八条）。',
  materials:
    '户籍所在地信息、视同缴费信息不能通过数据共享获取的，需提供相关证明材料（第三十五条）；失业原因无法通过信息系统和共享数据获取的，需提供与原单位解除（终止）劳动关系的证明材料（第三十八条）。',
} as const;

export function claimNoticeLetterSms(p: {
  employerName: string;
  separationDate: string;
  separationReason: SeparationReason;
}): string {
  return `${SIGN}${p.employerName}已为您办理减员（暂停参保）申报，失业时间${p.separationDate}，失业原因：${SEPARATION_REASON_LABELS[p.separationReason]}。《失业保险金申领告知书》：累计缴纳失业保险费满1年、非因本人意愿中断就业的，可在最后参保地或户籍所在地申领失业保险金；可通过网上服务平台、手机APP等线上方式申领，也可到全省任一失业保险经办机构服务窗口或自助终端申领。`;
}

export function unregisteredStaffReminderSms(p: { registerNumber: string; count: number; until: string }): string {
  return `${SIGN}贵单位（单位编号${p.registerNumber}）有${p.count}名职工用工已超过30日尚未办理失业保险参保登记。参保单位应自用工之日起30日内为其职工申报参保登记（第十九条），请于${p.until}前通过网上服务平台或经办窗口办理。`;
}

/** The market-registration items of Art. 17 the comparison watches, in the 规程's words. */
export const MARKET_CHANGE_ITEMS = {
  name: '单位名称',
  address: '联系地址',
  legal_representative: '法定代表人（负责人）',
} as const;
export type MarketChangeItem = keyof typeof MARKET_CHANGE_ITEMS;

export function undeclaredChangeReminderSms(p: {
  registerNumber: string;
  items: MarketChangeItem[];
  changedOn: string;
  until: string;
}): string {
  const items = p.items.map((i) => MARKET_CHANGE_ITEMS[i]).join('、');
  return `${SIGN}市场主体登记信息显示贵单位（单位编号${p.registerNumber}）的${items}已于${p.changedOn}变更，尚未申报失业保险单位信息变更。参保单位应在登记事项发生变更的30日内申报信息变更（第十七条），请于${p.until}前办理。`;
}
