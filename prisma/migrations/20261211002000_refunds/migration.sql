-- Refunds of contributions (Art. 27 退收退款) waiting for the fund's refund flow (Art. 64): a whole-month refund
-- request passed on by tax (one case per request: its ID unique), or a refund of individual persons applied for at the
-- agency; each person-month checked by one verdict (benefits received, transferred out) and, when accepted, listed
-- `awaiting_fund` with its amount until the fund finance chapter pays it back.

-- CreateTable
CREATE TABLE "refund_case" (
    "case_number" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "tax_request_id" VARCHAR(64),
    "register_number" VARCHAR(16),
    "employer_uscc" VARCHAR(30) NOT NULL,
    "employer_name" VARCHAR(200) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "channel" VARCHAR(8) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "verdict" VARCHAR(16),
    "total_fen" BIGINT NOT NULL,
    "accepted_fen" BIGINT NOT NULL DEFAULT 0,
    "answer" JSONB,
    "answered_at" TIMESTAMPTZ(3),
    "reviewed_by" VARCHAR(64),
    "review_reasons" TEXT[],
    "decided_at" TIMESTAMPTZ(3),
    "requested_by" VARCHAR(64) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "request_key" VARCHAR(64),
    "fingerprint" VARCHAR(64),

    CONSTRAINT "refund_case_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "refund_case_kind_check" CHECK ("kind" IN ('whole_month', 'individual')),
    CONSTRAINT "refund_case_channel_check" CHECK ("channel" IN ('tax', 'online', 'window')),
    CONSTRAINT "refund_case_amount_check" CHECK ("total_fen" >= 0 AND "accepted_fen" >= 0)
);

-- CreateTable
CREATE TABLE "refund_item" (
    "case_number" VARCHAR(32) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "person_name" VARCHAR(100),
    "amount_fen" BIGINT NOT NULL,
    "refusal_rule" VARCHAR(32),
    "refusal_reason" TEXT,

    CONSTRAINT "refund_item_pkey" PRIMARY KEY ("case_number", "id_number", "month"),
    CONSTRAINT "refund_item_amount_check" CHECK ("amount_fen" >= 0),
    CONSTRAINT "refund_item_month_check" CHECK ("month" ~ '^\d{4}-(0[1-9]|1[0-2])$')
);

-- CreateIndex
CREATE UNIQUE INDEX "refund_case_tax_request_id_key" ON "refund_case"("tax_request_id");
CREATE UNIQUE INDEX "refund_case_request_key_key" ON "refund_case"("request_key");
CREATE INDEX "refund_case_status_agency_code_idx" ON "refund_case"("status", "agency_code");
CREATE INDEX "refund_case_employer_uscc_idx" ON "refund_case"("employer_uscc");
CREATE INDEX "refund_item_id_number_idx" ON "refund_item"("id_number");

-- AddForeignKey
ALTER TABLE "refund_case" ADD CONSTRAINT "refund_case_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "case"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "refund_item" ADD CONSTRAINT "refund_item_case_number_fkey" FOREIGN KEY ("case_number") REFERENCES "refund_case"("case_number") ON DELETE CASCADE ON UPDATE CASCADE;
