/**
 * The contract of a suspicious item's verification (疑点信息, Art. 78-80): the monitoring run finds the item, its own
 * case verifies it (workflows/monitoring.ts `monitoringItemVerification`).
 */
import type { MonitoringRule } from '../domain/monitoring';

export interface ItemToVerify {
  caseNumber: string;
  agencyCode: string;
  rule: MonitoringRule;
}

/** The verification's workflow as clients start it by name (`monitoringItemVerification`). */
export type MonitoringItemVerificationWorkflow = (
  item: ItemToVerify,
) => Promise<'confirmed' | 'dismissed' | 'cancelled'>;
