-- Objections (Art. 13) and recoveries of overpaid benefits (Art. 43).

-- CreateTable
CREATE TABLE "objection" (
    "case_number" VARCHAR(32) NOT NULL,
    "original_case_number" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "subject" VARCHAR(24) NOT NULL,
    "objector" VARCHAR(16) NOT NULL,
    "grounds" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "filed_at" TIMESTAMPTZ(3) NOT NULL,
    "filed_by" VARCHAR(64) NOT NULL,
    "due_date" DATE NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "conclusion" JSONB,
    "concluded_at" TIMESTAMPTZ(3),
    "concluded_by" VARCHAR(64),
    "reconsideration_until" DATE,
    "litigation_until" DATE,

    CONSTRAINT "objection_pkey" PRIMARY KEY ("case_number")
);

-- CreateTable
CREATE TABLE "recovery" (
    "id" VARCHAR(64) NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "period_id" VARCHAR(64),
    "origin" VARCHAR(16) NOT NULL,
    "stop_date" DATE NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "balance_fen" INTEGER NOT NULL,
    "items" JSONB NOT NULL,
    "explanation" JSONB NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "delivery_method" VARCHAR(16),
    "delivered_on" DATE,
    "delivery_proof" JSONB,
    "delivered_by" VARCHAR(64),
    "due_date" DATE,
    "due_at" TIMESTAMPTZ(3),
    "litigation_at" TIMESTAMPTZ(3),
    "started_by" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "recovery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repayment" (
    "id" BIGSERIAL NOT NULL,
    "recovery_id" VARCHAR(64) NOT NULL,
    "reference" VARCHAR(64) NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "received_on" DATE NOT NULL,
    "confirmed_by" VARCHAR(64) NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "repayment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "objection_original_case_number_idx" ON "objection"("original_case_number");

-- CreateIndex
CREATE INDEX "objection_agency_code_status_idx" ON "objection"("agency_code", "status");

-- CreateIndex
CREATE UNIQUE INDEX "recovery_case_number_key" ON "recovery"("case_number");

-- CreateIndex
CREATE INDEX "recovery_agency_code_status_idx" ON "recovery"("agency_code", "status");

-- CreateIndex
CREATE UNIQUE INDEX "repayment_recovery_id_reference_key" ON "repayment"("recovery_id", "reference");

-- AddForeignKey
ALTER TABLE "repayment" ADD CONSTRAINT "repayment_recovery_id_fkey" FOREIGN KEY ("recovery_id") REFERENCES "recovery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
