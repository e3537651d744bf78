-- CreateTable
CREATE TABLE "determination" (
    "case_number" VARCHAR(32) NOT NULL,
    "version" INTEGER NOT NULL,
    "reason" VARCHAR(24) NOT NULL,
    "determined_on" DATE NOT NULL,
    "contribution_months" INTEGER NOT NULL,
    "months" INTEGER NOT NULL,
    "monthly_amount_fen" INTEGER NOT NULL,
    "total_fen" INTEGER NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "self_declared" BOOLEAN NOT NULL,
    "waived_months" TEXT[],
    "explanation" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(64) NOT NULL,

    CONSTRAINT "determination_pkey" PRIMARY KEY ("case_number","version")
);

-- CreateTable
CREATE TABLE "benefit_period" (
    "id" VARCHAR(64) NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(6) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "months" INTEGER NOT NULL,
    "monthly_amount_fen" INTEGER NOT NULL,
    "paid_months" INTEGER NOT NULL DEFAULT 0,
    "stop_reason" VARCHAR(32),
    "stop_date" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "benefit_period_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_material" (
    "id" BIGSERIAL NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(48) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "due_date" DATE NOT NULL,
    "supplied_at" TIMESTAMPTZ(3),
    "supplied_by" VARCHAR(64),
    "meta" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "case_material_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" VARCHAR(96) NOT NULL,
    "case_number" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(48) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "mobile_masked" VARCHAR(20) NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "benefit_period_case_number_key" ON "benefit_period"("case_number");

-- CreateIndex
CREATE INDEX "benefit_period_agency_code_status_idx" ON "benefit_period"("agency_code", "status");

-- CreateIndex
CREATE UNIQUE INDEX "case_material_case_number_kind_key" ON "case_material"("case_number", "kind");

-- CreateIndex
CREATE INDEX "message_case_number_at_idx" ON "message"("case_number", "at");
