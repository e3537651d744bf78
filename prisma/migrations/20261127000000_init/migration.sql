-- CreateTable
CREATE TABLE "agency" (
    "code" VARCHAR(6) NOT NULL,
    "name" TEXT NOT NULL,
    "level" VARCHAR(8) NOT NULL,
    "parent_code" VARCHAR(6),

    CONSTRAINT "agency_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "case" (
    "case_number" VARCHAR(32) NOT NULL,
    "case_type" VARCHAR(32) NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "workflow_id" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_pkey" PRIMARY KEY ("case_number")
);

-- CreateTable
CREATE TABLE "benefit_claim" (
    "case_number" VARCHAR(32) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "id_type" VARCHAR(32) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "name" TEXT NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "employer_uscc" VARCHAR(18) NOT NULL,
    "employer_name" TEXT NOT NULL,
    "separation_date" DATE NOT NULL,
    "separation_reason" VARCHAR(48) NOT NULL,
    "paying_locality_basis" VARCHAR(16) NOT NULL,
    "payment_method" VARCHAR(32) NOT NULL,
    "bank_name" TEXT,
    "account_number" VARCHAR(32) NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "benefit_claim_pkey" PRIMARY KEY ("case_number")
);

-- CreateTable
CREATE TABLE "case_event" (
    "id" BIGSERIAL NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "event_key" VARCHAR(128) NOT NULL,
    "type" VARCHAR(48) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" VARCHAR(64) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "case_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "case_workflow_id_key" ON "case"("workflow_id");

-- CreateIndex
CREATE INDEX "case_agency_code_status_idx" ON "case"("agency_code", "status");

-- CreateIndex
CREATE INDEX "case_case_type_status_idx" ON "case"("case_type", "status");

-- CreateIndex
CREATE INDEX "benefit_claim_id_number_idx" ON "benefit_claim"("id_number");

-- CreateIndex
CREATE UNIQUE INDEX "case_event_event_key_key" ON "case_event"("event_key");

-- CreateIndex
CREATE INDEX "case_event_case_number_at_idx" ON "case_event"("case_number", "at");

-- AddForeignKey
ALTER TABLE "agency" ADD CONSTRAINT "agency_parent_code_fkey" FOREIGN KEY ("parent_code") REFERENCES "agency"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case" ADD CONSTRAINT "case_agency_code_fkey" FOREIGN KEY ("agency_code") REFERENCES "agency"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "benefit_claim" ADD CONSTRAINT "benefit_claim_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "case"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "case"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;
