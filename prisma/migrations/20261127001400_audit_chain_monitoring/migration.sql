-- Audit log integrity (issue 9; Art. 78, 93): the audit trail becomes a hash chain (lib/audit.ts).
-- Rows already written are NOT chained (their canonical JSON is computed in TypeScript, not here): the chain starts at
-- the first row written after this migration, and audit_chain_head.legacy_until_id records where.
ALTER TABLE "audit_log" ADD COLUMN "prev_hash" VARCHAR(64);
ALTER TABLE "audit_log" ADD COLUMN "hash" VARCHAR(64);

-- CreateTable
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL,
    "last_id" BIGINT,
    "last_hash" VARCHAR(64),
    "legacy_until_id" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_chain_head_single_row" CHECK ("id" = 1)
);
-- Other sessions' writes wait for this migration's lock on audit_log, so nothing slips between the count and the head.
LOCK TABLE "audit_log" IN EXCLUSIVE MODE;
INSERT INTO "audit_chain_head" ("id", "last_id", "last_hash", "legacy_until_id", "updated_at")
    SELECT 1, NULL, NULL, COALESCE(MAX("id"), 0), now() FROM "audit_log";
-- The head is never deleted: without it no audit row can be written.
CREATE FUNCTION "audit_chain_head_keep"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_chain_head keeps its one row';
END;
$$;
CREATE TRIGGER "audit_chain_head_no_delete" BEFORE DELETE OR TRUNCATE ON "audit_chain_head"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_chain_head_keep"();

-- Monitoring rules (Art. 78-80).
-- CreateTable
CREATE TABLE "monitoring_run" (
    "id" VARCHAR(96) NOT NULL,
    "trigger" VARCHAR(16) NOT NULL,
    "requested_by" VARCHAR(64),
    "as_of" DATE NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "rules" JSONB NOT NULL DEFAULT '[]',
    "found" INTEGER NOT NULL DEFAULT 0,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "monitoring_run_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "monitoring_run_trigger_check" CHECK ("trigger" IN ('schedule', 'manual'))
);

-- CreateTable
CREATE TABLE "monitoring_item" (
    "case_number" VARCHAR(32) NOT NULL,
    "rule" VARCHAR(32) NOT NULL,
    "subject_key" VARCHAR(128) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "first_run_id" VARCHAR(96) NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL,
    "verification_started" BOOLEAN NOT NULL DEFAULT false,
    "outcome" JSONB,
    "decided_by" VARCHAR(64),
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "monitoring_item_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "monitoring_item_status_check" CHECK ("status" IN ('open', 'confirmed', 'dismissed'))
);

-- CreateIndex
CREATE UNIQUE INDEX "monitoring_item_rule_subject_key_key" ON "monitoring_item"("rule", "subject_key");

-- CreateIndex
CREATE INDEX "monitoring_item_agency_code_status_idx" ON "monitoring_item"("agency_code", "status");

-- CreateIndex
CREATE INDEX "monitoring_run_started_at_idx" ON "monitoring_run"("started_at");

-- Data maintenance (Art. 93).
-- CreateTable
CREATE TABLE "data_correction" (
    "case_number" VARCHAR(32) NOT NULL,
    "target_entity" VARCHAR(32) NOT NULL,
    "target_case_number" VARCHAR(32) NOT NULL,
    "field" VARCHAR(32) NOT NULL,
    "old_value" TEXT NOT NULL,
    "new_value" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "approval_agency_code" VARCHAR(6) NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "requested_by" VARCHAR(64) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by" VARCHAR(64),
    "approved_by" VARCHAR(64),
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "data_correction_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "data_correction_target_entity_check" CHECK ("target_entity" IN ('benefit_claim', 'other_benefit_claim')),
    CONSTRAINT "data_correction_changes_check" CHECK ("old_value" <> "new_value")
);

-- CreateIndex
CREATE INDEX "data_correction_target_case_number_idx" ON "data_correction"("target_case_number");

-- CreateIndex
CREATE INDEX "data_correction_status_applied_at_idx" ON "data_correction"("status", "applied_at");
