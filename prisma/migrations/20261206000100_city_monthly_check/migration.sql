-- The city's monthly comparison (Art. 42, 62; issue 11, measure 2). A benefit period begun from now on checks and
-- queues its first month itself, then the city checks all its periods in bulk on the 1st (cityPaymentCycle →
-- monthlyCheck): one activity per 200 beneficiaries instead of a workflow task and an activity per beneficiary, and
-- settles the run's failures in bulk (Art. 39, 62). Periods begun before go on checking their months themselves.
-- AlterTable
ALTER TABLE "benefit_period" ADD COLUMN "monthly_check" VARCHAR(8) NOT NULL DEFAULT 'period',
ADD COLUMN "amount_changes" JSONB NOT NULL DEFAULT '[]';

-- The periods a city checks each month, in the order its batches take them.
-- CreateIndex
CREATE INDEX "benefit_period_agency_code_monthly_check_status_id_idx" ON "benefit_period"("agency_code", "monthly_check", "status", "id");
