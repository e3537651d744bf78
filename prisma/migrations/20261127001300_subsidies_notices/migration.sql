-- Art. 49-50: job-retention refunds, skill-upgrade subsidies and their public notices.

-- CreateTable
CREATE TABLE "job_retention_case" (
    "case_number" VARCHAR(32) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "screening_id" VARCHAR(64),
    "request_key" VARCHAR(64),
    "uscc" VARCHAR(18) NOT NULL,
    "employer_name" TEXT NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "year" INTEGER NOT NULL,
    "phone" VARCHAR(20),
    "bank_name" TEXT,
    "account_number" VARCHAR(32) NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "assessment" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_retention_case_pkey" PRIMARY KEY ("case_number")
);

-- CreateTable
CREATE TABLE "skill_subsidy_claim" (
    "case_number" VARCHAR(32) NOT NULL,
    "request_key" VARCHAR(64) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "applied_by" VARCHAR(16) NOT NULL,
    "id_type" VARCHAR(32) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "name" TEXT NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "employer_uscc" VARCHAR(18) NOT NULL,
    "employer_name" TEXT NOT NULL,
    "certificate_number" VARCHAR(32) NOT NULL,
    "occupation" TEXT,
    "level" VARCHAR(16),
    "issue_date" DATE,
    "payment_method" VARCHAR(32) NOT NULL,
    "bank_name" TEXT,
    "account_number" VARCHAR(32) NOT NULL,
    "decision" VARCHAR(16),
    "amount_fen" INTEGER,
    "assessment" JSONB,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "skill_subsidy_claim_pkey" PRIMARY KEY ("case_number")
);

-- CreateTable
CREATE TABLE "public_notice" (
    "id" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "title" TEXT NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "public_notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public_notice_item" (
    "id" BIGSERIAL NOT NULL,
    "notice_id" VARCHAR(64) NOT NULL,
    "item_no" INTEGER NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "display" JSONB NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "public_notice_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notice_objection" (
    "id" UUID NOT NULL,
    "notice_id" VARCHAR(64) NOT NULL,
    "item_no" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "contact" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notice_objection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_retention_case_request_key_key" ON "job_retention_case"("request_key");

-- CreateIndex
CREATE INDEX "job_retention_case_screening_id_idx" ON "job_retention_case"("screening_id");

-- CreateIndex
CREATE UNIQUE INDEX "job_retention_case_uscc_year_key" ON "job_retention_case"("uscc", "year");

-- CreateIndex
CREATE UNIQUE INDEX "skill_subsidy_claim_request_key_key" ON "skill_subsidy_claim"("request_key");

-- CreateIndex
CREATE INDEX "skill_subsidy_claim_id_number_idx" ON "skill_subsidy_claim"("id_number");

-- CreateIndex
CREATE INDEX "public_notice_agency_code_published_at_idx" ON "public_notice"("agency_code", "published_at");

-- CreateIndex
CREATE UNIQUE INDEX "public_notice_item_notice_id_item_no_key" ON "public_notice_item"("notice_id", "item_no");

-- CreateIndex
CREATE UNIQUE INDEX "public_notice_item_notice_id_case_number_key" ON "public_notice_item"("notice_id", "case_number");

-- CreateIndex
CREATE INDEX "notice_objection_notice_id_item_no_idx" ON "notice_objection"("notice_id", "item_no");

-- AddForeignKey
ALTER TABLE "public_notice_item" ADD CONSTRAINT "public_notice_item_notice_id_fkey" FOREIGN KEY ("notice_id") REFERENCES "public_notice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "job_retention_case" ADD CONSTRAINT "job_retention_case_source_check" CHECK ("source" IN ('screening', 'application'));
ALTER TABLE "skill_subsidy_claim" ADD CONSTRAINT "skill_subsidy_claim_decision_check"
    CHECK ("decision" IS NULL OR "decision" IN ('granted', 'refused', 'withdrawn'));
ALTER TABLE "public_notice_item" ADD CONSTRAINT "public_notice_item_status_check"
    CHECK ("status" IN ('listed', 'held', 'released', 'withdrawn'));

-- Art. 50: one subsidy per person, occupation and level: a second grant for the same certificate level is refused
-- by the review, and the database refuses it too (not compared with the Prisma schema: *_partial).
CREATE UNIQUE INDEX "skill_subsidy_once_partial" ON "skill_subsidy_claim"("id_number", "occupation", "level")
    WHERE "decision" = 'granted';

-- Art. 49, 50: refunds and subsidies go through the same ledger and the cities' monthly runs.
ALTER TABLE "payable" DROP CONSTRAINT "payable_kind_check";
ALTER TABLE "payable" ADD CONSTRAINT "payable_kind_check" CHECK ("kind" IN (
    'unemployment_benefit', 'medical_premium',
    'childbirth_subsidy', 'funeral_grant', 'survivor_pension', 'death_month_benefit',
    'job_retention_refund', 'skill_upgrade_subsidy'));
