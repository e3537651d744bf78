/**
 * Case numbers: `{type}-{year}-{agency}-{serial}`, e.g. `SYJ-2026-210100-7K3M9Q2XHD`, following the archive numbering
 * "年度-类别-案件流水号" of Art. 86 with the handling agency's division code. The serial is 10 Crockford base-32
 * characters (50 bits) drawn at random by the API, or derived from an idempotency key, so numbers carry no personal
 * data and need no central counter. The number is also the case's Temporal workflow ID.
 */

export const CASE_TYPE_CODES = {
  benefit_claim: 'SYJ', // 失业金
  objection_review: 'FHJ', // 复核 (Art. 13)
  determination_revocation: 'CXH', // 撤销核定 (Art. 42, 43)
  childbirth_subsidy: 'YLB', // 医疗补助金 (Art. 46)
  survivor_benefits: 'SZF', // 丧葬补助金和抚恤金 (Art. 47)
  monitoring_item: 'YDH', // 疑点核查 (Art. 79, 80)
  data_correction: 'SJW', // 数据维护 (Art. 93)
  employer_change: 'DWB', // 单位信息变更, reviewed (Art. 17 para 1)
  job_retention_refund: 'WGF', // 稳岗返还 (Art. 49)
  skill_subsidy: 'JNB', // 技能提升补贴 (Art. 50)
  calendar_year: 'GZR', // 工作日历: a year's State Council holiday notice awaited and entered (Art. 94)
  record_objection: 'QYH', // 权益记录核查 (Art. 31)
  contribution_reconciliation: 'JFD', // 缴费对账: a sync run's differences with tax's totals looked into (Art. 24, 25)
  public_notice: 'GSH', // 公示 (Art. 49, 50): a notice is numbered like a case; its tasks are filed under it
  refund: 'TFK', // 退费 (Art. 27): a whole-month request from tax or a refund for individual persons; waits for the fund (Art. 64)
  contribution_correction: 'JFX', // 个人缴费记录修改: a record created, added or amended on three levels (Art. 28)
  register_follow_up: 'DJC', // 登记督办: an overdue registration, change or late staff reduction a clerk follows up (Art. 17, 19, 21)
  back_payment: 'BJF', // 补收补缴: an employer's back payment of owed months, assessed and collected by tax (Art. 26)
} as const;
export type CaseType = keyof typeof CASE_TYPE_CODES;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CASE_NUMBER_PATTERN = /^[A-Z]{3}-\d{4}-\d{6}-[0-9A-HJKMNP-TV-Z]{10}$/;

/** 10 Crockford base-32 characters from the first 50 bits of `bytes` (at least 7 bytes). */
export function serialFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 7) throw new RangeError('serialFromBytes needs at least 7 bytes');
  let bits = 0n;
  for (let i = 0; i < 7; i++) bits = (bits << 8n) | BigInt(bytes[i]!);
  bits >>= 6n; // 56 -> 50 bits
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return out;
}

export function formatCaseNumber(caseType: CaseType, year: number, agencyCode: string, serial: string): string {
  return `${CASE_TYPE_CODES[caseType]}-${year}-${agencyCode}-${serial}`;
}

export function isCaseNumber(value: string): boolean {
  return CASE_NUMBER_PATTERN.test(value);
}
