/**
 * The messages every case type answers alike, so the case API (api/cases/lifecycle-router.ts) serves them all the
 * same way: the materials asked for (Art. 37) and the account a payment goes to (Art. 39). Workflow-safe: definitions
 * only; the handlers are the kernel's (workflows/kernel/case.ts).
 */
import { defineUpdate } from '@temporalio/workflow';

/**
 * Art. 37: the materials asked for, supplied (a clerk received them, or the applicant uploaded them); `documents`: the
 * uploaded files they were supplied with (Art. 14, 84; their kinds are `kinds`), absent in histories before them.
 */
export const supplyMaterials = defineUpdate<
  { stillMissing: string[] },
  [{ kinds: string[]; by: string; documents?: string[] }]
>('supplyMaterials');

/** Who corrects an account, and the account (Art. 39: 社会保障卡 first, else a bank account). */
export interface AccountCorrection {
  by: { id: string | null; username: string };
  method: 'social_security_card' | 'bank_account';
  bankName: string | null;
  accountNumber: string;
  reason: string;
}

/** Art. 39: a corrected account; what failed is paid once with it (the months, or the items, re-queued). */
export const correctBankAccount = defineUpdate<{ requeued: string[] }, [AccountCorrection]>('correctBankAccount');
