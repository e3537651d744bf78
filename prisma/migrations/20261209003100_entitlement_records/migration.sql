-- The entitlement record (权益记录, Art. 29-33): each 权益记录单 issued (its verification code, what it is for, the
-- masked name it names, when and by which agency, the SHA-256 of its content and of the signed PDF), and the written
-- objections to a record (核查申请, Art. 31), each a case (QYH-…) a clerk closes as corrected or explained.

-- CreateTable
CREATE TABLE "record_issue" (
    "verification_code" VARCHAR(16) NOT NULL,
    "kind" VARCHAR(8) NOT NULL,
    "subject" VARCHAR(16) NOT NULL,
    "subject_masked" VARCHAR(64) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "as_of" DATE NOT NULL,
    "summary" JSONB NOT NULL,
    "content_hash" VARCHAR(64) NOT NULL,
    "pdf_hash" VARCHAR(64),
    "issued_by" VARCHAR(64) NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "record_issue_pkey" PRIMARY KEY ("verification_code"),
    CONSTRAINT "record_issue_kind_check" CHECK ("kind" IN ('person', 'employer'))
);

-- CreateIndex
CREATE INDEX "record_issue_subject_issued_at_idx" ON "record_issue"("subject", "issued_at");

-- CreateTable
CREATE TABLE "record_objection" (
    "case_number" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(8) NOT NULL,
    "person_number" VARCHAR(16),
    "register_number" VARCHAR(16),
    "agency_code" VARCHAR(6) NOT NULL,
    "channel" VARCHAR(8) NOT NULL,
    "sections" TEXT[],
    "statement" TEXT NOT NULL,
    "materials" TEXT[],
    "phone" VARCHAR(20),
    "status" VARCHAR(16) NOT NULL,
    "outcome" TEXT,
    "decided_by" VARCHAR(64),
    "decided_at" TIMESTAMPTZ(3),
    "filed_by" VARCHAR(64) NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL,
    "request_key" VARCHAR(64),

    CONSTRAINT "record_objection_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "record_objection_kind_check" CHECK ("kind" IN ('person', 'employer')),
    CONSTRAINT "record_objection_subject_check" CHECK (("kind" = 'person') = ("person_number" IS NOT NULL) AND ("kind" = 'employer') = ("register_number" IS NOT NULL)),
    CONSTRAINT "record_objection_channel_check" CHECK ("channel" IN ('online', 'window')),
    CONSTRAINT "record_objection_status_check" CHECK ("status" IN ('awaiting_check', 'corrected', 'explained', 'cancelled')),
    CONSTRAINT "record_objection_outcome_check" CHECK (("status" IN ('corrected', 'explained')) = ("outcome" IS NOT NULL))
);

-- CreateIndex
CREATE UNIQUE INDEX "record_objection_request_key_key" ON "record_objection"("request_key");

-- CreateIndex
CREATE INDEX "record_objection_person_number_idx" ON "record_objection"("person_number");

-- CreateIndex
CREATE INDEX "record_objection_register_number_idx" ON "record_objection"("register_number");

-- AddForeignKey
ALTER TABLE "record_objection" ADD CONSTRAINT "record_objection_person_number_fkey" FOREIGN KEY ("person_number") REFERENCES "insured_person"("person_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record_objection" ADD CONSTRAINT "record_objection_register_number_fkey" FOREIGN KEY ("register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The record reads a person's other benefits by ID number: indexed
-- (benefit_claim and skill_subsidy_claim have theirs already; payments are read by their period, job-retention cases by USCC).
CREATE INDEX "other_benefit_claim_id_number_idx" ON "other_benefit_claim"("id_number");
