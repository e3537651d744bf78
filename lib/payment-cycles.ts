/**
 * Art. 39, 63: every city agency pays its beneficiaries on the pay day through the disbursing bank. One long-running
 * `cityPaymentCycle` per city agency (workflow ID `payment-cycle-<code>`), started with the conflict policy
 * USE_EXISTING, so a restart of the system finds the running loops instead of starting them twice.
 */
import { paymentCycleId, type CityPaymentCycleWorkflow } from '../contracts/pay-day';
import { AGENCY_CODE, CASE_TYPE } from '../contracts/search-attributes';
import { cityAgencyCodes } from './agencies';
import { withTemporalClient, type TemporalTarget } from './temporal';

/** Starts the pay-day loop of each city agency (`agency.level = 'city'`) unless it runs already; returns the IDs. */
export async function ensurePaymentCycles(opts: {
  databaseUrl: string;
  target: TemporalTarget;
  taskQueue: string;
}): Promise<string[]> {
  const cities = await cityAgencyCodes(opts.databaseUrl);
  return withTemporalClient(opts.target, async (client) => {
    const ids: string[] = [];
    for (const code of cities) {
      const handle = await client.workflow.start<CityPaymentCycleWorkflow>('cityPaymentCycle', {
        workflowId: paymentCycleId(code),
        taskQueue: opts.taskQueue,
        args: [{ agencyCode: code }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: CASE_TYPE, value: 'payment_cycle' },
          { key: AGENCY_CODE, value: code },
        ],
      });
      ids.push(handle.workflowId);
    }
    return ids;
  });
}
