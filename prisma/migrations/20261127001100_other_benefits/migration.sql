-- CreateTable
CREATE TABLE "other_benefit_claim" (
    "case_number" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "benefit_case_number" VARCHAR(32) NOT NULL,
    "request_key" VARCHAR(64) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "id_type" VARCHAR(32) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "name" TEXT NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "relationship" VARCHAR(16),
    "event_date" DATE NOT NULL,
    "chosen_scheme" VARCHAR(16),
    "complies_with_family_planning" BOOLEAN,
    "materials" JSONB NOT NULL DEFAULT '{}',
    "payment_method" VARCHAR(32) NOT NULL,
    "bank_name" TEXT,
    "account_number" VARCHAR(32) NOT NULL,
    "assessment" JSONB,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "other_benefit_claim_pkey" PRIMARY KEY ("case_number")
);

-- CreateIndex
CREATE UNIQUE INDEX "other_benefit_claim_request_key_key" ON "other_benefit_claim"("request_key");

-- CreateIndex
CREATE INDEX "other_benefit_claim_benefit_case_number_idx" ON "other_benefit_claim"("benefit_case_number");

ALTER TABLE "other_benefit_claim" ADD CONSTRAINT "other_benefit_claim_kind_check"
    CHECK ("kind" IN ('childbirth_subsidy', 'survivor_benefits'));

-- Art. 46, 47: one-off payments go through the same ledger and the city's monthly runs as the monthly benefit.
ALTER TABLE "payable" DROP CONSTRAINT "payable_kind_check";
ALTER TABLE "payable" ADD CONSTRAINT "payable_kind_check" CHECK ("kind" IN (
    'unemployment_benefit', 'medical_premium',
    'childbirth_subsidy', 'funeral_grant', 'survivor_pension', 'death_month_benefit'));
