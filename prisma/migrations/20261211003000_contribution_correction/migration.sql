-- 个人缴费记录修改 (Art. 28): a person's contribution record created, added or amended on an application with its
-- evidence, in three levels (初审、复核、审批). The record itself is never edited: the approved change is a new version
-- of contribution_record (source `correction`, source_run the case number), the old one kept.
CREATE TABLE "contribution_correction" (
    "case_number" VARCHAR(32) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "person_number" VARCHAR(16),
    "agency_code" VARCHAR(6) NOT NULL,
    "kind" VARCHAR(8) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "employer_uscc" VARCHAR(30) NOT NULL,
    "new_employer_uscc" VARCHAR(30) NOT NULL,
    "new_employer_name" VARCHAR(200) NOT NULL,
    "old_values" JSONB,
    "base_fen" BIGINT NOT NULL,
    "amount_paid_fen" BIGINT NOT NULL,
    "receipt_date" DATE NOT NULL,
    "reason" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "objection_case_number" VARCHAR(32),
    "status" VARCHAR(24) NOT NULL,
    "requested_by_id" VARCHAR(64),
    "requested_by" VARCHAR(64) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by" VARCHAR(64),
    "second_reviewed_by" VARCHAR(64),
    "approved_by" VARCHAR(64),
    "record_id" BIGINT,
    "record_version" INTEGER,
    "applied_at" TIMESTAMPTZ(3),
    "request_key" VARCHAR(64),

    CONSTRAINT "contribution_correction_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "contribution_correction_kind_check" CHECK ("kind" IN ('create', 'amend')),
    CONSTRAINT "contribution_correction_amounts_check" CHECK ("base_fen" >= 0 AND "amount_paid_fen" >= 0),
    CONSTRAINT "contribution_correction_month_check" CHECK ("month" ~ '^\d{4}-(0[1-9]|1[0-2])$')
);

CREATE UNIQUE INDEX "contribution_correction_request_key_key" ON "contribution_correction"("request_key");
CREATE UNIQUE INDEX "contribution_correction_objection_case_number_key" ON "contribution_correction"("objection_case_number");
CREATE INDEX "contribution_correction_id_number_idx" ON "contribution_correction"("id_number");
