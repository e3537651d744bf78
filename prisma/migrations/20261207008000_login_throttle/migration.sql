-- Art. 95 身份鉴别: sign-in failures slowed down per account and client, not by a lock anyone can set on a username
-- (api/auth/throttle.ts; OWASP Authentication Cheat Sheet, "Login Throttling"; OWASP "Slow Down Online Guessing
-- Attacks with Device Cookies"). The counters live in PostgreSQL, so every API process sees the same ones.
-- The account-wide counter and lock that app_user kept are replaced: their state moves to login_throttle (scope
-- 'account'); a lock in force today is kept until it ends.

-- CreateTable
CREATE TABLE "login_throttle" (
    "key" VARCHAR(200) NOT NULL,
    "scope" VARCHAR(24) NOT NULL,
    "subject" VARCHAR(128) NOT NULL,
    "client" VARCHAR(64),
    "failures" INTEGER NOT NULL DEFAULT 0,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_throttle_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "login_throttle_scope_check" CHECK ("scope" IN ('account', 'account_client', 'account_device', 'client', 'applicant_client'))
);

-- CreateIndex
CREATE INDEX "login_throttle_subject_idx" ON "login_throttle"("subject");

-- CreateIndex
CREATE INDEX "login_throttle_updated_at_idx" ON "login_throttle"("updated_at");

-- CreateTable
CREATE TABLE "login_device" (
    "device_hash" VARCHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_device_pkey" PRIMARY KEY ("device_hash","user_id")
);

-- CreateIndex
CREATE INDEX "login_device_user_id_idx" ON "login_device"("user_id");

-- AddForeignKey
ALTER TABLE "login_device" ADD CONSTRAINT "login_device_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A lock in force keeps its end (for clients not known to the account, as every lock by account is now).
INSERT INTO "login_throttle" ("key", "scope", "subject", "client", "failures", "window_start", "locked_until", "updated_at")
SELECT 'account:' || "username", 'account', "username", NULL, 0, now(), "locked_until", now()
  FROM "app_user"
 WHERE "locked_until" > now();

-- AlterTable
ALTER TABLE "app_user" DROP COLUMN "failed_logins",
DROP COLUMN "locked_until";

-- The client address a code was asked from: codes are limited per phone and client, per client, and per phone.
-- AlterTable
ALTER TABLE "login_code" ADD COLUMN "client" VARCHAR(64);

-- CreateIndex
CREATE INDEX "login_code_client_created_at_idx" ON "login_code"("client", "created_at");
