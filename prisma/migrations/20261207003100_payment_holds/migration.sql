-- Art. 80 纠错机制: a suspicious item the audit team confirmed holds the payments of the cases it concerns (their
-- pending items in the `payable` ledger, and any queued later) out of the cities' payment runs, until another person
-- decides its rectification: released, or stopped (a benefit period, from a date) / withdrawn (a one-off grant).
-- CreateTable
CREATE TABLE "payment_hold" (
    "item_case_number" VARCHAR(32) NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "held_by" VARCHAR(64) NOT NULL,
    "held_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_by" VARCHAR(64),
    "decided_at" TIMESTAMPTZ(3),
    "decision" JSONB,

    CONSTRAINT "payment_hold_pkey" PRIMARY KEY ("item_case_number","case_number"),
    CONSTRAINT "payment_hold_status_check" CHECK ("status" IN ('held', 'released', 'stopped', 'withdrawn'))
);

-- CreateIndex
CREATE INDEX "payment_hold_case_number_status_idx" ON "payment_hold"("case_number", "status");
