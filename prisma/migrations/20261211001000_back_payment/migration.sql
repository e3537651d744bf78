-- 补收补缴 (Art. 26): an employer's application to pay back owed months, the agency's assessment per month and per
-- person (pension base, headcount, the rates in force then, the late fee of 社会保险法 Art. 86), what tax reported
-- paid, and the records posted to the original months (source 'back_payment', through storeContributionRecords).

-- CreateTable
CREATE TABLE "back_payment" (
    "case_number" VARCHAR(32) NOT NULL,
    "employer_uscc" VARCHAR(30) NOT NULL,
    "employer_name" VARCHAR(200) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "months" TEXT[],
    "request_key" VARCHAR(64) NOT NULL,
    "body_hash" VARCHAR(64) NOT NULL,
    "applied_by" VARCHAR(64) NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL,
    "assessed_at" TIMESTAMPTZ(3),
    "late_fee_through" DATE,
    "pay_by" DATE,
    "contributions_fen" BIGINT,
    "late_fee_fen" BIGINT,
    "total_fen" BIGINT,
    "explanation" JSONB,
    "reviewed_by" VARCHAR(64),
    "tax_status" VARCHAR(16),
    "amount_paid_fen" BIGINT,
    "receipt_date" DATE,
    "posted_at" TIMESTAMPTZ(3),
    "records_posted" INTEGER,

    CONSTRAINT "back_payment_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "back_payment_channel_check" CHECK ("channel" IN ('online', 'window'))
);

-- CreateTable
CREATE TABLE "back_payment_month" (
    "case_number" VARCHAR(32) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "insured_count" INTEGER NOT NULL,
    "base_total_fen" BIGINT NOT NULL,
    "employer_rate_bp" INTEGER NOT NULL,
    "person_rate_bp" INTEGER NOT NULL,
    "employer_share_fen" BIGINT NOT NULL,
    "person_share_fen" BIGINT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "due_date" DATE NOT NULL,
    "late_days" INTEGER NOT NULL,
    "late_fee_fen" BIGINT NOT NULL,
    "rates" JSONB NOT NULL,

    CONSTRAINT "back_payment_month_pkey" PRIMARY KEY ("case_number", "month")
);

-- CreateTable
CREATE TABLE "back_payment_person_month" (
    "case_number" VARCHAR(32) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "base_fen" BIGINT NOT NULL,
    "employer_share_fen" BIGINT NOT NULL,
    "person_share_fen" BIGINT NOT NULL,
    "amount_fen" BIGINT NOT NULL,

    CONSTRAINT "back_payment_person_month_pkey" PRIMARY KEY ("case_number", "id_number", "month")
);

-- CreateIndex
CREATE UNIQUE INDEX "back_payment_request_key_key" ON "back_payment"("request_key");
CREATE INDEX "back_payment_employer_uscc_idx" ON "back_payment"("employer_uscc");
-- The claims waiting on arrears (Art. 41) of the persons a back payment concerns.
CREATE INDEX "back_payment_person_month_id_number_idx" ON "back_payment_person_month"("id_number");

-- AddForeignKey
ALTER TABLE "back_payment" ADD CONSTRAINT "back_payment_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "case"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "back_payment_month" ADD CONSTRAINT "back_payment_month_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "back_payment"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "back_payment_person_month" ADD CONSTRAINT "back_payment_person_month_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "back_payment"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;

-- Records posted by a back payment (Art. 26 补记到对应费款所属期) name it as their source.
ALTER TABLE "contribution_record" DROP CONSTRAINT "contribution_record_source_check";
ALTER TABLE "contribution_record" ADD CONSTRAINT "contribution_record_source_check"
    CHECK ("source" IN ('feed', 'person_pull', 'correction', 'back_payment'));
