-- Art. 24, 25: a garbled row or a reconciliation difference marked resolved by a clerk, with who, when and why.
ALTER TABLE "contribution_sync_problem" ADD COLUMN "resolved_by" VARCHAR(64),
    ADD COLUMN "resolution_reason" VARCHAR(500);
ALTER TABLE "contribution_reconciliation_difference" ADD COLUMN "resolved_at" TIMESTAMPTZ(3),
    ADD COLUMN "resolved_by" VARCHAR(64),
    ADD COLUMN "resolution_reason" VARCHAR(500);
