/**
 * Monitoring rules (Art. 78-80) and data maintenance (Art. 93): the pure parts. The rules' thresholds are dated policy
 * data (policy/monitoring-rule.json); the correctable fields too (policy/data-correction-field.json). Workflow-safe.
 */
import { agencyLevelOf } from './access';
import { isMainlandMobile } from './identity';
import type { FamilyValue, PolicyData, ResolvedParameter } from './policy';
import { citationOf, findParameter } from './policy';

export const MONITORING_RULES = [
  'approvalsPerHour', // (a) a person completing more review/approval tasks in an hour than anyone can review
  'sharedBankAccount', // (b) one account receiving benefits for several people (Art. 39: the person's own account)
  'selfDeclaredPaid', // (c) paid on a self-declared separation reason (Art. 38 para 3: 纳入稽核范围)
  'manualDataCorrection', // (d) a manual data correction applied (Art. 93)
] as const;
export type MonitoringRule = (typeof MONITORING_RULES)[number];
export type MonitoringRuleParams = FamilyValue<'monitoringRule'>;

/** The rules in force on `date` and enabled, with the citation each run records. */
export function rulesInForce(
  policy: PolicyData,
  date: string,
): { params: MonitoringRuleParams; citation: ReturnType<typeof citationOf> }[] {
  return MONITORING_RULES.map((key) => findParameter(policy, 'monitoringRule', key, date))
    .filter((p): p is ResolvedParameter<MonitoringRuleParams> => !!p && p.value.enabled && p.value.rule === p.key)
    .map((p) => ({ params: p.value, citation: citationOf(p) }));
}

/** The city agency of a division code (a county's city; the province stays itself). */
export function cityOf(code: string): string {
  return agencyLevelOf(code) === 'county' ? `${code.slice(0, 4)}00` : code;
}
export function provinceOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

// ---- Data maintenance (Art. 93) ----

export const CORRECTION_ENTITIES = ['benefit_claim', 'other_benefit_claim'] as const;
export type CorrectionEntity = (typeof CORRECTION_ENTITIES)[number];

/** What the code can correct and how a new value is checked; the policy decides which of these are allowed. */
export const CORRECTABLE_FIELDS = {
  phone: {
    check: (v: string) => (isMainlandMobile(v) ? null : '须为大陆手机号码（11位，以13–19开头）'),
  },
  name: {
    check: (v: string) => (v.trim().length >= 1 && v.length <= 64 && v === v.trim() ? null : '须为1至64个字符'),
  },
  accountNumber: { check: (v: string) => (/^\d{12,30}$/.test(v) ? null : '须为12至30位数字') },
  bankName: { check: (v: string) => (v.trim().length >= 1 && v.length <= 64 ? null : '须为1至64个字符') },
} as const;
export type CorrectableField = keyof typeof CORRECTABLE_FIELDS;

/**
 * Whether `entity.field` may be corrected on `date` (Art. 93: only the fields the province allows), and at which
 * level it is approved; or why not.
 */
export function correctionRule(
  policy: PolicyData,
  entity: CorrectionEntity,
  field: string,
  date: string,
): { ok: true; approvalLevel: 'city' | 'province' } | { ok: false; message: string } {
  const allowed = [
    ...new Set(
      policy.dataCorrectionField
        .map((e) => e.key)
        .filter((k) => k.startsWith(`${entity}.`) && findParameter(policy, 'dataCorrectionField', k, date))
        .map((k) => k.slice(entity.length + 1))
        .filter((f) => f in CORRECTABLE_FIELDS),
    ),
  ].sort();
  const p = findParameter(policy, 'dataCorrectionField', `${entity}.${field}`, date);
  if (!p || !(field in CORRECTABLE_FIELDS)) {
    return {
      ok: false,
      message: `${entity}.${field} 不属于数据维护可更正的项目（第九十三条：仅限 ${allowed.join('、')}）`,
    };
  }
  return { ok: true, approvalLevel: p.value.approvalLevel };
}

/** The agency whose approver approves: the case's city, or the province (Art. 93 分级数据维护权限). */
export function approvalAgency(agencyCode: string, level: 'city' | 'province'): string {
  return level === 'province' ? provinceOf(agencyCode) : cityOf(agencyCode);
}
