-- CreateTable
CREATE TABLE "login_code" (
    "id" BIGSERIAL NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "login_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applicant_session" (
    "id" VARCHAR(64) NOT NULL,
    "id_number" VARCHAR(32) NOT NULL,
    "phone" VARCHAR(20) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "applicant_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_code_phone_created_at_idx" ON "login_code"("phone", "created_at");

-- CreateIndex
CREATE INDEX "applicant_session_id_number_idx" ON "applicant_session"("id_number");
