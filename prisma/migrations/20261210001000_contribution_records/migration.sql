-- Contribution records kept by the agency (Art. 23-25): one row per person, employer and contribution month, from the
-- tax platform's feed (a Temporal Schedule) or a per-person pull; never edited in place: a changed record is a new
-- version and the old one points at it (superseded_by). The employer-month record (Art. 25 单位缴费信息) is derived
-- from the current versions; each sync run is reconciled against the platform's totals per employer-month.

-- CreateTable
CREATE TABLE "contribution_record" (
    "id" BIGSERIAL NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "person_number" VARCHAR(16),
    "employer_uscc" VARCHAR(30) NOT NULL,
    "employer_name" VARCHAR(200) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "base_fen" BIGINT NOT NULL,
    "amount_paid_fen" BIGINT NOT NULL,
    "employer_share_fen" BIGINT,
    "person_share_fen" BIGINT,
    "receipt_date" DATE NOT NULL,
    "back_payment" BOOLEAN NOT NULL,
    "source" VARCHAR(12) NOT NULL,
    "source_run" VARCHAR(96) NOT NULL,
    "tax_seq" BIGINT,
    "version" INTEGER NOT NULL,
    "superseded_by" BIGINT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contribution_record_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "contribution_record_source_check" CHECK ("source" IN ('feed', 'person_pull', 'correction')),
    CONSTRAINT "contribution_record_amounts_check" CHECK ("base_fen" >= 0 AND "amount_paid_fen" >= 0),
    CONSTRAINT "contribution_record_month_check" CHECK ("month" ~ '^\d{4}-(0[1-9]|1[0-2])$')
);

-- CreateIndex
CREATE UNIQUE INDEX "contribution_record_id_number_employer_uscc_month_version_key" ON "contribution_record"("id_number", "employer_uscc", "month", "version");

-- The current versions: one per person, month and employer (the key a bulk import inserts against: ON CONFLICT), as
-- a determination reads them (a person's months in a range, in order) and as an employer sees its staff's (Art. 23):
-- partial indexes (not modelled by Prisma: *_partial).
CREATE UNIQUE INDEX "contribution_record_current_person_partial" ON "contribution_record"("id_number", "month", "employer_uscc") WHERE "superseded_by" IS NULL;
CREATE INDEX "contribution_record_current_employer_partial" ON "contribution_record"("employer_uscc", "month") WHERE "superseded_by" IS NULL;

-- CreateTable
CREATE TABLE "contribution_sync_state" (
    "feed" VARCHAR(32) NOT NULL,
    "cursor" BIGINT NOT NULL,
    "drained_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contribution_sync_state_pkey" PRIMARY KEY ("feed")
);

-- CreateTable
CREATE TABLE "contribution_sync_run" (
    "run_id" VARCHAR(96) NOT NULL,
    "trigger" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "from_cursor" BIGINT NOT NULL,
    "to_cursor" BIGINT NOT NULL,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "revised" INTEGER NOT NULL DEFAULT 0,
    "garbled" INTEGER NOT NULL DEFAULT 0,
    "differences" INTEGER NOT NULL DEFAULT 0,
    "stopped_reason" VARCHAR(200),

    CONSTRAINT "contribution_sync_run_pkey" PRIMARY KEY ("run_id"),
    CONSTRAINT "contribution_sync_run_status_check" CHECK ("status" IN ('running', 'completed', 'interrupted'))
);

-- The employer-months brought since the last reconciliation (by the run named first), reconciled once the feed is
-- read to its end (a run stopped half-way would see an employer-month half-read).
CREATE TABLE "contribution_sync_touched" (
    "employer_uscc" VARCHAR(30) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "run_id" VARCHAR(96) NOT NULL,

    CONSTRAINT "contribution_sync_touched_pkey" PRIMARY KEY ("employer_uscc", "month")
);

-- Rows of the feed that could not be read (garbled), listed for a clerk; a later run fetches them again.
CREATE TABLE "contribution_sync_problem" (
    "id" BIGSERIAL NOT NULL,
    "problem_key" VARCHAR(80) NOT NULL,
    "run_id" VARCHAR(96) NOT NULL,
    "tax_seq" BIGINT,
    "raw" TEXT NOT NULL,
    "issues" JSONB NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "found_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by_run" VARCHAR(96),

    CONSTRAINT "contribution_sync_problem_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "contribution_sync_problem_status_check" CHECK ("status" IN ('open', 'resolved'))
);

-- CreateIndex
CREATE UNIQUE INDEX "contribution_sync_problem_problem_key_key" ON "contribution_sync_problem"("problem_key");
CREATE INDEX "contribution_sync_problem_status_found_at_idx" ON "contribution_sync_problem"("status", "found_at");

-- A difference between the kept records and the platform's totals of an employer-month, found by a run.
CREATE TABLE "contribution_reconciliation_difference" (
    "id" BIGSERIAL NOT NULL,
    "run_id" VARCHAR(96) NOT NULL,
    "employer_uscc" VARCHAR(30) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "kept_count" INTEGER NOT NULL,
    "kept_base_fen" BIGINT NOT NULL,
    "kept_amount_fen" BIGINT NOT NULL,
    "tax_count" INTEGER NOT NULL,
    "tax_base_fen" BIGINT NOT NULL,
    "tax_amount_fen" BIGINT NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "found_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contribution_reconciliation_difference_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "contribution_reconciliation_difference_status_check" CHECK ("status" IN ('open', 'resolved'))
);

-- CreateIndex
CREATE UNIQUE INDEX "contribution_reconciliation_difference_run_id_employer_uscc_month_key" ON "contribution_reconciliation_difference"("run_id", "employer_uscc", "month");
CREATE INDEX "contribution_reconciliation_difference_status_found_at_idx" ON "contribution_reconciliation_difference"("status", "found_at");

-- A person's records pulled one by one (a claim, a subsidy): when, so that a reader knows they are synced.
CREATE TABLE "contribution_person_pull" (
    "id_number" VARCHAR(32) NOT NULL,
    "pulled_at" TIMESTAMPTZ(3) NOT NULL,
    "records" INTEGER NOT NULL,

    CONSTRAINT "contribution_person_pull_pkey" PRIMARY KEY ("id_number")
);
