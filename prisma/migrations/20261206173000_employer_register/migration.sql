-- The register of employers (参保单位登记, Art. 15-18): every item of Art. 16, branches registered where they are
-- (Art. 16 para 2, their parent referenced), the status (参保 / 注销), the coordination with the pension registration
-- (Art. 15), and an append-only change history (Art. 17).

-- CreateTable
CREATE TABLE "employer" (
    "register_number" VARCHAR(16) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "code_type" VARCHAR(8) NOT NULL,
    "code" VARCHAR(30) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "nature" VARCHAR(32) NOT NULL,
    "economic_type" VARCHAR(3) NOT NULL,
    "industry" VARCHAR(1) NOT NULL,
    "registration_authority" VARCHAR(100) NOT NULL,
    "founded_on" DATE NOT NULL,
    "insured_since" DATE NOT NULL,
    "address" VARCHAR(200) NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "email" VARCHAR(100) NOT NULL,
    "bank_name" VARCHAR(100) NOT NULL,
    "bank_code" VARCHAR(12) NOT NULL,
    "bank_account_name" VARCHAR(200) NOT NULL,
    "bank_account_number" VARCHAR(32) NOT NULL,
    "legal_rep_name" VARCHAR(64) NOT NULL,
    "legal_rep_id_type" VARCHAR(40) NOT NULL,
    "legal_rep_id_number" VARCHAR(32) NOT NULL,
    "legal_rep_phone" VARCHAR(20) NOT NULL,
    "agent_name" VARCHAR(64) NOT NULL,
    "agent_id_type" VARCHAR(40) NOT NULL,
    "agent_id_number" VARCHAR(32) NOT NULL,
    "agent_phone" VARCHAR(20) NOT NULL,
    "parent_register_number" VARCHAR(16),
    "status" VARCHAR(16) NOT NULL,
    "ended_on" DATE,
    "end_reason" VARCHAR(16),
    "channel" VARCHAR(8) NOT NULL,
    "pension_status" VARCHAR(24) NOT NULL,
    "pension_unit_number" VARCHAR(32),
    "request_key" VARCHAR(64),
    "fingerprint" VARCHAR(64) NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "employer_pkey" PRIMARY KEY ("register_number"),
    CONSTRAINT "employer_code_type_check" CHECK ("code_type" IN ('uscc', 'other')),
    CONSTRAINT "employer_status_check" CHECK ("status" IN ('insured', 'deregistered')),
    CONSTRAINT "employer_end_check" CHECK (("status" = 'deregistered') = ("ended_on" IS NOT NULL AND "end_reason" IS NOT NULL)),
    CONSTRAINT "employer_end_reason_check" CHECK ("end_reason" IN ('dissolution', 'bankruptcy', 'revocation', 'merger', 'other')),
    CONSTRAINT "employer_channel_check" CHECK ("channel" IN ('online', 'window')),
    CONSTRAINT "employer_pension_status_check" CHECK ("pension_status" IN ('pending', 'already_registered', 'informed')),
    CONSTRAINT "employer_not_own_branch" CHECK ("parent_register_number" IS DISTINCT FROM "register_number")
);

-- CreateIndex
CREATE UNIQUE INDEX "employer_request_key_key" ON "employer"("request_key");

-- CreateIndex
CREATE UNIQUE INDEX "employer_code_type_code_key" ON "employer"("code_type", "code");

-- CreateIndex
CREATE INDEX "employer_agency_code_idx" ON "employer"("agency_code");

-- CreateIndex
CREATE INDEX "employer_parent_register_number_idx" ON "employer"("parent_register_number");

-- AddForeignKey
ALTER TABLE "employer" ADD CONSTRAINT "employer_parent_register_number_fkey" FOREIGN KEY ("parent_register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The register numbers (单位编号): the agency's code and a serial of the province.
CREATE SEQUENCE "employer_register_serial" AS BIGINT START 1;

-- CreateTable
CREATE TABLE "employer_change" (
    "id" BIGSERIAL NOT NULL,
    "register_number" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "article" VARCHAR(8) NOT NULL,
    "actor_id" UUID,
    "actor_name" VARCHAR(64) NOT NULL,
    "fields" TEXT[],
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "employer_change_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "employer_change_kind_check" CHECK ("kind" IN ('registered', 'changed', 'pension_consulted', 'pension_informed', 'deregistered'))
);

-- CreateIndex
CREATE INDEX "employer_change_register_number_at_idx" ON "employer_change"("register_number", "at");

-- AddForeignKey
ALTER TABLE "employer_change" ADD CONSTRAINT "employer_change_register_number_fkey" FOREIGN KEY ("register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The change history is append-only (Art. 17: what was registered, when, by whom): no UPDATE, no DELETE.
CREATE FUNCTION "employer_change_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'employer_change is append-only';
END;
$$;
CREATE TRIGGER "employer_change_no_update" BEFORE UPDATE OR DELETE ON "employer_change"
    FOR EACH ROW EXECUTE FUNCTION "employer_change_append_only"();
CREATE TRIGGER "employer_change_no_truncate" BEFORE TRUNCATE ON "employer_change"
    FOR EACH STATEMENT EXECUTE FUNCTION "employer_change_append_only"();

-- Art. 17 para 1: a change of the name, the USCC or the bank account, requested with the supporting documents and
-- applied only after the agency reviewed them: a case of its own (DWB-…), its requested values kept here.
-- CreateTable
CREATE TABLE "employer_change_request" (
    "case_number" VARCHAR(32) NOT NULL,
    "register_number" VARCHAR(16) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "channel" VARCHAR(8) NOT NULL,
    "items" TEXT[],
    "requested" JSONB NOT NULL,
    "documents" TEXT[],
    "changed_on" DATE NOT NULL,
    "late_by_days" INTEGER NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "requested_by" VARCHAR(64) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_by" VARCHAR(64),
    "decided_at" TIMESTAMPTZ(3),
    "reasons" TEXT[],

    CONSTRAINT "employer_change_request_pkey" PRIMARY KEY ("case_number"),
    CONSTRAINT "employer_change_request_status_check" CHECK ("status" IN ('awaiting_review', 'applied', 'rejected', 'conflict', 'cancelled'))
);

-- CreateIndex
CREATE INDEX "employer_change_request_register_number_idx" ON "employer_change_request"("register_number");

-- AddForeignKey
ALTER TABLE "employer_change_request" ADD CONSTRAINT "employer_change_request_register_number_fkey" FOREIGN KEY ("register_number") REFERENCES "employer"("register_number") ON DELETE RESTRICT ON UPDATE CASCADE;
