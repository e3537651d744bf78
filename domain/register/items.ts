/**
 * The items of an employer's registration (单位参保登记事项, Art. 16) and what may change how (Art. 17). Pure: the
 * code lists with their Chinese names, the register's statuses, and which items the employer's agent changes online.
 *
 * | item | list | source |
 * | --- | --- | --- |
 * | 单位性质 | `EMPLOYER_TYPES` (domain/employer.ts) | the kinds the tax platform records, so a declaration can be compared with its record |
 * | 经济类型 | `ECONOMIC_TYPES` | GB/T 12402-2000《经济类型分类与代码》 |
 * | 单位行业 | `INDUSTRIES` | GB/T 4754-2017《国民经济行业分类》, its 20 sections (门类) |
 * | 开户银行行号 | 12 digits | the CNAPS bank code (支付系统行号) |
 */
import { EMPLOYER_TYPES, type EmployerType } from '../employer';

export { EMPLOYER_TYPES as EMPLOYER_NATURES };

export const EMPLOYER_NATURE_LABELS: Record<EmployerType, string> = {
  enterprise: '企业',
  public_institution: '事业单位',
  social_organization: '社会团体',
  private_non_enterprise: '民办非企业单位',
  individual_business: '个体工商户',
};

/** GB/T 12402-2000 经济类型代码. */
export const ECONOMIC_TYPES = {
  '110': '国有全资',
  '120': '集体全资',
  '130': '股份合作',
  '141': '国有联营',
  '142': '集体联营',
  '143': '国有与集体联营',
  '149': '其他联营',
  '151': '国有独资（公司）',
  '159': '其他有限责任（公司）',
  '160': '股份有限（公司）',
  '171': '私有独资',
  '172': '私有合伙',
  '173': '私营有限责任（公司）',
  '174': '私营股份有限（公司）',
  '175': '个体经营',
  '190': '其他内资',
  '150': '有限责任（公司）',
  '170': '私有',
  '200': '港澳台投资',
  '300': '国外投资',
  '900': '其他',
} as const satisfies Record<string, string>;
export type EconomicType = keyof typeof ECONOMIC_TYPES;

/** GB/T 4754-2017 门类. */
export const INDUSTRIES = {
  A: '农、林、牧、渔业',
  B: '采矿业',
  C: '制造业',
  D: '电力、热力、燃气及水生产和供应业',
  E: '建筑业',
  F: '批发和零售业',
  G: '交通运输、仓储和邮政业',
  H: '住宿和餐饮业',
  I: '信息传输、软件和信息技术服务业',
  J: '金融业',
  K: '房地产业',
  L: '租赁和商务服务业',
  M: '科学研究和技术服务业',
  N: '水利、环境和公共设施管理业',
  O: '居民服务、修理和其他服务业',
  P: '教育',
  Q: '卫生和社会工作',
  R: '文化、体育和娱乐业',
  S: '公共管理、社会保障和社会组织',
  T: '国际组织',
} as const satisfies Record<string, string>;
export type Industry = keyof typeof INDUSTRIES;

/** The register's status of an employer (Art. 16 参保, Art. 18 注销). */
export const EMPLOYER_STATUS_LABELS = { insured: '参保', deregistered: '注销' } as const;
export type EmployerStatus = keyof typeof EMPLOYER_STATUS_LABELS;

/** Art. 15: where the coordination with the pension registration stands. */
export const PENSION_STATUS_LABELS = {
  pending: '待与养老保险协同',
  already_registered: '养老保险已登记',
  informed: '已推送养老保险登记',
} as const;
export type PensionCoordination = keyof typeof PENSION_STATUS_LABELS;

/** Art. 17 para 2: what the employer's agent changes online, effective at once. */
export const SELF_SERVICE_ITEMS = ['address', 'phone', 'email', 'legalRepresentative'] as const;
export type SelfServiceItem = (typeof SELF_SERVICE_ITEMS)[number];

/** Art. 17 para 1: what changes only after the agency reviewed the supporting documents. */
export const REVIEWED_ITEMS = ['name', 'codeType', 'code', 'bankAccount'] as const;

/**
 * The items a self-service change actually changes (the ones whose new value differs), in the order of
 * `SELF_SERVICE_ITEMS`, so that the history names the same items whichever order the request gave them in.
 */
export function changedItems<T extends Partial<Record<SelfServiceItem, unknown>>>(
  current: Record<SelfServiceItem, unknown>,
  requested: T,
): SelfServiceItem[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return SELF_SERVICE_ITEMS.filter((k) => requested[k] !== undefined && !same(current[k], requested[k]));
}

/** Art. 18: why an employer's insurance relation ends (解散、破产、撤销、合并以及其他情形). */
export const END_REASON_LABELS = {
  dissolution: '解散',
  bankruptcy: '破产',
  revocation: '撤销',
  merger: '合并',
  other: '其他情形',
} as const;
export type EndReason = keyof typeof END_REASON_LABELS;
export const END_REASONS = Object.keys(END_REASON_LABELS) as [EndReason, ...EndReason[]];

/**
 * Art. 17 para 1 (相关登记变更材料): the documents a reviewed change needs, by item. The name and the USCC change with
 * the registration authority's change (变更登记), the bank account with the bank's account-opening certificate.
 */
export const CHANGE_DOCUMENT_LABELS = {
  registration_change_notice: '登记机关出具的变更登记材料（变更登记通知书或变更后的营业执照）',
  bank_account_certificate: '开户银行出具的开户证明',
} as const;
export type ChangeDocument = keyof typeof CHANGE_DOCUMENT_LABELS;
export const CHANGE_DOCUMENTS = Object.keys(CHANGE_DOCUMENT_LABELS) as [ChangeDocument, ...ChangeDocument[]];

export type ReviewedItem = (typeof REVIEWED_ITEMS)[number];
const DOCUMENT_FOR: Record<ReviewedItem, ChangeDocument> = {
  name: 'registration_change_notice',
  codeType: 'registration_change_notice',
  code: 'registration_change_notice',
  bankAccount: 'bank_account_certificate',
};

/** The documents a reviewed change of `items` needs and `supplied` lacks (Art. 17 para 1). */
export function missingChangeDocuments(items: readonly ReviewedItem[], supplied: readonly string[]): ChangeDocument[] {
  const needed = new Set(items.map((i) => DOCUMENT_FOR[i]));
  return CHANGE_DOCUMENTS.filter((d) => needed.has(d) && !supplied.includes(d));
}

/** The columns of a register row that the changeable items are kept in. */
export interface RegisterItemsRow {
  name: string;
  code: string;
  address: string;
  phone: string;
  email: string;
  bankName: string;
  bankCode: string;
  bankAccountName: string;
  bankAccountNumber: string;
  legalRepName: string;
  legalRepIdType: string;
  legalRepIdNumber: string;
  legalRepPhone: string;
}

/** Art. 17 para 1: the reviewed items as they stand, in the request's shape. */
export function reviewedItemsOf(e: RegisterItemsRow) {
  return {
    name: e.name,
    code: e.code,
    bankAccount: {
      bankName: e.bankName,
      bankCode: e.bankCode,
      accountName: e.bankAccountName,
      accountNumber: e.bankAccountNumber,
    },
  };
}

/** Art. 17 para 2: the self-service items as they stand, in the request's shape. */
export function selfServiceItemsOf(e: RegisterItemsRow) {
  return {
    address: e.address,
    phone: e.phone,
    email: e.email,
    legalRepresentative: {
      name: e.legalRepName,
      idType: e.legalRepIdType,
      idNumber: e.legalRepIdNumber,
      phone: e.legalRepPhone,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The insured persons (个人参保登记, Art. 19-22, 33, 51)

/**
 * Art. 19 证件类型: the identity documents a person is registered with. Only those the household registration (the
 * identity source, Art. 7) can check: the GB 11643 number of a mainland resident, on the ID card or the social
 * security card.
 */
export const PERSON_ID_TYPE_LABELS = {
  resident_id_card: '居民身份证',
  social_security_card: '社会保障卡',
} as const;
export type PersonIdType = keyof typeof PERSON_ID_TYPE_LABELS;
export const PERSON_ID_TYPES = Object.keys(PERSON_ID_TYPE_LABELS) as [PersonIdType, ...PersonIdType[]];

/** Art. 19 性别, as GB 11643 encodes it (the 17th digit: odd male, even female). */
export const SEX_LABELS = { male: '男', female: '女' } as const;
export type Sex = keyof typeof SEX_LABELS;

/** The person's insured status (参保状态): 参保 while a relation is open, 暂停 when none is, 终止 (Art. 22, 33). */
export const PERSON_STATUS_LABELS = { insured: '参保', suspended: '暂停参保', terminated: '终止参保' } as const;
export type PersonStatus = keyof typeof PERSON_STATUS_LABELS;

/** A relation's status: 参保, 暂停 (Art. 21; or left for an employer of another agency, Art. 51), 终止 (Art. 22), 注销 (Art. 18). */
export const RELATION_STATUS_LABELS = {
  insured: '参保',
  suspended: '暂停参保',
  terminated: '终止参保',
  cancelled: '注销',
} as const;
export type RelationStatus = keyof typeof RELATION_STATUS_LABELS;

/** Art. 19: how a relation began: a first registration, 人员恢复参保, 系统内转入 (Art. 51). */
export const RELATION_ORIGIN_LABELS = {
  registration: '参保登记',
  resumed: '恢复参保',
  moved_in: '系统内转入',
} as const;
export type RelationOrigin = keyof typeof RELATION_ORIGIN_LABELS;

/** Art. 22, 33: why insurance ends for good (退休、出国定居、死亡), the insured status then cancelled (注销变更). */
export const TERMINATION_REASON_LABELS = { retirement: '退休', emigration: '出国定居', death: '死亡' } as const;
export type TerminationReason = keyof typeof TERMINATION_REASON_LABELS;
export const TERMINATION_REASONS = Object.keys(TERMINATION_REASON_LABELS) as [
  TerminationReason,
  ...TerminationReason[],
];

/** Art. 20 para 1: the important items (个人重要信息), changed by a clerk after checking the new identity document. */
export const PERSON_IDENTITY_ITEMS = ['name', 'birthDate', 'idNumber'] as const;
export type PersonIdentityItem = (typeof PERSON_IDENTITY_ITEMS)[number];
/** Art. 20 para 2: the other items, changed by the person online, effective at once. */
export const PERSON_SELF_SERVICE_ITEMS = ['residence', 'phone'] as const;
export type PersonSelfServiceItem = (typeof PERSON_SELF_SERVICE_ITEMS)[number];

/** The labels of the person's items (Art. 19), for the history and messages people read. */
export const PERSON_ITEM_LABELS: Record<string, string> = {
  idType: '证件类型',
  idNumber: '证件号码',
  name: '姓名',
  sex: '性别',
  birthDate: '出生日期',
  phone: '联系方式',
  hukouDivision: '户籍所在地',
  hukouAddress: '户籍地址',
  residence: '居住地',
  insuredSince: '参加保险时间',
  hiredOn: '用工日期',
};
